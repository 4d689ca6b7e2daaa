"""A team's formal customer meeting, in Slack: the request modal, the organiser's invitation DM
(the email to send and the .ics), and each attendee's preparation DM a few days before."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from bot.ids import Action, Block, View, numbered
from bot.regimen.compose import ComposeLink
from bot.regimen.meeting_figures import MeetingFigures, headline
from bot.regimen.meetings import (
    FACILITATOR_HINT,
    HOW_TO_PREPARE,
    MAX_AGENDA,
    MAX_CUSTOMER_ATTENDEES,
    MAX_OBJECTIVES,
    SIMPLIFY_QUESTION,
    MeetingKind,
)
from bot.views.blocks import (
    actions,
    button,
    context,
    divider,
    header,
    message,
    modal,
    plain,
    section,
)
from bot.views.call_modal import _input, text_input
from bot.views.call_submission import (
    Values,
    checked,
    date_of,
    selected,
    text_of,
    ticked,
    time_of,
    user_of,
    users_of,
)
from bot.views.data import Option
from bot.views.text import clip, escape

MAX_CONTACT_OPTIONS = 100


@dataclass(frozen=True)
class MeetingForm:
    """What the request modal shows for one customer."""

    customer_id: int
    customer_name: str
    team_name: str | None
    contacts: tuple[Option, ...]  # the customer's people, value = customer_contacts id
    signals: tuple[str, ...]  # why a facilitator may help (bot/regimen/meetings.py)
    today: date
    organiser_user_id: str | None
    prefill: MeetingPrefill | None = None  # "Change…" on the invitation: the meeting as it is


@dataclass(frozen=True)
class MeetingPrefill:
    """A meeting already requested, as its request modal shows it to be changed."""

    meeting_id: int
    objectives: str
    agenda: str | None
    on: date  # in the meeting's timezone
    at: time
    minutes: int
    timezone: str  # the time is read in it ("Time (America/New_York)")
    team_user_ids: tuple[str, ...]
    contact_ids: tuple[int, ...]
    customer_attendees: str | None
    facilitator: bool


def _initial(text: str | None, limit: int) -> dict[str, Any]:
    return {"initial_value": text[:limit]} if text else {}


def build_meeting_request_modal(form: MeetingForm) -> dict[str, Any]:
    team = f" with {escape(form.team_name)}" if form.team_name else ""
    was = form.prefill
    if was is None:
        intro = (
            "Ask for it formally, with your objectives and agenda: you get the email to send "
            "and a calendar file in a DM, and everyone coming is prepared a few days before."
        )
    else:
        intro = (
            "Change what you need: your invitation is redrawn with a new email and calendar "
            "file, and whoever was prepared already is told the new time."
        )
    blocks: list[dict[str, Any]] = [
        section(f"*A formal meeting{team} and {clip(form.customer_name, 200)}*\n{intro}"),
        text_input(
            Block.MEETING_OBJECTIVES,
            "Objectives",
            max_length=MAX_OBJECTIVES,
            placeholder="Learn what they expect of us, and where we fall short",
            optional=False,
            initial=was.objectives[:MAX_OBJECTIVES] if was else None,
        ),
        text_input(
            Block.MEETING_AGENDA,
            "Agenda",
            max_length=MAX_AGENDA,
            initial=was.agenda[:MAX_AGENDA] if was and was.agenda else None,
        ),
        _input(
            Block.MEETING_ON,
            "Day",
            {"type": "datepicker", "initial_date": (was.on if was else form.today).isoformat()},
            optional=False,
        ),
        _input(
            Block.MEETING_AT,
            f"Time ({was.timezone})"[:150] if was else "Time (yours)",
            {"type": "timepicker", "initial_time": f"{was.at:%H:%M}" if was else "10:00"},
            optional=False,
        ),
        _input(
            Block.MEETING_MINUTES,
            "Length (minutes)",
            {
                "type": "number_input",
                "is_decimal_allowed": False,
                "initial_value": str(was.minutes) if was else "60",
                "min_value": "15",
                "max_value": "480",
            },
            optional=False,
        ),
    ]
    users = list(was.team_user_ids[:20]) if was else []
    if not users and form.organiser_user_id:
        users = [form.organiser_user_id]
    blocks.append(
        _input(
            Block.MEETING_TEAM,
            "Who comes from the team",
            {
                "type": "multi_users_select",
                "max_selected_items": 20,
                **({"initial_users": users} if users else {}),
            },
            optional=False,
        )
    )
    if form.contacts:
        options = [
            {"text": plain(o.label, 75), "value": o.value}
            for o in form.contacts[:MAX_CONTACT_OPTIONS]
        ]
        chosen = [o for o in options if was and o["value"] in {str(c) for c in was.contact_ids}]
        blocks.append(
            _input(
                Block.MEETING_CONTACTS,
                "Who comes from the customer",
                {
                    "type": "multi_static_select",
                    "options": options,
                    **({"initial_options": chosen} if chosen else {}),
                },
            )
        )
    blocks.append(
        _input(
            Block.MEETING_CUSTOMER_ATTENDEES,
            "Other people from the customer",
            {
                "type": "plain_text_input",
                "multiline": True,
                "max_length": MAX_CUSTOMER_ATTENDEES,
                **_initial(was.customer_attendees if was else None, MAX_CUSTOMER_ATTENDEES),
            },
            hint="Names and email addresses; the invitation goes to every address.",
        )
    )
    hint = FACILITATOR_HINT
    if form.signals:
        hint = "Here: " + "; ".join(form.signals) + ". " + hint
    facilitator = {"text": plain("We need an objective facilitator"), "value": "yes"}
    blocks.append(
        _input(
            Block.MEETING_FACILITATOR,
            "Facilitator",
            {
                "type": "checkboxes",
                "options": [facilitator],
                **({"initial_options": [facilitator]} if was and was.facilitator else {}),
            },
            hint=hint[:2000],
        )
    )
    if was is not None:
        return modal(
            "Change the meeting",
            blocks,
            callback_id=View.MEETING_CHANGE,
            submit="Save",
            private_metadata=json.dumps({"c": form.customer_id, "m": was.meeting_id}),
        )
    return modal(
        "Request a meeting",
        blocks,
        callback_id=View.MEETING_REQUEST,
        submit="Request",
        private_metadata=json.dumps({"c": form.customer_id}),
    )


def _minutes(values: Values) -> int | None:
    raw = text_of(values, Block.MEETING_MINUTES)
    return int(raw) if raw and raw.isdigit() else None


def _time(values: Values) -> time | None:
    raw = time_of(values, Block.MEETING_AT)
    try:
        return time.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def parse_meeting_request(values: Values) -> dict[str, Any]:
    """The request as typed (checked by the use case, which knows the organiser's today)."""
    contacts = [int(v) for v in ticked(values, Block.MEETING_CONTACTS) if v.isdigit()]
    return {
        "objectives": text_of(values, Block.MEETING_OBJECTIVES),
        "agenda": text_of(values, Block.MEETING_AGENDA),
        "on": date_of(values, Block.MEETING_ON),
        "at": _time(values),
        "minutes": _minutes(values),
        "team": users_of(values, Block.MEETING_TEAM),
        "contacts": contacts,
        "customer_attendees": text_of(values, Block.MEETING_CUSTOMER_ATTENDEES),
        "facilitator": checked(values, Block.MEETING_FACILITATOR),
    }


# the use case's field names -> the modal's blocks
FIELD_BLOCKS = {
    "objectives": Block.MEETING_OBJECTIVES,
    "agenda": Block.MEETING_AGENDA,
    "on": Block.MEETING_ON,
    "at": Block.MEETING_AT,
    "minutes": Block.MEETING_MINUTES,
    "team": Block.MEETING_TEAM,
    "customer_attendees": Block.MEETING_CUSTOMER_ATTENDEES,
}


@dataclass(frozen=True)
class InvitationScreen:
    """The organiser's DM once a meeting is requested."""

    customer_name: str
    when: str  # "Thu 3 Dec 2026 10:00 America/New_York"
    minutes: int
    to: tuple[str, ...]  # the customer's attendees' emails
    subject: str
    body: str
    links: tuple[ComposeLink, ...]  # the preferred client first
    ics_url: str | None
    attendees: tuple[str, ...]  # Slack ids of the team's attendees
    facilitator: bool
    meeting_id: int | None = None  # its Change… and Cancel meeting buttons
    changes: int = 0  # how many times it was changed (the .ics SEQUENCE)
    cancelled: str | None = None  # cancelled: "by Ada Quinn: budget freeze" (plain text)


def _link_button(text: str, action_id: str, url: str, *, primary: bool = False) -> dict[str, Any]:
    el = button(text, action_id, style="primary" if primary else None)
    el["url"] = url
    return el


def build_meeting_cancelled_invitation(screen: InvitationScreen) -> dict[str, Any]:
    """The organiser's invitation once the meeting is cancelled: why, and the calendar file
    that takes it out of calendars; nothing left to change."""
    name = clip(screen.customer_name, 200)
    blocks: list[dict[str, Any]] = [
        section(
            f"*Meeting with {name} cancelled* ✖️\n~{escape(screen.when)}~ · "
            f"cancelled {clip(screen.cancelled or '', 600)}"
        ),
    ]
    if screen.ics_url:
        blocks.append(
            actions(
                _link_button("📅 Cancel in calendars (.ics)", Action.ICS, screen.ics_url),
                block_id="meeting_links",
            )
        )
        blocks.append(
            context(
                "Open the calendar file to take the meeting out of your calendar, and send it "
                "to whoever you invited. Tell the customer in your own words."
            )
        )
    else:
        blocks.append(context("Tell the customer, and take the meeting out of your calendar."))
    blocks.append(context("Nobody is prepared for it or asked about it any more."))
    return message(f"Meeting with {screen.customer_name} cancelled", blocks)


def build_meeting_invitation(screen: InvitationScreen) -> dict[str, Any]:
    if screen.cancelled is not None:
        return build_meeting_cancelled_invitation(screen)
    name = clip(screen.customer_name, 200)
    what = "moved" if screen.changes else "requested"
    blocks: list[dict[str, Any]] = [
        section(
            f"*Meeting with {name} {what}* 🤝\n{escape(screen.when)} · {screen.minutes} min"
            + (
                " · with " + ", ".join(f"<@{u}>" for u in screen.attendees[:20])
                if screen.attendees
                else ""
            )
        ),
    ]
    if screen.to:
        blocks.append(context("To: " + clip(", ".join(screen.to), 1500)))
    else:
        blocks.append(
            context("No email address for their people yet: add the recipients in your mail app.")
        )
    buttons = [
        _link_button(
            f"Send with {link.client.label}",
            f"{Action.COMPOSE}_{link.client}",
            link.url,
            primary=i == 0,
        )
        for i, link in enumerate(screen.links)
    ]
    if screen.ics_url:
        buttons.append(_link_button("📅 Calendar (.ics)", Action.ICS, screen.ics_url))
    blocks.append(actions(*buttons, block_id="meeting_links"))
    if any(link.shortened for link in screen.links):
        blocks.append(context("The email was too long for a link: copy the rest from below."))
    if screen.ics_url is None:
        blocks.append(context("A calendar file (.ics) needs KYC_PUBLIC_URL set on the bot."))
    blocks += [
        divider(),
        section(f"*{clip(screen.subject, 200)}*\n```{clip(screen.body, 2800)}```"),
    ]
    if screen.facilitator:
        blocks.append(context("You asked for an objective facilitator: book them for this slot."))
    blocks.append(
        context(
            "Everyone coming gets a preparation note a few days before. After the meeting, "
            "you will be asked how it went."
            + (
                f" Changed {screen.changes} time(s): send the new email and calendar file."
                if screen.changes
                else ""
            )
        )
    )
    if screen.meeting_id is not None:
        value = str(screen.meeting_id)
        blocks.append(
            actions(
                button("Change…", Action.CHANGE_MEETING, value),
                button("Cancel meeting", Action.CANCEL_MEETING, value, style="danger"),
                block_id="meeting_change",
            )
        )
    return message(f"Meeting with {screen.customer_name} {what}", blocks)


@dataclass(frozen=True)
class CancelForm:
    meeting_id: int
    customer_name: str
    when: str


MAX_CANCEL_REASON = 300


def build_meeting_cancel_modal(form: CancelForm) -> dict[str, Any]:
    blocks = [
        section(
            f"*Cancel the meeting with {clip(form.customer_name, 200)}* ({escape(form.when)})\n"
            "Whoever was prepared for it is told, with your reason; nobody is prepared or "
            "asked about it any more."
        ),
        text_input(
            Block.MEETING_CANCEL_REASON,
            "Why, in a line",
            multiline=False,
            max_length=MAX_CANCEL_REASON,
            placeholder="They asked to postpone to next quarter",
            optional=False,
        ),
    ]
    return modal(
        "Cancel the meeting",
        blocks,
        callback_id=View.MEETING_CANCEL,
        submit="Cancel meeting",
        close="Keep it",
        private_metadata=json.dumps({"m": form.meeting_id}),
    )


def parse_meeting_cancel(values: Values) -> str:
    return (text_of(values, Block.MEETING_CANCEL_REASON) or "").strip()


@dataclass(frozen=True)
class MovedNote:
    """To someone prepared for a meeting (or a guest sitting in) that moved."""

    customer_name: str
    when: str
    was: str
    organiser_user_id: str | None
    prepared_again: bool  # the new day's preparation comes again, nearer the day


def build_meeting_moved(note: MovedNote) -> dict[str, Any]:
    by = f"<@{note.organiser_user_id}> moved" if note.organiser_user_id else "The organiser moved"
    text = (
        f"🗓 {by} the meeting with *{clip(note.customer_name, 200)}*: it is now "
        f"*{escape(note.when)}* (was {escape(note.was)})."
    )
    more = (
        "You will get the preparation note again a few days before the new day."
        if note.prepared_again
        else "Your preparation note still holds."
    )
    blocks = [section(text), context(more)]
    return message(f"The meeting with {note.customer_name} moved to {note.when}", blocks)


def build_meeting_cancelled(
    customer_name: str, when: str, by_user_id: str | None, reason: str
) -> dict[str, Any]:
    """To someone prepared for a meeting (or a guest sitting in) that was cancelled."""
    by = f"<@{by_user_id}> cancelled" if by_user_id else "The organiser cancelled"
    text = (
        f"✖️ {by} the meeting with *{clip(customer_name, 200)}* of {escape(when)}.\n"
        f"> {clip(reason, 600)}"
    )
    return message(f"The meeting with {customer_name} is cancelled", [section(text)])


@dataclass(frozen=True)
class PrepScreen:
    """One attendee's preparation DM."""

    customer_name: str
    when: str
    organiser_user_id: str | None
    objectives: str
    agenda: str | None
    brief_lines: tuple[str, ...]  # plain text facts of the customer's brief
    charter_purpose: str | None
    charter_lines: tuple[tuple[str, str], ...]  # (expectation, how we measure it)
    team_name: str | None
    facilitator: bool


def build_meeting_prep(screen: PrepScreen) -> dict[str, Any]:
    name = clip(screen.customer_name, 150)
    by = f" (organised by <@{screen.organiser_user_id}>)" if screen.organiser_user_id else ""
    blocks: list[dict[str, Any]] = [
        header(f"Preparing for {screen.customer_name}"[:150]),
        section(f"*{escape(screen.when)}*{by}\n*Objectives*\n{clip(screen.objectives, 1500)}"),
    ]
    if screen.agenda:
        blocks.append(section(f"*Agenda*\n{clip(screen.agenda, 2500)}"))
    if screen.brief_lines:
        lines = "\n".join(f"• {clip(line, 300)}" for line in screen.brief_lines[:10])
        blocks.append(section(f"*About {name}*\n{lines}"))
    team = escape(screen.team_name) if screen.team_name else "the team"
    if screen.charter_lines or screen.charter_purpose:
        text = f"*{team}'s draft charter*"
        if screen.charter_purpose:
            text += f"\n_{clip(screen.charter_purpose, 600)}_"
        for expectation, measure in screen.charter_lines[:15]:
            text += f"\n• {clip(expectation, 200)}" + (
                f" — measured by {clip(measure, 150)}" if measure else ""
            )
        blocks.append(section(text))
        blocks.append(
            context("Review it with them, and tell them you will revise it with what they say.")
        )
    else:
        blocks.append(
            section(
                f"*{team} has no charter yet.* Write the draft before the meeting "
                "(App Home → Team → Edit charter): its purpose, and what you believe the "
                "customers expect, each with how you measure it."
            )
        )
    kinds = "\n".join(f"• *{k.label}*: {escape(k.meaning)}" for k in MeetingKind)
    blocks += [
        divider(),
        section(f"*There are four kinds of customer meeting; only one is the goal*\n{kinds}"),
        section(f"*Always ask*\n> {escape(SIMPLIFY_QUESTION)}"),
        section(f"*How to prepare*\n{escape(HOW_TO_PREPARE)}"),
    ]
    if screen.facilitator:
        blocks.append(context("An objective facilitator will lead the meeting."))
    return message(f"Preparing for your meeting with {screen.customer_name}", blocks)


# After the meeting: the organiser's DM, the record modal, the proposed charter revision.

EXPECTATION_ROWS = 5
SIMPLIFY_ROWS = 3
ITEM_ROWS = 3
NEW = "new"


def build_meeting_followup(customer_name: str, when: str, meeting_id: int) -> dict[str, Any]:
    """The organiser's DM once the meeting is over."""
    text = (
        f"*How did the meeting with {clip(customer_name, 200)} go?* ({escape(when)})\n"
        "Record what kind of meeting it was, the expectations they named, what could be "
        "simplified or eliminated, and the action items: it counts as a proactive contact for "
        "everyone who came, and the charter revision it proposes goes to the team."
    )
    blocks = [
        section(text),
        actions(
            button("Record the meeting", Action.RECORD_MEETING, str(meeting_id), style="primary"),
            block_id="meeting_followup",
        ),
    ]
    return message(f"How did the meeting with {customer_name} go?", blocks)


@dataclass(frozen=True)
class RecordForm:
    meeting_id: int
    customer_name: str
    when: str
    charter_lines: tuple[str, ...]  # the team's current expectations, in order


def _row_select(lines: tuple[str, ...]) -> dict[str, Any]:
    new = {"text": plain("A new expectation"), "value": NEW}
    options = [new] + [
        {"text": plain(f"{i + 1}. {line}", 75), "value": str(i)}
        for i, line in enumerate(lines[:99])
    ]
    return {"type": "static_select", "options": options, "initial_option": new}


def build_meeting_record_modal(form: RecordForm) -> dict[str, Any]:
    kinds = [
        {"text": plain(k.label), "description": plain(k.meaning, 75), "value": k.value}
        for k in MeetingKind
    ]
    blocks: list[dict[str, Any]] = [
        section(f"*{clip(form.customer_name, 200)}* · {escape(form.when)}"),
        _input(
            Block.MEETING_KIND,
            "Which kind of meeting was it?",
            {"type": "radio_buttons", "options": kinds},
            optional=False,
        ),
        text_input(Block.SUMMARY, "What they said, in a few lines", max_length=3000),
        header("Expectations they named"),
        context(
            "Each in their words, matched to a line of the charter or new: the team gets "
            "the revision this proposes, to accept in one click or edit."
        ),
    ]
    for n in range(1, EXPECTATION_ROWS + 1):
        blocks += [
            text_input(
                numbered(Block.MEETING_EXPECTATION, n),
                f"Expectation {n}",
                multiline=False,
                max_length=300,
            ),
            _input(
                numbered(Block.MEETING_MATCH, n),
                "On the charter as",
                _row_select(form.charter_lines),
            ),
        ]
    blocks.append(header("Simplify or eliminate"))
    blocks.append(context(escape(SIMPLIFY_QUESTION) + " Each answer becomes an action item."))
    for n in range(1, SIMPLIFY_ROWS + 1):
        blocks.append(
            text_input(
                numbered(Block.MEETING_SIMPLIFY, n),
                f"Work to simplify or eliminate {n}",
                multiline=False,
                max_length=1000,
            )
        )
    blocks.append(header("📌 Action items"))
    for n in range(1, ITEM_ROWS + 1):
        blocks += [
            text_input(
                numbered(Block.ITEM_TEXT, n), f"Action item {n}", multiline=False, max_length=1000
            ),
            _input(numbered(Block.ITEM_OWNER, n), "Owner", {"type": "users_select"}),
            _input(numbered(Block.ITEM_DUE, n), "Due", {"type": "datepicker"}),
        ]
    return modal(
        "Record the meeting",
        blocks,
        callback_id=View.MEETING_RECORD,
        submit="Save",
        private_metadata=json.dumps({"m": form.meeting_id}),
    )


def parse_meeting_record(values: Values, *, today: date) -> tuple[dict[str, Any], dict[str, str]]:
    """What the organiser recorded, and what is wrong with it, on its fields."""
    errors: dict[str, str] = {}
    kind = selected(values, Block.MEETING_KIND)
    if kind not in {k.value for k in MeetingKind}:
        errors[Block.MEETING_KIND] = "Which of the four was it?"
    named: list[tuple[str, int | None]] = []
    for n in range(1, EXPECTATION_ROWS + 1):
        text = text_of(values, numbered(Block.MEETING_EXPECTATION, n))
        match = selected(values, numbered(Block.MEETING_MATCH, n))
        if text:
            named.append((text, int(match) if match and match.isdigit() else None))
        elif match and match != NEW:
            errors[numbered(Block.MEETING_EXPECTATION, n)] = "Say what they expect, in their words."
    simplify = [
        t
        for n in range(1, SIMPLIFY_ROWS + 1)
        if (t := text_of(values, numbered(Block.MEETING_SIMPLIFY, n)))
    ]
    items: list[dict[str, Any]] = []
    for n in range(1, ITEM_ROWS + 1):
        text_id = numbered(Block.ITEM_TEXT, n)
        text = text_of(values, text_id)
        owner = user_of(values, numbered(Block.ITEM_OWNER, n))
        due = date_of(values, numbered(Block.ITEM_DUE, n))
        if not text:
            if owner or due:
                errors[text_id] = "Add what needs doing, or clear the owner and due date."
            continue
        if not owner:
            errors[numbered(Block.ITEM_OWNER, n)] = "Who owns this? Pick a colleague."
        if due and due < today:
            errors[numbered(Block.ITEM_DUE, n)] = "That date has passed — pick today or later."
        items.append({"text": text, "owner": owner, "due": due.isoformat() if due else None})
    fields = {
        "kind": kind,
        "summary": text_of(values, Block.SUMMARY),
        "named": named,
        "simplify": simplify,
        "items": items,
    }
    return fields, errors


@dataclass(frozen=True)
class ProposalScreen:
    """A charter revision a customer meeting proposes, posted to the team."""

    meeting_id: int
    customer_name: str
    organiser_user_id: str | None
    kind_label: str
    added: tuple[str, ...]
    changed: tuple[tuple[str, str], ...]  # (before, their words)
    base_revision: int


def build_charter_proposal(screen: ProposalScreen) -> dict[str, Any]:
    by = f"<@{screen.organiser_user_id}>" if screen.organiser_user_id else "The organiser"
    lines = [f"➕ {clip(a, 300)}" for a in screen.added[:15]]
    lines += [f"🔁 {clip(b, 150)} → {clip(a, 200)}" for b, a in screen.changed[:15]]
    text = (
        f"*What {clip(screen.customer_name, 200)} changed in our charter* 🤝\n"
        f"{by} recorded the customer meeting ({escape(screen.kind_label)}). "
        f"The expectations they named propose this revision of the charter"
        + (f" (revision {screen.base_revision})" if screen.base_revision else "")
        + ":\n"
        + "\n".join(lines)
    )
    blocks = [
        section(text),
        actions(
            button("Accept", Action.ACCEPT_CHARTER, str(screen.meeting_id), style="primary"),
            button("Edit…", Action.EDIT_PROPOSED_CHARTER, str(screen.meeting_id)),
            block_id="charter_proposal",
        ),
    ]
    return message(f"What {screen.customer_name} changed in our charter", blocks)


def meeting_figures_text(f: MeetingFigures) -> str:
    """A team's quarter of customer meetings in one mrkdwn paragraph, the 4F share first."""
    mix = " · ".join(f"{k.label} {f.kinds.get(k, 0)}" for k in MeetingKind)
    parts = [f"*Customer meetings, {f.quarter}:* {escape(headline(f))}"]
    if f.recorded:
        parts.append(mix)
    parts.append(
        f"Charter lines customers added {f.lines_added}, changed {f.lines_changed} · "
        f"Simplify or eliminate: {f.simplify_raised} raised, {f.simplify_done} done"
    )
    return "\n".join(parts)


def meeting_team_line(f: MeetingFigures) -> str:
    """One team's quarter in a line (the digest)."""
    return (
        f"*{clip(f.team, 100)}*: {escape(headline(f))} · charter lines customers added "
        f"{f.lines_added}, changed {f.lines_changed} · simplify or eliminate: "
        f"{f.simplify_done}/{f.simplify_raised} done"
    )


def meetings_digest_text(figures: tuple[MeetingFigures, ...], *, most: int = 12) -> str:
    quarter = figures[0].quarter if figures else ""
    lines = [meeting_team_line(f) for f in figures[:most]]
    if len(figures) > most:
        lines.append(f"…and {len(figures) - most} more teams")
    return f"🤝 *Customer meetings, {quarter}*\n" + "\n".join(lines)
