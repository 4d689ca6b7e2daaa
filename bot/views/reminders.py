"""The owner's daily digest of action items: overdue, due today, or a week without a due date."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.ids import Action, Block, numbered
from bot.views.blocks import actions, button, context, message, plain, section
from bot.views.data import DigestLine
from bot.views.limits import MAX_MESSAGE_BLOCKS, truncate
from bot.views.text import clip, day, plural

# Two blocks an item, the heading, and the line that says how many more there are.
DIGEST_ITEMS = (MAX_MESSAGE_BLOCKS - 2) // 2


def digest_status(line: DigestLine) -> str:
    """'due Tue 24 Nov 2026 · ⚠️ 3 days overdue', 'due today' or 'no due date'."""
    item = line.item
    if item.due_on is None:
        return "no due date — logged over a week ago: give it one, or close it"
    if item.overdue_days <= 0:
        return f"due today ({day(item.due_on)})"
    return f"due {day(item.due_on)} · ⚠️ {plural(item.overdue_days, 'day')} overdue"


def _summary(lines: Sequence[DigestLine]) -> str:
    overdue = sum(1 for x in lines if x.item.due_on and x.item.overdue_days > 0)
    today = sum(1 for x in lines if x.item.due_on and x.item.overdue_days <= 0)
    undated = sum(1 for x in lines if x.item.due_on is None)
    parts = [
        f"{overdue} overdue" if overdue else "",
        f"{today} due today" if today else "",
        f"{undated} with no due date" if undated else "",
    ]
    return ", ".join(p for p in parts if p)


def build_items_digest(lines: Sequence[DigestLine]) -> dict[str, Any]:
    """One DM a day: every line with Done, Snooze 1 week and a new due date; past what one
    message holds, the rest are counted and left to App Home."""
    head = (
        f"⏰ *{plural(len(lines), 'action item')} need{'s' if len(lines) == 1 else ''} you "
        f"today* ({_summary(lines)})"
    )
    blocks = [section(head)]
    for line in lines[:DIGEST_ITEMS]:
        item = line.item
        text = f"*{clip(line.customer_name, 200)}* — {clip(item.text, 1500)}\n{digest_status(line)}"
        blocks.append(section(text))
        picker = {
            "type": "datepicker",
            "action_id": Action.ITEM_DUE_ON.value,
            "placeholder": plain("New due date"),
        }
        blocks.append(
            actions(
                button("Done", Action.ITEM_DONE, str(item.item_id), style="primary"),
                button("Snooze 1 week", Action.ITEM_SNOOZE, str(item.item_id)),
                picker,
                block_id=numbered(Block.ITEM_ACTIONS, item.item_id),
            )
        )
    if len(lines) > DIGEST_ITEMS:
        blocks.append(context(f"…and {len(lines) - DIGEST_ITEMS} more — see App Home"))
    return message(f"{plural(len(lines), 'action item')} to see to today", blocks)


def snoozed_note(text: str, until: date) -> str:
    """The answer to Snooze 1 week (plain text: the note escapes it)."""
    return f"Snoozed “{truncate(text, 200)}” until {day(until)}."


def due_moved_note(text: str, due_on: date) -> str:
    """The answer to a new due date (plain text: the note escapes it)."""
    return f"“{truncate(text, 200)}” is now due {day(due_on)}."
