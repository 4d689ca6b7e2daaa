"""The outbox sender: delivers queued Slack calls once each, in order within a thread.

Why not just retry: chat.postMessage has no idempotency key, so a retry after an answer lost on
the way back would post twice. Every post carries its outbox key as message metadata; after an
answer that may mean "it happened" (a timeout, a reset connection, a 5xx, or a 200 with
`fatal_error`, `internal_error` or `request_timeout`) the message is marked ambiguous, and
whoever sends it next first pages back through the channel to the first try, and only posts
again when Slack does not have it.

Who sends: a message belongs to the live worker that claimed it (scheduler/workers.py) until
it is sent, handed back, or that worker stops beating; it never lapses on a timer while the
worker waits out a rate limit. A 429 is never a failure (scheduler/pacing.py): the channel is
held until Retry-After, and nothing is counted. A token Slack refuses stops that workspace's
sending at once, with its messages kept queued. Other errors are retried with backoff, and
permanent ones are parked, with the replies that wait on them, for an admin to see and send
again (`kyc outbox --failed`, `kyc outbox retry`).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from functools import cached_property
from typing import Any, cast

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import (
    Table,
    Text,
    and_,
    bindparam,
    exists,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import aliased

from bot import metrics
from bot.sdklog import close_connections, share_connections, slack_sdk_logger
from bot.services import outbox
from bot.services.outbox import READY, Delivery
from bot.settings import Settings
from bot.slack_metrics import MeteredWebClient
from scheduler.pacing import PacedRateLimitHandler, Pacer, pace_key, retry_after
from scheduler.workers import Lease
from storage.db import Database
from storage.models import ActionItem, OutboxMessage, OutboxStatus, Workspace, utcnow

log = logging.getLogger("kyc.sender")

# Slack refused the token itself: no call for that workspace will work until a new one comes.
DEAD_TOKEN = {"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive"}
# Slack says the call may have partly happened.
AMBIGUOUS = {"fatal_error", "internal_error", "request_timeout", "service_unavailable"}
PERMANENT = {
    "channel_not_found",
    "not_in_channel",
    "is_archived",
    "user_not_found",
    "user_disabled",
    "cannot_dm_bot",
    "invalid_blocks",
    "invalid_arguments",
    "msg_too_long",
    "no_text",
    "message_not_found",
    "cant_update_message",
    "thread_not_found",
    "restricted_action",
    "missing_scope",
}
# Calls whose effect is a message carrying the outbox key: they can be looked for in Slack.
POSTS = {"chat.postMessage", "files.upload_v2"}
MAX_ATTEMPTS = 12
METADATA_EVENT = "kyc_outbox"
HISTORY_MARGIN = timedelta(minutes=2)  # clock skew between us and Slack
HISTORY_PAGES = 100  # 20,000 messages back at most
JSON_BODY = {"Content-Type": "application/json;charset=utf-8"}  # a body already encoded


class Outcome(Enum):
    SENT = "sent"
    LATER = "later"  # handed back: retry, rate limit, or its workspace's token is refused
    PARKED = "parked"


@dataclass(frozen=True)
class Claimed:
    """A claimed outbox message with what delivering it needs, read in the claim's query."""

    id: int
    key: str
    workspace_id: str
    method: str
    # The JSON sent: thread and channel from the parent filled in, the key in its metadata.
    body: bytes
    channel: str | None
    lane: str  # messages of one thread share a lane and go one after another
    ambiguous: bool  # an earlier try may have reached Slack: look before posting again
    first_attempt_at: datetime | None
    ref_kind: str | None
    ref_id: int | None
    epoch: int  # the lease epoch it was claimed in

    @cached_property
    def payload(self) -> dict[str, Any]:
        """The call's arguments, decoded only when something looks inside (the history check
        after an ambiguous answer, a chart's upload)."""
        decoded: dict[str, Any] = json.loads(self.body)
        return decoded


def as_text(column: Any) -> Any:
    """A JSON column as the text stored (CAST … AS TEXT), not decoded by the driver."""
    return sql_cast(column, Text)


