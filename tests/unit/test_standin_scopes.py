"""Given a token's scopes, the Slack stand-in refuses what Slack would refuse: missing_scope."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.standin.server import SlackStandin


def client(slack: SlackStandin) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-test", base_url=slack.base_url, retry_handlers=[])


async def test_a_post_without_chat_write_is_refused_and_not_stored() -> None:
    async with SlackStandin(scopes={"users:read"}) as slack:
        slack.add_channel("C1", "cs")
        slack.add_user("U1", name="Dana Whitfield")
        with pytest.raises(SlackApiError) as err:
            await client(slack).chat_postMessage(channel="C1", text="hello")
        answer = err.value.response
        assert answer["error"] == "missing_scope"
        assert answer["needed"] == "chat:write" and answer["provided"] == "users:read"
        assert slack.messages("C1") == []
        assert (await client(slack).users_info(user="U1"))["user"]["id"] == "U1"  # granted


async def test_reading_a_private_channel_needs_groups_history_not_channels_history() -> None:
    async with SlackStandin(scopes={"channels:history", "im:history"}) as slack:
        slack.add_channel("C1", "cs")
        slack.add_channel("G1", "leadership", is_private=True)
        assert (await client(slack).conversations_history(channel="C1"))["ok"]
        with pytest.raises(SlackApiError) as err:
            await client(slack).conversations_history(channel="G1")
        assert err.value.response["needed"] == "groups:history"


async def test_methods_that_need_no_scope_and_an_unchecked_token_go_through() -> None:
    async with SlackStandin(scopes=set()) as slack:
        assert (await client(slack).auth_test())["ok"]  # auth.test needs no scope
    async with SlackStandin() as slack:  # no scopes given: nothing is checked
        slack.add_channel("C1", "cs")
        assert (await client(slack).chat_postMessage(channel="C1", text="hi"))["ok"]
