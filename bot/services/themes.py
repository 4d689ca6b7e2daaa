"""Insights into action, the scheduled part: what customers said at touchpoints, tagged to
themes, is kept as insights (`keep_insights`); each week a theme that recurs across customers
(the rules: bot/regimen/themes.py) is stored and put to its team's lead — its admin, else its
executive, else the manager most of its members report to; a built-in theme of a customer with
no team, nor executive's team, is the workspace's, its lead the first admin; with no lead
reachable by DM, the candidate goes to the team's channel — and once a quarter each team with
themes still open is reminded to review them. The lead's decisions (action point, dismissal,
done): bot/services/theme_decisions.py; the card's quotes and the quarter's figures:
bot/services/theme_figures.py."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.regimen import themes as rules
from bot.regimen.calendar import local_now, zone
from bot.regimen.types import Role
from bot.services import outbox
from bot.services.theme_figures import customer_count, theme_card
from bot.settings import Settings
from bot.views import themes as views
from bot.views.data import InsightInput
from storage import queries
from storage.db import Database
from storage.models import Contact, Customer, Insight, Person, Team, ThemeCandidate, ThemeStatus

log = logging.getLogger("kyc.themes")

SCAN_WEEKDAY = 0  # Mondays, from SCAN_HOUR in the workspace's default timezone
SCAN_HOUR = 7


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
                    rules.theme_label(c.theme), c.status.value, await customer_count(session, c)
                )
                for c in cands
            ]
            review = views.Review(team.name if team else "The company", quarter, tuple(lines))
            if await outbox.post(session, ws, key, channel, views.build_theme_review(review)):
                sent += 1
    return sent
