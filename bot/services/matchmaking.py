"""Use cases: matchmaking. People of teams that do not face customers (Team.customer_facing
false) are invited, every few weeks, to join an upcoming customer touchpoint; the rules of a
round are bot/regimen/matchmaking.py's.

Opportunities come from sources, one async function each (`SOURCES`): the executives' planned
customers of the week (batch_entries: host = the executive), and leaders' confirmed
back-to-the-floor shifts of the next four weeks (floor_shifts: host = the leader, no customer;
the pairing's `customer_name` holds the place, and every message then speaks of "Dana's
back-to-the-floor shift at the support queue", as the floor's own record reads), and teams'
formal customer meetings of the next four weeks not yet held (customer_meetings: host = the
organiser). Another kind of touchpoint is one more function returning Opportunity rows.

The flow, every message through the outbox: the weekly round (scheduler: Mondays from 10:00
in the workspace's default timezone, after the week's batches are planned the evening
before) invites each guest by DM (Join / Not this time / Snooze 4 weeks / Opt out); Join asks
the host (Accept / Decline), and both are told the outcome; the day after the touchpoint the
guest is asked "What did you learn?" (a modal, kept before the ack). An invitation whose
touchpoint went by unanswered expires; after three in a row the guest is invited no more and
asked once whether they still want to meet customers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.ids import Block
from bot.regimen.calendar import iso_week_of, local_now, parse_workdays, week_monday, zone
from bot.regimen.floor import ShiftStatus
from bot.regimen.floor import ask_due as first_working_day_after
from bot.regimen.matchmaking import (
    Guest,
    MeetHome,
    Member,
    Opportunity,
    OpportunityKind,
    PairingStatus,
    Past,
    Rules,
    TeamParticipation,
    Workhours,
    pair,
    participation,
    unanswered_in_a_row,
)
from bot.regimen.types import BatchStatus, ContactKind, RecoveryStatus
from bot.services import holidays, inbox, outbox
from bot.services.identity import Invalid, NotAllowed, Refused, reload_actor
from bot.services.people import regimen_of
from bot.settings import Settings
from bot.tenancy.workspace_settings import for_workspace
from bot.views.blocks import plain_note
from bot.views.matchmaking import (
    HostRequest,
    InvitationCard,
    build_host_answered,
    build_host_request,
    build_learn_ask,
    build_match_answered,
    build_match_invitation,
    build_reask,
)
from bot.views.text import day
from storage import queries
from storage.db import Database
from storage.models import (
    BatchEntry,
    Contact,
    Customer,
    CustomerMeeting,
    FloorShift,
    MatchGuest,
    MatchPairing,
    Person,
    Recovery,
    Submission,
    Team,
)

ROUND_WEEKDAY = 0  # Monday…
ROUND_TIME = time(10, 0)  # …from 10:00 in KYC_DEFAULT_TIMEZONE
SNOOZE = timedelta(weeks=4)
NOT_A_GUEST = "Meeting customers is for people of teams that do not face customers."

Source = Callable[[AsyncSession, str, date, Settings], Awaitable[list[Opportunity]]]


def _hours(person: Person, settings: Settings) -> Workhours:
    tz = person.timezone or person.slack_tz or settings.kyc_default_timezone
    try:
        workdays = parse_workdays(person.workdays) if person.workdays else settings.kyc_workdays
    except ValueError:
        workdays = settings.kyc_workdays
    return Workhours(tz, tuple(workdays))


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


def is_shift(p: MatchPairing) -> bool:
    return p.kind == OpportunityKind.FLOOR_SHIFT.value


def _what(p: MatchPairing, host: str) -> str:
    """What the guest joins, in a sentence: the customer, or the host's shift and its place."""
    return f"{host}'s shift at the {p.customer_name}" if is_shift(p) else p.customer_name


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


def rules_of(settings: Settings) -> Rules:
    return Rules(
        every_weeks=settings.kyc_match_every_weeks,
        repeat_days=settings.kyc_match_repeat_days,
        host_weekly=settings.kyc_match_host_weekly,
    )


def local_today(settings: Settings, now: datetime) -> date:
    return local_now(now, zone(settings.kyc_default_timezone)).date()


def round_due(settings: Settings, now: datetime) -> bool:
    """Mondays from 10:00 (workspace's default timezone): the week's batches are planned."""
    local = local_now(now, zone(settings.kyc_default_timezone))
    return local.weekday() == ROUND_WEEKDAY and local.time() >= ROUND_TIME


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


