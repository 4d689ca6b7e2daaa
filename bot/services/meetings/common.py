"""What every use case of a team's formal customer meeting shares: who may meet a customer
(and the refusal of someone off the roster), the meeting's time as a reader reads it, its day
and the outbox keys of its preparation DM, the ref matchmaking pairs guests under, the team's
current charter, and who of the attendees was prepared already."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.regimen.calendar import local_now, zone
from bot.services import outbox
from bot.services.identity import NotAllowed, is_admin
from bot.settings import Settings
from storage.models import Customer, CustomerMeeting, Person, TeamCharter

NOT_ON_ROSTER = "Only people on the KYC roster request customer meetings."


CANCELLED = "This meeting was cancelled."


def may_meet(person: Person, customer: Customer) -> bool:
    """The customer's executive, a member of its team, or an admin may request a meeting."""
    return (
        customer.executive_id == person.id
        or (person.team_id is not None and customer.team_id == person.team_id)
        or is_admin(person)
    )


def check_customer(customer: Customer | None, person: Person) -> Customer:
    if customer is None or customer.workspace_id != person.workspace_id or not customer.active:
        raise NotAllowed("That customer is not on the KYC roster.")
    if not may_meet(person, customer):
        raise NotAllowed(f"{customer.name} is not a customer of yours or of your team.")
    return customer


def when_text(
    starts_at: datetime, tz_name: str, settings: Settings, reader: ZoneInfo | None = None
) -> str:
    """ "Tue 1 Dec 2026 10:00 America/New_York" in the meeting's (organiser's) zone; with
    `reader`, in the reader's zone and the organiser's in brackets when it differs:
    "Tue 1 Dec 2026 15:00 Europe/London (10:00 America/New_York)"."""
    try:
        tz = zone(tz_name)
    except ValueError:
        tz = zone(settings.kyc_default_timezone)
    theirs = local_now(starts_at, tz)
    if reader is None or reader.key == tz.key:
        return f"{theirs:%a %-d %b %Y %H:%M} {tz.key}"
    mine = local_now(starts_at, reader)
    if mine.utcoffset() == theirs.utcoffset() and mine.date() == theirs.date():
        return f"{mine:%a %-d %b %Y %H:%M} {reader.key}"
    other = f"{theirs:%H:%M}" if theirs.date() == mine.date() else f"{theirs:%a %-d %b %H:%M}"
    return f"{mine:%a %-d %b %Y %H:%M} {reader.key} ({other} {tz.key})"


def meeting_day(meeting: CustomerMeeting) -> date:
    """The meeting's day in its own timezone: what the outbox keys of its messages carry, so a
    meeting moved to another day is prepared for (and asked about) again."""
    try:
        return local_now(meeting.starts_at, zone(meeting.timezone)).date()
    except ValueError:
        return meeting.starts_at.date()


def prep_key(meeting_id: int, person_id: int, on: date) -> str:
    return f"meeting:{meeting_id}:prep:{person_id}:{on.isoformat()}"


def prep_keys(meeting: CustomerMeeting, person_id: int) -> list[str]:
    """The keys of a person's preparation DM for the meeting's current day; a meeting never
    changed also knows the key of before the day was in it (requested before this release)."""
    keys = [prep_key(meeting.id, person_id, meeting_day(meeting))]
    if not meeting.sequence:
        keys.append(f"meeting:{meeting.id}:prep:{person_id}")
    return keys


def meeting_ref(meeting_id: int) -> str:
    """The matchmaking pairings' ref of a meeting (bot/services/matchmaking.team_meetings)."""
    return f"meeting:{meeting_id}"


async def current_charter(
    session: AsyncSession, ws: str, team_id: int | None
) -> TeamCharter | None:
    if team_id is None:
        return None
    return await session.scalar(
        select(TeamCharter)
        .where(TeamCharter.workspace_id == ws, TeamCharter.team_id == team_id)
        .order_by(TeamCharter.revision.desc())
        .limit(1)
    )


async def prepared_among(
    session: AsyncSession, meeting: CustomerMeeting, people: list[int]
) -> set[int]:
    """Who of `people` got the preparation DM for the meeting's current day."""
    keys = {k: pid for pid in people for k in prep_keys(meeting, pid)}
    return {keys[k] for k in await outbox.queued_keys(session, sorted(keys))}
