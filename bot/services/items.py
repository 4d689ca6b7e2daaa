"""Use cases on action items: done, reassign, and the daily overdue reminders."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import bot.views.items as item_views
from bot.deps import Deps
from bot.regimen.calendar import MONDAY_TO_FRIDAY, next_workdays
from bot.regimen.types import ItemStatus
from bot.services import outbox
from bot.services.call_routing import card, item_reply_key
from bot.services.identity import (
    NotAllowed,
    colleague,
    is_admin,
    reload_actor,
    require_enrolled,
)
from bot.services.people import regimen_of
from bot.settings import Settings
from bot.views.data import CloseLoop, ItemCard
from bot.views.data import Person as Shown
from storage.models import ActionItem, Contact, Customer, Person


@dataclass(frozen=True)
class ItemChange:
    item_id: int
    changed: bool  # False when it was already in that state (a double click)
    loop_closed: bool = False


async def _item_for(session: AsyncSession, actor: Person, item_id: int) -> ActionItem:
    item = await session.get(ActionItem, item_id)
    if item is None or item.workspace_id != actor.workspace_id:
        raise NotAllowed("That action item no longer exists.")
    contact = await session.get(Contact, item.contact_id)
    allowed = (
        is_admin(actor)
        or item.owner_id == actor.id
        or (item.team_id is not None and item.team_id == actor.team_id)
        or (contact is not None and contact.executive_id == actor.id)
    )
    if not allowed:
        raise NotAllowed(
            "Only the owner, their team, the executive who logged the call or an admin "
            "can change this action item."
        )
    return item


def _parent_key(item: ActionItem) -> str:
    return f"call:{item.contact_id}:items:{item.team_id or 0}"


async def mark_done(
    session: AsyncSession, actor: Person, item_id: int, *, now: datetime
) -> ItemChange:
    item = await _item_for(session, actor, item_id)
    if item.status == ItemStatus.DONE:
        return ItemChange(item.id, changed=False)
    item.status = ItemStatus.DONE
    item.done_at = now
    item.done_by_id = actor.id
    owner = await session.get(Person, item.owner_id) if item.owner_id else None
    ws = item.workspace_id
    done_card = card(item, owner, done_by=actor)
    await outbox.update(
        session,
        ws,
        f"item:{item.id}:done-update",
        item_reply_key(item.id),
        item_views.build_item_reply(done_card),
    )
    channel = item.channel_id or ""
    await outbox.post(
        session,
        ws,
        f"item:{item.id}:done-note",
        channel,
        item_views.build_item_done_note(done_card),
        thread_of=_parent_key(item),
    )
    closed = await _close_loop_if_done(session, item, now)
    return ItemChange(item.id, changed=True, loop_closed=closed)


async def _close_loop_if_done(session: AsyncSession, item: ActionItem, now: datetime) -> bool:
    siblings = list(
        await session.scalars(select(ActionItem).where(ActionItem.contact_id == item.contact_id))
    )
    if any(s.status != ItemStatus.DONE for s in siblings):
        return False
    contact = await session.get(Contact, item.contact_id)
    executive = (
        await session.get(Person, contact.executive_id)
        if contact and contact.executive_id
        else None
    )
    customer = await session.get(Customer, item.customer_id)
    if executive is None or not executive.slack_user_id or customer is None:
        return False
    owners = {p.id: p for p in await _people(session, [s.owner_id for s in siblings])}
    loop = CloseLoop(
        customer_name=customer.name,
        items=tuple(card(s, owners.get(s.owner_id or 0)) for s in siblings),
    )
    await outbox.post(
        session,
        item.workspace_id,
        f"call:{item.contact_id}:loop-closed",
        executive.slack_user_id,
        item_views.build_close_loop_dm(loop),
    )
    return True


async def _people(session: AsyncSession, ids: list[int | None]) -> list[Person]:
    wanted = [i for i in ids if i]
    if not wanted:
        return []
    return list(await session.scalars(select(Person).where(Person.id.in_(wanted))))


async def reassign(
    session: AsyncSession, actor: Person, item_id: int, new_owner_user_id: str, *, now: datetime
) -> ItemChange:
    item = await _item_for(session, actor, item_id)
    new_owner = await colleague(session, actor.workspace_id, new_owner_user_id)
    if item.owner_id == new_owner.id:
        return ItemChange(item.id, changed=False)
    item.owner_id = new_owner.id
    item.last_reminded_on = None
    item.escalated_at = None
    ws = item.workspace_id
    stamp = int(now.timestamp())
    new_card = card(item, new_owner)
    await outbox.update(
        session,
        ws,
        f"item:{item.id}:reassign:{new_owner.id}:{stamp}",
        item_reply_key(item.id),
        item_views.build_item_reply(new_card),
    )
    if new_owner.slack_user_id:
        await outbox.post(
            session,
            ws,
            f"item:{item.id}:assigned:{new_owner.id}:{stamp}",
            new_owner.slack_user_id,
            item_views.build_item_reply(new_card),
        )
    return ItemChange(item.id, changed=True)


ROSTER_ONLY = "Only people on the KYC roster can change action items."


async def close_item(deps: Deps, person: Person | None, item_id: int) -> ItemChange:
    """The Done button of an item's thread (a double click changes nothing twice)."""
    me = require_enrolled(person, ROSTER_ONLY)
    async with deps.db.unit_of_work(writes=True) as session:
        change = await mark_done(session, await reload_actor(session, me), item_id, now=deps.now())
    deps.wake_sender()
    return change


