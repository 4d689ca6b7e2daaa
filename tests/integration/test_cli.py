"""The `kyc` command as an admin meets it: clear lines, exit codes, no tracebacks."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import app
from bot.demo import run_demo
from bot.ids import View
from bot.regimen.calendar import iso_week_of
from bot.regimen.types import BatchStatus, ContactKind, Outcome
from bot.standin.harness import LocalSlack
from storage.models import ActionItem, BatchEntry, Contact, Person, TeamNote

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
runner = CliRunner()


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kyc.db'}")
    monkeypatch.setenv("KYC_WORKSPACE", "T0NORTHWIND")
    monkeypatch.setenv("COLUMNS", "200")
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "KYC_WEEKLY_QUOTA"):
        monkeypatch.delenv(name, raising=False)


def kyc(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_importing_people_before_teams_names_each_bad_row_and_writes_nothing() -> None:
    code, out = kyc("import", "people", str(EXAMPLES / "people.csv"))
    assert code == 1
    assert f"{EXAMPLES / 'people.csv'}:5: team: unknown team 'Customer Success'" in out
    assert "nothing was imported" in out


def test_import_then_plan_dry_run_shows_every_executives_five() -> None:
    for kind in ("teams", "people", "customers", "contacts"):
        code, out = kyc("import", kind, str(EXAMPLES / f"{kind}.csv"))
        assert code == 0, out
    code, out = kyc("plan", "--dry-run", "--week", "2026-W48")
    assert code == 0 and "dry run: nothing saved" in out
    for name in ("Dana Whitfield", "Marcus Oyelaran", "Helen Fairbairn", "Priya Raman"):
        assert name in out
    assert out.count("0/5") == 4 and out.count("5. ") == 4
    code, out = kyc("run", "morning", "--at", "2026-11-23T08:30:00-05:00", "--no-send")
    assert code == 0
    line = next(x for x in out.splitlines() if "Dana Whitfield" in x)
    assert "nudge queued" in line
    line = next(x for x in out.splitlines() if "Marcus Oyelaran" in x)
    assert "not due" in line


def test_a_bad_week_or_setting_is_one_clear_line() -> None:
    code, out = kyc("plan", "--week", "2026-W99")
    assert code == 2 and "bad ISO week '2026-W99'" in out
    result = runner.invoke(app, ["plan"], env={"KYC_WEEKLY_QUOTA": "many"})
    assert result.exit_code == 2 and "KYC_WEEKLY_QUOTA" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_serve_without_tokens_explains_the_set_up_and_runs_the_demo() -> None:
    code, out = kyc("serve")
    assert code == 0
    assert "manifest.yml" in out and "SLACK_BOT_TOKEN" in out
    assert "Your customers this week" in out and "Action items from" in out


async def _demo(weeks: int) -> tuple[list[str], dict[str, Any]]:
    """`kyc demo`'s lines, and what the stand-in and the database held at its end."""
    out = io.StringIO()
    seen: dict[str, Any] = {}

    async def look(env: LocalSlack) -> None:
        seen["calls"] = list(env.slack.calls)
        seen["messages"] = env.slack.messages()
        async with env.db.unit_of_work() as s:
            dana = await s.scalar(select(Person).where(Person.name == "Dana Whitfield"))
            assert dana is not None
            seen["dana"] = dana
            seen["contacts"] = list(
                await s.scalars(
                    select(Contact).where(Contact.executive_id == dana.id).order_by(Contact.id)
                )
            )
            seen["entries"] = list(
                await s.scalars(select(BatchEntry).where(BatchEntry.executive_id == dana.id))
            )
            seen["items"] = list(await s.scalars(select(ActionItem).order_by(ActionItem.id)))
            seen["notes"] = list(await s.scalars(select(TeamNote)))

    await run_demo(Console(file=out, width=100), weeks=weeks, at_the_end=look)
    text = out.getvalue()
    assert "Traceback" not in text and "WARNING" not in text and "&amp;" not in text
    return text.splitlines(), seen


