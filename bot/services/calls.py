"""Use cases: log a call (and everything it routes), log a voicemail, log a reactive contact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import bot.views.items as item_views
from bot.regimen.calendar import local_instant
from bot.regimen.types import BatchStatus, Channel, ContactKind, ItemStatus, Outcome, Sentiment
from bot.services import outbox
from bot.services.identity import NotAllowed, colleagues
from bot.services.people import regimen_of
from bot.settings import Settings
from bot.views.data import CallSubmission, CallThread, ItemCard, KudosCard
from bot.views.data import Person as Shown
from storage.models import ActionItem, BatchEntry, Contact, Customer, Kudos, Person, Team


@dataclass(frozen=True)
class LoggedCall:
    contact_id: int
    customer_name: str
    duplicate: bool
    item_count: int
    kudos_count: int
    done_this_week: int
    quota: int


def shown(person: Person | None) -> Shown | None:
    return Shown(person.name, person.slack_user_id) if person else None


async def own_customer(session: AsyncSession, executive: Person, customer_id: int) -> Customer:
    customer = await session.get(Customer, customer_id)
    if customer is None or customer.workspace_id != executive.workspace_id:
        raise NotAllowed("That customer is not on the KYC roster.")
    if customer.executive_id != executive.id:
        raise NotAllowed(f"{customer.name} is not on your customer list.")
    return customer


async def log_call(
    session: AsyncSession,
    settings: Settings,
    executive: Person,
    sub: CallSubmission,
    *,
    request_key: str,
    now: datetime,
) -> LoggedCall:
    """Store a call with its kudos and action items and queue every message it owes, at once.

    The same request_key (a resubmitted modal) stores and sends nothing twice."""
    ws = executive.workspace_id
    customer = await own_customer(session, executive, sub.customer_id)
    existing = await session.scalar(
        select(Contact).where(Contact.workspace_id == ws, Contact.request_key == request_key)
    )
    if existing is not None:
        return await _summary(session, settings, executive, existing, customer, duplicate=True)

    # Everyone the form names, in one query (new ones join the roster as members).
    people = await colleagues(
        session,
        ws,
        [
            sub.follow_up_owner_user_id,
            *(i.owner_user_id for i in sub.items),
            *(k.to_user_id for k in sub.kudos),
        ],
    )
    follow_owner = people.get(sub.follow_up_owner_user_id or "")
    contact = Contact(
        workspace_id=ws,
        customer_id=customer.id,
        executive_id=executive.id,
        kind=ContactKind.PROACTIVE,
        channel=Channel.CALL,
        outcome=sub.outcome,
        sentiment=sub.sentiment,
        score=sub.score,
        summary=sub.summary,
        criticism=sub.criticism,
        stressed_areas=sub.stressed_areas,
        make_it_great=sub.make_it_great,
        details_to_remember=sub.details_to_remember,
        success_story=sub.success_story,
        follow_up_owner_id=follow_owner.id if follow_owner else None,
        follow_up_on=sub.follow_up_on,
        occurred_at=now,
        logged_by_id=executive.id,
        source="slack",
        request_key=request_key,
        created_at=now,
    )
    session.add(contact)
    await session.flush()
    await _mark_batch(session, settings, executive, customer.id, contact, now)
    out = outbox.Outgoing(ws)
    await _route_items(session, out, people, executive, customer, contact, sub, now)
    await _route_kudos(session, out, people, executive, customer, contact, sub, now)
    _schedule_follow_ups(out, settings, executive, customer, contact, follow_owner, now)
    await out.queue(session)
    return await _summary(
        session,
        settings,
        executive,
        contact,
        customer,
        duplicate=False,
        counts=(len(sub.items), len(sub.kudos)),
    )


async def _mark_batch(
    session: AsyncSession,
    settings: Settings,
    executive: Person,
    customer_id: int,
    contact: Contact,
    now: datetime,
) -> None:
    reg = regimen_of(executive, settings)
    week = reg.week(now)
    entry = await session.scalar(
        select(BatchEntry).where(
            BatchEntry.workspace_id == executive.workspace_id,
            BatchEntry.executive_id == executive.id,
            BatchEntry.iso_week == week,
            BatchEntry.customer_id == customer_id,
        )
    )
    if entry is None or entry.status == BatchStatus.DONE:
        return
    reached = contact.outcome is not None and contact.outcome.reached_customer
    entry.status = BatchStatus.DONE if reached else BatchStatus.ATTEMPTED
    entry.contact_id = contact.id


async def _route_items(
    session: AsyncSession,
    out: outbox.Outgoing,
    people: dict[str, Person],
    executive: Person,
    customer: Customer,
    contact: Contact,
    sub: CallSubmission,
    now: datetime,
) -> None:
    ws = executive.workspace_id
    by_team: dict[int | None, list[tuple[ActionItem, Person | None]]] = {}
    for item_in in sub.items:
        owner = people.get(item_in.owner_user_id or "")
        team_id = item_in.team_id or (owner.team_id if owner else None) or customer.team_id
        item = ActionItem(
            workspace_id=ws,
            contact_id=contact.id,
            customer_id=customer.id,
            text=item_in.text,
            owner_id=owner.id if owner else None,
            team_id=team_id,
            due_on=item_in.due_on,
            status=ItemStatus.OPEN,
            created_at=now,
        )
        session.add(item)
        by_team.setdefault(team_id, []).append((item, owner))
    await session.flush()
    for team_id, items in by_team.items():
        team = await session.get(Team, team_id) if team_id else None
        # A team without a channel still gets its thread: in the executive's DM, nothing lost.
        channel = (team.channel_id if team else None) or executive.slack_user_id or ""
        parent_key = f"call:{contact.id}:items:{team_id or 0}"
        out.post(
            parent_key,
            channel,
            item_views.build_items_parent(
                CallThread(
                    executive=Shown(executive.name, executive.slack_user_id),
                    customer_name=customer.name,
                    outcome=contact.outcome or Outcome.REACHED,
                    sentiment=contact.sentiment,
                    summary=contact.summary,
                    team_name=team.name if team else "No team",
                    item_count=len(items),
                )
            ),
        )
        for item, owner in items:
            out.post(
                item_reply_key(item.id),
                channel,
                item_views.build_item_reply(card(item, owner)),
                thread_of=parent_key,
                ref_kind="item",
                ref_id=item.id,
            )


def item_reply_key(item_id: int) -> str:
    return f"item:{item_id}:reply"


def card(item: ActionItem, owner: Person | None, done_by: Person | None = None) -> ItemCard:
    return ItemCard(
        item_id=item.id,
        text=item.text,
        owner=shown(owner),
        due_on=item.due_on,
        done=item.status == ItemStatus.DONE,
        done_by=shown(done_by),
    )


async def _route_kudos(
    session: AsyncSession,
    out: outbox.Outgoing,
    people: dict[str, Person],
    executive: Person,
    customer: Customer,
    contact: Contact,
    sub: CallSubmission,
    now: datetime,
) -> None:
    ws = executive.workspace_id
    for n, k in enumerate(sub.kudos, start=1):
        mate = people[k.to_user_id]
        kudos = Kudos(
            workspace_id=ws,
            contact_id=contact.id,
            from_id=executive.id,
            to_id=mate.id,
            note=k.note,
            created_at=now,
        )
        session.add(kudos)
        kcard = KudosCard(
            giver=Shown(executive.name, executive.slack_user_id),
            colleague=Shown(mate.name, mate.slack_user_id),
            note=k.note,
            customer_name=customer.name,
        )
        base = f"call:{contact.id}:kudos:{n}"
        team = await session.get(Team, mate.team_id) if mate.team_id else None
        if team and team.channel_id:
            out.post(f"{base}:team", team.channel_id, item_views.build_kudos_post(kcard))
        if mate.slack_user_id:
            out.post(
                f"{base}:dm",
                mate.slack_user_id,
                item_views.build_kudos_dm(kcard, to_manager=False),
            )
        manager = await session.get(Person, mate.manager_id) if mate.manager_id else None
        if manager and manager.slack_user_id:
            out.post(
                f"{base}:manager",
                manager.slack_user_id,
                item_views.build_kudos_dm(kcard, to_manager=True),
            )


def _schedule_follow_ups(
    out: outbox.Outgoing,
    settings: Settings,
    executive: Person,
    customer: Customer,
    contact: Contact,
    follow_owner: Person | None,
    now: datetime,
) -> None:
    exec_shown = Shown(executive.name, executive.slack_user_id)
    if contact.success_story:
        if settings.kyc_stories_channel:
            out.post(
                f"call:{contact.id}:story",
                settings.kyc_stories_channel,
                item_views.build_story_post(customer.name, exec_shown, contact.summary),
            )
        if executive.slack_user_id:
            out.post(
                f"call:{contact.id}:story-reminder",
                executive.slack_user_id,
                item_views.build_story_reminder(customer.name),
                not_before=now + timedelta(days=settings.kyc_story_reminder_days),
            )
    if contact.follow_up_on and follow_owner and follow_owner.slack_user_id:
        reg = regimen_of(follow_owner, settings)
        at = local_instant(contact.follow_up_on, min(reg.nudge_time, time(9, 0)), reg.tz)
        out.post(
            f"call:{contact.id}:follow-up",
            follow_owner.slack_user_id,
            item_views.build_follow_up_reminder(customer.name, contact.summary, exec_shown),
            not_before=max(at, now),
        )


async def _summary(
    session: AsyncSession,
    settings: Settings,
    executive: Person,
    contact: Contact,
    customer: Customer,
    *,
    duplicate: bool,
    counts: tuple[int, int] | None = None,
) -> LoggedCall:
    """`counts`: the call's action items and kudos when known; read back otherwise."""
    reg = regimen_of(executive, settings)
    week = reg.week(contact.occurred_at)
    statuses = list(
        await session.scalars(
            select(BatchEntry.status).where(
                BatchEntry.workspace_id == executive.workspace_id,
                BatchEntry.executive_id == executive.id,
                BatchEntry.iso_week == week,
            )
        )
    )
    if counts is None:
        items = await session.scalars(
            select(ActionItem.id).where(ActionItem.contact_id == contact.id)
        )
        kudos = await session.scalars(select(Kudos.id).where(Kudos.contact_id == contact.id))
        counts = (len(list(items)), len(list(kudos)))
    return LoggedCall(
        contact_id=contact.id,
        customer_name=customer.name,
        duplicate=duplicate,
        item_count=counts[0],
        kudos_count=counts[1],
        done_this_week=sum(1 for s in statuses if s == BatchStatus.DONE),
        quota=min(reg.quota, sum(1 for s in statuses if s.counts_toward_quota)) or reg.quota,
    )


