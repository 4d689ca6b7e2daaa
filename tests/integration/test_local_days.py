"""Days read in the reader's (or the workspace's) timezone, not UTC (both engines): a
customer's history, its open complaints, the quarter of recurring themes and the day of a
key customer's last formal meeting. 23:30 in New York on Tue 1 Dec is 04:30 UTC on Wed 2."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.regimen.types import Channel, RecoveryStatus
from bot.services import theme_figures
from bot.services.history import _page
from bot.services.key_customers import key_customers_due
from bot.services.report import build_report
from bot.services.stats import figures
from bot.settings import load_settings
from bot.views.history import build_history_modal
from storage.db import Database
from storage.models import Recovery
from tests import factories as f
from tests.factories import utc

NEW_YORK = ZoneInfo("America/New_York")
LATE = utc(2026, 12, 2, 4, 30)  # Tue 1 Dec 23:30 in New York


async def test_the_history_shows_the_readers_days(db: Database) -> None:
    async with db.unit_of_work() as s:
        dana = await f.executive(s, "Dana")
        acme = await f.customer(s, dana, "Acme", key=True)
        complaint = await f.contact(s, acme, LATE, summary="Late call")
        s.add(
            Recovery(
                workspace_id=f.WS,
                customer_id=acme.id,
                complaint_contact_id=complaint.id,
                executive_id=dana.id,
                complained_at=LATE,
                offered_at=LATE + timedelta(hours=1),  # 00:30 on Wed in New York
                status=RecoveryStatus.OFFERED,
                created_at=LATE,
            )
        )
    async with db.unit_of_work() as s:
        in_new_york = str(build_history_modal(await _page(s, acme, 0, NEW_YORK)))
        in_kolkata = str(build_history_modal(await _page(s, acme, 0, ZoneInfo("Asia/Kolkata"))))
    assert "*Tue 1 Dec 2026 · " in in_new_york
    assert "Complaint of Tue 1 Dec 2026 offered to Dana since Wed 2 Dec 2026" in in_new_york
    assert "*Wed 2 Dec 2026 · " in in_kolkata  # 10:00 on Wednesday in Kolkata
    assert "Complaint of Wed 2 Dec 2026 offered to Dana since Wed 2 Dec 2026" in in_kolkata


async def test_the_themes_quarter_turns_on_the_workspaces_timezone(db: Database) -> None:
    settings = load_settings(_env_file=None, kyc_default_timezone="America/New_York")
    now = utc(2027, 1, 1, 4)  # Thu 31 Dec 2026 23:00 in New York: still 2026Q4 there
    async with db.unit_of_work() as s:
        await f.executive(s, "Dana")
        s.add_all(
            [
                f.theme_candidate("product", utc(2027, 1, 1, 3)),  # 31 Dec 22:00 in New York: Q4
                f.theme_candidate("process", utc(2026, 10, 1, 2)),  # 30 Sep 22:00 in New York: Q3
            ]
        )
    async with db.unit_of_work() as s:
        q = await theme_figures.quarter(s, f.WS, now, settings.kyc_default_timezone)
    assert (q.quarter, q.raised) == ("2026Q4", 1)
    report = await build_report(db, settings, f.WS, now=now)
    assert (report.themes_quarter.quarter, report.themes_quarter.raised) == ("2026Q4", 1)


async def test_a_key_customers_last_meeting_is_the_readers_day(db: Database) -> None:
    async with db.unit_of_work() as s:
        dana = await f.executive(s, "Dana")
        acme = await f.customer(s, dana, "Acme", key=True)
        await f.contact(s, acme, utc(2025, 10, 2, 3, 30), channel=Channel.MEETING)
    now = utc(2026, 12, 2, 15)
    async with db.unit_of_work() as s:
        (line,) = await key_customers_due(s, f.WS, now, tz=NEW_YORK)
        (utc_line,) = await key_customers_due(s, f.WS, now)
    assert str(line.last_meeting) == "2025-10-01"  # 1 Oct 23:30 in New York (EDT)
    assert str(utc_line.last_meeting) == "2025-10-02"


async def test_the_longest_without_a_call_is_dated_on_the_executives_day(db: Database) -> None:
    async with db.unit_of_work() as s:
        dana = await f.executive(s, "Dana", timezone="America/New_York")
        acme = await f.customer(s, dana, "Acme")
        await f.contact(s, acme, LATE)
    async with db.unit_of_work() as s:
        (fig,) = await figures(s, load_settings(_env_file=None), f.WS, [dana], now=LATE)
    assert str(fig.longest_without_since) == "2026-12-01"
