"""App Home → naming a delegate (executives): a chief of staff picked in Slack, who may log
calls, see the week, and pause the executive (bot/services/delegates.py)."""

from __future__ import annotations

from typing import Any

from bot.ids import Block, View
from bot.views.blocks import context, modal
from bot.views.call_modal import _input
from bot.views.call_submission import Values, user_of
from bot.views.data import DelegateForm


def build_delegate_modal(form: DelegateForm) -> dict[str, Any]:
    picker: dict[str, Any] = {"type": "users_select"}
    if form.current_user:
        picker["initial_user"] = form.current_user
    return modal(
        "Your delegate",
        [
            context(
                "Your delegate (say, your chief of staff) may log calls and voicemails for "
                "you, swap a customer, see your week and numbers, and pause you. What they do "
                "is recorded as by them for you; your numbers stay yours. One at a time."
            ),
            _input(Block.DELEGATE_USER, "Delegate", picker, optional=False),
        ],
        callback_id=View.DELEGATE,
        submit="Save",
    )


def parse_delegate(values: Values) -> tuple[str | None, dict[str, str]]:
    user = user_of(values, Block.DELEGATE_USER)
    if not user:
        return None, {Block.DELEGATE_USER: "Pick someone, or close and use Stop."}
    return user, {}
