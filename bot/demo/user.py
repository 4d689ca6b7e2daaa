"""A person using Slack: each click and each modal filled in arrives at the app as Slack sends it
(signed HTTP through `env.requests`), and the sender then delivers what the app queued."""

from __future__ import annotations

import copy
from typing import Any

from bot.ids import Action
from bot.standin.harness import LocalSlack

HOME = {"id": "V0HOME"}  # a click on App Home comes with the home view

# element type -> (the initial value's key, the state's key, empty)
STATE: dict[str, tuple[str, str, Any]] = {
    "plain_text_input": ("initial_value", "value", None),
    "number_input": ("initial_value", "value", None),
    "timepicker": ("initial_time", "selected_time", None),
    "datepicker": ("initial_date", "selected_date", None),
    "checkboxes": ("initial_options", "selected_options", []),
    "static_select": ("initial_option", "selected_option", None),
    "radio_buttons": ("initial_option", "selected_option", None),
    "external_select": ("initial_option", "selected_option", None),
    "users_select": ("initial_user", "selected_user", None),
    "multi_users_select": ("initial_users", "selected_users", []),
    "conversations_select": ("initial_conversation", "selected_conversation", None),
    "multi_conversations_select": ("initial_conversations", "selected_conversations", []),
}


def filled(view: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The view_submission's `view`: every input as it was opened, but for `changes` (block id
    -> a text, a date, a user id or an option's value)."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block.get("type") != "input":
            continue
        el = block["element"]
        initial_key, state_key, empty = STATE[el["type"]]
        value = copy.deepcopy(el.get(initial_key, empty))
        if block["block_id"] in changes:
            value = changes[block["block_id"]]
            if el["type"] in ("static_select", "external_select", "radio_buttons"):
                value = {"value": value, "text": {"type": "plain_text", "text": value}}
        values[block["block_id"]] = {el["action_id"]: {"type": el["type"], state_key: value}}
    unknown = set(changes) - set(values)
    if unknown:
        raise ValueError(f"the modal has no {sorted(unknown)}")
    return {
        "id": view.get("id", "V0DEMO"),
        "callback_id": view["callback_id"],
        "private_metadata": view.get("private_metadata", ""),
        "state": {"values": values},
    }


class User:
    def __init__(self, env: LocalSlack, user_id: str) -> None:
        self.env, self.id = env, user_id

    async def click(
        self,
        action: Action,
        value: str = "",
        *,
        on: dict[str, Any] | None = None,
        element: dict[str, Any] | None = None,
    ) -> None:
        """A button (or `element`, e.g. a picked date) on message `on`, else on App Home."""
        payload = element or {
            "action_id": action.value,
            "value": value,
            "type": "button",
            "block_id": "b",
        }
        if on is None:
            await self.env.requests.block_actions(self.id, [payload], view=HOME)
        else:
            await self.env.requests.block_actions(
                self.id,
                [payload],
                channel_id=on["channel"],
                message={"ts": on["ts"], "text": ""},
            )
        await self.env.deliver()

    def opened(self) -> dict[str, Any]:
        """The modal the last click opened, as Slack shows it."""
        view: dict[str, Any] = self.env.slack.calls_to("views.open")[-1].response["view"]
        return view

    async def submit(self, view: dict[str, Any], **changes: Any) -> Any:
        answer = await self.env.requests.view_submission(self.id, filled(view, changes))
        await self.env.deliver()
        return answer

    async def command(self, text: str) -> Any:
        answer = await self.env.requests.slash_command(self.id, text)
        await self.env.deliver()
        return answer

    async def opens_home(self) -> dict[str, Any]:
        await self.env.requests.event({"type": "app_home_opened", "user": self.id, "tab": "home"})
        home: dict[str, Any] = self.env.slack.calls_to("views.publish")[-1].params["view"]
        return home

    async def says_in_thread(self, channel: str, thread_ts: str, text: str, ts: str) -> None:
        await self.env.requests.event(
            {
                "type": "message",
                "channel": channel,
                "channel_type": "channel",
                "user": self.id,
                "text": text,
                "ts": ts,
                "thread_ts": thread_ts,
            }
        )


def element_in(digest: dict[str, Any], text: str, action: Action) -> dict[str, Any]:
    """A click on `action` in the digest row of the item `text`, as Slack sends it."""
    blocks = digest["blocks"]
    at = next(i for i, b in enumerate(blocks) if text in b.get("text", {}).get("text", ""))
    row = blocks[at + 1]
    element = next(e for e in row["elements"] if e["action_id"] == action.value)
    return {**element, "block_id": row["block_id"]}


def initial_of(element: dict[str, Any]) -> str:
    for key in ("initial_time", "initial_value", "initial_date"):
        if element.get(key):
            return str(element[key])
    if element.get("initial_option"):
        return str(element["initial_option"]["text"]["text"])
    if element.get("initial_options"):
        return ",".join(o["value"] for o in element["initial_options"])
    return ""