async def _all_prefs(session: AsyncSession, workspace_id: str) -> dict[int, MatchGuest]:
    rows = await session.scalars(select(MatchGuest).where(MatchGuest.workspace_id == workspace_id))
    return {g.person_id: g for g in rows}


async def _pairings(session: AsyncSession, workspace_id: str) -> list[MatchPairing]:
    return list(
        await session.scalars(
            select(MatchPairing)
            .where(MatchPairing.workspace_id == workspace_id)
            .order_by(MatchPairing.invited_on.desc(), MatchPairing.id.desc())
        )
    )


async def _expire(session: AsyncSession, workspace_id: str, today: date) -> None:
    """Open invitations whose touchpoint went by: unanswered (the guest's) or, when the host
    never answered a Join, not the guest's turn (they are invited again next round)."""
    still_open = await session.scalars(
        select(MatchPairing).where(
            MatchPairing.workspace_id == workspace_id,
            MatchPairing.status.in_([PairingStatus.INVITED, PairingStatus.JOINED]),
            func.coalesce(MatchPairing.on, MatchPairing.by) < today,
        )
    )
    for p in still_open:
        guest = await session.get(Person, p.guest_id)
        if p.status is PairingStatus.INVITED:
            p.status, note = PairingStatus.EXPIRED, "This one went by."
        else:
            p.status, note = PairingStatus.HOST_DECLINED, "The host did not answer in time."
        if guest is not None and guest.slack_user_id:
            card = await _card(session, p)
            await outbox.update(
                session,
                workspace_id,
                f"match:{p.id}:went-by",
                invite_key(p.id),
                build_match_answered(card, note),
            )


async def _stop_the_silent(
    session: AsyncSession, workspace_id: str, rules: Rules, now: datetime
) -> None:
    """Three invitations unanswered in a row (since the last re-ask): no more invitations,
    and one gentle re-ask."""
    by_guest: dict[int, list[MatchPairing]] = {}
    for p in await _pairings(session, workspace_id):
        by_guest.setdefault(p.guest_id, []).append(p)
    prefs = await _all_prefs(session, workspace_id)
    for guest_id, pairings in by_guest.items():
        mine = prefs.get(guest_id)
        if mine is not None and (mine.stopped or mine.opted_out):
            continue
        since = mine.reasked_at if mine is not None else None
        recent = [p.status for p in pairings if since is None or p.created_at > since]
        if unanswered_in_a_row(recent) < rules.stop_after_unanswered:
            continue
        mine = mine or await _prefs(session, workspace_id, guest_id)
        mine.stopped, mine.reasked_at = True, now
        person = await session.get(Person, guest_id)
        if person is not None and person.slack_user_id:
            await outbox.post(
                session,
                workspace_id,
                f"match:reask:{guest_id}:{now.isoformat()}",
                person.slack_user_id,
                build_reask(),
            )


async def run_round(db: Database, settings: Settings, workspace_id: str, *, now: datetime) -> int:
    """The weekly round: expire what went by, stop the silent, invite. Returns invitations."""
    rules, today = rules_of(settings), local_today(settings, now)
    async with db.unit_of_work(writes=True) as session:
        if not await queries.try_workspace_lock(session, workspace_id, "match"):
            return 0
        await _expire(session, workspace_id, today)
        await _stop_the_silent(session, workspace_id, rules, now)
        people = await _guest_people(session, workspace_id)
        if not people:
            return 0
        prefs = await _all_prefs(session, workspace_id)
        pairings = await _pairings(session, workspace_id)
        taken = {(p.guest_id, p.ref) for p in pairings}
        monday = week_monday(iso_week_of(today))
        load: dict[int, int] = {}
        for p in pairings:
            if p.invited_on >= monday and p.status.counts_for_cadence:
                load[p.host_id] = load.get(p.host_id, 0) + 1
        guests = []
        for person, _team in people:
            if not person.slack_user_id:
                continue
            mine = prefs.get(person.id)
            own = [p for p in pairings if p.guest_id == person.id]
            counted = [p.invited_on for p in own if p.status.counts_for_cadence]
            guests.append(
                Guest(
                    person.id,
                    _hours(person, settings),
                    last_invited_on=max(counted, default=None),
                    open_invitation=any(p.status.open for p in own),
                    opted_out=bool(mine and mine.opted_out),
                    # a pause (vacation) waits like a snooze
                    snoozed_until=max(
                        (
                            d
                            for d in (mine.snoozed_until if mine else None, person.paused_until)
                            if d
                        ),
                        default=None,
                    ),
                    stopped=bool(mine and mine.stopped),
                )
            )
        history = [Past(p.guest_id, p.customer_id, p.invited_on) for p in pairings]
        found = await gather(session, workspace_id, today, settings)
        invited = 0
        for inv in pair(today, guests, found, history, rules, load):
            opp = inv.opportunity
            if (inv.guest_id, opp.ref) in taken:
                continue
            row = MatchPairing(
                workspace_id=workspace_id,
                guest_id=inv.guest_id,
                host_id=opp.host_person_id,
                customer_id=opp.customer_id,
                customer_name=opp.customer_name[:200],
                kind=opp.kind,
                ref=opp.ref,
                on=opp.on,
                by=opp.by,
                status=PairingStatus.INVITED,
                invited_on=today,
                created_at=now,
            )
            session.add(row)
            await session.flush()
            guest = await session.get(Person, inv.guest_id)
            assert guest is not None and guest.slack_user_id
            card = await _card(session, row)
            if opp.what_to_expect:
                card = InvitationCard(**{**card.__dict__, "what_to_expect": opp.what_to_expect})
            await outbox.post(
                session,
                workspace_id,
                invite_key(row.id),
                guest.slack_user_id,
                build_match_invitation(card),
                ref_kind="match",
                ref_id=row.id,
            )
            invited += 1
        return invited


