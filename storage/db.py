"""Engine and sessions: one async engine per process, sessions that keep objects after commit."""

from __future__ import annotations

import asyncio
import sqlite3
import time
import weakref
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from functools import partial
from typing import Any

import aiosqlite
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import sessionmaker
from sqlalchemy.sql import Select

from bot.settings import to_async_url

# Set while this task holds the SQLite write gate: a nested unit of work must not wait on it.
_holds_gate: ContextVar[bool] = ContextVar("kyc_holds_write_gate", default=False)
# Set while a request from Slack is handled (bot/app.py), its work after the ack included:
# its units of work are short, so on SQLite one that writes runs on the event loop's thread
# once it holds the write lock (see `_take_write_lock`). Scheduled jobs, whose transactions
# read much, stay on the driver's thread.
answering_slack: ContextVar[bool] = ContextVar("kyc_answering_slack", default=False)


def make_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    url = to_async_url(url)
    if url.startswith("sqlite"):
        # Connections kept open for a burst of requests: each one past the pool is opened (a
        # thread, a file, four PRAGMAs) and closed again, which made 20 requests at once cost
        # each query three times its price.
        path = make_url(url).database or ""
        engine = create_async_engine(
            url,
            echo=echo,
            pool_size=20,
            max_overflow=10,
            # An in-memory database stays on SQLAlchemy's own connect.
            **({"async_creator": partial(_connect_sqlite, path)} if _on_disk(path) else {}),
            connect_args={"timeout": 30},
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            # WAL lets the web process read while the scheduler writes; FKs are off by default.
            cur.execute("PRAGMA journal_mode=WAL")
            # With WAL, NORMAL still survives a process crash (only a power cut can drop the
            # last commits) and makes each of the many small commits (claims, heartbeats) cheaper.
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    # The same 15 connections at most as SQLAlchemy's default (5 kept, 10 more opened and closed
    # on demand), all kept: a connection opened for one burst of requests and closed after it
    # costs the bot and PostgreSQL more than the query it was opened for.
    return create_async_engine(url, echo=echo, pool_pre_ping=True, pool_size=15, max_overflow=0)


class _SwitchableConnection(aiosqlite.Connection):
    """aiosqlite's connection, which runs statements on the caller's thread while `inline`:
    aiosqlite sends each call (cursor, execute, fetch, close) to its own thread and back."""

    inline = False

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self.inline:
            return fn(*args, **kwargs)
        return await super()._execute(fn, *args, **kwargs)  # type: ignore[no-untyped-call]


async def _connect_sqlite(path: str) -> aiosqlite.Connection:
    """What SQLAlchemy's aiosqlite dialect would open (its connect arguments for a file:
    `check_same_thread=False`), as a `_SwitchableConnection`."""
    connection = _SwitchableConnection(
        partial(sqlite3.connect, path, timeout=30, check_same_thread=False), 64
    )
    connection._thread.daemon = True  # as SQLAlchemy does: never keep the process alive
    return await connection


def _on_disk(path: str | None) -> bool:
    return path not in (None, "", ":memory:")


def make_inline_reader(url: str) -> Engine | None:
    """The engine of `Database.read` on SQLite: the standard library's driver on the caller's
    thread, reading only (`query_only`) and never waiting for a lock (`timeout=0`). None for
    PostgreSQL and for an in-memory database (another connection would see another one)."""
    parsed = make_url(to_async_url(url))
    if parsed.get_backend_name() != "sqlite" or not _on_disk(parsed.database):
        return None
    engine = create_engine(
        parsed.set(drivername="sqlite"),
        # One at a time per thread: a read is over before the caller gets the loop back.
        pool_size=1,
        max_overflow=4,
        connect_args={"timeout": 0, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _read_only(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA query_only=ON")
        cur.close()

    return engine


def _locked(exc: OperationalError) -> bool:
    """SQLite said SQLITE_BUSY or SQLITE_LOCKED (any of their extended codes)."""
    code = getattr(exc.orig, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in (5, 6)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def _take_write_lock(session: AsyncSession) -> _SwitchableConnection | None:
    """Begin with SQLite's write lock, waiting for it (another process writing) on the driver's
    thread; from then on nothing the transaction does waits for a lock (with WAL, readers
    never block a writer), so its statements run on the event loop's thread, each costing the
    statement and not four round trips to the driver's thread. Returns the connection put
    inline, or None (an in-memory database)."""
    conn = await session.connection()
    await conn.exec_driver_sql("BEGIN IMMEDIATE")
    driver = (await conn.get_raw_connection()).driver_connection
    if not isinstance(driver, _SwitchableConnection):
        return None
    driver.inline = True
    return driver


class _KeptReads:
    """The answers `Database.read(keep_for=…)` keeps, each dropped when it expires or when this
    process writes to a table it read: every INSERT, UPDATE or DELETE moves its table's version
    on, once when it runs and again when its connection goes back to the pool (after the
    commit), and an answer is kept only if no version it depends on moved while it was read."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._versions: dict[str, int] = {}
        self._answers: dict[Any, tuple[float, tuple[int, ...], tuple[str, ...], list[Any]]] = {}
        event.listen(engine.sync_engine, "after_cursor_execute", self._executed)
        event.listen(engine.sync_engine, "checkin", self._returned)

    def _executed(
        self, conn: Any, _cursor: Any, _sql: Any, _params: Any, context: Any, _many: Any
    ) -> None:
        if not (context.isinsert or context.isupdate or context.isdelete):
            return
        table = getattr(getattr(context.compiled, "statement", None), "table", None)
        name = getattr(table, "name", None)
        names = {name} if isinstance(name, str) else {"*"}  # text(): any table
        self._moved(names)
        conn.info.setdefault("kyc_wrote", set()).update(names)

    def _returned(self, _dbapi_conn: Any, record: Any) -> None:
        wrote = record.info.pop("kyc_wrote", None)
        if wrote:
            self._moved(wrote)

    def _moved(self, names: set[str]) -> None:
        for name in names:
            self._versions[name] = self._versions.get(name, 0) + 1

    def version(self, statement: Select[Any]) -> tuple[int, ...]:
        return self._of(_tables_of(statement))

    def _of(self, tables: tuple[str, ...]) -> tuple[int, ...]:
        return (self._versions.get("*", 0), *(self._versions.get(t, 0) for t in tables))

    def get(self, key: Any) -> list[Any] | None:
        kept = self._answers.get(key)
        if kept is None:
            return None
        until, versions, tables, rows = kept
        if time.monotonic() >= until or versions != self._of(tables):
            del self._answers[key]
            return None
        return rows

    def put(
        self,
        key: Any,
        statement: Select[Any],
        before: tuple[int, ...],
        rows: list[Any],
        keep_for: float,
    ) -> None:
        if self.version(statement) != before:  # written meanwhile: maybe read before that
            return
        if len(self._answers) >= 1000:
            self._answers.clear()
        tables = _tables_of(statement)
        self._answers[key] = (time.monotonic() + keep_for, before, tables, rows)


_TABLES: dict[Select[Any], tuple[str, ...]] = {}


def _tables_of(statement: Select[Any]) -> tuple[str, ...]:
    """The tables a statement reads. Kept per statement: those read with `keep_for` are built
    once at import, and working them out again (get_final_froms) cost a tenth of a request."""
    tables = _TABLES.get(statement)
    if tables is None:
        tables = tuple(sorted({str(getattr(f, "name", "*")) for f in statement.get_final_froms()}))
        if len(_TABLES) >= 1000:
            _TABLES.clear()
        _TABLES[statement] = tables
    return tables


class Database:
    """The process's engine and session factory, created once from the settings."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = to_async_url(url)
        self.engine = make_engine(self.url, echo=echo)
        self.sessions = make_sessionmaker(self.engine)
        self._inline_engine = make_inline_reader(self.url)
        self._inline = sessionmaker(self._inline_engine) if self._inline_engine else None
        self._write_gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self._kept = _KeptReads(self.engine)

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @asynccontextmanager
    async def unit_of_work(self, *, writes: bool = False) -> AsyncIterator[AsyncSession]:
        """One transaction: committed when the block ends, rolled back if it raises.

        `writes`: on SQLite, which takes one writer at a time, transactions that write queue
        for their turn in this process, first come first served, instead of meeting in
        SQLite's busy handler, which sleeps in growing steps and makes the slowest of twenty
        concurrent call submissions wait a second and more."""
        if not (writes and self.is_sqlite) or _holds_gate.get():
            async with self.sessions() as session, session.begin():
                yield session
            return
        loop = asyncio.get_running_loop()
        gate = self._write_gates.setdefault(loop, asyncio.Lock())
        async with gate:
            token = _holds_gate.set(True)
            try:
                async with self.sessions() as session, session.begin():
                    if not answering_slack.get():
                        yield session
                        return
                    inline = await _take_write_lock(session)
                    try:
                        yield session
                    finally:  # the commit (maybe a WAL checkpoint's I/O) back on the thread
                        if inline is not None:
                            inline.inline = False
            finally:
                _holds_gate.reset(token)

    async def read(
        self,
        statement: Select[Any],
        params: Mapping[str, Any] | None = None,
        *,
        keep_for: float = 0.0,
    ) -> list[Any]:
        """What one short query on a request's path selects (who is asking, say), as a list.

        On SQLite it runs on the caller's thread: a lookup by key takes tens of microseconds
        there, where each query through aiosqlite is four round trips to its thread and back
        (cursor, execute, fetch, close), which cost more than the query and, with twenty
        requests at once, woke the event loop eighty times. The connection cannot write and
        never waits: with WAL a reader does not wait for the writer, and should it meet a lock
        anyway (a crashed writer's WAL being recovered) the query goes the usual way.
        Elsewhere, an ordinary session.

        `keep_for`: the answer is kept that many seconds and given again, unless this process
        writes to a table it read meanwhile (then it is read again); a change made by another
        process shows within that time. For what changes with the roster, not with requests.
        The rows given are shared: read them, never change them."""
        if keep_for <= 0:
            return await self._read(statement, params)
        key = (statement, tuple(sorted((params or {}).items())))
        kept = self._kept.get(key)
        if kept is not None:
            return kept
        before = self._kept.version(statement)
        rows = await self._read(statement, params)
        self._kept.put(key, statement, before, rows, keep_for)
        return rows

    async def _read(self, statement: Select[Any], params: Mapping[str, Any] | None) -> list[Any]:
        if self._inline is not None:
            try:
                with self._inline() as session:
                    return list(session.scalars(statement, params))
            except OperationalError as exc:
                if not _locked(exc):
                    raise
        async with self.sessions() as session:
            return list(await session.scalars(statement, params))

    async def dispose(self) -> None:
        if self._inline_engine is not None:
            self._inline_engine.dispose()
        await self.engine.dispose()
