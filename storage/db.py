"""Engine and sessions: one async engine per process, sessions that keep objects after commit."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.settings import to_async_url

# Set while this task holds the SQLite write gate: a nested unit of work must not wait on it.
_holds_gate: ContextVar[bool] = ContextVar("kyc_holds_write_gate", default=False)


def make_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    url = to_async_url(url)
    if url.startswith("sqlite"):
        # Connections kept open for a burst of requests: each one past the pool is opened (a
        # thread, a file, four PRAGMAs) and closed again, which made 20 requests at once cost
        # each query three times its price.
        engine = create_async_engine(
            url, echo=echo, connect_args={"timeout": 30}, pool_size=20, max_overflow=10
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            # WAL lets the web process read while the scheduler writes; FKs are off by default.
            cur.execute("PRAGMA journal_mode=WAL")
            # With WAL, NORMAL still survives a process crash (only a power cut can drop the
            # last commits) and makes each commit far cheaper: the sender commits per message.
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    # The same 15 connections at most as SQLAlchemy's default (5 kept, 10 more opened and closed
    # on demand), all kept: a connection opened for one burst of requests and closed after it
    # costs the bot and PostgreSQL more than the query it was opened for.
    return create_async_engine(url, echo=echo, pool_pre_ping=True, pool_size=15, max_overflow=0)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


class Database:
    """The process's engine and session factory, created once from the settings."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = to_async_url(url)
        self.engine = make_engine(self.url, echo=echo)
        self.sessions = make_sessionmaker(self.engine)
        self._write_gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

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
                    yield session
            finally:
                _holds_gate.reset(token)

    async def dispose(self) -> None:
        await self.engine.dispose()
