"""Use case: key customers — marked or unmarked in Slack by the customer's executive sponsor
or an admin; and, per team, the key customers with no formal meeting in 12 months
(bot/regimen/key_customers.py; the query is storage/key_customers.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.regimen.key_customers import (
    KeyCoverage,
    KeyCustomerMeeting,
    coverage,
    without_meeting,
)
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


@dataclass(frozen=True)
class KeyMeetings:
    """Key customers and formal meetings, for App Home, the digest and `kyc report`."""

    due: tuple[KeyCustomerLine, ...] = ()  # no formal meeting in 12 months
    coverage: tuple[KeyCoverage, ...] = ()  # per team: met in 12 months ÷ key


async def key_meetings(
    session: AsyncSession,
    workspace_id: str,
    now: datetime,
    *,
    viewer: Person | None = None,
    team_id: int | None = None,
    tz: ZoneInfo | None = None,
) -> KeyMeetings:
    """The key customers due a formal meeting and the coverage per team, from one read:
    every team's for an admin or no viewer, else the viewer's team's; `team_id` picks one team
    (the report); days in `tz`, the reader's zone (UTC when None)."""
    if viewer is not None and not is_admin(viewer):
        if viewer.team_id is None:
            return KeyMeetings()
        team_id = viewer.team_id
    rows = await key_customer_meetings(session, workspace_id, team_id=team_id)
    return KeyMeetings(tuple(_due(rows, now, tz)), tuple(coverage(rows, now)))


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
    return _due(await key_customer_meetings(session, workspace_id, team_id=team_id), now, tz)


def _due(
    rows: Sequence[KeyCustomerMeeting], now: datetime, tz: ZoneInfo | None
) -> list[KeyCustomerLine]:
    return [
        KeyCustomerLine(
            r.name,
            r.team,
            r.last_meeting_at.astimezone(tz or UTC).date() if r.last_meeting_at else None,
        )
        for r in without_meeting(rows, now)
    ]
