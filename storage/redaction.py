"""Rewriting every free-text and JSON cell of a workspace: erasure's storage half.

The columns are found from the models, not listed by hand: every String/Text column (enums,
keys and references aside) and every JSON column of every table with a `workspace_id`, so a
column added later is covered without anyone remembering this module."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from sqlalchemy import JSON, Column, Enum, String, Table, Text, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Base

# Ciphertext and fingerprints: never text about anyone, and a rewrite would corrupt them.
OPAQUE = {
    ("installations", "bot_token"),
    ("installations", "bot_refresh_token"),
    ("installations", "token_fingerprint"),
}
PAGE = 500


def scoped_tables() -> list[Table]:
    """Every table whose rows belong to a workspace."""
    return [t for t in Base.metadata.sorted_tables if "workspace_id" in t.c]


def text_columns(table: Table) -> list[Column[Any]]:
    """The table's cells that may hold someone's name, email or Slack id in free text."""
    out = []
    for col in table.c:
        if col.primary_key or col.foreign_keys or (table.name, col.name) in OPAQUE:
            continue
        if isinstance(col.type, Enum):  # a fixed vocabulary (Enum is a String)
            continue
        if isinstance(col.type, String | Text):
            out.append(col)
    return out


def json_columns(table: Table) -> list[Column[Any]]:
    return [c for c in table.c if isinstance(c.type, JSON) and (table.name, c.name) not in OPAQUE]


def rewrite_json(value: Any, rewrite: Callable[[str], str]) -> Any:
    """`value` with `rewrite` applied to every string in it, keys included."""
    if isinstance(value, str):
        return rewrite(value)
    if isinstance(value, list):
        return [rewrite_json(v, rewrite) for v in value]
    if isinstance(value, dict):
        return {rewrite(k): rewrite_json(v, rewrite) for k, v in value.items()}
    return value


def _fit(col: Column[Any], text: str) -> str:
    length = getattr(col.type, "length", None)
    return text[:length] if length and len(text) > length else text


async def rewrite_texts(
    session: AsyncSession,
    workspace_id: str,
    terms: Sequence[str],
    rewrite: Callable[[str], str],
) -> dict[str, int]:
    """Apply `rewrite` to every text cell of the workspace that contains one of `terms`
    (case-insensitively) and to every string inside its JSON cells; returns the rows changed,
    per table."""
    changed: dict[str, int] = {}
    for table in scoped_tables():
        pk = next(iter(table.primary_key.columns))
        texts = text_columns(table)
        if texts and terms:
            found = or_(*(c.icontains(t, autoescape=True) for c in texts for t in terms))
            rows = await session.execute(
                select(pk, *texts).where(table.c.workspace_id == workspace_id, found)
            )
            for row in rows.all():
                values = {}
                for col, old in zip(texts, row[1:], strict=True):
                    if old is None:
                        continue
                    new = _fit(col, rewrite(old))
                    if new != old:
                        values[col.name] = new
                if values:
                    await session.execute(update(table).where(pk == row[0]).values(values))
                    changed[table.name] = changed.get(table.name, 0) + 1
        for col in json_columns(table):
            # JSON cannot be searched alike on every engine: each row is read and rewritten.
            async for key, old in _json_cells(session, table, pk, col, workspace_id):
                new = rewrite_json(old, rewrite)
                if new != old:
                    await session.execute(update(table).where(pk == key).values({col.name: new}))
                    changed[table.name] = changed.get(table.name, 0) + 1
    return changed


async def _json_cells(
    session: AsyncSession, table: Table, pk: Column[Any], col: Column[Any], workspace_id: str
) -> AsyncIterator[tuple[Any, Any]]:
    after = None
    while True:
        stmt = select(pk, col).where(table.c.workspace_id == workspace_id, col.is_not(None))
        if after is not None:
            stmt = stmt.where(pk > after)
        page = (await session.execute(stmt.order_by(pk).limit(PAGE))).all()
        for key, value in page:
            yield key, value
        if len(page) < PAGE:
            return
        after = page[-1][0]
