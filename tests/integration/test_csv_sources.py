"""`kyc import` of files as they come: CRM exports with a preset, `--map`, Excel's semicolons,
and a file in the wrong encoding, which names the line of its bad byte and writes nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from bot.services.roster_import import import_csv
from storage.db import Database
from storage.models import Contact, Customer, Person

DATA = Path(__file__).resolve().parents[1] / "data"
WS = "T_SOURCES"


async def _count(db: Database, model: type) -> int:
    async with db.unit_of_work() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def _customers(db: Database) -> dict[str, Customer]:
    async with db.unit_of_work() as s:
        return {c.name: c for c in await s.scalars(select(Customer))}


async def test_a_hubspot_companies_and_tickets_export_loads_with_the_preset(db: Database) -> None:
    companies = await import_csv(
        db, WS, "customers", DATA / "hubspot" / "companies.csv", preset="hubspot"
    )
    assert companies.ok, [str(e) for e in companies.errors]
    assert companies.created == 4
    assert companies.warnings == (
        f"{DATA / 'hubspot' / 'companies.csv'}: ignored columns: Company owner, Create Date, "
        "Last Activity Date, City, Country/Region, Industry, Lifecycle Stage, "
        "Number of Employees, Annual Revenue, Associated Contact, Associated Deal",
    )
    customers = await _customers(db)
    mueller = customers["Müller Präzisionstechnik GmbH"]
    assert mueller.external_id == "18204715302"
    assert mueller.customer_since == date(2021, 9, 1)  # HubSpot's "2021-09-01 00:00"
    assert mueller.contact_phone == "+49 711 555 0142"
    # no Website URL: the Company Domain Name fills in
    assert customers["Brightwater Foods, Inc."].website == "brightwaterfoods.example"
    assert customers["Acme Logistics"].website == "https://www.acmelogistics.example"

    tickets = await import_csv(
        db, WS, "contacts", DATA / "hubspot" / "tickets.csv", preset="hubspot"
    )
    assert tickets.ok, [str(e) for e in tickets.errors]
    assert tickets.created == 3
    async with db.unit_of_work() as s:
        by_ref = {c.external_ref: c for c in await s.scalars(select(Contact))}
    assert by_ref["2210087002"].customer_id == mueller.id
    assert by_ref["2210087002"].summary == "Rechnung doppelt gebucht – bitte prüfen"
    assert by_ref["2210087001"].occurred_at.hour == 8
    # no company id on this ticket: the company's name finds it
    assert by_ref["2210087003"].customer_id == customers["Brightwater Foods, Inc."].id
    again = await import_csv(
        db, WS, "customers", DATA / "hubspot" / "companies.csv", preset="hubspot"
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


async def test_a_crm_export_without_its_preset_fails_on_its_unknown_columns(db: Database) -> None:
    path = DATA / "hubspot" / "companies.csv"
    report = await import_csv(db, WS, "customers", path)
    lines = [str(e) for e in report.errors]
    assert lines[:2] == [
        f"{path}:1: external_id: required column is missing",
        f"{path}:1: name: required column is missing",
    ]
    expected = "unknown column (expected: external_id, name, customer_since, tier, team,"
    assert lines[2].startswith(f"{path}:1: record id: {expected}")
    assert len(lines) == 2 + 18  # every column of the export named
    assert not report.warnings
    assert await _count(db, Customer) == 0


async def test_a_salesforce_report_export_loads_with_the_preset(db: Database) -> None:
    sf = DATA / "salesforce"
    accounts = await import_csv(db, WS, "customers", sf / "accounts.csv", preset="salesforce")
    # the Classic footer after the blank line is not read as accounts
    assert accounts.ok and accounts.created == 3, [str(e) for e in accounts.errors]
    customers = await _customers(db)
    assert customers["Acme Logistics"].external_id == "0015g00000AcmE1"
    assert customers["Acme Logistics"].website == "www.acmelogistics.example"

    cases = await import_csv(db, WS, "contacts", sf / "cases.csv", preset="salesforce")
    assert cases.ok and cases.created == 3, [str(e) for e in cases.errors]
    async with db.unit_of_work() as s:
        by_ref = {c.external_ref: c for c in await s.scalars(select(Contact))}
    invoice = by_ref["00001031"]  # "11/12/2026 3:20 PM", matched by the account's name
    assert invoice.customer_id == customers["Müller Präzisionstechnik GmbH"].id
    assert (invoice.occurred_at.month, invoice.occurred_at.day, invoice.occurred_at.hour) == (
        11,
        12,
        15,
    )
    assert by_ref["00001044"].occurred_at.hour == 17  # "11/18/2026, 5:30 PM"

    users = await import_csv(db, WS, "people", sf / "users.csv", preset="salesforce")
    assert users.ok and users.created == 3, [str(e) for e in users.errors]
    async with db.unit_of_work() as s:
        ola = await s.scalar(
            select(Person).where(Person.email == "ola.berg@northwindcloud.example")
        )
    assert ola is not None and ola.name == "Ola Berg" and ola.active is False


async def test_a_bad_cell_in_a_preset_file_is_named_by_the_files_own_column(
    db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "cases.csv"
    path.write_text(
        '"Case Number","Account Name","Subject","Date/Time Opened"\n'
        '"00001","Nobody Ltd","Hello","13/40/2026, 9:00 AM"\n',
        encoding="utf-8",
    )
    report = await import_csv(db, WS, "contacts", path, preset="salesforce")
    assert [str(e) for e in report.errors] == [
        f"{path}:2: Account Name: unknown customer 'Nobody Ltd' (import customers first)",
        f"{path}:2: Date/Time Opened: bad date or time '13/40/2026, 9:00 AM' "
        "(use YYYY-MM-DD or YYYY-MM-DDTHH:MM)",
    ]


async def test_map_reads_a_files_column_as_kycs(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_text("Client No,Client,tier\nC-1,Acme,Gold\n", encoding="utf-8")
    maps = {"client no": "external_id", "client": "name"}
    report = await import_csv(db, WS, "customers", path, maps=maps)
    assert report.ok and report.created == 1, [str(e) for e in report.errors]
    assert (await _customers(db))["Acme"].tier == "Gold"
    wrong = await import_csv(db, WS, "customers", path, maps={"client": "company"})
    assert [str(e) for e in wrong.errors] == [
        f"{path}:1: --map: client=company: KYC has no column 'company' (expected: external_id, "
        "name, customer_since, tier, team, executive, contact_name, contact_title, "
        "contact_email, contact_phone, website, linkedin, notes, timezone, active, key)"
    ]


async def test_an_excel_file_with_semicolons_loads(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_bytes(
        "\ufeffexternal_id;name;tier\nX-1;Société Générale;Gold\nX-2;A, B & C;\n".encode()
    )
    report = await import_csv(db, WS, "customers", path)
    assert report.ok and report.created == 2, [str(e) for e in report.errors]
    assert set(await _customers(db)) == {"Société Générale", "A, B & C"}


async def test_a_cp1252_file_names_the_line_of_its_bad_byte_and_writes_nothing(
    db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "customers.csv"
    # a long line first: a buffered reader fails on its first chunk, "line 1"
    path.write_bytes(
        b"external_id,name,notes\n"
        + b"X-1,Acme,"
        + b"a" * 4000
        + b"\n"
        + b"X-2,Soci\xe9t\xe9 G\xe9n\xe9rale,\n"
        + b"X-3,Globex,\n"
    )
    report = await import_csv(db, WS, "customers", path)
    assert [str(e) for e in report.errors] == [
        f"{path}:3: encoding: byte 0xe9 is not utf-8 (save it as UTF-8, or try --encoding cp1252)"
    ]
    assert await _count(db, Customer) == 0
    report = await import_csv(db, WS, "customers", path, encoding="cp1252")
    assert report.ok and report.created == 3, [str(e) for e in report.errors]
    assert "Société Générale" in await _customers(db)
