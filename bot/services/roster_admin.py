"""Use cases of App Home → People, Teams, Customers (admins): the roster edited one row at a
time in Slack, by the rules `kyc import` applies to a file (roster_import.SPEC for each cell,
roster_write for what it refers to), so a form and a CSV line can never disagree. A row is
never deleted: people and customers are deactivated."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.regimen.types import Role
from bot.services import roster_write
from bot.services.identity import Invalid, is_admin, reload_actor, require_admin
from bot.services.roster_import import Rows
from bot.views.data import Option, RosterForm
from storage.models import Base, Customer, Person, Team

KINDS = ("people", "teams", "customers")
# A customer's pause (the executive's "pause it until"): shown on its form, to be cleared.
PAUSED = "paused_until"
RESUME = "resume"
MODELS: dict[str, Any] = {"people": Person, "teams": Team, "customers": Customer}


async def picker(person: Person | None, kind: str) -> str:
    """The kind of row an admin chooses to edit (the picker needs nothing stored)."""
    require_admin(person)
    return kind


async def choices(
    deps: Deps, person: Person | None, kind: str, typed: str, *, executives: bool = False
) -> list[Option]:
    """A roster picker's options (at most 100, by name) matching what was typed; none for
    someone who is not an admin."""
    if not is_admin(person) or kind not in KINDS:
        return []
    assert person is not None
    model = MODELS[kind]
    like = f"%{typed.strip().lower()}%"
    query = select(model).where(model.workspace_id == person.workspace_id)
    if kind == "people":
        query = query.where(or_(func.lower(Person.name).like(like), Person.email.like(like)))
        if executives:
            query = query.where(Person.role.in_((Role.EXECUTIVE, Role.ADMIN)))
    elif kind == "customers":
        query = query.where(
            or_(func.lower(Customer.name).like(like), Customer.external_id.like(like))
        )
    else:
        query = query.where(func.lower(Team.name).like(like))
    async with deps.db.unit_of_work() as session:
        rows = await session.scalars(query.order_by(model.name, model.id).limit(100))
        return [Option(str(row.id), _label(row)) for row in rows]


def _label(row: Any) -> str:
    off = "" if getattr(row, "active", True) else " (deactivated)"
    if isinstance(row, Customer):
        return f"{row.name} · {row.external_id}{off}"
    return f"{row.name}{off}"


async def form(deps: Deps, person: Person | None, kind: str, record_id: int | None) -> RosterForm:
    """What a roster form shows: the row's fields (empty for a new one)."""
    me = require_admin(person)
    if record_id is None:
        return RosterForm(kind, None, {"active": "true"})
    async with deps.db.unit_of_work() as session:
        row = await _stored(session, me.workspace_id, kind, record_id)
        if isinstance(row, Person):
            return await _person_form(session, row)
        if isinstance(row, Customer):
            return await _customer_form(session, row)
        facing = "true" if row.customer_facing else "false"
        cells = {
            "name": row.name,
            "channel_id": row.channel_id,
            "theme_tags": row.theme_tags,
            "customer_facing": facing,
        }
        return RosterForm(kind, row.id, cells)


async def _stored(
    session: AsyncSession, ws: str, kind: str, record_id: int, field: str = "pick"
) -> Any:
    row = await session.get(MODELS[kind], record_id)
    if row is None or row.workspace_id != ws:
        raise Invalid({field: "That is not on this workspace's roster any more."})
    return row


async def _option(session: AsyncSession, model: type[Base], row_id: int | None) -> Option | None:
    row: Any = await session.get(model, row_id) if row_id else None
    return Option(str(row.id), _label(row)) if row is not None else None


def _picked(**options: Option | None) -> dict[str, Option]:
    return {name: option for name, option in options.items() if option is not None}


