"""Use cases on action items: done, reassign, snooze, a new due date. (The daily digest that
offers them is bot/services/reminders.py; `remind_overdue` is named here too, where the
scheduler has always found it.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import bot.views.items as item_views
from bot.deps import Deps
from bot.regimen.reminders import snoozed_until
from bot.regimen.types import Channel, ItemStatus
from bot.services import outbox
from bot.services.call_routing import card, item_reply_key, items_parent_key
from bot.services.identity import (
    NotAllowed,
    colleague,
    is_admin,
    reload_actor,
    require_enrolled,
)
from bot.services.people import regimen_of
from bot.services.reminders import remind_overdue
from bot.tenancy.workspace_settings import for_workspace
from bot.views.data import CloseLoop, ItemCard
from bot.views.text import day
from storage.models import ActionItem, Contact, Customer, Person

__all__ = ["remind_overdue"]  # scheduler/jobs.py imports it from here


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
        thread_of=items_parent_key(item.contact_id, item.team_id),
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
        channel=contact.channel if contact else Channel.CALL,
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
    # The new owner's digest starts afresh: nothing snoozed, counted or escalated for them.
    item.last_reminded_on = item.snoozed_until = None
    item.escalated_at = None
    item.overdue_workdays = 0
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


@dataclass(frozen=True)
class ItemDate:
    """An item snoozed until `on`, or now due on `on`."""

    item_id: int
    text: str
    on: date
    changed: bool  # False when it already was (a double click)


async def _owners_today(deps: Deps, session: AsyncSession, actor: Person, item: ActionItem) -> date:
    """Today on the item's owner's calendar (the actor's when it has none): the day the digest
    compares snoozes and due dates with."""
    owner = await session.get(Person, item.owner_id) if item.owner_id else None
    settings = await for_workspace(deps.db, deps.settings, actor.workspace_id)
    return regimen_of(owner or actor, settings).today(deps.now())


async def snooze_item(deps: Deps, person: Person | None, item_id: int) -> ItemDate:
    """Snooze 1 week: the item is out of its owner's digest (and not counted towards the
    manager's escalation) until the same weekday next week."""
    me = require_enrolled(person, ROSTER_ONLY)
    async with deps.db.unit_of_work(writes=True) as session:
        item = await _item_for(session, await reload_actor(session, me), item_id)
        until = snoozed_until(await _owners_today(deps, session, me, item))
        changed = item.status == ItemStatus.OPEN and item.snoozed_until != until
        if changed:
            item.snoozed_until = until
    return ItemDate(item.id, item.text, until, changed)


async def move_due_date(deps: Deps, person: Person | None, item_id: int, due_on: date) -> ItemDate:
    """A new due date (today or later, on the owner's calendar): the thread's reply shows it,
    a snooze ends, and the working days overdue count again from it."""
    me = require_enrolled(person, ROSTER_ONLY)
    async with deps.db.unit_of_work(writes=True) as session:
        actor = await reload_actor(session, me)
        item = await _item_for(session, actor, item_id)
        today = await _owners_today(deps, session, me, item)
        if due_on < today:
            raise NotAllowed(f"{day(due_on)} is in the past — pick today or a later day.")
        changed = item.status == ItemStatus.OPEN and item.due_on != due_on
        if changed:
            item.due_on = due_on
            item.snoozed_until = None
            item.overdue_workdays = 0
            owner = await session.get(Person, item.owner_id) if item.owner_id else None
            await outbox.update(
                session,
                item.workspace_id,
                f"item:{item.id}:due:{due_on.isoformat()}:{int(deps.now().timestamp())}",
                item_reply_key(item.id),
                item_views.build_item_reply(card(item, owner)),
            )
    if changed:
        deps.wake_sender()
    return ItemDate(item.id, item.text, due_on, changed)
