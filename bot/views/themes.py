"""Recurring themes: the candidate put to a team's lead, the action point and dismissal modals,
the action point in the team's thread, the executives' "tell them what came of it" DM and the
quarterly review reminder."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.ids import Action, Block, View
from bot.regimen.themes import QuarterThemes, quote
from bot.views.blocks import actions, button, context, header, message, modal, section
from bot.views.call_modal import _input, text_input
from bot.views.call_submission import Values, date_of, text_of, user_of
from bot.views.data import Person
from bot.views.items import who
from bot.views.text import clip, day, escape, plural

MAX_QUOTES = 10  # quotes shown with a candidate (the rest are counted)
QUOTE_LENGTH = 200
ACTION_TEXT = 1000
REASON_TEXT = 1000


@dataclass(frozen=True)
class QuoteLine:
    customer: str
    text: str


@dataclass(frozen=True)
class ThemeCard:
    """A candidate as its messages show it. `state`: None while it waits for the lead; else
    what became of it ("Made an action point by …", "Dismissed by …: reason")."""

    candidate_id: int
    theme: str  # its label
    team: str | None
    customers: tuple[str, ...]
    quotes: tuple[QuoteLine, ...]
    state: str | None = None


@dataclass(frozen=True)
class ActionPoint:
    candidate_id: int
    theme: str
    text: str
    owner: Person | None
    due_on: date | None
    done: bool = False
    done_by: Person | None = None


@dataclass(frozen=True)
class ActionInput:
    text: str
    owner_user_id: str
    due_on: date | None


@dataclass(frozen=True)
class TellCustomers:
    theme: str
    action: str
    customers: tuple[str, ...]  # the executive's customers who raised it


@dataclass(frozen=True)
class ReviewLine:
    theme: str
    status: str  # raised | action
    customers: int


@dataclass(frozen=True)
class Review:
    team: str
    quarter: str
    themes: tuple[ReviewLine, ...]


def _names(names: tuple[str, ...], limit: int = 20) -> str:
    shown = ", ".join(f"*{clip(n, 100)}*" for n in names[:limit])
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return shown + more


def quote_lines(quotes: tuple[QuoteLine, ...], limit: int = MAX_QUOTES) -> list[dict[str, Any]]:
    """One section per quote: “what they said” — *Customer*; escaped, cut near 200."""
    blocks = [
        section(f"> “{escape(quote(q.text, QUOTE_LENGTH))}” — *{clip(q.customer, 100)}*")
        for q in quotes[:limit]
    ]
    if len(quotes) > limit:
        blocks.append(context(f"…and {len(quotes) - limit} more."))
    return blocks


def _title(card: ThemeCard) -> str:
    team = f" ({card.team})" if card.team else ""
    return f"{card.theme}{team}"


def build_theme_candidate(card: ThemeCard) -> dict[str, Any]:
    """The lead's DM: the theme, who said it and their words; act on it or dismiss it."""
    blocks: list[dict[str, Any]] = [
        header(f"🔁 A recurring theme: {_title(card)}"[:150]),
        section(
            f"{plural(len(card.customers), 'customer')} raised it in the last 90 days: "
            f"{_names(card.customers)}"
        ),
        *quote_lines(card.quotes),
    ]
    if card.state is None:
        value = str(card.candidate_id)
        blocks.append(
            actions(
                button("Make it an action point", Action.THEME_ACT, value, style="primary"),
                button("Dismiss", Action.THEME_DISMISS, value),
                block_id=f"theme_{card.candidate_id}",
            )
        )
    else:
        blocks.append(context(card.state))
    return message(f"A recurring theme: {_title(card)}"[:300], blocks)


def _meta(candidate_id: int) -> str:
    return json.dumps({"candidate": candidate_id})


def build_theme_act_modal(card: ThemeCard) -> dict[str, Any]:
    text = text_input(
        Block.ACTION_TEXT,
        "The action point",
        multiline=True,
        max_length=ACTION_TEXT,
        optional=False,
    )
    text["element"]["initial_value"] = f"Act on what customers say about {card.theme}"[:ACTION_TEXT]
    return modal(
        "Action point",
        [
            section(f"🔁 *{clip(_title(card), 300)}* — {_names(card.customers, 10)}"),
            text,
            _input(Block.ACTION_OWNER, "Owner", {"type": "users_select"}, optional=False),
            _input(Block.ACTION_DUE, "Due", {"type": "datepicker"}),
            context(
                "Posted to the team's channel as a thread; when it is done, each executive "
                "is asked to tell their customers what came of it."
            ),
        ],
        callback_id=View.THEME_ACT,
        submit="Save",
        private_metadata=_meta(card.candidate_id),
    )


