"""The regimen's figures from counts: plain arithmetic, so every number is checkable by hand."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class SentimentMix:
    unhappy: int = 0
    satisfied: int = 0
    promoter: int = 0

    @property
    def total(self) -> int:
        return self.unhappy + self.satisfied + self.promoter

    def __add__(self, other: SentimentMix) -> SentimentMix:
        return SentimentMix(
            self.unhappy + other.unhappy,
            self.satisfied + other.satisfied,
            self.promoter + other.promoter,
        )


@dataclass(frozen=True)
class Scores:
    """0–10 answers counted as promoters (9–10), passives (7–8) and detractors (0–6), with
    their sum for the average. Counts, not the answers: SQL sums them per group."""

    promoters: int = 0
    passives: int = 0
    detractors: int = 0
    points: int = 0  # the scores added up

    @property
    def total(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def nps(self) -> int | None:
        """None with no scored answer: an NPS of +100 or 0 from nothing would be a lie."""
        return nps_from_counts(self.promoters, self.passives, self.detractors)

    @property
    def average(self) -> float | None:
        return self.points / self.total if self.total else None

    def __add__(self, other: Scores) -> Scores:
        return Scores(
            self.promoters + other.promoters,
            self.passives + other.passives,
            self.detractors + other.detractors,
            self.points + other.points,
        )


@dataclass(frozen=True)
class ExecutiveFigures:
    """One executive's numbers; None where there is nothing to measure yet.

    Two sources of opinion are kept apart: the executive's own calls (call sentiment and Call
    NPS) and the tickets, complaints and escalations of their customers (ticket satisfaction),
    whoever handled them. Mixing them let support tickets stand in for calls never made."""

    executive_id: int
    name: str
    proactive_30d: int = 0
    reactive_30d: int = 0
    done_this_week: int = 0
    target_this_week: int = 0
    streak_weeks: int = 0
    customers: int = 0
    covered_90d: int = 0
    longest_without: str | None = None
    longest_without_since: date | None = None  # None: never called proactively
    call_sentiment: SentimentMix = field(default_factory=SentimentMix)  # own calls, 90 days
    call_scores: Scores = field(default_factory=Scores)
    ticket_sentiment: SentimentMix = field(default_factory=SentimentMix)  # their customers'
    ticket_scores: Scores = field(default_factory=Scores)  # reactive contacts, 90 days
    # Contacts on their customers with no executive (a CRM ticket nobody was named on), 30
    # days: the customer's, so neither in the share nor the "no contact" flag.
    customer_only_30d: int = 0
    items_open: int = 0
    items_overdue: int = 0  # snoozed items left out: they are counted as snoozed
    items_snoozed: int = 0
    median_days_to_close: float | None = None
    kudos_given: int = 0
    kudos_received: int = 0

    @property
    def call_nps(self) -> int | None:
        return self.call_scores.nps

    @property
    def contacts_30d(self) -> int:
        return self.proactive_30d + self.reactive_30d

    @property
    def proactive_share(self) -> float | None:
        return share(self.proactive_30d, self.contacts_30d)

    @property
    def no_contact(self) -> bool:
        """The seed's worst answer: no customer contact of their own at all in 30 days."""
        return self.contacts_30d == 0

    @property
    def coverage(self) -> float | None:
        return share(self.covered_90d, self.customers)

    @property
    def completion(self) -> float | None:
        return share(self.done_this_week, self.target_this_week)


def share(part: int, whole: int) -> float | None:
    """part ÷ whole, or None when there is nothing to divide (not zero: 'no data' is not 0%)."""
    return part / whole if whole else None


def nps(scores: Sequence[int]) -> int | None:
    """Net Promoter Score from 0–10 answers: % promoters (9–10) minus % detractors (0–6)."""
    if not scores:
        return None
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return round(100 * (promoters - detractors) / len(scores))


def nps_from_counts(promoters: int, passives: int, detractors: int) -> int | None:
    total = promoters + passives + detractors
    return round(100 * (promoters - detractors) / total) if total else None


def streak(weeks: Sequence[tuple[str, int, int]], current_week: str) -> int:
    """Complete weeks in a row, newest first, from (iso_week, done, target) rows.

    The current week counts only once complete; an unfinished current week does not break it."""
    by_week = {w: (done, target) for w, done, target in weeks}
    ordered = sorted(by_week, reverse=True)
    count = 0
    for w in ordered:
        done, target = by_week[w]
        complete = target > 0 and done >= target
        if w == current_week and not complete:
            continue
        if not complete:
            break
        count += 1
    return count


def median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


@dataclass(frozen=True)
class WeekPoint:
    iso_week: str
    proactive: int
    reactive: int


def weekly_trend(days: Sequence[tuple[date, str, int]], weeks: Sequence[str]) -> list[WeekPoint]:
    """(day, kind, count) rows folded into ISO weeks, oldest first, zeros where nothing happened."""
    totals = {w: [0, 0] for w in weeks}
    for day, kind, count in days:
        year, week, _ = day.isocalendar()
        key = f"{year}-W{week:02d}"
        if key in totals:
            totals[key][0 if kind == "proactive" else 1] += count
    return [WeekPoint(w, p, r) for w, (p, r) in totals.items()]


@dataclass(frozen=True)
class WeekScores:
    """One ISO week of call opinion: the sentiment mix and the 0–10 scores."""

    iso_week: str
    mix: SentimentMix
    scores: Scores

    @property
    def nps(self) -> int | None:
        return self.scores.nps


def weekly_scores(
    days: Sequence[tuple[date, SentimentMix, Scores]], weeks: Sequence[str]
) -> list[WeekScores]:
    """Per-day call sentiment and scores folded into ISO weeks, oldest first; a week with no
    call is an empty mix and no NPS."""
    mixes = {w: SentimentMix() for w in weeks}
    scores = {w: Scores() for w in weeks}
    for day, mix, score in days:
        year, week, _ = day.isocalendar()
        key = f"{year}-W{week:02d}"
        if key in mixes:
            mixes[key] += mix
            scores[key] += score
    return [WeekScores(w, mixes[w], scores[w]) for w in weeks]


@dataclass(frozen=True)
class MonthMix:
    month: str  # "2026-11"
    mix: SentimentMix


def monthly_sentiment(
    days: Sequence[tuple[date, str, int]], months: Sequence[str]
) -> list[MonthMix]:
    """(day, sentiment, count) rows folded into calendar months, oldest first."""
    totals = {m: [0, 0, 0] for m in months}
    index = {"unhappy": 0, "satisfied": 1, "promoter": 2}
    for day, sentiment, count in days:
        key = f"{day.year}-{day.month:02d}"
        if key in totals and sentiment in index:
            totals[key][index[sentiment]] += count
    return [MonthMix(m, SentimentMix(*t)) for m, t in totals.items()]


def last_months(today: date, count: int = 6) -> list[str]:
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(f"{year}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]
