"""Back to the floor, what the scheduler does (`run_floor`): each period a working day of the
leader's (bot/regimen/floor.py) is proposed to the host team's lead, who confirms it or
proposes another day (bot/services/floor_answers.py); a proposal left unanswered is put to
them once more and the leader told; both are reminded on their last working day before the
shift, at their nudge time; on the leader's first working day after it, they are asked what
they did and learned. The host team's lead (`host_lead`) is, in this order: the team's active
people with role admin or executive (the roster's only marks of seniority), else whoever
manages the team's members (Person.manager_id), preferring one in the team, else nobody: the
proposal goes to the team's channel, where anyone may answer it; with no channel either, to
the leader, who confirms it themselves."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.regimen.calendar import CompanyHoliday, Regimen
from bot.regimen.floor import (
    Cadence,
    ShiftStatus,
    ask_due,
    chase_due,
    due_proposal,
    period_of,
    reminder_due,
)
from bot.regimen.types import Role
from bot.services import holidays, outbox
from bot.services.identity import is_executive
from bot.services.people import regimen_of
from bot.settings import Settings
from bot.views import floor as views
from bot.views.data import ShiftNote
from storage.db import Database
from storage.models import FloorCommitment, FloorShift, Person, Team

# --- the host team's lead ------------------------------------------------------------------


async def host_lead(session: AsyncSession, team: Team, leader: Person) -> Person | None:
    """The team's person with role admin or executive, else a manager of its members (one in
    the team first); None when the roster names neither (see the module's docstring)."""
    members = list(
        await session.scalars(
            select(Person)
            .where(
                Person.workspace_id == team.workspace_id,
                Person.team_id == team.id,
                Person.active.is_(True),
            )
            .order_by(Person.id)
        )
    )
    senior = [
        p
        for p in members
        if p.role in (Role.ADMIN, Role.EXECUTIVE) and p.id != leader.id and p.slack_user_id
    ]
    if senior:
        return senior[0]
    manager_ids = {p.manager_id for p in members if p.manager_id and p.manager_id != leader.id}
    if not manager_ids:
        return None
    managers = list(
        await session.scalars(
            select(Person)
            .where(Person.id.in_(manager_ids), Person.active.is_(True))
            .order_by(Person.id)
        )
    )
    managers = [m for m in managers if m.slack_user_id]
    managers.sort(key=lambda m: (m.team_id != team.id, m.id))
    return managers[0] if managers else None


# --- what the scheduler does ---------------------------------------------------------------


async def shift_note(
    session: AsyncSession, shift: FloorShift, *, was: date | None = None
) -> ShiftNote:
    leader = await session.get(Person, shift.executive_id)
    team = await session.get(Team, shift.host_team_id) if shift.host_team_id else None
    cadence = Cadence.QUARTERLY if "Q" in shift.period else Cadence.MONTHLY
    return ShiftNote(
        shift.id,
        leader.name if leader else "A leader",
        leader.slack_user_id if leader else None,
        shift.place,
        team.name if team else "the team",
        shift.day,
        period_of(shift.day, cadence).label,
        host_user=shift.host_user_id,
        was_day=was,
    )


def host_channel(shift: FloorShift) -> str | None:
    return shift.host_user_id or shift.host_channel


async def propose(
    session: AsyncSession,
    settings: Settings,
    held: FloorCommitment,
    leader: Person,
    regimen: Regimen,
    now: datetime,
) -> bool:
    """Propose this period's day (once a period, the unique key says so); True when queued."""
    if not held.active:
        return False
    today = regimen.today(now)
    proposed = set(
        await session.scalars(
            select(FloorShift.period).where(
                FloorShift.workspace_id == held.workspace_id,
                FloorShift.executive_id == leader.id,
            )
        )
    )
    found = due_proposal(Cadence(held.cadence), regimen, today, proposed, held.weekday)
    if found is None:
        return False
    team = await session.get(Team, held.host_team_id)
    lead = await host_lead(session, team, leader) if team is not None else None
    channel = None if lead is not None else (team.channel_id if team else None)
    shift = FloorShift(
        workspace_id=held.workspace_id,
        commitment_id=held.id,
        executive_id=leader.id,
        period=found.period.key,
        day=found.day,
        status=ShiftStatus.PROPOSED.value,
        place=held.place,
        host_team_id=held.host_team_id,
        host_user_id=lead.slack_user_id if lead else (None if channel else leader.slack_user_id),
        host_channel=channel,
        created_at=now,
    )
    session.add(shift)
    await session.flush()
    to = host_channel(shift)
    if to:
        note = await shift_note(session, shift)
        await outbox.post(
            session,
            held.workspace_id,
            f"floor:{shift.id}:propose",
            to,
            views.build_floor_proposal(note),
        )
    return True


async def run_floor(db: Database, settings: Settings, ws: str, *, now: datetime) -> int:
    """Proposals due, reminders due, after-shift questions due, for one workspace; how many
    messages were queued (each under its own key: a second run queues nothing twice)."""
    queued = 0
    async with db.unit_of_work(writes=True) as session:
        cal = await holidays.calendar(session, ws)
        held_rows = list(
            await session.scalars(
                select(FloorCommitment).where(
                    FloorCommitment.workspace_id == ws, FloorCommitment.active.is_(True)
                )
            )
        )
        for held in held_rows:
            leader = await session.get(Person, held.executive_id)
            if leader is None or not is_executive(leader):
                continue
            regimen = regimen_of(leader, settings, cal)
            local = now.astimezone(regimen.tz)
            # A proposal goes out on the leader's working day, from their nudge time.
            if regimen.is_workday(local.date()) and local.time() >= regimen.nudge_time:
                try:
                    async with session.begin_nested():  # another process proposed it first
                        queued += await propose(session, settings, held, leader, regimen, now)
                except IntegrityError:
                    continue
        shifts = list(
            await session.scalars(
                select(FloorShift).where(
                    FloorShift.workspace_id == ws,
                    FloorShift.status == ShiftStatus.CONFIRMED.value,
                )
            )
        )
        for shift in shifts:
            queued += await _follow(session, settings, cal, shift, now)
        waiting = await session.scalars(
            select(FloorShift).where(
                FloorShift.workspace_id == ws,
                FloorShift.status == ShiftStatus.PROPOSED.value,
            )
        )
        for shift in list(waiting):
            queued += await _chase(session, settings, cal, shift, now)
    return queued


async def _host_person(session: AsyncSession, shift: FloorShift) -> Person | None:
    """The person the shift's proposal and reminders go to (None: the team's channel)."""
    if not shift.host_user_id:
        return None
    return await session.scalar(
        select(Person).where(
            Person.workspace_id == shift.workspace_id, Person.slack_user_id == shift.host_user_id
        )
    )


async def _chase(
    session: AsyncSession,
    settings: Settings,
    cal: list[CompanyHoliday],
    shift: FloorShift,
    now: datetime,
) -> int:
    """A proposal the host has not answered: put to them once more (bot/regimen/floor.
    chase_due), and the leader told so, once each."""
    leader = await session.get(Person, shift.executive_id)
    host = host_channel(shift)
    if leader is None or not leader.slack_user_id or not host or host == leader.slack_user_id:
        return 0
    ws = shift.workspace_id
    host_person = await _host_person(session, shift)
    leader_regimen = regimen_of(leader, settings, cal)
    host_regimen = regimen_of(host_person, settings, cal) if host_person else leader_regimen
    if not chase_due(host_regimen, shift.created_at, shift.day, now):
        return 0
    note = await shift_note(session, shift)
    team = await session.get(Team, shift.host_team_id)
    host_name = host_person.name if host_person else f"the {team.name if team else 'host'} team"
    queued = await outbox.post(
        session, ws, f"floor:{shift.id}:chase", host, views.build_floor_proposal(note, again=True)
    )
    return queued + await outbox.post(
        session,
        ws,
        f"floor:{shift.id}:chase:leader",
        leader.slack_user_id,
        views.build_floor_unanswered(note, host_name),
    )


async def _follow(
    session: AsyncSession,
    settings: Settings,
    cal: list[CompanyHoliday],
    shift: FloorShift,
    now: datetime,
) -> int:
    leader = await session.get(Person, shift.executive_id)
    if leader is None or not leader.slack_user_id:
        return 0
    ws, queued = shift.workspace_id, 0
    regimen = regimen_of(leader, settings, cal)
    note = await shift_note(session, shift)
    if reminder_due(regimen, shift.day, now):
        queued += await outbox.post(
            session,
            ws,
            f"floor:{shift.id}:remind:leader:{shift.day}",
            leader.slack_user_id,
            views.build_floor_reminder(note, host=False),
        )
    host = host_channel(shift)
    if host and host != leader.slack_user_id:
        host_person = await _host_person(session, shift)
        host_regimen = regimen_of(host_person, settings, cal) if host_person else regimen
        if reminder_due(host_regimen, shift.day, now):
            queued += await outbox.post(
                session,
                ws,
                f"floor:{shift.id}:remind:host:{shift.day}",
                host,
                views.build_floor_reminder(note, host=True),
            )
    if ask_due(regimen, shift.day, now):
        queued += await outbox.post(
            session,
            ws,
            f"floor:{shift.id}:ask:{shift.day}",
            leader.slack_user_id,
            views.build_floor_ask(note),
        )
    return queued
