"""External selects: the customer picker (this week's batch first, then the whole list), and
the admins' roster pickers."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.ids import Action
from bot.services import roster_admin
from bot.services.batch_actions import customer_choices
from bot.views.notices import build_customer_options
from bot.views.roster_modals import build_roster_options
from handlers.common import actor_of, deps_of, read_meta


def register(app: AsyncApp) -> None:
    app.options(Action.CUSTOMER_SELECT.value)(customer_options)
    for action in ROSTER:
        app.options(action.value)(roster_options)


ROSTER = {
    Action.PICK_PERSON: "people",
    Action.PICK_TEAM: "teams",
    Action.PICK_CUSTOMER: "customers",
}


async def customer_options(ack: Any, body: dict[str, Any], context: Any) -> None:
    typed = str(body.get("value") or "")
    for_id = read_meta(body.get("view") or {}).get("f")  # a delegate's call modal
    choices = await customer_choices(
        deps_of(context), actor_of(context), typed, for_id=int(for_id) if for_id else None
    )
    await ack(**build_customer_options(choices))


async def roster_options(ack: Any, body: dict[str, Any], context: Any) -> None:
    kind = ROSTER[Action(body["action_id"])]
    work = roster_admin.choices(
        deps_of(context),
        actor_of(context),
        kind,
        str(body.get("value") or ""),
        executives=body.get("block_id") == "executive",  # a customer's executive
    )
    await ack(**build_roster_options(await work))
