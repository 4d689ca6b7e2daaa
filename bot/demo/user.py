"""A person using Slack: each click and each modal filled in arrives at the app as Slack sends it
(signed HTTP through `env.requests`), and the sender then delivers what the app queued."""

from __future__ import annotations

from typing import Any

from bot.ids import Action
from bot.standin.forms import submitted
from bot.standin.harness import LocalSlack

HOME = {"id": "V0HOME"}  # a click on App Home comes with the home view


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
        answer = await self.env.requests.view_submission(
            self.id, submitted(view, view.get("id", "V0DEMO"), **changes)
        )
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
