"""The meeting figures of a quarter (bot/regimen/meeting_figures.py), read from the meetings,
the charter revisions they prompted and the action items to simplify or eliminate."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.regimen.calendar import local_now, zone
from bot.regimen.charters import diff, from_json
from bot.regimen.meeting_figures import (
    CustomerRevision,
    HeldMeeting,
    MeetingFigures,
    SimplifyItem,
    meeting_figures,
    quarter_of,
)
from bot.regimen.meetings import MeetingKind
from bot.regimen.types import ItemStatus
from storage.models import ActionItem, CustomerMeeting, Team, TeamCharter


def _day(at: datetime, tz_name: str) -> datetime:
    try:
        return local_now(at, zone(tz_name))
    except ValueError:
        return at


async def quarter_figures(
    session: AsyncSession,
    ws: str,
    *,
    now: datetime,
    tz: str = "UTC",
    team_id: int | None = None,
    quarter: str | None = None,
) -> tuple[MeetingFigures, ...]:
    """Each team's figures for `quarter` (default: the one `now` is in, in `tz`)."""
    quarter = quarter or quarter_of(_day(now, tz).date())
    teams = {
        t.id: t.name
        for t in await session.scalars(
            select(Team).where(Team.workspace_id == ws, *([Team.id == team_id] if team_id else []))
        )
    }
    meetings = list(
        await session.scalars(
            select(CustomerMeeting).where(
                CustomerMeeting.workspace_id == ws, CustomerMeeting.team_id.in_(teams)
            )
        )
    )
    held = [
        HeldMeeting(
            teams[m.team_id],
            _day(m.starts_at, m.timezone).date(),
            MeetingKind(m.kind) if m.kind else None,
        )
        for m in meetings
        if m.team_id is not None and m.starts_at <= now and m.cancelled_at is None
    ]
    revisions: list[CustomerRevision] = []
    rows = list(
        await session.scalars(
            select(TeamCharter)
            .where(TeamCharter.workspace_id == ws, TeamCharter.team_id.in_(teams))
            .order_by(TeamCharter.team_id, TeamCharter.revision)
        )
    )
    before: dict[int, TeamCharter] = {}
    for row in rows:
        if row.meeting_id is not None:
            prior = before.get(row.team_id)
            change = diff(
                from_json(prior.purpose, prior.expectations) if prior else None,
                from_json(row.purpose, row.expectations),
            )
            revisions.append(
                CustomerRevision(
                    teams[row.team_id],
                    _day(row.created_at, tz).date(),
                    len(change.added),
                    len(change.changed),
                )
            )
        before[row.team_id] = row
    ids = {i: m for m in meetings for i in (m.simplify_item_ids or [])}
    simplify: list[SimplifyItem] = []
    if ids:
        for item in await session.scalars(
            select(ActionItem).where(ActionItem.workspace_id == ws, ActionItem.id.in_(ids))
        ):
            m = ids[item.id]
            if m.team_id is not None:
                simplify.append(
                    SimplifyItem(
                        teams[m.team_id],
                        _day(item.created_at, tz).date(),
                        item.status == ItemStatus.DONE,
                    )
                )
    return meeting_figures(quarter, held, revisions, simplify)
