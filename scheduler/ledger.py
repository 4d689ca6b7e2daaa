"""What the sender records of each try: sent (a batch in one statement), handed back untried,
held for a rate limit, stopped for a refused token, retried with backoff, or parked with the
replies that wait on it. Only rows this worker still holds are touched."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update

from bot import metrics
from bot.services.outbox import READY
from scheduler.claims import Claimed
from scheduler.pacing import Pacer, pace_key
from storage.db import Database
from storage.models import ActionItem, OutboxMessage, OutboxStatus, Workspace, utcnow

log = logging.getLogger("kyc.sender")

MAX_ATTEMPTS = 12


# A message Slack took: what it answered, and the fingerprint of the token it went with.
Sent = tuple[Claimed, dict[str, Any], str]


class Outcome(Enum):
    SENT = "sent"
    LATER = "later"  # handed back: retry, rate limit, or its workspace's token is refused
    PARKED = "parked"


def backoff(attempts: int, base: float = 1.0) -> timedelta:
    """1 s, 2 s, 4 s, … up to 5 minutes (times `base`, which tests shrink)."""
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 300))


class Ledger:
    def __init__(
        self,
        db: Database,
        worker_id: str,
        *,
        clock: Callable[[], datetime],
        pacer: Pacer,
        retry_base: float,
    ) -> None:
        self.db = db
        self.worker_id = worker_id
        self.clock = clock
        self.pacer = pacer
        self.retry_base = retry_base
        self.blocked: set[str] = set()  # workspaces whose token Slack refused, this run

    async def mark_sent(self, delivered: list[Sent]) -> None:
        """One executemany per table for the whole round; only rows this worker still holds
        (a claim another worker took over is theirs to finish)."""
        if not delivered:
            return
        outbox = cast(Table, OutboxMessage.__table__)
        sent = []
        items = []
        for msg, data, _ in delivered:
            channel = data.get("channel") or msg.payload.get("channel")
            ts = data.get("ts") or msg.payload.get("ts")
            sent.append({"b_id": msg.id, "b_channel": channel, "b_ts": ts})
            if msg.ref_kind == "item" and msg.ref_id:
                items.append({"b_id": msg.ref_id, "b_channel": channel, "b_ts": ts})
        # Sent with a token Slack did not refuse: a block of another token lifts.
        worked = {(msg.workspace_id, fp) for msg, _, fp in delivered if fp}
        worked = {(ws, fp) for ws, fp in worked if ws not in self.blocked}
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
            await metrics.nudges_sent(conn, [m.id for m, _, _ in delivered], self.clock())
            if items:
                table = cast(Table, ActionItem.__table__)
                await conn.execute(
                    update(table)
                    .where(table.c.id == bindparam("b_id"))
                    .values(channel_id=bindparam("b_channel"), message_ts=bindparam("b_ts")),
                    items,
                )
            # The token works again (a new one): the workspace sends again.
            for workspace_id, fp in worked:
                await session.execute(
                    update(Workspace)
                    .where(
                        Workspace.id == workspace_id,
                        Workspace.sending_blocked.is_not(None),
                        Workspace.blocked_token != fp,
                    )
                    .values(sending_blocked=None, sending_blocked_at=None, blocked_token=None)
                )

    async def hand_back(self, ids: list[int], *, wait: float = 0.0, reason: str = "") -> None:
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

    async def rate_limited(self, msg: Claimed, wait: float) -> Outcome:
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

    async def no_token(self, msg: Claimed) -> Outcome:
        """No token for the workspace any more (uninstalled since the claim, or the
        environment's token changed): the message waits; an uninstall has deleted it already."""
        await self.hand_back(
            [msg.id], wait=60.0, reason=f"waiting: no token for workspace {msg.workspace_id}"
        )
        return Outcome.LATER

    async def block(self, msg: Claimed, error: str, token_fp: str) -> Outcome:
        """Slack refused the token: stop every call for the workspace until another token
        is configured; its messages stay queued, not parked one by one."""
        first = msg.workspace_id not in self.blocked
        self.blocked.add(msg.workspace_id)
        async with self.db.unit_of_work(writes=True) as session:
            await session.execute(
                update(Workspace)
                .where(Workspace.id == msg.workspace_id)
                .values(
                    sending_blocked=error,
                    sending_blocked_at=utcnow(),
                    blocked_token=token_fp,
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

    async def retry_later(self, msg: Claimed, error: str, *, ambiguous: bool) -> Outcome:
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

    async def park(self, msg: Claimed, error: str) -> Outcome:
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
