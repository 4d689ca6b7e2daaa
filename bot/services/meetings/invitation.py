"""The organiser's invitation DM of a meeting: the email to send the customer (a compose link
per mail client, the preferred first) and its calendar file, drawn as the meeting stands; posted
once it is requested, redrawn in place (a new email, the .ics SEQUENCE one up) when it is moved
or cancelled."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.regimen.compose import compose_links
from bot.regimen.meetings import emails_in, invitation
from bot.services import outbox
from bot.services.followup import preferred_client
from bot.services.meeting_ics import meeting_ics_url
from bot.services.meetings.common import when_text
from bot.settings import Settings
from bot.views.limits import URL
from bot.views.meetings.invitation import InvitationScreen, build_meeting_invitation
from storage.models import Customer, CustomerContact, CustomerMeeting, Person


def invitation_key(meeting_id: int) -> str:
    return f"meeting:{meeting_id}:invitation"


async def _invitation_screen(
    session: AsyncSession, settings: Settings, meeting: CustomerMeeting, *, now: datetime
) -> tuple[Person, InvitationScreen] | None:
    """The organiser's invitation DM as the meeting now stands (None: nobody to send it to)."""
    ws = meeting.workspace_id
    organiser = await session.get(Person, meeting.organiser_id)
    customer = await session.get(Customer, meeting.customer_id)
    if organiser is None or customer is None or not organiser.slack_user_id:
        return None
    found = {
        p.id: p
        for p in await session.scalars(
            select(Person).where(Person.workspace_id == ws, Person.id.in_(meeting.attendee_ids))
        )
    }
    attendees = [found[i] for i in meeting.attendee_ids if i in found]
    contacts = list(
        await session.scalars(
            select(CustomerContact).where(
                CustomerContact.workspace_id == ws,
                CustomerContact.customer_id == customer.id,
                CustomerContact.id.in_(meeting.contact_ids or []),
            )
        )
    )
    emails = [c.email for c in contacts if c.email]
    for found_email in emails_in(meeting.customer_attendees):
        if found_email.lower() not in (e.lower() for e in emails):
            emails.append(found_email)
    if not emails and customer.contact_email:
        emails.append(customer.contact_email)
    company = settings.kyc_company or "our company"
    when = when_text(meeting.starts_at, meeting.timezone, settings)
    email = invitation(
        customer=customer.name,
        company=company,
        organiser=organiser.name,
        objectives=meeting.objectives,
        agenda=meeting.agenda,
        starts=when,
        minutes=meeting.minutes,
        team=[a.name for a in attendees],
    )
    subject = ("New time: " if meeting.sequence else "") + email.subject
    to = ", ".join(emails)
    cancelled = None
    if meeting.cancelled_at is not None:
        cancelled = meeting.cancel_reason or ""
    screen = InvitationScreen(
        customer_name=customer.name,
        when=when,
        minutes=meeting.minutes,
        to=tuple(emails),
        subject=subject,
        body=email.body,
        links=compose_links(to, subject, email.body, limit=URL, first=preferred_client(organiser)),
        ics_url=meeting_ics_url(settings, ws, meeting.id, now=now),
        attendees=tuple(a.slack_user_id for a in attendees if a.slack_user_id),
        facilitator=meeting.facilitator,
        meeting_id=meeting.id,
        changes=meeting.sequence,
        cancelled=cancelled,
    )
    return organiser, screen


async def post_invitation(
    session: AsyncSession, settings: Settings, meeting: CustomerMeeting, *, now: datetime
) -> None:
    drawn = await _invitation_screen(session, settings, meeting, now=now)
    if drawn is None:
        return
    organiser, screen = drawn
    assert organiser.slack_user_id
    await outbox.post(
        session,
        meeting.workspace_id,
        invitation_key(meeting.id),
        organiser.slack_user_id,
        build_meeting_invitation(screen),
    )


async def redraw_invitation(
    session: AsyncSession,
    settings: Settings,
    meeting: CustomerMeeting,
    *,
    now: datetime,
    cancelled_by: str | None = None,
) -> None:
    """The organiser's invitation DM redrawn (a new email, a new .ics link): moved, or
    cancelled (by whom, and why)."""
    drawn = await _invitation_screen(session, settings, meeting, now=now)
    if drawn is None:
        return
    _, screen = drawn
    if screen.cancelled is not None:
        by = f"by {cancelled_by}" if cancelled_by else ""
        screen = replace(screen, cancelled=f"{by}: {screen.cancelled}" if by else screen.cancelled)
    await outbox.update(
        session,
        meeting.workspace_id,
        f"{invitation_key(meeting.id)}:v{meeting.sequence}",
        invitation_key(meeting.id),
        build_meeting_invitation(screen),
    )