async def reassign_form(deps: Deps, person: Person | None, item_id: int) -> ItemCard:
    """The item as the reassign modal shows it."""
    me = require_enrolled(person, ROSTER_ONLY)
    async with deps.db.unit_of_work() as session:
        item = await _item_for(session, await reload_actor(session, me), item_id)
        owner = await session.get(Person, item.owner_id) if item.owner_id else None
    return card(item, owner)


async def submit_reassign(
    deps: Deps, person: Person | None, item_id: int, new_owner_user_id: str
) -> ItemChange:
    me = require_enrolled(person, ROSTER_ONLY)
    async with deps.db.unit_of_work(writes=True) as session:
        change = await reassign(
            session, await reload_actor(session, me), item_id, new_owner_user_id, now=deps.now()
        )
    deps.wake_sender()
    return change


async def remind_overdue(
    session: AsyncSession, settings: Settings, *, now: datetime, workspace_id: str | None = None
) -> int:
    """Once a day per item: remind the owner, note it in the thread, escalate to the manager.
    `workspace_id`: that workspace's items only (the scheduler runs each with its settings)."""
    rows = await session.execute(
        select(ActionItem, Customer.name)
        .join(Customer, Customer.id == ActionItem.customer_id)
        .where(ActionItem.status == ItemStatus.OPEN, ActionItem.due_on.is_not(None))
        .where(*([ActionItem.workspace_id == workspace_id] if workspace_id else []))
    )
    count = 0
    for item, customer_name in rows:
        owner = await session.get(Person, item.owner_id) if item.owner_id else None
        # someone no longer active (left, or erased) is not chased
        if owner is None or not owner.active or not owner.slack_user_id or item.due_on is None:
            continue
        reg = regimen_of(owner, settings)
        today = reg.today(now)
        if item.due_on >= today or item.last_reminded_on == today:
            continue
        item.last_reminded_on = today
        overdue_days = (today - item.due_on).days
        ic = replace(card(item, owner), overdue_days=overdue_days)
        ws = item.workspace_id
        key = f"item:{item.id}:overdue:{today.isoformat()}"
        await outbox.post(
            session,
            ws,
            key,
            owner.slack_user_id,
            item_views.build_overdue_reminder(ic, customer_name),
        )
        await outbox.post(
            session,
            ws,
            key + ":thread",
            item.channel_id or "",
            item_views.build_overdue_thread_note(ic),
            thread_of=_parent_key(item),
        )
        count += 1
        escalate_on = next_workdays(
            item.due_on, reg.workdays or MONDAY_TO_FRIDAY, settings.kyc_overdue_escalation_days
        )[-1]
        if item.escalated_at is None and today >= escalate_on and owner.manager_id:
            manager = await session.get(Person, owner.manager_id)
            if manager and manager.slack_user_id:
                item.escalated_at = now
                await outbox.post(
                    session,
                    ws,
                    f"item:{item.id}:escalated",
                    manager.slack_user_id,
                    item_views.build_overdue_escalation(
                        ic, customer_name, Shown(owner.name, owner.slack_user_id)
                    ),
                )
    return count
