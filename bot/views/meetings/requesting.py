"""The request modal of a team's formal customer meeting (also its Change… form, filled in
with the meeting as it stands), what it reads back for the use case to check, and which of its
blocks answers for which field."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from bot.ids import Block, View
from bot.regimen.meetings import (
    FACILITATOR_HINT,
    MAX_AGENDA,
    MAX_CUSTOMER_ATTENDEES,
    MAX_OBJECTIVES,
)
from bot.views.blocks import modal, plain, section
from bot.views.call_modal import _input, text_input
from bot.views.call_submission import Values, checked, date_of, text_of, ticked, time_of, users_of
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
