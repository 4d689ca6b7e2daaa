"""`kyc db copy --to postgresql://…`: a SQLite deployment moves whole to PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import load_settings
from bot.tenancy.runtime import build_tenancy
from storage.database_copy import count_rows
from storage.db import Database, make_engine
from storage.migrate import upgrade
from storage.models import Contact, Person, Team
from tests import factories as f
from tests.conftest import PG_SKIP, _pg_admin, _with_db, pg_url
from tests.integration.test_workspace_binding import roster

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
runner = CliRunner()


@pytest.fixture
def empty_pg() -> Iterator[str]:
    """A PostgreSQL database with nothing in it, not even the schema."""
    base = pg_url()
    if base is None:
        pytest.skip(PG_SKIP)
    name = f"kyc_copy_{uuid.uuid4().hex[:10]}"
    _pg_admin(base, f'CREATE DATABASE "{name}"')
    yield _with_db(base, name)
    _pg_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_deployment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """The examples loaded and planned, and a row in every table, on SQLite."""
    url = f"sqlite:///{tmp_path / 'kyc.db'}"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("KYC_WORKSPACE", "T_TEST")
    monkeypatch.setenv("COLUMNS", "200")
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for kind in ("teams", "people", "customers", "contacts", "customer-contacts"):
        result = runner.invoke(app, ["import", kind, str(EXAMPLES / f"{kind}.csv")])
        assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["plan", "--week", "2026-W48"]).exit_code == 0

    async def more() -> None:
        db = Database(url)
        await roster(db, "T_SECOND")  # kudos, action items, outbox messages
        async with db.unit_of_work() as s:  # a manager with a later id than their report
            report = await f.person(s, "Early Report")
            boss = await f.person(s, "Late Boss")
            report.manager_id = boss.id
        await build_tenancy(db, load_settings(_env_file=None)).state_store().async_issue()
        await db.dispose()

    asyncio.run(more())
    return url


def test_a_sqlite_deployment_is_copied_whole_to_postgresql(
    sqlite_deployment: str, empty_pg: str
) -> None:
    result = runner.invoke(app, ["db", "copy", "--to", empty_pg])
    assert result.exit_code == 0, result.output
    assert "rows copied" in result.output

    async def compare() -> None:
        source, target = make_engine(sqlite_deployment), make_engine(empty_pg)
        here, there = await count_rows(source), await count_rows(target)
        await source.dispose()
        await target.dispose()
        assert here == there
        assert all(here.values()), here  # every table had something to copy

        rows = {}
        for url in (sqlite_deployment, empty_pg):
            db = Database(url)
            async with db.unit_of_work() as s:
                people = {
                    p.id: (p.name, p.manager_id, p.created_at)
                    for p in await s.scalars(select(Person))
                }
                contacts = {
                    c.id: (c.occurred_at, c.kind, c.summary)
                    for c in await s.scalars(select(Contact))
                }
                rows[url] = (people, contacts)
            await db.dispose()
        assert rows[sqlite_deployment] == rows[empty_pg]

        db = Database(empty_pg)  # new rows get new ids: the sequences moved past the copy
        async with db.unit_of_work() as s:
            team = Team(workspace_id="T_TEST", name="Added after the move")
            s.add(team)
            await s.flush()
            assert team.id > max(
                t.id for t in await s.scalars(select(Team).where(Team.id != team.id))
            )
        await db.dispose()

    asyncio.run(compare())

    again = runner.invoke(app, ["db", "copy", "--to", empty_pg])
    assert again.exit_code == 2
    assert len(again.output.strip().splitlines()) == 1
    assert "already has rows" in again.output


def test_a_target_that_is_not_postgresql_or_not_reachable_is_one_line(
    sqlite_deployment: str,
) -> None:
    result = runner.invoke(app, ["db", "copy", "--to", "mysql://u:pw@db/kyc"])
    assert result.exit_code == 2 and "--to: mysql is not supported" in result.output
    result = runner.invoke(app, ["db", "copy", "--to", "postgresql://u:hush@127.0.0.1:1/kyc"])
    assert result.exit_code == 1
    (line,) = result.output.strip().splitlines()
    assert line.startswith("--to: cannot connect to PostgreSQL at 127.0.0.1:1")
    assert "hush" not in result.output


def test_copying_into_a_database_with_rows_is_refused(
    sqlite_deployment: str, tmp_path: Path
) -> None:
    other = f"sqlite:///{tmp_path / 'other.db'}"
    upgrade(other)
    assert runner.invoke(app, ["db", "copy", "--to", other]).exit_code == 0
    result = runner.invoke(app, ["db", "copy", "--to", other])
    assert result.exit_code == 2
    assert (
        "--to: the target database already has rows (oauth_states: 1, workspaces: 2, "
        in result.output
    )
