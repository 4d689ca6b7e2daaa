"""Use case: `kyc export KIND` — rows streamed from the database in constant memory, as CSV or
JSON Lines (one object per line).

Columns (stable; people are given by email, else Slack user id; instants ISO 8601 UTC; dates
YYYY-MM-DD; an empty cell is "no value"):
  contacts      external_ref, customer, occurred_at, channel, kind, executive, outcome,
                sentiment, score, summary — exactly the columns `kyc import contacts` reads, so an
                export re-imports cleanly. A contact logged in Slack (no CRM id) is exported as
                `kyc-<id>`, which the import recognises as that same contact.
  action-items  id, customer, customer_name, text, owner, team, due_on, status, created_at,
                done_at, executive (the executive of the call the item came from)
  kudos         id, created_at, from, to, note, customer (of the call, if any)
  batches       iso_week, executive, position, customer, customer_name, status, swap_reason
`customer` is always the customer's external_id.

Filters: `since` keeps contacts that occurred, action items and kudos created, and batch weeks
starting (Monday) on or after that day (UTC); `executive_email` (any case) keeps one executive's
contacts, the items of their calls, the kudos they gave, and their batches.
"""

from __future__ import annotations

import csv
import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TextIO

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from storage.db import Database
from storage.models import ActionItem, BatchEntry, Contact, Customer, Kudos, Person, Team

EXPORTS = ("contacts", "action-items", "kudos", "batches")
FORMATS = ("csv", "json")
COLUMNS: dict[str, tuple[str, ...]] = {
    "contacts": (
        "external_ref",
        "customer",
        "occurred_at",
        "channel",
        "kind",
        "executive",
        "outcome",
        "sentiment",
        "score",
        "summary",
    ),
    "action-items": (
        "id",
        "customer",
        "customer_name",
        "text",
        "owner",
        "team",
        "due_on",
        "status",
        "created_at",
        "done_at",
        "executive",
    ),
    "kudos": ("id", "created_at", "from", "to", "note", "customer"),
    "batches": (
        "iso_week",
        "executive",
        "position",
        "customer",
        "customer_name",
        "status",
        "swap_reason",
    ),
}
BATCH_SIZE = 1000


class ExportError(ValueError):
    """A request that cannot be answered (unknown kind, format or executive)."""


