"""Days and times shown to a person are in their own timezone, not UTC: a call logged at
23:30 in New York on Tue 1 Dec is 04:30 UTC on Wed 2 Dec, and must read "Tue 1 Dec"."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from bot.regimen.brief import build_brief
from bot.regimen.calendar import zone
from bot.regimen.meetings import brief_lines
from bot.regimen.recap import recap_email
from bot.regimen.types import (
    Brief,
    Channel,
    ContactKind,
    ContactRecord,
    CustomerProfile,
    DoneItem,
    ExecutiveProfile,
    RecapCall,
)
from bot.services.meetings.common import when_text
from bot.settings import Settings
from bot.views.brief_modal import build_brief_modal
from bot.views.nudge import last_call_line

LATE_IN_NEW_YORK = datetime(2026, 12, 2, 4, 30, tzinfo=UTC)  # Tue 1 Dec 23:30 in New York
NOW = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)
ACME = CustomerProfile(customer_id=1, name="ACME")
DANA = ExecutiveProfile(name="Dana Whitfield", timezone="America/New_York")


def _brief(executive: ExecutiveProfile = DANA) -> Brief:
    return build_brief(
        customer=ACME,
        contacts=[
            ContactRecord(
                occurred_at=LATE_IN_NEW_YORK,
                kind=ContactKind.REACTIVE,
                channel=Channel.EMAIL,
                summary="late email",
            ),
            ContactRecord(
                occurred_at=datetime(2026, 11, 28, 4, 30, tzinfo=UTC),  # Fri 27 Nov NY
                kind=ContactKind.PROACTIVE,
                channel=Channel.CALL,
                criticism="slow invoices",
            ),
        ],
        open_items=[],
        executive=executive,
        now=NOW,
        done_items=[DoneItem("fixed the invoice", LATE_IN_NEW_YORK)],
    )


def _text(view: dict[str, Any]) -> str:
    return str(view)


def test_the_brief_shows_the_executives_own_days() -> None:
    b = _brief()
    assert last_call_line(b).startswith("Last call Fri 27 Nov 2026")
    shown = _text(build_brief_modal(b))
    assert "_Fri 27 Nov 2026 · " in shown  # what they said lately
    assert "done Tue 1 Dec 2026" in shown  # the done item, 23:30 in New York
    assert "Tue 1 Dec 2026 email" in shown  # the reactive contact since
    assert "Wed 2 Dec" not in shown and "Sat 28 Nov" not in shown


def test_the_same_brief_for_an_executive_in_london_shows_london_days() -> None:
    b = _brief(ExecutiveProfile(name="Lou", timezone="Europe/London"))
    shown = _text(build_brief_modal(b))
    assert "done Wed 2 Dec 2026" in shown
    assert "Sat 28 Nov 2026" in shown


def test_the_meeting_preparation_lines_are_in_the_attendees_zone() -> None:
    b = _brief()  # built with the organiser (New York)
    ny = brief_lines(b, today=date(2026, 12, 2), tz=zone("America/New_York"))
    london = brief_lines(b, today=date(2026, 12, 2), tz=zone("Europe/London"))
    assert any(line.startswith("Last proactive contact: Fri 27 Nov 2026") for line in ny)
    assert any(line.startswith("Since then, email on 1 Dec") for line in ny)
    assert any(line.startswith("Last proactive contact: Sat 28 Nov 2026") for line in london)
    assert any(line.startswith("Since then, email on 2 Dec") for line in london)


def test_the_meeting_time_is_the_readers_with_the_organisers_in_brackets() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    starts = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # 10:00 in New York, 15:00 in London
    organiser = "America/New_York"
    assert when_text(starts, organiser, settings) == "Tue 1 Dec 2026 10:00 America/New_York"
    assert (
        when_text(starts, organiser, settings, zone("America/New_York"))
        == "Tue 1 Dec 2026 10:00 America/New_York"
    )
    assert (
        when_text(starts, organiser, settings, zone("Europe/London"))
        == "Tue 1 Dec 2026 15:00 Europe/London (10:00 America/New_York)"
    )
    late = datetime(2026, 12, 2, 4, 30, tzinfo=UTC)  # Tue 23:30 in New York, Wed in Tokyo
    assert (
        when_text(late, organiser, settings, zone("Asia/Tokyo"))
        == "Wed 2 Dec 2026 13:30 Asia/Tokyo (Tue 1 Dec 23:30 America/New_York)"
    )


def test_the_recap_email_recalls_the_call_on_the_executives_day() -> None:
    email = recap_email(
        customer=ACME,
        executive=DANA,
        call=RecapCall(occurred_at=LATE_IN_NEW_YORK, summary="Renewal"),
        now=NOW,  # Wed 2 Dec 09:00 in New York: the call was yesterday evening
    )
    assert "speak with me on Tuesday 1 December" in email.body
