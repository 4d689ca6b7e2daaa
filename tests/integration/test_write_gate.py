"""Concurrent writers in one process, on both engines: nothing lost, nothing deadlocked."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from storage.db import Database
from storage.models import Workspace


async def test_twenty_concurrent_writers_all_commit_and_nested_units_do_not_wait(
    db: Database,
) -> None:
    inside = 0
    most_inside = 0

    async def write(n: int) -> None:
        nonlocal inside, most_inside
        async with db.unit_of_work(writes=True) as s:
            inside += 1
            most_inside = max(most_inside, inside)
            s.add(Workspace(id=f"T{n:03d}", name=f"Workspace {n}"))
            await s.flush()
            await asyncio.sleep(0.005)  # let the others try to get in meanwhile
            if db.is_sqlite:  # one opened inside a unit that holds the gate goes straight through
                async with db.unit_of_work(writes=True) as inner:
                    await inner.scalar(select(func.count(Workspace.id)))
            inside -= 1

    await asyncio.wait_for(asyncio.gather(*(write(n) for n in range(20))), timeout=60)
    async with db.unit_of_work() as s:
        assert await s.scalar(select(func.count(Workspace.id))) == 20
    # SQLite takes one writer at a time: they queue in the process instead of in SQLite's
    # busy handler. PostgreSQL lets them run side by side.
    assert most_inside == 1 if db.is_sqlite else most_inside > 1
