"""Use cases: back to the floor — a leader's recurring shift of front-line work (seed 003).

A leader (an executive on the roster) commits to a shift each month or quarter at a place,
hosted by a team. Each period the scheduler (`run_floor`) proposes a working day of the
leader's (bot/regimen/floor.py) to the host team's lead, who confirms it or proposes another
day (the leader accepts it); both are reminded on their last working day before the shift, at
their nudge time; on the leader's first working day after it, they are asked what they did and
learned (kept before Slack's answer, bot/services/inbox.py, then stored on the shift).

The host team's lead is, in this order: the team's active people with role admin or executive
(the roster's only marks of seniority), else whoever manages the team's members (Person.
manager_id), preferring one in the team, else nobody: the proposal goes to the team's channel,
where anyone may answer it; with no channel either, to the leader, who confirms it themselves.

Shifts are kept in their own table and counted apart from customer contacts (see FloorShift's
docstring): they are no customer's, and a proactive-share figure swollen by them would flatter
leaders who call nobody."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.ids import Block
from bot.regimen.calendar import CompanyHoliday, Regimen
from bot.regimen.floor import (
    Cadence,
    FloorFigures,
    ShiftStatus,
    ask_due,
    chase_due,
    due_proposal,
    missed_periods,
    period_of,
    reminder_due,
)
from bot.regimen.types import Role
from bot.services import holidays, inbox, outbox
from bot.services.calling import theme_options
from bot.services.identity import (
    Invalid,
    NotAllowed,
    is_executive,
    reload_actor,
    require_enrolled,
    require_executive,
)
from bot.services.matchmaking import follow as matchmaking
from bot.services.people import regimen_of
from bot.settings import Settings
from bot.tenancy.workspace_settings import for_workspace
from bot.views import floor as views
from bot.views.data import FloorForm, FloorReport, HomeData, Option, ShiftNote
from storage.db import Database
from storage.models import FloorCommitment, FloorShift, Insight, Person, Submission, Team

NOT_A_LEADER = (
    "Back to the floor is for executives on the KYC roster. "
    "Ask your KYC admin to add you with role `executive`."
)
NOT_YOURS = "That shift is not yours to answer."


# --- the commitment ------------------------------------------------------------------------


async def floor_form(deps: Deps, person: Person | None) -> FloorForm:
    """The modal: the leader's commitment as it stands, and the roster's teams."""
    me = require_executive(person, NOT_A_LEADER)
    async with deps.db.unit_of_work() as session:
        me = await reload_actor(session, me)
        teams = await session.scalars(
            select(Team).where(Team.workspace_id == me.workspace_id).order_by(Team.name)
        )
        options = tuple(Option(str(t.id), t.name) for t in teams)
        held = await _commitment(session, me)
    if held is None:
        return FloorForm(options)
    return FloorForm(
        options,
        cadence=held.cadence,
        place=held.place,
        team_id=str(held.host_team_id),
        weekday=held.weekday,
        active=held.active,
    )


async def _commitment(session: AsyncSession, me: Person) -> FloorCommitment | None:
    return await session.scalar(
        select(FloorCommitment).where(
            FloorCommitment.workspace_id == me.workspace_id,
            FloorCommitment.executive_id == me.id,
        )
    )


async def _regimen(session: AsyncSession, settings: Settings, person: Person) -> Regimen:
    cal: list[CompanyHoliday] = await holidays.calendar(session, person.workspace_id)
    return regimen_of(person, settings, cal)


async def save_commitment(
    deps: Deps, person: Person | None, cells: dict[str, str | None]
) -> HomeData:
    """The modal saved: a field that will not do is answered on it. A first (or restarted)
    commitment begins on the leader's local today; a day is proposed at once if one is due."""
    me = require_executive(person, NOT_A_LEADER)
    problems: dict[str, str] = {}
    cadence = cells.get("cadence")
    if cadence not in {c.value for c in Cadence}:
        problems[Block.FLOOR_CADENCE] = "Pick monthly or quarterly."
    place = (cells.get("place") or "").strip()
    if not place:
        problems[Block.FLOOR_PLACE] = "Say where: the shop floor, the call centre, the queue…"
    elif len(place) > 200:
        problems[Block.FLOOR_PLACE] = "At most 200 characters."
    weekday_cell = cells.get("weekday")
    weekday = int(weekday_cell) if weekday_cell and weekday_cell.isdigit() else None
    if weekday is not None and not 0 <= weekday <= 6:
        problems[Block.FLOOR_WEEKDAY] = "Pick a weekday."
    settings = await for_workspace(deps.db, deps.settings, me.workspace_id)
    async with deps.db.unit_of_work(writes=True) as session:
        me = await reload_actor(session, me)
        team_cell = cells.get("team") or ""
        team = await session.get(Team, int(team_cell)) if team_cell.isdigit() else None
        if team is None or team.workspace_id != me.workspace_id:
            problems[Block.FLOOR_TEAM] = "Pick the team that hosts your shift."
        if problems:
            raise Invalid(problems)
        assert team is not None and cadence is not None
        regimen = await _regimen(session, settings, me)
        today = regimen.today(deps.now())
        held = await _commitment(session, me)
        if held is None:
            held = FloorCommitment(
                workspace_id=me.workspace_id, executive_id=me.id, started_on=today
            )
            session.add(held)
        elif not held.active:
            held.started_on, held.stopped_on = today, None
        held.cadence, held.place, held.host_team_id = cadence, place, team.id
        held.weekday, held.active = weekday, True
        await session.flush()
        await _propose(session, settings, held, me, regimen, deps.now())
    deps.wake_sender()
    return await _home(deps, me)


