"""Key customers and their last formal meeting (a proactive contact with channel MEETING)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.regimen.key_customers import KeyCustomerMeeting
from bot.regimen.types import Channel, ContactKind
from storage.models import Contact, Customer, Team


def _aware(value: datetime | str | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


async def key_customer_meetings(
    session: AsyncSession, workspace_id: str, *, team_id: int | None = None
) -> list[KeyCustomerMeeting]:
    """Every active key customer (of one team when `team_id` is given) with the moment of its
    last formal meeting, one grouped query."""
    last = (
        select(Contact.customer_id, func.max(Contact.occurred_at).label("at"))
        .where(
            Contact.workspace_id == workspace_id,
            Contact.kind == ContactKind.PROACTIVE,
            Contact.channel == Channel.MEETING,
        )
        .group_by(Contact.customer_id)
        .subquery()
    )
    stmt = (
        select(Customer.id, Customer.name, Team.name, last.c.at)
        .outerjoin(Team, Team.id == Customer.team_id)
        .outerjoin(last, last.c.customer_id == Customer.id)
        .where(
            and_(
                Customer.workspace_id == workspace_id,
                Customer.key.is_(True),
                Customer.active.is_(True),
            )
        )
    )
    if team_id is not None:
        stmt = stmt.where(Customer.team_id == team_id)
    return [
        KeyCustomerMeeting(cid, name, team, _aware(at))
        for cid, name, team, at in await session.execute(stmt)
    ]
