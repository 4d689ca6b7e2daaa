"""Use cases of a team's formal customer meeting: the request form, the request (kept before
Slack's answer, then stored with the organiser's invitation DM), and the preparation DM each
attendee gets a few days before (a scheduled job)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.ids import Block
from bot.regimen.brief import build_brief
from bot.regimen.calendar import Regimen, local_instant, local_now, zone
from bot.regimen.charters import Charter, NamedExpectation, from_json, propose, rebase
from bot.regimen.compose import compose_links
from bot.regimen.meetings import (
    MeetingKind,
    brief_lines,
    emails_in,
    facilitator_signals,
    invitation,
    prep_day,
    prep_due,
    request_errors,
)
from bot.regimen.types import Channel, ContactKind, Outcome, Sentiment
from bot.services import calls, charters, holidays, inbox, outbox
from bot.services.call_routing import RoutedCall, route_call
from bot.services.followup import preferred_client
from bot.services.identity import Invalid, NotAllowed, Refused, colleagues, is_admin, reload_actor
from bot.services.meeting_ics import meeting_ics_url
from bot.services.people import executive_profile, regimen_of
from bot.settings import Settings
from bot.tenancy.workspace_settings import for_workspace
from bot.views.blocks import plain_note
from bot.views.commands import build_simple
from bot.views.data import CallSubmission, ItemInput, Option
from bot.views.limits import URL
from bot.views.meetings import (
    FIELD_BLOCKS,
    MAX_CANCEL_REASON,
    CancelForm,
    InvitationScreen,
    MeetingForm,
    MeetingPrefill,
    MovedNote,
    PrepScreen,
    ProposalScreen,
    RecordForm,
    build_charter_proposal,
    build_meeting_cancelled,
    build_meeting_followup,
    build_meeting_invitation,
    build_meeting_moved,
    build_meeting_prep,
)
from bot.views.text import escape
from storage import customer_people, queries
from storage.models import (
    ActionItem,
    Contact,
    Customer,
    CustomerContact,
    CustomerMeeting,
    Person,
    Submission,
    Team,
    TeamCharter,
)

NOT_ON_ROSTER = "Only people on the KYC roster request customer meetings."
COMPLAINTS = (Channel.COMPLAINT, Channel.ESCALATION)


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


def _payload(customer_id: int, fields: dict[str, Any]) -> dict[str, Any]:
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
    payload = _payload(customer_id, fields)
    return await inbox.keep(deps, person, "meeting", payload, request_key=request_key)


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
    await _post_invitation(session, settings, meeting, now=kept.received_at)


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


async def _post_invitation(
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


async def _redraw_invitation(
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


# After the meeting.

NOT_THE_ORGANISER = "Only whoever organised the meeting (or an admin) records it."
SIMPLIFY_PREFIX = "Simplify or eliminate: "
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


async def _own_meeting(session: AsyncSession, person: Person, meeting_id: int) -> CustomerMeeting:
    meeting = await session.get(CustomerMeeting, meeting_id)
    if meeting is None or meeting.workspace_id != person.workspace_id:
        raise NotAllowed("That meeting is not on record.")
    if meeting.organiser_id != person.id and not is_admin(person):
        raise NotAllowed(NOT_THE_ORGANISER)
    return meeting


CANCELLED = "This meeting was cancelled."


def _recordable(meeting: CustomerMeeting, now: datetime) -> None:
    if meeting.recorded_at is not None:
        raise NotAllowed("This meeting is recorded already.")
    if meeting.cancelled_at is not None:
        raise NotAllowed(CANCELLED)
    if meeting.starts_at > now:
        raise NotAllowed("This meeting is still ahead (it was moved): record it once held.")


async def record_form(deps: Deps, person: Person | None, meeting_id: int) -> RecordForm:
    if person is None:
        raise Refused(NOT_ON_ROSTER)
    settings = await for_workspace(deps.db, deps.settings, person.workspace_id)
    async with deps.db.unit_of_work() as session:
        me = await reload_actor(session, person)
        meeting = await _own_meeting(session, me, meeting_id)
        _recordable(meeting, deps.now())
        customer = await session.get(Customer, meeting.customer_id)
        charter = await current_charter(session, me.workspace_id, meeting.team_id)
    return RecordForm(
        meeting_id=meeting.id,
        customer_name=customer.name if customer else "the customer",
        when=when_text(meeting.starts_at, meeting.timezone, settings),
        charter_lines=tuple(
            str(line.get("expectation") or "") for line in (charter.expectations if charter else [])
        ),
    )


async def submit_record(
    deps: Deps,
    person: Person | None,
    meeting_id: int,
    fields: dict[str, Any],
    *,
    request_key: str,
) -> inbox.Received:
    """Keep what the organiser recorded before Slack hears back; `recorded` does the rest."""
    if person is None:
        raise Refused(NOT_ON_ROSTER)
    async with deps.db.unit_of_work() as session:
        meeting = await _own_meeting(session, person, meeting_id)
        _recordable(meeting, deps.now())
    payload = {"m": meeting_id, **fields}
    return await inbox.keep(deps, person, "meeting_record", payload, request_key=request_key)


@inbox.handles("meeting_record")
async def recorded(deps: Deps, session: AsyncSession, me: Person, kept: Submission) -> None:
    """The meeting recorded: a proactive MEETING contact per attendee, the action items (and
    one per thing to simplify or eliminate) in the team's channel, the charter revision it
    proposes posted for the team to accept, and the organiser told."""
    p = kept.payload
    meeting = await _own_meeting(session, me, int(p["m"]))
    if meeting.recorded_at is not None or meeting.cancelled_at is not None:
        return
    ws = me.workspace_id
    settings = await for_workspace(deps.db, deps.settings, ws)
    customer = await session.get(Customer, meeting.customer_id)
    if customer is None:
        raise NotAllowed("That customer is not on the KYC roster.")
    kind = MeetingKind(p["kind"])
    meeting.kind = kind.value
    meeting.recorded_at = kept.received_at
    organiser = await session.get(Person, meeting.organiser_id) or me
    summary = f"Customer meeting ({kind.label})" + (f": {p['summary']}" if p.get("summary") else "")
    contacts: dict[int, Contact] = {}
    for person_id in meeting.attendee_ids:
        contact = Contact(
            workspace_id=ws,
            customer_id=customer.id,
            executive_id=person_id,
            kind=ContactKind.PROACTIVE,
            channel=Channel.MEETING,
            outcome=Outcome.REACHED,
            summary=summary,
            occurred_at=meeting.starts_at,
            logged_by_id=me.id,
            source="meeting",
            request_key=f"meeting:{meeting.id}:contact:{person_id}",
            created_at=kept.received_at,
        )
        session.add(contact)
        contacts[person_id] = contact
    await session.flush()
    # An attendee who had the customer in their week has met them: that slot is done.
    for person_id, contact in contacts.items():
        attendee = await session.get(Person, person_id)
        if attendee is not None:
            await calls.mark_batch(
                session, settings, attendee, customer.id, contact, meeting.starts_at
            )
    own = contacts.get(organiser.id) or next(iter(contacts.values()))
    simplify = [str(t) for t in p.get("simplify") or []]
    items = [
        ItemInput(
            text=str(i["text"]),
            owner_user_id=i.get("owner"),
            team_id=None,
            due_on=date.fromisoformat(i["due"]) if i.get("due") else None,
        )
        for i in p.get("items") or []
    ] + [
        ItemInput(
            text=SIMPLIFY_PREFIX + t,
            owner_user_id=organiser.slack_user_id,
            team_id=customer.team_id,
            due_on=None,
        )
        for t in simplify
    ]
    people = await colleagues(session, ws, [i.owner_user_id for i in items])
    if items:
        await route_call(
            RoutedCall(
                session=session,
                settings=settings,
                out=outbox.Outgoing(ws),
                people=people,
                executive=organiser,
                customer=customer,
                contact=own,
                submission=CallSubmission(
                    customer_id=customer.id,
                    outcome=Outcome.REACHED,
                    sentiment=None,
                    score=None,
                    summary=summary,
                    criticism=None,
                    stressed_areas=None,
                    make_it_great=None,
                    details_to_remember=None,
                    items=tuple(items),
                ),
                now=kept.received_at,
            )
        )
        made = list(
            await session.scalars(
                select(ActionItem.id)
                .where(ActionItem.workspace_id == ws, ActionItem.contact_id == own.id)
                .order_by(ActionItem.id)
            )
        )
        meeting.simplify_item_ids = made[len(made) - len(simplify) :] if simplify else []
    posted_to = await _propose(session, meeting, customer, organiser, kind, p.get("named") or [])
    if organiser.slack_user_id:
        said = [
            f"Meeting with {escape(customer.name)} recorded ✅ ({kind.label}): a proactive "
            f"contact for each of the {len(contacts)} who came"
        ]
        if items:
            said.append(f"{len(items)} action item(s) posted to the team")
        if posted_to:
            said.append(f"the charter revision it proposes is in {posted_to}")
        await outbox.post(
            session,
            ws,
            f"meeting:{meeting.id}:recorded",
            organiser.slack_user_id,
            build_simple("; ".join(said) + "."),
        )


async def _propose(
    session: AsyncSession,
    meeting: CustomerMeeting,
    customer: Customer,
    organiser: Person,
    kind: MeetingKind,
    named: list[Any],
) -> str | None:
    """The revision the named expectations propose, kept on the meeting and posted to the
    team's channel (the organiser's DM without one); where it went, or None (no change)."""
    if meeting.team_id is None:
        return None
    row = await current_charter(session, meeting.workspace_id, meeting.team_id)
    base = from_json(row.purpose, row.expectations) if row else None
    proposal = propose(
        base,
        [NamedExpectation(str(t), int(m) if m is not None else None) for t, m in named],
    )
    if proposal.change.empty:
        return None
    meeting.proposal = {
        "purpose": proposal.charter.purpose,
        "expectations": [line.as_json() for line in proposal.charter.lines],
        "base": row.revision if row else 0,
    }
    team = await session.get(Team, meeting.team_id)
    channel = (team.channel_id if team else None) or organiser.slack_user_id
    if not channel:
        return None
    screen = ProposalScreen(
        meeting_id=meeting.id,
        customer_name=customer.name,
        organiser_user_id=organiser.slack_user_id,
        kind_label=kind.label,
        added=tuple(line.expectation for line in proposal.change.added),
        changed=tuple((b.expectation, a.expectation) for b, a in proposal.change.changed),
        base_revision=row.revision if row else 0,
    )
    await outbox.post(
        session,
        meeting.workspace_id,
        f"meeting:{meeting.id}:proposal",
        channel,
        build_charter_proposal(screen),
    )
    return f"<#{team.channel_id}>" if team and team.channel_id else "your DMs"


async def accept_proposal(deps: Deps, person: Person | None, meeting_id: int) -> str:
    """The team accepts the revision a meeting proposes, in one click (a second click, or a
    colleague's, finds it accepted); what to tell whoever clicked. A charter the team revised
    since the proposal keeps that revision, with the customer's changes carried over
    (bot/regimen/charters.rebase)."""
    if person is None:
        raise Refused(NOT_ON_ROSTER)
    for attempt in (1, 2):  # two accepting at once: the second finds it accepted
        try:
            return await _accept(deps, person, meeting_id)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


async def _accept(deps: Deps, person: Person, meeting_id: int) -> str:
    async with deps.db.unit_of_work(writes=True) as session:
        me = await reload_actor(session, person)
        meeting = await session.get(CustomerMeeting, meeting_id)
        if meeting is None or meeting.workspace_id != me.workspace_id or not meeting.proposal:
            raise NotAllowed("That proposal is not on record.")
        if meeting.team_id is None or not charters.may_edit(me, meeting.team_id):
            raise NotAllowed("Only members of the team accept its charter.")
        done = await session.scalar(
            select(TeamCharter.revision).where(
                TeamCharter.workspace_id == me.workspace_id,
                TeamCharter.team_id == meeting.team_id,
                TeamCharter.meeting_id == meeting.id,
            )
        )
        if done is not None:
            return f"Accepted already: revision {done} of the charter."
        charter = from_json(
            str(meeting.proposal.get("purpose") or ""), meeting.proposal.get("expectations") or []
        )
        latest = await current_charter(session, me.workspace_id, meeting.team_id)
        base_revision = int(meeting.proposal.get("base") or 0)
        if latest is not None and latest.revision != base_revision:
            base = await session.scalar(
                select(TeamCharter).where(
                    TeamCharter.workspace_id == me.workspace_id,
                    TeamCharter.team_id == meeting.team_id,
                    TeamCharter.revision == base_revision,
                )
            )
            charter = rebase(
                from_json(base.purpose, base.expectations) if base else Charter(""),
                charter,
                from_json(latest.purpose, latest.expectations),
            )
        revision = await charters.add_revision(
            session, me, meeting.team_id, charter, meeting_id=meeting.id, now=deps.now()
        )
    return f"Accepted ✅ The charter is now at revision {revision}, with what the customer said."


# Moving or cancelling a meeting not yet recorded: the organiser's (or an admin's) buttons on
# the invitation DM.

NOT_CHANGEABLE = "Only whoever organised the meeting (or an admin) changes or cancels it."


def meeting_ref(meeting_id: int) -> str:
    """The matchmaking pairings' ref of a meeting (bot/services/matchmaking.team_meetings)."""
    return f"meeting:{meeting_id}"


async def _changeable(session: AsyncSession, person: Person, meeting_id: int) -> CustomerMeeting:
    meeting = await session.get(CustomerMeeting, meeting_id)
    if meeting is None or meeting.workspace_id != person.workspace_id:
        raise NotAllowed("That meeting is not on record.")
    if meeting.organiser_id != person.id and not is_admin(person):
        raise NotAllowed(NOT_CHANGEABLE)
    if meeting.cancelled_at is not None:
        raise NotAllowed(CANCELLED)
    if meeting.recorded_at is not None:
        raise NotAllowed("This meeting is recorded already: it cannot change any more.")
    return meeting


async def change_form(deps: Deps, person: Person | None, meeting_id: int) -> MeetingForm:
    """The request modal again, filled in with the meeting as it stands."""
    if person is None:
        raise Refused(NOT_ON_ROSTER)
    async with deps.db.unit_of_work() as session:
        me = await reload_actor(session, person)
        meeting = await _changeable(session, me, meeting_id)
        people = {
            p.id: p.slack_user_id
            for p in await session.scalars(
                select(Person).where(
                    Person.workspace_id == me.workspace_id, Person.id.in_(meeting.attendee_ids)
                )
            )
        }
        organiser = await session.get(Person, meeting.organiser_id)
    if organiser is None:
        raise NotAllowed("The meeting's organiser is no longer on KYC.")
    form = await meeting_form(deps, organiser, meeting.customer_id)
    try:
        tz = zone(meeting.timezone)
    except ValueError:
        tz = zone(deps.settings.kyc_default_timezone)
    local = local_now(meeting.starts_at, tz)
    prefill = MeetingPrefill(
        meeting_id=meeting.id,
        objectives=meeting.objectives,
        agenda=meeting.agenda,
        on=local.date(),
        at=local.time().replace(second=0, microsecond=0),
        minutes=meeting.minutes,
        timezone=tz.key,
        team_user_ids=tuple(
            u for u in (people.get(i) for i in meeting.attendee_ids) if u is not None
        ),
        contact_ids=tuple(meeting.contact_ids or []),
        customer_attendees=meeting.customer_attendees,
        facilitator=meeting.facilitator,
    )
    return replace(form, prefill=prefill)


async def submit_change(
    deps: Deps,
    person: Person | None,
    meeting_id: int,
    fields: dict[str, Any],
    *,
    request_key: str,
) -> inbox.Received:
    """Check the change as a request is checked (the time read in the meeting's timezone),
    keep it before Slack hears back; `changed` does the rest."""
    if person is None:
        raise Refused(NOT_ON_ROSTER)
    async with deps.db.unit_of_work() as session:
        meeting = await _changeable(session, person, meeting_id)
    try:
        tz = zone(meeting.timezone)
    except ValueError:
        tz = zone(deps.settings.kyc_default_timezone)
    errors = request_errors(
        objectives=fields.get("objectives"),
        agenda=fields.get("agenda"),
        on=fields.get("on"),
        at=fields.get("at"),
        minutes=fields.get("minutes"),
        team_count=len(fields.get("team") or []),
        customer_attendees=fields.get("customer_attendees"),
        local_now=local_now(deps.now(), tz),
    )
    if errors:
        raise Invalid({FIELD_BLOCKS[name]: why for name, why in errors.items()})
    payload = {"m": meeting_id, **_payload(meeting.customer_id, fields)}
    return await inbox.keep(deps, person, "meeting_change", payload, request_key=request_key)


async def _prepared(session: AsyncSession, meeting: CustomerMeeting, people: list[int]) -> set[int]:
    """Who of `people` got the preparation DM for the meeting's current day."""
    keys = {k: pid for pid in people for k in prep_keys(meeting, pid)}
    return {keys[k] for k in await outbox.queued_keys(session, sorted(keys))}


async def _accepted_guests(session: AsyncSession, meeting: CustomerMeeting) -> list[int]:
    from bot.services.matchmaking import follow as matchmaking  # late: answers imports our hook

    return await matchmaking.accepted_guests(session, meeting.workspace_id, meeting_ref(meeting.id))


@inbox.handles("meeting_change")
async def changed(deps: Deps, session: AsyncSession, me: Person, kept: Submission) -> None:
    """The meeting as changed: its calendar file's SEQUENCE one up and the organiser's
    invitation redrawn; moved, whoever was prepared is told the new time (and prepared again
    only if the new day's preparation is still to come), and matched guests follow it."""
    from bot.services.matchmaking import follow as matchmaking

    p = kept.payload
    try:
        meeting = await _changeable(session, me, int(p["m"]))
    except NotAllowed:
        return  # cancelled or recorded since: the change has nothing left to change
    ws = me.workspace_id
    settings = await for_workspace(deps.db, deps.settings, ws)
    organiser = await session.get(Person, meeting.organiser_id) or me
    was_at, was_day = meeting.starts_at, meeting_day(meeting)
    before = list(meeting.attendee_ids)
    prepared = await _prepared(session, meeting, before)
    guests = await _accepted_guests(session, meeting)
    tz = zone(meeting.timezone)
    team = await colleagues(session, ws, p.get("team") or [])
    attendees = [organiser.id, *(t.id for t in team.values() if t.id != organiser.id)]
    attendees += [g for g in guests if g not in attendees]
    contacts = list(
        await session.scalars(
            select(CustomerContact.id).where(
                CustomerContact.workspace_id == ws,
                CustomerContact.customer_id == meeting.customer_id,
                CustomerContact.id.in_([int(c) for c in p.get("contacts") or []]),
            )
        )
    )
    meeting.objectives = p["objectives"]
    meeting.agenda = p.get("agenda")
    meeting.starts_at = local_instant(date.fromisoformat(p["on"]), time.fromisoformat(p["at"]), tz)
    meeting.minutes = int(p["minutes"])
    meeting.attendee_ids = attendees
    meeting.contact_ids = contacts
    meeting.customer_attendees = p.get("customer_attendees")
    meeting.facilitator = bool(p.get("facilitator"))
    meeting.sequence = meeting.sequence + 1
    await session.flush()
    await _redraw_invitation(session, settings, meeting, now=kept.received_at)
    customer = await session.get(Customer, meeting.customer_id)
    name = customer.name if customer else "the customer"

    def said(at: datetime, reader: Person) -> str:  # in the reader's zone
        return when_text(at, meeting.timezone, settings, regimen_of(reader, settings).tz)

    for person in await session.scalars(
        select(Person).where(
            Person.workspace_id == ws,
            Person.id.in_(sorted(prepared - set(attendees) - {me.id})),
        )
    ):
        if person.slack_user_id:  # prepared, then taken off the list: no need to come
            await outbox.post(
                session,
                ws,
                f"meeting:{meeting.id}:dropped:{meeting.sequence}:{person.id}",
                person.slack_user_id,
                plain_note(
                    f"{organiser.name} changed the meeting with {name} "
                    f"({said(was_at, person)}): you are no longer down to come."
                ),
            )
    if meeting.starts_at == was_at:
        return
    calendar = await holidays.calendar(session, ws, around=kept.received_at.date())
    told: set[int] = set()
    people = {
        x.id: x
        for x in await session.scalars(
            select(Person).where(Person.workspace_id == ws, Person.id.in_(sorted(prepared)))
        )
    }
    for pid in sorted(prepared):
        who = people.get(pid)
        if who is None or not who.slack_user_id or pid not in attendees:
            continue
        reg = regimen_of(who, settings, calendar)
        again = meeting_day(meeting) != was_day and prep_day(
            local_now(meeting.starts_at, reg.tz).date(),
            settings.kyc_meeting_prep_days,
            local_now(meeting.created_at, reg.tz).date(),
        ) > reg.today(kept.received_at)
        note = MovedNote(
            name,
            said(meeting.starts_at, who),
            said(was_at, who),
            organiser.slack_user_id,
            prepared_again=again,
        )
        # Not due again: the notice stands for the new day's preparation (its key), so the
        # job does not send the same preparation twice in a few days.
        stands_for_prep = not again and meeting_day(meeting) != was_day
        if pid == me.id and not stands_for_prep:
            continue  # whoever moved it knows
        key = (
            prep_key(meeting.id, pid, meeting_day(meeting))
            if stands_for_prep
            else f"meeting:{meeting.id}:moved:{meeting.sequence}:{pid}"
        )
        await outbox.post(session, ws, key, who.slack_user_id, build_meeting_moved(note))
        told.add(pid)
    await matchmaking.follow_touchpoint(
        session, ws, meeting_ref(meeting.id), meeting_day(meeting), told=told
    )


async def cancel_form(deps: Deps, person: Person | None, meeting_id: int) -> CancelForm:
    if person is None:
        raise Refused(NOT_ON_ROSTER)
    async with deps.db.unit_of_work() as session:
        me = await reload_actor(session, person)
        meeting = await _changeable(session, me, meeting_id)
        customer = await session.get(Customer, meeting.customer_id)
    return CancelForm(
        meeting.id,
        customer.name if customer else "the customer",
        when_text(meeting.starts_at, meeting.timezone, deps.settings),
    )


async def submit_cancel(
    deps: Deps, person: Person | None, meeting_id: int, reason: str, *, request_key: str
) -> inbox.Received:
    """The reason is needed (answered on its field); kept before Slack hears back."""
    if person is None:
        raise Refused(NOT_ON_ROSTER)
    if not reason:
        raise Invalid({Block.MEETING_CANCEL_REASON: "Say why, in a line: attendees read it."})
    if len(reason) > MAX_CANCEL_REASON:
        raise Invalid({Block.MEETING_CANCEL_REASON: f"At most {MAX_CANCEL_REASON} characters."})
    async with deps.db.unit_of_work() as session:
        await _changeable(session, person, meeting_id)
    payload = {"m": meeting_id, "reason": reason}
    return await inbox.keep(deps, person, "meeting_cancel", payload, request_key=request_key)


@inbox.handles("meeting_cancel")
async def cancelled(deps: Deps, session: AsyncSession, me: Person, kept: Submission) -> None:
    """Cancelled: no preparation or after-meeting question any more, nor a place in the
    figures; whoever was prepared (and the organiser, when an admin cancelled) is told why,
    the organiser's invitation offers the calendar file that cancels it, and matched guests'
    pairings are cancelled."""
    from bot.services.matchmaking import follow as matchmaking

    p = kept.payload
    try:
        meeting = await _changeable(session, me, int(p["m"]))
    except NotAllowed:
        return
    ws = me.workspace_id
    settings = await for_workspace(deps.db, deps.settings, ws)
    reason = str(p.get("reason") or "")
    prepared = await _prepared(session, meeting, list(meeting.attendee_ids))
    meeting.cancelled_at, meeting.cancel_reason = kept.received_at, reason
    meeting.sequence = meeting.sequence + 1
    await session.flush()
    await _redraw_invitation(session, settings, meeting, now=kept.received_at, cancelled_by=me.name)
    customer = await session.get(Customer, meeting.customer_id)
    name = customer.name if customer else "the customer"
    to_tell = (prepared | {meeting.organiser_id}) - {me.id}
    told: set[int] = set()
    for person in await session.scalars(
        select(Person).where(Person.workspace_id == ws, Person.id.in_(sorted(to_tell)))
    ):
        if not person.slack_user_id:
            continue
        await outbox.post(
            session,
            ws,
            f"meeting:{meeting.id}:cancelled:{person.id}",
            person.slack_user_id,
            build_meeting_cancelled(
                name,
                when_text(
                    meeting.starts_at, meeting.timezone, settings, regimen_of(person, settings).tz
                ),
                me.slack_user_id,
                reason,
            ),
        )
        told.add(person.id)
    await matchmaking.cancel_touchpoint(
        session, ws, meeting_ref(meeting.id), f"{me.name} cancelled it: {reason}", told=told
    )


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
    if not await _prepared(session, meeting, others):
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
