"""Read queries the services share. Set-based: one query per executive set, never per customer.
(One module on purpose: a query shared by two services is found in one place.)"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.regimen.types import (
    BatchSlot,
    ContactKind,
    ContactRecord,
    CustomerProfile,
    CustomerState,
    DoneItem,
    ItemStatus,
    OpenItem,
    Outcome,
    Role,
)
from storage.models import ActionItem, BatchEntry, Contact, Customer, Person, Team


async def insert_ignoring_duplicates(
    session: AsyncSession,
    model: type,
    values: dict[str, Any] | list[dict[str, Any]],
    keys: list[str],
) -> bool:
    """INSERT … ON CONFLICT DO NOTHING on either engine, one row or many in one statement;
    True when a row was inserted."""
    if not values:
        return False
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    # The table, not the mapped class: a plain executemany, without the ORM's bulk machinery.
    stmt = insert(model.__table__).on_conflict_do_nothing(index_elements=keys)  # type: ignore[attr-defined]
    if isinstance(values, list):  # executemany: compiled once, sent in batches
        await session.execute(stmt, values)
        return True
    result = await session.execute(stmt.values(values))
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def try_workspace_lock(session: AsyncSession, workspace_id: str, job: str) -> bool:
    """One process at a time per workspace and job, until this transaction ends (PostgreSQL).

    SQLite is single-process and serialises writers anyway."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    key = zlib.crc32(f"{job}:{workspace_id}".encode())
    return bool(await session.scalar(select(func.pg_try_advisory_xact_lock(key))))


async def executives(
    session: AsyncSession, workspace_id: str, ids: Sequence[int] | None = None
) -> list[Person]:
    """Active executives, by name; only those in `ids` when given."""
    stmt = select(Person).where(
        Person.workspace_id == workspace_id,
        Person.active.is_(True),
        Person.role.in_([Role.EXECUTIVE]),
    )
    if ids is not None:
        stmt = stmt.where(Person.id.in_(list(ids)))
    return list(await session.scalars(stmt.order_by(Person.name, Person.id)))


async def former_executives(session: AsyncSession, workspace_id: str) -> list[Person]:
    """Executives no longer active (left, or erased): their past contacts still count in the
    workspace's totals, though they have no line of their own."""
    stmt = select(Person).where(
        Person.workspace_id == workspace_id,
        Person.active.is_(False),
        Person.role.in_([Role.EXECUTIVE]),
    )
    return list(await session.scalars(stmt.order_by(Person.id)))


async def customer_states(
    session: AsyncSession, workspace_id: str, executive_ids: Sequence[int]
) -> dict[int, list[CustomerState]]:
    """Each executive's active customers with what the planner ranks them by.

    Three set-based queries (customers; last proactive and reactive contact per customer in one
    grouped pass; the latest sentiment), each restricted to these executives' customers."""
    if not executive_ids:
        return {}
    mine = and_(
        Customer.workspace_id == workspace_id,
        Customer.active.is_(True),
        Customer.executive_id.in_(executive_ids),
    )
    customers = list(
        await session.execute(
            select(
                Customer.executive_id,
                Customer.id,
                Customer.name,
                Customer.paused_until,
                Customer.key,
                Customer.tier,
            ).where(mine)
        )
    )
    # Contacts by customer through the (workspace, customer) index; a join on customers lets
    # SQLite walk every contact of the workspace instead.
    their_customers = select(Customer.id).where(mine)
    last = {
        cid: (pro, rea)
        for cid, pro, rea in await session.execute(
            select(
                Contact.customer_id,
                func.max(case((Contact.kind == ContactKind.PROACTIVE, Contact.occurred_at))),
                func.max(case((Contact.kind == ContactKind.REACTIVE, Contact.occurred_at))),
            )
            .where(Contact.workspace_id == workspace_id, Contact.customer_id.in_(their_customers))
            .group_by(Contact.customer_id)
        )
    }
    ranked = (
        select(
            Contact.customer_id,
            Contact.sentiment,
            func.row_number()
            .over(
                partition_by=Contact.customer_id,
                order_by=(Contact.occurred_at.desc(), Contact.id.desc()),
            )
            .label("rn"),
        )
        .where(
            Contact.workspace_id == workspace_id,
            Contact.customer_id.in_(their_customers),
            Contact.sentiment.is_not(None),
        )
        .subquery()
    )
    moods = dict(
        (cid, sentiment)
        for cid, sentiment in await session.execute(
            select(ranked.c.customer_id, ranked.c.sentiment).where(ranked.c.rn == 1)
        )
    )
    declined = await _declined_last(session, workspace_id, their_customers)
    out: dict[int, list[CustomerState]] = defaultdict(list)
    for exec_id, cid, name, paused_until, key, tier in customers:
        if exec_id is None:
            continue
        last_pro, last_rea = (_aware(t) for t in last.get(cid, (None, None)))
        out[exec_id].append(
            CustomerState(
                customer_id=cid,
                name=name,
                last_proactive_at=last_pro,
                last_sentiment=moods.get(cid),
                reactive_since_proactive=last_rea is not None
                and (last_pro is None or last_rea > last_pro),
                paused_until=paused_until,
                declined_at=declined.get(cid),
                key=bool(key),
                tier=tier,
            )
        )
    return dict(out)


