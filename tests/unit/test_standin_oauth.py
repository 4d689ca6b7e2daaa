"""The Slack stand-in's OAuth v2: a staged install's one-time code is traded at oauth.v2.access
for a bot token of that workspace; with token rotation the token expires and the refresh token
is good once. Driven with slack-sdk's client, Bolt's OAuth flow and slack-sdk's token rotator."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store import Bot, FileInstallationStore
from slack_sdk.oauth.state_store import FileOAuthStateStore
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from bot.standin.server import SlackStandin
from tests.slack_spec import needs_spec, spec_problems

CLIENT_ID, CLIENT_SECRET = "111.222", "standin-secret"


@pytest.fixture
async def slack() -> AsyncIterator[SlackStandin]:
    async with SlackStandin() as s:
        s.add_user("U0HANK", name="Hank Scorpio", team="T0GLOBEX")
        yield s


def app_client(slack: SlackStandin, token: str | None = None) -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=slack.base_url, retry_handlers=[])


async def exchange(slack: SlackStandin, code: str, secret: str = CLIENT_SECRET) -> Any:
    """As Bolt's OAuth flow does: the app's credentials in HTTP Basic auth."""
    return await app_client(slack).oauth_v2_access(
        client_id=CLIENT_ID, client_secret=secret, code=code
    )


async def refresh(slack: SlackStandin, refresh_token: str) -> Any:
    return await app_client(slack).oauth_v2_access(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        grant_type="refresh_token",
        refresh_token=refresh_token,
    )


async def error_of(call: object) -> str:
    with pytest.raises(SlackApiError) as err:
        await call  # type: ignore[misc]
    return str(err.value.response["error"])


async def test_an_install_trades_its_code_for_a_bot_token_of_that_workspace(
    slack: SlackStandin,
) -> None:
    slack.stage_install("code-1", "T0GLOBEX", "Globex", installer="U0HANK", scopes=("chat:write",))
    answer = await exchange(slack, "code-1")
    token = answer["access_token"]
    assert token.startswith("xoxb-")
    assert {k: v for k, v in answer.data.items() if k != "access_token"} == {
        "ok": True,
        "app_id": "A0KYC",
        "authed_user": {"id": "U0HANK"},
        "scope": "chat:write",
        "token_type": "bot",
        "bot_user_id": answer["bot_user_id"],
        "team": {"id": "T0GLOBEX", "name": "Globex"},
        "enterprise": None,
        "is_enterprise_install": False,
    }
    me = await app_client(slack, token).auth_test()
    assert (me["team_id"], me["team"]) == ("T0GLOBEX", "Globex")
    assert me["user_id"] == answer["bot_user_id"]
    assert me.headers["X-OAuth-Scopes"] == "chat:write"  # as Slack says the token's scopes
    # The token has the install's scopes, and sees the installed workspace's people.
    assert await error_of(app_client(slack, token).users_info(user="U0HANK")) == "missing_scope"
    assert (await app_client(slack, token).chat_postMessage(channel="U0HANK", text="hi"))["ok"]
    assert slack.calls_to("oauth.v2.access")[0].team == "T0GLOBEX"


async def test_a_code_is_good_once_and_an_unknown_one_never(slack: SlackStandin) -> None:
    slack.stage_install("code-1", "T0GLOBEX", "Globex")
    await exchange(slack, "code-1")
    assert await error_of(exchange(slack, "code-1")) == "invalid_code"
    assert await error_of(exchange(slack, "never-staged")) == "invalid_code"


async def test_the_apps_credentials_are_checked_before_the_code_is_spent(
    slack: SlackStandin,
) -> None:
    slack.stage_install("code-1", "T0GLOBEX", "Globex")
    assert await error_of(exchange(slack, "code-1", secret="wrong")) == "bad_client_secret"
    wrong_app = app_client(slack).oauth_v2_access(
        client_id="999.999", client_secret=CLIENT_SECRET, code="code-1"
    )
    assert await error_of(wrong_app) == "invalid_client_id"
    assert (await exchange(slack, "code-1"))["ok"]


async def test_the_credentials_may_come_as_form_fields_or_json(slack: SlackStandin) -> None:
    slack.stage_install("code-form", "T0GLOBEX", "Globex")
    slack.stage_install("code-json", "T0GLOBEX", "Globex")
    form = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "code": "code-form"}
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{slack.base_url}oauth.v2.access", data=form) as resp,
    ):
        assert (await resp.json())["team"] == {"id": "T0GLOBEX", "name": "Globex"}
    as_json = await app_client(slack).api_call(
        "oauth.v2.access", json={**form, "code": "code-json"}
    )
    assert as_json["ok"]
    bad = app_client(slack).api_call(
        "oauth.v2.access", params={**form, "client_secret": "nope", "code": "x"}
    )
    assert await error_of(bad) == "bad_client_secret"


async def test_a_reinstall_issues_a_new_token_and_the_old_one_still_works(
    slack: SlackStandin,
) -> None:
    slack.stage_install("first", "T0GLOBEX", "Globex")
    slack.stage_install("again", "T0GLOBEX", "Globex Corporation")
    first = (await exchange(slack, "first"))["access_token"]
    again = await exchange(slack, "again")
    assert again["access_token"] != first
    assert (await app_client(slack, first).auth_test())["team"] == "Globex Corporation"
    # The bot user is the workspace's, the same across installs.
    assert again["bot_user_id"] == (await app_client(slack, first).auth_test())["user_id"]


async def test_an_org_wide_install_names_the_enterprise(slack: SlackStandin) -> None:
    slack.stage_install(
        "grid",
        "T0GLOBEX",
        "Globex",
        enterprise_id="E0GRID",
        enterprise_name="Globex Group",
        is_enterprise_install=True,
    )
    answer = await exchange(slack, "grid")
    assert answer["enterprise"] == {"id": "E0GRID", "name": "Globex Group"}
    assert answer["team"] is None and answer["is_enterprise_install"] is True
    me = await app_client(slack, answer["access_token"]).auth_test()
    assert me["enterprise_id"] == "E0GRID" and me["is_enterprise_install"] is True


async def test_a_redirect_uri_given_at_install_must_be_named_again(slack: SlackStandin) -> None:
    slack.stage_install("code-1", "T0GLOBEX", "Globex", redirect_uri="https://kyc.test/oauth")
    no_uri = exchange(slack, "code-1")
    assert await error_of(no_uri) == "bad_redirect_uri"
    ok = await app_client(slack).oauth_v2_access(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        code="code-1",
        redirect_uri="https://kyc.test/oauth",
    )
    assert ok["ok"]


async def test_rotation_refresh_tokens_are_good_once_and_access_tokens_expire(
    slack: SlackStandin,
) -> None:
    slack.stage_install("code-1", "T0GLOBEX", "Globex", rotating=True, expires_in=2)
    first = await exchange(slack, "code-1")
    assert first["access_token"].startswith("xoxe.xoxb-1-")
    assert first["refresh_token"].startswith("xoxe-1-") and first["expires_in"] == 2
    await asyncio.sleep(1.0)
    second = await refresh(slack, first["refresh_token"])
    assert second["access_token"] != first["access_token"]
    assert second["refresh_token"] != first["refresh_token"]
    assert (second["token_type"], second["team"]["id"]) == ("bot", "T0GLOBEX")
    assert slack.calls_to("oauth.v2.access")[-1].team == "T0GLOBEX"
    assert await error_of(refresh(slack, first["refresh_token"])) == "invalid_refresh_token"
    # The old access token keeps working until its own expiry, then is token_expired.
    assert (await app_client(slack, first["access_token"]).auth_test())["ok"]
    await asyncio.sleep(max(0.0, 2.05 - 1.0))
    expired = app_client(slack, first["access_token"]).auth_test()
    assert await error_of(expired) == "token_expired"
    assert (await app_client(slack, second["access_token"]).auth_test())["team_id"] == "T0GLOBEX"
    assert await error_of(refresh(slack, "xoxe-1-unknown")) == "invalid_refresh_token"


async def test_an_unknown_grant_type_is_refused(slack: SlackStandin) -> None:
    call = app_client(slack).oauth_v2_access(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, code="c", grant_type="password"
    )
    assert await error_of(call) == "invalid_grant_type"


async def test_uninstalling_revokes_installed_tokens_and_their_refresh_tokens(
    slack: SlackStandin,
) -> None:
    slack.stage_install("code-1", "T0GLOBEX", "Globex", rotating=True)
    installed = await exchange(slack, "code-1")
    slack.uninstall("T0GLOBEX")
    revoked = app_client(slack, installed["access_token"]).auth_test()
    assert await error_of(revoked) == "token_revoked"
    assert await error_of(refresh(slack, installed["refresh_token"])) == "invalid_refresh_token"
    assert (await app_client(slack, "xoxb-test").auth_test())["team_id"] == "T_TEST"
    slack.stage_install("code-2", "T0GLOBEX", "Globex")  # installed again
    again = await exchange(slack, "code-2")
    assert (await app_client(slack, again["access_token"]).auth_test())["ok"]


async def test_bolts_oauth_flow_and_slack_sdks_rotator_accept_the_answers(
    slack: SlackStandin, tmp_path: Path
) -> None:
    settings = AsyncOAuthSettings(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        scopes=["chat:write"],
        installation_store=FileInstallationStore(base_dir=str(tmp_path / "installs")),
        state_store=FileOAuthStateStore(expiration_seconds=600, base_dir=str(tmp_path / "s")),
    )
    flow = AsyncOAuthFlow(client=app_client(slack), settings=settings)
    slack.stage_install(
        "code-1", "T0GLOBEX", "Globex", enterprise_id="E0GRID", rotating=True, expires_in=60
    )
    installation = await flow.run_installation("code-1")
    assert installation is not None
    assert (installation.team_id, installation.enterprise_id) == ("T0GLOBEX", "E0GRID")
    assert (
        installation.bot_id
        == (await app_client(slack, installation.bot_token).auth_test())["bot_id"]
    )
    assert installation.bot_refresh_token is not None
    rotator = AsyncTokenRotator(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, client=app_client(slack)
    )
    rotated = await rotator.perform_bot_token_rotation(
        bot=installation.to_bot(), minutes_before_expiration=5
    )
    assert isinstance(rotated, Bot) and rotated.bot_token != installation.bot_token
    assert rotated.bot_token_expires_at is not None
    assert rotated.bot_token_expires_at > time.time() + 50
    assert (await app_client(slack, rotated.bot_token).auth_test())["team_id"] == "T0GLOBEX"


@needs_spec
async def test_the_code_exchange_matches_slacks_spec(slack: SlackStandin) -> None:
    slack.stage_install("code-1", "T0GLOBEX", "Globex")
    await exchange(slack, "code-1")
    assert spec_problems(slack.calls_to("oauth.v2.access")) == []
