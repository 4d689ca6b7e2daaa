"""Company holidays: holidays.csv by the import's rules, the `holidays` package by country,
and people.csv's country."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.regimen.calendar import CompanyHoliday
from bot.services import holidays
from bot.services.roster_import import import_csv
from storage.db import Database
from storage.models import Holiday, Person

WS = "T_HOLIDAYS"


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


async def _stored(db: Database) -> list[tuple[date, str, str | None]]:
    async with db.unit_of_work() as s:
        rows = await s.scalars(select(Holiday).order_by(Holiday.day, Holiday.country.nulls_first()))
        return [(h.day, h.name, h.country) for h in rows]


async def test_holidays_csv_loads_and_a_second_import_changes_nothing(
    db: Database, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "holidays.csv",
        "date,name,country\n"
        "2026-12-25,Christmas Day,\n"
        "2026-12-28,Boxing Day (substitute),gb\n"
        "2026-12-28,Company offsite,\n",
    )
    report = await import_csv(db, WS, "holidays", path)
    assert report.ok, [str(e) for e in report.errors]
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert await _stored(db) == [
        (date(2026, 12, 25), "Christmas Day", None),
        (date(2026, 12, 28), "Company offsite", None),
        (date(2026, 12, 28), "Boxing Day (substitute)", "GB"),
    ]
    again = await import_csv(db, WS, "holidays", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


async def test_a_bad_holiday_row_is_named_by_file_line_and_column_and_nothing_is_written(
    db: Database, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "holidays.csv",
        "date,name,country\n"
        "2026-12-25,Christmas Day,\n"
        "25/12/2026,Christmas again,\n"
        "2027-01-01,,\n"
        "2027-01-02,Bank holiday,Great Britain\n"
        "2026-12-25,Christmas twice,\n",
    )
    report = await import_csv(db, WS, "holidays", path)
    assert [str(e) for e in report.errors] == [
        f"{path}:3: date: bad date '25/12/2026' (use YYYY-MM-DD)",
        f"{path}:4: name: missing name",
        f"{path}:5: country: bad country 'Great Britain' (use an ISO code such as GB or US)",
        f"{path}:6: date: 2026-12-25 is on line 2 too (same country)",
    ]
    assert await _stored(db) == []


async def test_public_holidays_load_by_country_from_the_holidays_package(db: Database) -> None:
    created, updated, unchanged = await holidays.load_public(db, WS, "gb", 2027)
    assert created >= 8 and updated == unchanged == 0
    stored = await _stored(db)
    assert (date(2027, 12, 25), "Christmas Day", "GB") in stored
    assert {country for _, _, country in stored} == {"GB"}
    assert await holidays.load_public(db, WS, "GB", 2027) == (0, 0, created)
    with pytest.raises(holidays.UnknownCountry, match="no public holidays known for country 'XX'"):
        holidays.public_holidays("XX", 2027)


async def test_people_csv_reads_a_country_and_the_calendar_applies_it(
    db: Database, tmp_path: Path
) -> None:
    people = write(
        tmp_path,
        "people.csv",
        "email,name,role,country\n"
        "dana@northwind.test,Dana,executive,us\n"
        "ada@northwind.test,Ada,executive,\n",
    )
    assert (await import_csv(db, WS, "people", people)).ok
    await holidays.load_public(db, WS, "US", 2026)
    async with db.unit_of_work() as s:
        dana = await s.scalar(select(Person).where(Person.name == "Dana"))
        assert dana is not None and dana.country == "US"
        n = await s.scalar(select(func.count()).select_from(Holiday))
        assert n and n > 5
        cal = await holidays.calendar(s, WS)
    thanksgiving = date(2026, 11, 26)
    assert CompanyHoliday(thanksgiving, "Thanksgiving Day", "US") in cal
    from bot.regimen.calendar import holidays_for

    assert thanksgiving in holidays_for(cal, "US")
    assert thanksgiving not in holidays_for(cal, None)


def test_the_cli_imports_holidays_csv_and_loads_a_countrys_public_holidays(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from bot.cli import app

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kyc.db'}")
    monkeypatch.setenv("KYC_WORKSPACE", "T0NORTHWIND")
    monkeypatch.setenv("COLUMNS", "200")
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()
    examples = Path(__file__).resolve().parents[2] / "examples"
    done = runner.invoke(app, ["import", "holidays", str(examples / "holidays.csv")])
    assert done.exit_code == 0, done.output
    assert "holidays: 4 created, 0 updated, 0 unchanged" in done.output
    loaded = runner.invoke(app, ["holidays", "load", "--country", "GB", "--year", "2027"])
    assert loaded.exit_code == 0, loaded.output
    assert "holidays GB 2027:" in loaded.output and "created" in loaded.output
    bad = runner.invoke(app, ["holidays", "load", "--country", "XX", "--year", "2027"])
    assert bad.exit_code == 2 and "no public holidays known for country 'XX'" in bad.output
    assert "Traceback" not in bad.output


async def test_an_admin_adds_and_removes_a_holiday_and_others_are_refused(db: Database) -> None:
    from bot.regimen.types import Role
    from bot.services.identity import Invalid, NotAllowed

    async with db.unit_of_work() as s:
        await holidays.ensure_workspace(s, WS)
        admin = Person(workspace_id=WS, name="Ada", role=Role.ADMIN, active=True)
        member = Person(workspace_id=WS, name="Mo", role=Role.MEMBER, active=True)
        s.add_all([admin, member])
    await holidays.add_holiday(db, admin, date(2026, 12, 24), "Christmas Eve", "gb")
    with pytest.raises(Invalid):
        await holidays.add_holiday(db, admin, None, " ", "Great Britain")
    with pytest.raises(NotAllowed):
        await holidays.add_holiday(db, member, date(2026, 12, 31), "NYE", None)
    async with db.unit_of_work() as s:
        (shown,) = await holidays.upcoming(s, WS, date(2026, 12, 1))
    assert (shown.day, shown.name, shown.country) == (date(2026, 12, 24), "Christmas Eve", "GB")
    await holidays.remove_holiday(db, admin, shown.id)
    assert await _stored(db) == []
