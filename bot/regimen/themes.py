"""Themes: what customers said, tagged to a theme, grouped when it recurs across customers.

A theme is a tag (product, process, policy, people, or one of a team's own tags) owned by a
team: a team tag by its team; a built-in theme by the customer's team (else the executive's).
The same theme of the same owning team said by MIN_CUSTOMERS or more DISTINCT customers within
WINDOW_DAYS becomes a candidate, put to the team's lead.

What a leader heard on a back-to-the-floor shift is said with no customer (customer_id None):
a shift is no customer, so it never counts toward the MIN_CUSTOMERS, and three shifts alone
never raise a theme; but once customers make a theme recur, the shift's insights of the same
theme and team in the window go with the candidate as supporting evidence for the lead.

Not raised again: while a candidate for it is raised or an open action point; once dismissed
or done, only what customers said AFTER that counts (so a dismissed theme comes back only when
three customers raise it afresh — everything said before the dismissal never counts again).

Stdlib only: dataclasses in, dataclasses out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

BUILT_IN: tuple[tuple[str, str], ...] = (
    ("product", "Product"),
    ("process", "Process"),
    ("policy", "Policy"),
    ("people", "People"),
)
BUILT_IN_NAMES = frozenset(value for value, _ in BUILT_IN)
WINDOW_DAYS = 90
MIN_CUSTOMERS = 3
MAX_TAGS = 10
TAG_LENGTH = 30
OPEN = frozenset({"raised", "action"})
CLOSED = frozenset({"done", "dismissed"})

ThemeKey = tuple[str, int | None]  # (theme, owning team id)


@dataclass(frozen=True)
class Said:
    """One insight: what a customer said, tagged to `theme` of team `team_id`; `customer_id`
    None: heard on a back-to-the-floor shift (supporting evidence, never counted)."""

    id: int
    customer_id: int | None
    theme: str
    team_id: int | None
    at: datetime


@dataclass(frozen=True)
class Past:
    """A candidate raised before for `key`: its status and when it was closed (done or
    dismissed; None while open)."""

    key: ThemeKey
    status: str
    closed_at: datetime | None = None


@dataclass(frozen=True)
class Candidate:
    key: ThemeKey
    customer_ids: tuple[int, ...]
    insight_ids: tuple[int, ...]


def recurring(
    said: Iterable[Said],
    past: Iterable[Past],
    now: datetime,
    *,
    window_days: int = WINDOW_DAYS,
    min_customers: int = MIN_CUSTOMERS,
) -> list[Candidate]:
    """The themes to raise at `now`: said by `min_customers` or more distinct customers in the
    `window_days` up to `now` (both ends included), not open, and counting only what was said
    after the last time one for the same theme was closed. Sorted by theme, then team. A
    candidate's insight_ids are every insight of its group, those heard on a shift (no
    customer) included; its customer_ids only the customers."""
    start = now - timedelta(days=window_days)
    blocked: set[ThemeKey] = set()
    since: dict[ThemeKey, datetime] = {}
    for p in past:
        if p.status in OPEN:
            blocked.add(p.key)
        elif p.status in CLOSED and p.closed_at is not None:
            since[p.key] = max(since.get(p.key, p.closed_at), p.closed_at)
    groups: dict[ThemeKey, list[Said]] = {}
    for s in said:
        key = (s.theme, s.team_id)
        if key in blocked or not start <= s.at <= now:
            continue
        if key in since and s.at <= since[key]:
            continue
        groups.setdefault(key, []).append(s)
    found = []
    for key, rows in groups.items():
        customers = sorted({s.customer_id for s in rows if s.customer_id is not None})
        if len(customers) >= min_customers:
            found.append(Candidate(key, tuple(customers), tuple(sorted(s.id for s in rows))))
    return sorted(found, key=lambda c: (c.key[0], c.key[1] or 0))


def parse_tags(raw: str | None) -> tuple[str, ...]:
    """A team's tags as typed ("Onboarding, billing"): lowercased, trimmed, unique, in order.
    Raises ValueError saying what is wrong (too many, too long, a built-in theme's name)."""
    tags: list[str] = []
    for part in (raw or "").split(","):
        tag = " ".join(part.split()).lower()
        if not tag or tag in tags:
            continue
        if len(tag) > TAG_LENGTH:
            raise ValueError(f"tag '{tag[:40]}' is longer than {TAG_LENGTH} characters")
        if tag in BUILT_IN_NAMES:
            raise ValueError(f"'{tag}' is a theme every team has already")
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ValueError(f"at most {MAX_TAGS} tags ({len(tags)} given)")
    return tuple(tags)


def theme_value(theme: str, team_id: int | None) -> str:
    """A theme as the call modal's option value: "product", or "t12:onboarding" (a team's)."""
    return theme if team_id is None else f"t{team_id}:{theme}"


def read_theme_value(value: str | None) -> tuple[str, int | None] | None:
    """(theme, team id or None for a built-in) from an option value; None when not one."""
    if not value:
        return None
    if value in BUILT_IN_NAMES:
        return value, None
    head, sep, tag = value.partition(":")
    if sep and head.startswith("t") and head[1:].isdigit() and tag:
        return tag, int(head[1:])
    return None


def theme_label(theme: str) -> str:
    return dict(BUILT_IN).get(theme, theme.capitalize())


@dataclass(frozen=True)
class Member:
    """Someone of a team, for finding its lead."""

    id: int
    role: str
    manager_id: int | None


def lead_of(members: Sequence[Member]) -> int | None:
    """A team's lead: its admin (lowest id first), else its executive, else the manager most
    of its members report to (the lowest id on a tie); None: nobody (post to its channel)."""
    for role in ("admin", "executive"):
        ids = sorted(m.id for m in members if m.role == role)
        if ids:
            return ids[0]
    managers = Counter(m.manager_id for m in members if m.manager_id is not None)
    if not managers:
        return None
    top = max(managers.values())
    return min(m for m, n in managers.items() if n == top)


def quarter_of(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


@dataclass(frozen=True)
class ThemeEvent:
    """A candidate as the quarter's figures see it: when raised, acted on (made an action
    point) and done."""

    raised_on: date
    acted_on: date | None
    done_on: date | None


@dataclass(frozen=True)
class QuarterThemes:
    quarter: str
    raised: int  # candidates raised this quarter
    acted: int  # made action points this quarter
    done: int  # action points done this quarter


def quarter_figures(events: Iterable[ThemeEvent], today: date) -> QuarterThemes:
    start = quarter_start(today)

    def within(d: date | None) -> bool:
        return d is not None and start <= d <= today

    rows = list(events)
    return QuarterThemes(
        quarter=quarter_of(today),
        raised=sum(1 for e in rows if within(e.raised_on)),
        acted=sum(1 for e in rows if within(e.acted_on)),
        done=sum(1 for e in rows if within(e.done_on)),
    )


def quote(text: str, limit: int = 200) -> str:
    """A quote fit for a message: whitespace folded, cut at a word near `limit` with "…"."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:") + "…"
