"""Use cases an executive runs on their own regimen: search, swap, pause, add a customer, share."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.regimen.planner import swap_choice
from bot.regimen.types import BatchStatus
from bot.services.identity import NotAllowed
from bot.services.people import regimen_of
from bot.settings import Settings
from bot.views.data import CustomerChoice
from storage import queries
from storage.models import BatchEntry, Customer, Person


async def search_customers(
    session: AsyncSession,
    settings: Settings,
    person: Person,
    query: str,
    *,
    now: datetime,
    limit: int = 100,
) -> list[CustomerChoice]:
    """This week's batch first, then the rest of the executive's customers matching `query`."""
    week = regimen_of(person, settings).week(now)
    in_batch = (BatchStatus.PLANNED, BatchStatus.ATTEMPTED, BatchStatus.DONE)
    entries = await queries.week_batch(session, person.workspace_id, person.id, week)
    batch_ids = {e.customer_id for e in entries if e.status in in_batch}
    stmt = select(Customer.id, Customer.name).where(
        Customer.workspace_id == person.workspace_id,
        Customer.executive_id == person.id,
        Customer.active.is_(True),
    )
    q = query.strip().lower()
    if q:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(func.lower(Customer.name).like(f"%{escaped}%", escape="\\"))
    rows = list(await session.execute(stmt.order_by(Customer.name).limit(limit * 2)))
    choices = [CustomerChoice(cid, name, cid in batch_ids) for cid, name in rows]
    if q:
        # Prefix matches before substring matches, batch before the rest.
        choices.sort(
            key=lambda c: (not c.in_batch, not c.name.lower().startswith(q), c.name.lower())
        )
    else:
        choices.sort(key=lambda c: (not c.in_batch, c.name.lower()))
    return choices[:limit]


async def best_match(
    session: AsyncSession, settings: Settings, person: Person, query: str, *, now: datetime
) -> CustomerChoice | None:
    if not query.strip():
        return None
    found = await search_customers(session, settings, person, query, now=now, limit=1)
    return found[0] if found else None


async def swap(
    session: AsyncSession,
    settings: Settings,
    person: Person,
    customer_id: int,
    reason: str,
    *,
    now: datetime,
) -> tuple[str, str | None]:
    """Swap a planned customer out of this week's batch for the next one in rotation."""
    week = regimen_of(person, settings).week(now)
    entries = await queries.week_batch(session, person.workspace_id, person.id, week)
    entry = next((e for e in entries if e.customer_id == customer_id), None)
    if entry is None or not entry.status.is_open:
        raise NotAllowed("That customer is not an open part of this week's batch any more.")
    states = (await queries.customer_states(session, person.workspace_id, [person.id])).get(
        person.id, []
    )
    out_name = next((s.name for s in states if s.customer_id == customer_id), "that customer")
    entry.status = BatchStatus.SWAPPED
    entry.swap_reason = reason[:500]
    choice = swap_choice(
        candidates=states,
        current=queries.slots_of(entries),
        as_of=now,
        comeback_weeks=settings.kyc_declined_comeback_weeks,
    )
    if choice is None:
        return out_name, None
    session.add(
        BatchEntry(
            workspace_id=person.workspace_id,
            executive_id=person.id,
            iso_week=week,
            customer_id=choice.customer_id,
            position=max(e.position for e in entries) + 1,
            status=BatchStatus.PLANNED,
        )
    )
    await session.flush()
    return out_name, choice.name


def pause(person: Person, until: date, today: date, reason: str | None = None) -> None:
    """No nudges through `until` (inclusive): from today on, at most a year away."""
    if until < today:
        raise NotAllowed(f"{until.isoformat()} is in the past — give a date from today on.")
    if until > today + timedelta(days=366):
        raise NotAllowed("Pauses can be at most a year long.")
    person.paused_until = until
    person.paused_reason = reason[:200] if reason else None


def resume(person: Person) -> bool:
    was = person.paused_until is not None
    person.paused_until = None
    person.paused_reason = None
    return was


async def add_customer(
    session: AsyncSession, person: Person, fields: dict[str, object]
) -> Customer:
    """An executive builds their own list from Slack: the customer is theirs from now on."""
    name = str(fields["name"]).strip()
    clash = await session.scalar(
        select(Customer).where(
            Customer.workspace_id == person.workspace_id,
            Customer.executive_id == person.id,
            func.lower(Customer.name) == name.lower(),
        )
    )
    if clash is not None:
        raise NotAllowed(f"{name} is already on your list.")
    customer = Customer(
        workspace_id=person.workspace_id,
        external_id=f"slack-{uuid.uuid4().hex[:12]}",
        name=name,
        executive_id=person.id,
        team_id=person.team_id,
        active=True,
        **{k: v for k, v in fields.items() if k != "name" and v not in (None, "")},
    )
    session.add(customer)
    await session.flush()
    return customer
