"""Use cases around an executive's customer list: remove a customer (deactivated, never
deleted), pause it until a date, or ask to move it to another executive (an admin accepts or
declines; until then it stays); and an admin enrolling someone in Slack as an executive.
One unit of work each, the messages queued in it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.ids import Block
from bot.regimen.types import Role
from bot.services import calls, outbox
from bot.services.identity import (
    Invalid,
    NotAllowed,
    colleague,
    reload_actor,
    require_admin,
    require_executive,
)
from bot.services.people import regimen_of
from bot.services.planning import plan_week_in
from bot.settings import Settings
from bot.tenancy.workspace_settings import for_workspace
from bot.views.commands import build_simple
from bot.views.customer_care import (
    CustomerChange,
    TransferRequest,
    build_transfer_request,
    welcome_text,
)
from bot.views.text import day, escape
from storage.models import Customer, Person

NO_LIST = "Only executives on the KYC roster have a customer list."


async def manage_form(deps: Deps, person: Person | None, customer_id: int) -> str:
    """The customer's name, for the modal, when it is on the executive's list."""
    me = require_executive(person, NO_LIST)
    async with deps.db.unit_of_work() as session:
        return (await calls.own_customer(session, me, customer_id)).name


async def customers_to_manage(deps: Deps, person: Person | None) -> list[tuple[int, str]]:
    """App Home → Manage a customer…: the executive's active customers by name (at most
    100, what a static select holds; `/kyc done` finds any other)."""
    me = require_executive(person, NO_LIST)
    async with deps.db.unit_of_work() as session:
        rows = await session.execute(
            select(Customer.id, Customer.name)
            .where(
                Customer.workspace_id == me.workspace_id,
                Customer.executive_id == me.id,
                Customer.active.is_(True),
            )
            .order_by(Customer.name, Customer.id)
            .limit(100)
        )
        return [(customer_id, name) for customer_id, name in rows]


async def _replan(
    session: AsyncSession, settings: Settings, executive: Person, now: datetime
) -> None:
    """This week's batch without the customers that left the rotation, topped up."""
    week = regimen_of(executive, settings).week(now)
    await plan_week_in(
        session, settings, executive.workspace_id, week, as_of=now, executive_ids=[executive.id]
    )


async def _admins(session: AsyncSession, workspace_id: str) -> list[Person]:
    return list(
        await session.scalars(
            select(Person)
            .where(
                Person.workspace_id == workspace_id,
                Person.role == Role.ADMIN,
                Person.active.is_(True),
                Person.slack_user_id.is_not(None),
            )
            .order_by(Person.id)
        )
    )


async def change_customer(
    deps: Deps, person: Person | None, customer_id: int, change: CustomerChange, *, request_key: str
) -> str:
    """Remove, pause or ask to move one of the executive's customers; what they are told."""
    me = require_executive(person, NO_LIST)
    settings = await for_workspace(deps.db, deps.settings, me.workspace_id)
    now = deps.now()
    async with deps.db.unit_of_work(writes=True) as session:
        me = await reload_actor(session, me)
        customer = await calls.own_customer(session, me, customer_id)
        if change.kind == "remove":
            customer.active = False
            done = f"Removed {customer.name} from your list. An admin can bring it back."
        elif change.kind == "pause" and change.until is not None:
            customer.paused_until = change.until
            done = f"{customer.name} is paused until {day(change.until)}."
        else:
            done = await _ask_to_move(session, me, customer, change.to_user or "", request_key)
        await session.flush()
        await _replan(session, settings, me, now)
    deps.wake_sender()
    return done


