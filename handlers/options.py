"""External selects: the customer picker (this week's batch first, then the whole list)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.ids import Action
from bot.services import executive as exec_service
from bot.services.identity import is_executive
from bot.views.notices import build_customer_options
from handlers.common import actor_of, deps_of


def register(app: AsyncApp) -> None:
    app.options(Action.CUSTOMER_SELECT.value)(customer_options)


async def customer_options(ack: Any, body: dict[str, Any], context: Any) -> None:
    person = actor_of(context)
    if not is_executive(person):
        await ack(options=[])
        return
    assert person is not None
    deps = deps_of(context)
    async with deps.db.unit_of_work() as session:
        choices = await exec_service.search_customers(
            session, deps.settings, person, str(body.get("value") or ""), now=deps.now()
        )
    await ack(**build_customer_options(choices))
