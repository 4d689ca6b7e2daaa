"""Filling in a modal the app opened, as Slack sends it back: each input's initial value as
its state, with some fields changed (the scenario tests and `kyc demo` fill forms alike)."""

from __future__ import annotations

import copy
from typing import Any

# element type -> (the initial value's key, the state's key, empty)
STATE: dict[str, tuple[str, str, Any]] = {
    "plain_text_input": ("initial_value", "value", None),
    "number_input": ("initial_value", "value", None),
    "timepicker": ("initial_time", "selected_time", None),
    "datepicker": ("initial_date", "selected_date", None),
    "checkboxes": ("initial_options", "selected_options", []),
    "static_select": ("initial_option", "selected_option", None),
    "multi_static_select": ("initial_options", "selected_options", []),
    "radio_buttons": ("initial_option", "selected_option", None),
    "external_select": ("initial_option", "selected_option", None),
    "users_select": ("initial_user", "selected_user", None),
    "multi_users_select": ("initial_users", "selected_users", []),
    "conversations_select": ("initial_conversation", "selected_conversation", None),
    "multi_conversations_select": ("initial_conversations", "selected_conversations", []),
}


def filled(view: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """`state.values` of `view` submitted as it was opened, but for `changes`: block id ->
    the new value (a text, a list of ids or option values, a time, an option value)."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block.get("type") != "input":
            continue
        el = block["element"]
        initial_key, state_key, empty = STATE[el["type"]]
        value = copy.deepcopy(el.get(initial_key, empty))
        if block["block_id"] in changes:
            value = _as_state(el, changes[block["block_id"]])
        values[block["block_id"]] = {el["action_id"]: {"type": el["type"], state_key: value}}
    unknown = set(changes) - set(values)
    if unknown:
        raise ValueError(f"the modal has no {sorted(unknown)}")
    return values


def _as_state(el: dict[str, Any], value: Any) -> Any:
    if el["type"] in ("checkboxes", "multi_static_select"):
        return [o for o in el["options"] if o["value"] in value]
    if el["type"] in ("static_select", "external_select", "radio_buttons"):
        return {"value": value, "text": {"type": "plain_text", "text": value}} if value else None
    return value


def submitted(view: dict[str, Any], view_id: str = "V_FORM", **changes: Any) -> dict[str, Any]:
    """The view_submission's `view` for `view` filled in with `changes`."""
    return {
        "id": view_id,
        "callback_id": view["callback_id"],
        "private_metadata": view.get("private_metadata", ""),
        "state": {"values": filled(view, **changes)},
    }
