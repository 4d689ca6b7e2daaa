"""Back to the floor's period arithmetic (bot/regimen/floor.py): months and quarters in the
leader's own calendar, one proposal a period on a working day inside it, missed periods
counted once."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.regimen.calendar import Regimen
from bot.regimen.floor import (
    LEAD_DAYS,
    Cadence,
    ask_due,
    chase_due,
    due_proposal,
    missed_periods,
    next_period,
    period_of,
    propose_day,
    reminder_due,
)

NY = ZoneInfo("America/New_York")


def regimen(
    workdays: tuple[int, ...] = (0, 1, 2, 3, 4),
    paused_until: date | None = None,
    holidays: frozenset[date] = frozenset(),
    tz: ZoneInfo = NY,
) -> Regimen:
    return Regimen(1, "Dana", tz, workdays, time(8, 30), 5, paused_until, holidays)


def test_months_and_quarters() -> None:
    assert period_of(date(2026, 12, 31), Cadence.MONTHLY).key == "2026-12"
    december = period_of(date(2026, 12, 5), Cadence.MONTHLY)
    assert (december.start, december.end, december.label) == (
        date(2026, 12, 1),
        date(2026, 12, 31),
        "December 2026",
    )
    q = period_of(date(2026, 11, 30), Cadence.QUARTERLY)
    assert (q.start, q.end, q.key, q.label) == (
        date(2026, 10, 1),
        date(2026, 12, 31),
        "2026-Q4",
        "2026 Q4",
    )
    assert next_period(q, Cadence.QUARTERLY).key == "2027-Q1"
    assert period_of(date(2028, 2, 10), Cadence.MONTHLY).end == date(2028, 2, 29)


def test_the_first_working_day_early_in_the_period_or_the_preferred_weekday() -> None:
    dec = period_of(date(2026, 12, 1), Cadence.MONTHLY)
    # Set up on Mon 30 Nov: December's first workday at least three days ahead is Thu 3 Dec.
    assert propose_day(dec, regimen(), date(2026, 11, 30)) == date(2026, 12, 3)
    assert propose_day(dec, regimen(), date(2026, 11, 30), weekday=1) == date(2026, 12, 8)
    # Paused through the 10th, and the 11th a holiday: Mon 14 Dec.
    off = regimen(paused_until=date(2026, 12, 10), holidays=frozenset({date(2026, 12, 11)}))
    assert propose_day(dec, off, date(2026, 11, 30)) == date(2026, 12, 14)
    # A weekday the leader never works is passed over.
    assert propose_day(dec, regimen(), date(2026, 11, 30), weekday=6) == date(2026, 12, 3)
    # November is too late on the 30th: December's day is proposed instead.
    found = due_proposal(Cadence.MONTHLY, regimen(), date(2026, 11, 30), set())
    assert found is not None and (found.period.key, found.day) == ("2026-12", date(2026, 12, 3))
    assert due_proposal(Cadence.MONTHLY, regimen(), date(2026, 11, 30), {"2026-12"}) is None


def test_reminders_on_the_last_working_day_before_and_the_question_the_first_after() -> None:
    monday = date(2026, 12, 7)  # the shift; the Friday before is the eve

    def at(day: date, hour: int, minute: int = 0) -> datetime:
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=NY)

    r = regimen()
    assert not reminder_due(r, monday, at(date(2026, 12, 4), 8, 29))
    assert reminder_due(r, monday, at(date(2026, 12, 4), 8, 30))
    assert reminder_due(r, monday, at(date(2026, 12, 6), 20))  # a late tick still reminds
    assert not reminder_due(r, monday, at(monday, 8, 30))
    assert not ask_due(r, monday, at(monday, 18))
    assert not ask_due(r, monday, at(date(2026, 12, 8), 8))
    assert ask_due(r, monday, at(date(2026, 12, 8), 8, 30))


def test_an_unanswered_proposal_is_chased_on_the_hosts_second_working_day_after_it() -> None:
    """Proposed Thursday 3 Dec: Friday is the first working day after, Monday the second (the
    weekend skipped); from the host's nudge time, while the shift (Tue 15 Dec) is ahead."""

    def at(day: date, hour: int, minute: int = 0) -> datetime:
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=NY)

    r = regimen()
    proposed = at(date(2026, 12, 3), 10)
    shift = date(2026, 12, 15)
    assert not chase_due(r, proposed, shift, at(date(2026, 12, 4), 12))
    assert not chase_due(r, proposed, shift, at(date(2026, 12, 6), 12))  # Sunday
    assert not chase_due(r, proposed, shift, at(date(2026, 12, 7), 8, 29))
    assert chase_due(r, proposed, shift, at(date(2026, 12, 7), 8, 30))
    assert chase_due(r, proposed, shift, at(date(2026, 12, 14), 20))
    assert not chase_due(r, proposed, shift, at(shift, 9))  # the day came: too late
    on_holiday = regimen(holidays=frozenset({date(2026, 12, 7)}))
    assert not chase_due(on_holiday, proposed, shift, at(date(2026, 12, 7), 9))
    assert chase_due(on_holiday, proposed, shift, at(date(2026, 12, 8), 9))


