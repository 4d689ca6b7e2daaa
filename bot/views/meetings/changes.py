"""A meeting moved or cancelled: the organiser's cancel modal and the reason it reads, and the
notes to whoever was prepared (or a guest sitting in): moved to a new time, or cancelled and
why."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.ids import Block, View
from bot.views.blocks import context, message, modal, section
from bot.views.call_modal import text_input
from bot.views.call_submission import Values, text_of
from bot.views.text import clip, escape


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
