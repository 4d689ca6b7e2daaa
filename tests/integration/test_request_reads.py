"""`Database.read`, the short reads on a request's path (who is asking, the teams of the call
modal): what a session would read, on both engines; on SQLite on the caller's thread, never
writing and never waiting for the writer."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import event, insert, select

from storage.db import Database
from storage.models import Person, Team, Workspace
from tests import factories as f


@pytest.fixture
async def sqlite_db(sqlite_url: str) -> AsyncIterator[Database]:
    database = Database(sqlite_url)
    yield database
    await database.dispose()


@pytest.fixture
def sqlite_path(sqlite_url: str) -> str:
    return sqlite_url.split(":///", 1)[1]


async def test_a_read_sees_what_was_committed_a_moment_before(db: Database) -> None:
    async with db.unit_of_work(writes=True) as s:
        dana = await f.executive(s, "Dana", slack_user_id="U0DANA")
    by_slack_id = select(Person).where(Person.slack_user_id == "U0DANA")

    (found,) = await db.read(by_slack_id)
    assert (found.id, found.name) == (dana.id, "Dana")

    async with db.unit_of_work(writes=True) as s:
        (await s.get(Person, dana.id)).name = "Dana W."  # type: ignore[union-attr]
    assert [p.name for p in await db.read(by_slack_id)] == ["Dana W."]
    assert await db.read(select(Person).where(Person.slack_user_id == "U0NOBODY")) == []


async def test_on_sqlite_a_read_goes_neither_through_aiosqlite_nor_waits_for_the_writer(
    sqlite_db: Database,
) -> None:
    db = sqlite_db
    async with db.unit_of_work(writes=True) as s:
        await f.workspace(s, "T_ONE")
    through_aiosqlite: list[str] = []
    event.listen(
        db.engine.sync_engine,
        "before_cursor_execute",
        lambda _c, _cur, statement, *_a: through_aiosqlite.append(statement),
    )
    async with db.unit_of_work(writes=True) as s:  # a writer in the middle of its transaction
        s.add(Workspace(id="T_TWO"))
        await s.flush()
        through_aiosqlite.clear()
        t0 = time.perf_counter()
        seen = [w.id for w in await db.read(select(Workspace).order_by(Workspace.id))]
        waited = time.perf_counter() - t0
    assert seen == ["T_ONE"]  # what is committed, at once
    assert waited < 1
    assert through_aiosqlite == []


async def test_on_sqlite_a_read_cannot_write(sqlite_db: Database) -> None:
    with pytest.raises(Exception, match="readonly"):
        await sqlite_db.read(insert(Workspace).values(id="T_NEW").returning(Workspace.id))
    async with sqlite_db.unit_of_work() as s:
        assert await s.get(Workspace, "T_NEW") is None


async def test_on_sqlite_a_read_that_meets_a_lock_goes_the_usual_way(
    sqlite_url: str, sqlite_path: str
) -> None:
    seed = Database(sqlite_url)
    async with seed.unit_of_work(writes=True) as s:
        await f.workspace(s, "T_ONE")
    await seed.dispose()
    # Another process holding the database exclusively: no one else may even read.
    holder = sqlite3.connect(sqlite_path, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    db = Database(sqlite_url)
    try:
        reading = asyncio.create_task(db.read(select(Workspace.id)))
        t0 = time.perf_counter()
        await asyncio.sleep(0.3)
        assert time.perf_counter() - t0 < 1  # the event loop was not held up meanwhile
        assert not reading.done()  # it waits in SQLite's busy handler, off the event loop
        holder.execute("ROLLBACK")
        holder.close()
        assert await asyncio.wait_for(reading, timeout=10) == ["T_ONE"]
    finally:
        await db.dispose()


async def test_a_kept_answer_is_given_again_until_this_process_writes_to_its_table(
    db: Database,
) -> None:
    async with db.unit_of_work(writes=True) as s:
        await f.team(s, "Support")
    teams = select(Team).where(Team.workspace_id == f.WS).order_by(Team.name)

    first = await db.read(teams, keep_for=60)
    assert [t.name for t in first] == ["Support"]
    async with db.unit_of_work(writes=True) as s:  # another table: the answer stands
        await f.person(s, "Lee")
    assert await db.read(teams, keep_for=60) is first

    async with db.unit_of_work(writes=True) as s:
        await f.team(s, "Customer Success")
    assert [t.name for t in await db.read(teams, keep_for=60)] == ["Customer Success", "Support"]


async def test_another_processs_change_shows_once_the_kept_answer_expires(
    db: Database, db_url: str
) -> None:
    teams = select(Team.name).order_by(Team.name)
    assert await db.read(teams, keep_for=0.3) == []
    other = Database(db_url)  # another process, as far as this one can tell
    try:
        async with other.unit_of_work(writes=True) as s:
            await f.team(s, "Support")
    finally:
        await other.dispose()
    assert await db.read(teams, keep_for=0.3) == []
    await asyncio.sleep(0.35)
    assert await db.read(teams, keep_for=0.3) == ["Support"]
