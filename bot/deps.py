"""What every use case started from Slack or the scheduler needs: settings, the database, a
clock, and a way to wake the outbox sender. Built once per process (bot/server.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.settings import Settings
from storage.db import Database


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Deps:
    settings: Settings
    db: Database
    clock: Callable[[], datetime] = _utcnow
    outbox_ready: asyncio.Event = field(default_factory=asyncio.Event)
    # Scheduled jobs of one process take turns (fewer lock waits on SQLite); across processes
    # the database's own locks and unique keys keep them apart.
    jobs_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def now(self) -> datetime:
        return self.clock()

    def wake_sender(self) -> None:
        """Something was queued: the sender in this process delivers it now, not at its next
        poll."""
        self.outbox_ready.set()
