"""Run Alembic migrations from code (`kyc db upgrade`, `kyc serve`, the tests)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _in_thread(fn: Callable[..., None], *args: object) -> None:
    # env.py runs its own event loop; from inside a running loop it must go to a thread.
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        fn(*args)
        return
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(fn, *args).result()


def open_sqlite_file(url: str) -> None:
    """Open a SQLite database file once, plainly: a path that cannot be opened fails here with
    sqlite3's own error, rather than inside aiosqlite's connect, whose worker thread then
    reports a second error, on an event loop already closed, as a stray traceback."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    uri = str(parsed.query.get("uri", "")).lower() == "true"
    sqlite3.connect(parsed.database, uri=uri).close()


def upgrade(url: str, revision: str = "head") -> None:
    open_sqlite_file(url)
    _in_thread(command.upgrade, alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    open_sqlite_file(url)
    _in_thread(command.downgrade, alembic_config(url), revision)


async def upgrade_async(url: str, revision: str = "head") -> None:
    open_sqlite_file(url)
    await asyncio.to_thread(command.upgrade, alembic_config(url), revision)