async def ask_what_was_learned(
    db: Database, settings: Settings, workspace_id: str, *, now: datetime
) -> int:
    """After an accepted touchpoint: "What did you learn?", once per pairing, from the guest's
    nudge time on their first working day after it (not at midnight, not on a weekend)."""
    today = local_today(settings, now)
    asked = 0
    async with db.unit_of_work(writes=True) as session:
        cal = await holidays.calendar(session, workspace_id)
        rows = await session.scalars(
            select(MatchPairing).where(
                MatchPairing.workspace_id == workspace_id,
                MatchPairing.status == PairingStatus.ACCEPTED,
                MatchPairing.learn_asked_at.is_(None),
            )
        )
        for p in rows:
            if (p.on or p.by) >= today:
                continue
            guest = await session.get(Person, p.guest_id)
            host = await session.get(Person, p.host_id)
            if guest is not None and not first_working_day_after(
                regimen_of(guest, settings, cal), p.on or p.by, now
            ):
                continue
            p.learn_asked_at = now
            if guest is None or not guest.slack_user_id:
                continue
            await outbox.post(
                session,
                workspace_id,
                f"match:{p.id}:learn",
                guest.slack_user_id,
                build_learn_ask(
                    p.id, p.customer_name, host.name if host else "your host", shift=is_shift(p)
                ),
            )
            asked += 1
    return asked


async def _settings(deps: Deps, workspace_id: str) -> Settings:
    return await for_workspace(deps.db, deps.settings, workspace_id)


async def _mine(session: AsyncSession, me: Person, pairing_id: int, *, host: bool) -> MatchPairing:
    p = await session.get(MatchPairing, pairing_id)
    if p is None or p.workspace_id != me.workspace_id:
        raise NotAllowed("That invitation is no longer there.")
    if (p.host_id if host else p.guest_id) != me.id:
        raise NotAllowed("That invitation is someone else's.")
    return p


@dataclass(frozen=True)
class Answered:
    status: PairingStatus
    changed: bool


async def guest_answer(deps: Deps, person: Person | None, pairing_id: int, answer: str) -> Answered:
    """The guest's click on their invitation: "join", "pass", "snooze" or "optout". The
    invitation is redrawn with the answer; Join asks the host. A second click does nothing."""
    if person is None:
        raise Refused(NOT_A_GUEST)
    settings = await _settings(deps, person.workspace_id)
    now, today = deps.now(), local_today(settings, deps.now())
    async with deps.db.unit_of_work(writes=True) as session:
        me = await reload_actor(session, person)
        p = await _mine(session, me, pairing_id, host=False)
        if p.status is not PairingStatus.INVITED:
            return Answered(p.status, False)
        prefs = await _prefs(session, me.workspace_id, me.id)
        prefs.stopped = False
        card = await _card(session, p)
        host = await session.get(Person, p.host_id)
        if answer == "join":
            p.status, said = (
                PairingStatus.JOINED,
                f"✅ You asked to join; {card.host_name} confirms.",
            )
            if host is not None and host.slack_user_id:
                await outbox.post(
                    session,
                    me.workspace_id,
                    host_key(p.id),
                    host.slack_user_id,
                    build_host_request(await _request(session, p)),
                )
        elif answer == "pass":
            weeks = settings.kyc_match_every_weeks
            p.status = PairingStatus.PASSED
            said = f"Not this time: the next invitation comes in about {weeks} weeks."
        elif answer == "snooze":
            p.status, prefs.snoozed_until = PairingStatus.SNOOZED, today + SNOOZE
            said = f"😴 Snoozed: no invitation through {day(prefs.snoozed_until)}."
        elif answer == "optout":
            p.status, prefs.opted_out = PairingStatus.OPTED_OUT, True
            said = "You opted out: no more invitations. Opt back in on App Home any time."
        else:
            raise NotAllowed("Pick Join, Not this time, Snooze or Opt out.")
        p.answered_at = now
        await outbox.update(
            session,
            me.workspace_id,
            f"match:{p.id}:answered",
            invite_key(p.id),
            build_match_answered(card, said),
        )
    deps.wake_sender()
    return Answered(p.status, True)


