"""When a nudge is due: own timezone, odd offsets, DST, workdays, pauses, the catch-up cut-off."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.regimen.calendar import Regimen
from bot.regimen.reminders import off_or_early
from bot.services.morning import due_reason
from bot.settings import load_settings

SETTINGS = load_settings(_env_file=None)  # nudge 08:30, catch-up until 12:00


def reg(
    tz: str,
    *,
    workdays: tuple[int, ...] = (0, 1, 2, 3, 4),
    at: time = time(8, 30),
    paused: date | None = None,
) -> Regimen:
    return Regimen(1, "Dana", ZoneInfo(tz), workdays, at, 5, paused)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("tz", "due_utc", "before_utc"),
    [
        ("America/New_York", utc(2026, 11, 23, 13, 30), utc(2026, 11, 23, 13, 29)),  # EST
        ("America/New_York", utc(2026, 6, 22, 12, 30), utc(2026, 6, 22, 12, 29)),  # EDT
        ("Pacific/Kiritimati", utc(2026, 11, 22, 18, 30), utc(2026, 11, 22, 18, 29)),  # UTC+14
        ("America/St_Johns", utc(2026, 11, 23, 12, 0), utc(2026, 11, 23, 11, 59)),  # UTC-3:30
        ("Asia/Kathmandu", utc(2026, 11, 23, 2, 45), utc(2026, 11, 23, 2, 44)),  # UTC+5:45
    ],
)
def test_the_nudge_is_due_at_half_past_eight_local_wherever_that_is(
    tz: str, due_utc: datetime, before_utc: datetime
) -> None:
    assert due_reason(reg(tz), due_utc, SETTINGS) is None
    assert due_reason(reg(tz), before_utc, SETTINGS) == "before 08:30"


def test_across_the_dst_change_the_local_time_holds() -> None:
    # New York's clocks went back on Sunday 1 Nov 2026: 08:30 is 13:30 UTC after, 12:30 before.
    assert due_reason(reg("America/New_York"), utc(2026, 10, 30, 12, 30), SETTINGS) is None
    assert due_reason(reg("America/New_York"), utc(2026, 11, 2, 12, 30), SETTINGS) == "before 08:30"
    assert due_reason(reg("America/New_York"), utc(2026, 11, 2, 13, 30), SETTINGS) is None


def test_a_nudge_missed_while_down_goes_out_until_the_cut_off_and_not_after() -> None:
    r = reg("Europe/London")
    assert due_reason(r, utc(2026, 11, 23, 11, 59), SETTINGS) is None
    assert due_reason(r, utc(2026, 11, 23, 12, 1), SETTINGS) == "past the 12:00 catch-up cut-off"


def test_workdays_other_than_monday_to_friday() -> None:
    sun_thu = reg("Asia/Jerusalem", workdays=(6, 0, 1, 2, 3))
    assert due_reason(sun_thu, utc(2026, 11, 22, 6, 31), SETTINGS) is None  # Sunday 08:31
    assert due_reason(sun_thu, utc(2026, 11, 27, 6, 31), SETTINGS) == "not a workday"  # Friday


def test_a_paused_day_has_no_nudge_and_the_day_after_does() -> None:
    r = reg("UTC", paused=date(2026, 11, 23))
    assert due_reason(r, utc(2026, 11, 23, 9), SETTINGS) == "paused until 2026-11-23"
    assert due_reason(r, utc(2026, 11, 24, 9), SETTINGS) is None


def test_kiritimati_is_already_monday_while_utc_is_still_sunday() -> None:
    assert due_reason(reg("Pacific/Kiritimati"), utc(2026, 11, 22, 19), SETTINGS) is None
    assert due_reason(reg("Pacific/Honolulu"), utc(2026, 11, 22, 19), SETTINGS) == "not a workday"


# The action-items digest follows the same calendar, without the nudge's catch-up cut-off.


def test_the_items_digest_goes_from_nudge_time_on_a_workday_and_all_day_after() -> None:
    r = reg("America/New_York")
    assert off_or_early(r, utc(2026, 11, 23, 13, 29)) == "before 08:30"
    assert off_or_early(r, utc(2026, 11, 23, 13, 30)) is None
    assert off_or_early(r, utc(2026, 11, 24, 4, 59)) is None  # 23:59 Monday there
    assert off_or_early(r, utc(2026, 11, 28, 15)) == "not a workday"  # Saturday


def test_no_items_digest_on_a_paused_day_and_one_the_day_after() -> None:
    r = reg("UTC", paused=date(2026, 11, 27))
    assert off_or_early(r, utc(2026, 11, 27, 9)) == "paused until 2026-11-27"
    assert off_or_early(r, utc(2026, 11, 30, 9)) is None
