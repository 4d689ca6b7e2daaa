"""Modal submissions: parse (a bad field answers on the field), run one use case, answer."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.ids import View
from bot.services import batch_actions, calling, items
from bot.views.call_submission import parse_call_submission
from bot.views.commands import parse_add_customer, parse_reactive, parse_reassign, parse_swap
from handlers.common import actor_of, answer_submission, deps_of, read_meta, request_key


def register(app: AsyncApp) -> None:
    app.view(View.CALL.value)(call_submitted)
    app.view(View.REACTIVE.value)(reactive_submitted)
    app.view(View.SWAP.value)(swap_submitted)
    app.view(View.REASSIGN.value)(reassign_submitted)
    app.view(View.ADD_CUSTOMER.value)(customer_added)


async def call_submitted(ack: Any, view: dict[str, Any], context: Any) -> None:
    deps, person = deps_of(context), actor_of(context)
    today = await calling.local_today(deps, person)
    submission, errors = parse_call_submission(view["state"]["values"], today=today)
    if errors or submission is None:
        await ack(response_action="errors", errors=errors)
        return
    work = calling.submit_call(deps, person, submission, request_key=request_key(view))
    await answer_submission(ack, work, field="customer")


async def reactive_submitted(ack: Any, view: dict[str, Any], context: Any) -> None:
    deps, person = deps_of(context), actor_of(context)
    today = await calling.local_today(deps, person)
    fields, errors = parse_reactive(view["state"]["values"], today=today)
    if errors or fields is None:
        await ack(response_action="errors", errors=errors)
        return
    work = calling.submit_reactive(deps, person, fields, request_key=request_key(view))
    await answer_submission(ack, work, field="customer")


async def swap_submitted(ack: Any, view: dict[str, Any], context: Any) -> None:
    reason, errors = parse_swap(view["state"]["values"])
    if errors or reason is None:
        await ack(response_action="errors", errors=errors or {"reason": "Pick a reason"})
        return
    customer_id = int(read_meta(view).get("c") or 0)
    work = batch_actions.submit_swap(
        deps_of(context), actor_of(context), customer_id, reason, request_key=request_key(view)
    )
    await answer_submission(ack, work, field=None)


async def reassign_submitted(ack: Any, view: dict[str, Any], context: Any) -> None:
    new_owner, errors = parse_reassign(view["state"]["values"])
    if errors or new_owner is None:
        await ack(response_action="errors", errors=errors or {"new_owner": "Pick someone"})
        return
    item_id = int(read_meta(view).get("item") or 0)
    work = items.submit_reassign(deps_of(context), actor_of(context), item_id, new_owner)
    await answer_submission(ack, work, field=None)


async def customer_added(ack: Any, view: dict[str, Any], context: Any) -> None:
    today = await calling.local_today(deps_of(context), actor_of(context))
    fields, errors = parse_add_customer(view["state"]["values"], today=today)
    if errors or fields is None:
        await ack(response_action="errors", errors=errors)
        return
    work = batch_actions.submit_customer(deps_of(context), actor_of(context), fields)
    await answer_submission(ack, work, field="name")
