"""Tiny constructors for Block Kit dicts, so each surface module reads as what it shows."""

from __future__ import annotations

from typing import Any

from bot.views.limits import (
    BUTTON_TEXT,
    HEADER_TEXT,
    SECTION_TEXT,
    VIEW_TITLE,
    ensure_message,
    ensure_view,
    truncate,
)
from bot.views.text import escape

Block = dict[str, Any]


def plain(text: str, limit: int | None = None) -> dict[str, Any]:
    return {"type": "plain_text", "text": truncate(text, limit) if limit else text, "emoji": True}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": truncate(text, SECTION_TEXT)}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, HEADER_TEXT)}


def section(text: str, *, block_id: str | None = None, accessory: Block | None = None) -> Block:
    block: Block = {"type": "section", "text": mrkdwn(text)}
    if block_id:
        block["block_id"] = block_id
    if accessory:
        block["accessory"] = accessory
    return block


def context(*texts: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(t) for t in texts[:10] if t]}


def divider() -> Block:
    return {"type": "divider"}


def button(text: str, action_id: str, value: str = "", *, style: str | None = None) -> Block:
    el: Block = {"type": "button", "text": plain(text, BUTTON_TEXT), "action_id": action_id}
    if value:
        el["value"] = value
    if style:
        el["style"] = style
    return el


def actions(*elements: Block, block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements)}
    if block_id:
        block["block_id"] = block_id
    return block


def message(text: str, blocks: list[Block]) -> dict[str, Any]:
    """A message payload, checked against Slack's limits before anything sends it.

    `text` is the notification fallback, written from raw data: it is escaped here, once."""
    text = truncate(escape(text), 3000)
    ensure_message(text, blocks)
    return {"text": text, "blocks": blocks}


def plain_note(text: str) -> dict[str, Any]:
    """A short note to one user (an error, a refusal), its text shown as written."""
    return message(text, [section(escape(text))])


def modal(
    title: str,
    blocks: list[Block],
    *,
    callback_id: str,
    submit: str | None = None,
    close: str = "Close",
    private_metadata: str = "",
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title, VIEW_TITLE),
        "close": plain(close, 24),
        "blocks": blocks,
    }
    if submit:
        view["submit"] = plain(submit, 24)
    if private_metadata:
        view["private_metadata"] = private_metadata
    ensure_view(view)
    return view
