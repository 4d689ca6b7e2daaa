"""`kyc db copy`: a whole deployment from one database into an empty one (SQLite → PostgreSQL).

The target is migrated first, so both sides have the same schema; rows go over table by table
in foreign-key order, in chunks, in one transaction on the target (a failed copy leaves it
empty, ready for another try); PostgreSQL's id sequences are then moved past the copied ids,
and the row counts of every table are compared."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import Integer, Table, bindparam, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.db import make_engine
from storage.models import Base

CHUNK = 1000


class CopyRefused(Exception):
    """The copy would overwrite or mix data; the message is one line for the user."""


@dataclass(frozen=True)
class CopiedTable:
    name: str
    source_rows: int
    target_rows: int


# Who is delivering right now is about live processes, not data: never copied (a copied claim
# belongs to no registered worker, and the first worker to start takes it over).
NOT_COPIED = {"outbox_workers"}


def tables() -> list[Table]:
    """Every table of the schema that holds data, each after the tables it refers to."""
    return [t for t in Base.metadata.sorted_tables if t.name not in NOT_COPIED]


async def count_rows(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as conn:
        return {
            t.name: int(await conn.scalar(select(func.count()).select_from(t)) or 0)
            for t in tables()
        }


def _self_references(table: Table) -> list[str]:
    """Columns pointing into their own table (a person's manager): filled in after the rows."""
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


async def _copy_table(
    src: AsyncConnection, dst: AsyncConnection, table: Table, on_rows: Callable[[int], None]
) -> None:
    (pk,) = table.primary_key.columns
    later = _self_references(table)
    links: list[dict[str, Any]] = []
    result = await src.stream(select(table).order_by(pk))
    async for part in result.mappings().partitions(CHUNK):
        rows = [dict(r) for r in part]
        for row in rows:
            for column in later:
                if row[column] is not None:
                    links.append({"_pk": row[pk.name], "_col": column, "_to": row[column]})
                    row[column] = None
        await dst.execute(table.insert(), rows)
        on_rows(len(rows))
    for column in later:
        values = [
            {"_pk": link["_pk"], "_to": link["_to"]} for link in links if link["_col"] == column
        ]
        if values:
            stmt = update(table).where(pk == bindparam("_pk")).values({column: bindparam("_to")})
            await dst.execute(stmt, values)


async def _reset_sequences(dst: AsyncConnection) -> None:
    """Ids were copied as they were: the next id PostgreSQL hands out must come after them."""
    for table in tables():
        (pk,) = table.primary_key.columns
        if not isinstance(pk.type, Integer):
            continue
        await dst.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk.name}'), "
                f"COALESCE((SELECT MAX({pk.name}) FROM {table.name}), 0) + 1, false)"
            )
        )


async def copy_database(
    source_url: str,
    target_url: str,
    *,
    on_start: Callable[[dict[str, int]], None] = lambda counts: None,
    on_rows: Callable[[str, int], None] = lambda table, rows: None,
) -> list[CopiedTable]:
    """Copy every row of `source_url` into `target_url`, both already migrated to the same
    revision; the target must hold no rows. Returns each table's count on both sides."""
    source, target = make_engine(source_url), make_engine(target_url)
    try:
        counts = await count_rows(source)
        already = {name: n for name, n in (await count_rows(target)).items() if n}
        if already:
            listed = ", ".join(f"{name}: {n}" for name, n in already.items())
            raise CopyRefused(
                f"--to: the target database already has rows ({listed}): "
                "copy only into an empty database"
            )
        on_start(counts)
        async with source.connect() as src, target.begin() as dst:
            for table in tables():
                await _copy_table(src, dst, table, partial(on_rows, table.name))
            if dst.dialect.name == "postgresql":
                await _reset_sequences(dst)
        copied = await count_rows(target)
    finally:
        await source.dispose()
        await target.dispose()
    return [CopiedTable(name, counts[name], copied[name]) for name in counts]
