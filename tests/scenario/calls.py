"""Building what Slack sends back when a user fills in the call modal."""

from __future__ import annotations

from typing import Any

from bot.ids import Action, Block, View, numbered


def text(value: str | None) -> dict[str, Any]:
    return {Action.INPUT.value: {"type": "plain_text_input", "value": value}}


def choice(value: str | None) -> dict[str, Any]:
    opt = {"value": value} if value else None
    return {Action.INPUT.value: {"type": "static_select", "selected_option": opt}}


def user(uid: str | None) -> dict[str, Any]:
    return {Action.INPUT.value: {"type": "users_select", "selected_user": uid}}


def day(iso: str | None) -> dict[str, Any]:
    return {Action.INPUT.value: {"type": "datepicker", "selected_date": iso}}


def call_values(
    customer_id: int | None,
    *,
    outcome: str = "reached",
    sentiment: str | None = "satisfied",
    summary: str | None = "Happy with the rollout; export is slow.",
    items: list[tuple[str | None, str | None, str | None]] = (),  # type: ignore[assignment]
    kudos: list[tuple[str | None, str | None]] = (),  # type: ignore[assignment]
    **extra: dict[str, Any],
) -> dict[str, Any]:
    values: dict[str, Any] = {
        Block.CUSTOMER.value: {
            Action.CUSTOMER_SELECT.value: {
                "type": "external_select",
                "selected_option": {"value": str(customer_id)} if customer_id else None,
            }
        },
        Block.OUTCOME.value: choice(outcome),
        Block.SENTIMENT.value: choice(sentiment),
        Block.SUMMARY.value: text(summary),
    }
    for n, (what, owner, due) in enumerate(items or [(None, None, None)], 1):
        values[numbered(Block.ITEM_TEXT, n)] = text(what)
        values[numbered(Block.ITEM_OWNER, n)] = user(owner)
        values[numbered(Block.ITEM_DUE, n)] = day(due)
    for n, (to, note) in enumerate(kudos or [(None, None)], 1):
        values[numbered(Block.KUDOS_TO, n)] = user(to)
        values[numbered(Block.KUDOS_NOTE, n)] = text(note)
    values.update(extra)
    return values


def call_view(values: dict[str, Any], view_id: str = "V_CALL_1") -> dict[str, Any]:
    return {
        "id": view_id,
        "callback_id": View.CALL.value,
        "hash": "1",
        "private_metadata": "",
        "state": {"values": values},
    }