def test_a_missed_quarter_is_counted_once_and_a_done_one_not_at_all() -> None:
    r = regimen()
    started = date(2026, 6, 20)  # mid-Q2: Q2 is not held unless a shift was proposed for it
    missed = missed_periods(Cadence.QUARTERLY, r, started, date(2027, 1, 2), {"2026-Q4"})
    assert [p.key for p in missed] == ["2026-Q3"]
    with_q2 = missed_periods(
        Cadence.QUARTERLY, r, started, date(2027, 1, 2), {"2026-Q4"}, proposed={"2026-Q2"}
    )
    assert [p.key for p in with_q2] == ["2026-Q2", "2026-Q3"]
    # Stopped in Q4: Q4 is not held; a fully paused quarter is nobody's miss.
    stopped = missed_periods(
        Cadence.QUARTERLY, r, started, date(2027, 4, 2), set(), stopped_on=date(2026, 11, 1)
    )
    assert [p.key for p in stopped] == ["2026-Q3"]
    paused = regimen(paused_until=date(2026, 9, 30))
    assert missed_periods(Cadence.QUARTERLY, paused, started, date(2026, 10, 2), set()) == []


workdays = st.sets(st.integers(0, 6), min_size=1).map(lambda s: tuple(sorted(s)))
days = st.dates(date(2025, 1, 1), date(2028, 12, 31))


@settings(max_examples=60, deadline=None)
@given(
    cadence=st.sampled_from(list(Cadence)),
    week=workdays,
    start=days,
    weekday=st.none() | st.integers(0, 6),
    pause=st.none() | st.integers(0, 120),
    holidays=st.frozensets(days, max_size=30),
)
def test_over_a_year_each_period_gets_exactly_one_proposal_inside_it_on_a_workday(
    cadence: Cadence,
    week: tuple[int, ...],
    start: date,
    weekday: int | None,
    pause: int | None,
    holidays: frozenset[date],
) -> None:
    """A year of daily ticks: at most one proposal a period, each on a working day of the
    leader inside its period and at least LEAD_DAYS ahead; every period that has a working day
    LEAD_DAYS after its first day gets one."""
    r = regimen(week, start + timedelta(days=pause) if pause is not None else None, holidays)
    proposed: dict[str, date] = {}
    today = start
    end = start + timedelta(days=400)
    while today <= end:
        found = due_proposal(cadence, r, today, proposed.keys(), weekday)
        if found is not None:
            assert found.period.key not in proposed
            assert found.period.start <= found.day <= found.period.end
            assert r.is_workday(found.day)
            assert found.day >= today + timedelta(days=LEAD_DAYS)
            proposed[found.period.key] = found.day
        today += timedelta(days=1)
    period = next_period(period_of(start, cadence), cadence)
    while period.end <= end:
        fits = any(
            r.is_workday(d) for d in period.days() if d >= period.start + timedelta(days=LEAD_DAYS)
        )
        if fits:
            assert period.key in proposed, period
        period = next_period(period, cadence)


