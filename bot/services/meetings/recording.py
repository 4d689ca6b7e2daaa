"""After the meeting: the organiser's record modal, what they recorded kept before Slack's
answer and then stored (a proactive MEETING contact per attendee, the action items and one per
thing to simplify or eliminate in the team's channel), the charter revision the customer's
expectations propose posted to the team, and the team's one-click Accept."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.regimen.charters import Charter, NamedExpectation, from_json, propose, rebase
from bot.regimen.meetings import MeetingKind
from bot.regimen.types import Channel, ContactKind, Outcome
from bot.services import calls, charters, inbox, outbox
from bot.services.call_routing import RoutedCall, route_call
from bot.services.identity import NotAllowed, Refused, colleagues, is_admin, reload_actor
from bot.services.meetings.common import CANCELLED, NOT_ON_ROSTER, current_charter, when_text
from bot.tenancy.workspace_settings import for_workspace
from bot.views.commands import build_simple
from bot.views.data import CallSubmission, ItemInput
from bot.views.meetings.recording import ProposalScreen, RecordForm, build_charter_proposal
from bot.views.text import escape
from storage.models import (
    ActionItem,
    Contact,
    Customer,
    CustomerMeeting,
    Person,
    Submission,
    Team,
    TeamCharter,
)

NOT_THE_ORGANISER = "Only whoever organised the meeting (or an admin) records it."


SIMPLIFY_PREFIX = "Simplify or eliminate: "


async def _own_meeting(session: AsyncSession, person: Person, meeting_id: int) -> CustomerMeeting:
    meeting = await session.get(CustomerMeeting, meeting_id)
    if meeting is None or meeting.workspace_id != person.workspace_id:
        raise NotAllowed("That meeting is not on record.")
    if meeting.organiser_id != person.id and not is_admin(person):
        raise NotAllowed(NOT_THE_ORGANISER)
    return meeting


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
