"""One rule for "does the regimen run today for this person": their weekdays, less a pause,
less the company holidays that apply to them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.regimen.calendar import CompanyHoliday, Regimen, holidays_for
from bot.regimen.reminders import OpenItem, chase, off_or_early
from tests.factories import utc

MON = date(2026, 11, 23)
THU = MON + timedelta(days=3)  # Thanksgiving
REG = Regimen(1, "Mo", ZoneInfo("UTC"), (0, 1, 2, 3, 4), time(8, 30), 5, None)


def test_a_holiday_and_a_paused_day_are_off_like_a_weekend() -> None:
    reg = replace(REG, holidays=frozenset({THU}), paused_until=MON)
    assert reg.off_reason(MON) == f"paused until {MON}"
    assert reg.off_reason(THU) == "a company holiday"
    assert reg.off_reason(MON + timedelta(days=5)) == "not a workday"
    assert [d.day for d in reg.workdays_in_week("2026-W48")] == [24, 25, 27]
    assert reg.next_workdays(MON, 3) == [date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 27)]


def test_a_country_holiday_is_off_only_for_the_people_of_that_country() -> None:
    cal = [CompanyHoliday(THU, "Thanksgiving", "US"), CompanyHoliday(MON, "Offsite")]
    assert holidays_for(cal, "us") == {THU, MON}
    assert holidays_for(cal, "GB") == {MON}
    assert holidays_for(cal, None) == {MON}


def test_no_digest_on_a_holiday_and_the_next_workday_is_normal() -> None:
    reg = replace(REG, holidays=frozenset({THU}))
    assert off_or_early(reg, utc(2026, 11, 26, 9, 0)) == "a company holiday"
    assert off_or_early(reg, utc(2026, 11, 27, 9, 0)) is None


def test_escalation_counts_business_days_and_skips_a_holiday() -> None:
    item = OpenItem(due_on=MON, created_on=MON, reminded_on=MON)
    # Tuesday to Friday: four workdays, but Thursday is a holiday.
    plain = chase(item, MON + timedelta(days=4), REG, escalate_after=4)
    assert plain is not None and plain.overdue_workdays == 4 and plain.escalate
    holiday = replace(REG, holidays=frozenset({THU}))
    found = chase(item, MON + timedelta(days=4), holiday, escalate_after=4)
    assert found is not None and found.overdue_workdays == 3 and not found.escalate


def test_a_week_of_holidays_has_no_batch_but_a_week_with_one_workday_does() -> None:
    week = {MON + timedelta(days=i) for i in range(5)}
    assert replace(REG, holidays=frozenset(week)).week_off("2026-W48")
    assert not replace(REG, holidays=frozenset(week - {THU})).week_off("2026-W48")


@given(
    st.sets(st.dates(date(2026, 11, 1), date(2027, 1, 31)), max_size=20),
    st.none() | st.dates(date(2026, 11, 1), date(2027, 1, 31)),
    st.dates(date(2026, 11, 1), date(2026, 12, 31)),
    st.integers(0, 40),
)
def test_working_days_between_are_those_the_rule_calls_working(
    days_off: set[date], paused: date | None, start: date, span: int
) -> None:
    reg = replace(REG, holidays=frozenset(days_off), paused_until=paused)
    end = start + timedelta(days=span)
    expected = sum(reg.is_workday(start + timedelta(days=i)) for i in range(1, span + 1))
    assert reg.workdays_between(start, end) == expected
    assert all(d not in days_off and d.weekday() < 5 for d in reg.next_workdays(start, 5))