async def stop_commitment(deps: Deps, person: Person | None) -> HomeData:
    """Stopped: no more proposals; shifts not yet done are cancelled; the missed periods so
    far stay on the record."""
    me = require_executive(person, NOT_A_LEADER)
    settings = await for_workspace(deps.db, deps.settings, me.workspace_id)
    async with deps.db.unit_of_work(writes=True) as session:
        me = await reload_actor(session, me)
        held = await _commitment(session, me)
        if held is not None and held.active:
            today = (await _regimen(session, settings, me)).today(deps.now())
            held.active, held.stopped_on = False, today
            for shift in await session.scalars(
                select(FloorShift).where(FloorShift.commitment_id == held.id)
            ):
                if ShiftStatus(shift.status).is_open:
                    shift.status = ShiftStatus.CANCELLED.value
                    await matchmaking.cancel_touchpoint(
                        session,
                        me.workspace_id,
                        f"floor:{shift.id}",
                        f"{me.name} stopped going back to the floor",
                    )
    deps.wake_sender()
    return await _home(deps, me)


async def _home(deps: Deps, me: Person) -> HomeData:
    from bot.services.home import show_home  # App Home shows the record: imported late

    return await show_home(deps, me)


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


async def _note(session: AsyncSession, shift: FloorShift, *, was: date | None = None) -> ShiftNote:
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


def _host_channel(shift: FloorShift) -> str | None:
    return shift.host_user_id or shift.host_channel


