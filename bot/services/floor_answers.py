"""Back to the floor, the answers: the host lead confirms the proposed day, or proposes
another working day of the leader's in the same period, which the leader accepts; after the
shift the leader reports what they did and learned, kept before Slack's answer
(bot/services/inbox.py, kind "floor") and then stored on the shift (`reported`), the fields
tagged to a theme kept as insights the weekly theme grouping reads (bot/services/themes.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.regimen.floor import Cadence, ShiftStatus, period_of
from bot.services import inbox, outbox
from bot.services.calling import theme_options
from bot.services.floor import NOT_A_LEADER, regimen_for
from bot.services.floor_schedule import host_channel, shift_note
from bot.services.identity import NotAllowed, reload_actor, require_enrolled, require_executive
from bot.services.matchmaking import follow as matchmaking
from bot.tenancy.workspace_settings import for_workspace
from bot.views import floor as views
from bot.views.data import FloorReport, ShiftNote
from storage.models import FloorShift, Insight, Person, Submission, Team

NOT_YOURS = "That shift is not yours to answer."


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
    note = await shift_note(session, shift)
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
        regimen = await regimen_for(session, settings, leader)
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
        note = await shift_note(session, shift, was=was)
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
        note = await shift_note(session, shift)
        host = host_channel(shift)
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
        return replace(await shift_note(session, shift), themes=theme_options(teams))


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
        note = await shift_note(session, shift)
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
