"""Use cases: back to the floor — a leader's recurring shift of front-line work (seed 003):
the commitment. A leader (an executive on the roster) commits to a shift each month or quarter
at a place, hosted by a team: the modal (`floor_form`), saving it (a first or restarted
commitment begins on the leader's local today, and a day is proposed at once if one is due),
stopping it (shifts not yet done are cancelled). The rest of the surface: what the scheduler
does and whom a proposal goes to (bot/services/floor_schedule.py), the host's and the leader's
answers and the after-shift report (bot/services/floor_answers.py), a leader's record
(bot/services/floor_record.py)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.ids import Block
from bot.regimen.calendar import CompanyHoliday, Regimen
from bot.regimen.floor import Cadence, ShiftStatus
from bot.services import holidays
from bot.services.floor_schedule import propose
from bot.services.identity import Invalid, reload_actor, require_executive
from bot.services.matchmaking import follow as matchmaking
from bot.services.people import regimen_of
from bot.settings import Settings
from bot.tenancy.workspace_settings import for_workspace
from bot.views.data import FloorForm, HomeData, Option
from storage.models import FloorCommitment, FloorShift, Person, Team

NOT_A_LEADER = (
    "Back to the floor is for executives on the KYC roster. "
    "Ask your KYC admin to add you with role `executive`."
)


async def floor_form(deps: Deps, person: Person | None) -> FloorForm:
    """The modal: the leader's commitment as it stands, and the roster's teams."""
    me = require_executive(person, NOT_A_LEADER)
    async with deps.db.unit_of_work() as session:
        me = await reload_actor(session, me)
        teams = await session.scalars(
            select(Team).where(Team.workspace_id == me.workspace_id).order_by(Team.name)
        )
        options = tuple(Option(str(t.id), t.name) for t in teams)
        held = await commitment_of(session, me)
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


async def commitment_of(session: AsyncSession, me: Person) -> FloorCommitment | None:
    return await session.scalar(
        select(FloorCommitment).where(
            FloorCommitment.workspace_id == me.workspace_id,
            FloorCommitment.executive_id == me.id,
        )
    )


async def regimen_for(session: AsyncSession, settings: Settings, person: Person) -> Regimen:
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
        regimen = await regimen_for(session, settings, me)
        today = regimen.today(deps.now())
        held = await commitment_of(session, me)
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
        await propose(session, settings, held, me, regimen, deps.now())
    deps.wake_sender()
    return await _home(deps, me)


async def stop_commitment(deps: Deps, person: Person | None) -> HomeData:
    """Stopped: no more proposals; shifts not yet done are cancelled; the missed periods so
    far stay on the record."""
    me = require_executive(person, NOT_A_LEADER)
    settings = await for_workspace(deps.db, deps.settings, me.workspace_id)
    async with deps.db.unit_of_work(writes=True) as session:
        me = await reload_actor(session, me)
        held = await commitment_of(session, me)
        if held is not None and held.active:
            today = (await regimen_for(session, settings, me)).today(deps.now())
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
