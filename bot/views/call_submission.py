"""Reading the call modal back: typed values, or an error on each field that needs one."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.ids import Action, Block, numbered, theme_block
from bot.regimen.themes import read_theme_value
from bot.regimen.types import TOUCHPOINTS, Channel, Outcome, Sentiment
from bot.views.call_modal import (
    INSIGHT_FIELDS,
    ITEM_TEXT,
    KUDOS_TEXT,
    LONG_TEXT,
    MAX_ITEMS,
    MAX_KUDOS,
)
from bot.views.data import CallSubmission, InsightInput, ItemInput, KudosInput

Values = dict[str, dict[str, Any]]


def _el(values: Values, block_id: str) -> dict[str, Any]:
    block = values.get(block_id) or {}
    return next(iter(block.values()), {}) if block else {}


def text_of(values: Values, block_id: str) -> str | None:
    value = _el(values, block_id).get("value")
    return value.strip() or None if isinstance(value, str) else None


def selected(values: Values, block_id: str) -> str | None:
    opt = _el(values, block_id).get("selected_option") or {}
    return opt.get("value")


def user_of(values: Values, block_id: str) -> str | None:
    return _el(values, block_id).get("selected_user") or None


def date_of(values: Values, block_id: str) -> date | None:
    raw = _el(values, block_id).get("selected_date")
    return date.fromisoformat(raw) if raw else None


def checked(values: Values, block_id: str) -> bool:
    return bool(_el(values, block_id).get("selected_options"))


def ticked(values: Values, block_id: str) -> list[str]:
    """The values of the checkboxes ticked (or options of a multi-select chosen)."""
    return [str(o.get("value")) for o in _el(values, block_id).get("selected_options") or []]


def time_of(values: Values, block_id: str) -> str | None:
    """A timepicker's "HH:MM"."""
    return _el(values, block_id).get("selected_time") or None


def users_of(values: Values, block_id: str) -> list[str]:
    return list(_el(values, block_id).get("selected_users") or [])


def conversation_of(values: Values, block_id: str) -> str | None:
    """A conversation picked with a conversations_select or a multi-select of at most one."""
    el = _el(values, block_id)
    picked = el.get("selected_conversations") or [el.get("selected_conversation")]
    return picked[0] or None


# `/kyc done visit Acme`: the first word may name the kind of touchpoint.
KIND_WORDS: dict[str, Channel] = {
    "call": Channel.CALL,
    "visit": Channel.VISIT,
    "office": Channel.OFFICE,
    "lunch": Channel.MEAL,
    "dinner": Channel.MEAL,
    "meal": Channel.MEAL,
    "event": Channel.EVENT,
    "floor": Channel.FLOOR,
    "shift": Channel.FLOOR,
}


def touchpoint_of(typed: str) -> tuple[Channel | None, str]:
    """'visit Acme' -> (VISIT, 'Acme'); 'Acme' -> (None, 'Acme'). A lone kind word is a
    kind with no customer named."""
    first, _, rest = typed.strip().partition(" ")
    kind = KIND_WORDS.get(first.lower())
    return (kind, rest.strip()) if kind else (None, typed.strip())


def _too_long(text: str | None, limit: int) -> str | None:
    if text and len(text) > limit:
        return f"Keep it under {limit:,} characters (this is {len(text):,})."
    return None


