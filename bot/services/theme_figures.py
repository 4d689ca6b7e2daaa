"""Insights into action, what is shown of a theme: a candidate's card (the customers who
raised it and their quotes; words heard on a leader's shift as supporting evidence, no
customer of the count), how many customers a theme has, and the quarter's themes raised,
acted on and done (`/kyc stats`, App Home)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.regimen import themes as rules
from bot.regimen.calendar import local_now, zone
from bot.views import themes as views
from storage import themes as theme_store
from storage.models import Customer, FloorShift, Insight, Person, Team, ThemeCandidate


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


async def customer_count(session: AsyncSession, cand: ThemeCandidate) -> int:
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
