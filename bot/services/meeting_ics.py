"""The .ics of a formal customer meeting: a signed, expiring link (as the follow-up slots',
bot/services/ics_links.py) and the one-event file behind it, served on `/ics/meeting/…`."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.regimen.ics import CallInvite, build_ics
from bot.services import signed_links
from bot.services.ics_links import IcsExpired
from bot.settings import Settings
from bot.tenancy.workspace_settings import for_workspace
from storage.db import Database
from storage.models import Customer, CustomerMeeting, Person

LINK_DAYS = 60


def _path(ws: str, meeting_id: int, expires: int) -> str:
    return f"{ws}/{meeting_id}/{expires}"


def _signature(settings: Settings, path: str) -> str:
    return signed_links.signature(settings, f"ics-meeting:{path}")


def meeting_ics_url(settings: Settings, ws: str, meeting_id: int, *, now: datetime) -> str | None:
    """The signed link, or None without a public URL or a signing secret."""
    if not settings.kyc_public_url or settings.slack_signing_secret is None:
        return None
    expires = int((now + timedelta(days=LINK_DAYS)).timestamp())
    path = _path(ws, meeting_id, expires)
    base = settings.kyc_public_url.rstrip("/")
    return f"{base}/ics/meeting/{path}/{_signature(settings, path)}.ics"


async def meeting_ics_file(
    db: Database,
    settings: Settings,
    ws: str,
    meeting_id: int,
    expires: int,
    signature: str,
    *,
    now: datetime,
) -> str | None:
    """The calendar file of a signed link; None when the signature does not match or the
    meeting is gone; IcsExpired past its expiry."""
    if not signed_links.matches(_signature(settings, _path(ws, meeting_id, expires)), signature):
        return None
    if now.timestamp() > expires:
        raise IcsExpired(expires)
    async with db.unit_of_work() as session:
        meeting = await session.get(CustomerMeeting, meeting_id)
        if meeting is None or meeting.workspace_id != ws:
            return None
        customer = await session.get(Customer, meeting.customer_id)
        organiser = await session.get(Person, meeting.organiser_id)
    if customer is None or organiser is None:
        return None
    company = (await for_workspace(db, settings, ws)).kyc_company or "us"
    description = "Objectives:\n" + meeting.objectives
    if meeting.cancelled_at is not None:
        description = "Cancelled" + (f": {meeting.cancel_reason}" if meeting.cancel_reason else "")
    if meeting.agenda:
        description += "\n\nAgenda:\n" + meeting.agenda
    invite = CallInvite(
        uid=f"kyc-meeting-{ws}-{meeting.id}",
        summary=f"Meeting: {customer.name} and {company}",
        description=description,
        starts=(meeting.starts_at,),
        minutes=meeting.minutes,
        organizer_name=organiser.name,
        organizer_email=organiser.email,
        numbered=False,
        sequence=meeting.sequence,
        cancelled=meeting.cancelled_at is not None,
        status="CONFIRMED",
    )
    return build_ics(invite, now=now)
