"""`kyc import customer-contacts`: several contacts a customer, each with a role; a file with
a bad row writes nothing and names each problem by file, line and column."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.regimen.types import ContactRole
from bot.services.roster_import import import_csv
from storage.db import Database
from storage.models import CustomerContact
from tests.integration.test_roster_csv import EXAMPLES, WS, _examples, write


async def _contacts(db: Database) -> dict[str, CustomerContact]:
    async with db.unit_of_work() as s:
        return {c.name: c for c in await s.scalars(select(CustomerContact))}


async def test_the_example_contacts_load_once_with_their_roles(db: Database) -> None:
    await _examples(db)
    path = EXAMPLES / "customer-contacts.csv"
    first = await import_csv(db, WS, "customer-contacts", path)
    assert first.ok, [str(e) for e in first.errors]
    assert (first.created, first.updated, first.unchanged) == (6, 0, 0)
    again = await import_csv(db, WS, "customer-contacts", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)
    stored = await _contacts(db)
    assert stored["Grace Ito"].role == ContactRole.DECISION_MAKER
    assert stored["Felix Haddad"].primary and not stored["Grace Ito"].primary


async def test_a_new_primary_takes_over_and_a_changed_title_updates(
    db: Database, tmp_path: Path
) -> None:
    await _examples(db)
    await import_csv(db, WS, "customer-contacts", EXAMPLES / "customer-contacts.csv")
    path = write(
        tmp_path,
        "cc.csv",
        "customer,name,title,primary\nNW-1001,Grace Ito,CEO,yes\n",
    )
    report = await import_csv(db, WS, "customer-contacts", path)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    stored = await _contacts(db)
    assert stored["Grace Ito"].primary and stored["Grace Ito"].title == "CEO"
    assert not stored["Felix Haddad"].primary
    assert stored["Grace Ito"].role == ContactRole.DECISION_MAKER  # an absent column is kept


async def test_bad_rows_are_reported_by_line_and_column_and_nothing_is_written(
    db: Database, tmp_path: Path
) -> None:
    await _examples(db)
    path = write(
        tmp_path,
        "cc.csv",
        "customer,name,role,email,primary\n"
        "NW-1001,Good Row,user,good@acme.example,false\n"
        "NW-9999,Nobody's,user,,\n"
        "NW-1001,,boss,not-an-email,\n"
        "NW-1002,One,user,,true\n"
        "NW-1002,Two,user,,true\n",
    )
    report = await import_csv(db, WS, "customer-contacts", path)
    assert [str(e) for e in report.errors] == [
        f"{path}:3: customer: unknown customer 'NW-9999' (import customers first)",
        f"{path}:4: name: missing name",
        f"{path}:4: role: role must be one of "
        "decision-maker, user, procurement, technical, finance, other",
        f"{path}:4: email: bad email 'not-an-email'",
        f"{path}:6: primary: Brightwater Foods has a primary contact already (line 5)",
    ]
    assert await _contacts(db) == {}  # not even the good row