async def _propose(
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
    to = _host_channel(shift)
    if to:
        note = await _note(session, shift)
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
                        queued += await _propose(session, settings, held, leader, regimen, now)
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
    host = _host_channel(shift)
    if leader is None or not leader.slack_user_id or not host or host == leader.slack_user_id:
        return 0
    ws = shift.workspace_id
    host_person = await session.scalar(
        select(Person).where(Person.workspace_id == ws, Person.slack_user_id == host)
    )
    leader_regimen = regimen_of(leader, settings, cal)
    host_regimen = regimen_of(host_person, settings, cal) if host_person else leader_regimen
    if not chase_due(host_regimen, shift.created_at, shift.day, now):
        return 0
    note = await _note(session, shift)
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
    note = await _note(session, shift)
    if reminder_due(regimen, shift.day, now):
        queued += await outbox.post(
            session,
            ws,
            f"floor:{shift.id}:remind:leader:{shift.day}",
            leader.slack_user_id,
            views.build_floor_reminder(note, host=False),
        )
    host = _host_channel(shift)
    if host and host != leader.slack_user_id:
        host_person = await session.scalar(
            select(Person).where(Person.workspace_id == ws, Person.slack_user_id == host)
        )
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


# --- the host's answer and the leader's -----------------------------------------------------


async def _shift(session: AsyncSession, me: Person, shift_id: int) -> FloorShift:
    shift = await session.get(FloorShift, shift_id)
    if shift is None or shift.workspace_id != me.workspace_id:
        raise NotAllowed("That shift is no longer on KYC.")
    return shift


def _may_host(shift: FloorShift, me: Person) -> None:
    if shift.host_user_id and shift.host_user_id != me.slack_user_id:
        raise NotAllowed(NOT_YOURS)


async def confirm(deps: Deps, person: Person | None, shift_id: int) -> None:
    """The host lead confirms the day: the proposal says so, the leader is told."""
    me = require_enrolled(person, "You are not on the KYC roster yet.")
    async with deps.db.unit_of_work(writes=True) as session:
        me = await reload_actor(session, me)
        shift = await _shift(session, me, shift_id)
        _may_host(shift, me)
        if shift.status != ShiftStatus.PROPOSED.value:
            return  # a second click, or answered already
        shift.status, shift.confirmed_at = ShiftStatus.CONFIRMED.value, deps.now()
        await _confirmed(session, shift)
    deps.wake_sender()


async def _confirmed(session: AsyncSession, shift: FloorShift) -> None:
    note = await _note(session, shift)
    ws, key = shift.workspace_id, f"floor:{shift.id}:propose"
    await outbox.update(
        session, ws, f"{key}:confirmed:{shift.day}", key, views.build_floor_answered(note, True)
    )
    leader = await session.get(Person, shift.executive_id)
    if leader is not None and leader.slack_user_id:
        await outbox.post(
            session,
            ws,
            f"floor:{shift.id}:confirmed:{shift.day}",
            leader.slack_user_id,
            views.build_floor_confirmed(note),
        )


async def propose_other_day(deps: Deps, person: Person | None, shift_id: int, day: date) -> None:
    """The host lead proposes another day: a working day of the leader's in the same period,
    after today; the leader is asked to accept it."""
    me = require_enrolled(person, "You are not on the KYC roster yet.")
    settings = await for_workspace(deps.db, deps.settings, me.workspace_id)
    async with deps.db.unit_of_work(writes=True) as session:
        me = await reload_actor(session, me)
        shift = await _shift(session, me, shift_id)
        _may_host(shift, me)
        if shift.status not in (ShiftStatus.PROPOSED.value, ShiftStatus.MOVED.value):
            raise NotAllowed("That shift is answered already.")
        leader = await session.get(Person, shift.executive_id)
        if leader is None:
            raise NotAllowed("That leader is no longer on KYC.")
        regimen = await _regimen(session, settings, leader)
        cadence = Cadence.QUARTERLY if "Q" in shift.period else Cadence.MONTHLY
        period = period_of(shift.day, cadence)
        if day <= regimen.today(deps.now()):
            raise NotAllowed(f"{day:%a %-d %b} has passed: pick a day from tomorrow.")
        if not period.start <= day <= period.end:
            raise NotAllowed(f"Pick a day in {period.label}, the shift's period.")
        why = regimen.off_reason(day)
        if why:
            raise NotAllowed(f"{day:%a %-d %b} is not a working day for {leader.name} ({why}).")
        was, shift.day, shift.status = shift.day, day, ShiftStatus.MOVED.value
        await matchmaking.follow_touchpoint(session, shift.workspace_id, f"floor:{shift.id}", day)
        note = await _note(session, shift, was=was)
        ws, key = shift.workspace_id, f"floor:{shift.id}:propose"
        await outbox.update(
            session, ws, f"{key}:moved:{day}", key, views.build_floor_answered(note, False)
        )
        if leader.slack_user_id:
            await outbox.post(
                session,
                ws,
                f"floor:{shift.id}:moved:{day}",
                leader.slack_user_id,
                views.build_floor_moved(note),
            )
    deps.wake_sender()


async def accept(deps: Deps, person: Person | None, shift_id: int) -> None:
    """The leader accepts the day the host proposed: confirmed, and the host told."""
    me = require_executive(person, NOT_A_LEADER)
    async with deps.db.unit_of_work(writes=True) as session:
        me = await reload_actor(session, me)
        shift = await _shift(session, me, shift_id)
        if shift.executive_id != me.id:
            raise NotAllowed(NOT_YOURS)
        if shift.status != ShiftStatus.MOVED.value:
            return
        shift.status, shift.confirmed_at = ShiftStatus.CONFIRMED.value, deps.now()
        note = await _note(session, shift)
        host = _host_channel(shift)
        if host and host != me.slack_user_id:
            await outbox.post(
                session,
                shift.workspace_id,
                f"floor:{shift.id}:accepted:{shift.day}",
                host,
                views.build_floor_answered(note, True),
            )
        if me.slack_user_id:
            await outbox.post(
                session,
                shift.workspace_id,
                f"floor:{shift.id}:confirmed:{shift.day}",
                me.slack_user_id,
                views.build_floor_confirmed(note),
            )
    deps.wake_sender()


# --- after the shift -----------------------------------------------------------------------


async def report_form(deps: Deps, person: Person | None, shift_id: int) -> ShiftNote:
    """The after-shift modal's shift, with the themes a field may be tagged to."""
    me = require_executive(person, NOT_A_LEADER)
    async with deps.db.unit_of_work() as session:
        me = await reload_actor(session, me)
        shift = await _shift(session, me, shift_id)
        if shift.executive_id != me.id:
            raise NotAllowed(NOT_YOURS)
        teams = list(
            await session.scalars(
                select(Team).where(Team.workspace_id == me.workspace_id).order_by(Team.name)
            )
        )
        return replace(await _note(session, shift), themes=theme_options(teams))


async def submit_report(
    deps: Deps, person: Person | None, shift_id: int, report: FloorReport, *, request_key: str
) -> inbox.Received:
    """Kept as typed before Slack hears back; `reported` stores it on the shift right after."""
    me = require_executive(person, NOT_A_LEADER)
    await report_form(deps, me, shift_id)  # refused now, on the form, if not theirs
    payload = {
        "shift": shift_id,
        "did": report.did,
        "learned": report.learned,
        "criticism": report.criticism,
        "stressed_areas": report.stressed_areas,
        "make_it_great": report.make_it_great,
        "insights": [
            {"field": i.field, "text": i.text, "theme": i.theme, "team": i.team_id}
            for i in report.insights
        ],
    }
    return await inbox.keep(deps, me, "floor", payload, request_key=request_key)


@inbox.handles("floor")
async def reported(deps: Deps, session: AsyncSession, me: Person, kept: Submission) -> None:
    """A kept after-shift report, stored on the shift (done); told to the leader once. A
    second report (opened again from the DM) replaces the first, its insights included, so
    nothing counts twice; a cancelled shift takes none."""
    payload = kept.payload
    shift = await _shift(session, me, int(payload["shift"]))
    if shift.executive_id != me.id:
        raise NotAllowed(NOT_YOURS)
    if shift.request_key == kept.request_key:
        return
    if shift.status == ShiftStatus.CANCELLED.value:
        raise NotAllowed("That shift was cancelled: there is nothing to report on it.")
    await session.execute(
        delete(Insight).where(
            Insight.workspace_id == shift.workspace_id, Insight.floor_shift_id == shift.id
        )
    )
    shift.did, shift.learned = payload["did"], payload["learned"]
    shift.criticism = payload.get("criticism")
    shift.stressed_areas = payload.get("stressed_areas")
    shift.make_it_great = payload.get("make_it_great")
    shift.status, shift.reported_at = ShiftStatus.DONE.value, kept.received_at
    shift.request_key = kept.request_key
    await _keep_insights(session, shift, me, payload.get("insights") or [], kept.received_at)
    if me.slack_user_id:
        note = await _note(session, shift)
        await outbox.post(
            session,
            me.workspace_id,
            f"floor:{shift.id}:thanks",
            me.slack_user_id,
            views.build_floor_thanks(note),
        )


async def _keep_insights(
    session: AsyncSession,
    shift: FloorShift,
    leader: Person,
    tagged: list[dict[str, Any]],
    at: datetime,
) -> None:
    """What the leader heard and tagged to a theme, as insights the weekly theme grouping
    reads (bot/services/themes.py).

    The decision: a shift names no customer, and the theme rule counts DISTINCT customers, so
    a shift must not count as one. Its insights are kept with customer NULL (and no contact),
    linked to the shift: they never make a theme recur, but once three customers raise the
    same theme of the same team, they go with the candidate, quoted as "Dana's shift at the
    support queue", as supporting evidence for the lead. Only tagged fields become insights
    (the shift row keeps all three fields whole). A team's tag is its team's; a built-in theme
    belongs to the host team (the front line the shift was on), else the leader's team."""
    owner = shift.host_team_id or leader.team_id
    for i in tagged:
        theme, text = i.get("theme"), i.get("text")
        if not theme or not text:
            continue
        team = i.get("team")
        session.add(
            Insight(
                workspace_id=shift.workspace_id,
                customer_id=None,
                contact_id=None,
                floor_shift_id=shift.id,
                field=str(i.get("field") or "criticism"),
                text=str(text),
                theme=str(theme),
                team_id=int(team) if team is not None else owner,
                created_at=at,
            )
        )


# --- the record ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    name: str
    figures: FloorFigures


async def figures_of(
    session: AsyncSession,
    settings: Settings,
    person: Person,
    *,
    now: datetime,
    cal: list[CompanyHoliday] | None = None,
) -> FloorFigures | None:
    """A leader's back-to-the-floor record (None: no commitment)."""
    held = await _commitment(session, person)
    if held is None:
        return None
    if cal is None:
        cal = await holidays.calendar(session, person.workspace_id)
    regimen = regimen_of(person, settings, cal)
    today = regimen.today(now)
    shifts = list(
        await session.scalars(
            select(FloorShift)
            .where(
                FloorShift.workspace_id == person.workspace_id,
                FloorShift.executive_id == person.id,
            )
            .order_by(FloorShift.day)
        )
    )
    done = {s.period for s in shifts if s.status == ShiftStatus.DONE.value}
    cadence = Cadence(held.cadence)
    missed = missed_periods(
        cadence,
        regimen,
        held.started_on,
        today,
        done,
        proposed={s.period for s in shifts},
        stopped_on=held.stopped_on,
    )
    # A proposal nobody answered, or a shift not reported yet, whose day has gone by is no
    # "next" shift: the record shows only days still ahead.
    upcoming = [s for s in shifts if ShiftStatus(s.status).is_open and s.day >= today]
    team = await session.get(Team, held.host_team_id)
    return FloorFigures(
        name=person.name,
        cadence=cadence,
        place=held.place,
        team=team.name if team else "a team",
        active=held.active,
        done=len(done),
        missed=tuple(p.label for p in missed),
        next_day=upcoming[-1].day if upcoming else None,
        next_status=ShiftStatus(upcoming[-1].status) if upcoming else None,
    )


async def records(
    db: Database,
    settings: Settings,
    ws: str,
    *,
    now: datetime,
    executive_ids: list[int] | None = None,
) -> list[Record]:
    """Every leader's record (the weekly digest, `kyc report`), by name; only these
    executives' when `executive_ids` is given (a team's report)."""
    async with db.unit_of_work() as session:
        cal = await holidays.calendar(session, ws)
        query = (
            select(Person)
            .join(FloorCommitment, FloorCommitment.executive_id == Person.id)
            .where(FloorCommitment.workspace_id == ws)
            .order_by(Person.name)
        )
        if executive_ids is not None:
            query = query.where(Person.id.in_(executive_ids))
        leaders = list(await session.scalars(query))
        out = []
        for leader in leaders:
            found = await figures_of(session, settings, leader, now=now, cal=cal)
            if found is not None:
                out.append(Record(leader.name, found))
    return out