def _append_metadata(stored: str, metadata: dict[str, Any]) -> str | None:
    """`{"a": 1}` → `{"a": 1, "metadata": {…}}`, on the text of a JSON object as json.dumps
    wrote it: what encoding the decoded object with the key added gives, byte for byte. None
    for an empty object or one that may hold metadata already (then it goes through a dict)."""
    text = stored.rstrip()
    if not text.endswith("}") or text[:-1].rstrip() == "{" or '"metadata"' in text:
        return None
    return f"{text[:-1]}, {json.dumps({'metadata': metadata})[1:]}"


def sender_client(token: str, base_url: str, *, timeout: float = 6) -> AsyncWebClient:
    """A client that retries only what Slack did not act on (a short 429); the outbox handles
    the rest. The timeout is short enough that a post always ends inside the worker's lease."""
    return MeteredWebClient(
        token=token,
        base_url=base_url,
        logger=slack_sdk_logger(),
        timeout=timeout,  # type: ignore[arg-type]  # aiohttp takes fractions of a second
        retry_handlers=[PacedRateLimitHandler()],
    )


def sender_from_settings(
    db: Database, settings: Settings, *, clock: Callable[[], datetime] = utcnow
) -> Sender:
    """The sender every command runs (`kyc serve`, `kyc worker`, `kyc run`), from the settings."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
    client = sender_client(token, settings.slack_api_url, timeout=settings.kyc_slack_timeout)
    return Sender(
        db,
        client,
        clock=clock,
        concurrency=settings.kyc_sender_concurrency,
        heartbeat_seconds=settings.kyc_heartbeat_seconds,
        stale_seconds=settings.kyc_worker_stale_seconds,
        channel_interval=settings.kyc_channel_interval,
    )


def token_fingerprint(token: str | None) -> str | None:
    """What identifies a token in the database without storing it."""
    return hashlib.sha256(token.encode()).hexdigest()[:32] if token else None


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
        concurrency: int = 8,
        clock: Callable[[], datetime] = utcnow,
        retry_base: float = 1.0,
        heartbeat_seconds: float = 1.0,
        stale_seconds: float = 10.0,
        channel_interval: float = 1.0,
        inline_wait: float = 2.0,
    ) -> None:
        self.db = db
        self.client = client
        self.lease = Lease(db, worker_id, heartbeat=heartbeat_seconds, stale=stale_seconds)
        self.worker_id = self.lease.id
        self.batch_size = batch_size
        self.concurrency = concurrency
        self.stopping = False
        self.clock = clock
        self.retry_base = retry_base
        self.pacer = Pacer(channel_interval)
        self.inline_wait = inline_wait
        self.token_fp = token_fingerprint(client.token)
        self._blocked: set[str] = set()  # workspaces whose token Slack refused, this run
        self._session: aiohttp.ClientSession | None = None
        for handler in client.retry_handlers or []:
            if isinstance(handler, PacedRateLimitHandler):
                handler.pacer = self.pacer
                handler.may_wait = self._lease_outlasts

    # --- life cycle -------------------------------------------------------------------------
    async def start(self) -> None:
        """Register as a worker (and take over what stopped workers left)."""
        await self.lease.start()

    async def close(self) -> None:
        """Unregister, handing back anything still held, and close the connection pool."""
        try:
            await self.lease.stop()
        finally:
            await close_connections(self.client, self._session)
            self._session = None

    def _pool(self) -> None:
        # The sender makes thousands of calls: one connection pool while it runs.
        if self._session is None:
            self._session = share_connections(self.client)

    def _lease_outlasts(self, seconds: float) -> bool:
        """Would a call started `seconds` from now end before anyone may take over?"""
        margin = self.lease.heartbeat / 2  # one beat may be on its way
        return self.lease.remaining() > seconds + float(self.client.timeout) + margin

    # --- rounds -----------------------------------------------------------------------------
    async def drain(self, *, now: datetime | None = None, max_rounds: int = 1000) -> int:
        """Deliver until nothing is ready (the demo and the tests)."""
        total = 0
        for _ in range(max_rounds):
            sent = await self.run_once(now=now)
            total += sent
            if sent == 0:
                break
        return total

    async def settle(self, keys: list[str], *, wait: float) -> dict[str, Delivery]:
        """Deliver until every one of `keys` is sent or parked (or its workspace's token is
        refused), waiting out Retry-After and backoff for at most `wait` seconds; another
        worker may deliver some meanwhile. For one-shot commands (`kyc run morning`)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while True:
            await self.drain()
            async with self.db.unit_of_work() as session:
                states = await outbox.deliveries(session, keys)
            open_ = [d for d in states.values() if not d.settled(self.token_fp)]
            left = deadline - loop.time()
            if not open_ or left <= 0:
                return states
            due = min(d.next_attempt_at for d in open_)
            pause = (due - self.clock()).total_seconds()
            await asyncio.sleep(min(max(pause, 0.2), left, 5.0))

    async def run_once(self, *, now: datetime | None = None) -> int:
        """Claim ready messages and try each; returns how many were sent.

        While a full batch's last lanes are in flight the next batch is claimed, so the pipe to
        Slack does not run dry between batches; the call returns when nothing more is ready
        or a batch comes back short."""
        await self.start()
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
                sent = await self._send_lane(msgs, delivered)  # not `+= await`: lanes interleave
                finished += sent

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
                    task.result()  # a lane's database error ends the round
                if prefetch is not None and prefetch.done():
                    batch, prefetch = prefetch.result(), None
                    more = len(batch) == self.batch_size
                    if self.stopping:
                        await self._hand_back([m.id for m in batch])
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

    async def _send_lane(
        self, msgs: list[Claimed], delivered: list[tuple[Claimed, dict[str, Any]]]
    ) -> int:
        """One thread's messages in order; the first that does not go hands back the rest."""
        sent = 0
        for n, msg in enumerate(msgs):
            rest = [m.id for m in msgs[n:]]
            if self.stopping or msg.workspace_id in self._blocked:
                await self._hand_back(rest)  # SIGTERM, or the token was just refused
                return sent
            key = pace_key(msg.method, msg.channel)
            wait = self.pacer.reserve(key, self.inline_wait)
            if wait is None:  # the channel is booked (or held by Slack) for a while
                wait = self.pacer.delay(key)
                await self._hand_back(rest, wait=wait, reason=f"waiting: {key} is rate limited")
                return sent
            if wait:
                await asyncio.sleep(wait)
            if not await self._still_mine(msg):
                # The lease ran too low to start a call (the database is away?), or another
                # worker took over: hand back whatever is still ours.
                await self._hand_back(rest)
                return sent
            outcome = await self._deliver(msg, delivered)
            if outcome is not Outcome.SENT:
                await self._hand_back(rest[1:])
                return sent
            sent += 1
        return sent

    async def _still_mine(self, msg: Claimed) -> bool:
        """Before each call: the lease outlasts it, and if it lapsed since the claim, the
        database still says the message is ours."""
        for _ in range(50):  # a late heartbeat: wait for it, up to about 5 s
            if self._lease_outlasts(0):
                break
            await asyncio.sleep(0.1)
        else:
            return False
        if msg.epoch == self.lease.epoch:
            return True
        return msg.id in await self.lease.still_holds([msg.id])

    # --- claiming ---------------------------------------------------------------------------
    def _ready(self, now: datetime) -> Any:
        parent = aliased(OutboxMessage)
        sibling = aliased(OutboxMessage)
        conditions = [
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.claimed_by.is_(None),
            # A reply waits until its parent is in Slack.
            or_(
                OutboxMessage.parent_key.is_(None),
                exists().where(
                    parent.key == OutboxMessage.parent_key, parent.status == OutboxStatus.SENT
                ),
            ),
            # Replies in a thread go one at a time, in order: an earlier one still pending holds
            # the later back. Strict on purpose: with several workers, a looser rule lets one
            # claim reply 2 while another's claim of reply 1 is not committed yet.
            ~exists().where(
                sibling.parent_key == OutboxMessage.parent_key,
                sibling.id < OutboxMessage.id,
                sibling.status == OutboxStatus.PENDING,
            ),
        ]
        if self.token_fp is not None:  # not through a token Slack has refused
            conditions.append(
                ~exists().where(
                    Workspace.id == OutboxMessage.workspace_id,
                    Workspace.blocked_token == self.token_fp,
                )
            )
        return and_(*conditions)

    async def _claim(self, now: datetime) -> list[Claimed]:
        if self.lease.remaining() < self.lease.stale / 2:
            # Back from a stall (or the database was away): beat first, so claims are made
            # only as a registered worker and a lapse shows in the epoch before any post.
            await self.lease.beat()
        pick = (
            select(OutboxMessage.id)
            .where(self._ready(now))
            .order_by(OutboxMessage.id)
            .limit(self.batch_size)
        )
        if not self.db.is_sqlite:
            pick = pick.with_for_update(skip_locked=True)
        first_try = literal(utcnow(), type_=OutboxMessage.__table__.c.first_attempt_at.type)
        epoch = self.lease.epoch
        parent = aliased(OutboxMessage)
        async with self.db.unit_of_work(writes=True) as session:
            # Claim first, read after: a claim is one UPDATE, so two processes never both take
            # a row (SQLite serialises writers; PostgreSQL skips rows another claim locked).
            ids = list(
                await session.scalars(
                    update(OutboxMessage)
                    .where(OutboxMessage.id.in_(pick.scalar_subquery()))
                    .where(OutboxMessage.claimed_by.is_(None))
                    .values(
                        claimed_by=self.worker_id,
                        first_attempt_at=func.coalesce(OutboxMessage.first_attempt_at, first_try),
                    )
                    .returning(OutboxMessage.id)
                )
            )
            if not ids:
                return []
            rows = list(
                await session.execute(
                    select(
                        OutboxMessage.id,
                        OutboxMessage.key,
                        OutboxMessage.workspace_id,
                        OutboxMessage.method,
                        # As stored, not decoded: most go out as they are (see _body).
                        as_text(OutboxMessage.payload).label("stored"),
                        OutboxMessage.parent_key,
                        OutboxMessage.ambiguous,
                        OutboxMessage.first_attempt_at,
                        OutboxMessage.ref_kind,
                        OutboxMessage.ref_id,
                        parent.result_channel,
                        parent.result_ts,
                        as_text(parent.payload).label("parent_stored"),
                        OutboxMessage.channel,
                    )
                    .outerjoin(parent, parent.key == OutboxMessage.parent_key)
                    .where(OutboxMessage.id.in_(ids))
                    .order_by(OutboxMessage.id)
                )
            )
        return [
            Claimed(
                id=r.id,
                key=r.key,
                workspace_id=r.workspace_id,
                method=r.method,
                body=self._body(r.key, r.method, r.stored, r[10], r[11], r.parent_stored),
                # A reply goes where its parent went; else the channel stored beside it.
                channel=(r[10] if r.parent_stored is not None else r.channel) or None,
                lane=r.parent_key or r.key,
                ambiguous=bool(r.ambiguous),
                first_attempt_at=r.first_attempt_at,
                ref_kind=r.ref_kind,
                ref_id=r.ref_id,
                epoch=epoch,
            )
            for r in rows
        ]

    @staticmethod
    def _body(
        key: str,
        method: str,
        stored: str,
        parent_channel: str | None,
        parent_ts: str | None,
        parent_payload: str | None,
    ) -> bytes:
        """The JSON to send, from the JSON stored. A message without a parent (the morning's
        nudges, most posts) goes as stored, its key appended as metadata to the object's text:
        decoding it and encoding it again for the wire was a tenth of the fan-out's CPU. A reply
        takes its parent's channel and thread, through a dict."""
        metadata = {"event_type": METADATA_EVENT, "event_payload": {"key": key}}
        if parent_payload is None:
            if method not in POSTS:
                return stored.encode()
            with_key = _append_metadata(stored, metadata)
            if with_key is not None:
                return with_key.encode()
        payload = json.loads(stored)
        if parent_payload is not None:
            payload["channel"] = parent_channel
            if method == "chat.update":
                payload["ts"] = parent_ts
            else:
                payload["thread_ts"] = json.loads(parent_payload).get("thread_ts") or parent_ts
        if method in POSTS:
            payload["metadata"] = metadata
        return json.dumps(payload).encode()

    # --- one message ------------------------------------------------------------------------
    async def _deliver(
        self, msg: Claimed, delivered: list[tuple[Claimed, dict[str, Any]]]
    ) -> Outcome:
        try:
            data = None
            if msg.ambiguous and msg.method in POSTS:
                data = await self._find_posted(msg)
            if data is None:
                data = await self._call_joining(msg.method, msg)
        except SlackApiError as exc:
            error = str(exc.response.get("error") or "unknown_error")
            status = exc.response.status_code
            if status == 429 or error == "ratelimited":
                return await self._rate_limited(msg, retry_after(exc.response.headers))
            if error in DEAD_TOKEN:
                return await self._block(msg, error)
            if error in PERMANENT:
                return await self._park(msg, error)
            maybe = status >= 500 or error in AMBIGUOUS
            return await self._retry_later(msg, f"{error} (HTTP {status})", ambiguous=maybe)
        except Exception as exc:  # timeouts and connection errors: did Slack act? check next time
            return await self._retry_later(msg, f"{type(exc).__name__}: {exc}", ambiguous=True)
        delivered.append((msg, data))
        return Outcome.SENT

    async def _call_joining(self, method: str, msg: Claimed) -> dict[str, Any]:
        """A public channel the bot is not in yet is joined, then the call is made again."""
        try:
            return await self._call(method, msg)
        except SlackApiError as exc:
            if exc.response.get("error") != "not_in_channel":
                raise
            if not await self._join(msg.channel or ""):
                raise
            return await self._call(method, msg)

    async def _call(self, method: str, msg: Claimed | dict[str, Any]) -> dict[str, Any]:
        """One Web API call: a claimed message's body as it is, or arguments to encode."""
        if isinstance(msg, Claimed) and method != "files.upload_v2":
            response = await self.client.api_call(method, data=msg.body, headers=JSON_BODY)  # type: ignore[arg-type]
            return dict(response.data) if isinstance(response.data, dict) else {}
        payload = msg.payload if isinstance(msg, Claimed) else msg
        if method == "files.upload_v2":
            payload = await self._upload_unshared(payload)
            method = "chat.postMessage"
        response = await self.client.api_call(method, json=payload)
        return dict(response.data) if isinstance(response.data, dict) else {}

    async def _upload_unshared(self, payload: dict[str, Any]) -> dict[str, Any]:
        """A chart: uploaded without a channel (private to the bot, so a second upload after
        an ambiguous answer shows nowhere), then shared by a keyed post that the history
        check can find like any other."""
        upload = await self.client.files_upload_v2(
            content=base64.b64decode(payload["content_b64"]),
            filename=payload["filename"],
            title=payload.get("title"),
        )
        file_id = (upload.get("files") or [{}])[0].get("id")
        title = str(payload.get("title") or payload["filename"])
        post = {k: payload[k] for k in ("channel", "thread_ts", "metadata") if payload.get(k)}
        image = {"type": "image", "slack_file": {"id": file_id}, "alt_text": title}
        return {**post, "text": title, "blocks": [image], "unfurl_links": False}

    async def _find_posted(self, msg: Claimed) -> dict[str, Any] | None:
        """After an ambiguous answer: is the message already there? Pages back through the
        channel (or thread) to the message's first try."""
        payload = msg.payload
        channel = str(payload.get("channel") or "")
        if channel.startswith(("U", "W")):
            opened = await self.client.conversations_open(users=channel)
            channel = opened["channel"]["id"]
        args: dict[str, Any] = {"channel": channel, "include_all_metadata": True, "limit": 200}
        if msg.first_attempt_at is not None:
            args["oldest"] = f"{(msg.first_attempt_at - HISTORY_MARGIN).timestamp():.6f}"
        thread = payload.get("thread_ts")
        cursor = None
        for _ in range(HISTORY_PAGES):
            page = {**args, **({"cursor": cursor} if cursor else {})}
            if thread:
                resp = await self.client.conversations_replies(ts=thread, **page)
            else:
                resp = await self.client.conversations_history(**page)
            for message in resp.get("messages") or []:
                meta = message.get("metadata") or {}
                found = (meta.get("event_payload") or {}).get("key")
                if meta.get("event_type") == METADATA_EVENT and found == msg.key:
                    return {"ok": True, "channel": channel, "ts": message["ts"]}
            cursor = (resp.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
        log.warning("outbox %s: gave up looking after %s pages", msg.key, HISTORY_PAGES)
        return None

    async def _join(self, channel: str) -> bool:
        if not channel.startswith("C"):
            return False
        try:
            await self.client.conversations_join(channel=channel)
            return True
        except SlackApiError:
            return False

    # --- recording what happened ------------------------------------------------------------
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
        # Sent with this token, which Slack did not refuse: a block by another token lifts.
        workspaces = {msg.workspace_id for msg, _ in delivered} - self._blocked
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
                    last_error=None,
                    result_channel=bindparam("b_channel"),
                    result_ts=bindparam("b_ts"),
                ),
                sent,
            )
            await metrics.nudges_sent(conn, [m.id for m, _ in delivered], self.clock())
            if items:
                table = cast(Table, ActionItem.__table__)
                await conn.execute(
                    update(table)
                    .where(table.c.id == bindparam("b_id"))
                    .values(channel_id=bindparam("b_channel"), message_ts=bindparam("b_ts")),
                    items,
                )
            # The token works again (a new one): the workspace sends again.
            await session.execute(
                update(Workspace)
                .where(
                    Workspace.id.in_(workspaces),
                    Workspace.sending_blocked.is_not(None),
                    Workspace.blocked_token != self.token_fp,
                )
                .values(sending_blocked=None, sending_blocked_at=None, blocked_token=None)
            )

    async def _hand_back(self, ids: list[int], *, wait: float = 0.0, reason: str = "") -> None:
        """Release messages untried (SIGTERM, a thread stopped, a channel on hold); no attempt
        is counted."""
        if not ids:
            return
        values: dict[str, Any] = {"claimed_by": None}
        if wait:
            values["next_attempt_at"] = self.clock() + timedelta(seconds=wait)
        if reason:
            values["last_error"] = reason
        async with self.db.unit_of_work(writes=True) as session:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == self.worker_id)
                .values(**values)
            )

    async def _rate_limited(self, msg: Claimed, wait: float) -> Outcome:
        """Slack did nothing and said when to come back: the whole channel (or method) waits,
        for every worker; no attempt is counted, so a rate limit never parks a message."""
        key = pace_key(msg.method, msg.channel)
        news = self.pacer.hold(key, wait)
        until = self.clock() + timedelta(seconds=wait)
        reason = f"waiting: Slack rate limit on {key} (Retry-After {wait:g}s)"
        async with self.db.unit_of_work(writes=True) as session:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == msg.id, OutboxMessage.claimed_by == self.worker_id)
                .values(claimed_by=None, next_attempt_at=until, last_error=reason)
            )
            if news and wait >= 1 and key.startswith("channel:") and msg.channel:
                # The other workers hold the channel too. Rows another transaction has locked
                # are skipped, not waited for: the hold is advice, and waiting could deadlock.
                held = (
                    select(OutboxMessage.id)
                    .where(
                        OutboxMessage.channel == msg.channel,
                        OutboxMessage.status == OutboxStatus.PENDING,
                        OutboxMessage.claimed_by.is_(None),
                        OutboxMessage.next_attempt_at < until,
                    )
                    .limit(1000)
                )
                if not self.db.is_sqlite:
                    held = held.with_for_update(skip_locked=True)
                await session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id.in_(held.scalar_subquery()))
                    .values(next_attempt_at=until)
                )
        log.info("outbox %s: %s", msg.key, reason)
        return Outcome.LATER

    async def _block(self, msg: Claimed, error: str) -> Outcome:
        """Slack refused the token: stop every call for the workspace until another token
        is configured; its messages stay queued, not parked one by one."""
        first = msg.workspace_id not in self._blocked
        self._blocked.add(msg.workspace_id)
        async with self.db.unit_of_work(writes=True) as session:
            await session.execute(
                update(Workspace)
                .where(Workspace.id == msg.workspace_id)
                .values(
                    sending_blocked=error,
                    sending_blocked_at=utcnow(),
                    blocked_token=self.token_fp,
                )
            )
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == msg.id, OutboxMessage.claimed_by == self.worker_id)
                .values(claimed_by=None, last_error=f"waiting: Slack refused the token ({error})")
            )
        if first:
            log.error(
                "Slack refused the bot token for workspace %s (%s): sending stopped until a "
                "working token is configured",
                msg.workspace_id,
                error,
            )
        return Outcome.LATER

    async def _retry_later(self, msg: Claimed, error: str, *, ambiguous: bool) -> Outcome:
        async with self.db.unit_of_work(writes=True) as session:
            row = await session.get(OutboxMessage, msg.id)
            if row is None or row.claimed_by != self.worker_id:
                return Outcome.LATER
            row.attempts += 1
            row.ambiguous = row.ambiguous or ambiguous
            row.last_error = ("ambiguous: " if row.ambiguous else "") + error
            row.claimed_by = None
            if row.attempts >= MAX_ATTEMPTS:
                log.error("outbox %s parked after %s attempts: %s", row.key, row.attempts, error)
                row.status = OutboxStatus.FAILED
                await _park_replies(session, [row.key])
                return Outcome.PARKED
            wait = backoff(row.attempts, self.retry_base)
            row.next_attempt_at = self.clock() + wait
            log.warning(
                "outbox %s will retry in %.1fs: %s", row.key, wait.total_seconds(), row.last_error
            )
        return Outcome.LATER

    async def _park(self, msg: Claimed, error: str) -> Outcome:
        async with self.db.unit_of_work(writes=True) as session:
            row = await session.get(OutboxMessage, msg.id)
            if row is None or row.claimed_by != self.worker_id:
                return Outcome.LATER
            row.attempts += 1
            row.status = OutboxStatus.FAILED
            row.last_error = error
            row.claimed_by = None
            await _park_replies(session, [row.key])
            log.error("outbox %s parked: %s", row.key, error)
        return Outcome.PARKED


