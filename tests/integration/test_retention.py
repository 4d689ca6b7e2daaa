"""KYC_RETENTION_DAYS: what was said in sent messages is dropped after the retention period,
the rows (and their idempotency keys) stay. Both engines."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.services import outbox
from bot.services.retention import purge_sent
from storage.db import Database
from storage.models import OutboxMessage, OutboxStatus
from tests import factories as f
from tests.factories import utc

NOW = utc(2026, 11, 25, 15)


async def _queue(db: Database) -> None:
    async with db.unit_of_work() as s:
        await f.workspace(s)
        for key, sent_days_ago in (("old", 91), ("old-reply", 120), ("recent", 89), ("owed", None)):
            await outbox.post(s, f.WS, key, "U0DANA001", {"text": f"About Acme ({key})"})
            row = await s.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
            assert row is not None
            if sent_days_ago is not None:
                row.status = OutboxStatus.SENT
                row.sent_at = NOW - timedelta(days=sent_days_ago)
                row.result_channel, row.result_ts = "D0DANA001", "1700000000.000100"
            if key == "old-reply":
                row.payload = {**row.payload, "thread_ts": "1699999999.000100"}
        # pending for long: still owed, so kept whole
        stuck = await s.scalar(select(OutboxMessage).where(OutboxMessage.key == "owed"))
        assert stuck is not None
        stuck.created_at = NOW - timedelta(days=200)


async def _rows(db: Database) -> dict[str, OutboxMessage]:
    async with db.unit_of_work() as s:
        return {m.key: m for m in await s.scalars(select(OutboxMessage))}


async def test_old_sent_messages_lose_their_contents_and_keep_their_keys(db: Database) -> None:
    await _queue(db)
    before = await _rows(db)

    assert await purge_sent(db, now=NOW, days=90) == 2

    rows = await _rows(db)
    assert rows["old"].payload == {"purged": True}
    assert rows["old-reply"].payload == {"purged": True, "thread_ts": "1699999999.000100"}
    for key in ("old", "old-reply"):
        kept = ("key", "method", "status", "sent_at", "created_at", "result_channel", "result_ts")
        assert [getattr(rows[key], a) for a in kept] == [getattr(before[key], a) for a in kept]
    assert rows["recent"].payload == before["recent"].payload
    assert rows["owed"].payload == before["owed"].payload
    assert rows["owed"].status == OutboxStatus.PENDING

    assert await purge_sent(db, now=NOW, days=90) == 0  # nothing twice
    # the key still guards against sending it again
    async with db.unit_of_work() as s:
        assert not await outbox.post(s, f.WS, "old", "U0DANA001", {"text": "again"})
    assert await purge_sent(db, now=NOW, days=30) == 1  # a shorter period reaches further
