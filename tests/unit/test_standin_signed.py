"""The stand-in's SlackSender speaks for a given workspace (and Enterprise Grid org): Bolt, which
verifies each request's signature, reads the team and enterprise the sender says, including
for app_uninstalled and tokens_revoked, which Slack sends without a usable token."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.standin.server import SlackStandin
from bot.standin.signed import SlackSender

SECRET = "signed-test-secret"
TOKENS = {"T_TEST": "xoxb-test", "T0GLOBEX": "xoxb-globex"}


@dataclass
class Seen:
    """What the app's listeners saw: (listener, enterprise_id, team_id, detail)."""

    requests: list[tuple[str, str | None, str | None, Any]] = field(default_factory=list)


def build_app(slack: SlackStandin, seen: Seen) -> AsyncApp:
    async def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
        return AuthorizeResult(
            enterprise_id=enterprise_id, team_id=team_id, bot_token=TOKENS[team_id or ""]
        )

    app = AsyncApp(
        signing_secret=SECRET,
        authorize=authorize,
        client=AsyncWebClient(base_url=slack.base_url, retry_handlers=[]),
        process_before_response=True,  # the listener is done when the answer comes
    )

    def note(name: str, context: AsyncBoltContext, detail: Any = None) -> None:
        seen.requests.append((name, context.enterprise_id, context.team_id, detail))

    @app.command("/kyc")
    async def command(ack: Any, context: AsyncBoltContext, client: AsyncWebClient) -> None:
        await ack()
        note("command", context, (await client.auth_test())["team_id"])

    @app.action("go")
    async def action(ack: Any, context: AsyncBoltContext) -> None:
        await ack()
        note("action", context)

    @app.event("app_uninstalled")
    async def uninstalled(context: AsyncBoltContext) -> None:
        note("app_uninstalled", context)

    @app.event("tokens_revoked")
    async def revoked(event: dict[str, Any], context: AsyncBoltContext) -> None:
        note("tokens_revoked", context, event["tokens"])

    return app


@pytest.fixture
async def sent() -> AsyncIterator[tuple[SlackStandin, SlackSender, Seen]]:
    seen = Seen()
    async with SlackStandin(tokens={TOKENS["T_TEST"]}) as slack:
        slack.add_team("T0GLOBEX", "Globex", TOKENS["T0GLOBEX"], enterprise_id="E0GRID")
        app = build_app(slack, seen)

        async def dispatch(request: web.Request) -> web.Response:
            return await to_aiohttp_response(
                await app.async_dispatch(await to_bolt_request(request))
            )

        web_app = web.Application()
        web_app.router.add_post("/slack/events", dispatch)
        runner = web.AppRunner(web_app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        try:
            yield slack, SlackSender(f"http://127.0.0.1:{port}/slack/events", SECRET), seen
        finally:
            await runner.cleanup()


async def test_a_sender_speaks_for_its_workspace_and_for_team_for_another(
    sent: tuple[SlackStandin, SlackSender, Seen],
) -> None:
    slack, northwind, seen = sent
    globex = northwind.for_team("T0GLOBEX", enterprise_id="E0GRID")
    assert (await northwind.slash_command("U0DANA", "plan")).status == 200
    assert (await globex.slash_command("U0HANK", "plan")).status == 200
    await globex.block_actions("U0HANK", [{"action_id": "go", "block_id": "b", "type": "button"}])
    assert northwind.team_id == "T_TEST"  # for_team leaves the original as it was
    assert seen.requests == [
        ("command", None, "T_TEST", "T_TEST"),
        ("command", "E0GRID", "T0GLOBEX", "T0GLOBEX"),  # answered with Globex's token
        ("action", "E0GRID", "T0GLOBEX", None),
    ]
    assert [c.team for c in slack.calls_to("auth.test")] == ["T_TEST", "T0GLOBEX"]


async def test_app_uninstalled_and_tokens_revoked_name_the_workspace(
    sent: tuple[SlackStandin, SlackSender, Seen],
) -> None:
    slack, northwind, seen = sent
    globex = northwind.for_team("T0GLOBEX", enterprise_id="E0GRID", bot_user_id="U0GLOBEXBOT")
    slack.uninstall("T0GLOBEX")
    assert (await globex.app_uninstalled()).status == 200
    assert (await globex.tokens_revoked(bot=["U0GLOBEXBOT"])).status == 200
    assert seen.requests == [
        ("app_uninstalled", "E0GRID", "T0GLOBEX", None),
        ("tokens_revoked", "E0GRID", "T0GLOBEX", {"oauth": [], "bot": ["U0GLOBEXBOT"]}),
    ]
    assert slack.calls == []  # Bolt asks Slack nothing about a workspace that is gone
