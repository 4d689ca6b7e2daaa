"""Claiming outbox messages: what is ready, taken in one UPDATE so two workers never both
take a row, and read back with what delivering it needs (a reply's thread from its parent)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, func, literal, or_, select, update
from sqlalchemy.orm import aliased

from bot.tenancy.tokens import sendable
from storage.db import Database
from storage.models import OutboxMessage, OutboxStatus, utcnow

# Calls whose effect is a message carrying the outbox key: they can be looked for in Slack.
POSTS = {"chat.postMessage", "files.upload_v2"}
METADATA_EVENT = "kyc_outbox"


@dataclass(frozen=True)
class Claimed:
    """A claimed outbox message with what delivering it needs, read in the claim's query."""

    id: int
    key: str
    workspace_id: str
    method: str
    payload: dict[str, Any]  # as sent: thread and channel from the parent filled in
    lane: str  # messages of one thread share a lane and go one after another
    ambiguous: bool  # an earlier try may have reached Slack: look before posting again
    first_attempt_at: datetime | None
    ref_kind: str | None
    ref_id: int | None
    epoch: int  # the lease epoch it was claimed in

    @property
    def channel(self) -> str | None:
        channel = self.payload.get("channel")
        return str(channel) if channel else None


class Claims:
    """One worker's claims, of every installed workspace's messages but those whose token
    Slack refused (bot/tenancy/tokens.py `sendable`)."""

    def __init__(self, db: Database, worker_id: str, batch_size: int) -> None:
        self.db = db
        self.worker_id = worker_id
        self.batch_size = batch_size

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
            sendable(),
        ]
        return and_(*conditions)

    async def claim(self, now: datetime, epoch: int) -> list[Claimed]:
        """Up to a batch of ready messages, now this worker's; `epoch` is the lease's."""
        pick = (
            select(OutboxMessage.id)
            .where(self._ready(now))
            .order_by(OutboxMessage.id)
            .limit(self.batch_size)
        )
        if not self.db.is_sqlite:
            pick = pick.with_for_update(skip_locked=True)
        first_try = literal(utcnow(), type_=OutboxMessage.__table__.c.first_attempt_at.type)
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
                        OutboxMessage.payload,
                        OutboxMessage.parent_key,
                        OutboxMessage.ambiguous,
                        OutboxMessage.first_attempt_at,
                        OutboxMessage.ref_kind,
                        OutboxMessage.ref_id,
                        parent.result_channel,
                        parent.result_ts,
                        parent.payload,
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
                payload=self._payload(r.key, r.method, r.payload, r[10], r[11], r[12]),
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
        if method in POSTS:
            payload["metadata"] = {"event_type": METADATA_EVENT, "event_payload": {"key": key}}
        return payload
