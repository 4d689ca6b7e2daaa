"""Alembic migrations go up and down cleanly on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from storage.migrate import downgrade, upgrade
from storage.models import Base
from tests.conftest import PG_SKIP, _pg_admin, _with_db, pg_url


def _tables(url: str) -> set[str]:
    if url.startswith("sqlite"):
        engine = create_engine(url.replace("+aiosqlite", ""))
        try:
            return set(inspect(engine).get_table_names())
        finally:
            engine.dispose()
    import asyncio

    from sqlalchemy.ext.asyncio import create_async_engine

    from bot.settings import to_async_url

    async def names() -> set[str]:
        engine = create_async_engine(to_async_url(url))
        async with engine.connect() as conn:
            result = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        await engine.dispose()
        return result

    return asyncio.run(names())


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'm.db'}"
        return
    base = pg_url()
    if base is None:
        pytest.skip(PG_SKIP)
    name = f"kyc_m_{uuid.uuid4().hex[:10]}"
    _pg_admin(base, f'CREATE DATABASE "{name}"')
    yield _with_db(base, name)
    _pg_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_upgrade_creates_every_model_table_and_downgrade_removes_them(empty_url: str) -> None:
    upgrade(empty_url)
    assert set(Base.metadata.tables) <= _tables(empty_url)
    downgrade(empty_url, "base")
    assert _tables(empty_url) <= {"alembic_version"}
    upgrade(empty_url)  # and back up again: the downgrade left nothing behind that blocks it
    assert set(Base.metadata.tables) <= _tables(empty_url)


def test_the_models_match_the_migrations(empty_url: str) -> None:
    """A model change without a migration is caught here, not in production."""
    import asyncio

    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy.ext.asyncio import create_async_engine

    from bot.settings import to_async_url

    upgrade(empty_url)

    async def diff() -> list[object]:
        engine = create_async_engine(to_async_url(empty_url))
        async with engine.connect() as conn:
            result = await conn.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata)
            )
        await engine.dispose()
        return list(result)

    assert asyncio.run(diff()) == []


def test_replicas_starting_together_on_an_empty_database_all_migrate_it(empty_url: str) -> None:
    if empty_url.startswith("sqlite"):
        pytest.skip("SQLite is for a single process (README, Production)")
    """`kyc serve` migrates on start: two web replicas and a worker may do it at the same time
    (on PostgreSQL; SQLite is for a single process)."""
    import subprocess
    import sys

    start = "from storage.migrate import upgrade; import sys; upgrade(sys.argv[1])"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", start, empty_url],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], "\n".join(outputs)
    assert set(Base.metadata.tables) <= _tables(empty_url)
