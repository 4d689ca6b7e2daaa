"""Requesting a team's formal customer meeting: the request modal's content for a customer
given by the brief's button or by name (`/kyc meeting Acme`), the request checked on its fields
and kept (bot/services/inbox.py) before Slack's answer, then stored as a meeting with the
organiser's invitation DM queued (invitation.py)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.regimen.calendar import local_instant, local_now
from bot.regimen.meetings import facilitator_signals, request_errors
from bot.regimen.types import Channel, Sentiment
from bot.services import inbox
from bot.services.identity import Invalid, NotAllowed, Refused, colleagues, is_admin, reload_actor
from bot.services.meetings.common import NOT_ON_ROSTER, check_customer
from bot.services.meetings.invitation import post_invitation
from bot.services.people import regimen_of
from bot.tenancy.workspace_settings import for_workspace
from bot.views.data import Option
from bot.views.meetings.requesting import FIELD_BLOCKS, MeetingForm
from storage.models import (
    Contact,
    Customer,
    CustomerContact,
    CustomerMeeting,
    Person,
    Submission,
    Team,
)

COMPLAINTS = (Channel.COMPLAINT, Channel.ESCALATION)


async def match_customer(session: AsyncSession, person: Person, typed: str) -> Customer | None:
    """The customer of the person's (or their team's) whose name best matches `typed`: a
    prefix before a substring, their own before their team's."""
    q = typed.strip().lower()
    if not q:
        return None
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    mine = [Customer.executive_id == person.id]
    if person.team_id is not None:
        mine.append(Customer.team_id == person.team_id)
    stmt = select(Customer).where(
        Customer.workspace_id == person.workspace_id,
        Customer.active.is_(True),
        func.lower(Customer.name).like(f"%{escaped}%", escape="\\"),
    )
    if not is_admin(person):
        stmt = stmt.where(or_(*mine))
    found = list(await session.scalars(stmt.order_by(Customer.name).limit(200)))
    found.sort(
        key=lambda c: (
            not c.name.lower().startswith(q),
            c.executive_id != person.id,
            c.name.lower(),
        )
    )
    return found[0] if found else None


async def meeting_form(
    deps: Deps, person: Person | None, customer_id: int | None = None, *, typed: str = ""
) -> MeetingForm:
    """The request modal for a customer given by id (the brief's button) or by name
    (`/kyc meeting Acme`)."""
    if person is None:
        raise Refused(NOT_ON_ROSTER)
    settings = await for_workspace(deps.db, deps.settings, person.workspace_id)
    async with deps.db.unit_of_work() as session:
        me = await reload_actor(session, person)
        if customer_id is not None:
            customer = await session.get(Customer, customer_id)
        else:
            customer = await match_customer(session, me, typed)
            if customer is None:
                raise NotAllowed(
                    f"No customer of yours or your team matches “{typed.strip()}”."
                    if typed.strip()
                    else "Name the customer, e.g. `/kyc meeting Acme`."
                )
        customer = check_customer(customer, me)
        team = await session.get(Team, customer.team_id) if customer.team_id else None
        people = list(
            await session.scalars(
                select(CustomerContact)
                .where(
                    CustomerContact.workspace_id == me.workspace_id,
                    CustomerContact.customer_id == customer.id,
                )
                .order_by(CustomerContact.primary.desc(), CustomerContact.name)
                .limit(100)
            )
        )
        year_ago = deps.now() - timedelta(days=365)
        complaints, unhappy = await _unhappy_counts(session, customer, year_ago)
        meetings_before = await session.scalar(
            select(func.count(CustomerMeeting.id)).where(
                CustomerMeeting.workspace_id == me.workspace_id,
                CustomerMeeting.customer_id == customer.id,
                CustomerMeeting.cancelled_at.is_(None),
            )
        )
    today = regimen_of(me, settings).today(deps.now())
    return MeetingForm(
        customer_id=customer.id,
        customer_name=customer.name,
        team_name=team.name if team else None,
        contacts=tuple(
            Option(str(c.id), c.name + (f" ({c.email})" if c.email else "")) for c in people
        ),
        signals=tuple(
            facilitator_signals(
                complaints=complaints, unhappy=unhappy, meetings_before=meetings_before or 0
            )
        ),
        today=today,
        organiser_user_id=me.slack_user_id,
    )


