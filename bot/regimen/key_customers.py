"""Key customers: the formal meeting each should have at least once a year (seed 000: "have at
least one formal customer meeting with each key customer"). Plain Python."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

FORMAL_MEETING_DAYS = 365  # "in the last 12 months"


def meeting_overdue(last_meeting_at: datetime | None, now: datetime) -> bool:
    """A key customer needs a formal meeting: none ever, or the last more than 12 months
    (365 days) before `now`. A formal meeting is a proactive contact with channel MEETING."""
    return last_meeting_at is None or now - last_meeting_at > timedelta(days=FORMAL_MEETING_DAYS)


@dataclass(frozen=True)
class KeyCustomerMeeting:
    customer_id: int
    name: str
    team: str | None
    last_meeting_at: datetime | None


@dataclass(frozen=True)
class KeyCoverage:
    """One team's key customers and how many of them had a formal meeting in 12 months."""

    team: str | None
    key: int
    met: int

    @property
    def share(self) -> float:
        return self.met / self.key if self.key else 0.0


def coverage(rows: Sequence[KeyCustomerMeeting], now: datetime) -> list[KeyCoverage]:
    """Key-customer coverage by formal meetings, per team (by name; no team last)."""
    teams: dict[str | None, list[bool]] = {}
    for r in rows:
        teams.setdefault(r.team, []).append(not meeting_overdue(r.last_meeting_at, now))
    return [
        KeyCoverage(team, len(met), sum(met))
        for team, met in sorted(teams.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))
    ]


def without_meeting(rows: Sequence[KeyCustomerMeeting], now: datetime) -> list[KeyCustomerMeeting]:
    """The key customers due a formal meeting, never met first, then longest since; by name."""
    due = [r for r in rows if meeting_overdue(r.last_meeting_at, now)]
    return sorted(
        due,
        key=lambda r: (
            r.last_meeting_at is not None,
            r.last_meeting_at or now,
            r.name.casefold(),
            r.customer_id,
        ),
    )
