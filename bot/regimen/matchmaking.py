"""Matchmaking: people of teams that do not face customers (HR, Engineering, Risk, Legal…)
paired with an upcoming customer touchpoint, so everyone meets a customer now and then.

Pure: opportunities, guests, the pairing history and the rules in; the round's invitations
out. The rules of a round (`pair`):

- a guest is invited at most once every `every_weeks` weeks (from their last invitation that
  counted), never while snoozed, opted out, stopped after unanswered invitations, or with an
  invitation still open;
- never the same guest and customer twice within `repeat_days`;
- a host takes at most `host_weekly` guests a week (those already paired that week count);
- one guest per opportunity;
- longest-waiting guests first (never invited before anyone, then by their last invitation,
  then by id), so nobody is starved while opportunities suffice;
- only a touchpoint on a day both guest and host work; among those, the one whose host's
  working hours (9:00–17:00 local) overlap the guest's most, then the earliest, then by
  reference: the same inputs, the same round.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WORKDAY = (time(9, 0), time(17, 0))  # the working hours compared across timezones


class PairingStatus(StrEnum):
    INVITED = "invited"  # the guest has not answered yet
    JOINED = "joined"  # the guest said Join; the host has not answered yet
    ACCEPTED = "accepted"  # the host took the guest
    HOST_DECLINED = "host_declined"
    PASSED = "passed"  # "Not this time"
    SNOOZED = "snoozed"  # "Snooze 4 weeks"
    OPTED_OUT = "opted_out"
    EXPIRED = "expired"  # never answered: the touchpoint went by
    CANCELLED = "cancelled"  # its meeting or shift was cancelled: nobody's answer

    @property
    def open(self) -> bool:
        return self in (PairingStatus.INVITED, PairingStatus.JOINED)

    @property
    def counts_for_cadence(self) -> bool:
        """A host's decline, or a touchpoint cancelled, is not the guest's turn: they are
        invited again next round."""
        return self not in (PairingStatus.HOST_DECLINED, PairingStatus.CANCELLED)


class OpportunityKind(StrEnum):
    PLANNED_CALL = "planned_call"  # an executive's customer of the week (batch_entries)
    FLOOR_SHIFT = "floor_shift"  # a leader's confirmed back-to-the-floor shift (no customer)
    TEAM_MEETING = "team_meeting"  # a team's formal customer meeting, requested, not yet held

    @property
    def label(self) -> str:
        return {
            OpportunityKind.PLANNED_CALL: "a customer call",
            OpportunityKind.FLOOR_SHIFT: "a back-to-the-floor shift",
            OpportunityKind.TEAM_MEETING: "a formal customer meeting",
        }[self]


@dataclass(frozen=True)
class Workhours:
    """Where and when someone works: an IANA zone and their workdays (0 = Monday)."""

    tz: str = "UTC"
    workdays: tuple[int, ...] = (0, 1, 2, 3, 4)


@dataclass(frozen=True)
class Opportunity:
    """A customer touchpoint a guest may join. `kind`: where it comes from (an
    OpportunityKind value, or any source's own word); `ref`: unique across sources
    ("batch:123"); `on`: its day when known, else some day from `by - 6` through `by`;
    `host_person_id`: who takes the guest along."""

    kind: str
    ref: str
    customer_id: int | None
    customer_name: str
    host_person_id: int
    on: date | None
    by: date
    host_name: str = ""
    host_hours: Workhours = field(default_factory=Workhours)
    what_to_expect: str = ""

    def days(self, today: date) -> list[date]:
        """The days it may take place on, from today."""
        if self.on is not None:
            return [self.on] if self.on >= today else []
        first = max(today, self.by - timedelta(days=6))
        return [first + timedelta(days=n) for n in range((self.by - first).days + 1)]


@dataclass(frozen=True)
class Guest:
    person_id: int
    hours: Workhours = field(default_factory=Workhours)
    last_invited_on: date | None = None  # the last invitation that counts for the cadence
    open_invitation: bool = False
    opted_out: bool = False
    snoozed_until: date | None = None  # not invited through this day
    stopped: bool = False  # three invitations unanswered in a row


@dataclass(frozen=True)
class Past:
    """An earlier pairing: who met which customer (or was invited to), when."""

    guest_id: int
    customer_id: int | None
    on: date


@dataclass(frozen=True)
class Rules:
    every_weeks: int = 4
    repeat_days: int = 180
    host_weekly: int = 2
    stop_after_unanswered: int = 3


@dataclass(frozen=True)
class Invitation:
    guest_id: int
    opportunity: Opportunity
    overlap_minutes: int


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _span(day: date, hours: Workhours) -> tuple[datetime, datetime] | None:
    if day.weekday() not in hours.workdays:
        return None
    tz = _zone(hours.tz)
    return (
        datetime.combine(day, WORKDAY[0], tzinfo=tz),
        datetime.combine(day, WORKDAY[1], tzinfo=tz),
    )


def overlap_minutes(a: Workhours, b: Workhours, day: date) -> int:
    """Minutes of `day`'s working hours (9:00–17:00 local) the two share: both must work that
    day, each in their own zone (0 when either does not)."""
    first, second = _span(day, a), _span(day, b)
    if first is None or second is None:
        return 0
    start, end = max(first[0], second[0]), min(first[1], second[1])
    return max(0, int((end - start).total_seconds() // 60))


def best_overlap(guest: Workhours, opportunity: Opportunity, today: date) -> int:
    return max(
        (overlap_minutes(guest, opportunity.host_hours, d) for d in opportunity.days(today)),
        default=0,
    )


def shared_workday(guest: Workhours, opportunity: Opportunity, today: date) -> bool:
    """At least: a day the touchpoint may take place on that both guest and host work."""
    return any(
        d.weekday() in guest.workdays and d.weekday() in opportunity.host_hours.workdays
        for d in opportunity.days(today)
    )


def eligible(guest: Guest, today: date, rules: Rules) -> bool:
    if guest.opted_out or guest.stopped or guest.open_invitation:
        return False
    if guest.snoozed_until is not None and today <= guest.snoozed_until:
        return False
    last = guest.last_invited_on
    return last is None or (today - last).days >= 7 * rules.every_weeks


def waiting_order(guest: Guest) -> tuple[date, int]:
    """Longest-waiting first: never invited before anyone, then the oldest invitation."""
    return (guest.last_invited_on or date.min, guest.person_id)


def _identity(o: Opportunity) -> tuple[str, int, int, str, date, date, str]:
    return (
        o.ref,
        o.host_person_id,
        -1 if o.customer_id is None else o.customer_id,
        o.customer_name,
        o.on or date.min,
        o.by,
        o.host_hours.tz,
    )


def pair(
    today: date,
    guests: Iterable[Guest],
    opportunities: Iterable[Opportunity],
    history: Iterable[Past],
    rules: Rules,
    host_load: Mapping[int, int] | None = None,
) -> list[Invitation]:
    """One round's invitations (see the module's rules). `host_load`: guests each host has
    taken already in the week; `history`: every earlier pairing (any status)."""
    load = dict(host_load or {})
    horizon = today - timedelta(days=rules.repeat_days)
    met: dict[int, set[int]] = {}
    for past in history:
        if past.customer_id is not None and past.on > horizon:
            met.setdefault(past.guest_id, set()).add(past.customer_id)
    unique: dict[str, Opportunity] = {}
    for o in sorted(opportunities, key=_identity):  # a ref given twice: the same one kept
        unique.setdefault(o.ref, o)
    free = sorted(
        (o for o in unique.values() if o.days(today)), key=lambda o: (o.on or o.by, o.ref)
    )
    out: list[Invitation] = []
    for guest in sorted((g for g in guests if eligible(g, today, rules)), key=waiting_order):
        best: tuple[tuple[int, date, str], Opportunity, int] | None = None
        seen = met.get(guest.person_id, set())
        for opp in free:
            if opp.host_person_id == guest.person_id:
                continue
            if load.get(opp.host_person_id, 0) >= rules.host_weekly:
                continue
            if opp.customer_id is not None and opp.customer_id in seen:
                continue
            if not shared_workday(guest.hours, opp, today):
                continue
            minutes = best_overlap(guest.hours, opp, today)
            rank = (-minutes, opp.on or opp.by, opp.ref)
            if best is None or rank < best[0]:
                best = (rank, opp, minutes)
        if best is None:
            continue
        _, chosen, minutes = best
        free.remove(chosen)
        load[chosen.host_person_id] = load.get(chosen.host_person_id, 0) + 1
        out.append(Invitation(guest.person_id, chosen, minutes))
    return out


def unanswered_in_a_row(statuses_newest_first: Sequence[PairingStatus]) -> int:
    """How many of a guest's latest invitations went unanswered, back to their last answer."""
    n = 0
    for status in statuses_newest_first:
        if status is PairingStatus.EXPIRED:
            n += 1
        elif status.open or status is PairingStatus.CANCELLED:
            continue  # not answered yet, or nothing to answer any more
        else:
            break
    return n


