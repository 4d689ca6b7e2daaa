"""Back to the floor: a leader's recurring shift doing the front-line work themselves (shop
floor, call centre, support queue), monthly or quarterly. The period arithmetic, in the
leader's own calendar: which period a day is in, which day to propose, when to remind, when to
ask what they learned, and which periods were missed.

A period is a calendar month or quarter of the leader's local dates. One proposal a period (the
caller keys proposals by `Period.key`); the day proposed is the leader's first working day
(Regimen.off_reason: their weekdays, less a pause, less company holidays) at least LEAD_DAYS
ahead, on their preferred weekday when one is set and fits. When the current period has no such
day left, the next period's is proposed instead. A period counts as missed once it has ended with
no shift done, if the commitment was held for it (it began before the period, or a shift was
proposed for it) and it had a working day."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from bot.regimen.calendar import Regimen, local_now


class Cadence(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"

    @property
    def label(self) -> str:
        return "Monthly" if self is Cadence.MONTHLY else "Quarterly"

    @property
    def noun(self) -> str:
        return "month" if self is Cadence.MONTHLY else "quarter"


class ShiftStatus(StrEnum):
    PROPOSED = "proposed"  # waiting for the host lead
    MOVED = "moved"  # the host proposed another day: waiting for the leader
    CONFIRMED = "confirmed"
    DONE = "done"  # the leader told what they did and learned
    CANCELLED = "cancelled"  # the commitment was stopped before the day

    @property
    def is_open(self) -> bool:
        return self in (ShiftStatus.PROPOSED, ShiftStatus.MOVED, ShiftStatus.CONFIRMED)


LEAD_DAYS = 3  # the host lead has at least this many days to confirm a proposed day
PLACES = ("shop floor", "call centre", "support queue", "production line", "warehouse")


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # inclusive
    key: str  # "2026-12" (a month) or "2026-Q4" (a quarter)

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    @property
    def label(self) -> str:
        if "Q" in self.key:
            return self.key.replace("-", " ")
        return self.start.strftime("%B %Y")


def _month_end(year: int, month: int) -> date:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return following - timedelta(days=1)


def period_of(day: date, cadence: Cadence) -> Period:
    if cadence is Cadence.MONTHLY:
        return Period(
            date(day.year, day.month, 1),
            _month_end(day.year, day.month),
            f"{day.year}-{day.month:02d}",
        )
    quarter = (day.month - 1) // 3
    first = quarter * 3 + 1
    return Period(
        date(day.year, first, 1), _month_end(day.year, first + 2), f"{day.year}-Q{quarter + 1}"
    )


def next_period(period: Period, cadence: Cadence) -> Period:
    return period_of(period.end + timedelta(days=1), cadence)


def propose_day(
    period: Period, regimen: Regimen, today: date, weekday: int | None = None
) -> date | None:
    """The leader's first working day in `period` at least LEAD_DAYS after `today` (their
    preferred weekday's first, when one fits); None when the period has no such day."""
    earliest = max(period.start, today + timedelta(days=LEAD_DAYS))
    days = [d for d in period.days() if d >= earliest and regimen.is_workday(d)]
    if weekday is not None:
        preferred = [d for d in days if d.weekday() == weekday]
        if preferred:
            return preferred[0]
    return days[0] if days else None


@dataclass(frozen=True)
class Proposal:
    period: Period
    day: date


def due_proposal(
    cadence: Cadence,
    regimen: Regimen,
    today: date,
    proposed: Iterable[str],
    weekday: int | None = None,
) -> Proposal | None:
    """What to propose on `today` (the leader's local date), given the keys of the periods
    proposed already: the current period's day, else (none left in it) the next period's."""
    done = set(proposed)
    current = period_of(today, cadence)
    if current.key in done:
        return None
    day = propose_day(current, regimen, today, weekday)
    if day is not None:
        return Proposal(current, day)
    following = next_period(current, cadence)
    if following.key in done:
        return None
    day = propose_day(following, regimen, today, weekday)
    return Proposal(following, day) if day is not None else None


