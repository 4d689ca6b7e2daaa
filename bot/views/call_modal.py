"""The call modal (`/kyc done`, Log call): what it shows, and reading back what was typed."""

from __future__ import annotations

from typing import Any

from bot.ids import Action, Block, View, numbered, theme_block
from bot.regimen.themes import BUILT_IN
from bot.regimen.types import TOUCHPOINTS, Channel, Outcome, Sentiment
from bot.views.blocks import actions, button, context, header, modal, plain
from bot.views.data import CallForm, Option
from bot.views.text import escape

MAX_ITEMS = 10
MAX_KUDOS = 5
LONG_TEXT = 3000
ITEM_TEXT = 1000
KUDOS_TEXT = 1000


def option(value: str, label: str) -> dict[str, Any]:
    return {"text": plain(label[:75]), "value": value}


def _input(
    block_id: str,
    label: str,
    element: dict[str, Any],
    *,
    optional: bool = True,
    hint: str | None = None,
) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "element": {"action_id": Action.INPUT.value, **element},
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint)
    return block


def text_input(
    block_id: str,
    label: str,
    *,
    multiline: bool = True,
    max_length: int = LONG_TEXT,
    placeholder: str | None = None,
    optional: bool = True,
    initial: str | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "multiline": multiline,
        "max_length": max_length,
    }
    if placeholder:
        element["placeholder"] = plain(placeholder)
    if initial:
        element["initial_value"] = initial[:max_length]
    return _input(block_id, label, element, optional=optional)


def customer_input(preset: Option | None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "external_select",
        "action_id": Action.CUSTOMER_SELECT.value,
        "min_query_length": 0,
        "placeholder": plain("This week's customers first — type to search"),
    }
    if preset:
        element["initial_option"] = option(preset.value, preset.label)
    return {
        "type": "input",
        "block_id": Block.CUSTOMER,
        "label": plain("Customer"),
        "element": element,
    }


def _static(options: list[tuple[str, str]], initial: str | None = None) -> dict[str, Any]:
    el: dict[str, Any] = {
        "type": "static_select",
        "options": [option(v, label) for v, label in options],
    }
    if initial:
        el["initial_option"] = option(initial, dict(options)[initial])
    return el


def kind_input(kind: Channel) -> dict[str, Any]:
    """Which kind of touchpoint: call (the default), visit, customer at our office, …"""
    initial = kind if kind in TOUCHPOINTS else Channel.CALL
    return _input(
        Block.KIND,
        "Kind of touchpoint",
        _static([(c.value, c.label) for c in TOUCHPOINTS], initial.value),
        optional=False,
    )


# The insight fields: (block, label, placeholder). Each has a theme select beside it.
INSIGHT_FIELDS: tuple[tuple[Block, str, str | None], ...] = (
    (Block.CRITICISM, "Criticism", None),
    (Block.STRESSED, "Stressed areas", "Topics they kept coming back to"),
    (Block.MAKE_GREAT, "What would make it great?", None),
    (
        Block.IN_THEIR_WORDS,
        "In their words",
        "Their own words for their story, their problem, their business",
    ),
)
MAX_THEME_OPTIONS = 100


def insight_blocks(form: CallForm) -> list[dict[str, Any]]:
    """Criticism, stressed areas, what would make it great and the customer's own words, each
    with an optional theme select (product, process, policy, people, the teams' own tags):
    8 blocks."""
    themes = list(form.themes) or [Option(v, label) for v, label in BUILT_IN]
    theme_el = _static([(t.value, t.label) for t in themes[:MAX_THEME_OPTIONS]])
    theme_el["placeholder"] = plain("Theme")
    blocks: list[dict[str, Any]] = []
    for block, label, placeholder in INSIGHT_FIELDS:
        blocks.append(text_input(block, label, placeholder=placeholder))
        blocks.append(_input(theme_block(block), "Theme", dict(theme_el)))
    return blocks


def build_call_modal(form: CallForm) -> dict[str, Any]:
    items = max(1, min(form.item_count, MAX_ITEMS))
    kudos = max(1, min(form.kudos_count, MAX_KUDOS))
    blocks: list[dict[str, Any]] = [
        *(
            [context(f"Logging for *{escape(form.acting_for)}*, as their delegate.")]
            if form.acting_for
            else []
        ),
        customer_input(form.customer),
        kind_input(form.kind),
        _input(
            Block.OUTCOME,
            "Outcome",
            _static([(o.value, o.label) for o in Outcome], Outcome.REACHED.value),
            optional=False,
        ),
        _input(
            Block.SENTIMENT,
            "How did they sound?",
            {"type": "radio_buttons", "options": [option(s.value, s.label) for s in Sentiment]},
        ),
        _input(
            Block.SCORE,
            "Score, 0–10 (optional)",
            {
                "type": "number_input",
                "is_decimal_allowed": False,
                "min_value": "0",
                "max_value": "10",
            },
        ),
        text_input(
            Block.SUMMARY, "Summary", placeholder="What did you hear? (needed when reached)"
        ),
        *insight_blocks(form),
        text_input(
            Block.DETAILS,
            "Details to remember",
            placeholder="The small things: a kid's graduation, a new office…",
        ),
        header("🎉 Kudos"),
    ]
    for n in range(1, kudos + 1):
        blocks.append(
            _input(
                numbered(Block.KUDOS_TO, n),
                f"Colleague {n}" if kudos > 1 else "Colleague",
                {"type": "users_select"},
            )
        )
        blocks.append(
            text_input(
                numbered(Block.KUDOS_NOTE, n),
                "What they did",
                multiline=False,
                max_length=KUDOS_TEXT,
            )
        )
    if kudos < MAX_KUDOS:
        blocks.append(actions(button("Add kudos", Action.ADD_KUDOS), block_id="add_kudos"))
    blocks.append(header("📌 Action items"))
    for n in range(1, items + 1):
        blocks.append(
            text_input(
                numbered(Block.ITEM_TEXT, n),
                f"Action item {n}",
                multiline=False,
                max_length=ITEM_TEXT,
            )
        )
        blocks.append(_input(numbered(Block.ITEM_OWNER, n), "Owner", {"type": "users_select"}))
        if form.teams:
            team_el = _static(
                [(t.value, t.label) for t in form.teams[:100]],
                form.default_team.value if form.default_team else None,
            )
            blocks.append(_input(numbered(Block.ITEM_TEAM, n), "Team", team_el))
        blocks.append(_input(numbered(Block.ITEM_DUE, n), "Due", {"type": "datepicker"}))
    if items < MAX_ITEMS:
        blocks.append(
            actions(button("Add another action item", Action.ADD_ITEM), block_id="add_item")
        )
    blocks += [
        header("Follow-up"),
        _input(Block.FOLLOW_UP_OWNER, "Who follows up", {"type": "users_select"}),
        _input(Block.FOLLOW_UP_ON, "When", {"type": "datepicker"}),
        _input(
            Block.SUCCESS_STORY,
            "Success story",
            {"type": "checkboxes", "options": [option("yes", "Candidate for a success story")]},
        ),
        context(
            "Action items go to the owning team's channel; "
            "kudos to the colleague and their manager."
        ),
    ]
    return modal(
        "Log a touchpoint",
        blocks,
        callback_id=View.CALL,
        submit="Save",
        private_metadata=form.private_metadata,
    )
