"""The roster as an import checks it: people, teams, customers and contacts by their keys."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Contact, Customer, Person, Team


async def lookup_people(session: AsyncSession, workspace_id: str) -> dict[str, Person]:
    """Everyone by lower-case email and by Slack id."""
    index: dict[str, Person] = {}
    for p in await session.scalars(select(Person).where(Person.workspace_id == workspace_id)):
        if p.email:
            index[p.email.lower()] = p
        if p.slack_user_id:
            index[p.slack_user_id] = p
    return index


async def lookup_teams(session: AsyncSession, workspace_id: str) -> dict[str, Team]:
    return {
        t.name.lower(): t
        for t in await session.scalars(select(Team).where(Team.workspace_id == workspace_id))
    }


async def lookup_customers(session: AsyncSession, workspace_id: str) -> dict[str, Customer]:
    return {
        c.external_id: c
        for c in await session.scalars(
            select(Customer).where(Customer.workspace_id == workspace_id)
        )
    }


def customers_by_name(customers: dict[str, Customer]) -> dict[str, list[Customer]]:
    """Customers by lower-case name; a name can be shared."""
    index: dict[str, list[Customer]] = {}
    for c in customers.values():
        index.setdefault(c.name.lower(), []).append(c)
    return index


async def lookup_contacts(
    session: AsyncSession, workspace_id: str, refs: list[str]
) -> dict[str, Contact]:
    """The file's contacts already stored: by external_ref, or by the `kyc-<id>` that
    `kyc export` gives contacts logged in Slack. Only the file's keys are looked up."""
    found: dict[str, Contact] = {}
    ids = [int(r[4:]) for r in refs if r.startswith("kyc-") and r[4:].isdigit()]
    for start in range(0, max(len(refs), len(ids)), 500):
        chunk, id_chunk = refs[start : start + 500], ids[start : start + 500]
        rows = await session.scalars(
            select(Contact).where(
                Contact.workspace_id == workspace_id,
                Contact.external_ref.in_(chunk) | Contact.id.in_(id_chunk),
            )
        )
        for c in rows:
            found[c.external_ref or f"kyc-{c.id}"] = c
    return found
