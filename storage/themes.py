"""Queries for customer themes' figures: the week's quotes and the quarter's themes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.regimen.themes import ThemeEvent, theme_label
from storage.models import Contact, Customer, Team, ThemeCandidate

QUOTED = ("criticism", "stressed_areas", "make_it_great", "in_their_words")


async def recent_quotes(
    session: AsyncSession,
    ws: str,
    since: datetime,
    until: datetime,
    limit: int = 20,
    executive_ids: Sequence[int] | None = None,
) -> list[tuple[str, str, str]]:
    """(customer, field, text) said at touchpoints from `since` to `until`, newest first
    (of these executives' touchpoints when given: a team's report); each contact gives one
    row per field typed."""
    cols = [getattr(Contact, f) for f in QUOTED]
    stmt = (
        select(Customer.name, *cols)
        .join(Customer, Customer.id == Contact.customer_id)
        .where(
            Contact.workspace_id == ws,
            Contact.occurred_at >= since,
            Contact.occurred_at <= until,
            or_(*(c.is_not(None) for c in cols)),
        )
        .order_by(Contact.occurred_at.desc(), Contact.id.desc())
        .limit(limit)
    )
    if executive_ids is not None:
        stmt = stmt.where(Contact.executive_id.in_(executive_ids))
    rows = await session.execute(stmt)
    found: list[tuple[str, str, str]] = []
    for name, *texts in rows:
        for field, text in zip(QUOTED, texts, strict=True):
            if text and text.strip():
                found.append((name, field, text))
    return found[:limit]


async def theme_events(
    session: AsyncSession, ws: str, tz: ZoneInfo, team_id: int | None = None
) -> list[tuple[ThemeEvent, str]]:
    """Every candidate (of one team when `team_id` is given) as (its dates in `tz`, the
    workspace's default zone that draws the quarter's boundaries; its label with the owning
    team)."""
    stmt = (
        select(ThemeCandidate, Team.name)
        .outerjoin(Team, Team.id == ThemeCandidate.team_id)
        .where(ThemeCandidate.workspace_id == ws)
        .order_by(ThemeCandidate.id)
    )
    if team_id is not None:
        stmt = stmt.where(ThemeCandidate.team_id == team_id)
    rows = await session.execute(stmt)
    return [
        (
            ThemeEvent(
                c.raised_at.astimezone(tz).date(),
                c.acted_at.astimezone(tz).date() if c.acted_at else None,
                c.done_at.astimezone(tz).date() if c.done_at else None,
            ),
            f"{theme_label(c.theme)} ({team})" if team else theme_label(c.theme),
        )
        for c, team in rows
    ]
