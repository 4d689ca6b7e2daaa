"""`kyc import`: the example roster, idempotent re-imports, and bad rows that write nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bot.regimen.types import ContactKind, Role
from bot.services.roster_import import import_csv
from storage.db import Database
from storage.models import Contact, Customer, Person, Team

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
WS = "T_IMPORT"


async def _count(db: Database, model: type) -> int:
    async with db.unit_of_work() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def _examples(db: Database) -> list[tuple[int, int, int]]:
    out = []
    for kind in ("teams", "people", "customers", "contacts"):
        report = await import_csv(db, WS, kind, EXAMPLES / f"{kind}.csv")
        assert report.ok, [str(e) for e in report.errors]
        out.append((report.created, report.updated, report.unchanged))
    return out


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


async def test_the_example_roster_loads_and_a_second_import_changes_nothing(db: Database) -> None:
    assert await _examples(db) == [(3, 0, 0), (15, 0, 0), (60, 0, 0), (30, 0, 0)]
    assert await _examples(db) == [(0, 0, 3), (0, 0, 15), (0, 0, 60), (0, 0, 30)]
    async with db.unit_of_work() as s:
        mo = await s.scalar(select(Person).where(Person.name == "Mo Santos"))
        assert mo is not None and mo.manager_id is not None
        lee = await s.get(Person, mo.manager_id)
        assert lee is not None and lee.name == "Lee Park"
        execs = await s.scalar(select(func.count()).where(Person.role == Role.EXECUTIVE))
        assert execs == 4
        kinds = set(await s.scalars(select(Contact.kind)))
        assert kinds == {ContactKind.REACTIVE}
        unsponsored = await s.scalar(
            select(func.count()).select_from(Customer).where(Customer.executive_id.is_(None))
        )
        assert unsponsored == 0


async def test_one_bad_row_is_reported_with_file_line_and_column_and_nothing_is_written(
    db: Database, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "teams.csv",
        'name,channel_id,channel_name\nSales,C0SAL0001,"#sales\nnew line"\n'
        "Support,not-a-channel,#support\nSuccess,C0CS00001,#cs\n",
    )
    report = await import_csv(db, WS, "teams", path)
    assert [str(e) for e in report.errors] == [
        f"{path}:4: channel_id: bad Slack channel id 'not-a-channel' (looks like C0123ABCD)"
    ]
    assert await _count(db, Team) == 0  # not even the good rows


async def test_every_bad_row_is_reported_at_once(db: Database, tmp_path: Path) -> None:
    await _examples(db)
    path = write(
        tmp_path,
        "customers.csv",
        "external_id,name,customer_since,executive,team\n"
        "X-1,,2020-01-01,dana.whitfield@northwindcloud.example,Support\n"
        "X-2,Bad Date,2020-13-01,dana.whitfield@northwindcloud.example,Support\n"
        "X-3,Nobody,2020-01-01,bob@nowhere.example,Support\n"
        "X-4,Member,2020-01-01,mo.santos@northwindcloud.example,Support\n"
        "X-5,No Team,2020-01-01,dana.whitfield@northwindcloud.example,Marketing\n"
        "X-1,Twice,2020-01-01,dana.whitfield@northwindcloud.example,Support\n",
    )
    report = await import_csv(db, WS, "customers", path)
    got = {(e.line, e.column): e.message for e in report.errors}
    assert got[(2, "name")] == "missing name"
    assert got[(3, "customer_since")] == "bad date '2020-13-01' (use YYYY-MM-DD)"
    assert "not in people; import people first" in got[(4, "executive")]
    assert got[(5, "executive")].endswith("is not an executive (role is member)")
    assert got[(6, "team")] == "unknown team 'Marketing' (import teams first)"
    assert got[(7, "external_id")] == "duplicate external id 'X-1' (also on line 2)"
    assert await _count(db, Customer) == 60


async def test_people_by_slack_id_with_a_manager_later_in_the_file(
    db: Database, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "people.csv",
        "slack_user_id,name,manager,timezone,workdays,nudge_time\n"
        "U0AAA0001,Ann,U0BBB0002,Europe/Paris,sun-thu,07:15\n"
        "U0BBB0002,Bea,,,,\n",
    )
    report = await import_csv(db, WS, "people", path)
    assert report.ok and report.created == 2
    async with db.unit_of_work() as s:
        ann = await s.scalar(select(Person).where(Person.name == "Ann"))
        assert ann is not None and ann.workdays == "mon,tue,wed,thu,sun"
        assert ann.manager_id is not None and ann.nudge_time is not None


async def test_bad_cells_in_people_each_name_their_column(db: Database, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "people.csv",
        "email,name,timezone,workdays,nudge_time,role,manager\n"
        "a@x.example,A,Mars/Base,mon-fri,08:00,member,\n"
        "b@x.example,B,UTC,funday,08:00,member,\n"
        "c@x.example,C,UTC,mon-fri,25:00,member,\n"
        "d@x.example,D,UTC,mon-fri,08:00,boss,\n"
        "e@x.example,E,UTC,mon-fri,08:00,member,e@x.example\n",
    )
    report = await import_csv(db, WS, "people", path)
    columns = {(e.line, e.column) for e in report.errors}
    assert columns == {
        (2, "timezone"),
        (3, "workdays"),
        (4, "nudge_time"),
        (5, "role"),
        (6, "manager"),
    }
    assert await _count(db, Person) == 0


async def test_a_manager_loop_is_refused(db: Database, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "people.csv",
        "email,name,manager\na@x.example,A,b@x.example\nb@x.example,B,a@x.example\n",
    )
    report = await import_csv(db, WS, "people", path)
    first = report.errors[0]
    assert (first.column, first.message) == ("manager", "managers form a loop")
    assert await _count(db, Person) == 0


async def test_an_update_changes_only_the_columns_in_the_file(db: Database, tmp_path: Path) -> None:
    await _examples(db)
    path = write(
        tmp_path, "customers.csv", "external_id,name,tier\nNW-1001,Acme Logistics,Platinum\n"
    )
    report = await import_csv(db, WS, "customers", path)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    async with db.unit_of_work() as s:
        acme = await s.scalar(select(Customer).where(Customer.external_id == "NW-1001"))
    assert acme is not None and acme.tier == "Platinum" and acme.contact_name  # rest kept


async def test_bom_mixed_case_headers_unknown_columns_and_empty_files(
    db: Database, tmp_path: Path
) -> None:
    ok = tmp_path / "teams.csv"
    ok.write_bytes("\ufeff Name ,CHANNEL_ID\nOps,C0OPS0001\n".encode())
    assert (await import_csv(db, WS, "teams", ok)).created == 1
    bad = write(tmp_path, "t2.csv", "name,colour\nOps,blue\n")
    (error,) = (await import_csv(db, WS, "teams", bad)).errors
    assert (error.line, error.column) == (1, "colour")
    empty = write(tmp_path, "t3.csv", "")
    assert (await import_csv(db, WS, "teams", empty)).errors[0].message == "the file is empty"
    score = write(
        tmp_path, "c.csv", "external_ref,customer,occurred_at,score\nR1,NW-9,2026-01-01,11\n"
    )
    got = {e.column: e.message for e in (await import_csv(db, WS, "contacts", score)).errors}
    assert got["score"] == "score must be 0–10" and "unknown customer 'NW-9'" in got["customer"]


async def test_customers_join_their_team_and_contacts_their_executive(
    db: Database, tmp_path: Path
) -> None:
    await _examples(db)
    contacts = write(
        tmp_path,
        "contacts.csv",
        "external_ref,customer,occurred_at,executive,score\n"
        "R-1,NW-1001,2026-11-02,dana.whitfield@northwindcloud.example,0\n",
    )
    report = await import_csv(db, WS, "contacts", contacts)
    assert report.ok and report.created == 1, [str(e) for e in report.errors]  # a 0 is a score
    async with db.unit_of_work() as s:
        acme = await s.scalar(select(Customer).where(Customer.external_id == "NW-1001"))
        assert acme is not None and acme.team_id is not None
        team = await s.get(Team, acme.team_id)
        assert team is not None and team.name == "Customer Success"
        dana = await s.scalar(select(Person).where(Person.name == "Dana Whitfield"))
        contact = await s.scalar(select(Contact).where(Contact.external_ref == "R-1"))
        assert dana is not None and contact is not None
        assert contact.executive_id == dana.id and contact.score == 0


async def test_people_need_an_email_or_slack_id_column_and_nobody_manages_themselves(
    db: Database, tmp_path: Path
) -> None:
    nameless = write(tmp_path, "p1.csv", "name,title\nA,CEO\n")
    (error,) = (await import_csv(db, WS, "people", nameless)).errors
    assert (error.line, error.column, error.message) == (
        1,
        "email",
        "people need an email or slack_user_id column",
    )
    own = write(tmp_path, "p2.csv", "email,name,manager\na@x.example,A,a@x.example\n")
    (error,) = (await import_csv(db, WS, "people", own)).errors
    assert (error.column, error.message) == ("manager", "someone cannot be their own manager")
    ghost = write(
        tmp_path, "c.csv", "external_ref,customer,occurred_at,executive\nR,NW-9,2026-01-01,g@x.ex\n"
    )
    got = {e.column: e.message for e in (await import_csv(db, WS, "contacts", ghost)).errors}
    assert got["executive"] == "unknown executive 'g@x.ex' (not in people)"
    assert await _count(db, Person) == 0


async def test_the_active_column_takes_yes_no_words_and_empty_is_active(
    db: Database, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "people.csv",
        "email,name,role,active\n"
        "a@x.example,A,executive,true\n"
        "b@x.example,B,executive,No\n"
        "c@x.example,C,executive,1\n"
        "d@x.example,D,executive,0\n"
        "e@x.example,E,executive,yes\n"
        "f@x.example,F,executive,\n",
    )
    assert (await import_csv(db, WS, "people", path)).created == 6
    async with db.unit_of_work() as s:
        active = {p.name: p.active for p in await s.scalars(select(Person))}
    assert active == {"A": True, "B": False, "C": True, "D": False, "E": True, "F": True}


async def test_importing_active_false_takes_an_executive_out_of_planning_and_nudges(
    db: Database, tmp_path: Path
) -> None:
    from bot.services.morning import run_morning
    from bot.services.planning import plan_week
    from bot.settings import load_settings
    from tests.factories import utc

    settings = load_settings(_env_file=None)
    await _examples(db)
    dana = "dana.whitfield@northwindcloud.example"
    monday = utc(2026, 11, 23, 13, 30)  # 08:30 in New York
    planned = await plan_week(db, settings, WS, "2026-W48", as_of=monday, dry_run=True)
    assert "Dana Whitfield" in {w.executive_name for w in planned}

    path = write(tmp_path, "people.csv", f"email,name,active\n{dana},Dana Whitfield,false\n")
    report = await import_csv(db, WS, "people", path)
    assert (report.updated, report.created) == (1, 0)

    planned = await plan_week(db, settings, WS, "2026-W48", as_of=monday, dry_run=True)
    assert "Dana Whitfield" not in {w.executive_name for w in planned} and planned
    morning = await run_morning(db, settings, WS, now=monday)
    assert "Dana Whitfield" not in {r.executive for r in morning}
    # a later file without the column leaves her as she is
    write(tmp_path, "people.csv", f"email,name\n{dana},Dana Whitfield\n")
    await import_csv(db, WS, "people", path)
    async with db.unit_of_work() as s:
        assert await s.scalar(select(Person.active).where(Person.email == dana)) is False


async def test_a_bad_active_value_names_file_line_and_column_and_writes_nothing(
    db: Database, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "people.csv",
        "email,name,active\na@x.example,A,yes\nb@x.example,B,maybe\n",
    )
    report = await import_csv(db, WS, "people", path)
    assert [str(e) for e in report.errors] == [
        f"{path}:3: active: 'maybe' is not true or false (use true/false, yes/no or 1/0)"
    ]
    assert await _count(db, Person) == 0


async def test_teams_say_whether_they_face_customers(db: Database, tmp_path: Path) -> None:
    """`customer_facing` yes/no (empty: yes); a bad cell names its line and column; a file
    without the column leaves it alone."""
    bad = write(tmp_path, "teams.csv", "name,customer_facing\nLegal,no\nHR,perhaps\n")
    report = await import_csv(db, WS, "teams", bad)
    assert [str(e) for e in report.errors] == [
        f"{bad}:3: customer_facing: 'perhaps' is not true or false (use true/false, yes/no or 1/0)"
    ]
    assert await _count(db, Team) == 0
    good = write(
        tmp_path, "teams.csv", "name,customer_facing\nLegal,no\nEngineering,NO\nSupport,\n"
    )
    assert (await import_csv(db, WS, "teams", good)).ok
    again = write(tmp_path, "again.csv", "name,channel_id\nLegal,C0LEGAL01\n")
    assert (await import_csv(db, WS, "teams", again)).ok
    async with db.unit_of_work() as s:
        facing = {t.name: t.customer_facing for t in await s.scalars(select(Team))}
    assert facing == {"Legal": False, "Engineering": False, "Support": True}
