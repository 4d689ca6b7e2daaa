"""Where matchmaking's opportunities come from, one async function each (`SOURCES`): the
executives' planned customers of the week (planned_calls: host = the executive), leaders'
confirmed back-to-the-floor shifts of the next four weeks (floor_shifts: host = the leader, no
customer; the pairing's `customer_name` holds the place, and every message then speaks of
"Dana's shift at the support queue", as the floor's own record reads), and teams' formal
customer meetings of the next four weeks not yet held (team_meetings: host = the organiser).
Another kind of touchpoint is one more function returning Opportunity rows; `gather` asks them
all."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.regimen.calendar import iso_week_of, week_monday, zone
from bot.regimen.floor import ShiftStatus
from bot.regimen.matchmaking import Opportunity, OpportunityKind
from bot.regimen.types import BatchStatus, RecoveryStatus
from bot.services.matchmaking.pairings import _hours
from bot.settings import Settings
from storage.models import BatchEntry, Customer, CustomerMeeting, FloorShift, Person, Recovery

Source = Callable[[AsyncSession, str, date, Settings], Awaitable[list[Opportunity]]]


async def planned_calls(
    session: AsyncSession, workspace_id: str, today: date, settings: Settings
) -> list[Opportunity]:
    """The executives' customers of this week still to call: a guest listens in. Not a
    customer whose complaint the executive owns: a recovery call is no place for a visitor."""
    week = iso_week_of(today)
    friday = week_monday(week) + timedelta(days=4)
    recovering = select(Recovery.customer_id).where(
        Recovery.workspace_id == workspace_id,
        Recovery.status.in_([RecoveryStatus.OFFERED, RecoveryStatus.OWNED]),
    )
    rows = await session.execute(
        select(BatchEntry, Customer, Person)
        .join(Customer, Customer.id == BatchEntry.customer_id)
        .join(Person, Person.id == BatchEntry.executive_id)
        .where(
            BatchEntry.workspace_id == workspace_id,
            BatchEntry.iso_week == week,
            BatchEntry.status.in_([BatchStatus.PLANNED, BatchStatus.CARRIED_OVER]),
            Person.active.is_(True),
            Person.erased_at.is_(None),
            Customer.active.is_(True),
            Customer.id.not_in(recovering),
        )
        .order_by(BatchEntry.id)
    )
    return [
        Opportunity(
            kind=OpportunityKind.PLANNED_CALL.value,
            ref=f"batch:{entry.id}",
            customer_id=customer.id,
            customer_name=customer.name,
            host_person_id=host.id,
            on=None,
            by=friday,
            host_name=host.name,
            host_hours=_hours(host, settings),
        )
        for entry, customer, host in rows
    ]


ONE_DAY = timedelta(days=1)
FLOOR_AHEAD = timedelta(weeks=4)  # shifts and meetings further ahead wait for a later round


async def floor_shifts(
    session: AsyncSession, workspace_id: str, today: date, settings: Settings
) -> list[Opportunity]:
    """Leaders' back-to-the-floor shifts confirmed for today through four weeks ahead: a guest
    works the shift alongside the leader. A shift names no customer (customer_id None, so the
    rule "not the same customer twice" does not apply); the place stands in its name."""
    rows = await session.execute(
        select(FloorShift, Person)
        .join(Person, Person.id == FloorShift.executive_id)
        .where(
            FloorShift.workspace_id == workspace_id,
            FloorShift.status == ShiftStatus.CONFIRMED.value,
            FloorShift.day >= today,
            FloorShift.day <= today + FLOOR_AHEAD,
            Person.active.is_(True),
            Person.erased_at.is_(None),
        )
        .order_by(FloorShift.day, FloorShift.id)
    )
    return [
        Opportunity(
            kind=OpportunityKind.FLOOR_SHIFT.value,
            ref=f"floor:{shift.id}",
            customer_id=None,
            customer_name=shift.place,
            host_person_id=leader.id,
            on=shift.day,
            by=shift.day,
            host_name=leader.name,
            host_hours=_hours(leader, settings),
        )
        for shift, leader in rows
    ]


async def team_meetings(
    session: AsyncSession, workspace_id: str, today: date, settings: Settings
) -> list[Opportunity]:
    """Teams' formal customer meetings from today through four weeks ahead, not yet held: a
    guest sits in with the team (host = the organiser), on the meeting's day in its timezone."""
    rows = await session.execute(
        select(CustomerMeeting, Customer, Person)
        .join(Customer, Customer.id == CustomerMeeting.customer_id)
        .join(Person, Person.id == CustomerMeeting.organiser_id)
        .where(
            CustomerMeeting.workspace_id == workspace_id,
            CustomerMeeting.recorded_at.is_(None),
            CustomerMeeting.cancelled_at.is_(None),
            # a day's margin each side: the meeting's own timezone decides below
            CustomerMeeting.starts_at >= datetime.combine(today - ONE_DAY, time(0), UTC),
            CustomerMeeting.starts_at
            < datetime.combine(today + FLOOR_AHEAD + ONE_DAY * 2, time(0), UTC),
            Person.active.is_(True),
            Person.erased_at.is_(None),
            Customer.active.is_(True),
        )
        .order_by(CustomerMeeting.starts_at, CustomerMeeting.id)
    )
    found: list[Opportunity] = []
    for meeting, customer, organiser in rows:
        on = meeting.starts_at.astimezone(zone(meeting.timezone)).date()
        if not today <= on <= today + FLOOR_AHEAD:
            continue
        found.append(
            Opportunity(
                kind=OpportunityKind.TEAM_MEETING.value,
                ref=f"meeting:{meeting.id}",
                customer_id=customer.id,
                customer_name=customer.name,
                host_person_id=organiser.id,
                on=on,
                by=on,
                host_name=organiser.name,
                host_hours=_hours(organiser, settings),
            )
        )
    return found


# Another kind of touchpoint plugs in here, one function each.
SOURCES: list[Source] = [planned_calls, floor_shifts, team_meetings]


async def gather(
    session: AsyncSession,
    workspace_id: str,
    today: date,
    settings: Settings,
    sources: Sequence[Source] | None = None,
) -> list[Opportunity]:
    found: list[Opportunity] = []
    for source in SOURCES if sources is None else sources:
        found += await source(session, workspace_id, today, settings)
    return found
