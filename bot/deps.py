"""What every use case started from Slack or the scheduler needs: settings, the database, a
clock, and a way to wake the outbox sender. Built once per process (bot/server.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING

from bot.settings import Settings
from storage.db import Database

if TYPE_CHECKING:
    from bot.tenancy.runtime import Tenancy


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
    jobs_stopped: bool = False  # SIGTERM: a job still waiting for its turn does not start
    # Submissions are done one at a time after their answer (bot/services/inbox.py), so the
    # answers to Slack of those arriving meanwhile go first.
    inbox_turn: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(1))

    @cached_property
    def tenancy(self) -> Tenancy:
        """Installations and their tokens (bot/tenancy), built on first use."""
        from bot.tenancy.runtime import build_tenancy

        return build_tenancy(self.db, self.settings)

    def now(self) -> datetime:
        return self.clock()

    def wake_sender(self) -> None:
        """Something was queued: the sender in this process delivers it now, not at its next
        poll."""
        self.outbox_ready.set()
