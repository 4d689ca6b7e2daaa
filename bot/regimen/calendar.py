"""Time, timezones, ISO weeks and workdays: the one place the regimen reasons about the clock."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MONDAY_TO_FRIDAY: tuple[int, ...] = (0, 1, 2, 3, 4)


def zone(name: str) -> ZoneInfo:
    """The IANA zone `name`, or a ValueError that says which name was wrong."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown timezone {name!r} (use an IANA name such as Europe/Paris)"
        ) from None


def parse_workdays(text: str) -> tuple[int, ...]:
    """'mon-fri', 'mon,tue,thu' or 'sun-thu' -> weekday numbers (Monday is 0), sorted."""
    days: set[int] = set()
    for part in text.lower().replace(" ", "").split(","):
        if not part:
            continue
        if "-" in part:
            first, last = part.split("-", 1)
            start, end = _day(first), _day(last)
            i = start
            while True:
                days.add(i)
                if i == end:
                    break
                i = (i + 1) % 7
        else:
            days.add(_day(part))
    if not days:
        raise ValueError("no workdays given (e.g. mon-fri)")
    return tuple(sorted(days))


def _day(token: str) -> int:
    key = token[:3]
    if key not in DAY_NAMES:
        raise ValueError(f"unknown weekday {token!r} (use mon, tue, wed, thu, fri, sat, sun)")
    return DAY_NAMES.index(key)


def format_workdays(days: tuple[int, ...]) -> str:
    return ",".join(DAY_NAMES[d] for d in days)


def parse_iso_week(text: str) -> tuple[int, int]:
    """'2026-W48' -> (2026, 48)."""
    try:
        year_s, week_s = text.upper().split("-W")
        year, week = int(year_s), int(week_s)
        date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValueError(f"bad ISO week {text!r} (expected e.g. 2026-W48)") from None
    return year, week


def iso_week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_monday(iso_week: str) -> date:
    year, week = parse_iso_week(iso_week)
    return date.fromisocalendar(year, week, 1)


def week_days(iso_week: str) -> list[date]:
    monday = week_monday(iso_week)
    return [monday + timedelta(days=i) for i in range(7)]


def workdays_in_week(iso_week: str, workdays: tuple[int, ...]) -> list[date]:
    return [d for d in week_days(iso_week) if d.weekday() in workdays]


def is_paused(day: date, paused_until: date | None) -> bool:
    """Paused through `paused_until` inclusive ("pause until 2026-12-28" means back on the 29th)."""
    return paused_until is not None and day <= paused_until


def week_fully_paused(iso_week: str, workdays: tuple[int, ...], paused_until: date | None) -> bool:
    days = workdays_in_week(iso_week, workdays)
    return bool(days) and all(is_paused(d, paused_until) for d in days)


def local_now(now_utc: datetime, tz: ZoneInfo) -> datetime:
    if now_utc.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now_utc.astimezone(tz)


