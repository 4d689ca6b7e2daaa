"""After the meeting: the organiser's DM asking how it went, the record modal (the kind of
meeting, the expectations the customer named matched to lines of the charter, what to simplify
or eliminate, action items) with what it reads back and its field errors, and the charter
revision it proposes, posted to the team with Accept and Edit…."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.ids import Action, Block, View, numbered
from bot.regimen.meetings import SIMPLIFY_QUESTION, MeetingKind
from bot.views.blocks import actions, button, context, header, message, modal, plain, section
from bot.views.call_modal import _input, text_input
from bot.views.call_submission import Values, date_of, selected, text_of, user_of
from bot.views.text import clip, escape

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
