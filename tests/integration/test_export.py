"""`kyc export`: stable columns, filters, and a round trip through `kyc import contacts`."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

from bot.regimen.types import BatchStatus, ContactKind, ItemStatus
from bot.services.export import COLUMNS, export_rows, write_export
from bot.services.roster_import import import_csv
from storage.db import Database
from storage.models import ActionItem, BatchEntry, Kudos
from tests import factories as f
from tests.factories import utc

NOW = utc(2026, 11, 25, 15)


async def _data(db: Database) -> None:
    async with db.unit_of_work() as s:
        dana = await f.executive(s, "Dana", email="dana@northwind.test")
        raj = await f.executive(s, "Raj", email="raj@northwind.test")
        mo = await f.person(s, "Mo", email="mo@northwind.test")
        await f.team(s, "Legal", customer_facing=False)
        acme = await f.customer(s, dana, "Acme", external_id="NW-1")
        other = await f.customer(s, raj, "Globex", external_id="NW-2")
        call = await f.contact(
            s, acme, NOW - timedelta(days=2), summary='Said "slow", then, on a new line:\nfix it'
        )
        await f.contact(
            s,
            acme,
            NOW - timedelta(days=40),
            kind=ContactKind.REACTIVE,
            external_ref="CRM-9",
            sentiment=None,
        )
        await f.contact(s, other, NOW - timedelta(days=1))
        s.add(
            ActionItem(
                workspace_id=f.WS,
                contact_id=call.id,
                customer_id=acme.id,
                text="Fix export",
                owner_id=mo.id,
                status=ItemStatus.OPEN,
                due_on=date(2026, 12, 1),
                created_at=NOW,
            )
        )
        s.add(
            Kudos(
                workspace_id=f.WS,
                contact_id=call.id,
                from_id=dana.id,
                to_id=mo.id,
                note="Great",
                created_at=NOW,
            )
        )
        s.add(
            BatchEntry(
                workspace_id=f.WS,
                executive_id=dana.id,
                iso_week="2026-W48",
                customer_id=acme.id,
                position=1,
                status=BatchStatus.DONE,
            )
        )


async def _export(db: Database, kind: str, fmt: str = "csv", **kw: object) -> str:
    out = io.StringIO()
    await write_export(export_rows(db, f.WS, kind, **kw), kind, fmt, out)  # type: ignore[arg-type]
    return out.getvalue()


async def test_each_export_has_its_documented_columns(db: Database) -> None:
    await _data(db)
    for kind, columns in COLUMNS.items():
        rows = list(csv.DictReader(io.StringIO(await _export(db, kind))))
        assert rows and tuple(rows[0]) == columns, kind
    items = list(csv.DictReader(io.StringIO(await _export(db, "action-items"))))
    assert items[0]["owner"] == "mo@northwind.test" and items[0]["due_on"] == "2026-12-01"


async def test_teams_round_trip_with_whether_they_face_customers(
    db: Database, tmp_path: Path
) -> None:
    await _data(db)
    async with db.unit_of_work() as s:
        support = await f.team(s, "Support", channel_id="C0SUP")
        support.theme_tags = "onboarding, billing"
    rows = list(csv.DictReader(io.StringIO(await _export(db, "teams"))))
    assert [(r["name"], r["customer_facing"], r["theme_tags"]) for r in rows] == [
        ("Legal", "no", ""),
        ("Support", "yes", "onboarding, billing"),
    ]
    path = tmp_path / "teams.csv"
    path.write_text(await _export(db, "teams"), encoding="utf-8")
    report = await import_csv(db, f.WS, "teams", path)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)


async def test_json_lines_and_filters(db: Database) -> None:
    await _data(db)
    lines = (await _export(db, "contacts", "json")).splitlines()
    assert len(lines) == 3 and json.loads(lines[0])["external_ref"] == "CRM-9"
    recent = await _export(db, "contacts", "json", since=date(2026, 11, 1))
    assert len(recent.splitlines()) == 2
    danas = await _export(db, "contacts", "json", executive_email="DANA@northwind.test")
    assert {json.loads(x)["customer"] for x in danas.splitlines()} == {"NW-1"}


async def test_contacts_round_trip_through_kyc_import(db: Database, tmp_path: Path) -> None:
    await _data(db)
    path = tmp_path / "contacts.csv"
    path.write_text(await _export(db, "contacts"), encoding="utf-8")
    report = await import_csv(db, f.WS, "contacts", path)
    # Slack-logged calls come back as kyc-<id> and are recognised; nothing is duplicated.
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    multiline = next(r for r in csv.DictReader(path.open()) if r["summary"].startswith("Said"))
    assert multiline["summary"] == 'Said "slow", then, on a new line:\nfix it'


FORMULAS = ['=HYPERLINK("http://evil.example","open")', "+1 call back", "-5% churn", "@dana said"]


async def test_formula_cells_are_guarded_in_csv_and_come_back_as_they_were(
    db: Database, tmp_path: Path
) -> None:
    async with db.unit_of_work() as s:
        dana = await f.executive(s, "Dana", email="dana@northwind.test")
        acme = await f.customer(s, dana, "Acme", external_id="NW-1")
        for n, summary in enumerate(FORMULAS):
            await f.contact(s, acme, NOW - timedelta(days=n + 1), summary=summary)
    text = await _export(db, "contacts")
    summaries = {r["summary"] for r in csv.DictReader(io.StringIO(text))}
    assert summaries == {"'" + formula for formula in FORMULAS}
    as_json = {
        json.loads(x)["summary"] for x in (await _export(db, "contacts", "json")).split("\n") if x
    }
    assert as_json == set(FORMULAS)  # JSON Lines are data, never opened as a sheet

    path = tmp_path / "contacts.csv"
    path.write_text(text, encoding="utf-8")
    report = await import_csv(db, f.WS, "contacts", path)
    assert report.ok and (report.created, report.updated, report.unchanged) == (0, 0, 4)


async def test_excel_csv_starts_with_a_bom_and_keeps_the_guard(db: Database) -> None:
    async with db.unit_of_work() as s:
        dana = await f.executive(s, "Dana", email="dana@northwind.test")
        acme = await f.customer(s, dana, "Société Générale", external_id="NW-1")
        await f.contact(s, acme, NOW, summary="=1+1")
    out = io.StringIO()
    await write_export(
        export_rows(db, f.WS, "action-items"), "action-items", "csv", out, excel=True
    )
    assert out.getvalue() == "\ufeff" + ",".join(COLUMNS["action-items"]) + "\r\n"
    out = io.StringIO()
    await write_export(export_rows(db, f.WS, "contacts"), "contacts", "csv", out, excel=True)
    assert out.getvalue().startswith("\ufeffexternal_ref,")
    assert out.getvalue().rstrip().endswith(",'=1+1,")  # then in_their_words, empty
    assert not (await _export(db, "contacts")).startswith("\ufeff")
