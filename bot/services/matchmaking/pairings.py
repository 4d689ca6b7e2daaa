"""What matchmaking's steps share about a pairing: how it reads in a sentence (the customer,
or "Dana's shift at the support queue"; the day, or the week of a planned call), the guest's
invitation card and the host's request drawn from it, the outbox keys of those two messages
(so a later step redraws them), who may be invited (active people of teams that do not face
customers) and their own choices (MatchGuest), a person's working hours, the workspace's
today, its settings, and the check that a pairing is the actor's own."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.regimen.calendar import iso_week_of, local_now, parse_workdays, week_monday, zone
from bot.regimen.matchmaking import OpportunityKind, Workhours
from bot.services.identity import NotAllowed
from bot.settings import Settings
from bot.tenancy.workspace_settings import for_workspace
from bot.views.matchmaking import HostRequest, InvitationCard
from bot.views.text import day
from storage.models import Customer, MatchGuest, MatchPairing, Person, Team

SNOOZE = timedelta(weeks=4)
NOT_A_GUEST = "Meeting customers is for people of teams that do not face customers."


def _hours(person: Person, settings: Settings) -> Workhours:
    tz = person.timezone or person.slack_tz or settings.kyc_default_timezone
    try:
        workdays = parse_workdays(person.workdays) if person.workdays else settings.kyc_workdays
    except ValueError:
        workdays = settings.kyc_workdays
    return Workhours(tz, tuple(workdays))


def is_shift(p: MatchPairing) -> bool:
    return p.kind == OpportunityKind.FLOOR_SHIFT.value


def _what(p: MatchPairing, host: str) -> str:
    """What the guest joins, in a sentence: the customer, or the host's shift and its place."""
    return f"{host}'s shift at the {p.customer_name}" if is_shift(p) else p.customer_name


def local_today(settings: Settings, now: datetime) -> date:
    return local_now(now, zone(settings.kyc_default_timezone)).date()


def _when(p: MatchPairing) -> str:
    if p.on is not None:
        return day(p.on)
    return f"the week of {day(week_monday(iso_week_of(p.by)))}"


def _label(kind: str) -> str:
    try:
        return OpportunityKind(kind).label
    except ValueError:
        return kind.replace("_", " ")


async def _card(session: AsyncSession, p: MatchPairing) -> InvitationCard:
    host = await session.get(Person, p.host_id)
    customer = await session.get(Customer, p.customer_id) if p.customer_id else None
    return InvitationCard(
        p.id,
        p.customer_name,
        host.name if host else "a colleague",
        host.slack_user_id if host else None,
        _when(p),
        _label(p.kind),
        customer_key=bool(customer and customer.key),
        shift=is_shift(p),
    )


async def _request(session: AsyncSession, p: MatchPairing) -> HostRequest:
    guest = await session.get(Person, p.guest_id)
    team = await session.get(Team, guest.team_id) if guest and guest.team_id else None
    return HostRequest(
        p.id,
        guest.name if guest else "a colleague",
        guest.slack_user_id if guest else None,
        team.name if team else "",
        p.customer_name,
        _when(p),
        shift=is_shift(p),
    )


def invite_key(pairing_id: int) -> str:
    return f"match:{pairing_id}:invite"


def host_key(pairing_id: int) -> str:
    return f"match:{pairing_id}:host"


async def _guest_people(session: AsyncSession, workspace_id: str) -> list[tuple[Person, Team]]:
    """Everyone who may be invited: active, in Slack, on a team that does not face customers."""
    rows = await session.execute(
        select(Person, Team)
        .join(Team, Team.id == Person.team_id)
        .where(
            Person.workspace_id == workspace_id,
            Person.active.is_(True),
            Person.erased_at.is_(None),
            Team.customer_facing.is_(False),
        )
        .order_by(Person.id)
    )
    return [(p, t) for p, t in rows]


async def _prefs(session: AsyncSession, workspace_id: str, person_id: int) -> MatchGuest:
    found = await session.scalar(
        select(MatchGuest).where(
            MatchGuest.workspace_id == workspace_id, MatchGuest.person_id == person_id
        )
    )
    if found is None:
        found = MatchGuest(workspace_id=workspace_id, person_id=person_id)
        session.add(found)
        await session.flush()
    return found


async def _settings(deps: Deps, workspace_id: str) -> Settings:
    return await for_workspace(deps.db, deps.settings, workspace_id)


async def _mine(session: AsyncSession, me: Person, pairing_id: int, *, host: bool) -> MatchPairing:
    p = await session.get(MatchPairing, pairing_id)
    if p is None or p.workspace_id != me.workspace_id:
        raise NotAllowed("That invitation is no longer there.")
    if (p.host_id if host else p.guest_id) != me.id:
        raise NotAllowed("That invitation is someone else's.")
    return p


async def _what_of(session: AsyncSession, p: MatchPairing) -> str:
    host = await session.get(Person, p.host_id) if is_shift(p) else None
    return _what(p, host.name if host else "a leader")
