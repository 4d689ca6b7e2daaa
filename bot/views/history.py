"""A customer's history, as a modal: every contact newest first, a page at a time, with
Older / Newer buttons that redraw it (views.update)."""

from __future__ import annotations

from typing import Any

from bot.ids import Action, View
from bot.regimen.types import ContactKind
from bot.views.blocks import actions, button, context, divider, header, modal, section
from bot.views.data import HistoryEntry, HistoryPage
from bot.views.limits import SECTION_TEXT, truncate
from bot.views.text import clip, day, escape

# Each field is clipped so an entry of every field at its longest stays one section.
_FIELDS = (
    ("summary", "Summary", 700),
    ("criticism", "Criticism", 400),
    ("stressed_areas", "Stressed areas", 300),
    ("make_it_great", "What would make it great", 300),
    ("in_their_words", "In their words", 400),
    ("details_to_remember", "Details to remember", 300),
)
MAX_ITEMS_SHOWN = 5


def page_value(customer_id: int, page: int) -> str:
    return f"{customer_id}:{page}"


def parse_page_value(value: str) -> tuple[int, int] | None:
    """'12:3' -> (12, 3); anything else None."""
    customer, _, page = value.partition(":")
    if customer.isdigit() and page.isdigit():
        return int(customer), int(page)
    return None


def entry_text(entry: HistoryEntry) -> str:
    """One contact as mrkdwn: kind, outcome, who and when first, then what was said."""
    kind = entry.channel.label
    if entry.kind == ContactKind.REACTIVE:
        kind += " (reactive)"
    head = [f"*{day(entry.occurred_at.date())} · {escape(kind)}*"]
    if entry.outcome:
        head.append(entry.outcome.label)
    if entry.sentiment:
        head.append(
            entry.sentiment.label + (f" ({entry.score}/10)" if entry.score is not None else "")
        )
    if entry.who:
        head.append(clip(entry.who, 200))
    lines = [" · ".join(head)]
    for attr, label, limit in _FIELDS:
        text = getattr(entry, attr)
        if text:
            quoted = clip(" ".join(str(text).split()), limit)
            lines.append(f"_{label}:_ {quoted}")
    if entry.themes:
        lines.append(f"_Themes:_ {clip(', '.join(entry.themes[:10]), 300)}")
    if entry.items:
        shown = [f"• {clip(i, 150)}" for i in entry.items[:MAX_ITEMS_SHOWN]]
        if len(entry.items) > MAX_ITEMS_SHOWN:
            shown.append(f"• …and {len(entry.items) - MAX_ITEMS_SHOWN} more")
        lines.append("_Action items:_\n" + "\n".join(shown))
    return truncate("\n".join(lines), SECTION_TEXT)


def _listed(title: str, rows: tuple[str, ...], shown: int = 10, each: int = 250) -> str:
    """A bold title and up to `shown` escaped rows, each clipped; one section's worth."""
    lines = [f"• {clip(' '.join(r.split()), each)}" for r in rows[:shown]]
    if len(rows) > shown:
        lines.append(f"• …and {len(rows) - shown} more")
    return truncate(f"*{title}*\n" + "\n".join(lines), SECTION_TEXT)


def build_history_modal(page: HistoryPage) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [header(page.customer_name.strip() or "Customer")]
    if page.total:
        blocks.append(
            context(f"{page.total} contact(s), newest first · page {page.page + 1} of {page.pages}")
        )
    else:
        blocks.append(context("No contact recorded yet — the first touchpoint starts it."))
    if page.key:
        blocks.append(context("⭐ A key customer"))
    if page.recoveries:
        blocks.append(section(_listed("Open complaints", page.recoveries)))
    if page.open_items:
        lines = [f"• {clip(i, 200)}" for i in page.open_items[:10]]
        if len(page.open_items) > 10:
            lines.append(f"• …and {len(page.open_items) - 10} more")
        blocks.append(section("*Open action items*\n" + "\n".join(lines)))
    if page.themes:
        blocks.append(section(_listed("Themes they raised", page.themes)))
    if page.guests:
        blocks.append(
            section(_listed("Colleagues who met them, and what they learned", page.guests))
        )
    for entry in page.entries[:20]:
        blocks += [divider(), section(entry_text(entry))]
    buttons = []
    if page.page + 1 < page.pages:
        buttons.append(
            button("Older", Action.HISTORY_OLDER, page_value(page.customer_id, page.page + 1))
        )
    if page.page > 0:
        buttons.append(
            button("Newer", Action.HISTORY_NEWER, page_value(page.customer_id, page.page - 1))
        )
    if buttons:
        blocks.append(actions(*buttons, block_id="history_pages"))
    return modal(
        "Customer history",
        blocks,
        callback_id=View.HISTORY,
        private_metadata=str(page.customer_id),
    )