async def test_the_demo_is_the_executives_week_monday_to_friday_as_each_person_saw_it() -> None:
    lines, seen = await _demo(1)
    assert len(lines) < 400
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    at = [next(i for i, x in enumerate(lines) if x.strip("─ ").startswith(d)) for d in days]
    assert at == sorted(at)
    opened = [c.params["view"]["callback_id"] for c in seen["calls"] if c.method == "views.open"]
    # Brief and Log call from the nudge, /kyc floor, the follow-up email, a swap, /kyc done
    # after the key customer's call, Log call from the later nudge and for the guest's call,
    # /kyc done, the pause's calendar, My settings; after the shift, what the guest learned,
    # the theme's action point; the team's customer meeting: its draft charter, /kyc meeting,
    # the record modal and the charter's history (the team's stories:
    # tests/integration/test_demo_team.py)
    assert opened == [
        View.BRIEF,
        View.CALL,
        View.FLOOR,
        View.CHARTER,
        View.MEETING_REQUEST,
        View.EMAIL,
        View.SWAP,
        View.CALL,
        View.CALL,
        View.CALL,
        View.CALL,
        View.PAUSE,
        View.MY_SETTINGS,
        View.FLOOR_REPORT,
        View.MEETING_RECORD,
        View.CHARTER_HISTORY,
        View.MATCH_LEARNED,
        View.THEME_ACT,
    ]
    dana: Person = seen["dana"]
    dm = "D" + (dana.slack_user_id or "")[1:]
    nudges = [m for m in seen["messages"] if m["channel"] == dm and "done this week" in m["text"]]
    assert len(nudges) == 6  # Monday to Friday, and Wednesday's again at 15:00
    assert [c.outcome for c in seen["contacts"]] == [
        Outcome.REACHED,
        Outcome.VOICEMAIL,
        Outcome.REACHED,  # the key customer, after taking ownership of its complaint
        Outcome.REACHED,
        Outcome.REACHED,  # with the guest listening in
        Outcome.REACHED,
    ]
    # every call of the week is for a customer of that week's batch
    batch = {e.customer_id: e for e in seen["entries"]}
    assert all(c.customer_id in batch for c in seen["contacts"])
    assert [e.swap_reason for e in batch.values() if e.status == BatchStatus.SWAPPED] == [
        "Already spoke recently"
    ]
    items = {i.text: i for i in seen["items"]}
    assert items["Look into the slow monthly export"].status == "done"
    assert items["Call them about the two slow tickets"].snoozed_until is not None
    assert len(seen["notes"]) == 1  # the account team's reply, kept for the brief
    monday = min(c.occurred_at for c in seen["contacts"]).date()
    assert dana.nudge_skipped_on == monday + timedelta(days=3)
    assert dana.paused_until == monday + timedelta(days=11)
    assert "Open in Gmail] https://mail.google.com/mail/?… (" in "\n".join(lines)


async def test_the_demo_of_a_quarter_calls_each_weeks_own_batch_and_ends_with_the_digest() -> None:
    lines, seen = await _demo(3)
    assert len(lines) < 400
    weeks = {(e.iso_week, e.customer_id) for e in seen["entries"]}
    calls = [c for c in seen["contacts"] if c.kind == ContactKind.PROACTIVE]
    assert len({iso_week_of(c.occurred_at.date()) for c in calls}) == 3
    assert all((iso_week_of(c.occurred_at.date()), c.customer_id) in weeks for c in calls)
    text = "\n".join(lines)
    assert "0/5 done this week" in text and "1/5 done this week" in text
    assert text.index("Friday 17:00: the leadership digest") > text.index("Friday:")
    posted = [m for m in seen["messages"] if m["channel"] == "C0LEADERS"]
    assert posted[0]["text"] == f"KYC weekly digest {iso_week_of(calls[-1].occurred_at.date())}"
    # the week shown, closed by the digest: the calls done that App Home showed on Friday (the
    # digest counts a key customer added at the top beside the quota: 5/6, App Home 5/5)
    done = next(x for x in lines if "This week (" in x).split(": ")[-1].split("/")[0]
    assert any("Dana Whitfield — " in x and f"week {done}/" in x for x in lines)
    assert any(c.method == "files.completeUploadExternal" for c in seen["calls"])
    assert "bytes PNG" in text
    # The earlier weeks' rows are all there, their items closed by their owners, but what those
    # weeks would have sent was not delivered: the stand-in saw no message about their calls.
    simulated = [i for i in seen["items"] if i.text == "Follow up on the export"]
    assert simulated and all(i.done_by_id in (None, i.owner_id) for i in simulated)
    assert any(i.status == "done" for i in simulated)
    assert not any("Follow up on the export" in str(m) for m in seen["messages"])


def test_outbox_and_db_upgrade_on_an_empty_database() -> None:
    assert kyc("db", "upgrade")[0] == 0
    code, out = kyc("outbox")
    assert code == 0 and "Nothing waiting" in out


