"""Use case: each owner's daily digest of action items (the rules: bot/regimen/reminders.py).

The scheduler runs it every 15 minutes, per workspace; an owner is looked at once their
nudge time has passed on a workday they are not paused, and the digest is keyed by their
local day, so however often it runs, one DM a day at most. The item rows record what the
digest did (reminded, noted, counted, escalated) in the same transaction as its messages."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

import bot.views.items as item_views
from bot.regimen.calendar import Regimen
from bot.regimen.reminders import Chase, OpenItem, chase, off_or_early
from bot.regimen.types import ItemStatus
from bot.services import holidays, outbox
from bot.services.call_routing import card, items_parent_key
from bot.services.people import regimen_of
from bot.settings import Settings
from bot.views.data import DigestLine
from bot.views.data import Person as Shown
from bot.views.reminders import build_items_digest
from storage.models import ActionItem, Customer, Person

Chased = tuple[ActionItem, str, Chase]


def digest_key(workspace_id: str, owner: Person, today: date) -> str:
    """One digest per owner per local day."""
    return f"items-digest:{workspace_id}:{owner.id}:{today.isoformat()}"


async def remind_overdue(
    session: AsyncSession, settings: Settings, *, now: datetime, workspace_id: str | None = None
) -> int:
    """Queue the digest of every owner due one at `now` (with their items' thread notes and
    manager escalations); returns how many items were chased. `workspace_id`: that
    workspace's items only (the scheduler runs each with its own settings)."""
    # Nobody's calendar is more than a day ahead of UTC's: later due dates cannot be due yet.
    horizon = now.date() + timedelta(days=1)
    rows = await session.execute(
        select(ActionItem, Customer.name)
        .join(Customer, Customer.id == ActionItem.customer_id)
        .where(ActionItem.status == ItemStatus.OPEN, ActionItem.owner_id.is_not(None))
        .where(
            or_(
                ActionItem.due_on <= horizon,
                ActionItem.due_on.is_(None) & ActionItem.last_reminded_on.is_(None),
            )
        )
        .where(*([ActionItem.workspace_id == workspace_id] if workspace_id else []))
        .order_by(ActionItem.id)
    )
    by_owner: dict[int, list[tuple[ActionItem, str]]] = {}
    for item, customer_name in rows:
        by_owner.setdefault(item.owner_id or 0, []).append((item, customer_name))
    if not by_owner:
        return 0
    owners = list(await session.scalars(select(Person).where(Person.id.in_(list(by_owner)))))
    days_off = await holidays.calendars(
        session, [o.workspace_id for o in owners], around=now.date()
    )
    due: list[tuple[Person, Regimen, str]] = []
    for owner in owners:
        # someone no longer active (left, or erased) is not chased
        if not owner.active or not owner.slack_user_id:
            continue
        reg = regimen_of(owner, settings, days_off[owner.workspace_id])
        if off_or_early(reg, now) is None:
            due.append((owner, reg, digest_key(owner.workspace_id, owner, reg.today(now))))
    sent = await outbox.queued_keys(session, [key for _, _, key in due])
    count = 0
    for owner, reg, key in due:
        if key in sent:
            continue
        today = reg.today(now)
        chased: list[Chased] = []
        for item, customer_name in by_owner[owner.id]:
            state = OpenItem(
                due_on=item.due_on,
                created_on=reg.today(item.created_at),
                snoozed_until=item.snoozed_until,
                reminded_on=item.last_reminded_on,
                noted_on=item.noted_on,
                overdue_workdays=item.overdue_workdays or 0,
                escalated=item.escalated_at is not None,
            )
            found = chase(state, today, reg, escalate_after=settings.kyc_overdue_escalation_days)
            if found is not None:
                chased.append((item, customer_name, found))
        if chased:
            await _queue_digest(session, owner, today, key, chased, now=now)
            count += len(chased)
    return count


async def _queue_digest(
    session: AsyncSession,
    owner: Person,
    today: date,
    key: str,
    chased: list[Chased],
    *,
    now: datetime,
) -> None:
    # Most overdue first, then due today, then those without a due date.
    chased.sort(key=lambda c: (c[0].due_on is None, -c[2].overdue_days, c[0].id))
    lines = [
        DigestLine(name, replace(card(item, owner), overdue_days=found.overdue_days))
        for item, name, found in chased
    ]
    ws = owner.workspace_id
    await outbox.post(session, ws, key, owner.slack_user_id or "", build_items_digest(lines))
    manager = await session.get(Person, owner.manager_id) if owner.manager_id else None
    for (item, customer_name, found), line in zip(chased, lines, strict=True):
        item.last_reminded_on = today
        item.overdue_workdays = found.overdue_workdays
        if found.note_thread:
            item.noted_on = today
            await outbox.post(
                session,
                ws,
                f"item:{item.id}:overdue-note:{today.isoformat()}",
                item.channel_id or "",
                item_views.build_overdue_thread_note(line.item),
                thread_of=items_parent_key(item.contact_id, item.team_id),
            )
        if found.escalate and manager is not None and manager.active and manager.slack_user_id:
            item.escalated_at = now
            await outbox.post(
                session,
                ws,
                f"item:{item.id}:escalated",
                manager.slack_user_id,
                item_views.build_overdue_escalation(
                    line.item, customer_name, Shown(owner.name, owner.slack_user_id)
                ),
            )