async def _person_form(session: AsyncSession, p: Person) -> RosterForm:
    cells = {
        "name": p.name,
        "email": p.email,
        "slack_user_id": p.slack_user_id,
        "title": p.title,
        "phone": p.phone,
        "role": p.role.value,
        "timezone": p.timezone,
        "workdays": p.workdays,
        "nudge_time": p.nudge_time.strftime("%H:%M") if p.nudge_time else None,
        "weekly_quota": str(p.weekly_quota) if p.weekly_quota else None,
        "active": "true" if p.active else "false",
    }
    picked = _picked(
        manager=await _option(session, Person, p.manager_id),
        team=await _option(session, Team, p.team_id),
    )
    return RosterForm("people", p.id, cells, picked)


async def _customer_form(session: AsyncSession, c: Customer) -> RosterForm:
    cells = {
        "external_id": c.external_id,
        "name": c.name,
        "tier": c.tier,
        "key": "true" if c.key else "false",
        "contact_name": c.contact_name,
        "contact_title": c.contact_title,
        "contact_email": c.contact_email,
        "contact_phone": c.contact_phone,
        "notes": c.notes,
        "timezone": c.timezone,
        "active": "true" if c.active else "false",
        # not a CSV column: the form shows the pause, to be cleared (PAUSED is read by save)
        PAUSED: c.paused_until.isoformat() if c.paused_until else None,
    }
    picked = _picked(
        executive=await _option(session, Person, c.executive_id),
        team=await _option(session, Team, c.team_id),
    )
    return RosterForm("customers", c.id, cells, picked)


async def save(
    deps: Deps,
    person: Person | None,
    kind: str,
    record_id: int | None,
    cells: dict[str, str | None],
) -> str:
    """Add or change one roster row from its form, checked as a CSV line would be; every
    problem is answered on its field and nothing is stored. Returns what to tell the admin."""
    me = require_admin(person)
    if kind not in KINDS:
        raise Invalid({"name": "Unknown kind of roster row."})
    cells = dict(cells)
    resume = kind == "customers" and cells.pop(RESUME, None) == "true"
    async with deps.db.unit_of_work(writes=True) as session:
        me = require_admin(await reload_actor(session, me))
        ws = me.workspace_id
        target = await _stored(session, ws, kind, record_id, "name") if record_id else None
        if kind == "customers" and not cells.get("external_id") and target is None:
            cells["external_id"] = f"slack-{uuid.uuid4().hex[:12]}"  # as App Home's "Add"
        await _references(session, ws, cells)
        rows = Rows.of_form(kind, cells, target)
        await roster_write.apply(session, ws, rows)
        if not rows.errors and kind == "people":
            await _keep_an_admin(session, ws, rows)
        if rows.errors:
            fields: dict[str, str] = {}
            for error in rows.errors:
                fields.setdefault(error.column if error.column in cells else "name", error.message)
            raise Invalid(fields)
        if resume and isinstance(target, Customer):
            target.paused_until = None  # back in its executive's rotation now
    name = cells.get("name") or ""
    return f"{'Saved' if target is not None else 'Added'} {name} ✅"


async def _references(session: AsyncSession, ws: str, cells: dict[str, str | None]) -> None:
    """The pickers give ids; a roster line names a team by name, a person by email or Slack id."""
    for column, model in (("team", Team), ("manager", Person), ("executive", Person)):
        chosen = cells.get(column)
        if not chosen:
            continue
        row: Any = await session.get(model, int(chosen)) if chosen.isdigit() else None
        if row is None or row.workspace_id != ws:
            raise Invalid({column: "That is not on this workspace's roster any more."})
        if model is Team:
            cells[column] = row.name
        elif row.email or row.slack_user_id:
            cells[column] = row.email or row.slack_user_id
        else:
            raise Invalid({column: f"{row.name} has no email or Slack account to refer to."})


async def _keep_an_admin(session: AsyncSession, ws: str, rows: Rows) -> None:
    await session.flush()
    left = await session.scalar(
        select(func.count())
        .select_from(Person)
        .where(Person.workspace_id == ws, Person.role == Role.ADMIN, Person.active)
    )
    if not left:
        rows.error(1, "role", "Keep at least one active admin: nobody could change the roster.")
