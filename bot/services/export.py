"""Use case: `kyc export` — rows streamed from the database in constant memory, CSV or JSON Lines.

Contacts use exactly the columns `kyc import contacts` reads, so an export re-imports cleanly
(a contact logged in Slack gets the external_ref `kyc-<id>`; the import takes off the `'` that
guards a formula-like cell in CSV)."""

from __future__ import annotations

import csv
import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any, TextIO

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from bot.services.csv_files import BOM, guard_formula
from storage.db import Database
from storage.models import ActionItem, BatchEntry, Contact, Customer, Kudos, Person, Team

EXPORTS = ("contacts", "action-items", "kudos", "batches", "customers", "teams")
COLUMNS: dict[str, tuple[str, ...]] = {
    # The columns `kyc import customers` reads: an export re-imports as it was (key included).
    "customers": (
        "external_id",
        "name",
        "customer_since",
        "tier",
        "key",
        "team",
        "executive",
        "contact_name",
        "contact_title",
        "contact_email",
        "contact_phone",
        "website",
        "linkedin",
        "notes",
        "timezone",
        "active",
    ),
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
        "in_their_words",
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
    # the same columns `kyc import teams` reads: an export loads back as it is
    "teams": ("name", "channel_id", "channel_name", "customer_facing", "theme_tags"),
}


def _who(email: str | None, slack_id: str | None) -> str:
    return email or slack_id or ""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(getattr(value, "value", value))


async def _executive_id(db: Database, ws: str, email: str | None) -> int | None:
    if email is None:
        return None
    async with db.unit_of_work() as session:
        found = await session.scalar(
            select(Person.id).where(
                Person.workspace_id == ws, func.lower(Person.email) == email.lower()
            )
        )
    if found is None:
        raise ValueError(f"no one with the email {email!r} on the roster")
    return int(found)


def _statement(kind: str, ws: str, since: date | None, exec_id: int | None) -> Any:
    ex, owner, giver, taker = (aliased(Person) for _ in range(4))
    start = datetime.combine(since, datetime.min.time(), UTC) if since else None
    stmt: Any
    if kind == "customers":
        stmt = (
            select(Customer, Team.name, ex.email, ex.slack_user_id)
            .outerjoin(Team, Team.id == Customer.team_id)
            .outerjoin(ex, ex.id == Customer.executive_id)
            .where(Customer.workspace_id == ws)
            .order_by(Customer.external_id)
        )
        return stmt.where(Customer.executive_id == exec_id) if exec_id else stmt
    if kind == "contacts":
        stmt = (
            select(Contact, Customer.external_id, ex.email, ex.slack_user_id)
            .join(Customer, Customer.id == Contact.customer_id)
            .outerjoin(ex, ex.id == Contact.executive_id)
            .where(Contact.workspace_id == ws)
            .order_by(Contact.occurred_at, Contact.id)
        )
        if start:
            stmt = stmt.where(Contact.occurred_at >= start)
        return stmt.where(Contact.executive_id == exec_id) if exec_id else stmt
    if kind == "action-items":
        stmt = (
            select(
                ActionItem,
                Customer.external_id,
                Customer.name,
                owner.email,
                owner.slack_user_id,
                Team.name,
                ex.email,
                ex.slack_user_id,
            )
            .join(Customer, Customer.id == ActionItem.customer_id)
            .join(Contact, Contact.id == ActionItem.contact_id)
            .outerjoin(owner, owner.id == ActionItem.owner_id)
            .outerjoin(Team, Team.id == ActionItem.team_id)
            .outerjoin(ex, ex.id == Contact.executive_id)
            .where(ActionItem.workspace_id == ws)
            .order_by(ActionItem.id)
        )
        if start:
            stmt = stmt.where(ActionItem.created_at >= start)
        return stmt.where(Contact.executive_id == exec_id) if exec_id else stmt
    if kind == "kudos":
        stmt = (
            select(
                Kudos,
                giver.email,
                giver.slack_user_id,
                taker.email,
                taker.slack_user_id,
                Customer.external_id,
            )
            .join(giver, giver.id == Kudos.from_id)
            .join(taker, taker.id == Kudos.to_id)
            .outerjoin(Contact, Contact.id == Kudos.contact_id)
            .outerjoin(Customer, Customer.id == Contact.customer_id)
            .where(Kudos.workspace_id == ws)
            .order_by(Kudos.id)
        )
        if start:
            stmt = stmt.where(Kudos.created_at >= start)
        return stmt.where(Kudos.from_id == exec_id) if exec_id else stmt
    if kind == "teams":
        return select(Team).where(Team.workspace_id == ws).order_by(Team.name, Team.id)
    stmt = (
        select(BatchEntry, ex.email, ex.slack_user_id, Customer.external_id, Customer.name)
        .join(ex, ex.id == BatchEntry.executive_id)
        .join(Customer, Customer.id == BatchEntry.customer_id)
        .where(BatchEntry.workspace_id == ws)
        .order_by(BatchEntry.iso_week, BatchEntry.executive_id, BatchEntry.position)
    )
    if since:
        year, week, _ = since.isocalendar()
        stmt = stmt.where(BatchEntry.iso_week >= f"{year}-W{week:02d}")
    return stmt.where(BatchEntry.executive_id == exec_id) if exec_id else stmt


