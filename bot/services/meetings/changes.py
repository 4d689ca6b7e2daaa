"""Moving or cancelling a meeting not yet recorded, from the organiser's (or an admin's)
buttons on the invitation DM: the request modal filled in again, or the cancel modal, kept
before Slack's answer; then the invitation redrawn, whoever was prepared told in their own zone
(and prepared again when that is still to come), and matched guests' pairings following it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.ids import Block
from bot.regimen.calendar import local_instant, local_now, zone
from bot.regimen.meetings import prep_day, request_errors
from bot.services import holidays, inbox, outbox
from bot.services.identity import Invalid, NotAllowed, Refused, colleagues, is_admin, reload_actor
from bot.services.meetings.common import (
    CANCELLED,
    NOT_ON_ROSTER,
    meeting_day,
    meeting_ref,
    prep_key,
    prepared_among,
    when_text,
)
from bot.services.meetings.invitation import redraw_invitation
from bot.services.meetings.requesting import meeting_form, request_payload
from bot.services.people import regimen_of
from bot.tenancy.workspace_settings import for_workspace
from bot.views.blocks import plain_note
from bot.views.meetings.changes import (
    MAX_CANCEL_REASON,
    CancelForm,
    MovedNote,
    build_meeting_cancelled,
    build_meeting_moved,
)
from bot.views.meetings.requesting import FIELD_BLOCKS, MeetingForm, MeetingPrefill
from storage.models import Customer, CustomerContact, CustomerMeeting, Person, Submission

NOT_CHANGEABLE = "Only whoever organised the meeting (or an admin) changes or cancels it."


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
    payload = {"m": meeting_id, **request_payload(meeting.customer_id, fields)}
    return await inbox.keep(deps, person, "meeting_change", payload, request_key=request_key)


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
    prepared = await prepared_among(session, meeting, before)
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
    await redraw_invitation(session, settings, meeting, now=kept.received_at)
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
    prepared = await prepared_among(session, meeting, list(meeting.attendee_ids))
    meeting.cancelled_at, meeting.cancel_reason = kept.received_at, reason
    meeting.sequence = meeting.sequence + 1
    await session.flush()
    await redraw_invitation(session, settings, meeting, now=kept.received_at, cancelled_by=me.name)
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
