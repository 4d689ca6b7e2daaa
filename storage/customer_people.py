"""What the brief reads about a customer's people: its contacts with their roles, and the
account team's replies to the week's heads-up."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.regimen.types import CustomerPerson
from storage.models import CustomerContact, TeamNote

MAX_NOTES = 5


async def people_of(
    session: AsyncSession, workspace_id: str, customer_id: int
) -> list[CustomerPerson]:
    """The customer's contacts, in the order they were added."""
    rows = await session.scalars(
        select(CustomerContact)
        .where(
            CustomerContact.workspace_id == workspace_id,
            CustomerContact.customer_id == customer_id,
        )
        .order_by(CustomerContact.id)
    )
    return [
        CustomerPerson(
            name=c.name,
            role=c.role,
            title=c.title,
            email=c.email,
            phone=c.phone,
            primary=c.primary,
            last_reached_on=c.last_reached_on,
        )
        for c in rows
    ]


async def team_notes_of(session: AsyncSession, workspace_id: str, customer_id: int) -> list[str]:
    """The account team's latest replies about the customer, newest first."""
    rows = await session.scalars(
        select(TeamNote.text)
        .where(TeamNote.workspace_id == workspace_id, TeamNote.customer_id == customer_id)
        .order_by(TeamNote.created_at.desc(), TeamNote.id.desc())
        .limit(MAX_NOTES)
    )
    return list(rows)
