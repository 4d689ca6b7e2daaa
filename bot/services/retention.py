"""Use case: how long the contents of sent Slack messages are kept (KYC_RETENTION_DAYS).

A sent message's row stays (its key keeps a retried event from posting twice, its result
the thread it started), but after the retention period its payload, which holds what was
said to whom, is replaced by `{"purged": true}`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Text, cast, select, update

from storage.db import Database
from storage.models import OutboxMessage, OutboxStatus

PAGE = 500
# How a purged payload reads as stored (json.dumps of purged_payload), to skip it next time.
PURGED_PREFIX = '{"purged": true'


def purged_payload(payload: dict[str, Any] | None) -> dict[str, Any]:
    """What is left of a sent message: the mark, and the thread it was in (a reply queued
    under it later still joins that thread rather than replying to a reply)."""
    out: dict[str, Any] = {"purged": True}
    if payload and isinstance(payload.get("thread_ts"), str):
        out["thread_ts"] = payload["thread_ts"]
    return out


async def purge_sent(db: Database, *, now: datetime, days: int) -> int:
    """Replace the payload of messages sent more than `days` ago (by sent_at) with the purged
    mark; pending and parked messages are left whole. Returns how many were purged; a second
    run purges nothing more."""
    cutoff = now - timedelta(days=days)
    total, after = 0, 0
    while True:
        async with db.unit_of_work(writes=True) as session:
            page = (
                await session.execute(
                    select(OutboxMessage.id, OutboxMessage.payload)
                    .where(
                        OutboxMessage.status == OutboxStatus.SENT,
                        OutboxMessage.sent_at < cutoff,
                        OutboxMessage.id > after,
                        cast(OutboxMessage.payload, Text).not_like(PURGED_PREFIX + "%"),
                    )
                    .order_by(OutboxMessage.id)
                    .limit(PAGE)
                )
            ).all()
            if page:
                await session.execute(
                    update(OutboxMessage),
                    [{"id": id_, "payload": purged_payload(p)} for id_, p in page],
                )
        total += len(page)
        if len(page) < PAGE:
            return total
        after = page[-1][0]
