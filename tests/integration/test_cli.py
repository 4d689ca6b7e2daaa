"""The `kyc` command as an admin meets it: clear lines, exit codes, no tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app

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


def test_the_demo_of_a_quarter_ends_with_the_leadership_digest_and_its_chart() -> None:
    code, out = kyc("demo", "--weeks", "3")
    assert code == 0
    assert "the leadership digest" in out and "bytes PNG" in out


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
    assert "Sentiment by month" in page and "2026-10" in page
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
