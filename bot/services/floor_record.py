"""Back to the floor, the record: each leader's periods done and missed and the next shift
(App Home, the batch figures, the weekly digest, `kyc report`). Shifts are kept in their own
table and counted apart from customer contacts (see FloorShift's docstring): they are no
customer's, and a proactive-share figure swollen by them would flatter leaders who call
nobody."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.regimen.calendar import CompanyHoliday
from bot.regimen.floor import Cadence, FloorFigures, ShiftStatus, missed_periods
from bot.services import holidays
from bot.services.floor import commitment_of
from bot.services.people import regimen_of
from bot.settings import Settings
from storage.db import Database
from storage.models import FloorCommitment, FloorShift, Person, Team


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
    held = await commitment_of(session, person)
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
