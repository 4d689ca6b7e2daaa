"""Every answer Slack can give a post, and what the outbox does with it: an answer that may
mean "it happened" is checked against the channel before posting again, a rate limit is
waited out and never counted, a refused token stops its workspace at once, a parked parent
parks its replies."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.services import outbox
from bot.standin.harness import BOT_TOKEN, Clock, LocalSlack
from bot.standin.state import FaultPlan
from scheduler.sender import MAX_ATTEMPTS, Sender, retry_failed, sender_client
from storage.models import OutboxMessage, OutboxStatus, Workspace
from tests import factories as f
from tests.factories import utc

CHANNEL = "C0CS"


@pytest.fixture
async def env(sqlite_url: str) -> AsyncIterator[LocalSlack]:
    async with LocalSlack(sqlite_url, team_id=f.WS, clock=Clock(utc(2026, 11, 23, 14))) as env:
        async with env.db.unit_of_work() as s:
            await f.workspace(s)
        env.slack.add_channel(CHANNEL, "cs")
        env.slack.faults = FaultPlan(timeout_delay=1.0)  # a lost answer takes 1 s, not 30
        yield env


def sender(env: LocalSlack, token: str = BOT_TOKEN, **kw: Any) -> Sender:
    kw.setdefault("channel_interval", 0)
    return Sender(
        env.db, sender_client(token, env.slack.base_url, timeout=0.5), clock=env.clock, **kw
    )


async def queue(env: LocalSlack, key: str, text: str, **where: Any) -> None:
    async with env.db.unit_of_work() as s:
        await outbox.post(s, f.WS, key, CHANNEL, {"text": text}, **where)


async def deliver_all(env: LocalSlack, s: Sender, rounds: int = 30) -> None:
    """Deliver, letting backed-off retries come due, until nothing is pending."""
    for _ in range(rounds):
        await s.drain()
        async with env.db.unit_of_work() as session:
            pending = await session.scalar(
                select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.PENDING)
            )
        if pending is None:
            return
        env.clock.set(env.clock() + timedelta(minutes=6))


def posted(env: LocalSlack) -> Counter[str]:
    """How many times each outbox key is in Slack."""
    return Counter(
        m["metadata"]["event_payload"]["key"] for m in env.slack.messages() if m.get("metadata")
    )


async def row(env: LocalSlack, key: str) -> OutboxMessage:
    async with env.db.unit_of_work() as s:
        found = await s.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
    assert found is not None
    return found


@pytest.mark.parametrize(
    "kind", ["server_error", "timeout", "reset", "fatal_error", "internal_error", "request_timeout"]
)
async def test_a_post_whose_answer_was_lost_is_found_in_slack_not_posted_again(
    env: LocalSlack, kind: str
) -> None:
    await queue(env, "k:parent", "Action items for Acme")
    await queue(env, "k:reply", "Fix the export", thread_of="k:parent")
    env.slack.lose_next("chat.postMessage", kind)  # the parent lands; its answer is lost
    s = sender(env)
    try:
        await deliver_all(env, s)
    finally:
        await s.close()
    assert posted(env) == {"k:parent": 1, "k:reply": 1}
    parent = await row(env, "k:parent")
    assert parent.status == OutboxStatus.SENT and parent.attempts == 2
    assert env.slack.calls_to("conversations.history")  # it looked before posting again
    (reply,) = [m for m in env.slack.messages(CHANNEL) if m["thread_ts"]]
    assert reply["thread_ts"] == parent.result_ts  # the reply went under the one parent


async def test_a_lost_reply_is_looked_for_in_its_thread(env: LocalSlack) -> None:
    await queue(env, "k:parent", "Action items for Acme")
    await queue(env, "k:reply", "Fix the export", thread_of="k:parent")
    # The parent's answer is lost (it is then found), then the reply's.
    env.slack.lose_next("chat.postMessage", "fatal_error")
    env.slack.lose_next("chat.postMessage", "request_timeout")
    s = sender(env)
    try:
        await deliver_all(env, s)
    finally:
        await s.close()
    assert posted(env) == {"k:parent": 1, "k:reply": 1}
    assert env.slack.calls_to("conversations.replies")


async def test_the_check_pages_back_to_the_first_try_300_messages_ago(env: LocalSlack) -> None:
    await queue(env, "k:early", "Posted before a busy hour")
    env.slack.lose_next("chat.postMessage", "server_error")
    s = sender(env)
    try:
        await s.drain()
        assert (await row(env, "k:early")).ambiguous
        # 300 messages from others land in the channel before the retry comes due.
        for n in range(300):
            await queue(env, f"k:other:{n}", f"Other message {n}")
        await s.drain()
        assert posted(env)["k:other:299"] == 1
        await deliver_all(env, s)
    finally:
        await s.close()
    assert posted(env)["k:early"] == 1
    pages = [c for c in env.slack.calls_to("conversations.history") if c.ok]
    assert len(pages) >= 2 and all(c.params.get("oldest") for c in pages)


async def test_a_chart_is_uploaded_unshared_and_shared_by_one_keyed_post(
    env: LocalSlack,
) -> None:
    import base64

    await queue(env, "digest", "The weekly digest")
    async with env.db.unit_of_work() as session:
        await outbox.enqueue(
            session,
            workspace_id=f.WS,
            key="digest:chart",
            method="files.upload_v2",
            payload={
                "channel": CHANNEL,
                "filename": "trend.png",
                "title": "Trend",
                "content_b64": base64.b64encode(b"\x89PNG fake chart").decode(),
            },
            parent_key="digest",
        )
    # Both ways an upload can be ambiguous: the upload's own answer, then the sharing post's.
    env.slack.lose_next("files.completeUploadExternal", "server_error")
    s = sender(env)
    try:
        await s.drain()  # the digest goes; the chart's upload answer is lost
        env.clock.set(env.clock() + timedelta(minutes=1))
        env.slack.lose_next("chat.postMessage", "timeout")
        await deliver_all(env, s)
    finally:
        await s.close()
    assert posted(env) == {"digest": 1, "digest:chart": 1}
    shares = [m for m in env.slack.messages(CHANNEL) if m["blocks"] and m["thread_ts"]]
    assert len(shares) == 1
    file_id = shares[0]["blocks"][0]["slack_file"]["id"]
    assert env.slack.state.uploads[file_id] == b"\x89PNG fake chart"
    completes = env.slack.calls_to("files.completeUploadExternal")
    assert all("channel_id" not in c.params for c in completes)  # never shared by the upload


async def test_a_rate_limit_is_waited_out_and_never_counted(env: LocalSlack) -> None:
    await queue(env, "k:busy", "A busy channel")
    env.slack.fail_next("chat.postMessage", "ratelimited", times=3 * MAX_ATTEMPTS)
    s = sender(env)
    try:
        await deliver_all(env, s, rounds=3 * MAX_ATTEMPTS)
    finally:
        await s.close()
    msg = await row(env, "k:busy")
    assert msg.status == OutboxStatus.SENT and msg.attempts == 1  # only the real post counted
    assert posted(env) == {"k:busy": 1}
    assert len([c for c in env.slack.calls if c.error == "ratelimited"]) == 3 * MAX_ATTEMPTS


async def test_a_revoked_token_stops_its_workspace_at_once_until_a_new_one_comes(
    env: LocalSlack,
) -> None:
    for n in range(40):
        await queue(env, f"k:{n}", f"Nudge {n}")
    env.slack.revoke_after(BOT_TOKEN, posts=10)  # mid-morning
    s = sender(env, concurrency=1)
    try:
        await s.drain()
        await s.drain()  # and again, as the next ticks would
    finally:
        await s.close()
    refused = [c for c in env.slack.calls if c.error == "token_revoked"]
    assert len(refused) == 1  # the one call that found out; no further call
    async with env.db.unit_of_work() as session:
        ws = await session.get(Workspace, f.WS)
        waiting = list(
            await session.scalars(
                select(OutboxMessage.status).where(OutboxMessage.status != OutboxStatus.SENT)
            )
        )
    assert ws is not None and ws.sending_blocked == "token_revoked"
    assert waiting == [OutboxStatus.PENDING] * 30  # kept queued, none parked

    # Several lanes in flight when the token goes: only those calls, then nothing.
    s = sender(env, concurrency=8)
    try:
        before = len(env.slack.calls)
        await s.drain()
        assert len(env.slack.calls) == before  # the same refused token: not even one call
    finally:
        await s.close()

    # The operator sets a new SLACK_BOT_TOKEN and restarts: it is registered anew.
    env.slack.tokens.add("xoxb-new")
    s = sender(env, token="xoxb-new")
    await s.tokens.store.register_env(f.WS, team_name=None, enterprise_id=None)
    try:
        await deliver_all(env, s)
    finally:
        await s.close()
    assert posted(env) == {f"k:{n}": 1 for n in range(40)}
    async with env.db.unit_of_work() as session:
        ws = await session.get(Workspace, f.WS)
    assert ws is not None and ws.sending_blocked is None


async def test_lanes_in_flight_when_the_token_dies_make_no_call_after_them(
    env: LocalSlack,
) -> None:
    for n in range(60):
        await queue(env, f"k:{n}", f"Nudge {n}")
    env.slack.latency = 0.02
    env.slack.revoke_after(BOT_TOKEN, posts=20)
    s = sender(env, concurrency=8)
    try:
        await s.drain()
        refused = len([c for c in env.slack.calls if c.error == "token_revoked"])
        calls = len(env.slack.calls)
        await s.drain()
    finally:
        await s.close()
    assert 1 <= refused <= 8  # at most the calls already on the wire
    assert len(env.slack.calls) == calls


async def test_a_parked_parent_parks_its_replies_and_retry_sends_them_all(
    env: LocalSlack,
) -> None:
    async with env.db.unit_of_work() as s:
        await outbox.post(s, f.WS, "k:lost", "C0GONE", {"text": "To an archived channel"})
        await outbox.post(s, f.WS, "k:r1", "C0GONE", {"text": "Reply 1"}, thread_of="k:lost")
        await outbox.post(s, f.WS, "k:r2", "C0GONE", {"text": "Reply 2"}, thread_of="k:lost")
        await outbox.update(s, f.WS, "k:lost-update", "k:lost", {"text": "Edited"})
    s = sender(env)
    try:
        await s.drain()
        async with env.db.unit_of_work() as session:
            parked = {m.key: m.last_error for m in await outbox.failed(session)}
        assert parked == {
            "k:lost": "channel_not_found",
            "k:r1": "waits on a parked message",
            "k:r2": "waits on a parked message",
            "k:lost-update": "waits on a parked message",
        }
        env.slack.add_channel("C0GONE", "found-again")  # the admin fixed it
        assert await retry_failed(env.db) == 4
        await deliver_all(env, s)
    finally:
        await s.close()
    assert posted(env) == {"k:lost": 1, "k:r1": 1, "k:r2": 1}
    assert env.slack.messages("C0GONE")[0]["text"] == "Edited"


async def test_an_admin_sees_on_app_home_that_slack_refused_the_token(env: LocalSlack) -> None:
    from bot.regimen.types import Role

    async with env.db.unit_of_work() as session:
        admin = await f.person(session, "Ada Admin", slack_user_id="U0ADA", role=Role.ADMIN)
    env.slack.add_user("U0ADA", name=admin.name)
    for n in range(3):
        await queue(env, f"k:{n}", f"Nudge {n}")
    env.slack.revoke_after(BOT_TOKEN, posts=0)
    s = sender(env)
    try:
        await s.drain()
    finally:
        await s.close()
    env.slack.tokens.add(BOT_TOKEN)  # App Home is drawn with a token that works again
    await env.requests.event({"type": "app_home_opened", "user": "U0ADA", "tab": "home"})
    (published,) = env.slack.calls_to("views.publish")
    shown = str(published.params["view"])
    assert "Sending stopped" in shown and "token_revoked" in shown