def parse_call_submission(
    values: Values, *, today: date
) -> tuple[CallSubmission | None, dict[str, str]]:
    errors: dict[str, str] = {}
    customer = (values.get(Block.CUSTOMER) or {}).get(Action.CUSTOMER_SELECT, {})
    customer_value = (customer.get("selected_option") or {}).get("value")
    if not customer_value or not str(customer_value).isdigit():
        errors[Block.CUSTOMER] = "Pick the customer you spoke with."
    outcome_raw = selected(values, Block.OUTCOME) or Outcome.REACHED.value
    outcome = Outcome(outcome_raw) if outcome_raw in set(Outcome) else Outcome.REACHED
    kind_raw = selected(values, Block.KIND) or Channel.CALL.value
    channel = Channel(kind_raw) if kind_raw in {c.value for c in TOUCHPOINTS} else Channel.CALL
    sentiment_raw = selected(values, Block.SENTIMENT)
    sentiment = Sentiment(sentiment_raw) if sentiment_raw in set(Sentiment) else None
    score = None
    score_raw = _el(values, Block.SCORE).get("value")
    if score_raw not in (None, ""):
        try:
            score = int(str(score_raw))
        except ValueError:
            score = -1
        if not 0 <= score <= 10:
            errors[Block.SCORE] = "A score is a whole number from 0 to 10."
    texts = {
        b: text_of(values, b)
        for b in (
            Block.SUMMARY,
            Block.CRITICISM,
            Block.STRESSED,
            Block.MAKE_GREAT,
            Block.DETAILS,
            Block.IN_THEIR_WORDS,
        )
    }
    for block_id, text in texts.items():
        if problem := _too_long(text, LONG_TEXT):
            errors[block_id] = problem
    # Every kind of touchpoint that reached the customer (a call, a visit, a lunch…) needs
    # what was heard; a decline, a voicemail or a meeting booked does not.
    if outcome == Outcome.REACHED and not texts[Block.SUMMARY]:
        errors[Block.SUMMARY] = (
            "You reached them — a line or two of what you heard, please."
            if channel == Channel.CALL
            else f"{channel.label}: a line or two of what you heard, please."
        )

    insights = parse_insights(values, texts, errors)

    items: list[ItemInput] = []
    for n in range(1, MAX_ITEMS + 1):
        text_id = numbered(Block.ITEM_TEXT, n)
        if text_id not in values:
            continue
        text = text_of(values, text_id)
        owner = user_of(values, numbered(Block.ITEM_OWNER, n))
        due = date_of(values, numbered(Block.ITEM_DUE, n))
        team_raw = selected(values, numbered(Block.ITEM_TEAM, n))
        if not text:
            if owner or due:
                errors[text_id] = "Add what needs doing, or clear the owner and due date."
            continue
        if problem := _too_long(text, ITEM_TEXT):
            errors[text_id] = problem
        if not owner:
            errors[numbered(Block.ITEM_OWNER, n)] = "Who owns this? Pick a colleague."
        if due and due < today:
            errors[numbered(Block.ITEM_DUE, n)] = "That date has passed — pick today or later."
        team_id = int(team_raw) if team_raw and team_raw.isdigit() else None
        items.append(ItemInput(text=text, owner_user_id=owner, team_id=team_id, due_on=due))

    kudos: list[KudosInput] = []
    for n in range(1, MAX_KUDOS + 1):
        to_id, note_id = numbered(Block.KUDOS_TO, n), numbered(Block.KUDOS_NOTE, n)
        if to_id not in values and note_id not in values:
            continue
        to, note = user_of(values, to_id), text_of(values, note_id)
        if to and not note:
            errors[note_id] = "Say what they did — it is what makes kudos land."
        elif note and not to:
            errors[to_id] = "Who gets the kudos?"
        elif to and note:
            if problem := _too_long(note, KUDOS_TEXT):
                errors[note_id] = problem
            kudos.append(KudosInput(to_user_id=to, note=note))

    follow_on = date_of(values, Block.FOLLOW_UP_ON)
    if follow_on and follow_on < today:
        errors[Block.FOLLOW_UP_ON] = "That date has passed — pick today or later."
    if errors:
        return None, errors
    return CallSubmission(
        customer_id=int(str(customer_value)),
        outcome=outcome,
        sentiment=sentiment,
        score=score,
        summary=texts[Block.SUMMARY],
        criticism=texts[Block.CRITICISM],
        stressed_areas=texts[Block.STRESSED],
        make_it_great=texts[Block.MAKE_GREAT],
        details_to_remember=texts[Block.DETAILS],
        items=tuple(items),
        kudos=tuple(kudos),
        follow_up_owner_user_id=user_of(values, Block.FOLLOW_UP_OWNER),
        follow_up_on=follow_on,
        success_story=checked(values, Block.SUCCESS_STORY),
        channel=channel,
        in_their_words=texts[Block.IN_THEIR_WORDS],
        insights=insights,
    ), {}


def parse_insights(
    values: Values, texts: dict[Block, str | None], errors: dict[str, str]
) -> tuple[InsightInput, ...]:
    """Each insight field typed, with its theme; a theme picked for an empty field is an
    error on the theme (say what they said, or clear it)."""
    found: list[InsightInput] = []
    for block, _, _ in INSIGHT_FIELDS:
        text = texts.get(block)
        theme = read_theme_value(selected(values, theme_block(block)))
        if theme and not text:
            errors[theme_block(block)] = "Add what they said, or clear the theme."
            continue
        if text:
            found.append(
                InsightInput(
                    field=block.value,
                    text=text,
                    theme=theme[0] if theme else None,
                    team_id=theme[1] if theme else None,
                )
            )
    return tuple(found)
