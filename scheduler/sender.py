"""The outbox sender: delivers queued Slack calls once each, in order within a thread.

Why not just retry: chat.postMessage has no idempotency key, so a retry after an answer lost on
the way back would post twice. Every post carries its outbox key as message metadata; after an
ambiguous failure (timeout, connection error, 5xx) the sender first looks for that key in the
channel and only posts again when Slack does not have it. 429s are retried by slack-sdk's
handler (Slack did nothing), everything else by the outbox with backoff; permanent errors are
parked for an admin to see and re-send.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Table, and_, bindparam, exists, or_, select, update
from sqlalchemy.orm import aliased

from bot.sdklog import close_connections, share_connections, slack_sdk_logger
from bot.services.outbox import READY
from storage.db import Database
from storage.models import ActionItem, OutboxMessage, OutboxStatus, utcnow

log = logging.getLogger("kyc.sender")

PERMANENT = {
    "channel_not_found",
    "not_in_channel",
    "is_archived",
    "user_not_found",
    "user_disabled",
    "account_inactive",
    "cannot_dm_bot",
    "invalid_blocks",
    "invalid_arguments",
    "msg_too_long",
    "no_text",
    "message_not_found",
    "cant_update_message",
    "thread_not_found",
    "restricted_action",
    "invalid_auth",
    "not_authed",
    "missing_scope",
}
MAX_ATTEMPTS = 12
METADATA_EVENT = "kyc_outbox"


@dataclass(frozen=True)
class Claimed:
    """A claimed outbox message with what delivering it needs, read in the claim's query."""

    id: int
    key: str
    method: str
    payload: dict[str, Any]  # as sent: thread and channel from the parent filled in
    lane: str  # messages of one thread share a lane and go one after another
    ambiguous: bool  # an earlier try may have reached Slack: look before posting again
    ref_kind: str | None
    ref_id: int | None


def sender_client(token: str, base_url: str, *, timeout: float = 10) -> AsyncWebClient:
    """A client that retries only what Slack did not act on (429); the outbox handles the rest."""
    return AsyncWebClient(
        token=token,
        base_url=base_url,
        logger=slack_sdk_logger(),
        timeout=timeout,  # type: ignore[arg-type]  # aiohttp takes fractions of a second
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=5)],
    )


def backoff(attempts: int, base: float = 1.0) -> timedelta:
    """1 s, 2 s, 4 s, … up to 5 minutes (times `base`, which tests shrink)."""
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 300))


