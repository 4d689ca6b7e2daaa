"""The meetings job (scheduler/jobs.py `meetings_tick` -> `prepare_all`): each attendee's one
preparation DM a few days before, in their zone at their nudge time on one of their workdays,
and the organiser's after-meeting question once the meeting is over; and a matchmaking guest
accepted once the others were prepared, prepared at once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.regimen.brief import build_brief
from bot.regimen.calendar import Regimen, local_now
from bot.regimen.meetings import brief_lines, prep_due
from bot.services import holidays, outbox
from bot.services.meetings.common import (
    current_charter,
    meeting_day,
    prep_key,
    prep_keys,
    prepared_among,
    when_text,
)
from bot.services.people import executive_profile, regimen_of
from bot.settings import Settings
from bot.tenancy.workspace_settings import for_workspace
from bot.views.meetings.preparation import PrepScreen, build_meeting_prep
from bot.views.meetings.recording import build_meeting_followup
from storage import customer_people, queries
from storage.models import Customer, CustomerMeeting, Person, Team


async def _prep_screen(
    session: AsyncSession,
    settings: Settings,
    meeting: CustomerMeeting,
    now: datetime,
    reader: Regimen,
) -> PrepScreen | None:
    """What `reader` (the attendee) is sent: times and days in their zone."""
    ws = meeting.workspace_id
    customer = await session.get(Customer, meeting.customer_id)
    organiser = await session.get(Person, meeting.organiser_id)
    if customer is None or organiser is None:
        return None
    profiles, records, open_items = await queries.brief_material(session, ws, [customer.id])
    reg = regimen_of(organiser, settings)
    brief = build_brief(
        customer=profiles[customer.id],
        contacts=records.get(customer.id, []),
        open_items=open_items.get(customer.id, []),
        executive=executive_profile(organiser, reg, settings.kyc_company),
        now=now,
        people=await customer_people.people_of(session, ws, customer.id),
    )
    charter = await current_charter(session, ws, meeting.team_id)
    team = await session.get(Team, meeting.team_id) if meeting.team_id else None
    return PrepScreen(
        customer_name=customer.name,
        when=when_text(meeting.starts_at, meeting.timezone, settings, reader.tz),
        organiser_user_id=organiser.slack_user_id,
        objectives=meeting.objectives,
        agenda=meeting.agenda,
        brief_lines=brief_lines(brief, today=reader.today(now), tz=reader.tz),
        charter_purpose=charter.purpose if charter else None,
        charter_lines=tuple(
            (line.get("expectation", ""), line.get("measure", ""))
            for line in (charter.expectations if charter else [])
        ),
        team_name=team.name if team else None,
        facilitator=meeting.facilitator,
    )


async def prepare_attendees(
    session: AsyncSession, settings: Settings, workspace_id: str, *, now: datetime
) -> int:
    """Queue each attendee's one preparation DM, when due (bot/regimen/meetings.prep_due):
    KYC_MEETING_PREP_DAYS before, at their nudge time on one of their workdays. Returns how
    many were queued."""
    days = settings.kyc_meeting_prep_days
    meetings = list(
        await session.scalars(
            select(CustomerMeeting)
            .where(
                CustomerMeeting.workspace_id == workspace_id,
                CustomerMeeting.cancelled_at.is_(None),
                CustomerMeeting.starts_at > now,
                CustomerMeeting.starts_at <= now + timedelta(days=days + 2),
            )
            .order_by(CustomerMeeting.starts_at)
        )
    )
    if not meetings:
        return 0
    wanted = {k for m in meetings for pid in m.attendee_ids for k in prep_keys(m, pid)}
    sent = await outbox.queued_keys(session, sorted(wanted))
    calendar = await holidays.calendar(session, workspace_id, around=now.date())
    queued = 0
    for meeting in meetings:
        left = [
            pid
            for pid in meeting.attendee_ids
            if not any(k in sent for k in prep_keys(meeting, pid))
        ]
        if not left:
            continue
        people = list(
            await session.scalars(
                select(Person).where(Person.workspace_id == workspace_id, Person.id.in_(left))
            )
        )
        for person in people:
            if not person.active or not person.slack_user_id:
                continue
            reg = regimen_of(person, settings, calendar)
            local = local_now(now, reg.tz)
            if not prep_due(
                meeting_day=local_now(meeting.starts_at, reg.tz).date(),
                days_before=days,
                requested_on=local_now(meeting.created_at, reg.tz).date(),
                local=local,
                nudge_time=reg.nudge_time,
                workday=reg.is_workday(local.date()),
            ):
                continue
            screen = await _prep_screen(session, settings, meeting, now, reg)
            if screen is None:
                break
            if await outbox.post(
                session,
                workspace_id,
                prep_key(meeting.id, person.id, meeting_day(meeting)),
                person.slack_user_id,
                build_meeting_prep(screen),
            ):
                queued += 1
    return queued


async def prepare_all(deps: Deps, workspace_id: str) -> int:
    """The scheduled job's unit of work for one workspace: attendees prepared before their
    meetings, organisers asked to record them after. How many messages it queued."""
    settings = await for_workspace(deps.db, deps.settings, workspace_id)
    async with deps.db.unit_of_work(writes=True) as session:
        queued = await prepare_attendees(session, settings, workspace_id, now=deps.now())
        return queued + await ask_organisers(session, settings, workspace_id, now=deps.now())


ASK_WITHIN = timedelta(days=30)  # a meeting older than this is not asked about any more


def followup_keys(meeting: CustomerMeeting) -> list[str]:
    """The after-meeting question's key for the meeting's current day (first): moved, it is
    asked again after the new day; never changed, the key of before the day was in it too."""
    keys = [f"meeting:{meeting.id}:after:{meeting_day(meeting).isoformat()}"]
    if not meeting.sequence:
        keys.append(f"meeting:{meeting.id}:after")
    return keys


async def ask_organisers(
    session: AsyncSession, settings: Settings, workspace_id: str, *, now: datetime
) -> int:
    """Once a meeting is over, its organiser is asked (once) to record it."""
    over = list(
        await session.scalars(
            select(CustomerMeeting).where(
                CustomerMeeting.workspace_id == workspace_id,
                CustomerMeeting.recorded_at.is_(None),
                CustomerMeeting.cancelled_at.is_(None),
                CustomerMeeting.starts_at <= now,
                CustomerMeeting.starts_at > now - ASK_WITHIN,
            )
        )
    )
    over = [m for m in over if m.starts_at + timedelta(minutes=m.minutes) <= now]
    asked = await outbox.queued_keys(session, [k for m in over for k in followup_keys(m)])
    queued = 0
    for meeting in over:
        if any(k in asked for k in followup_keys(meeting)):
            continue
        organiser = await session.get(Person, meeting.organiser_id)
        customer = await session.get(Customer, meeting.customer_id)
        if organiser is None or customer is None or not organiser.slack_user_id:
            continue
        when = when_text(meeting.starts_at, meeting.timezone, settings)
        message = build_meeting_followup(customer.name, when, meeting.id)
        if await outbox.post(
            session, workspace_id, followup_keys(meeting)[0], organiser.slack_user_id, message
        ):
            queued += 1
    return queued


async def guest_accepted(
    session: AsyncSession, settings: Settings, meeting_id: int, guest: Person, *, now: datetime
) -> bool:
    """A matchmaking guest the organiser accepted for the meeting becomes one of its attendees:
    the meeting's attendees list shows them, they are prepared as every attendee is, and the
    after-meeting record gives them a proactive MEETING contact ("the meeting counts as a
    proactive contact for every attendee": they met the customer, and "customers met" of
    their team's participation counts it). Accepted once the others were prepared (and before
    the meeting), they are prepared at once. True when the preparation DM was queued now."""
    meeting = await session.get(CustomerMeeting, meeting_id)
    if (
        meeting is None
        or meeting.workspace_id != guest.workspace_id
        or meeting.cancelled_at is not None
        or meeting.recorded_at is not None
    ):
        return False
    if guest.id not in meeting.attendee_ids:
        meeting.attendee_ids = [*meeting.attendee_ids, guest.id]
        await session.flush()
    if meeting.starts_at <= now or not guest.slack_user_id:
        return False
    others = [pid for pid in meeting.attendee_ids if pid != guest.id]
    if not await prepared_among(session, meeting, others):
        return False  # the job prepares them with the others
    screen = await _prep_screen(session, settings, meeting, now, regimen_of(guest, settings))
    if screen is None:
        return False
    return await outbox.post(
        session,
        meeting.workspace_id,
        prep_key(meeting.id, guest.id, meeting_day(meeting)),
        guest.slack_user_id,
        build_meeting_prep(screen),
    )