@dataclass(frozen=True)
class MeetHome:
    """A guest's App Home section ("Meet a customer"): where they stand and what they may change."""

    opted_out: bool = False
    stopped: bool = False
    snoozed_until: date | None = None
    next_up: str | None = None  # their open invitation, said in a line
    met: int = 0  # customers met in the last 90 days


# Participation: the share of each non-customer-facing team's people who met a customer.


@dataclass(frozen=True)
class Member:
    person_id: int
    team_name: str


@dataclass(frozen=True)
class TeamParticipation:
    team_name: str
    people: int
    met_90d: int
    met_quarter: int

    @property
    def share_90d(self) -> float:
        return self.met_90d / self.people if self.people else 0.0

    @property
    def share_quarter(self) -> float:
        return self.met_quarter / self.people if self.people else 0.0


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def participation(
    members: Iterable[Member], met_on: Mapping[int, Iterable[date]], today: date
) -> list[TeamParticipation]:
    """Per team (by name): its people, and how many met a customer (a day in `met_on`, up to
    today) in the last 90 days (today included) and since the quarter began."""
    since_90, since_q = today - timedelta(days=89), quarter_start(today)
    teams: dict[str, list[int]] = {}
    for m in members:
        teams.setdefault(m.team_name, []).append(m.person_id)
    out = []
    for name in sorted(teams, key=str.casefold):
        days = [[d for d in met_on.get(p, ()) if d <= today] for p in teams[name]]
        out.append(
            TeamParticipation(
                name,
                len(days),
                sum(1 for ds in days if any(d >= since_90 for d in ds)),
                sum(1 for ds in days if any(d >= since_q for d in ds)),
            )
        )
    return out
