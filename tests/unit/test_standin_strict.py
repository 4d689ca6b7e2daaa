"""The Slack stand-in is strict like Slack: driven here with slack-sdk's own client."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.standin.server import METHODS, SlackStandin
from tests.slack_spec import needs_spec, required_params


@pytest.fixture
async def slack():  # type: ignore[no-untyped-def]
    async with SlackStandin() as s:
        s.add_user("U1", name="Dana Whitfield", email="dana@northwind.test")
        s.add_channel("C1", "cs-enterprise")
        yield s


def client(slack: SlackStandin, **kw: object) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-test", base_url=slack.base_url, retry_handlers=[], **kw)  # type: ignore[arg-type]


async def test_a_post_is_recorded_and_stored(slack: SlackStandin) -> None:
    resp = await client(slack).chat_postMessage(channel="C1", text="hello")
    assert resp["ok"] and resp["channel"] == "C1"
    assert slack.messages("C1")[0]["text"] == "hello"
    assert slack.calls_to("chat.postMessage")[0].params["channel"] == "C1"


async def test_unknown_method_and_missing_argument_are_errors(slack: SlackStandin) -> None:
    with pytest.raises(SlackApiError) as err:
        await client(slack).api_call("chat.postMessagee", json={"channel": "C1", "text": "x"})
    assert err.value.response["error"] == "unknown_method"
    with pytest.raises(SlackApiError) as err:
        await client(slack).api_call("chat.postMessage", json={"text": "x"})
    assert err.value.response["error"] == "invalid_arguments"
    assert "channel" in err.value.response["response_metadata"]["messages"][0]


async def test_a_bad_token_is_refused(slack: SlackStandin) -> None:
    bad = AsyncWebClient(token="xoxb-wrong", base_url=slack.base_url, retry_handlers=[])
    with pytest.raises(SlackApiError) as err:
        await bad.auth_test()
    assert err.value.response["error"] == "invalid_auth"


async def test_over_limit_block_kit_is_refused(slack: SlackStandin) -> None:
    blocks = [{"type": "divider"}] * 51
    with pytest.raises(SlackApiError) as err:
        await client(slack).chat_postMessage(channel="C1", text="x", blocks=blocks)
    assert err.value.response["error"] == "invalid_blocks"
    long = {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}
    with pytest.raises(SlackApiError):
        await client(slack).chat_postMessage(channel="C1", text="x", blocks=[long])
    assert slack.messages("C1") == []


async def test_channels_answer_like_slack(slack: SlackStandin) -> None:
    slack.add_channel("C2", "support", is_member=False)
    slack.add_channel("C3", "old", is_archived=True)
    c = client(slack)
    for channel, error in (
        ("C404", "channel_not_found"),
        ("C2", "not_in_channel"),
        ("C3", "is_archived"),
    ):
        with pytest.raises(SlackApiError) as err:
            await c.chat_postMessage(channel=channel, text="x")
        assert err.value.response["error"] == error
    await c.conversations_join(channel="C2")
    assert (await c.chat_postMessage(channel="C2", text="x"))["ok"]


async def test_a_reply_needs_its_parent(slack: SlackStandin) -> None:
    with pytest.raises(SlackApiError) as err:
        await client(slack).chat_postMessage(channel="C1", text="x", thread_ts="1.2")
    assert err.value.response["error"] == "thread_not_found"


async def test_an_expired_trigger_cannot_open_a_modal(slack: SlackStandin) -> None:
    view = {"type": "modal", "title": {"type": "plain_text", "text": "Hi"}, "blocks": []}
    slack.expire_trigger("t-old")
    with pytest.raises(SlackApiError) as err:
        await client(slack).views_open(trigger_id="t-old", view=view)
    assert err.value.response["error"] == "expired_trigger_id"
    assert (await client(slack).views_open(trigger_id="t-new", view=view))["view"]["id"]


async def test_a_429_is_retried_by_slack_sdk_and_takes_effect_once(slack: SlackStandin) -> None:
    c = AsyncWebClient(
        token="xoxb-test",
        base_url=slack.base_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
    )
    slack.fail_next("chat.postMessage", "ratelimited")
    assert (await c.chat_postMessage(channel="C1", text="once"))["ok"]
    assert [m["text"] for m in slack.messages("C1")] == ["once"]
    assert [c.error for c in slack.calls_to("chat.postMessage")] == ["ratelimited", None]


async def test_a_deactivated_user_cannot_be_messaged(slack: SlackStandin) -> None:
    slack.add_user("U9", name="Gone", deleted=True)
    with pytest.raises(SlackApiError) as err:
        await client(slack).chat_postMessage(channel="U9", text="x")
    assert err.value.response["error"] == "user_disabled"


@needs_spec
def test_every_method_the_standin_knows_is_in_slacks_spec_with_its_required_params() -> None:
    for name, (required, _handler) in METHODS.items():
        if name.startswith("files."):
            continue  # newer than the 2021 spec
        spec_required = required_params(name)
        assert spec_required is not None, f"{name} is not in the spec"
        assert spec_required <= set(required), f"{name}: spec requires {spec_required}"


async def test_one_message_per_second_per_channel_when_asked() -> None:
    async with SlackStandin(channel_interval=1.0) as slack:
        slack.add_channel("C1", "cs-enterprise")
        slack.add_channel("C2", "cs-smb")
        await client(slack).chat_postMessage(channel="C1", text="first")
        with pytest.raises(SlackApiError) as err:
            await client(slack).chat_postMessage(channel="C1", text="too soon")
        assert err.value.response.status_code == 429
        assert err.value.response.headers["Retry-After"] == "1"
        await client(slack).chat_postMessage(channel="C2", text="another channel is fine")
        assert [m["text"] for m in slack.messages()] == ["first", "another channel is fine"]


async def test_the_standin_refuses_by_slacks_numbers_not_the_apps(slack: SlackStandin) -> None:
    """Written with Slack's numbers, so a limit loosened in bot/views/limits.py (which the
    stand-in shares with the app) fails here."""
    c = client(slack)
    title = {"type": "plain_text", "text": "KYC"}
    divider = {"type": "divider"}
    with pytest.raises(SlackApiError) as err:
        await c.views_open(
            trigger_id="t", view={"type": "modal", "title": title, "blocks": [divider] * 101}
        )
    assert err.value.response["error"] == "invalid_arguments"
    assert (
        await c.views_open(
            trigger_id="t", view={"type": "modal", "title": title, "blocks": [divider] * 100}
        )
    )["ok"]
    with pytest.raises(SlackApiError):
        await c.views_publish(user_id="U1", view={"type": "home", "blocks": [divider] * 101})
    header = {"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}
    with pytest.raises(SlackApiError) as err:
        await c.chat_postMessage(channel="C1", text="x", blocks=[header])
    assert err.value.response["error"] == "invalid_blocks"
    header["text"]["text"] = "h" * 150  # type: ignore[index]
    assert (await c.chat_postMessage(channel="C1", text="x", blocks=[header]))["ok"]


async def test_a_button_style_slack_does_not_know_is_refused(slack: SlackStandin) -> None:
    def actions(style: str) -> list[dict[str, object]]:
        button = {"type": "button", "text": {"type": "plain_text", "text": "Go"}, "style": style}
        return [{"type": "actions", "elements": [{**button, "action_id": "go"}]}]

    with pytest.raises(SlackApiError) as err:
        await client(slack).chat_postMessage(channel="C1", text="x", blocks=actions("secondary"))
    assert err.value.response["error"] == "invalid_blocks"
    for style in ("primary", "danger"):
        assert (
            await client(slack).chat_postMessage(channel="C1", text="x", blocks=actions(style))
        )["ok"]
