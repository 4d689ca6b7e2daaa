"""Figures of teams' formal customer meetings, per team and calendar quarter: the mix of the
four kinds with the 4F share as the headline, the charter lines customers added or changed
(revisions a meeting prompted), and the "simplify or eliminate" items raised and done.
Stdlib only: the service hands in plain rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from bot.regimen.meetings import MeetingKind


def quarter_of(day: date) -> str:
    """'2026-Q4'."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_bounds(quarter: str) -> tuple[date, date]:
    """The first day of `quarter` and the first day of the next."""
    year, q = int(quarter[:4]), int(quarter[-1])
    start = date(year, 3 * (q - 1) + 1, 1)
    end = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return start, end


@dataclass(frozen=True)
class HeldMeeting:
    team: str
    held_on: date
    kind: MeetingKind | None  # None: held, not recorded yet


@dataclass(frozen=True)
class CustomerRevision:
    """A charter revision a customer meeting prompted: how many lines it added and changed."""

    team: str
    on: date
    added: int
    changed: int


@dataclass(frozen=True)
class SimplifyItem:
    team: str
    raised_on: date
    done: bool


@dataclass(frozen=True)
class MeetingFigures:
    team: str
    quarter: str
    held: int = 0  # meetings on a day of the quarter, recorded or not
    kinds: dict[MeetingKind, int] = field(default_factory=dict)  # recorded ones
    lines_added: int = 0
    lines_changed: int = 0
    simplify_raised: int = 0
    simplify_done: int = 0

    @property
    def recorded(self) -> int:
        return sum(self.kinds.values())

    @property
    def four_f_share(self) -> float | None:
        """4F meetings ÷ recorded meetings (None: none recorded)."""
        return self.kinds.get(MeetingKind.FOUR_F, 0) / self.recorded if self.recorded else None


def meeting_figures(
    quarter: str,
    meetings: Iterable[HeldMeeting],
    revisions: Iterable[CustomerRevision],
    simplify: Iterable[SimplifyItem],
) -> tuple[MeetingFigures, ...]:
    """One line per team with anything in `quarter`, by team name."""
    start, end = quarter_bounds(quarter)

    def within(day: date) -> bool:
        return start <= day < end

    held: dict[str, int] = {}
    kinds: dict[str, dict[MeetingKind, int]] = {}
    for m in meetings:
        if within(m.held_on):
            held[m.team] = held.get(m.team, 0) + 1
            if m.kind is not None:
                mix = kinds.setdefault(m.team, {})
                mix[m.kind] = mix.get(m.kind, 0) + 1
    added: dict[str, int] = {}
    changed: dict[str, int] = {}
    for r in revisions:
        if within(r.on):
            added[r.team] = added.get(r.team, 0) + r.added
            changed[r.team] = changed.get(r.team, 0) + r.changed
    raised: dict[str, int] = {}
    done: dict[str, int] = {}
    for s in simplify:
        if within(s.raised_on):
            raised[s.team] = raised.get(s.team, 0) + 1
            done[s.team] = done.get(s.team, 0) + s.done
    teams = sorted(set(held) | set(added) | set(changed) | set(raised))
    return tuple(
        MeetingFigures(
            team=t,
            quarter=quarter,
            held=held.get(t, 0),
            kinds=dict(
                sorted(kinds.get(t, {}).items(), key=lambda kv: list(MeetingKind).index(kv[0]))
            ),
            lines_added=added.get(t, 0),
            lines_changed=changed.get(t, 0),
            simplify_raised=raised.get(t, 0),
            simplify_done=done.get(t, 0),
        )
        for t in teams
    )


def headline(f: MeetingFigures) -> str:
    """'4F 2 of 3 meetings (67%)' — the share that is the goal first."""
    if f.four_f_share is None:
        return f"{f.held} meeting(s), none recorded yet" if f.held else "no customer meeting"
    four_f = f.kinds.get(MeetingKind.FOUR_F, 0)
    return f"4F {four_f} of {f.recorded} recorded meeting(s) ({round(100 * f.four_f_share)}%)"
