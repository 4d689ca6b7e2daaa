"""Insights into action: what customers said at touchpoints, tagged to themes; a theme that
recurs across customers put to its team's lead, made an action point (posted to the team's
channel as a thread) or dismissed with a reason; done, each executive is asked to tell their
customers who raised it what came of it. The rules: bot/regimen/themes.py.

A team's lead (regimen.themes.lead_of): its admin, else its executive, else the manager most
of its members report to. A built-in theme of a customer with no team, nor executive's team,
is the workspace's: its lead is the first admin. With no lead reachable by DM, the candidate
goes to the team's channel."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.regimen import themes as rules
from bot.regimen.calendar import local_now, zone
from bot.regimen.types import Role
from bot.services import inbox, outbox
from bot.services.identity import NotAllowed, colleague, is_admin, reload_actor, require_enrolled
from bot.settings import Settings
from bot.views import themes as views
from bot.views.data import InsightInput
from bot.views.data import Person as Shown
from storage import queries
from storage import themes as theme_store
from storage.db import Database
from storage.models import (
    Contact,
    Customer,
    FloorShift,
    Insight,
    Person,
    Submission,
    Team,
    ThemeCandidate,
    ThemeStatus,
)

log = logging.getLogger("kyc.themes")

SCAN_WEEKDAY = 0  # Mondays, from SCAN_HOUR in the workspace's default timezone
SCAN_HOUR = 7
ROSTER_ONLY = "Only people on the KYC roster act on customer themes."


def keep_insights(
    session: AsyncSession,
    contact: Contact,
    insights: Sequence[InsightInput],
    customer: Customer,
    executive: Person,
) -> None:
    """A touchpoint's insights as rows: a team tag is its team's; a built-in theme belongs to
    the customer's team (else the executive's)."""
    for i in insights:
        team_id = i.team_id if i.team_id is not None else customer.team_id or executive.team_id
        session.add(
            Insight(
                workspace_id=contact.workspace_id,
                customer_id=customer.id,
                contact_id=contact.id,
                field=i.field,
                text=i.text,
                theme=i.theme,
                team_id=team_id if i.theme else None,
                created_at=contact.created_at,
            )
        )


def scan_due(settings: Settings, now: datetime) -> bool:
    local = local_now(now, zone(settings.kyc_default_timezone))
    return local.weekday() == SCAN_WEEKDAY and local.hour >= SCAN_HOUR


def review_due(settings: Settings, now: datetime) -> bool:
    """The quarterly review reminder goes out on a working day of the workspace, from its
    nudge time (not at midnight on New Year's Day)."""
    local = local_now(now, zone(settings.kyc_default_timezone))
    return local.weekday() in settings.kyc_workdays and local.time() >= settings.kyc_nudge_time


def candidate_key(c: ThemeCandidate) -> str:
    return f"theme:{c.id}:raised"


async def raise_themes(db: Database, ws: str, *, now: datetime) -> int:
    """The weekly grouping: each theme newly recurring is stored and put to its team's lead
    (one DM, through the outbox). Returns how many were raised. One process at a time per
    workspace: two workers' schedulers at once must not raise a theme twice."""
    async with db.unit_of_work(writes=True) as session:
        if not await queries.try_workspace_lock(session, ws, "themes"):
            return 0
        start = now - timedelta(days=rules.WINDOW_DAYS)
        rows = await session.scalars(
            select(Insight).where(
                Insight.workspace_id == ws,
                Insight.theme.is_not(None),
                Insight.created_at >= start,
                Insight.created_at <= now,
            )
        )
        said = [
            rules.Said(i.id, i.customer_id, i.theme or "", i.team_id, i.created_at) for i in rows
        ]
        past = [
            rules.Past((c.theme, c.team_id), c.status.value, c.done_at or c.dismissed_at)
            for c in await session.scalars(
                select(ThemeCandidate).where(ThemeCandidate.workspace_id == ws)
            )
        ]
        found = rules.recurring(said, past, now)
        for cand in found:
            theme, team_id = cand.key
            lead = await lead_of_team(session, ws, team_id)
            row = ThemeCandidate(
                workspace_id=ws,
                theme=theme,
                team_id=team_id,
                status=ThemeStatus.RAISED,
                insight_ids=list(cand.insight_ids),
                lead_id=lead.id if lead else None,
                raised_at=now,
            )
            session.add(row)
            await session.flush()
            card = await theme_card(session, row)
            channel = await _lead_channel(session, row, lead)
            if channel:
                await outbox.post(
                    session, ws, candidate_key(row), channel, views.build_theme_candidate(card)
                )
            else:
                log.warning("theme %s of team %s: no lead nor channel to tell", theme, team_id)
    return len(found)


async def lead_of_team(session: AsyncSession, ws: str, team_id: int | None) -> Person | None:
    if team_id is None:
        return await session.scalar(
            select(Person)
            .where(Person.workspace_id == ws, Person.role == Role.ADMIN, Person.active.is_(True))
            .order_by(Person.id)
            .limit(1)
        )
    members = list(
        await session.scalars(
            select(Person).where(
                Person.workspace_id == ws, Person.team_id == team_id, Person.active.is_(True)
            )
        )
    )
    lead_id = rules.lead_of([rules.Member(p.id, p.role.value, p.manager_id) for p in members])
    return await session.get(Person, lead_id) if lead_id else None


async def _lead_channel(
    session: AsyncSession, cand: ThemeCandidate, lead: Person | None
) -> str | None:
    if lead is not None and lead.active and lead.slack_user_id:
        return lead.slack_user_id
    team = await session.get(Team, cand.team_id) if cand.team_id else None
    return team.channel_id if team else None


async def theme_card(
    session: AsyncSession, cand: ThemeCandidate, state: str | None = None
) -> views.ThemeCard:
    rows = await session.execute(
        select(Insight.text, Customer.name, FloorShift.place, Person.name)
        .outerjoin(Customer, Customer.id == Insight.customer_id)
        .outerjoin(FloorShift, FloorShift.id == Insight.floor_shift_id)
        .outerjoin(Person, Person.id == FloorShift.executive_id)
        .where(Insight.id.in_(list(cand.insight_ids or [0])))
        .order_by(Insight.created_at.desc(), Insight.id.desc())
    )
    quotes, names = [], set()
    for text, customer, place, leader in rows:
        if customer is not None:
            names.add(customer)
            quotes.append(views.QuoteLine(customer, text))
        else:  # heard on a shift: supporting evidence, no customer of the count
            where = f"at the {place}" if place else "on the floor"
            quotes.append(views.QuoteLine(f"{leader or 'a leader'}'s shift {where}", text))
    customers = tuple(sorted(names))
    team = await session.get(Team, cand.team_id) if cand.team_id else None
    return views.ThemeCard(
        candidate_id=cand.id,
        theme=rules.theme_label(cand.theme),
        team=team.name if team else None,
        customers=customers,
        quotes=tuple(quotes),
        state=state,
    )


async def _candidate(session: AsyncSession, actor: Person, candidate_id: int) -> ThemeCandidate:
    """The candidate, when the actor may decide on it: its lead, an admin, or its team."""
    cand = await session.get(ThemeCandidate, candidate_id)
    if cand is None or cand.workspace_id != actor.workspace_id:
        raise NotAllowed("That theme no longer exists.")
    if not (
        is_admin(actor)
        or cand.lead_id == actor.id
        or (cand.team_id is not None and cand.team_id == actor.team_id)
    ):
        raise NotAllowed("Only the team's lead, its members or an admin decide on this theme.")
    return cand


async def theme_form(deps: Deps, person: Person | None, candidate_id: int) -> views.ThemeCard:
    """The candidate as the action point and dismissal modals show it."""
    me = require_enrolled(person, ROSTER_ONLY)
    async with deps.db.unit_of_work() as session:
        cand = await _candidate(session, await reload_actor(session, me), candidate_id)
        if cand.status != ThemeStatus.RAISED:
            raise NotAllowed("This theme was decided already.")
        return await theme_card(session, cand)


async def submit_action(
    deps: Deps,
    person: Person | None,
    candidate_id: int,
    action: views.ActionInput,
    *,
    request_key: str,
) -> inbox.Received:
    """Kept before Slack hears back; `acted` stores it right after."""
    me = require_enrolled(person, ROSTER_ONLY)
    async with deps.db.unit_of_work() as session:
        await _candidate(session, await reload_actor(session, me), candidate_id)
    payload = {
        "candidate": candidate_id,
        "text": action.text,
        "owner": action.owner_user_id,
        "due": action.due_on.isoformat() if action.due_on else None,
    }
    return await inbox.keep(deps, me, "theme_act", payload, request_key=request_key)


def action_parent_key(candidate_id: int) -> str:
    return f"theme:{candidate_id}:action"


def action_reply_key(candidate_id: int) -> str:
    return f"theme:{candidate_id}:action-reply"


@inbox.handles("theme_act")
async def acted(deps: Deps, session: AsyncSession, me: Person, kept: Submission) -> None:
    payload = kept.payload
    now = kept.received_at
    cand = await _candidate(session, me, int(payload["candidate"]))
    if cand.status != ThemeStatus.RAISED:
        return  # decided already (a second submission, or someone else first)
    owner = await colleague(session, me.workspace_id, str(payload["owner"]))
    cand.status = ThemeStatus.ACTION
    cand.action_text = str(payload["text"])
    cand.owner_id = owner.id
    cand.due_on = date.fromisoformat(payload["due"]) if payload.get("due") else None
    cand.acted_at = now
    cand.acted_by_id = me.id
    ws = cand.workspace_id
    card = await theme_card(session, cand)
    team = await session.get(Team, cand.team_id) if cand.team_id else None
    channel = (team.channel_id if team else None) or owner.slack_user_id or me.slack_user_id or ""
    cand.channel_id = channel
    parent = action_parent_key(cand.id)
    await outbox.post(session, ws, parent, channel, views.build_action_point_parent(card))
    await outbox.post(
        session,
        ws,
        action_reply_key(cand.id),
        channel,
        views.build_action_point_reply(_point(cand, card, owner)),
        thread_of=parent,
    )
    state = f"📌 Made an action point by {me.name}, owner {owner.name}."
    await outbox.update(
        session,
        ws,
        f"theme:{cand.id}:raised-update",
        candidate_key(cand),
        views.build_theme_candidate(await theme_card(session, cand, state)),
    )


def _point(
    cand: ThemeCandidate,
    card: views.ThemeCard,
    owner: Person | None,
    done_by: Person | None = None,
) -> views.ActionPoint:
    return views.ActionPoint(
        candidate_id=cand.id,
        theme=card.theme,
        text=cand.action_text or "",
        owner=Shown(owner.name, owner.slack_user_id) if owner else None,
        due_on=cand.due_on,
        done=cand.status == ThemeStatus.DONE,
        done_by=Shown(done_by.name, done_by.slack_user_id) if done_by else None,
    )


async def submit_dismissal(
    deps: Deps, person: Person | None, candidate_id: int, reason: str, *, request_key: str
) -> inbox.Received:
    me = require_enrolled(person, ROSTER_ONLY)
    async with deps.db.unit_of_work() as session:
        await _candidate(session, await reload_actor(session, me), candidate_id)
    payload = {"candidate": candidate_id, "reason": reason}
    return await inbox.keep(deps, me, "theme_dismiss", payload, request_key=request_key)


@inbox.handles("theme_dismiss")
async def dismissed(deps: Deps, session: AsyncSession, me: Person, kept: Submission) -> None:
    payload = kept.payload
    cand = await _candidate(session, me, int(payload["candidate"]))
    if cand.status != ThemeStatus.RAISED:
        return
    cand.status = ThemeStatus.DISMISSED
    cand.dismissed_reason = str(payload["reason"])
    cand.dismissed_at = kept.received_at
    cand.dismissed_by_id = me.id
    state = f"Dismissed by {me.name}: {cand.dismissed_reason}"
    await outbox.update(
        session,
        cand.workspace_id,
        f"theme:{cand.id}:raised-update",
        candidate_key(cand),
        views.build_theme_candidate(await theme_card(session, cand, state[:1500])),
    )


async def close_action(deps: Deps, person: Person | None, candidate_id: int) -> bool:
    """The action point's Done: its thread says so, and each executive whose customers raised
    the theme gets one DM listing them. False when it was done already (a double click)."""
    me = require_enrolled(person, ROSTER_ONLY)
    async with deps.db.unit_of_work(writes=True) as session:
        actor = await reload_actor(session, me)
        cand = await session.get(ThemeCandidate, candidate_id)
        if cand is None or cand.workspace_id != actor.workspace_id:
            raise NotAllowed("That action point no longer exists.")
        allowed = (
            is_admin(actor)
            or cand.owner_id == actor.id
            or cand.lead_id == actor.id
            or (cand.team_id is not None and cand.team_id == actor.team_id)
        )
        if not allowed:
            raise NotAllowed("Only its owner, the team, its lead or an admin can close it.")
        if cand.status != ThemeStatus.ACTION:
            return False
        cand.status = ThemeStatus.DONE
        cand.done_at = deps.now()
        cand.done_by_id = actor.id
        await _tell_done(session, cand, actor)
    deps.wake_sender()
    return True


async def _tell_done(session: AsyncSession, cand: ThemeCandidate, actor: Person) -> None:
    ws = cand.workspace_id
    card = await theme_card(session, cand)
    owner = await session.get(Person, cand.owner_id) if cand.owner_id else None
    point = _point(cand, card, owner, done_by=actor)
    await outbox.update(
        session,
        ws,
        f"theme:{cand.id}:done-update",
        action_reply_key(cand.id),
        views.build_action_point_reply(point),
    )
    if cand.channel_id:  # None: its thread was the DM of someone since erased
        await outbox.post(
            session,
            ws,
            f"theme:{cand.id}:done-note",
            cand.channel_id,
            views.build_action_point_done_note(point),
            thread_of=action_parent_key(cand.id),
        )
    rows = await session.execute(
        select(Customer.executive_id, Customer.name)
        .join(Insight, Insight.customer_id == Customer.id)
        .where(Insight.id.in_(list(cand.insight_ids or [0])), Customer.executive_id.is_not(None))
        .distinct()
    )
    by_exec: dict[int, set[str]] = {}
    for executive_id, name in rows:
        if executive_id is not None:
            by_exec.setdefault(executive_id, set()).add(name)
    for executive_id, names in sorted(by_exec.items()):
        executive = await session.get(Person, executive_id)
        if executive is None or not executive.active or not executive.slack_user_id:
            continue
        await outbox.post(
            session,
            ws,
            f"theme:{cand.id}:tell:{executive_id}",
            executive.slack_user_id,
            views.build_tell_customers_dm(
                views.TellCustomers(card.theme, cand.action_text or "", tuple(sorted(names)))
            ),
        )


async def remind_review(db: Database, settings: Settings, ws: str, *, now: datetime) -> int:
    """Once a quarter, each team with themes still open from before the quarter began is
    reminded to review them (its channel, else its lead by DM); keyed by team and quarter."""
    if not review_due(settings, now):
        return 0
    tz = zone(settings.kyc_default_timezone)
    today = local_now(now, tz).date()
    quarter = rules.quarter_of(today)
    start = rules.quarter_start(today)
    sent = 0
    async with db.unit_of_work(writes=True) as session:
        open_rows = list(
            await session.scalars(
                select(ThemeCandidate)
                .where(
                    ThemeCandidate.workspace_id == ws,
                    ThemeCandidate.status.in_([ThemeStatus.RAISED, ThemeStatus.ACTION]),
                )
                .order_by(ThemeCandidate.id)
            )
        )
        by_team: dict[int | None, list[ThemeCandidate]] = {}
        for c in open_rows:
            by_team.setdefault(c.team_id, []).append(c)
        for team_id, cands in by_team.items():
            if not any(local_now(c.raised_at, tz).date() < start for c in cands):
                continue
            key = f"themes-review:{ws}:{team_id or 0}:{quarter}"
            team = await session.get(Team, team_id) if team_id else None
            lead = await lead_of_team(session, ws, team_id)
            channel = (team.channel_id if team else None) or (lead.slack_user_id if lead else None)
            if not channel:
                continue
            lines = [
                views.ReviewLine(
                    rules.theme_label(c.theme), c.status.value, await _customer_count(session, c)
                )
                for c in cands
            ]
            review = views.Review(team.name if team else "The company", quarter, tuple(lines))
            if await outbox.post(session, ws, key, channel, views.build_theme_review(review)):
                sent += 1
    return sent


async def _customer_count(session: AsyncSession, cand: ThemeCandidate) -> int:
    rows = await session.scalars(
        select(Insight.customer_id).where(Insight.id.in_(list(cand.insight_ids or [0])))
    )
    return len({c for c in rows if c is not None})  # a shift's insight is no customer


async def quarter(session: AsyncSession, ws: str, now: datetime, tz: str) -> rules.QuarterThemes:
    """The workspace's recurring themes raised, acted on and done this quarter (as of `now`'s
    day in `tz`, the workspace's default timezone, as the report and the meeting figures
    count them): for `/kyc stats` and App Home."""
    zone_ = zone(tz)
    events = await theme_store.theme_events(session, ws, zone_)
    return rules.quarter_figures([e for e, _ in events], local_now(now, zone_).date())