async def _ask_to_move(
    session: AsyncSession, me: Person, customer: Customer, to_user: str, request_key: str
) -> str:
    ws = me.workspace_id
    target = await session.scalar(
        select(Person).where(Person.workspace_id == ws, Person.slack_user_id == to_user)
    )
    if target is None or not target.active or target.role not in (Role.EXECUTIVE, Role.ADMIN):
        raise Invalid({Block.NEW_EXECUTIVE: "Pick an executive on the KYC roster."})
    if target.id == me.id:
        raise Invalid({Block.NEW_EXECUTIVE: f"{customer.name} is yours already."})
    admins = await _admins(session, ws)
    if not admins:
        raise Invalid({Block.NEW_EXECUTIVE: "No KYC admin could accept the move: ask one first."})
    customer.transfer_to_id = target.id
    request = TransferRequest(
        customer_id=customer.id,
        customer_name=customer.name,
        from_user=me.slack_user_id,
        from_name=me.name,
        to_id=target.id,
        to_user=target.slack_user_id,
        to_name=target.name,
    )
    for admin in admins:
        key = f"transfer:{customer.id}:{target.id}:{request_key}:{admin.id}"
        await outbox.post(
            session, ws, key, admin.slack_user_id or "", build_transfer_request(request)
        )
    return (
        f"Asked the admins to move {customer.name} to {target.name}. "
        "It stays on your list until one of them accepts."
    )


async def answer_transfer(
    deps: Deps, person: Person | None, customer_id: int, to_id: int, *, accept: bool, click: str
) -> str:
    """An admin accepts or declines a move; what the admin is told."""
    admin = require_admin(person)
    settings = await for_workspace(deps.db, deps.settings, admin.workspace_id)
    now = deps.now()
    async with deps.db.unit_of_work(writes=True) as session:
        admin = require_admin(await reload_actor(session, admin))
        customer = await session.get(Customer, customer_id)
        if customer is None or customer.workspace_id != admin.workspace_id:
            raise NotAllowed("That customer is not on the KYC roster.")
        if customer.transfer_to_id != to_id:
            return f"The move of {customer.name} was answered already."
        owner = await session.get(Person, customer.executive_id) if customer.executive_id else None
        target = await session.get(Person, to_id)
        customer.transfer_to_id = None
        name = escape(customer.name)
        if not accept or target is None:
            told = (
                f"Declined: {customer.name} stays with {owner.name if owner else 'its executive'}."
            )
            if owner is not None and owner.slack_user_id:
                note = f"{escape(admin.name)} declined moving *{name}*: it stays on your list."
                key = f"transfer:{customer.id}:{to_id}:declined:{click}"
                await outbox.post(
                    session, admin.workspace_id, key, owner.slack_user_id, build_simple(note)
                )
            return told
        customer.executive_id = target.id
        before = owner.name if owner else "nobody"
        await session.flush()
        for who, text in (
            (owner, f"*{name}* moved to {escape(target.name)}, as you asked."),
            (
                target,
                f"*{name}* is on your customer list now (from {escape(before)}).",
            ),
        ):
            if who is not None and who.slack_user_id:
                key = f"transfer:{customer.id}:{to_id}:accepted:{who.id}:{click}"
                await outbox.post(
                    session, admin.workspace_id, key, who.slack_user_id, build_simple(text)
                )
        if owner is not None and owner.role == Role.EXECUTIVE:
            await _replan(session, settings, owner, now)
    deps.wake_sender()
    return f"Moved {customer.name} to {target.name}."


async def enrol_executive(deps: Deps, person: Person | None, slack_user_id: str) -> str:
    """An admin makes a Slack user an executive (added to the roster if new), welcomed by DM;
    what the admin is told."""
    admin = require_admin(person)
    async with deps.db.unit_of_work(writes=True) as session:
        admin = require_admin(await reload_actor(session, admin))
        chosen = await colleague(session, admin.workspace_id, slack_user_id)
        if chosen.role == Role.ADMIN:
            raise Invalid({Block.ENROL_USER: f"{chosen.name} is an admin already."})
        chosen.role, chosen.active = Role.EXECUTIVE, True
        await session.flush()
        await outbox.post(
            session,
            admin.workspace_id,
            f"welcome:executive:{chosen.id}",
            slack_user_id,
            build_simple(welcome_text(admin.name)),
        )
    deps.wake_sender()
    return f"{chosen.name} is an executive now, with a welcome DM."