async def _declined_last(
    session: AsyncSession, workspace_id: str, their_customers: Any
) -> dict[int, datetime]:
    """When each customer whose latest proactive touch was declined declined it."""
    ranked = (
        select(
            Contact.customer_id,
            Contact.outcome,
            Contact.occurred_at,
            func.row_number()
            .over(
                partition_by=Contact.customer_id,
                order_by=(Contact.occurred_at.desc(), Contact.id.desc()),
            )
            .label("rn"),
        )
        .where(
            Contact.workspace_id == workspace_id,
            Contact.customer_id.in_(their_customers),
            Contact.kind == ContactKind.PROACTIVE,
        )
        .subquery()
    )
    rows = await session.execute(
        select(ranked.c.customer_id, ranked.c.occurred_at).where(
            ranked.c.rn == 1, ranked.c.outcome == Outcome.DECLINED
        )
    )
    return {cid: at for cid, at in ((c, _aware(t)) for c, t in rows) if at is not None}


def _aware(value: datetime | str | None) -> datetime | None:
    """max(CASE …) loses the column type on SQLite (a string comes back): make it a UTC datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


async def batch_entries(
    session: AsyncSession, workspace_id: str, iso_week: str, executive_ids: Sequence[int]
) -> dict[int, list[BatchEntry]]:
    rows = await session.scalars(
        select(BatchEntry)
        .where(
            BatchEntry.workspace_id == workspace_id,
            BatchEntry.iso_week == iso_week,
            BatchEntry.executive_id.in_(executive_ids),
        )
        .order_by(BatchEntry.executive_id, BatchEntry.position)
    )
    out: dict[int, list[BatchEntry]] = defaultdict(list)
    for row in rows:
        out[row.executive_id].append(row)
    return dict(out)


async def week_batch(
    session: AsyncSession, workspace_id: str, executive_id: int, iso_week: str
) -> list[BatchEntry]:
    """One executive's batch entries for one week, in order: the one query for "this week's
    batch" (logging a call, its summary, a swap, the customer picker)."""
    return (await batch_entries(session, workspace_id, iso_week, [executive_id])).get(
        executive_id, []
    )


async def previous_open_entries(
    session: AsyncSession, workspace_id: str, iso_week: str, executive_ids: Sequence[int]
) -> dict[int, list[BatchEntry]]:
    """Open entries of each executive's latest planned week before `iso_week` (the carry-over)."""
    latest = (
        select(BatchEntry.executive_id, func.max(BatchEntry.iso_week).label("wk"))
        .where(
            BatchEntry.workspace_id == workspace_id,
            BatchEntry.iso_week < iso_week,
            BatchEntry.executive_id.in_(executive_ids),
        )
        .group_by(BatchEntry.executive_id)
        .subquery()
    )
    rows = await session.scalars(
        select(BatchEntry)
        .join(
            latest,
            and_(
                latest.c.executive_id == BatchEntry.executive_id,
                latest.c.wk == BatchEntry.iso_week,
            ),
        )
        .where(BatchEntry.workspace_id == workspace_id)
        .order_by(BatchEntry.executive_id, BatchEntry.position)
    )
    out: dict[int, list[BatchEntry]] = defaultdict(list)
    for row in rows:
        if row.status.is_open:
            out[row.executive_id].append(row)
    return dict(out)


def slots_of(entries: Sequence[BatchEntry]) -> list[BatchSlot]:
    return [BatchSlot(e.customer_id, e.position, e.status) for e in entries]


