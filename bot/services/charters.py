"""Use cases of a team's charter: the edit form (from the current revision, or from what a
customer meeting proposes), a revision saved (a new row, whole, with who and which meeting),
and the history with what each revision changed."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.regimen.calendar import local_now, zone
from bot.regimen.charters import Charter, charter_errors, diff, from_json, tidy
from bot.services.identity import Invalid, NotAllowed, Refused, is_admin, reload_actor
from bot.services.people import regimen_of
from bot.tenancy.workspace_settings import for_workspace
from bot.views.charters import (
    CharterForm,
    CharterHistory,
    RevisionView,
    error_blocks,
)
from bot.views.text import day
from storage.models import Customer, CustomerMeeting, Person, Team, TeamCharter

NOT_ON_ROSTER = "Only people on the KYC roster keep a team charter."
NO_TEAM = "You are on no team: an admin puts you on one (App Home → Teams)."


def may_edit(person: Person, team_id: int) -> bool:
    return person.team_id == team_id or is_admin(person)


async def _team(session: AsyncSession, person: Person, team_id: int | None) -> Team:
    wanted = team_id if team_id is not None else person.team_id
    if wanted is None:
        raise NotAllowed(NO_TEAM)
    team = await session.get(Team, wanted)
    if team is None or team.workspace_id != person.workspace_id:
        raise NotAllowed("That team is not on the KYC roster.")
    if not may_edit(person, team.id):
        raise NotAllowed(f"Only members of {team.name} edit its charter.")
    return team


async def current(session: AsyncSession, ws: str, team_id: int) -> TeamCharter | None:
    return await session.scalar(
        select(TeamCharter)
        .where(TeamCharter.workspace_id == ws, TeamCharter.team_id == team_id)
        .order_by(TeamCharter.revision.desc())
        .limit(1)
    )


def as_charter(row: TeamCharter | None) -> Charter | None:
    return from_json(row.purpose, row.expectations) if row is not None else None


async def meeting_label(
    session: AsyncSession, meeting: CustomerMeeting, reader: ZoneInfo | None = None
) -> str:
    """ "Acme, Tue 1 Dec 2026": its day in the reader's zone, else the meeting's own."""
    customer = await session.get(Customer, meeting.customer_id)
    try:
        tz = reader or zone(meeting.timezone)
    except ValueError:
        tz = zone("UTC")
    name = customer.name if customer else "a customer"
    return f"{name}, {day(local_now(meeting.starts_at, tz).date())}"


async def charter_form(
    deps: Deps, person: Person | None, team_id: int | None = None, *, meeting_id: int | None = None
) -> CharterForm:
    """The edit modal: the team's current revision, or (`meeting_id`) the revision that
    customer meeting proposes, to edit before it is saved."""
    if person is None:
        raise Refused(NOT_ON_ROSTER)
    async with deps.db.unit_of_work() as session:
        me = await reload_actor(session, person)
        meeting = None
        if meeting_id is not None:
            meeting = await session.get(CustomerMeeting, meeting_id)
            if meeting is None or meeting.workspace_id != me.workspace_id:
                raise NotAllowed("That meeting is not on record.")
            team_id = meeting.team_id
        team = await _team(session, me, team_id)
        row = await current(session, me.workspace_id, team.id)
        charter = as_charter(row) or Charter("")
        if meeting is not None and meeting.proposal:
            charter = from_json(
                str(meeting.proposal.get("purpose") or charter.purpose),
                meeting.proposal.get("expectations") or [],
            )
        return CharterForm(
            team_id=team.id,
            team_name=team.name,
            purpose=charter.purpose,
            lines=charter.lines,
            revision=row.revision if row else 0,
            meeting_id=meeting.id if meeting else None,
            meeting_label=await meeting_label(session, meeting) if meeting else None,
        )


async def add_revision(
    session: AsyncSession,
    person: Person,
    team_id: int,
    charter: Charter,
    *,
    meeting_id: int | None,
    now: datetime,
) -> int:
    """A new revision (the next number), whole; returns its number."""
    latest = await session.scalar(
        select(func.max(TeamCharter.revision)).where(
            TeamCharter.workspace_id == person.workspace_id, TeamCharter.team_id == team_id
        )
    )
    revision = (latest or 0) + 1
    session.add(
        TeamCharter(
            workspace_id=person.workspace_id,
            team_id=team_id,
            revision=revision,
            purpose=charter.purpose,
            expectations=[line.as_json() for line in charter.lines],
            author_id=person.id,
            meeting_id=meeting_id,
            created_at=now,
        )
    )
    await session.flush()
    return revision


async def save_charter(
    deps: Deps,
    person: Person | None,
    team_id: int,
    purpose: str,
    lines: list[tuple[str | None, str | None]],
    *,
    meeting_id: int | None = None,
) -> int:
    """Save the typed charter as the team's next revision (answered on its fields when it
    will not do); returns the revision's number. The same charter as the latest revision
    (Slack's retried submission, a double submit, Save with nothing changed) is no new one."""
    if person is None:
        raise Refused(NOT_ON_ROSTER)
    errors = charter_errors(purpose, lines)
    if errors:
        raise Invalid(error_blocks(errors))
    charter = tidy(purpose, lines)
    for attempt in (1, 2):  # two saving at once: the second takes the next number
        try:
            async with deps.db.unit_of_work(writes=True) as session:
                me = await reload_actor(session, person)
                team = await _team(session, me, team_id)
                if meeting_id is not None:
                    meeting = await session.get(CustomerMeeting, meeting_id)
                    if meeting is None or meeting.team_id != team.id:
                        meeting_id = None
                latest = await session.scalar(
                    select(TeamCharter)
                    .where(
                        TeamCharter.workspace_id == me.workspace_id, TeamCharter.team_id == team.id
                    )
                    .order_by(TeamCharter.revision.desc())
                    .limit(1)
                )
                if (
                    latest is not None
                    and meeting_id is None
                    and from_json(latest.purpose, latest.expectations) == charter
                ):
                    return latest.revision
                return await add_revision(
                    session, me, team.id, charter, meeting_id=meeting_id, now=deps.now()
                )
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


async def charter_history(
    deps: Deps, person: Person | None, team_id: int | None = None
) -> CharterHistory:
    """Every revision, newest first, each with what it changed and the meeting behind it."""
    if person is None:
        raise Refused(NOT_ON_ROSTER)
    settings = await for_workspace(deps.db, deps.settings, person.workspace_id)
    async with deps.db.unit_of_work() as session:
        me = await reload_actor(session, person)
        tz = regimen_of(me, settings).tz  # the reader's days
        team = await _team(session, me, team_id)
        rows = list(
            await session.scalars(
                select(TeamCharter)
                .where(TeamCharter.workspace_id == me.workspace_id, TeamCharter.team_id == team.id)
                .order_by(TeamCharter.revision)
            )
        )
        authors = {
            p.id: p.name
            for p in await session.scalars(
                select(Person).where(Person.id.in_({r.author_id for r in rows if r.author_id}))
            )
        }
        labels: dict[int, str] = {}
        for r in rows:
            if r.meeting_id is not None and r.meeting_id not in labels:
                meeting = await session.get(CustomerMeeting, r.meeting_id)
                if meeting is not None:
                    labels[r.meeting_id] = await meeting_label(session, meeting, tz)
    views: list[RevisionView] = []
    before: Charter | None = None
    for r in rows:
        after = from_json(r.purpose, r.expectations)
        views.append(
            RevisionView(
                revision=r.revision,
                author=authors.get(r.author_id) if r.author_id else None,
                on=local_now(r.created_at, tz).date(),
                meeting_label=labels.get(r.meeting_id) if r.meeting_id else None,
                change=diff(before, after),
            )
        )
        before = after
    return CharterHistory(team.name, tuple(reversed(views)))
