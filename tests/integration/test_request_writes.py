"""On SQLite a unit of work that writes while a request from Slack is answered runs its
statements on the event loop's thread once it holds the write lock, which it waits for on the
driver's thread; other units of work go through the driver's thread as before."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy import event, func, select

from storage.db import Database, answering_slack
from storage.models import Workspace


@pytest.fixture
async def db(sqlite_url: str) -> AsyncIterator[Database]:
    database = Database(sqlite_url)
    yield database
    await database.dispose()


@pytest.fixture
def answering() -> Iterator[None]:
    token = answering_slack.set(True)
    yield
    answering_slack.reset(token)


def _threads_of_statements(db: Database) -> list[int]:
    """The thread each statement of `db` ran on, as SQLite saw it."""
    threads: list[int] = []

    @event.listens_for(db.engine.sync_engine, "connect")
    def _trace(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        sqlite = dbapi_conn.driver_connection._conn
        sqlite.set_trace_callback(lambda _sql: threads.append(threading.get_ident()))

    return threads


async def _write(db: Database, ws: str) -> None:
    async with db.unit_of_work(writes=True) as s:
        s.add(Workspace(id=ws))
        await s.flush()
        assert await s.scalar(select(func.count(Workspace.id))) >= 1


async def test_a_request_writes_on_the_event_loops_thread_once_it_holds_the_lock(
    db: Database, answering: None
) -> None:
    threads = _threads_of_statements(db)
    await _write(db, "T_ONE")
    loop = threading.get_ident()
    # BEGIN IMMEDIATE on the driver's thread, the statements on the loop's, COMMIT back.
    assert threads[0] != loop and threads[-1] != loop
    assert threads[1:-1] and set(threads[1:-1]) == {loop}


async def test_a_scheduled_jobs_writes_stay_on_the_drivers_thread(db: Database) -> None:
    threads = _threads_of_statements(db)
    await _write(db, "T_ONE")
    assert threads and threading.get_ident() not in threads


async def test_a_request_waits_for_another_writer_off_the_event_loop(
    db: Database, sqlite_url: str, answering: None
) -> None:
    await _write(db, "T_ONE")  # connections open, the database in WAL
    other = sqlite3.connect(sqlite_url.split(":///", 1)[1], isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process, writing
    other.execute("INSERT INTO workspaces (id, created_at) VALUES ('T_OTHER', '2026-11-30')")
    writing = asyncio.create_task(_write(db, "T_TWO"))
    t0 = time.perf_counter()
    await asyncio.sleep(0.3)
    assert time.perf_counter() - t0 < 1  # the event loop was free meanwhile
    assert not writing.done()
    other.execute("COMMIT")
    other.close()
    await asyncio.wait_for(writing, timeout=10)
    async with db.unit_of_work() as s:
        assert set(await s.scalars(select(Workspace.id))) == {"T_ONE", "T_OTHER", "T_TWO"}


async def test_a_request_that_fails_rolls_back_and_the_next_one_writes(
    db: Database, answering: None
) -> None:
    with pytest.raises(RuntimeError):
        async with db.unit_of_work(writes=True) as s:
            s.add(Workspace(id="T_LOST"))
            await s.flush()
            raise RuntimeError("the listener failed")
    await _write(db, "T_ONE")
    async with db.unit_of_work() as s:
        assert list(await s.scalars(select(Workspace.id))) == ["T_ONE"]
