"""`kyc import customer-contacts FILE.csv`: checking the file's rows against the customers,
then upserting each contact (roster_write's half for this kind, kept beside it).

A contact is keyed by its customer and email, else its customer and name. At most one
primary a customer: a row marked primary makes the customer's other contacts not primary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.regimen.types import ContactRole
from bot.services import roster_lookup
from storage.models import Customer, CustomerContact

if TYPE_CHECKING:
    from bot.services.roster_import import Rows

Counts = tuple[int, int, int]
# the file's column -> the stored attribute
COLUMNS = {
    "name": "name",
    "role": "role",
    "title": "title",
    "email": "email",
    "phone": "phone",
    "primary": "primary",
    "last_reached": "last_reached_on",
}


def _key(customer_id: int, email: str | None, name: str) -> tuple[int, str]:
    return customer_id, (email.lower() if email else " ".join(name.split()).casefold())


def _resolve(rows: Rows, customers: dict[str, Customer]) -> None:
    """Each row's customer (external_id, or a unique name), and one primary per customer."""
    by_name = roster_lookup.customers_by_name(customers)
    primaries: dict[int, int] = {}
    seen: dict[tuple[int, str], int] = {}
    for row in rows.rows:
        v = row.values
        ref = v.get("customer")
        if not ref:
            continue
        customer = customers.get(ref)
        named = by_name.get(ref.lower(), [])
        if customer is None and len(named) == 1:
            customer = named[0]
        if customer is None:
            problem = (
                f"{len(named)} customers are named '{ref}' (use the external_id)"
                if named
                else f"unknown customer '{ref}' (import customers first)"
            )
            rows.error(row.line, "customer", problem)
            continue
        row.refs["customer"] = customer
        if v.get("primary"):
            if customer.id in primaries:
                first = primaries[customer.id]
                problem = f"{customer.name} has a primary contact already (line {first})"
                rows.error(row.line, "primary", problem)
            primaries.setdefault(customer.id, row.line)
        if v.get("name"):
            key = _key(customer.id, v.get("email"), v["name"])
            if key in seen:
                rows.error(
                    row.line, "name", f"the same contact as on line {seen[key]} of {customer.name}"
                )
            seen.setdefault(key, row.line)


async def customer_contacts(session: AsyncSession, ws: str, rows: Rows) -> Counts:
    customers = await roster_lookup.lookup_customers(session, ws)
    _resolve(rows, customers)
    if rows.errors:
        return 0, 0, 0
    ids = list({row.refs["customer"].id for row in rows.rows})
    stored: dict[tuple[int, str], CustomerContact] = {}
    by_customer: dict[int, list[CustomerContact]] = {}
    for start in range(0, len(ids), 500):
        found = await session.scalars(
            select(CustomerContact).where(
                CustomerContact.workspace_id == ws,
                CustomerContact.customer_id.in_(ids[start : start + 500]),
            )
        )
        for one in found:
            by_customer.setdefault(one.customer_id, []).append(one)
            stored.setdefault(_key(one.customer_id, one.email, one.name), one)
            if one.email:  # a row naming them without their email still finds them
                stored.setdefault(_key(one.customer_id, None, one.name), one)
    created = updated = unchanged = 0
    for row in rows.rows:
        v = row.values
        customer: Customer = row.refs["customer"]
        key = _key(customer.id, v.get("email"), v["name"])
        contact = stored.get(key)
        new = contact is None
        if contact is None:
            contact = CustomerContact(
                workspace_id=ws, customer_id=customer.id, name=v["name"], role=ContactRole.OTHER
            )
            session.add(contact)
            by_customer.setdefault(customer.id, []).append(contact)
            stored[key] = contact
        # Present columns only; an empty role is "other", an empty primary is "no".
        wanted = {attr: v[column] for column, attr in COLUMNS.items() if column in v}
        if "role" in wanted:
            wanted["role"] = wanted["role"] or ContactRole.OTHER
        if "primary" in wanted:
            wanted["primary"] = bool(wanted["primary"])
        changed = False
        for attr, value in wanted.items():
            if getattr(contact, attr) != value:
                setattr(contact, attr, value)
                changed = True
        if v.get("primary"):
            for other in by_customer.get(customer.id, []):
                if other is not contact and other.primary:
                    other.primary = False
        if new:
            created += 1
        elif changed:
            updated += 1
        else:
            unchanged += 1
    return created, updated, unchanged
