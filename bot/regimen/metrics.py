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


@dataclass(frozen=True)
class ExecutiveFigures:
    """One executive's numbers; None where there is nothing to measure yet."""

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
    sentiment: SentimentMix = field(default_factory=SentimentMix)
    nps: int | None = None
    items_open: int = 0
    items_overdue: int = 0
    median_days_to_close: float | None = None
    kudos_given: int = 0
    kudos_received: int = 0

    @property
    def contacts_30d(self) -> int:
        return self.proactive_30d + self.reactive_30d

    @property
    def proactive_share(self) -> float | None:
        return share(self.proactive_30d, self.contacts_30d)

    @property
    def no_contact(self) -> bool:
        """The seed's worst answer: no customer contact at all in 30 days."""
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


_STOP = (
    "a an the and or but of to in on for with at by from is are was were be been it its this "
    "that they them their we our you your he she his her i me my not no too very so as if "
    "into about than then there here just also more most some any all can could would should "
    "will do does did have has had get got make made us"
)
STOPWORDS = frozenset(_STOP.split(" "))


def recurring_terms(texts: Sequence[str | None], top: int = 8) -> list[tuple[str, int]]:
    """The words customers keep coming back to, most mentioned first (ties alphabetical)."""
    counts: dict[str, int] = {}
    for text in texts:
        if not text:
            continue
        seen: set[str] = set()
        for raw in text.lower().replace("/", " ").split():
            word = raw.strip(".,;:!?\"'()[]{}-–—…")
            if len(word) < 3 or word in STOPWORDS or word.isdigit() or word in seen:
                continue
            seen.add(word)  # a word counts once per call
            counts[word] = counts.get(word, 0) + 1
    ranked = sorted(((w, n) for w, n in counts.items() if n > 1), key=lambda x: (-x[1], x[0]))
    return ranked[:top]


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