def cell(value: Any) -> str:
    """One value as its exported text."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(getattr(value, "value", value))


def first_week_on_or_after(day: date) -> str:
    """The first ISO week whose Monday is on or after `day`, as '2026-W48'."""
    monday = day + timedelta(days=(7 - day.weekday()) % 7)
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


async def find_executive(db: Database, workspace_id: str, email: str) -> int:
    async with db.sessions() as session:
        found = await session.scalar(
            select(Person.id)
            .where(
                Person.workspace_id == workspace_id,
                func.lower(Person.email) == email.strip().lower(),
            )
            .limit(1)
        )
    if found is None:
        raise ExportError(f"--executive: no one with the email {email!r} on the roster")
    return int(found)


def _who(person: Any) -> Any:
    """Email, else Slack id, computed in SQL so every row is plain columns."""
    return func.coalesce(person.email, person.slack_user_id)


def statement(
    kind: str, workspace_id: str, since: date | None, executive_id: int | None
) -> Select[Any]:
    """The query for one export: labelled columns in COLUMNS order, in a stable order."""
    start = datetime.combine(since, time(0), UTC) if since else None
    ex, owner, giver, taker = (aliased(Person) for _ in range(4))
    stmt: Select[Any]
    if kind == "contacts":
        stmt = (
            select(
                Contact.id.label("id"),
                Contact.external_ref.label("external_ref"),
                Customer.external_id.label("customer"),
                Contact.occurred_at.label("occurred_at"),
                Contact.channel.label("channel"),
                Contact.kind.label("kind"),
                _who(ex).label("executive"),
                Contact.outcome.label("outcome"),
                Contact.sentiment.label("sentiment"),
                Contact.score.label("score"),
                Contact.summary.label("summary"),
            )
            .join(Customer, Customer.id == Contact.customer_id)
            .outerjoin(ex, ex.id == Contact.executive_id)
            .where(Contact.workspace_id == workspace_id)
            .order_by(Contact.occurred_at, Contact.id)
        )
        if start is not None:
            stmt = stmt.where(Contact.occurred_at >= start)
        if executive_id is not None:
            stmt = stmt.where(Contact.executive_id == executive_id)
        return stmt
    if kind == "action-items":
        stmt = (
            select(
                ActionItem.id.label("id"),
                Customer.external_id.label("customer"),
                Customer.name.label("customer_name"),
                ActionItem.text.label("text"),
                _who(owner).label("owner"),
                Team.name.label("team"),
                ActionItem.due_on.label("due_on"),
                ActionItem.status.label("status"),
                ActionItem.created_at.label("created_at"),
                ActionItem.done_at.label("done_at"),
                _who(ex).label("executive"),
            )
            .join(Customer, Customer.id == ActionItem.customer_id)
            .join(Contact, Contact.id == ActionItem.contact_id)
            .outerjoin(owner, owner.id == ActionItem.owner_id)
            .outerjoin(Team, Team.id == ActionItem.team_id)
            .outerjoin(ex, ex.id == Contact.executive_id)
            .where(ActionItem.workspace_id == workspace_id)
            .order_by(ActionItem.id)
        )
        if start is not None:
            stmt = stmt.where(ActionItem.created_at >= start)
        if executive_id is not None:
            stmt = stmt.where(Contact.executive_id == executive_id)
        return stmt
    if kind == "kudos":
        stmt = (
            select(
                Kudos.id.label("id"),
                Kudos.created_at.label("created_at"),
                _who(giver).label("from"),
                _who(taker).label("to"),
                Kudos.note.label("note"),
                Customer.external_id.label("customer"),
            )
            .join(giver, giver.id == Kudos.from_id)
            .join(taker, taker.id == Kudos.to_id)
            .outerjoin(Contact, Contact.id == Kudos.contact_id)
            .outerjoin(Customer, Customer.id == Contact.customer_id)
            .where(Kudos.workspace_id == workspace_id)
            .order_by(Kudos.id)
        )
        if start is not None:
            stmt = stmt.where(Kudos.created_at >= start)
        if executive_id is not None:
            stmt = stmt.where(Kudos.from_id == executive_id)
        return stmt
    if kind == "batches":
        stmt = (
            select(
                BatchEntry.iso_week.label("iso_week"),
                _who(ex).label("executive"),
                BatchEntry.position.label("position"),
                Customer.external_id.label("customer"),
                Customer.name.label("customer_name"),
                BatchEntry.status.label("status"),
                BatchEntry.swap_reason.label("swap_reason"),
            )
            .join(ex, ex.id == BatchEntry.executive_id)
            .join(Customer, Customer.id == BatchEntry.customer_id)
            .where(BatchEntry.workspace_id == workspace_id)
            .order_by(BatchEntry.iso_week, ex.email, BatchEntry.executive_id, BatchEntry.position)
        )
        if since is not None:
            # "YYYY-Www" sorts like the weeks themselves
            stmt = stmt.where(BatchEntry.iso_week >= first_week_on_or_after(since))
        if executive_id is not None:
            stmt = stmt.where(BatchEntry.executive_id == executive_id)
        return stmt
    raise ExportError(f"unknown export {kind!r}: use one of {', '.join(EXPORTS)}")


async def export_rows(
    db: Database,
    workspace_id: str,
    kind: str,
    *,
    since: date | None = None,
    executive_email: str | None = None,
) -> AsyncIterator[dict[str, str]]:
    """The export's rows, as text, while they stream from the server (`yield_per`): memory
    stays flat however large the table. Raises ExportError on the first step for an unknown
    kind or executive."""
    if kind not in EXPORTS:
        raise ExportError(f"unknown export {kind!r}: use one of {', '.join(EXPORTS)}")
    executive_id = (
        await find_executive(db, workspace_id, executive_email) if executive_email else None
    )
    columns = COLUMNS[kind]
    stmt = statement(kind, workspace_id, since, executive_id).execution_options(
        yield_per=BATCH_SIZE
    )
    async with db.sessions() as session:
        result = await session.stream(stmt)
        try:
            async for row in result:
                values = row._mapping
                out = {col: cell(values[col]) for col in columns if col != "external_ref"}
                if kind == "contacts":
                    out = {"external_ref": values["external_ref"] or f"kyc-{values['id']}", **out}
                yield out
        finally:
            await result.close()


async def write_export(
    rows: AsyncIterator[dict[str, str]],
    fmt: str,
    stream: TextIO,
    *,
    kind: str | None = None,
) -> int:
    """Write rows as they come (CSV with its header first, or JSON Lines); return how many.

    The CSV header is COLUMNS[kind], else the first row's keys (no header for no rows). Nothing
    is written before the first row is fetched, so an ExportError leaves the stream untouched."""
    if fmt not in FORMATS:
        raise ExportError(f"--format: use csv or json, not {fmt!r}")
    iterator = aiter(rows)
    first = await anext(iterator, None)
    count = 0
    if fmt == "csv":
        fields = COLUMNS[kind] if kind else tuple(first or ())
        if not fields:
            return 0
        writer = csv.DictWriter(stream, fieldnames=fields, lineterminator="\r\n")
        writer.writeheader()
        if first is not None:
            writer.writerow(first)
            count = 1
            async for row in iterator:
                writer.writerow(row)
                count += 1
        return count
    if first is not None:
        stream.write(json.dumps(first, ensure_ascii=False) + "\n")
        count = 1
        async for row in iterator:
            stream.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count
