"""Use case: key customers — marked or unmarked in Slack by the customer's executive sponsor
or an admin; and, per team, the key customers with no formal meeting in 12 months
(bot/regimen/key_customers.py; the query is storage/key_customers.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.regimen.key_customers import KeyCoverage, coverage, without_meeting
from bot.regimen.types import Brief
from bot.services import calling
from bot.services.identity import NotAllowed, is_admin, reload_actor, require_enrolled
from bot.views.data import KeyCustomerLine
from storage.key_customers import key_customer_meetings
from storage.models import Customer, Person

ONLY_SPONSOR = "Only the customer's executive sponsor or an admin can mark a key customer."


async def toggle_key(deps: Deps, person: Person | None, customer_id: int) -> Brief:
    """Mark the customer key, or unmark it; the brief as it now reads."""
    me = require_enrolled(person, ONLY_SPONSOR)
    async with deps.db.unit_of_work(writes=True) as session:
        actor = await reload_actor(session, me)
        customer = await session.get(Customer, customer_id)
        if customer is None or customer.workspace_id != actor.workspace_id:
            raise NotAllowed("That customer is no longer on the roster.")
        if customer.executive_id != actor.id and not is_admin(actor):
            raise NotAllowed(ONLY_SPONSOR)
        customer.key = not customer.key
    return await calling.brief(deps, person, customer_id)


async def without_formal_meeting(
    session: AsyncSession,
    workspace_id: str,
    now: datetime,
    *,
    viewer: Person | None = None,
    tz: ZoneInfo | None = None,
) -> list[KeyCustomerLine]:
    """Key customers with no formal meeting in the last 12 months: every team's for an admin
    or `viewer` None (the report), else those of the viewer's team; days in `tz` (the
    reader's)."""
    if viewer is not None and not is_admin(viewer):
        if viewer.team_id is None:
            return []
        return await key_customers_due(session, workspace_id, now, team_id=viewer.team_id, tz=tz)
    return await key_customers_due(session, workspace_id, now, tz=tz)


async def key_coverage(
    session: AsyncSession,
    workspace_id: str,
    now: datetime,
    *,
    viewer: Person | None = None,
    team_id: int | None = None,
) -> list[KeyCoverage]:
    """Per team, key customers met formally in 12 months out of all: every team's for an
    admin or no viewer, else the viewer's team's; `team_id` picks one team (the report)."""
    if viewer is not None and not is_admin(viewer):
        if viewer.team_id is None:
            return []
        team_id = viewer.team_id
    return coverage(await key_customer_meetings(session, workspace_id, team_id=team_id), now)


async def key_customers_due(
    session: AsyncSession,
    workspace_id: str,
    now: datetime,
    *,
    team_id: int | None = None,
    tz: ZoneInfo | None = None,
) -> list[KeyCustomerLine]:
    """The key customers (of one team, or all) with no formal meeting in 12 months; the day
    of the last one in `tz`, the reader's zone (UTC when None)."""
    rows = await key_customer_meetings(session, workspace_id, team_id=team_id)
    return [
        KeyCustomerLine(
            r.name,
            r.team,
            r.last_meeting_at.astimezone(tz or UTC).date() if r.last_meeting_at else None,
        )
        for r in without_meeting(rows, now)
    ]