def _before(regimen: Regimen, shift_day: date) -> date | None:
    """The person's last working day before the shift (within two weeks)."""
    for back in range(1, 15):
        day = shift_day - timedelta(days=back)
        if regimen.is_workday(day):
            return day
    return None


def _after(regimen: Regimen, shift_day: date) -> date:
    found = regimen.next_workdays(shift_day, 1)
    return found[0] if found else shift_day + timedelta(days=1)


def _at_or_after(regimen: Regimen, day: date, now: datetime) -> bool:
    local = local_now(now, regimen.tz)
    return local.date() > day or (local.date() == day and local.time() >= regimen.nudge_time)


def reminder_due(regimen: Regimen, shift_day: date, now: datetime) -> bool:
    """Remind this person (the leader or the host) from their nudge time on their last working
    day before the shift, until the shift's day begins for them."""
    eve = _before(regimen, shift_day)
    if eve is None:
        return False
    return _at_or_after(regimen, eve, now) and local_now(now, regimen.tz).date() < shift_day


CHASE_AFTER_WORKDAYS = 2  # a proposal unanswered this long is put to the host again, once


def chase_due(regimen: Regimen, proposed_at: datetime, shift_day: date, now: datetime) -> bool:
    """Put an unanswered proposal to the host again: from their nudge time on their second
    working day after it was proposed, while the shift's day is still ahead of them."""
    proposed_on = local_now(proposed_at, regimen.tz).date()
    days = regimen.next_workdays(proposed_on, CHASE_AFTER_WORKDAYS)
    if len(days) < CHASE_AFTER_WORKDAYS:
        return False
    today = local_now(now, regimen.tz).date()
    return _at_or_after(regimen, days[-1], now) and today < shift_day


def ask_due(regimen: Regimen, shift_day: date, now: datetime) -> bool:
    """Ask the leader what they did and learned from their nudge time on their first working
    day after the shift."""
    return _at_or_after(regimen, _after(regimen, shift_day), now)


def held_for(period: Period, started_on: date, stopped_on: date | None, proposed: bool) -> bool:
    """Whether the commitment was held for `period`: begun by its first day (or a shift was
    proposed for it), and not stopped before it ended."""
    begun = period.start >= started_on or proposed
    return begun and (stopped_on is None or stopped_on > period.end)


def missed_periods(
    cadence: Cadence,
    regimen: Regimen,
    started_on: date,
    today: date,
    done: Iterable[str],
    proposed: Iterable[str] = (),
    stopped_on: date | None = None,
) -> list[Period]:
    """The periods that ended before `today` with no shift done, each once, oldest first."""
    done_keys, proposed_keys = set(done), set(proposed)
    out: list[Period] = []
    period = period_of(started_on, cadence)
    while period.end < today:
        if (
            period.key not in done_keys
            and held_for(period, started_on, stopped_on, period.key in proposed_keys)
            and any(regimen.is_workday(d) for d in period.days())
        ):
            out.append(period)
        period = next_period(period, cadence)
    return out


@dataclass(frozen=True)
class FloorFigures:
    """A leader's back-to-the-floor record, for `/kyc stats`, App Home and the digest."""

    name: str
    cadence: Cadence
    place: str
    team: str
    active: bool
    done: int
    missed: tuple[str, ...]  # the labels of the missed periods, oldest first
    next_day: date | None = None
    next_status: ShiftStatus | None = None

    @property
    def line(self) -> str:
        """One plain line (no mrkdwn escaping here: the views escape what they show)."""
        head = f"{self.cadence.label} at the {self.place} with {self.team}"
        if not self.active:
            head += " (stopped)"
        count = f"{self.done} shift{'s' if self.done != 1 else ''} done"
        missed = f"{len(self.missed)} {self.cadence.noun}{'s' if len(self.missed) != 1 else ''}"
        missed += " missed" + (f" ({', '.join(self.missed[-3:])})" if self.missed else "")
        return f"{head} · {count} · {missed}"
