"""The Slack stand-in serves several workspaces: each token is one workspace's, a call sees only
that workspace's people and channels, and uninstalling revokes the workspace's tokens.
Driven over HTTP with slack-sdk's own client, as the app drives it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.standin.server import SlackStandin

TOKEN_A, TOKEN_B = "xoxb-test", "xoxb-globex"


@pytest.fixture
async def slack() -> AsyncIterator[SlackStandin]:
    """Northwind (T_TEST, the default workspace) and Globex, each with a person and a channel."""
    async with SlackStandin(tokens={TOKEN_A}) as s:
        s.add_team("T0GLOBEX", "Globex", TOKEN_B, enterprise_id="E0GRID")
        s.add_user("U0DANA", name="Dana Whitfield", email="dana@example.test")
        s.add_channel("C0NORTH", "cs-north")
        s.add_user("U0GLOB", name="Hank Scorpio", email="hank@example.test", team="T0GLOBEX")
        s.add_user("U0DANB", name="Dana Whitfield", email="dana@example.test", team="T0GLOBEX")
        s.add_channel("C0GLOB", "cs-globex", team="T0GLOBEX")
        yield s


def client(slack: SlackStandin, token: str) -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=slack.base_url, retry_handlers=[])


async def error_of(call: object) -> str:
    with pytest.raises(SlackApiError) as err:
        await call  # type: ignore[misc]
    return str(err.value.response["error"])


async def test_auth_test_answers_for_the_tokens_own_workspace(slack: SlackStandin) -> None:
    a = await client(slack, TOKEN_A).auth_test()
    assert (a["team_id"], a["team"], a["user_id"], a["bot_id"]) == (
        "T_TEST",
        "Northwind",
        "U0KYCBOT",
        "B0KYCBOT",
    )
    assert a["url"] == "https://northwind.slack.com/" and "enterprise_id" not in a.data
    b = await client(slack, TOKEN_B).auth_test()
    assert (b["team_id"], b["team"], b["enterprise_id"]) == ("T0GLOBEX", "Globex", "E0GRID")
    assert b["user_id"] != a["user_id"] and b["bot_id"] != a["bot_id"]
    assert b["url"] == "https://globex.slack.com/"


async def test_a_workspace_posts_and_reads_its_own_channels_and_people(slack: SlackStandin) -> None:
    b = client(slack, TOKEN_B)
    posted = await b.chat_postMessage(channel="C0GLOB", text="hello Globex")
    assert slack.messages("C0GLOB")[0]["user"] == (await b.auth_test())["user_id"]
    await b.chat_update(channel="C0GLOB", ts=posted["ts"], text="edited")
    assert (await b.users_info(user="U0GLOB"))["user"]["team_id"] == "T0GLOBEX"
    dm = (await b.conversations_open(users="U0GLOB"))["channel"]["id"]
    assert (await b.chat_postMessage(channel=dm, text="hi Hank"))["ok"]
    # The same address in two workspaces is two people: each token finds its own.
    assert (await b.users_lookupByEmail(email="dana@example.test"))["user"]["id"] == "U0DANB"
    a = client(slack, TOKEN_A)
    assert (await a.users_lookupByEmail(email="dana@example.test"))["user"]["id"] == "U0DANA"


async def test_another_workspaces_channel_is_not_found(slack: SlackStandin) -> None:
    a = client(slack, TOKEN_A)
    posted = await client(slack, TOKEN_B).chat_postMessage(channel="C0GLOB", text="mine")
    assert await error_of(a.chat_postMessage(channel="C0GLOB", text="x")) == "channel_not_found"
    assert (
        await error_of(a.chat_update(channel="C0GLOB", ts=posted["ts"], text="x"))
        == "channel_not_found"
    )
    for call in (
        a.conversations_info(channel="C0GLOB"),
        a.conversations_history(channel="C0GLOB"),
        a.conversations_replies(channel="C0GLOB", ts=posted["ts"]),
        a.conversations_join(channel="C0GLOB"),
    ):
        assert await error_of(call) == "channel_not_found"
    assert [m["text"] for m in slack.messages("C0GLOB")] == ["mine"]


async def test_another_workspaces_people_and_dms_are_not_found(slack: SlackStandin) -> None:
    a, b = client(slack, TOKEN_A), client(slack, TOKEN_B)
    assert await error_of(a.users_info(user="U0GLOB")) == "user_not_found"
    assert await error_of(a.conversations_open(users="U0GLOB")) == "user_not_found"
    assert await error_of(a.users_lookupByEmail(email="hank@example.test")) == "users_not_found"
    # A DM opened by Globex's bot is Globex's: Northwind's token cannot post in it.
    dm = (await b.conversations_open(users="U0GLOB"))["channel"]["id"]
    assert await error_of(a.chat_postMessage(channel=dm, text="x")) == "channel_not_found"
    assert await error_of(a.chat_postMessage(channel="U0GLOB", text="x")) == "channel_not_found"
    assert slack.messages(dm) == []


async def test_every_recorded_call_carries_the_workspace_of_its_token(
    slack: SlackStandin,
) -> None:
    await client(slack, TOKEN_A).chat_postMessage(channel="C0NORTH", text="a")
    await client(slack, TOKEN_B).users_info(user="U0GLOB")
    await error_of(client(slack, TOKEN_A).users_info(user="U0GLOB"))
    await error_of(client(slack, "xoxb-nobody").auth_test())
    assert [(c.method, c.team, c.token, c.ok) for c in slack.calls] == [
        ("chat.postMessage", "T_TEST", TOKEN_A, True),
        ("users.info", "T0GLOBEX", TOKEN_B, True),
        ("users.info", "T_TEST", TOKEN_A, False),
        ("auth.test", None, "xoxb-nobody", False),
    ]
    globex_people = [c for c in slack.calls_to("users.info") if c.params["user"] == "U0GLOB"]
    assert {c.team for c in globex_people if c.ok} == {"T0GLOBEX"}


async def test_a_plain_set_of_tokens_and_tokens_added_later_are_the_default_workspaces() -> None:
    async with SlackStandin(tokens={"xoxb-one"}) as slack:
        slack.tokens.add("xoxb-two")  # as tests/delivery do
        for token in ("xoxb-one", "xoxb-two"):
            assert (await client(slack, token).auth_test())["team_id"] == "T_TEST"


async def test_uninstalling_revokes_every_token_of_that_workspace_only(
    slack: SlackStandin,
) -> None:
    slack.add_team("T0GLOBEX", "Globex", "xoxb-globex-2", enterprise_id="E0GRID")
    slack.uninstall("T0GLOBEX")
    for token in (TOKEN_B, "xoxb-globex-2"):
        assert await error_of(client(slack, token).auth_test()) == "token_revoked"
    assert slack.calls[-1].team == "T0GLOBEX"  # a refused call still says whose token it was
    assert (await client(slack, TOKEN_A).auth_test())["ok"]