def _row(kind: str, r: Any) -> dict[str, str]:
    values: list[Any]
    if kind == "customers":
        cu, team, email, slack_id = r
        values = [
            cu.external_id,
            cu.name,
            cu.customer_since,
            cu.tier,
            "yes" if cu.key else "no",
            team,
            _who(email, slack_id),
            cu.contact_name,
            cu.contact_title,
            cu.contact_email,
            cu.contact_phone,
            cu.website,
            cu.linkedin,
            cu.notes,
            cu.timezone,
            "true" if cu.active else "false",
        ]
    elif kind == "contacts":
        c, customer, email, slack_id = r
        values = [
            c.external_ref or f"kyc-{c.id}",
            customer,
            c.occurred_at,
            c.channel,
            c.kind,
            _who(email, slack_id),
            c.outcome,
            c.sentiment,
            c.score,
            c.summary,
            c.in_their_words,
        ]
    elif kind == "action-items":
        i, customer, name, o_email, o_slack, team, e_email, e_slack = r
        values = [
            i.id,
            customer,
            name,
            i.text,
            _who(o_email, o_slack),
            team,
            i.due_on,
            i.status,
            i.created_at,
            i.done_at,
            _who(e_email, e_slack),
        ]
    elif kind == "teams":
        (t,) = r
        facing = "yes" if t.customer_facing else "no"
        values = [t.name, t.channel_id, t.channel_name, facing, t.theme_tags]
    elif kind == "kudos":
        k, g_email, g_slack, t_email, t_slack, customer = r
        values = [
            k.id,
            k.created_at,
            _who(g_email, g_slack),
            _who(t_email, t_slack),
            k.note,
            customer,
        ]
    else:
        b, email, slack_id, customer, name = r
        values = [
            b.iso_week,
            _who(email, slack_id),
            b.position,
            customer,
            name,
            b.status,
            b.swap_reason,
        ]
    return dict(zip(COLUMNS[kind], map(_text, values), strict=True))


async def export_rows(
    db: Database,
    ws: str,
    kind: str,
    *,
    since: date | None = None,
    executive_email: str | None = None,
) -> AsyncIterator[dict[str, str]]:
    """Rows as they stream from the server (yield_per), never the whole table in memory."""
    if kind not in EXPORTS:
        raise ValueError(f"unknown export {kind!r}: use one of {', '.join(EXPORTS)}")
    exec_id = await _executive_id(db, ws, executive_email)
    stmt = _statement(kind, ws, since, exec_id).execution_options(yield_per=1000)
    async with db.sessions() as session:
        result = await session.stream(stmt)
        async for row in result:
            yield _row(kind, row)


async def write_export(
    rows: AsyncIterator[dict[str, str]], kind: str, fmt: str, out: TextIO, *, excel: bool = False
) -> int:
    """CSV with every formula-like cell guarded (and a BOM for Excel), or JSON Lines as is."""
    count = 0
    writer = csv.DictWriter(out, fieldnames=COLUMNS[kind]) if fmt == "csv" else None
    if writer is not None:
        if excel:
            out.write(BOM)  # without it Excel reads UTF-8 as the local code page
        writer.writeheader()
    async for row in rows:
        if writer is not None:
            writer.writerow({k: guard_formula(v) for k, v in row.items()})
        else:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count
