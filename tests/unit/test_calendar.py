"""The clock: workdays, ISO weeks, wall times across DST, tenure."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.regimen.calendar import (
    add_business_days,
    format_workdays,
    is_paused,
    iso_week_of,
    later_today,
    local_instant,
    local_now,
    next_workdays,
    parse_iso_week,
    parse_workdays,
    tenure_span,
    tenure_text,
    week_fully_paused,
    week_monday,
    workdays_in_week,
    zone,
)

NEW_YORK = zone("America/New_York")


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon-fri", (0, 1, 2, 3, 4)),
        ("sun-thu", (0, 1, 2, 3, 6)),
        ("mon,wed", (0, 2)),
        ("Mon, Wed , fri", (0, 2, 4)),
        ("fri-mon", (0, 4, 5, 6)),
        ("monday-tuesday", (0, 1)),
        ("sat", (5,)),
        ("mon,,wed,", (0, 2)),  # an empty item is skipped, not the end of the list
    ],
)
def test_workdays_are_parsed_from_ranges_and_lists(text: str, days: tuple[int, ...]) -> None:
    assert parse_workdays(text) == days


def test_workdays_round_trip_through_their_text() -> None:
    assert format_workdays(parse_workdays("sun-thu")) == "mon,tue,wed,thu,sun"
    assert parse_workdays(format_workdays((1, 3))) == (1, 3)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no workdays given"),
        (" , ", "no workdays given"),
        ("funday", "unknown weekday 'funday'"),
        ("mon-xyz", "unknown weekday 'xyz'"),
        ("mon-", "unknown weekday ''"),
    ],
)
def test_bad_workdays_say_what_was_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_workdays(text)


def test_an_unknown_timezone_names_itself() -> None:
    with pytest.raises(ValueError, match="unknown timezone 'Mars/Olympus'"):
        zone("Mars/Olympus")


def test_iso_weeks_follow_the_iso_calendar_across_year_ends() -> None:
    assert iso_week_of(date(2026, 1, 1)) == "2026-W01"
    assert iso_week_of(date(2027, 1, 1)) == "2026-W53"  # 2026 has 53 ISO weeks
    assert iso_week_of(date(2024, 12, 30)) == "2025-W01"
    assert parse_iso_week("2026-w48") == (2026, 48)
    assert week_monday("2026-W48") == date(2026, 11, 23)
    assert week_monday("2026-W53") == date(2026, 12, 28)


@pytest.mark.parametrize("text", ["2025-W53", "2026-W00", "2026-48", "W48", "2026-Wxx", ""])
def test_bad_iso_weeks_raise(text: str) -> None:
    with pytest.raises(ValueError, match="bad ISO week"):
        parse_iso_week(text)


def test_workdays_in_a_week_respect_the_executives_days() -> None:
    assert workdays_in_week("2026-W48", (6, 0, 1, 2, 3)) == [
        date(2026, 11, 23),
        date(2026, 11, 24),
        date(2026, 11, 25),
        date(2026, 11, 26),
        date(2026, 11, 29),
    ]


def test_a_pause_includes_its_last_day() -> None:
    assert is_paused(date(2026, 12, 28), date(2026, 12, 28))
    assert not is_paused(date(2026, 12, 29), date(2026, 12, 28))
    assert not is_paused(date(2026, 12, 29), None)
    assert week_fully_paused("2026-W48", (0, 1, 2, 3, 4), date(2026, 11, 27))
    assert not week_fully_paused("2026-W48", (0, 1, 2, 3, 4), date(2026, 11, 26))
    assert not week_fully_paused("2026-W48", (), date(2026, 11, 30))


def test_a_wall_time_skipped_by_spring_forward_moves_on() -> None:
    moment = local_instant(date(2026, 3, 8), time(2, 30), NEW_YORK)
    assert (moment.hour, moment.minute) == (3, 30)
    assert moment.tzname() == "EDT"
    assert moment.astimezone(UTC).hour == 7


def test_wall_times_either_side_of_a_dst_change_keep_their_local_hour() -> None:
    before = local_instant(date(2026, 10, 30), time(10), NEW_YORK)
    after = local_instant(date(2026, 11, 2), time(10), NEW_YORK)
    assert (before.hour, before.tzname(), before.astimezone(UTC).hour) == (10, "EDT", 14)
    assert (after.hour, after.tzname(), after.astimezone(UTC).hour) == (10, "EST", 15)
    # The repeated hour of fall-back resolves to its first occurrence (daylight time).
    repeated = local_instant(date(2026, 11, 1), time(1, 30), NEW_YORK)
    assert repeated.utcoffset() == timedelta(hours=-4)


def test_odd_offset_zones_are_honoured() -> None:
    kathmandu = local_instant(date(2026, 11, 24), time(10), zone("Asia/Kathmandu"))
    assert kathmandu.utcoffset() == timedelta(hours=5, minutes=45)
    st_johns = local_instant(date(2026, 1, 15), time(10), zone("America/St_Johns"))
    assert st_johns.utcoffset() == -timedelta(hours=3, minutes=30)


def test_next_workdays_are_strictly_after_the_day() -> None:
    friday = date(2026, 11, 27)
    assert next_workdays(friday, (0, 1, 2, 3, 4), 2) == [date(2026, 11, 30), date(2026, 12, 1)]
    thursday = date(2026, 11, 26)
    assert next_workdays(thursday, (6, 0, 1, 2, 3), 2) == [date(2026, 11, 29), date(2026, 11, 30)]
    assert next_workdays(friday, (4,), 1) == [date(2026, 12, 4)]
    assert next_workdays(friday, (0,), 0) == []


def test_business_days_skip_the_weekend() -> None:
    assert add_business_days(date(2026, 11, 27), 1) == date(2026, 11, 30)
    assert add_business_days(date(2026, 11, 27), 0) == date(2026, 11, 27)


@pytest.mark.parametrize(
    ("since", "today", "text"),
    [
        (date(2020, 3, 10), date(2026, 11, 24), "customer for 6 years, since March 2020"),
        (date(2020, 11, 25), date(2026, 11, 24), "customer for 5 years, since November 2020"),
        (date(2025, 11, 24), date(2026, 11, 24), "customer for 1 year, since November 2025"),
        (date(2026, 10, 24), date(2026, 11, 24), "customer for 1 month, since October 2026"),
        (
            date(2026, 1, 31),
            date(2026, 2, 28),
            "customer for less than a month, since January 2026",
        ),
        (
            date(2026, 11, 24),
            date(2026, 11, 24),
            "customer for less than a month, since November 2026",
        ),
        (
            date(2027, 1, 1),
            date(2026, 11, 24),
            "customer for less than a month, since January 2027",
        ),
    ],
)
def test_tenure_text(since: date, today: date, text: str) -> None:
    assert tenure_text(since, today) == text


def test_tenure_span_counts_whole_months_below_a_year() -> None:
    assert tenure_span(date(2026, 1, 15), date(2026, 12, 14)) == "10 months"
    assert tenure_span(date(2026, 1, 15), date(2027, 1, 15)) == "1 year"


def test_local_time_refuses_a_naive_instant() -> None:
    with pytest.raises(ValueError, match=r"^now must be timezone-aware$"):
        local_now(datetime(2026, 11, 23, 9, 0), NEW_YORK)
    assert local_now(datetime(2026, 11, 23, 14, 0, tzinfo=UTC), NEW_YORK).hour == 9


@given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31)))
def test_later_today_offers_only_half_hours_ahead_and_not_after_nine(local: datetime) -> None:
    offered = later_today(local)
    now = local.time()
    for at in offered:
        assert at.minute in (0, 30) and at <= time(21, 0)
        ahead = (at.hour * 60 + at.minute) - (now.hour * 60 + now.minute)
        assert ahead >= 15  # never a time about to pass
    assert offered == sorted(set(offered))
    if now < time(20, 0):
        assert offered  # there is always a choice before the evening


def test_later_today_at_half_past_eight_starts_at_nine() -> None:
    offered = later_today(datetime(2026, 11, 23, 8, 31))
    assert offered[0] == time(9, 0) and offered[-1] == time(21, 0) and len(offered) == 25
