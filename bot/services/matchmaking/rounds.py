"""Matchmaking's weekly round (scheduler: Mondays from 10:00 in the workspace's default
timezone, after the week's batches were planned the evening before; `round_due`). First the
open invitations whose touchpoint went by expire (a Join the host never answered is not the
guest's turn); then a guest with three invitations unanswered in a row is invited no more and
asked once whether they still want to meet customers (the re-ask); then
bot/regimen/matchmaking.py's `pair` matches the guests with the sources' opportunities, and
each guest is invited by DM (Join / Not this time / Snooze 4 weeks / Opt out) through the
outbox."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.regimen.calendar import iso_week_of, local_now, week_monday, zone
from bot.regimen.matchmaking import Guest, PairingStatus, Past, Rules, pair, unanswered_in_a_row
from bot.services import outbox
from bot.services.matchmaking.pairings import (
    _card,
    _guest_people,
    _hours,
    _prefs,
    invite_key,
    local_today,
)
from bot.services.matchmaking.sources import gather
from bot.settings import Settings
from bot.views.matchmaking import (
    InvitationCard,
    build_match_answered,
    build_match_invitation,
    build_reask,
)
from storage import queries
from storage.db import Database
from storage.models import MatchGuest, MatchPairing, Person

ROUND_WEEKDAY = 0  # Monday…
ROUND_TIME = time(10, 0)  # …from 10:00 in KYC_DEFAULT_TIMEZONE


def rules_of(settings: Settings) -> Rules:
    return Rules(
        every_weeks=settings.kyc_match_every_weeks,
        repeat_days=settings.kyc_match_repeat_days,
        host_weekly=settings.kyc_match_host_weekly,
    )


def round_due(settings: Settings, now: datetime) -> bool:
    """Mondays from 10:00 (workspace's default timezone): the week's batches are planned."""
    local = local_now(now, zone(settings.kyc_default_timezone))
    return local.weekday() == ROUND_WEEKDAY and local.time() >= ROUND_TIME


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
