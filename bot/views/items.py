"""Action-item threads, kudos, reminders and the close-the-loop DM."""

from __future__ import annotations

from typing import Any

from bot.ids import Action, Block, numbered
from bot.views.blocks import actions, button, context, message, section
from bot.views.data import CallThread, CloseLoop, ItemCard, KudosCard, Person
from bot.views.text import clip, day, escape, mention, plural


def who(person: Person | None) -> str:
    return mention(person.slack_user_id, person.name) if person else "_nobody yet_"


def _due(item: ItemCard) -> str:
    return f"due {day(item.due_on)}" if item.due_on else "no due date"


def build_items_parent(call: CallThread) -> dict[str, Any]:
    head = (
        f"📋 *Action items from {who(call.executive)}'s {call.occasion} with "
        f"{escape(call.customer_name)}*"
    )
    facts = [call.outcome.label]
    if call.sentiment:
        facts.append(call.sentiment.label)
    facts.append(plural(call.item_count, "item"))
    blocks = [section(head), context(" · ".join(facts))]
    if call.summary:
        blocks.append(section(f">{clip(call.summary, 1500)}"))
    blocks.append(context("Each item is a reply in this thread — press *Done* when it is."))
    return message(
        f"Action items from {call.executive.name}'s {call.occasion} with {call.customer_name}",
        blocks,
    )


def build_item_reply(item: ItemCard) -> dict[str, Any]:
    if item.done:
        text = f"✅ ~{clip(item.text, 1500)}~\nDone by {who(item.done_by or item.owner)}"
        return message(f"Done: {item.text[:200]}", [section(text, block_id=f"item_{item.item_id}")])
    text = f"📌 *{clip(item.text, 1500)}*\nOwner: {who(item.owner)} · {_due(item)}"
    if item.overdue_days:
        text += f" · ⚠️ {plural(item.overdue_days, 'day')} overdue"
    buttons = actions(
        button("Done", Action.ITEM_DONE, str(item.item_id), style="primary"),
        button("Reassign", Action.ITEM_REASSIGN, str(item.item_id)),
        block_id=numbered(Block.ITEM_ACTIONS, item.item_id),
    )
    return message(
        f"Action item: {item.text[:200]}", [section(text, block_id=f"item_{item.item_id}"), buttons]
    )


def _name(person: Person | None) -> str:
    """Who, in a notification's plain fallback text (where a mention would show as markup)."""
    return person.name if person else "nobody yet"


def build_item_done_note(item: ItemCard) -> dict[str, Any]:
    done_by = item.done_by or item.owner
    text = f"✅ {who(done_by)} marked “{clip(item.text, 500)}” done."
    return message(f"✅ {_name(done_by)} marked “{item.text[:200]}” done.", [section(text)])


def build_close_loop_dm(loop: CloseLoop) -> dict[str, Any]:
    lines = "\n".join(f"✅ {clip(i.text, 300)} — {who(i.owner)}" for i in loop.items[:20])
    head = (
        f"🔁 Every action item from your call with *{escape(loop.customer_name)}* is done. "
        "A good moment to tell them what came of it — customers remember the follow-through."
    )
    return message(
        f"Every action item from your call with {loop.customer_name} is done",
        [section(head), section(lines)],
    )


def build_overdue_thread_note(item: ItemCard) -> dict[str, Any]:
    late = plural(item.overdue_days, "day")
    text = f"⏰ “{clip(item.text, 500)}” is {late} overdue — {who(item.owner)} has been reminded."
    fallback = f"⏰ “{item.text[:200]}” is {late} overdue — {_name(item.owner)} has been reminded."
    return message(fallback, [section(text)])


def build_overdue_escalation(item: ItemCard, customer_name: str, owner: Person) -> dict[str, Any]:
    text = (
        f"Heads-up: {who(owner)}'s action item for *{escape(customer_name)}* is "
        f"{plural(item.overdue_days, 'day')} overdue:\n*{clip(item.text, 1500)}*\n"
        "A word from you may be what unblocks it."
    )
    return message(f"Overdue action item for {customer_name}", [section(text)])


def build_kudos_post(k: KudosCard) -> dict[str, Any]:
    text = (
        f"🎉 Kudos to {who(k.colleague)} from {who(k.giver)}: “{clip(k.note, 1500)}” "
        f"(call with {escape(k.customer_name)})"
    )
    return message(f"Kudos to {k.colleague.name} from {k.giver.name}", [section(text)])


def build_kudos_dm(k: KudosCard, *, to_manager: bool) -> dict[str, Any]:
    if to_manager:
        text = (
            f"🎉 {who(k.giver)} gave kudos to your report {who(k.colleague)} after a call with "
            f"*{escape(k.customer_name)}*: “{clip(k.note, 1500)}”"
        )
    else:
        text = (
            f"🎉 {who(k.giver)} sent you kudos after a call with "
            f"*{escape(k.customer_name)}*: “{clip(k.note, 1500)}” — thank you!"
        )
    return message(f"Kudos from {k.giver.name}", [section(text)])


def build_story_post(customer_name: str, executive: Person, summary: str | None) -> dict[str, Any]:
    text = f"🌟 *Success-story candidate:* {escape(customer_name)} (from {who(executive)}'s call)"
    blocks = [section(text)]
    if summary:
        blocks.append(section(f">{clip(summary, 1500)}"))
    return message(f"Success-story candidate: {customer_name}", blocks)


def build_story_reminder(customer_name: str) -> dict[str, Any]:
    text = (
        f"🌟 A while ago *{escape(customer_name)}* sounded like a success story. "
        "Have you asked whether they would share it?"
    )
    return message(f"Success story: {customer_name}?", [section(text)])


def build_follow_up_reminder(
    customer_name: str, summary: str | None, executive: Person
) -> dict[str, Any]:
    text = f"📅 Today is the follow-up with *{escape(customer_name)}* from {who(executive)}'s call."
    blocks = [section(text)]
    if summary:
        blocks.append(context(clip(summary, 1000)))
    return message(f"Follow up with {customer_name} today", blocks)
