"""A customer removed, paused or moved to another executive (the modal, and the admins' DM
to accept a move); an admin enrolling an executive; the account team's weekly heads-up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.ids import Action, Block, View
from bot.views.blocks import actions, button, context, message, modal, section
from bot.views.call_modal import _input, _static
from bot.views.call_submission import Values, date_of, selected, user_of
from bot.views.limits import OPTION_TEXT, truncate
from bot.views.text import clip, day, escape, mention

CHANGES = [
    ("pause", "Pause it until a date"),
    ("reassign", "Move it to another executive"),
    ("remove", "Remove it from my list"),
]


@dataclass(frozen=True)
class CustomerChange:
    """What the executive asked for one customer."""

    kind: str  # pause | reassign | remove
    until: date | None = None
    to_user: str | None = None


@dataclass(frozen=True)
class TransferRequest:
    """A move an admin is asked to accept."""

    customer_id: int
    customer_name: str
    from_user: str | None
    from_name: str
    to_id: int
    to_user: str | None
    to_name: str


@dataclass(frozen=True)
class HeadsUpLine:
    executive_name: str
    customers: tuple[str, ...]


def build_manage_customer_modal(customer_name: str, private_metadata: str) -> dict[str, Any]:
    return modal(
        "Change this customer",
        [
            section(f"*{clip(customer_name, 200)}*"),
            _input(Block.CHANGE, "What should happen?", _static(CHANGES), optional=False),
            _input(
                Block.UNTIL,
                "Paused until",
                {"type": "datepicker"},
                hint="Back in your rotation the day after.",
            ),
            _input(
                Block.NEW_EXECUTIVE,
                "New executive",
                {"type": "users_select"},
                hint="An admin accepts the move; until then the customer stays yours.",
            ),
            context("Removed customers are kept, deactivated: an admin can bring them back."),
        ],
        callback_id=View.MANAGE_CUSTOMER,
        submit="Save",
        private_metadata=private_metadata,
    )


def build_manage_pick_modal(customers: Sequence[tuple[int, str]]) -> dict[str, Any]:
    """App Home → Manage a customer…: which one (then the modal above, in its place)."""
    if not customers:
        blocks = [section("You have no active customers on your list.")]
        return modal("Manage a customer", blocks, callback_id=View.MANAGE_PICK)
    choices = [(str(cid), truncate(name, OPTION_TEXT)) for cid, name in customers[:100]]
    return modal(
        "Manage a customer",
        [
            _input(Block.PICK, "Customer", _static(choices), optional=False),
            context("Then remove it, pause it until a date, or ask to move it."),
        ],
        callback_id=View.MANAGE_PICK,
        submit="Next",
    )


def parse_manage_pick(values: Values) -> int | None:
    chosen = selected(values, Block.PICK)
    return int(chosen) if chosen and chosen.isdigit() else None


def parse_manage_customer(
    values: Values, *, today: date
) -> tuple[CustomerChange | None, dict[str, str]]:
    kind = selected(values, Block.CHANGE)
    until, to_user = date_of(values, Block.UNTIL), user_of(values, Block.NEW_EXECUTIVE)
    if kind == "pause":
        if until is None:
            return None, {Block.UNTIL: "Pick the day it is paused until."}
        if until < today:
            return None, {Block.UNTIL: "Pick a day from today on."}
        return CustomerChange("pause", until=until), {}
    if kind == "reassign":
        if to_user is None:
            return None, {Block.NEW_EXECUTIVE: "Pick the executive to move it to."}
        return CustomerChange("reassign", to_user=to_user), {}
    if kind == "remove":
        return CustomerChange("remove"), {}
    return None, {Block.CHANGE: "Pick what should happen."}


def build_transfer_request(request: TransferRequest) -> dict[str, Any]:
    who = mention(request.from_user, request.from_name)
    to = mention(request.to_user, request.to_name)
    text = f"{who} asks to move *{escape(request.customer_name)}* to {to}."
    value = f"{request.customer_id}:{request.to_id}"
    return message(
        f"{request.from_name} asks to move {request.customer_name} to {request.to_name}",
        [
            section(f"🔀 {text}"),
            actions(
                button("Accept", Action.TRANSFER_ACCEPT, value, style="primary"),
                button("Decline", Action.TRANSFER_DECLINE, value),
                block_id=f"{Block.TRANSFER.value}_{request.customer_id}",
            ),
            context("Until an admin accepts, the customer stays with its executive."),
        ],
    )


def build_enrol_modal() -> dict[str, Any]:
    return modal(
        "Add an executive",
        [
            _input(Block.ENROL_USER, "Who?", {"type": "users_select"}, optional=False),
            context("They get five customers a week once they have customers, and a welcome DM."),
        ],
        callback_id=View.ENROL,
        submit="Add",
    )


def parse_enrol(values: Values) -> tuple[str | None, dict[str, str]]:
    user = user_of(values, Block.ENROL_USER)
    return (user, {}) if user else (None, {Block.ENROL_USER: "Pick someone in Slack."})


def welcome_text(admin_name: str) -> str:
    return (
        f"👋 Welcome to KYC — {escape(admin_name)} added you as an executive. Each week you get "
        "five of your customers to call, a morning DM with a brief for each, and `/kyc done` "
        "to log a call. Your App Home tab shows your week."
    )


def _names(names: Sequence[str]) -> str:
    shown = [f"*{clip(n, 60)}*" for n in names]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def build_heads_up(lines: Sequence[HeadsUpLine], week_start: date) -> dict[str, Any]:
    """'Dana will call Acme this week — anything Dana should know?', one line an executive."""
    said, plain_lines = [], []
    for line in lines[:20]:
        first = (line.executive_name.split() or ["Your executive"])[0]
        names = line.customers[:15]
        said.append(
            f"☕ {clip(line.executive_name, 80)} will call {_names(names)} this week — "
            f"anything {clip(first, 40)} should know?"
        )
        plain_lines.append(
            f"{line.executive_name} will call {', '.join(names)} this week — "
            f"anything {first} should know?"
        )
    return message(
        plain_lines[0] if len(plain_lines) == 1 else "This week's customer calls",
        [
            *(section(line) for line in said),
            context(
                f"Week of {day(week_start)}. Reply in this thread: your reply goes into the "
                "brief the executive reads before the call."
            ),
        ],
    )