def test_report_for_a_past_week_and_as_an_html_page(tmp_path: Path) -> None:
    for kind in ("teams", "people", "customers", "contacts"):
        assert kyc("import", kind, str(EXAMPLES / f"{kind}.csv"))[0] == 0
    code, out = kyc("report", "--week", "2026-W46", "--html", str(tmp_path / "r.html"))
    assert code == 0 and "(2026-W46)" in out and "Dana Whitfield" in out
    page = (tmp_path / "r.html").read_text()
    assert "data:image/png;base64," in page and "Priya Raman" in page
    assert "Call sentiment by month" in page and "2026-10" in page
    assert "<th>Call NPS</th>" in page and "<th>Ticket satisfaction</th>" in page
    assert "Calls by week (Call NPS, sentiment): W35:" in out
    # what customers said reads as quotes (as the digest), not word counts; the themes' figures
    assert "What customers said this week" in out and "criticised" not in out
    assert "Customer themes 2026Q4:" in out and "<h2>Back to the floor</h2>" in page
    assert kyc("report", "--team", "Nope")[0] == 2


def test_export_writes_the_file_whole_or_not_at_all(tmp_path: Path) -> None:
    for kind in ("teams", "people", "customers", "contacts"):
        assert kyc("import", kind, str(EXAMPLES / f"{kind}.csv"))[0] == 0
    target = tmp_path / "contacts.csv"
    code, out = kyc("export", "contacts", "--output", str(target))
    assert code == 0 and "30 row(s) written" in out
    assert len(target.read_text().splitlines()) == 31
    code, out = kyc(
        "export", "contacts", "--executive", "nobody@x.example", "--output", str(target)
    )
    assert code == 2 and "nobody@x.example" in out
    assert len(target.read_text().splitlines()) == 31  # the good file is untouched
    assert not (tmp_path / "contacts.csv.partial").exists()


def test_version_comes_from_the_installed_package() -> None:
    from importlib.metadata import version

    code, out = kyc("--version")
    assert code == 0 and out.strip() == f"kyc {version('kyc')}"


def test_an_unknown_import_or_export_kind_lists_the_choices(tmp_path: Path) -> None:
    code, out = kyc("import", "customer", str(EXAMPLES / "customers.csv"))
    assert code == 2
    for kind in ("teams", "people", "customers", "contacts"):
        assert kind in out
    code, out = kyc("export", "contacts", "--format", "xml")
    assert code == 2 and "csv" in out and "json" in out
    code, out = kyc("export", "action-items", "--format", "json")
    assert code == 0


def test_the_commands_offer_every_kind_the_services_know() -> None:
    from bot.cli import ExportKind, ImportKind
    from bot.services.export import EXPORTS
    from bot.services.roster_import import KINDS

    assert {k.value for k in ImportKind} == set(KINDS)
    assert {k.value for k in ExportKind} == set(EXPORTS)


def _tables() -> set[str]:
    import sqlite3

    with sqlite3.connect("kyc.db") as conn:  # the fixture's DATABASE_URL, in the cwd
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_downgrading_to_base_asks_first() -> None:
    assert kyc("db", "upgrade")[0] == 0
    result = runner.invoke(app, ["db", "downgrade", "base"], input="n\n")
    assert result.exit_code == 1 and "drops every table and all data" in result.output
    assert "people" in _tables()
    result = runner.invoke(app, ["db", "downgrade", "base"], input="y\n")
    assert result.exit_code == 0 and "people" not in _tables()
    assert kyc("db", "upgrade")[0] == 0
    code, out = kyc("db", "downgrade", "base", "--yes")
    assert code == 0 and "Database downgraded to base" in out
    assert "people" not in _tables()


