"""`kyc report` on a fixed data set (both engines), the numbers hand-computed: the terminal's
lines after the executives' table (the week's quotes instead of word counts, the quarter's
themes, each leader's back-to-the-floor record) and the HTML page's same figures; a team's
report keeps its own leaders only."""

from __future__ import annotations

from datetime import date, timedelta

from bot.services.report import build_report
from bot.settings import load_settings
from bot.views.digest import build_html
from bot.views.report_text import floor_lines, said_lines, themes_lines
from storage.db import Database
from storage.models import FloorCommitment, FloorShift
from tests import factories as f
from tests.factories import utc

SETTINGS = load_settings(_env_file=None)
NOW = utc(2026, 11, 25, 15)  # Wednesday of 2026-W48, in 2026Q4


async def _fixed(db: Database) -> None:
    async with db.unit_of_work() as s:
        cs = await f.team(s, "Customer Success")
        support = await f.team(s, "Support")
        dana = await f.executive(s, "Dana", team_id=cs.id)
        raj = await f.executive(s, "Raj", team_id=support.id)
        acme, globex = [await f.customer(s, dana, n) for n in ("Acme", "Globex")]
        await f.contact(s, acme, NOW - timedelta(days=3), criticism="Invoices  late\n again")
        await f.contact(s, globex, NOW - timedelta(days=1), stressed_areas="Month-end close")
        await f.contact(s, acme, NOW - timedelta(days=9), criticism="Too old to quote")
        # said after the week reported on (`kyc report --week` of a past week): not quoted
        await f.contact(s, globex, NOW + timedelta(days=2), criticism="Said next week")
        s.add_all(
            [
                f.theme_candidate("product", utc(2026, 9, 20), utc(2026, 10, 2), utc(2026, 11, 15)),
                f.theme_candidate("process", utc(2026, 10, 5)),
                f.theme_candidate("policy", utc(2026, 11, 3), utc(2026, 11, 24)),
            ]
        )
        # Dana: monthly since September; September's shift done, October none (missed),
        # November not over; December's confirmed for Tue 1 Dec.
        held = FloorCommitment(
            workspace_id=f.WS,
            executive_id=dana.id,
            cadence="monthly",
            place="support queue",
            host_team_id=cs.id,
            started_on=date(2026, 8, 20),
        )
        # Raj: quarterly since mid-March, never on the floor: Q2 and Q3 missed.
        raj_held = FloorCommitment(
            workspace_id=f.WS,
            executive_id=raj.id,
            cadence="quarterly",
            place="shop floor",
            host_team_id=support.id,
            started_on=date(2026, 3, 15),
        )
        s.add_all([held, raj_held])
        await s.flush()
        for period, day, status in (
            ("2026-09", date(2026, 9, 8), "done"),
            ("2026-12", date(2026, 12, 1), "confirmed"),
        ):
            s.add(
                FloorShift(
                    workspace_id=f.WS,
                    commitment_id=held.id,
                    executive_id=dana.id,
                    period=period,
                    day=day,
                    status=status,
                    place="support queue",
                    host_team_id=cs.id,
                )
            )


DANA = (
    "Dana — Monthly at the support queue with Customer Success · 1 shift done · 1 month "
    "missed (October 2026) · next Tue 1 Dec 2026 (confirmed)"
)
RAJ = (
    "Raj — Quarterly at the shop floor with Support · 0 shifts done · 2 quarters missed "
    "(2026 Q2, 2026 Q3)"
)


async def test_report_lines_quote_customers_and_show_themes_and_the_floor(db: Database) -> None:
    await _fixed(db)
    report = await build_report(db, SETTINGS, f.WS, now=NOW)
    assert said_lines(report) == [
        "What customers said this week:",
        "  “Month-end close” — Globex (stressed)",
        "  “Invoices late again” — Acme (criticism)",
    ]
    # raised in Q4: process, policy; acted on in Q4: product, policy; done: product
    assert themes_lines(report) == [
        "Customer themes 2026Q4: 2 raised · 2 acted on · 1 done",
        "Acted on this quarter: Product, Policy",
    ]
    assert floor_lines(report) == ["Back to the floor:", f"  {RAJ}", f"  {DANA}"]

    page = build_html(report, b"png")
    assert "<b>Customer themes 2026Q4:</b> 2 raised · 2 acted on · 1 done" in page
    assert (
        "<tr><td>Dana</td><td>Monthly at the support queue with Customer Success</td>"
        "<td>1</td><td>1 (October 2026)</td><td>Tue 1 Dec 2026 (confirmed)</td></tr>"
    ) in page
    assert "<td>Raj</td>" in page and "<td>2 (2026 Q2, 2026 Q3)</td>" in page


async def test_a_teams_report_keeps_its_own_leaders(db: Database) -> None:
    await _fixed(db)
    report = await build_report(db, SETTINGS, f.WS, now=NOW, team="Support")
    assert floor_lines(report) == ["Back to the floor:", f"  {RAJ}"]
    # Customer Success's customers said it, and the themes are nobody's team: not Support's.
    assert said_lines(report) == ["What customers said this week: nothing written down."]
    assert report.themes_quarter is not None and report.themes_quarter.raised == 0


async def test_nothing_said_and_no_leader_on_the_floor(db: Database) -> None:
    async with db.unit_of_work() as s:
        await f.executive(s, "Dana")
    report = await build_report(db, SETTINGS, f.WS, now=NOW)
    assert said_lines(report) == ["What customers said this week: nothing written down."]
    assert floor_lines(report) == []
    assert "No leader keeps a back-to-the-floor shift." in build_html(report, b"png")