async def _park_replies(session: Any, keys: list[str]) -> None:
    """Replies (and edits) waiting on a parked message could never go: park them with it, so
    `kyc outbox --failed` shows them and `kyc outbox retry` sends them all again."""
    while keys:
        waiting = list(
            await session.scalars(
                select(OutboxMessage.key).where(
                    OutboxMessage.parent_key.in_(keys),
                    OutboxMessage.status == OutboxStatus.PENDING,
                )
            )
        )
        if waiting:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.key.in_(waiting))
                .values(status=OutboxStatus.FAILED, last_error="waits on a parked message")
            )
        keys = waiting


async def retry_failed(db: Database, *, workspace_id: str | None = None) -> int:
    """Put parked messages back in the queue, and let blocked workspaces send again (after
    the admin fixed the cause)."""
    async with db.unit_of_work(writes=True) as session:
        stmt = (
            update(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.FAILED)
            .values(
                status=OutboxStatus.PENDING,
                attempts=0,
                next_attempt_at=READY,
                claimed_by=None,
            )
        )
        unblock = update(Workspace).values(
            sending_blocked=None, sending_blocked_at=None, blocked_token=None
        )
        if workspace_id:
            stmt = stmt.where(OutboxMessage.workspace_id == workspace_id)
            unblock = unblock.where(Workspace.id == workspace_id)
        result = await session.execute(stmt)
        await session.execute(unblock)
        return int(result.rowcount)  # type: ignore[attr-defined]
