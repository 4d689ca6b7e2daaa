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

The parts: claims.py takes messages, slack_calls.py makes the calls, ledger.py records each
try, workers.py keeps ownership alive, pacing.py keeps to Slack's rate; this module runs the
rounds and lanes that tie them together.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.sdklog import close_connections, share_connections, slack_sdk_logger
from bot.services import outbox
from bot.services.outbox import Delivery
from bot.settings import Settings
from bot.slack_metrics import MeteredWebClient
from bot.tenancy.installations import KycInstallationStore
from bot.tenancy.tokens import TokenSource, WorkspaceToken
from scheduler.claims import POSTS, Claimed, Claims
from scheduler.ledger import MAX_ATTEMPTS, Ledger, Outcome, Sent, backoff, retry_failed
from scheduler.pacing import PacedRateLimitHandler, Pacer, pace_key, retry_after
from scheduler.slack_calls import SlackCalls
from scheduler.workers import Lease
from storage.db import Database
from storage.models import utcnow

__all__ = ["MAX_ATTEMPTS", "Sender", "backoff", "retry_failed", "sender_client"]

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
    db: Database,
    settings: Settings,
    tokens: TokenSource,
    *,
    clock: Callable[[], datetime] = utcnow,
) -> Sender:
    """The sender every command runs (`kyc serve`, `kyc worker`, `kyc run`), from the settings."""
    client = sender_client("", settings.slack_api_url, timeout=settings.kyc_slack_timeout)
    return Sender(
        db,
        client,
        tokens=tokens,
        clock=clock,
        concurrency=settings.kyc_sender_concurrency,
        heartbeat_seconds=settings.kyc_heartbeat_seconds,
        stale_seconds=settings.kyc_worker_stale_seconds,
        channel_interval=settings.kyc_channel_interval,
    )


class Sender:
    def __init__(
        self,
        db: Database,
        client: AsyncWebClient,
        *,
        tokens: TokenSource | None = None,
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
        self.client = client  # the template each workspace's client is made from
        # Each message goes with its own workspace's token. Without a TokenSource, the
        # client's token is SLACK_BOT_TOKEN's, for the workspace registered with it.
        self.tokens = tokens or TokenSource(
            KycInstallationStore(db, None, env_token=client.token), client=client
        )
        self._clients: dict[str, SlackCalls] = {}
        self.lease = Lease(db, worker_id, heartbeat=heartbeat_seconds, stale=stale_seconds)
        self.worker_id = self.lease.id
        self.batch_size = batch_size
        self.concurrency = concurrency
        self.stopping = False
        self.clock = clock
        self.retry_base = retry_base
        self.pacer = Pacer(channel_interval)
        self.inline_wait = inline_wait
        self.claims = Claims(db, self.worker_id, batch_size)
        self.ledger = Ledger(
            db, self.worker_id, clock=clock, pacer=self.pacer, retry_base=retry_base
        )
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
            self._clients.clear()

    def _pool(self) -> None:
        # The sender makes thousands of calls: one connection pool while it runs.
        if self._session is None:
            self._session = share_connections(self.client)

    def _slack(self, token: str) -> SlackCalls:
        """The calls made with one workspace's token, over the one pool and rate limiter."""
        calls = self._clients.get(token)
        if calls is None:
            t = self.client
            client = type(t)(
                token=token,
                base_url=t.base_url,
                timeout=t.timeout,
                logger=t.logger,
                retry_handlers=t.retry_handlers,
                session=t.session,
            )
            calls = self._clients[token] = SlackCalls(client)
            if len(self._clients) > 1000:  # rotated tokens: forget the old ones
                self._clients = {token: calls}
        return calls

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
            open_ = [d for d in states.values() if not d.settled()]
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
        delivered: list[Sent] = []

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
                        await self.ledger.hand_back([m.id for m in batch])
                    elif batch:
                        start(batch)
                if len(delivered) >= self.batch_size:
                    done_now = delivered[:]
                    del delivered[: len(done_now)]
                    await self.ledger.mark_sent(done_now)
        finally:
            for task in tasks:
                task.cancel()
            if prefetch is not None:
                prefetch.cancel()
            await self.ledger.mark_sent(delivered)
        return finished

    async def _send_lane(self, msgs: list[Claimed], delivered: list[Sent]) -> int:
        """One thread's messages in order; the first that does not go hands back the rest."""
        sent = 0
        for n, msg in enumerate(msgs):
            rest = [m.id for m in msgs[n:]]
            if self.stopping or msg.workspace_id in self.ledger.blocked:
                await self.ledger.hand_back(rest)  # SIGTERM, or the token was just refused
                return sent
            key = pace_key(msg.method, msg.channel)
            wait = self.pacer.reserve(key, self.inline_wait)
            if wait is None:  # the channel is booked (or held by Slack) for a while
                wait = self.pacer.delay(key)
                await self.ledger.hand_back(
                    rest, wait=wait, reason=f"waiting: {key} is rate limited"
                )
                return sent
            if wait:
                await asyncio.sleep(wait)
            if not await self._still_mine(msg):
                # The lease ran too low to start a call (the database is away?), or another
                # worker took over: hand back whatever is still ours.
                await self.ledger.hand_back(rest)
                return sent
            outcome = await self._deliver(msg, delivered)
            if outcome is not Outcome.SENT:
                await self.ledger.hand_back(rest[1:])
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

    # --- one message ------------------------------------------------------------------------
    async def _deliver(self, msg: Claimed, delivered: list[Sent]) -> Outcome:
        # Looked up now, not at the claim: an uninstall or a refresh since then shows here.
        token = await self.tokens.token_for(msg.workspace_id)
        if token is None:
            return await self.ledger.no_token(msg)
        slack = self._slack(token.token)
        try:
            data = None
            if msg.ambiguous and msg.method in POSTS:
                data = await slack.find_posted(msg)
            if data is None:
                data = await slack.call_joining(msg.method, msg.payload)
        except SlackApiError as exc:
            error = str(exc.response.get("error") or "unknown_error")
            status = exc.response.status_code
            if status == 429 or error == "ratelimited":
                return await self.ledger.rate_limited(msg, retry_after(exc.response.headers))
            if error in DEAD_TOKEN:
                return await self.ledger.block(msg, error, token.fingerprint)
            if error in PERMANENT:
                return await self.ledger.park(msg, error)
            maybe = status >= 500 or error in AMBIGUOUS
            return await self.ledger.retry_later(msg, f"{error} (HTTP {status})", ambiguous=maybe)
        except Exception as exc:  # timeouts and connection errors: did Slack act? check next time
            return await self.ledger.retry_later(
                msg, f"{type(exc).__name__}: {exc}", ambiguous=True
            )
        delivered.append((msg, data, token.fingerprint))
        return Outcome.SENT

    # --- kept for the tests and tools that drive one step -------------------------------------
    async def _claim(self, now: datetime) -> list[Claimed]:
        if self.lease.remaining() < self.lease.stale / 2:
            # Back from a stall (or the database was away): beat first, so claims are made
            # only as a registered worker and a lapse shows in the epoch before any post.
            await self.lease.beat()
        return await self.claims.claim(now, self.lease.epoch)

    async def _call(
        self, method: str, payload: dict[str, Any], workspace_id: str
    ) -> dict[str, Any]:
        token: WorkspaceToken | None = await self.tokens.token_for(workspace_id)
        if token is None:
            raise LookupError(f"KYC is not installed in workspace {workspace_id}")
        return await self._slack(token.token).call(method, payload)
