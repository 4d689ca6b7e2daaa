"""Delivery under pressure: minutes of rate limiting, and a worker that stops beating.

Timings are shrunk (a heartbeat of a fraction of a second, a channel taking a post every
50 ms) so that what used to take minutes to go wrong shows in seconds."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.services import outbox
from bot.standin.harness import BOT_TOKEN
from bot.standin.server import SlackStandin
from scheduler.sender import Sender, sender_client
from storage.db import Database
from storage.models import OutboxStatus
from tests import factories as f

CHANNEL = "C0CS"
POSTS = 200


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = Database(db_url)
    async with database.unit_of_work() as s:
        await f.workspace(s)
    yield database
    await database.dispose()


def fast_sender(db: Database, slack: SlackStandin, **kw: Any) -> Sender:
    """Default batch and lanes; the lease and the channel pace shrunk with the stand-in."""
    kw.setdefault("heartbeat_seconds", 0.25)
    kw.setdefault("stale_seconds", 1.5)
    kw.setdefault("channel_interval", 0)
    return Sender(db, sender_client(BOT_TOKEN, slack.base_url, timeout=0.8), **kw)


async def queue_posts(db: Database, n: int, prefix: str = "k") -> list[str]:
    keys = [f"{prefix}:{i}" for i in range(n)]
    async with db.unit_of_work() as s:
        await outbox.post_all(s, f.WS, [(k, CHANNEL, {"text": k}) for k in keys])
    return keys


def posted(slack: SlackStandin) -> Counter[str]:
    return Counter(
        m["metadata"]["event_payload"]["key"] for m in slack.messages() if m.get("metadata")
    )


@pytest.mark.parametrize("pace", [0.05, 0.0], ids=["paced", "unpaced"])
async def test_200_posts_to_one_rate_limited_channel_go_once_each(
    db: Database, pace: float
) -> None:
    # Slack's rule scaled 20×: one post per 50 ms per channel, 429 + Retry-After otherwise.
    async with SlackStandin(tokens={BOT_TOKEN}, latency=0.005, channel_interval=0.05) as slack:
        slack.add_channel(CHANNEL, "cs")
        keys = await queue_posts(db, POSTS)
        sender = fast_sender(db, slack, channel_interval=pace * 1.2)
        try:
            states = await sender.settle(keys, wait=120)
        finally:
            await sender.close()
        limited = [c for c in slack.calls if c.error == "ratelimited"]
    counts = posted(slack)
    assert [k for k in keys if counts[k] != 1] == []  # 0 doubled, 0 missing
    assert {s.status for s in states.values()} == {OutboxStatus.SENT}
    # A 429 is never an attempt: only an answer that never came (a slow machine) adds one.
    assert [r.key for r in await _rows(db) if r.attempts > 1 and not r.ambiguous] == []
    if not pace:
        assert len(limited) > 50  # unpaced, it was rate limited again and again


async def _rows(db: Database) -> list[Any]:
    from sqlalchemy import select

    from storage.models import OutboxMessage

    async with db.unit_of_work() as s:
        return list(await s.scalars(select(OutboxMessage)))


async def test_a_worker_that_stops_beating_is_taken_over_within_the_stale_time(
    db: Database,
) -> None:
    """A worker on another host freezes mid-round, some posts made and not recorded: another
    worker takes its messages over once its heartbeat is stale, finds those posts in Slack
    and sends only the rest."""
    async with SlackStandin(tokens={BOT_TOKEN}) as slack:
        slack.add_channel(CHANNEL, "cs")
        keys = await queue_posts(db, 40)
        frozen = fast_sender(db, slack)
        frozen.lease.hostname = "elsewhere/1"  # no pid check across hosts: only the heartbeat
        await frozen.start()
        claimed = await frozen._claim(frozen.clock())
        assert len(claimed) == 40
        for msg in claimed[:15]:  # posted, but the process froze before recording it
            await frozen._call(msg.method, msg.payload, msg.workspace_id)
        assert frozen.lease._task is not None
        frozen.lease._task.cancel()  # it stops beating
        froze_at = time.monotonic()

        other = fast_sender(db, slack)
        try:
            states = await other.settle(keys, wait=30)
            took = time.monotonic() - froze_at
        finally:
            await other.close()
    counts = posted(slack)
    assert [k for k in keys if counts[k] != 1] == []
    assert {s.status for s in states.values()} == {OutboxStatus.SENT}
    assert took < frozen.lease.stale + 2.0  # within the stale time (1 s here), not a claim timer
    assert slack.calls_to("conversations.history")  # it checked before posting again


async def test_a_worker_never_loses_what_it_holds_while_waiting_out_retry_after(
    db: Database,
) -> None:
    """The doubled posts of old: a Retry-After longer than the claim let the worker's own next
    claim take the message again. Now a long wait hands the channel back to the queue, and
    while the worker lives nothing it holds is taken (even by itself)."""
    async with SlackStandin(tokens={BOT_TOKEN}) as slack:
        slack.add_channel(CHANNEL, "cs")
        keys = await queue_posts(db, 30)
        slack.fail_next("chat.postMessage", "ratelimited", times=10)
        sender = fast_sender(db, slack, channel_interval=0)
        peer = fast_sender(db, slack, channel_interval=0)
        try:
            await asyncio.gather(sender.settle(keys, wait=30), peer.settle(keys, wait=30))
        finally:
            await sender.close()
            await peer.close()
    counts = posted(slack)
    assert [k for k in keys if counts[k] != 1] == []
