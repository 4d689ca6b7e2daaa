"""Queries for customer themes' figures: the week's quotes and the quarter's themes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.regimen.themes import ThemeEvent, theme_label
from storage.models import Contact, Customer, Team, ThemeCandidate

QUOTED = ("criticism", "stressed_areas", "make_it_great", "in_their_words")


async def recent_quotes(
    session: AsyncSession, ws: str, since: datetime, limit: int = 20
) -> list[tuple[str, str, str]]:
    """(customer, field, text) said at touchpoints since `since`, newest first; each contact
    gives one row per field typed."""
    cols = [getattr(Contact, f) for f in QUOTED]
    rows = await session.execute(
        select(Customer.name, *cols)
        .join(Customer, Customer.id == Contact.customer_id)
        .where(
            Contact.workspace_id == ws,
            Contact.occurred_at >= since,
            or_(*(c.is_not(None) for c in cols)),
        )
        .order_by(Contact.occurred_at.desc(), Contact.id.desc())
        .limit(limit)
    )
    found: list[tuple[str, str, str]] = []
    for name, *texts in rows:
        for field, text in zip(QUOTED, texts, strict=True):
            if text and text.strip():
                found.append((name, field, text))
    return found[:limit]


async def theme_events(session: AsyncSession, ws: str) -> list[tuple[ThemeEvent, str]]:
    """Every candidate as (its dates, its label with the owning team)."""
    rows = await session.execute(
        select(ThemeCandidate, Team.name)
        .outerjoin(Team, Team.id == ThemeCandidate.team_id)
        .where(ThemeCandidate.workspace_id == ws)
        .order_by(ThemeCandidate.id)
    )
    return [
        (
            ThemeEvent(
                c.raised_at.date(),
                c.acted_at.date() if c.acted_at else None,
                c.done_at.date() if c.done_at else None,
            ),
            f"{theme_label(c.theme)} ({team})" if team else theme_label(c.theme),
        )
        for c, team in rows
    ]