def parse_action(values: Values, *, today: date) -> tuple[ActionInput | None, dict[str, str]]:
    errors: dict[str, str] = {}
    text = text_of(values, Block.ACTION_TEXT)
    owner = user_of(values, Block.ACTION_OWNER)
    due = date_of(values, Block.ACTION_DUE)
    if not text:
        errors[Block.ACTION_TEXT] = "What will be done?"
    elif len(text) > ACTION_TEXT:
        errors[Block.ACTION_TEXT] = f"Keep it under {ACTION_TEXT:,} characters."
    if not owner:
        errors[Block.ACTION_OWNER] = "Who owns it? Pick a colleague."
    if due and due < today:
        errors[Block.ACTION_DUE] = "That date has passed — pick today or later."
    if errors or not text or not owner:
        return None, errors
    return ActionInput(text=text, owner_user_id=owner, due_on=due), {}


def build_theme_dismiss_modal(card: ThemeCard) -> dict[str, Any]:
    return modal(
        "Dismiss a theme",
        [
            section(f"🔁 *{clip(_title(card), 300)}* — {_names(card.customers, 10)}"),
            text_input(Block.REASON, "Why not act on it?", max_length=REASON_TEXT, optional=False),
            context("It is raised again only when three customers bring it up afresh."),
        ],
        callback_id=View.THEME_DISMISS,
        submit="Dismiss",
        private_metadata=_meta(card.candidate_id),
    )


def parse_dismissal(values: Values) -> tuple[str | None, dict[str, str]]:
    reason = text_of(values, Block.REASON)
    if not reason:
        return None, {Block.REASON: "Say why, for whoever asks later."}
    if len(reason) > REASON_TEXT:
        return None, {Block.REASON: f"Keep it under {REASON_TEXT:,} characters."}
    return reason, {}


def build_action_point_parent(card: ThemeCard) -> dict[str, Any]:
    """The thread parent in the team's channel: the theme and the customers behind it."""
    return message(
        f"Action point on a recurring theme: {_title(card)}"[:300],
        [
            section(
                f"🔁 *Action point on a recurring theme: {clip(_title(card), 300)}*\n"
                f"Raised by {_names(card.customers)}"
            ),
            *quote_lines(card.quotes, 5),
        ],
    )


def build_action_point_reply(point: ActionPoint) -> dict[str, Any]:
    block_id = f"theme_action_{point.candidate_id}"
    if point.done:
        text = f"✅ ~{clip(point.text, 1500)}~\nDone by {who(point.done_by or point.owner)}"
        return message(f"Done: {point.text[:200]}", [section(text, block_id=block_id)])
    due = f"due {day(point.due_on)}" if point.due_on else "no due date"
    text = f"📌 *{clip(point.text, 1500)}*\nOwner: {who(point.owner)} · {due}"
    return message(
        f"Action point: {point.text[:200]}",
        [
            section(text, block_id=block_id),
            actions(
                button("Done", Action.THEME_DONE, str(point.candidate_id), style="primary"),
                block_id=f"theme_done_{point.candidate_id}",
            ),
        ],
    )


def build_action_point_done_note(point: ActionPoint) -> dict[str, Any]:
    done_by = point.done_by or point.owner
    text = (
        f"✅ {who(done_by)} marked “{clip(point.text, 500)}” done. Executives are asked "
        "to tell the customers who raised it."
    )
    return message(f"Action point done: {point.text[:200]}", [section(text)])


def build_tell_customers_dm(tell: TellCustomers) -> dict[str, Any]:
    """An executive's DM: their customers who raised the theme, and what came of it."""
    return message(
        f"Tell your customers what came of {tell.theme}"[:300],
        [
            section(
                f"🔁 Customers raised *{clip(tell.theme, 200)}*, and it was acted on:\n"
                f"✅ {clip(tell.action, 1500)}"
            ),
            section(
                f"Tell them what came of it — {_names(tell.customers, 40)} "
                f"raised it with you. Customers make time for people who follow through."
            ),
        ],
    )


STATUS_TEXT = {"raised": "waiting for a decision", "action": "action point open"}


def build_theme_review(review: Review) -> dict[str, Any]:
    lines = "\n".join(
        f"• *{clip(t.theme, 200)}* — {STATUS_TEXT.get(t.status, t.status)}, "
        f"{plural(t.customers, 'customer')}"
        for t in review.themes[:30]
    )
    more = f"\n…and {len(review.themes) - 30} more." if len(review.themes) > 30 else ""
    return message(
        f"{review.quarter}: review {review.team}'s open customer themes"[:300],
        [
            section(
                f"🗓️ *{review.quarter}: time to review {clip(review.team, 200)}'s open customer "
                f"themes.* Act on them, close them, or dismiss them with a reason."
            ),
            section(lines + more if lines else "No open themes."),
        ],
    )


def quarter_line(q: QuarterThemes) -> str:
    """The quarter's recurring themes in one mrkdwn line (digest, `/kyc stats`, App Home)."""
    return f"*Customer themes {q.quarter}:* {q.raised} raised · {q.acted} acted on · {q.done} done"
