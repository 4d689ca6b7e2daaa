"""The .ics of a follow-up email's proposed slots: a signed link, and the file behind it.

Like the chart images (bot/services/charts.py), the bot serves the file itself on `/ics/…`
behind KYC_PUBLIC_URL. The link carries the slots (minutes since the epoch) and an expiry,
and is signed with the signing secret over all of it, so a changed slot, customer or date is
refused; it lives ICS_LINK_DAYS, long enough for the customer to pick a slot."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from bot.regimen.ics import CallInvite, build_ics
from bot.services import signed_links
from bot.settings import Settings
from bot.tenancy.workspace_settings import for_workspace
from storage.db import Database
from storage.models import Customer, Person

ICS_LINK_DAYS = 21
MAX_SLOTS = 10


class IcsExpired(Exception):
    """A genuine link past its expiry."""


def _signature(settings: Settings, path: str) -> str:
    return signed_links.signature(settings, f"ics:{path}")


def _path(ws: str, person_id: int, customer_id: int, expires: int, slots: str) -> str:
    return f"{ws}/{person_id}/{customer_id}/{expires}/{slots}"


def ics_url(
    settings: Settings,
    person: Person,
    customer_id: int,
    slots: Sequence[datetime],
    *,
    now: datetime,
) -> str | None:
    """The signed link, or None without slots, a public URL or a signing secret."""
    if not slots or not settings.kyc_public_url or settings.slack_signing_secret is None:
        return None
    expires = int((now + timedelta(days=ICS_LINK_DAYS)).timestamp())
    minutes = "-".join(str(int(s.timestamp()) // 60) for s in slots[:MAX_SLOTS])
    path = _path(person.workspace_id, person.id, customer_id, expires, minutes)
    base = settings.kyc_public_url.rstrip("/")
    return f"{base}/ics/{path}/{_signature(settings, path)}.ics"


async def ics_file(
    db: Database,
    settings: Settings,
    ws: str,
    person_id: int,
    customer_id: int,
    expires: int,
    slots: str,
    signature: str,
    *,
    now: datetime,
) -> str | None:
    """The calendar file of a signed link; None when the signature does not match or the
    people are gone; IcsExpired past its expiry."""
    expected = _signature(settings, _path(ws, person_id, customer_id, expires, slots))
    if not signed_links.matches(expected, signature):
        return None
    if now.timestamp() > expires:
        raise IcsExpired(expires)
    starts = tuple(datetime.fromtimestamp(int(m) * 60, UTC) for m in slots.split("-")[:MAX_SLOTS])
    async with db.unit_of_work() as session:
        person = await session.get(Person, person_id)
        customer = await session.get(Customer, customer_id)
    if person is None or customer is None:
        return None
    if not (person.workspace_id == customer.workspace_id == ws):
        return None
    company = (await for_workspace(db, settings, ws)).kyc_company or "us"
    invite = CallInvite(
        uid=f"kyc-{ws}-{person_id}-{customer_id}",
        summary=f"Call: {customer.name} and {person.name} ({company})",
        description=(
            f"A short call with {person.name} of {company}: how things are going and what "
            "we could do better. Keep the option that suits you."
        ),
        starts=starts,
        organizer_name=person.name,
        organizer_email=person.email,
    )
    return build_ics(invite, now=now)