async def _unhappy_counts(
    session: AsyncSession, customer: Customer, since: datetime
) -> tuple[int, int]:
    rows = list(
        await session.execute(
            select(Contact.channel, Contact.sentiment).where(
                Contact.workspace_id == customer.workspace_id,
                Contact.customer_id == customer.id,
                Contact.occurred_at >= since,
            )
        )
    )
    complaints = sum(1 for channel, _ in rows if channel in COMPLAINTS)
    unhappy = sum(1 for _, sentiment in rows if sentiment == Sentiment.UNHAPPY)
    return complaints, unhappy


def request_payload(customer_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "c": customer_id,
        "objectives": fields.get("objectives"),
        "agenda": fields.get("agenda"),
        "on": fields["on"].isoformat(),
        "at": fields["at"].strftime("%H:%M"),
        "minutes": fields["minutes"],
        "team": list(fields.get("team") or []),
        "contacts": list(fields.get("contacts") or []),
        "customer_attendees": fields.get("customer_attendees"),
        "facilitator": bool(fields.get("facilitator")),
    }


async def submit_request(
    deps: Deps,
    person: Person | None,
    customer_id: int,
    fields: dict[str, Any],
    *,
    request_key: str,
) -> inbox.Received:
    """Check the request (answered on its fields) and keep it before Slack hears back;
    `requested` stores it with the organiser's invitation right after."""
    if person is None:
        raise Refused(NOT_ON_ROSTER)
    settings = await for_workspace(deps.db, deps.settings, person.workspace_id)
    async with deps.db.unit_of_work() as session:
        check_customer(await session.get(Customer, customer_id), person)
    local = local_now(deps.now(), regimen_of(person, settings).tz)
    errors = request_errors(
        objectives=fields.get("objectives"),
        agenda=fields.get("agenda"),
        on=fields.get("on"),
        at=fields.get("at"),
        minutes=fields.get("minutes"),
        team_count=len(fields.get("team") or []),
        customer_attendees=fields.get("customer_attendees"),
        local_now=local,
    )
    if errors:
        raise Invalid({FIELD_BLOCKS[name]: why for name, why in errors.items()})
    payload = request_payload(customer_id, fields)
    return await inbox.keep(deps, person, "meeting", payload, request_key=request_key)


@inbox.handles("meeting")
async def requested(deps: Deps, session: AsyncSession, me: Person, kept: Submission) -> None:
    """A kept request stored as a meeting, and the organiser's invitation DM queued."""
    ws = me.workspace_id
    done = await session.scalar(
        select(CustomerMeeting.id).where(
            CustomerMeeting.workspace_id == ws, CustomerMeeting.request_key == kept.request_key
        )
    )
    if done is not None:
        return
    p = kept.payload
    settings = await for_workspace(deps.db, deps.settings, ws)
    customer = check_customer(await session.get(Customer, int(p["c"])), me)
    reg = regimen_of(me, settings)
    starts_at = local_instant(date.fromisoformat(p["on"]), time.fromisoformat(p["at"]), reg.tz)
    team = await colleagues(session, ws, p.get("team") or [])
    attendees = [me, *(t for t in team.values() if t.id != me.id)]
    contacts = list(
        await session.scalars(
            select(CustomerContact).where(
                CustomerContact.workspace_id == ws,
                CustomerContact.customer_id == customer.id,
                CustomerContact.id.in_([int(c) for c in p.get("contacts") or []]),
            )
        )
    )
    meeting = CustomerMeeting(
        workspace_id=ws,
        customer_id=customer.id,
        team_id=customer.team_id,
        organiser_id=me.id,
        objectives=p["objectives"],
        agenda=p.get("agenda"),
        starts_at=starts_at,
        minutes=int(p["minutes"]),
        timezone=reg.tz.key,
        attendee_ids=[a.id for a in attendees],
        contact_ids=[c.id for c in contacts],
        customer_attendees=p.get("customer_attendees"),
        facilitator=bool(p.get("facilitator")),
        request_key=kept.request_key,
        created_at=kept.received_at,
    )
    session.add(meeting)
    await session.flush()
    await post_invitation(session, settings, meeting, now=kept.received_at)
