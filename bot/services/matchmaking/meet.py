"""App Home's "Meet a customer" and matchmaking's figures: a guest's own choices (snooze four
weeks, opt out, opt back in, and the re-ask's answers; `home_choice`), their card (what is
next, snoozed or stopped, how often they met a customer in the last 90 days; `meet_home`),
and, per team that does not face customers, the share of its people who met one in the last
90 days and this quarter (`team_participation`: App Home's admin part, `kyc report`). A
joined touchpoint and the guest's own proactive contacts count once each (`met_days`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.regimen.calendar import zone
from bot.regimen.matchmaking import (
    MeetHome,
    Member,
    PairingStatus,
    TeamParticipation,
    participation,
)
from bot.regimen.types import ContactKind
from bot.services import outbox
from bot.services.identity import NotAllowed, Refused, reload_actor
from bot.services.matchmaking.pairings import (
    NOT_A_GUEST,
    SNOOZE,
    _guest_people,
    _prefs,
    _settings,
    _what_of,
    _when,
    local_today,
)
from bot.settings import Settings
from bot.views.blocks import plain_note
from bot.views.text import day
from storage.models import Contact, MatchGuest, MatchPairing, Person, Team


async def home_choice(deps: Deps, person: Person | None, choice: str) -> None:
    """App Home's "Meet a customer": "snooze", "optout" or "optin" (which also lifts a snooze
    and a stop after unanswered invitations); the re-ask's "yes" is "optin", "no" is "notnow"."""
    if person is None:
        raise Refused(NOT_A_GUEST)
    settings = await _settings(deps, person.workspace_id)
    now, today = deps.now(), local_today(settings, deps.now())
    async with deps.db.unit_of_work(writes=True) as session:
        me = await reload_actor(session, person)
        if not await is_guest(session, me):
            raise Refused(NOT_A_GUEST)
        prefs = await _prefs(session, me.workspace_id, me.id)
        if choice == "snooze":
            prefs.snoozed_until = today + SNOOZE
            said = (
                f"😴 Snoozed: no invitation to meet a customer through {day(prefs.snoozed_until)}."
            )
        elif choice == "optout":
            prefs.opted_out = True
            said = "You opted out of meeting customers. Opt back in on App Home any time."
        elif choice == "optin":
            prefs.opted_out, prefs.stopped, prefs.snoozed_until = False, False, None
            prefs.reasked_at = now  # the unanswered ones before count no more
            said = "🤝 You are in: an invitation to meet a customer comes at a next round."
        elif choice == "notnow":
            said = "No more invitations for now. Opt back in on App Home whenever you like."
        else:
            raise NotAllowed("Unknown choice.")
        if me.slack_user_id:
            await outbox.post(
                session,
                me.workspace_id,
                f"match:choice:{me.id}:{choice}:{now.isoformat()}",
                me.slack_user_id,
                plain_note(said),
            )
    deps.wake_sender()


async def is_guest(session: AsyncSession, person: Person) -> bool:
    if person.team_id is None:
        return False
    team = await session.get(Team, person.team_id)
    return team is not None and not team.customer_facing


async def meet_home(
    session: AsyncSession, settings: Settings, person: Person, now: datetime
) -> MeetHome | None:
    """App Home's "Meet a customer" for a guest; None for anyone else."""
    if not await is_guest(session, person):
        return None
    today = local_today(settings, now)
    prefs = await session.scalar(
        select(MatchGuest).where(
            MatchGuest.workspace_id == person.workspace_id, MatchGuest.person_id == person.id
        )
    )
    own = [
        p
        for p in await session.scalars(
            select(MatchPairing).where(
                MatchPairing.workspace_id == person.workspace_id,
                MatchPairing.guest_id == person.id,
            )
        )
    ]
    open_one = next(
        (
            p
            for p in own
            if p.status.open or (p.status is PairingStatus.ACCEPTED and (p.on or p.by) >= today)
        ),
        None,
    )
    met = await met_days(session, person.workspace_id, [person.id], today - timedelta(days=89))
    snoozed = (
        prefs.snoozed_until
        if prefs and prefs.snoozed_until and prefs.snoozed_until >= today
        else None
    )
    return MeetHome(
        opted_out=bool(prefs and prefs.opted_out),
        stopped=bool(prefs and prefs.stopped),
        snoozed_until=snoozed,
        next_up=f"{await _what_of(session, open_one)}, {_when(open_one)} ({open_one.status.value})"
        if open_one
        else None,
        met=len([d for d in met.get(person.id, []) if d <= today]),
    )


async def met_days(
    session: AsyncSession, workspace_id: str, people: Sequence[int], since: date
) -> dict[int, list[date]]:
    """The days each person met a customer since `since`: touchpoints they joined (accepted)
    and proactive contacts recorded as theirs (a team's customer meeting, a shift). A meeting
    they joined as a guest is also recorded as their contact (they became an attendee): it
    counts once."""
    out: dict[int, list[date]] = {p: [] for p in people}
    if not people:
        return out
    joined: set[tuple[int, int | None, date]] = set()
    for p in await session.scalars(
        select(MatchPairing).where(
            MatchPairing.workspace_id == workspace_id,
            MatchPairing.status == PairingStatus.ACCEPTED,
            MatchPairing.guest_id.in_(list(people)),
            func.coalesce(MatchPairing.on, MatchPairing.by) >= since,
        )
    ):
        out[p.guest_id].append(p.on or p.by)
        joined.add((p.guest_id, p.customer_id, p.on or p.by))
    start = datetime.combine(since, time(0), tzinfo=zone("UTC"))
    for who, customer_id, at in await session.execute(
        select(Contact.executive_id, Contact.customer_id, Contact.occurred_at).where(
            Contact.workspace_id == workspace_id,
            Contact.kind == ContactKind.PROACTIVE,
            Contact.executive_id.in_(list(people)),
            Contact.occurred_at >= start,
        )
    ):
        if who is None:
            continue
        day = at.date()  # UTC: the meeting's own day may be either side of it
        if any((who, customer_id, day + timedelta(days=d)) in joined for d in (-1, 0, 1)):
            continue
        out[who].append(day)
    return out


async def team_participation(
    session: AsyncSession, settings: Settings, workspace_id: str, now: datetime
) -> list[TeamParticipation]:
    """Per team that does not face customers: the share of its people who met a customer in
    the last 90 days and this quarter."""
    today = local_today(settings, now)
    people = await _guest_people(session, workspace_id)
    members = [Member(p.id, t.name) for p, t in people]
    since = min(today - timedelta(days=89), date(today.year, 3 * ((today.month - 1) // 3) + 1, 1))
    met = await met_days(session, workspace_id, [m.person_id for m in members], since)
    return participation(members, met, today)