async def host_answer(deps: Deps, person: Person | None, pairing_id: int, accept: bool) -> Answered:
    """The host's one click: both are told the outcome; a second click does nothing."""
    if person is None:
        raise Refused("You are not on the KYC roster.")
    async with deps.db.unit_of_work(writes=True) as session:
        me = await reload_actor(session, person)
        p = await _mine(session, me, pairing_id, host=True)
        if p.status is not PairingStatus.JOINED:
            return Answered(p.status, False)
        p.status = PairingStatus.ACCEPTED if accept else PairingStatus.HOST_DECLINED
        p.host_answered_at = deps.now()
        req = await _request(session, p)
        guest = await session.get(Person, p.guest_id)
        if accept:
            to_host = f"Accepted: send {req.guest_name} the time and the invite."
            to_guest = (
                f"🎉 {me.name} accepted: you join {_what(p, me.name)}, {_when(p)}. "
                f"{me.name} sends you the time and the invite."
            )
        else:
            to_host = f"Declined: {req.guest_name} is told, kindly."
            to_guest = (
                f"{me.name} cannot take a guest with {_what(p, me.name)} this time. "
                "You will be invited to another customer at the next round."
            )
        ws = me.workspace_id
        if accept and guest is not None and p.kind == OpportunityKind.TEAM_MEETING.value:
            from bot.services.meetings import guest_accepted  # meetings imports this module

            settings = await _settings(deps, ws)
            meeting_id = int(p.ref.removeprefix("meeting:"))
            await guest_accepted(session, settings, meeting_id, guest, now=deps.now())
        await outbox.update(
            session,
            ws,
            f"match:{p.id}:host:answered",
            host_key(p.id),
            build_host_answered(req, to_host),
        )
        if me.slack_user_id:
            await outbox.post(
                session, ws, f"match:{p.id}:outcome:host", me.slack_user_id, plain_note(to_host)
            )
        if guest is not None and guest.slack_user_id:
            await outbox.post(
                session,
                ws,
                f"match:{p.id}:outcome:guest",
                guest.slack_user_id,
                plain_note(to_guest),
            )
    deps.wake_sender()
    return Answered(p.status, True)


@dataclass(frozen=True)
class LearnForm:
    pairing_id: int
    customer_name: str
    shift: bool = False


async def learn_form(deps: Deps, person: Person | None, pairing_id: int) -> LearnForm:
    if person is None:
        raise Refused(NOT_A_GUEST)
    async with deps.db.unit_of_work() as session:
        me = await reload_actor(session, person)
        p = await _mine(session, me, pairing_id, host=False)
        if p.status is not PairingStatus.ACCEPTED:
            raise NotAllowed("That customer meeting did not take place.")
        return LearnForm(p.id, p.customer_name, is_shift(p))


async def submit_learned(
    deps: Deps, person: Person | None, pairing_id: int, text: str, *, request_key: str
) -> inbox.Received:
    """ "What did you learn?": kept as typed before Slack hears back, stored right after."""
    if not text:
        raise Invalid({Block.MATCH_LEARNED: "A sentence or two: what did you learn?"})
    await learn_form(deps, person, pairing_id)  # theirs, and it took place
    assert person is not None
    payload = {"p": pairing_id, "text": text}
    return await inbox.keep(deps, person, "match_learned", payload, request_key=request_key)


@inbox.handles("match_learned")
async def learned(deps: Deps, session: AsyncSession, me: Person, kept: Submission) -> None:
    p = await _mine(session, me, int(kept.payload["p"]), host=False)
    p.learned, p.learned_at = str(kept.payload["text"]), kept.received_at
    if me.slack_user_id:
        await outbox.post(
            session,
            me.workspace_id,
            f"match:{p.id}:learned",
            me.slack_user_id,
            plain_note(
                f"Thank you: what you learned at the {p.customer_name} is kept."
                if is_shift(p)
                else f"Thank you: what you learned at {p.customer_name} is kept."
            ),
        )


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


