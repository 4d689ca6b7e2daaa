"""Use case: a key customer's complaint owned and recovered (seed 003: leaders take ownership
of their important customers' complaints). The rules are bot/regimen/recovery.py's.

- Offer: a reactive contact with channel COMPLAINT or ESCALATION for a KEY customer, however it
  arrived (`kyc import contacts`, `/kyc log`), is offered to the customer's executive sponsor
  in a DM with a "Take ownership" button at their next morning run: the morning job calls
  `morning` every tick for the executives whose morning it is (a workday, between their nudge
  time and the catch-up cut-off). A complaint recorded before the cut-off is offered that same
  morning; one recorded after it, at the next working morning. Complaints older than
  KYC_RECOVERY_WINDOW_DAYS when first seen are history, not offered. The `recoveries` row
  (one per complaint contact) and the DM's outbox key make the offer exactly once.
- Take ownership (`take_ownership`): the customer goes first in the owner's batch this week,
  the customer's team channel hears who owns it, and the recovery is OWNED; a second click (or
  a retried delivery) changes nothing and posts nothing.
- Settling (`morning` too): owned recoveries are closed by `recovery.settle` from the contacts
  logged since (first_call_at, recovered_at, status).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.regimen.recovery import (
    COMPLAINT_CHANNELS,
    RecoveryFigures,
    RecoveryTimes,
    Touch,
    recovery_figures,
    settle,
)
from bot.regimen.types import BatchStatus, ContactKind, RecoveryStatus
from bot.services import outbox
from bot.services.identity import NotAllowed, is_admin, reload_actor, require_enrolled
from bot.services.people import regimen_of
from bot.settings import Settings
from bot.tenancy.workspace_settings import for_workspace
from bot.views.data import RecoveryOffer
from bot.views.recovery import build_ownership_post, build_recovery_offer
from storage.db import Database
from storage.models import BatchEntry, Contact, Customer, Person, Recovery, Team, utcnow
from storage.queries import insert_ignoring_duplicates

NOT_YOURS = (
    "Only the customer's executive sponsor (or an admin) can take ownership of this complaint."
)


def offer_key(workspace_id: str, contact_id: int) -> str:
    return f"recovery:{workspace_id}:{contact_id}:offer"


def owned_key(workspace_id: str, contact_id: int) -> str:
    return f"recovery:{workspace_id}:{contact_id}:owned"


def _unoffered(workspace_id: str, executive_ids: list[int], since: datetime) -> Any:
    return (
        select(
            Contact.id, Contact.customer_id, Contact.occurred_at, Contact.summary, Contact.channel
        )
        .join(Customer, Customer.id == Contact.customer_id)
        .outerjoin(
            Recovery,
            and_(
                Recovery.workspace_id == Contact.workspace_id,
                Recovery.complaint_contact_id == Contact.id,
            ),
        )
        .where(
            Contact.workspace_id == workspace_id,
            Contact.kind == ContactKind.REACTIVE,
            Contact.channel.in_(COMPLAINT_CHANNELS),
            Contact.occurred_at >= since,
            Customer.key.is_(True),
            Customer.active.is_(True),
            Customer.executive_id.in_(executive_ids),
            Recovery.id.is_(None),
        )
        .order_by(Contact.occurred_at, Contact.id)
    )


async def morning(
    db: Database, settings: Settings, workspace_id: str, executive_ids: list[int], now: datetime
) -> int:
    """Offer the complaints not offered yet to the executives whose morning it is, and settle
    the owned recoveries. Returns the offers queued. A read first: nearly every tick has
    nothing to do, and the writer lock is not taken for it."""
    since = now - timedelta(days=settings.kyc_recovery_window_days)
    async with db.unit_of_work() as session:
        todo = list(await session.execute(_unoffered(workspace_id, executive_ids, since)))
        owned = await _settle_all(session, workspace_id, now, settings, dry_run=True)
    if not todo and not owned:
        return 0
    queued = 0
    async with db.unit_of_work(writes=True) as session:
        if todo:
            queued = await _offer(session, settings, workspace_id, executive_ids, since, now)
        if owned:
            await _settle_all(session, workspace_id, now, settings, dry_run=False)
    return queued


async def _offer(
    session: AsyncSession,
    settings: Settings,
    workspace_id: str,
    executive_ids: list[int],
    since: datetime,
    now: datetime,
) -> int:
    rows = list(await session.execute(_unoffered(workspace_id, executive_ids, since)))
    queued = 0
    for contact_id, customer_id, occurred_at, summary, channel in rows:
        customer = await session.get(Customer, customer_id)
        if customer is None or customer.executive_id is None:
            continue
        sponsor = await session.get(Person, customer.executive_id)
        if sponsor is None or not sponsor.slack_user_id:
            continue
        fresh = await insert_ignoring_duplicates(
            session,
            Recovery,
            {
                "workspace_id": workspace_id,
                "customer_id": customer_id,
                "complaint_contact_id": contact_id,
                "executive_id": sponsor.id,
                "complained_at": occurred_at,
                "offered_at": now,
                "status": RecoveryStatus.OFFERED,
                "created_at": utcnow(),
            },
            ["workspace_id", "complaint_contact_id"],
        )
        if not fresh:
            continue
        offer = RecoveryOffer(
            contact_id=contact_id,
            customer_name=customer.name,
            channel=channel,
            occurred_at=occurred_at.astimezone(regimen_of(sponsor, settings).tz),
            summary=summary,
        )
        await outbox.post(
            session,
            workspace_id,
            offer_key(workspace_id, contact_id),
            sponsor.slack_user_id,
            build_recovery_offer(offer),
        )
        queued += 1
    return queued


async def _settle_all(
    session: AsyncSession, workspace_id: str, now: datetime, settings: Settings, *, dry_run: bool
) -> int:
    """Close what `recovery.settle` says is closed; returns how many changed."""
    open_ones = list(
        await session.scalars(
            select(Recovery).where(
                Recovery.workspace_id == workspace_id, Recovery.status == RecoveryStatus.OWNED
            )
        )
    )
    changed = 0
    for rec in open_ones:
        assert rec.owned_at is not None
        contacts = await session.execute(
            select(Contact.occurred_at, Contact.kind, Contact.channel, Contact.executive_id).where(
                Contact.workspace_id == workspace_id,
                Contact.customer_id == rec.customer_id,
                Contact.occurred_at >= rec.complained_at,
                Contact.id != rec.complaint_contact_id,
            )
        )
        touches = [
            Touch(at, kind, channel, by_owner=exec_id == rec.executive_id)
            for at, kind, channel, exec_id in contacts
        ]
        got = settle(
            owned_at=rec.owned_at,
            touches=touches,
            now=now,
            window_days=settings.kyc_recovery_window_days,
        )
        if (got.status, got.first_call_at) != (rec.status, rec.first_call_at):
            changed += 1
            if not dry_run:
                rec.status, rec.first_call_at = got.status, got.first_call_at
                rec.recovered_at = got.closed_at if got.status == RecoveryStatus.RECOVERED else None
    return changed


@dataclass(frozen=True)
class Owned:
    customer_name: str
    iso_week: str
    already: bool  # owned before this click: nothing was changed or posted
    spoke_this_week: bool = False  # their call this week came before the complaint


async def take_ownership(deps: Deps, person: Person | None, contact_id: int) -> Owned:
    """The Take ownership button: the recovery call first in this week's batch, the team
    channel told, the recovery OWNED. Idempotent by complaint contact."""
    me = require_enrolled(person, NOT_YOURS)
    settings = await for_workspace(deps.db, deps.settings, me.workspace_id)
    now = deps.now()
    async with deps.db.unit_of_work(writes=True) as session:
        actor = await reload_actor(session, me)
        ws = actor.workspace_id
        complaint = await session.get(Contact, contact_id)
        if complaint is None or complaint.workspace_id != ws:
            raise NotAllowed("That complaint is no longer on record.")
        customer = await session.get(Customer, complaint.customer_id)
        assert customer is not None
        if customer.executive_id != actor.id and not is_admin(actor):
            raise NotAllowed(NOT_YOURS)
        owner = (
            actor
            if customer.executive_id is None
            else await session.get(Person, customer.executive_id)
        )
        assert owner is not None
        rec = await session.scalar(
            select(Recovery)
            .where(Recovery.workspace_id == ws, Recovery.complaint_contact_id == contact_id)
            .with_for_update()
        )
        if rec is None:
            await insert_ignoring_duplicates(
                session,
                Recovery,
                {
                    "workspace_id": ws,
                    "customer_id": customer.id,
                    "complaint_contact_id": contact_id,
                    "executive_id": owner.id,
                    "complained_at": complaint.occurred_at,
                    "offered_at": None,
                    "status": RecoveryStatus.OFFERED,
                    "created_at": utcnow(),
                },
                ["workspace_id", "complaint_contact_id"],
            )
            rec = await session.scalar(
                select(Recovery).where(
                    Recovery.workspace_id == ws, Recovery.complaint_contact_id == contact_id
                )
            )
            assert rec is not None
        iso_week = regimen_of(owner, settings).week(now)
        if rec.owned_at is not None:
            return Owned(customer.name, iso_week, already=True)
        # Claim it in one statement: of two clicks at once, one changes the row.
        claimed = await session.execute(
            update(Recovery)
            .where(Recovery.id == rec.id, Recovery.owned_at.is_(None))
            .values(owned_at=now, status=RecoveryStatus.OWNED, executive_id=owner.id)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return Owned(customer.name, iso_week, already=True)
        quota = owner.weekly_quota or settings.kyc_weekly_quota
        spoke = await _first_in_batch(
            session, ws, owner.id, iso_week, customer.id, quota, customer.name
        )
        team = await session.get(Team, customer.team_id) if customer.team_id else None
        if team is not None and team.channel_id:
            await outbox.post(
                session,
                ws,
                owned_key(ws, contact_id),
                team.channel_id,
                build_ownership_post(owner.name, customer.name, complaint.summary),
            )
    deps.wake_sender()
    return Owned(customer.name, iso_week, already=False, spoke_this_week=spoke)


async def _first_in_batch(
    session: AsyncSession,
    ws: str,
    executive_id: int,
    iso_week: str,
    customer_id: int,
    quota: int,
    customer_name: str,
) -> bool:
    """The customer at the top of the executive's batch of `iso_week` (before every other
    slot), added if absent; a swapped or carried-over slot is planned again: a recovery call
    is owed. A call already done this week stays done (the week's count does not go back);
    True then, so the executive is told to call again.
    The week stays at its quota: a customer added to a full batch takes the place of the last
    one still only planned (swapped out, "made room for …"; the rotation brings it back); with
    nothing left only planned, the recovery call comes on top."""
    entries = list(
        await session.scalars(
            select(BatchEntry)
            .where(
                BatchEntry.workspace_id == ws,
                BatchEntry.executive_id == executive_id,
                BatchEntry.iso_week == iso_week,
            )
            .order_by(BatchEntry.position)
        )
    )
    others = [e for e in entries if e.customer_id != customer_id]
    first = min([0, *(e.position - 1 for e in others)])
    entry = next((e for e in entries if e.customer_id == customer_id), None)
    counted = sum(1 for e in others if e.status.counts_toward_quota)
    planned = [e for e in others if e.status == BatchStatus.PLANNED]
    if entry is not None and entry.status == BatchStatus.DONE:
        entry.position = first
        return True
    if counted >= quota and planned and (entry is None or not entry.status.counts_toward_quota):
        made_room = planned[-1]
        made_room.status = BatchStatus.SWAPPED
        made_room.swap_reason = f"Made room for {customer_name}'s recovery call"[:500]
    if entry is None:
        session.add(
            BatchEntry(
                workspace_id=ws,
                executive_id=executive_id,
                iso_week=iso_week,
                customer_id=customer_id,
                position=first,
                status=BatchStatus.PLANNED,
            )
        )
        return False
    entry.position = first
    if not entry.status.is_open:
        entry.status = BatchStatus.PLANNED
    return False


# --- figures ---------------------------------------------------------------------------------


async def figures_in(
    session: AsyncSession,
    workspace_id: str,
    *,
    executive_id: int | None = None,
    executive_ids: list[int] | None = None,
) -> RecoveryFigures:
    """The recovery figures of a workspace (or one executive's, or some executives')."""
    stmt = select(
        Recovery.complained_at,
        Recovery.status,
        Recovery.owned_at,
        Recovery.first_call_at,
        Recovery.recovered_at,
    ).where(Recovery.workspace_id == workspace_id)
    if executive_id is not None:
        stmt = stmt.where(Recovery.executive_id == executive_id)
    if executive_ids is not None:
        stmt = stmt.where(Recovery.executive_id.in_(executive_ids))
    rows = await session.execute(stmt)
    return recovery_figures([RecoveryTimes(*row) for row in rows])