def test_names_that_look_like_markup_are_printed_as_they_are(tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text(
        "email,name,role,timezone\n[b]dana@x.example,[b]Dana [/] Whitfield,executive,UTC\n"
    )
    (tmp_path / "customers.csv").write_text(
        "external_id,name,executive\nC1,[/],[b]dana@x.example\nC2,[red]Acme[/red],[b]dana@x.example\n"
    )
    for kind in ("people", "customers"):
        code, out = kyc("import", kind, str(tmp_path / f"{kind}.csv"))
        assert code == 0, out
    code, out = kyc("plan", "--dry-run", "--week", "2026-W48")
    assert code == 0, out
    assert "[b]Dana [/] Whitfield" in out
    assert "1. [/]" in out or "2. [/]" in out
    assert "[red]Acme[/red]" in out
    code, out = kyc("report")
    assert code == 0 and "[b]Dana [/] Whitfield" in out
    code, out = kyc("report", "--team", "[/]")
    assert code == 2 and "[/]" in out


def test_errors_stay_on_one_line_when_piped(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    deep = tmp_path / ("a-rather-long-directory-name-" * 3) / "roster"
    deep.mkdir(parents=True)
    people = deep / "people.csv"
    people.write_text((EXAMPLES / "people.csv").read_text())
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "import", "people", str(people)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    start = f"{people}:5: team: unknown team 'Customer Success'"
    assert len(start) > 120
    assert any(line.startswith(start) for line in result.stderr.splitlines()), result.stderr


def test_erasing_a_person_asks_first_says_what_it_did_and_is_done_once() -> None:
    for kind in ("teams", "people", "customers", "contacts"):
        assert kyc("import", kind, str(EXAMPLES / f"{kind}.csv"))[0] == 0
    dana = "dana.whitfield@northwindcloud.example"
    result = runner.invoke(app, ["person", "erase", dana], input="n\n")
    assert result.exit_code == 1 and "cannot be undone" in result.output
    assert "Dana Whitfield" in kyc("plan", "--dry-run", "--week", "2026-W48")[1]

    code, out = kyc("person", "erase", dana, "--yes")
    assert code == 0, out
    assert "Erased person #" in out and "no longer active" in out
    assert "customer(s) still have them as executive" in out
    code, out = kyc("plan", "--dry-run", "--week", "2026-W48")
    assert code == 0 and "Dana Whitfield" not in out and "Erased person" not in out
    code, out = kyc("export", "contacts")
    assert code == 0 and "Dana Whitfield" not in out and dana not in out

    code, out = kyc("person", "erase", dana, "--yes")
    assert code == 0 and "already erased" in out
    code, out = kyc("person", "erase", "nobody@northwindcloud.example", "--yes")
    assert code == 1 and len(out.strip().splitlines()) == 1 and "nobody" in out


def test_outbox_purge_takes_the_retention_days_or_an_explicit_period() -> None:
    code, out = kyc("outbox", "purge")
    assert code == 0 and "older than 90 days purged" in out
    code, out = kyc("outbox", "purge", "--days", "7")
    assert code == 0 and "0 sent message(s) older than 7 days purged" in out
    assert kyc("outbox", "purge", "--days", "0")[0] == 2


DATA = Path(__file__).resolve().parents[1] / "data"


def test_a_crm_export_imports_with_its_preset_and_says_what_it_ignored() -> None:
    companies = str(DATA / "hubspot" / "companies.csv")
    code, out = kyc("import", "customers", companies)
    assert code == 1 and "record id: unknown column" in out and "nothing was imported" in out
    code, out = kyc("import", "customers", companies, "--preset", "hubspot")
    assert code == 0 and "customers: 4 created" in out
    assert f"{companies}: ignored columns: Company owner, Create Date," in out
    code, out = kyc(
        "import", "contacts", str(DATA / "hubspot" / "tickets.csv"), "--preset", "hubspot"
    )
    assert code == 0 and "contacts: 3 created" in out
    code, out = kyc("import", "people", companies, "--preset", "hubspot")
    assert code == 2 and "--preset hubspot reads customers, contacts" in out


def test_map_and_encoding_options(tmp_path: Path) -> None:
    clients = tmp_path / "clients.csv"
    clients.write_bytes(b"Client No;Client\nC-1;Soci\xe9t\xe9 G\xe9n\xe9rale\n")
    code, out = kyc("import", "customers", str(clients), "--map", "Client No")
    assert code == 2 and "use OLD=NEW" in out
    args = ("import", "customers", str(clients), "--map", "Client No=external_id")
    code, out = kyc(*args, "--map", "client=name")
    assert code == 1 and f"{clients}:2: encoding: byte 0xe9 is not utf-8" in out
    code, out = kyc(*args, "--map", "client=name", "--encoding", "cp1252")
    assert code == 0 and "customers: 1 created" in out
    code, out = kyc("export", "contacts", "--excel", "--format", "json")
    assert code == 2 and "--excel is for CSV" in out
    target = tmp_path / "contacts.csv"
    assert kyc("export", "contacts", "--excel", "--output", str(target))[0] == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbfexternal_ref,")


def test_plan_runs_by_the_workspaces_own_settings(tmp_path: Path) -> None:
    import sqlite3

    for kind in ("teams", "people", "customers"):
        assert kyc("import", kind, str(EXAMPLES / f"{kind}.csv"))[0] == 0
    with sqlite3.connect(tmp_path / "kyc.db") as db:  # as App Home → Workspace settings keeps it
        db.execute(
            "UPDATE workspaces SET settings = ? WHERE id = 'T0NORTHWIND'",
            ('{"kyc_weekly_quota": 3, "kyc_declined_comeback_weeks": 2}',),
        )
        db.execute("UPDATE people SET weekly_quota = NULL")  # each follows the workspace
    code, out = kyc("plan", "--dry-run", "--week", "2026-W48")
    assert code == 0 and out.count("0/3") == 4 and "4. " not in out
