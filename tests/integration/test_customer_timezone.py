"""customers.csv's `timezone`: kept for the follow-up email's slots, refused when unknown."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.services.roster_import import import_csv
from storage.db import Database
from storage.models import Customer

WS = "T_TZ"


async def test_a_customers_timezone_is_imported_and_an_unknown_one_refused(
    db: Database, tmp_path: Path
) -> None:
    good = tmp_path / "customers.csv"
    good.write_text("external_id,name,timezone\nC1,Tokyo Trading,Asia/Tokyo\nC2,Nowhere,\n")
    report = await import_csv(db, WS, "customers", good)
    assert report.ok, [str(e) for e in report.errors]
    async with db.unit_of_work() as s:
        rows = await s.execute(select(Customer.name, Customer.timezone))
        zones = {name: zone for name, zone in rows}
    assert zones == {"Tokyo Trading": "Asia/Tokyo", "Nowhere": None}
    bad = tmp_path / "bad.csv"
    bad.write_text("external_id,name,timezone\nC1,Tokyo Trading,Mars/Olympus\n")
    refused = await import_csv(db, WS, "customers", bad)
    assert [e.column for e in refused.errors] == ["timezone"]
