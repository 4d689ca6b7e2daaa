"""External selects: the customer picker (this week's batch first, then the whole list)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.ids import Action
from bot.services.batch_actions import customer_choices
from bot.views.notices import build_customer_options
from handlers.common import actor_of, deps_of


def register(app: AsyncApp) -> None:
    app.options(Action.CUSTOMER_SELECT.value)(customer_options)


async def customer_options(ack: Any, body: dict[str, Any], context: Any) -> None:
    typed = str(body.get("value") or "")
    choices = await customer_choices(deps_of(context), actor_of(context), typed)
    await ack(**build_customer_options(choices))