class Sender:
    def __init__(
        self,
        db: Database,
        client: AsyncWebClient,
        *,
        worker_id: str | None = None,
        batch_size: int = 200,
        claim_seconds: int = 120,
        concurrency: int = 8,
        clock: Callable[[], datetime] = utcnow,
        retry_base: float = 1.0,
    ) -> None:
        self.db = db
        self.client = client
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}"
        self.batch_size = batch_size
        self.claim_seconds = claim_seconds
        self.concurrency = concurrency
        self.stopping = False
        self.clock = clock
        self.retry_base = retry_base
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        """Close the connection pool the sender keeps open to Slack."""
        await close_connections(self.client, self._session)
        self._session = None

    def _pool(self) -> None:
        # The sender makes thousands of calls: one connection pool while it runs.
        if self._session is None:
            self._session = share_connections(self.client)

    async def drain(self, *, now: datetime | None = None, max_rounds: int = 1000) -> int:
        """Deliver until nothing is ready (used by `kyc run`, the demo and the tests)."""
        total = 0
        for _ in range(max_rounds):
            sent = await self.run_once(now=now)
            total += sent
            if sent == 0:
                break
        return total

    async def run_once(self, *, now: datetime | None = None) -> int:
        """Claim ready messages and try each; returns how many were finished.

        While a full batch's last lanes are in flight the next batch is claimed, so the pipe to
        Slack does not run dry between batches; the call returns when nothing more is ready
        or a batch comes back short."""
        claimed = await self._claim(now or self.clock())
        if not claimed:
            return 0
        self._pool()
        sem = asyncio.Semaphore(self.concurrency)
        finished = 0
        waiting = 0  # lanes not started yet
        tasks: set[asyncio.Task[None]] = set()
        prefetch: asyncio.Task[list[Claimed]] | None = None
        more = len(claimed) == self.batch_size
        # What Slack accepted is recorded in one commit per batch, not one per message. A crash
        # before that commit leaves claims that the next owner checks against Slack (metadata)
        # before posting again, so batching costs no double post.
        delivered: list[tuple[Claimed, dict[str, Any]]] = []

        async def run_lane(msgs: list[Claimed]) -> None:
            nonlocal finished, waiting, prefetch
            async with sem:
                waiting -= 1
                if waiting == 0 and more and prefetch is None and not self.stopping:
                    prefetch = asyncio.create_task(self._claim(now or self.clock()))
                    prefetch.add_done_callback(lambda _: wake.set())
                for n, msg in enumerate(msgs):
                    if self.stopping:  # SIGTERM: finish what is in flight, hand back the rest
                        await self._release_rest([m.id for m in msgs[n:]])
                        return
                    ok = await self._deliver(msg, delivered)
                    if ok:
                        finished += 1
                    else:
                        await self._release_rest([m.id for m in msgs[n + 1 :]])
                        return

        wake = asyncio.Event()  # a lane ended or the next claim came back
        ended: list[asyncio.Task[None]] = []

        def lane_ended(task: asyncio.Task[None]) -> None:
            ended.append(task)
            wake.set()

        def start(batch: list[Claimed]) -> None:
            nonlocal waiting
            # Threads in order: messages that share a parent go one after another in id order.
            lanes: dict[str, list[Claimed]] = {}
            for msg in batch:
                lanes.setdefault(msg.lane, []).append(msg)
            waiting += len(lanes)
            for msgs in lanes.values():
                task = asyncio.create_task(run_lane(msgs))
                task.add_done_callback(lane_ended)
                tasks.add(task)

        start(claimed)
        try:
            while tasks or prefetch is not None:
                await wake.wait()
                wake.clear()
                while ended:
                    task = ended.pop()
                    tasks.discard(task)
                    task.result()  # a lane's database error ends the round, as before
                if prefetch is not None and prefetch.done():
                    batch, prefetch = prefetch.result(), None
                    more = len(batch) == self.batch_size
                    if self.stopping:
                        await self._release_rest([m.id for m in batch])
                    elif batch:
                        start(batch)
                if len(delivered) >= self.batch_size:
                    done_now = delivered[:]
                    del delivered[: len(done_now)]
                    await self._mark_sent(done_now)
        finally:
            for task in tasks:
                task.cancel()
            if prefetch is not None:
                prefetch.cancel()
            await self._mark_sent(delivered)
        return finished

    async def _claim(self, now: datetime) -> list[Claimed]:
        parent = aliased(OutboxMessage)
        sibling = aliased(OutboxMessage)
        ready = and_(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
            # A reply waits until its parent is in Slack (the outer join below finds it).
            or_(OutboxMessage.parent_key.is_(None), parent.status == OutboxStatus.SENT),
            # Replies in a thread go one at a time, in order: an earlier one still pending holds
            # the later back. Strict on purpose: with several workers, a looser rule lets one
            # claim reply 2 while another's claim of reply 1 is not committed yet.
            ~exists().where(
                sibling.parent_key == OutboxMessage.parent_key,
                sibling.id < OutboxMessage.id,
                sibling.status == OutboxStatus.PENDING,
            ),
        )
        async with self.db.unit_of_work(writes=True) as session:
            stmt = (
                select(
                    OutboxMessage.id,
                    OutboxMessage.key,
                    OutboxMessage.method,
                    OutboxMessage.payload,
                    OutboxMessage.parent_key,
                    OutboxMessage.last_error,
                    OutboxMessage.claimed_by,
                    OutboxMessage.ref_kind,
                    OutboxMessage.ref_id,
                    parent.result_channel,
                    parent.result_ts,
                    parent.payload,
                )
                .outerjoin(parent, parent.key == OutboxMessage.parent_key)
                .where(ready)
                .order_by(OutboxMessage.id)
                .limit(self.batch_size)
            )
            if not self.db.is_sqlite:
                stmt = stmt.with_for_update(skip_locked=True, of=OutboxMessage)
            rows = list(await session.execute(stmt))
            if not rows:
                return []
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_([r.id for r in rows]))
                .values(
                    claimed_by=self.worker_id,
                    claimed_until=now + timedelta(seconds=self.claim_seconds),
                )
            )
            # A claim left by a process that died may have posted before it could say so:
            # the new owner checks Slack before posting again.
            stale = [r.id for r in rows if r.claimed_by is not None]
            if stale:
                await session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id.in_(stale))
                    .values(last_error="ambiguous: claim taken over from a stopped worker")
                )
        return [
            Claimed(
                id=r.id,
                key=r.key,
                method=r.method,
                payload=self._payload(r.key, r.method, r.payload, r[9], r[10], r[11]),
                lane=r.parent_key or r.key,
                ambiguous=r.claimed_by is not None or (r.last_error or "").startswith("ambiguous"),
                ref_kind=r.ref_kind,
                ref_id=r.ref_id,
            )
            for r in rows
        ]

    async def _release_rest(self, ids: list[int]) -> None:
        if ids:
            async with self.db.unit_of_work(writes=True) as session:
                await session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == self.worker_id)
                    .values(claimed_by=None, claimed_until=None)
                )

    async def _deliver(self, msg: Claimed, delivered: list[tuple[Claimed, dict[str, Any]]]) -> bool:
        try:
            data = None
            if msg.ambiguous and msg.method == "chat.postMessage":
                data = await self._find_posted(msg.key, msg.payload)
            if data is None:
                data = await self._call_joining(msg.method, msg.payload)
        except SlackApiError as exc:
            error = str(exc.response.get("error", "unknown_error"))
            status = exc.response.status_code
            if error in PERMANENT:
                return await self._park(msg.id, error)
            prefix = "ambiguous" if status >= 500 else "retry"
            return await self._retry_later(msg.id, f"{prefix}: {error} (HTTP {status})")
        except Exception as exc:  # timeouts and connection errors: did Slack act? check next time
            return await self._retry_later(msg.id, f"ambiguous: {type(exc).__name__}: {exc}")
        delivered.append((msg, data))
        return True

    @staticmethod
    def _payload(
        key: str,
        method: str,
        stored: dict[str, Any],
        parent_channel: str | None,
        parent_ts: str | None,
        parent_payload: dict[str, Any] | None,
    ) -> dict[str, Any]:
        payload = dict(stored)
        if parent_payload is not None:
            payload["channel"] = parent_channel
            if method == "chat.update":
                payload["ts"] = parent_ts
            else:
                payload["thread_ts"] = parent_payload.get("thread_ts") or parent_ts
        if method == "chat.postMessage":
            payload["metadata"] = {"event_type": METADATA_EVENT, "event_payload": {"key": key}}
        return payload

    async def _call_joining(self, method: str, payload: dict[str, Any]) -> dict[str, Any]:
        """A public channel the bot is not in yet is joined, then the call is made again."""
        try:
            return await self._call(method, payload)
        except SlackApiError as exc:
            if exc.response.get("error") != "not_in_channel":
                raise
            if not await self._join(payload.get("channel", "")):
                raise
            return await self._call(method, payload)

    async def _call(self, method: str, payload: dict[str, Any]) -> dict[str, Any]:
        if method == "files.upload_v2":  # slack-sdk's three-step upload, as one outbox entry
            import base64

            upload = await self.client.files_upload_v2(
                channel=payload["channel"],
                thread_ts=payload.get("thread_ts"),
                content=base64.b64decode(payload["content_b64"]),
                filename=payload["filename"],
                title=payload.get("title"),
            )
            files = upload.get("files") or [{}]
            return {"channel": payload["channel"], "ts": None, "file": files[0].get("id")}
        response = await self.client.api_call(method, json=payload)
        return dict(response.data) if isinstance(response.data, dict) else {}

    async def _find_posted(self, key: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        """After an ambiguous failure: is the message already there? (no double post)"""
        channel = payload.get("channel", "")
        if channel.startswith(("U", "W")):
            opened = await self.client.conversations_open(users=channel)
            channel = opened["channel"]["id"]
        if payload.get("thread_ts"):
            resp = await self.client.conversations_replies(
                channel=channel, ts=payload["thread_ts"], include_all_metadata=True, limit=200
            )
        else:
            resp = await self.client.conversations_history(
                channel=channel, include_all_metadata=True, limit=100
            )
        messages: list[dict[str, Any]] = resp.get("messages") or []
        for message in messages:
            meta = message.get("metadata") or {}
            if (
                meta.get("event_type") == METADATA_EVENT
                and meta.get("event_payload", {}).get("key") == key
            ):
                return {"ok": True, "channel": channel, "ts": message["ts"]}
        return None

    async def _join(self, channel: str) -> bool:
        if not channel.startswith("C"):
            return False
        try:
            await self.client.conversations_join(channel=channel)
            return True
        except SlackApiError:
            return False

    async def _mark_sent(self, delivered: list[tuple[Claimed, dict[str, Any]]]) -> None:
        """One executemany per table for the whole round; only rows this worker still holds
        (a claim another worker took over is theirs to finish)."""
        if not delivered:
            return
        outbox = cast(Table, OutboxMessage.__table__)
        sent = []
        items = []
        for msg, data in delivered:
            channel = data.get("channel") or msg.payload.get("channel")
            ts = data.get("ts") or msg.payload.get("ts")
            sent.append({"b_id": msg.id, "b_channel": channel, "b_ts": ts})
            if msg.ref_kind == "item" and msg.ref_id:
                items.append({"b_id": msg.ref_id, "b_channel": channel, "b_ts": ts})
        async with self.db.unit_of_work(writes=True) as session:
            conn = await session.connection()
            await conn.execute(
                update(outbox)
                .where(outbox.c.id == bindparam("b_id"), outbox.c.claimed_by == self.worker_id)
                .values(
                    status=OutboxStatus.SENT,
                    sent_at=self.clock(),
                    attempts=outbox.c.attempts + 1,
                    claimed_by=None,
                    claimed_until=None,
                    result_channel=bindparam("b_channel"),
                    result_ts=bindparam("b_ts"),
                ),
                sent,
            )
            if items:
                table = cast(Table, ActionItem.__table__)
                await conn.execute(
                    update(table)
                    .where(table.c.id == bindparam("b_id"))
                    .values(channel_id=bindparam("b_channel"), message_ts=bindparam("b_ts")),
                    items,
                )

    async def _retry_later(self, msg_id: int, error: str) -> bool:
        async with self.db.unit_of_work(writes=True) as session:
            msg = await session.get(OutboxMessage, msg_id)
            if msg is None:
                return False
            msg.attempts += 1
            msg.last_error = error
            msg.claimed_by = None
            msg.claimed_until = None
            if msg.attempts >= MAX_ATTEMPTS:
                msg.status = OutboxStatus.FAILED
                log.error("outbox %s parked after %s attempts: %s", msg.key, msg.attempts, error)
            else:
                wait = backoff(msg.attempts, self.retry_base)
                msg.next_attempt_at = self.clock() + wait
                log.warning(
                    "outbox %s will retry in %.1fs: %s", msg.key, wait.total_seconds(), error
                )
        return False

    async def _park(self, msg_id: int, error: str) -> bool:
        async with self.db.unit_of_work(writes=True) as session:
            msg = await session.get(OutboxMessage, msg_id)
            if msg is None:
                return False
            msg.attempts += 1
            msg.status = OutboxStatus.FAILED
            msg.last_error = error
            msg.claimed_by = None
            msg.claimed_until = None
            log.error("outbox %s parked: %s", msg.key, error)
        return False


async def retry_failed(db: Database, *, workspace_id: str | None = None) -> int:
    """Put parked messages back in the queue (after the admin fixed the cause)."""
    async with db.unit_of_work() as session:
        stmt = (
            update(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.FAILED)
            .values(
                status=OutboxStatus.PENDING,
                attempts=0,
                next_attempt_at=READY,
                claimed_by=None,
                claimed_until=None,
            )
        )
        if workspace_id:
            stmt = stmt.where(OutboxMessage.workspace_id == workspace_id)
        result = await session.execute(stmt)
        return int(result.rowcount)  # type: ignore[attr-defined]
