"""The morning nudge DM, the all-done note and the `/kyc week` list."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from bot.ids import Action
from bot.regimen.types import BatchStatus, Brief, Channel
from bot.views.blocks import (
    actions,
    button,
    context,
    divider,
    header,
    message,
    plain,
    plain_note,
    section,
)
from bot.views.call_modal import option
from bot.views.data import WeekItem, WeekView
from bot.views.limits import ensure_message
from bot.views.text import clip, day, escape, plural

LATER_BLOCK = "nudge_later"  # the nudge's "Later today" / "Skip today" row
DETAILED = 10  # customers shown in full; the rest are listed in one line
STATUS_EMOJI = {
    BatchStatus.PLANNED: "⏳",
    BatchStatus.ATTEMPTED: "📞",
    BatchStatus.DONE: "✅",
    BatchStatus.CARRIED_OVER: "↪️",
    BatchStatus.SWAPPED: "🔄",
}


def progress(week: WeekView) -> str:
    return f"*{week.done}/{week.quota} done* this week ({week.iso_week})"


def last_call_line(brief: Brief) -> str:
    last = brief.last_proactive
    if last is None:
        return "Never called proactively — a first call."
    when = day(last.occurred_at.date())
    if last.channel == Channel.CALL:
        parts = [f"Last call {when}"]
    else:  # "Last proactive: Lunch or dinner on Tue 3 Nov 2026"
        parts = [f"Last proactive: {last.channel.label} on {when}"]
    if last.outcome:
        parts.append(last.outcome.label)
    if last.sentiment:
        parts.append(
            last.sentiment.label + (f" ({last.score}/10)" if last.score is not None else "")
        )
    return " · ".join(parts)


def condensed(item: WeekItem) -> str:
    b = item.brief
    lines = [f"*{escape(b.customer.name)}*" + (f" · {escape(b.tenure)}" if b.tenure else "")]
    if item.status == BatchStatus.ATTEMPTED:
        lines.append("📞 Tried already this week — worth another go.")
    lines.append(last_call_line(b))
    if b.reactive_since:
        kinds = ", ".join(sorted({r.channel.value for r in b.reactive_since}))
        lines.append(f"⚠️ {plural(len(b.reactive_since), 'reactive contact')} since ({kinds})")
    if b.open_items:
        first = b.open_items[0]
        due = f" (due {day(first.due_on)})" if first.due_on else ""
        lines.append(
            f"📌 {plural(len(b.open_items), 'open action item')}: {clip(first.text, 120)}{due}"
        )
    if b.details_to_remember:
        lines.append(f"💡 {clip(b.details_to_remember[0], 200)}")
    lines.append(f"_{clip(b.opener, 600)}_")
    return "\n".join(lines)


def customer_buttons(customer_id: int) -> dict[str, Any]:
    value = str(customer_id)
    return actions(
        button("Log call", Action.LOG_CALL, value, style="primary"),
        button("Left voicemail", Action.VOICEMAIL, value),
        button("Brief", Action.BRIEF, value),
        button("Swap", Action.SWAP, value),
        block_id=f"cust_{customer_id}",
    )


def later_buttons(local_date: date, later: tuple[time, ...]) -> dict[str, Any]:
    """ "Later today" (the times still ahead when the nudge was drawn) and "Skip today"; each
    carries the local day it is for, so a click on yesterday's nudge changes nothing today."""
    elements: list[dict[str, Any]] = []
    if later:
        elements.append(
            {
                "type": "static_select",
                "action_id": Action.NUDGE_LATER.value,
                "placeholder": plain("⏰ Later today…"),
                "options": [
                    option(f"{local_date.isoformat()}T{t:%H:%M}", f"at {t:%H:%M}")
                    for t in later[:100]
                ],
            }
        )
    elements.append(button("Skip today", Action.NUDGE_SKIP, local_date.isoformat()))
    return actions(*elements, block_id=LATER_BLOCK)


def build_nudge(week: WeekView, later: tuple[time, ...] = ()) -> dict[str, Any]:
    """The morning DM; `later` the local times to offer for "Later today"."""
    open_items = week.open_items
    blocks = [
        header("☕ Your customers this week"),
        context(progress(week), f"{plural(len(open_items), 'call')} to go — one with your coffee?"),
        divider(),
    ]
    for item in open_items[:DETAILED]:
        blocks.append(section(condensed(item), block_id=f"brief_{item.customer_id}"))
        blocks.append(customer_buttons(item.customer_id))
    rest = open_items[DETAILED:]
    if rest:
        names = ", ".join(escape(i.name) for i in rest[:30])
        more = f" and {len(rest) - 30} more" if len(rest) > 30 else ""
        blocks.append(section(f"Also this week: {names}{more} — `/kyc week` lists them all."))
    done = [i for i in week.items if i.status == BatchStatus.DONE]
    if done:
        blocks.append(context("✅ Done: " + ", ".join(escape(i.name) for i in done[:30])))
    blocks.append(later_buttons(week.local_date, later))
    blocks.append(context("`/kyc done` after a call · `/kyc pause` for a vacation"))
    names_text = ", ".join(i.name for i in open_items[:5])
    return message(f"☕ {week.done}/{week.quota} done this week. Today: {names_text}", blocks)


def build_all_done(week: WeekView) -> dict[str, Any]:
    text = (
        f"🎉 All {week.quota} customers done this week. That is what staying close looks like "
        "— see you next week ☕"
    )
    return message(text, [section(text), context(progress(week))])


def build_week_list(week: WeekView) -> dict[str, Any]:
    blocks = [header(f"Your week {week.iso_week}"), context(progress(week))]
    shown = week.items[:40]
    for item in shown:
        status = item.status.value.replace("_", " ")
        line = f"{STATUS_EMOJI.get(item.status, '•')} *{escape(item.name)}* — {status}"
        if item.status.is_open and len(blocks) < 48:
            blocks.append(
                section(line, accessory=button("Log call", Action.LOG_CALL, str(item.customer_id)))
            )
        elif len(blocks) < 49:
            blocks.append(section(line))
    if not week.items:
        reason = week.skipped or "no customers on your list yet"
        blocks.append(section(f"No batch this week: {escape(reason)}."))
    return message(f"Your week: {week.done}/{week.quota} done", blocks)


def later_note(at: time) -> dict[str, Any]:
    return plain_note(f"⏰ Got it — I'll nudge you again today at {at:%H:%M}.")


def skipped_note() -> dict[str, Any]:
    return plain_note("🛌 Skipped today: no more nudges until your next workday. The batch waits.")


def coming_back(at: time) -> str:
    return f"⏰ Coming back at {at:%H:%M}"


def skipped_until(today: date, back: date | None) -> str:
    """'Skipped today — back tomorrow' (or the weekday, or the date, of the next workday)."""
    if back is None:
        when = "on your next workday"
    elif back == today + timedelta(days=1):
        when = "tomorrow"
    elif back < today + timedelta(days=7):
        when = f"{back:%A}"
    else:
        when = day(back)
    return f"🛌 Skipped today — back {when}"


def build_answered_nudge(sent: dict[str, Any], answer: str) -> dict[str, Any]:
    """The nudge as it was sent (`sent`, its chat.postMessage payload), its "Later today" /
    "Skip today" row replaced by `answer`: the click is answered where it was made. The text
    was escaped when the nudge was built, so it is kept as it is."""
    blocks = [
        context(answer) if b.get("block_id") == LATER_BLOCK else b for b in sent.get("blocks") or []
    ]
    text = sent.get("text")
    ensure_message(text, blocks)
    return {"text": text, "blocks": blocks}