@settings(max_examples=60, deadline=None)
@given(
    cadence=st.sampled_from(list(Cadence)),
    week=workdays,
    start=days,
    done_share=st.integers(0, 3),
    later=st.integers(0, 800),
)
def test_missed_periods_are_ended_held_not_done_each_once_and_never_unmissed(
    cadence: Cadence, week: tuple[int, ...], start: date, done_share: int, later: int
) -> None:
    r = regimen(week)
    today = start + timedelta(days=later)
    every: list[str] = []
    period = period_of(start, cadence)
    while period.start <= today:
        every.append(period.key)
        period = next_period(period, cadence)
    done = {k for i, k in enumerate(every) if done_share and i % (done_share + 1) == 0}
    missed = missed_periods(cadence, r, start, today, done)
    keys = [p.key for p in missed]
    assert len(keys) == len(set(keys))
    for p in missed:
        assert p.end < today and p.key not in done and p.start >= start
    # A day later, what was missed stays missed (counted once, never taken back).
    tomorrow = missed_periods(cadence, r, start, today + timedelta(days=1), done)
    assert keys == [p.key for p in tomorrow][: len(keys)]


def test_the_edges_of_periods_reminders_and_misses() -> None:
    """Mutation testing's gaps: a period's days run to its last; no working day in the two
    weeks before a shift means no reminder; a proposal's day is the host's own; a leader off
    for over a year is asked the day after and never chased; the commitment is held from its
    first day and not if stopped on the last; a monthly commitment counts months from its
    first."""
    from bot.regimen.floor import held_for

    def at(day: date, hour: int, minute: int = 0) -> datetime:
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=NY)

    feb = period_of(date(2026, 2, 10), Cadence.MONTHLY)
    assert len(feb.days()) == 28 and feb.days()[-1] == date(2026, 2, 28)
    # Shift Tuesday 22 Dec; the 14 days before are holidays (the Monday 15 days before is not).
    shift = date(2026, 12, 22)
    away = regimen(holidays=frozenset(shift - timedelta(days=n) for n in range(1, 15)))
    assert not reminder_due(away, shift, at(date(2026, 12, 7), 9))
    assert not reminder_due(away, shift, at(date(2026, 12, 21), 9))
    # Proposed Monday 7 Dec 21:00 in New York (Tuesday 02:00 UTC): the host's second working
    # day after is Wednesday 9 Dec, not Thursday.
    proposed = datetime(2026, 12, 8, 2, tzinfo=ZoneInfo("UTC"))
    assert chase_due(regimen(), proposed, date(2026, 12, 18), at(date(2026, 12, 9), 8, 30))
    # Paused for two years from the shift: no working day ahead within a year.
    long_pause = regimen(paused_until=shift + timedelta(days=730))
    assert not ask_due(long_pause, shift, at(shift, 18))
    assert not ask_due(long_pause, shift, at(date(2026, 12, 23), 8, 29))
    assert ask_due(long_pause, shift, at(date(2026, 12, 23), 8, 30))
    assert not chase_due(long_pause, at(shift, 9), date(2027, 1, 5), at(date(2027, 1, 4), 9))
    assert held_for(feb, date(2026, 2, 1), None, proposed=False)
    assert not held_for(feb, date(2026, 1, 1), date(2026, 2, 28), proposed=False)
    assert held_for(feb, date(2026, 1, 1), date(2026, 3, 1), proposed=False)
    missed = missed_periods(Cadence.MONTHLY, regimen(), date(2026, 2, 1), date(2026, 5, 2), ())
    assert [p.key for p in missed] == ["2026-02", "2026-03", "2026-04"]