async def log_voicemail(
    session: AsyncSession,
    settings: Settings,
    executive: Person,
    customer_id: int,
    *,
    now: datetime,
    request_key: str,
) -> Contact:
    """One click: a voicemail attempt on a customer of the batch. The same request_key (a
    double click on the same button) logs it once."""
    customer = await own_customer(session, executive, customer_id)
    existing = await session.scalar(
        select(Contact).where(
            Contact.workspace_id == executive.workspace_id, Contact.request_key == request_key
        )
    )
    if existing is not None:
        return existing
    contact = Contact(
        workspace_id=executive.workspace_id,
        customer_id=customer.id,
        executive_id=executive.id,
        kind=ContactKind.PROACTIVE,
        channel=Channel.CALL,
        outcome=Outcome.VOICEMAIL,
        occurred_at=now,
        logged_by_id=executive.id,
        source="slack",
        request_key=request_key,
    )
    session.add(contact)
    await session.flush()
    await _mark_batch(session, settings, executive, customer.id, contact, now)
    return contact


async def log_reactive(
    session: AsyncSession,
    executive: Person,
    *,
    customer_id: int,
    channel: Channel,
    sentiment: Sentiment | None,
    summary: str | None,
    occurred_at: datetime,
    request_key: str,
) -> Contact:
    """A complaint, ticket or escalation: it counts against the proactive share."""
    customer = await own_customer(session, executive, customer_id)
    existing = await session.scalar(
        select(Contact).where(
            Contact.workspace_id == executive.workspace_id, Contact.request_key == request_key
        )
    )
    if existing is not None:
        return existing
    contact = Contact(
        workspace_id=executive.workspace_id,
        customer_id=customer.id,
        executive_id=executive.id,
        kind=ContactKind.REACTIVE,
        channel=channel,
        sentiment=sentiment,
        summary=summary,
        occurred_at=occurred_at,
        logged_by_id=executive.id,
        source="slack",
        request_key=request_key,
    )
    session.add(contact)
    await session.flush()
    return contact
