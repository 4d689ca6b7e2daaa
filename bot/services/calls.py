"""Use cases: log a call (and everything it routes), log a voicemail, log a reactive contact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.regimen.types import BatchStatus, Channel, ContactKind, Outcome, Sentiment
from bot.services import outbox, themes
from bot.services.call_routing import RoutedCall, route_call
from bot.services.identity import NotAllowed, colleagues
from bot.services.people import regimen_of
from bot.settings import Settings
from bot.views.data import CallSubmission
from storage import queries
from storage.models import ActionItem, Contact, Customer, Kudos, Person


@dataclass(frozen=True)
class LoggedCall:
    contact_id: int
    customer_name: str
    channel: Channel
    outcome: Outcome | None
    duplicate: bool
    item_count: int
    kudos_count: int
    done_this_week: int
    quota: int


async def own_customer(session: AsyncSession, executive: Person, customer_id: int) -> Customer:
    return check_own(await session.get(Customer, customer_id), executive)


def check_own(customer: Customer | None, executive: Person) -> Customer:
    """The customer, if it is on the executive's list; else NotAllowed saying why."""
    if customer is None or customer.workspace_id != executive.workspace_id:
        raise NotAllowed("That customer is not on the KYC roster.")
    if customer.executive_id != executive.id:
        raise NotAllowed(f"{customer.name} is not on your customer list.")
    return customer


async def logged_before(session: AsyncSession, ws: str, request_key: str) -> Contact | None:
    """The contact a request stored already (a resubmitted modal, a second click)."""
    return await session.scalar(
        select(Contact).where(Contact.workspace_id == ws, Contact.request_key == request_key)
    )


async def log_call(
    session: AsyncSession,
    settings: Settings,
    executive: Person,
    sub: CallSubmission,
    *,
    request_key: str,
    now: datetime,
    logged_by: Person | None = None,
) -> LoggedCall:
    """Store a call with its kudos and action items and queue every message it owes, at once.
    `logged_by`: the delegate who logged it for the executive (the call stays the executive's).

    The same request_key (a resubmitted modal) stores and sends nothing twice."""
    ws = executive.workspace_id
    customer = await own_customer(session, executive, sub.customer_id)
    existing = await logged_before(session, ws, request_key)
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
        channel=sub.channel,
        outcome=sub.outcome,
        sentiment=sub.sentiment,
        score=sub.score,
        summary=sub.summary,
        criticism=sub.criticism,
        stressed_areas=sub.stressed_areas,
        make_it_great=sub.make_it_great,
        details_to_remember=sub.details_to_remember,
        in_their_words=sub.in_their_words,
        success_story=sub.success_story,
        follow_up_owner_id=follow_owner.id if follow_owner else None,
        follow_up_on=sub.follow_up_on,
        occurred_at=now,
        logged_by_id=(logged_by or executive).id,
        source="slack",
        request_key=request_key,
        created_at=now,
    )
    session.add(contact)
    await session.flush()
    await mark_batch(session, settings, executive, customer.id, contact, now)
    themes.keep_insights(session, contact, sub.insights, customer, executive)
    await route_call(
        RoutedCall(
            session=session,
            settings=settings,
            out=outbox.Outgoing(ws),
            people=people,
            executive=executive,
            customer=customer,
            contact=contact,
            submission=sub,
            now=now,
        )
    )
    return await _summary(
        session,
        settings,
        executive,
        contact,
        customer,
        duplicate=False,
        counts=(len(sub.items), len(sub.kudos)),
    )


async def mark_batch(
    session: AsyncSession,
    settings: Settings,
    executive: Person,
    customer_id: int,
    contact: Contact,
    now: datetime,
) -> None:
    """The customer's slot of the executive's week (of `now`), settled by this touchpoint:
    done when it reached them, attempted otherwise, out of the week after a decline."""
    week = regimen_of(executive, settings).week(now)
    entries = await queries.week_batch(session, executive.workspace_id, executive.id, week)
    entry = next((e for e in entries if e.customer_id == customer_id), None)
    if entry is None or entry.status == BatchStatus.DONE:
        return
    if contact.outcome == Outcome.DECLINED:
        # "Not now" is no failure: the customer leaves this week's batch (as a swap, which
        # counts toward nothing) and the planner brings them back in a few weeks.
        if entry.status.is_open:
            entry.status = BatchStatus.SWAPPED
            entry.swap_reason = Outcome.DECLINED.label
            entry.contact_id = contact.id
        return
    reached = contact.outcome is not None and contact.outcome.reached_customer
    entry.status = BatchStatus.DONE if reached else BatchStatus.ATTEMPTED
    entry.contact_id = contact.id


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
    entries = await queries.week_batch(session, executive.workspace_id, executive.id, week)
    statuses = [e.status for e in entries]
    if counts is None:
        items = await session.scalars(
            select(ActionItem.id).where(ActionItem.contact_id == contact.id)
        )
        kudos = await session.scalars(select(Kudos.id).where(Kudos.contact_id == contact.id))
        counts = (len(list(items)), len(list(kudos)))
    return LoggedCall(
        contact_id=contact.id,
        customer_name=customer.name,
        channel=contact.channel,
        outcome=contact.outcome,
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
    logged_by: Person | None = None,
) -> Contact:
    """One click: a voicemail attempt on a customer of the batch. The same request_key (a
    double click on the same button) logs it once. `logged_by`: the delegate who clicked."""
    customer = await own_customer(session, executive, customer_id)
    existing = await logged_before(session, executive.workspace_id, request_key)
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
        logged_by_id=(logged_by or executive).id,
        source="slack",
        request_key=request_key,
    )
    session.add(contact)
    await session.flush()
    await mark_batch(session, settings, executive, customer.id, contact, now)
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
    existing = await logged_before(session, executive.workspace_id, request_key)
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