PROFILE_COLUMNS = (
    Customer.id,
    Customer.name,
    Customer.customer_since,
    Customer.tier,
    Customer.contact_name,
    Customer.contact_title,
    Customer.contact_email,
    Customer.contact_phone,
    Customer.website,
    Customer.linkedin,
    Customer.notes,
    Customer.timezone,
    Customer.key,
)
CONTACT_FIELDS = (
    "occurred_at",
    "kind",
    "channel",
    "outcome",
    "sentiment",
    "score",
    "summary",
    "criticism",
    "details_to_remember",
    "stressed_areas",
    "make_it_great",
    "in_their_words",
)


async def brief_material(
    session: AsyncSession,
    workspace_id: str,
    customer_ids: Sequence[int],
    *,
    contacts_each: int = 25,
) -> tuple[dict[int, CustomerProfile], dict[int, list[ContactRecord]], dict[int, list[OpenItem]]]:
    """Profiles, recent contacts (newest first) and open action items for a set of customers.

    Plain rows, not ORM objects: the morning reads this for every executive at once."""
    ids = list(dict.fromkeys(customer_ids))
    if not ids:
        return {}, {}, {}
    # By primary key; the workspace is checked on the rows (a filter on it in SQL makes SQLite
    # prefer the workspace index and walk every customer of the workspace).
    customers = await session.execute(
        select(Customer.workspace_id, *PROFILE_COLUMNS).where(Customer.id.in_(ids))
    )
    profiles = {
        c.id: CustomerProfile(
            customer_id=c.id,
            **{k: v for k, v in c._mapping.items() if k not in ("id", "workspace_id")},
        )
        for c in customers
        if c.workspace_id == workspace_id
    }

    ranked = (
        select(
            Contact.customer_id,
            Contact.executive_id,
            *(getattr(Contact, f) for f in CONTACT_FIELDS),
            func.row_number()
            .over(
                partition_by=Contact.customer_id,
                order_by=(Contact.occurred_at.desc(), Contact.id.desc()),
            )
            .label("rn"),
        )
        .where(Contact.workspace_id == workspace_id, Contact.customer_id.in_(ids))
        .subquery()
    )
    rows = await session.execute(
        select(ranked.c.customer_id, *(ranked.c[f] for f in CONTACT_FIELDS), Person.name)
        .outerjoin(Person, Person.id == ranked.c.executive_id)
        .where(ranked.c.rn <= contacts_each)
        .order_by(ranked.c.customer_id, ranked.c.occurred_at.desc())
    )
    contacts: dict[int, list[ContactRecord]] = defaultdict(list)
    for customer_id, *fields, exec_name in rows:
        contacts[customer_id].append(
            ContactRecord(
                **dict(zip(CONTACT_FIELDS, fields, strict=True)), executive_name=exec_name
            )
        )
    owner = aliased(Person)
    item_rows = await session.execute(
        select(ActionItem, owner.name, Team.name)
        .outerjoin(owner, owner.id == ActionItem.owner_id)
        .outerjoin(Team, Team.id == ActionItem.team_id)
        .where(
            ActionItem.workspace_id == workspace_id,
            ActionItem.customer_id.in_(ids),
            ActionItem.status == ItemStatus.OPEN,
        )
        .order_by(ActionItem.due_on, ActionItem.id)
    )
    items: dict[int, list[OpenItem]] = defaultdict(list)
    for item, owner_name, team_name in item_rows:
        items[item.customer_id].append(
            OpenItem(text=item.text, owner_name=owner_name, team_name=team_name, due_on=item.due_on)
        )
    return profiles, dict(contacts), dict(items)


async def done_items(
    session: AsyncSession,
    workspace_id: str,
    customer_id: int,
    since: datetime | None,
    limit: int = 20,
) -> list[DoneItem]:
    """A customer's action items closed after `since` (None: ever), newest first: what the
    executive can tell the customer was done."""
    owner = aliased(Person)
    stmt = (
        select(ActionItem.text, ActionItem.done_at, owner.name)
        .outerjoin(owner, owner.id == ActionItem.owner_id)
        .where(
            ActionItem.workspace_id == workspace_id,
            ActionItem.customer_id == customer_id,
            ActionItem.status == ItemStatus.DONE,
            ActionItem.done_at.is_not(None),
        )
        .order_by(ActionItem.done_at.desc(), ActionItem.id.desc())
        .limit(limit)
    )
    if since is not None:
        stmt = stmt.where(ActionItem.done_at > since)
    return [
        DoneItem(text=text, done_at=at, owner_name=name)
        for text, at, name in await session.execute(stmt)
        if at is not None
    ]
