"""Small surfaces: the customer picker's options, a notice modal, the App Home of a stranger."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from bot.views.limits import OPTION_TEXT, OPTION_VALUE, SELECT_OPTIONS, ensure_view, truncate
from bot.views.text import escape


class Choice(Protocol):
    @property
    def customer_id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def in_batch(self) -> bool: ...


def _option(choice: Choice) -> dict[str, Any]:
    return {
        "text": {"type": "plain_text", "text": truncate(choice.name, OPTION_TEXT)},
        "value": str(choice.customer_id)[:OPTION_VALUE],
    }


def build_customer_options(choices: Sequence[Choice]) -> dict[str, Any]:
    """This week's batch as its own group first, then the rest (at most 100 options in all)."""
    capped = list(choices)[:SELECT_OPTIONS]
    batch = [_option(c) for c in capped if c.in_batch]
    rest = [_option(c) for c in capped if not c.in_batch]
    if batch and rest:
        return {
            "option_groups": [
                {"label": {"type": "plain_text", "text": "This week"}, "options": batch},
                {"label": {"type": "plain_text", "text": "All my customers"}, "options": rest},
            ]
        }
    return {"options": batch or rest}


def build_notice_modal(text: str, title: str = "KYC") -> dict[str, Any]:
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": escape(text)[:3000]}}],
    }
    ensure_view(view)
    return view


def build_not_enrolled_home() -> dict[str, Any]:
    view = {
        "type": "home",
        "blocks": [
            {
                "type": "header",
                "text": {"type": "plain_text", "text": "☕ KYC — customers with morning coffee"},
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": (
                        "KYC gives executives five customers a week to call, with a brief for "
                        "each, and routes what they learn to the teams who act on it.\n\n"
                        "You are not on the KYC roster yet. Ask your KYC admin (often the chief of "
                        "staff) to add you — as an executive to get a weekly batch, or as a team "
                        "member to receive action items and kudos."
                    ),
                },
            },
        ],
    }
    ensure_view(view)
    return view
