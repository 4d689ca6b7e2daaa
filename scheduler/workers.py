"""Who may deliver an outbox message: a live worker, for as long as its heartbeat is fresh.

A claim does not run out on a timer (a worker waiting out Slack's Retry-After would lose its
messages to its own next claim). Instead each delivering process registers in
`outbox_workers` and beats every `heartbeat` seconds; a worker whose heartbeat is older than
`stale` seconds, or a process on this host that no longer exists, is pruned by whichever
worker notices first: its messages are handed back, marked ambiguous, so the next owner
checks Slack before posting again (the pattern of Solid Queue's process heartbeats and
River's stalled-job rescue, with the database as the only coordinator).

The lease: nobody can prune this worker before `stale` seconds after its last successful
beat, so a post started with more than the call timeout left on that clock finishes before
anyone else may take the message. With less left, the sender waits for a beat, and after a
lapse it asks the database whether the message is still its own."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from storage.db import Database
from storage.models import OutboxMessage, OutboxWorker, utcnow

log = logging.getLogger("kyc.workers")


def new_worker_id() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def host_key() -> str:
    """This host and process-id namespace: only there does a pid name the same process (two
    containers may share a hostname, never a pid namespace)."""
    try:
        ns = os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        ns = 0
    return f"{socket.gethostname()}/{ns}"[:255]


def _process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # somebody else's process: alive
        return False
    return False


class Lease:
    """This process's registration as an outbox worker, kept alive by a heartbeat task."""

    def __init__(
        self,
        db: Database,
        worker_id: str | None = None,
        *,
        heartbeat: float = 1.0,
        stale: float = 10.0,
        wall: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.id = worker_id or new_worker_id()
        self.heartbeat = heartbeat
        self.stale = stale
        self.wall = wall  # real time, never a test's controlled clock: it is about processes
        self.hostname = host_key()
        # Bumped whenever the lease lapsed: claims made before it must be checked again.
        self.epoch = 0
        self._beat_at: float | None = None  # monotonic time of the last successful beat
        self._task: asyncio.Task[None] | None = None
        self.started = False

    # --- the lease clock ---------------------------------------------------------------------
    def remaining(self) -> float:
        """Seconds before another worker may prune this one (0 when it may already)."""
        if self._beat_at is None:
            return 0.0
        return max(0.0, self.stale - (time.monotonic() - self._beat_at))

    def _row(self, now: datetime) -> OutboxWorker:
        return OutboxWorker(
            id=self.id, hostname=self.hostname, pid=os.getpid(), started_at=now, heartbeat_at=now
        )

    # --- life cycle --------------------------------------------------------------------------
    async def start(self) -> None:
        if self.started:
            return
        now = self.wall()
        began = time.monotonic()
        async with self.db.unit_of_work(writes=True) as session:
            session.add(self._row(now))
        self._beat_at = began
        self.started = True
        await self.prune()
        self._task = asyncio.create_task(self._run(), name=f"heartbeat {self.id}")

    async def stop(self) -> None:
        """Unregister; whatever this worker still holds goes back to the queue, marked
        ambiguous (a call cut short may have reached Slack)."""
        if not self.started:
            return
        self.started = False
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        async with self.db.unit_of_work(writes=True) as session:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.claimed_by == self.id)
                .values(claimed_by=None, ambiguous=True)
            )
            await session.execute(delete(OutboxWorker).where(OutboxWorker.id == self.id))
        self._beat_at = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat)
            try:
                await self.beat()
                await self.prune()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database is away: the lease runs down, sends pause
                log.warning("heartbeat failed (%.0fs of lease left): %s", self.remaining(), exc)

    async def beat(self) -> None:
        began = time.monotonic()
        async with self.db.unit_of_work(writes=True) as session:
            result = await session.execute(
                update(OutboxWorker)
                .where(OutboxWorker.id == self.id)
                .values(heartbeat_at=self.wall())
            )
            if result.rowcount == 0:  # type: ignore[attr-defined]
                # Pruned as dead while we were away: everything we held is someone else's now.
                self.epoch += 1
                session.add(self._row(self.wall()))
                log.warning("worker %s was pruned while unresponsive; registered again", self.id)
        if self._beat_at is not None and began - self._beat_at >= self.stale:
            self.epoch += 1  # lapsed: another worker may have taken over meanwhile
        self._beat_at = began

    async def prune(self) -> list[str]:
        """Hand back the messages of workers that stopped beating (or whose process on this
        host is gone), marked ambiguous, and forget those workers."""
        cutoff = self.wall() - timedelta(seconds=self.stale)
        async with self.db.unit_of_work() as session:
            rows = list(
                await session.execute(
                    select(
                        OutboxWorker.id,
                        OutboxWorker.hostname,
                        OutboxWorker.pid,
                        OutboxWorker.heartbeat_at,
                    ).where(OutboxWorker.id != self.id)
                )
            )
        dead = [
            r.id
            for r in rows
            if r.heartbeat_at < cutoff
            or (r.hostname == self.hostname and r.pid != os.getpid() and _process_gone(r.pid))
        ]
        async with self.db.unit_of_work(writes=True) as session:
            if dead:
                await session.execute(delete(OutboxWorker).where(OutboxWorker.id.in_(dead)))
            # Claims of workers no longer registered: the ones just pruned, and any whose row
            # is gone (a database copied or restored while messages were in flight).
            released = await session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.claimed_by.is_not(None),
                    OutboxMessage.claimed_by.not_in(select(OutboxWorker.id)),
                )
                .values(claimed_by=None, ambiguous=True)
            )
        count = int(released.rowcount)  # type: ignore[attr-defined]
        if count or dead:
            log.warning(
                "took over %s message(s) from stopped worker(s) %s",
                count,
                ", ".join(sorted(dead)) or "no longer registered",
            )
        return dead

    async def still_holds(self, ids: list[int]) -> set[int]:
        """Which of `ids` this worker still holds, asked of the database (after a lapse)."""
        async with self.db.unit_of_work() as session:
            return set(
                await session.scalars(
                    select(OutboxMessage.id).where(
                        OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == self.id
                    )
                )
            )