def local_instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The aware instant of wall time `at` on `day` in `tz` (a time skipped by DST moves on)."""
    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=tz)
    # Round-trip through UTC normalises a wall time that does not exist (spring forward).
    return aware.astimezone(ZoneInfo("UTC")).astimezone(tz)


def later_today(local: datetime, *, step: int = 30, last: time = time(21, 0)) -> list[time]:
    """The wall times offered for "Later today" at local time `local`: every `step` minutes
    after the next step boundary (at least `step` // 2 minutes ahead) up to `last`."""
    minutes = local.hour * 60 + local.minute + step // 2
    first = (minutes // step + 1) * step
    end = last.hour * 60 + last.minute
    return [time(m // 60, m % 60) for m in range(first, min(end, 24 * 60 - 1) + 1, step)]


def next_workdays(after: date, workdays: tuple[int, ...], count: int) -> list[date]:
    """The next `count` workdays strictly after `after`."""
    out: list[date] = []
    day = after
    while len(out) < count:
        day += timedelta(days=1)
        if day.weekday() in workdays:
            out.append(day)
    return out


def workdays_between(
    after: date, through: date, workdays: tuple[int, ...], paused_until: date | None = None
) -> int:
    """How many of the days after `after`, up to `through` inclusive, are workdays not paused."""
    count, day = 0, after
    while day < through:
        day += timedelta(days=1)
        if day.weekday() in workdays and not is_paused(day, paused_until):
            count += 1
    return count


def add_business_days(start: date, days: int, workdays: tuple[int, ...] = MONDAY_TO_FRIDAY) -> date:
    return next_workdays(start, workdays, days)[-1] if days > 0 else start


def tenure_span(since: date, today: date) -> str:
    """'6 years', '3 months' or 'less than a month': whole years, else whole months."""
    months = (today.year - since.year) * 12 + (today.month - since.month)
    if today.day < since.day:
        months -= 1
    months = max(months, 0)
    years = months // 12
    if years >= 1:
        return f"{years} year{'s' if years != 1 else ''}"
    if months >= 1:
        return f"{months} month{'s' if months != 1 else ''}"
    return "less than a month"


def tenure_text(since: date, today: date) -> str:
    """'customer for 6 years, since March 2020' — the phrase an opener builds on."""
    return f"customer for {tenure_span(since, today)}, since {since.strftime('%B %Y')}"


@dataclass(frozen=True)
class CompanyHoliday:
    """A day off for the whole company (`country` None) or for the people of one country."""

    day: date
    name: str
    country: str | None = None


def holidays_for(holidays: Iterable[CompanyHoliday], country: str | None) -> frozenset[date]:
    """The days off of someone in `country` (None: only the company-wide ones)."""
    mine = (country or "").upper()
    return frozenset(h.day for h in holidays if h.country is None or h.country.upper() == mine)


@dataclass(frozen=True)
class Regimen:
    """An executive's effective schedule: roster override, then Slack profile, then defaults
    (resolved by bot/services/people.py)."""

    person_id: int
    name: str
    tz: ZoneInfo
    workdays: tuple[int, ...]
    nudge_time: time
    quota: int
    paused_until: date | None
    holidays: frozenset[date] = frozenset()  # company holidays that apply to this person

    def off_reason(self, day: date) -> str | None:
        """None when `day` is a working day for this person; else why not. The one rule for
        "does the regimen run today": their weekdays, less a pause, less company holidays."""
        if day.weekday() not in self.workdays:
            return "not a workday"
        if is_paused(day, self.paused_until):
            return f"paused until {self.paused_until}"
        if day in self.holidays:
            return "a company holiday"
        return None

    def is_workday(self, day: date) -> bool:
        return self.off_reason(day) is None

    def workdays_in_week(self, iso_week: str) -> list[date]:
        """The days of `iso_week` the regimen runs for this person."""
        return [d for d in week_days(iso_week) if self.is_workday(d)]

    def week_off(self, iso_week: str) -> bool:
        """Every usual workday of `iso_week` is paused or a holiday: no batch that week."""
        return bool(workdays_in_week(iso_week, self.workdays)) and not self.workdays_in_week(
            iso_week
        )

    def workdays_between(self, after: date, through: date) -> int:
        """How many days after `after`, up to `through` inclusive, are working days."""
        count, day = 0, after
        while day < through:
            day += timedelta(days=1)
            count += self.is_workday(day)
        return count

    def next_workdays(self, after: date, count: int) -> list[date]:
        """The next `count` working days strictly after `after` (within a year)."""
        out: list[date] = []
        day = after
        while len(out) < count and day < after + timedelta(days=366):
            day += timedelta(days=1)
            if self.is_workday(day):
                out.append(day)
        return out

    def today(self, now: datetime) -> date:
        """The executive's own calendar day at the instant `now`."""
        return local_now(now, self.tz).date()

    def week(self, now: datetime) -> str:
        """The ISO week the executive is in at `now`, by their own calendar."""
        return iso_week_of(self.today(now))
