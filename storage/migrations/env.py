"""Alembic environment: async engines, URL from the caller (storage.migrate) or the settings."""

from __future__ import annotations

import asyncio
import zlib

from alembic import context
from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from bot.settings import to_async_url
from storage.models import Base

config = context.config
target_metadata = Base.metadata
# `kyc serve` and `kyc worker` migrate on start: on PostgreSQL, replicas starting together take
# turns on this lock, and each after the first finds the schema already at head.
MIGRATION_LOCK = zlib.crc32(b"kyc:migrations")


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        from bot.settings import get_settings

        url = get_settings().database_url
    return to_async_url(url)


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":  # held until this transaction ends
            connection.execute(select(func.pg_advisory_xact_lock(MIGRATION_LOCK)))
        context.run_migrations()


async def run_migrations_online() -> None:
    engine = create_async_engine(_url())
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_migrations_online())