async def _what_of(session: AsyncSession, p: MatchPairing) -> str:
    host = await session.get(Person, p.host_id) if is_shift(p) else None
    return _what(p, host.name if host else "a leader")


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


# A touchpoint moved or cancelled (bot/services/meetings.py, bot/services/floor.py): its
# pairings still going follow it.


async def _subject(session: AsyncSession, p: MatchPairing) -> str:
    """ "Dana's shift at the support queue", "A formal customer meeting with Acme Corp"."""
    if is_shift(p):
        return await _what_of(session, p)
    return f"{_label(p.kind)[:1].upper()}{_label(p.kind)[1:]} with {p.customer_name}"


FOLLOWING = (PairingStatus.INVITED, PairingStatus.JOINED, PairingStatus.ACCEPTED)


async def _following(session: AsyncSession, workspace_id: str, ref: str) -> list[MatchPairing]:
    return list(
        await session.scalars(
            select(MatchPairing)
            .where(
                MatchPairing.workspace_id == workspace_id,
                MatchPairing.ref == ref,
                MatchPairing.status.in_(FOLLOWING),
            )
            .order_by(MatchPairing.id)
        )
    )


async def accepted_guests(session: AsyncSession, workspace_id: str, ref: str) -> list[int]:
    """The guests a host accepted for the touchpoint `ref`."""
    return [
        p.guest_id
        for p in await _following(session, workspace_id, ref)
        if p.status is PairingStatus.ACCEPTED
    ]


async def follow_touchpoint(
    session: AsyncSession, workspace_id: str, ref: str, on: date, *, told: Collection[int] = ()
) -> int:
    """The touchpoint `ref` moved to `on`: its pairings still going (invited, joined,
    accepted) follow it (`on` and `by`), and each guest is told the new day once, unless in
    `told` (told already, as an attendee); an unanswered invitation is redrawn with the new
    day. Returns how many pairings moved."""
    moved = 0
    for p in await _following(session, workspace_id, ref):
        if p.on == on:
            continue
        was = _when(p)
        p.on, p.by = on, on
        moved += 1
        guest = await session.get(Person, p.guest_id)
        if guest is None or not guest.slack_user_id:
            continue
        card = await _card(session, p)
        if p.status is PairingStatus.INVITED:
            await outbox.update(
                session,
                workspace_id,
                f"match:{p.id}:invite:{on.isoformat()}",
                invite_key(p.id),
                build_match_invitation(card),
            )
        if p.status is PairingStatus.JOINED:  # the host's question names the new day
            await outbox.update(
                session,
                workspace_id,
                f"match:{p.id}:host:{on.isoformat()}",
                host_key(p.id),
                build_host_request(await _request(session, p)),
            )
        if guest.id in told:
            continue
        what = await _subject(session, p)
        await outbox.post(
            session,
            workspace_id,
            f"match:{p.id}:moved:{on.isoformat()}",
            guest.slack_user_id,
            plain_note(f"🗓 {what} moved: it is now {_when(p)} (was {was})."),
        )
    return moved


async def cancel_touchpoint(
    session: AsyncSession, workspace_id: str, ref: str, why: str, *, told: Collection[int] = ()
) -> int:
    """The touchpoint `ref` is cancelled: its pairings still going are cancelled (a status that
    is nobody's answer, so it neither counts as the guest's turn nor as unanswered), their
    invitation or the host's request redrawn without buttons, and each guest told once
    (unless in `told`). Returns how many were cancelled."""
    cancelled = 0
    for p in await _following(session, workspace_id, ref):
        was = p.status
        what = await _subject(session, p)
        when = _when(p)
        p.status = PairingStatus.CANCELLED
        cancelled += 1
        note = f"Cancelled: {why}"
        if was is PairingStatus.INVITED:
            await outbox.update(
                session,
                workspace_id,
                f"match:{p.id}:cancelled:invite",
                invite_key(p.id),
                build_match_answered(await _card(session, p), note),
            )
        if was is PairingStatus.JOINED:
            await outbox.update(
                session,
                workspace_id,
                f"match:{p.id}:cancelled:host",
                host_key(p.id),
                build_host_answered(await _request(session, p), note),
            )
        guest = await session.get(Person, p.guest_id)
        if guest is None or not guest.slack_user_id or guest.id in told:
            continue
        await outbox.post(
            session,
            workspace_id,
            f"match:{p.id}:cancelled",
            guest.slack_user_id,
            plain_note(
                f"✖️ {what}, {when}, is cancelled ({why}). "
                "You will be invited to another customer at a next round."
            ),
        )
    return cancelled
