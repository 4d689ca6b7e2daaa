"""Key customers through CSV: the `key` column, a tier mapped to key (KYC_KEY_TIERS), a bad
cell reported as file:line: key: problem, and `kyc export customers` round-tripping `key`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import select

from bot.services.export import export_rows, write_export
from bot.services.roster_import import import_csv
from storage.db import Database
from storage.models import Customer

WS = "T_KEY"


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


async def _keys(db: Database) -> dict[str, bool]:
    async with db.unit_of_work() as s:
        return {c.external_id: c.key for c in await s.scalars(select(Customer))}


async def test_key_column_and_key_tiers(db: Database, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "customers.csv",
        "external_id,name,tier,key\n"
        "A,Acme,smb,yes\n"
        "B,Bolt,Strategic,\n"
        "C,Cogs,smb,\n"
        "D,Dyno,strategic,no\n"
        "E,Echo,,1\n",
    )
    report = await import_csv(db, WS, "customers", path, key_tiers=frozenset({"strategic"}))
    assert report.ok, [str(e) for e in report.errors]
    assert await _keys(db) == {"A": True, "B": True, "C": False, "D": False, "E": True}

    # A file without the key column leaves a key customer key (marked in Slack, say).
    path = write(tmp_path, "again.csv", "external_id,name,tier\nA,Acme,smb\n")
    assert (await import_csv(db, WS, "customers", path)).ok
    assert (await _keys(db))["A"] is True


async def test_a_bad_key_cell_writes_nothing(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path, "customers.csv", "external_id,name,key\nA,Acme,yes\nB,Bolt,maybe\n")
    report = await import_csv(db, WS, "customers", path)
    assert [str(e) for e in report.errors] == [
        f"{path}:3: key: 'maybe' is not true or false (use true/false, yes/no or 1/0)"
    ]
    assert await _keys(db) == {}


async def test_export_customers_round_trips_key(db: Database, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "customers.csv",
        "external_id,name,tier,key\nA,Acme,gold,yes\nB,Bolt,,no\n",
    )
    assert (await import_csv(db, WS, "customers", path)).ok
    out = io.StringIO()
    await write_export(export_rows(db, WS, "customers"), "customers", "csv", out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(r["external_id"], r["tier"], r["key"]) for r in rows] == [
        ("A", "gold", "yes"),
        ("B", "", "no"),
    ]
    async with db.unit_of_work() as s:
        for c in await s.scalars(select(Customer)):
            c.key = not c.key
    back = write(tmp_path, "export.csv", out.getvalue())
    report = await import_csv(db, WS, "customers", back)
    assert report.ok, [str(e) for e in report.errors]
    assert (report.created, report.updated) == (0, 2)
    assert await _keys(db) == {"A": True, "B": False}
