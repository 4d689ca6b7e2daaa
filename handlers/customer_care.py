"""A customer removed, paused or moved (from the brief), an admin's answer to a move, and an
admin enrolling an executive (App Home): parse, one use case, answer."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.ids import Action, Block, View
from bot.services import calling, customer_care
from bot.services.identity import require_admin
from bot.views.customer_care import (
    build_enrol_modal,
    build_manage_customer_modal,
    build_manage_pick_modal,
    parse_enrol,
    parse_manage_customer,
    parse_manage_pick,
)
from bot.views.notices import build_notice_modal
from handlers.common import (
    actor_of,
    after_click,
    answer_submission,
    clicked_id,
    deps_of,
    open_after,
    read_meta,
    request_key,
    show_modal,
    tell,
)


def register(app: AsyncApp) -> None:
    app.action(Action.MANAGE_CUSTOMER.value)(manage_clicked)
    app.action(Action.MANAGE_PICK.value)(manage_pick_clicked)
    app.view(View.MANAGE_PICK.value)(manage_picked)
    app.action(Action.TRANSFER_ACCEPT.value)(transfer_answered)
    app.action(Action.TRANSFER_DECLINE.value)(transfer_answered)
    app.action(Action.ENROL_EXECUTIVE.value)(enrol_clicked)
    app.view(View.MANAGE_CUSTOMER.value)(manage_submitted)
    app.view(View.ENROL.value)(enrol_submitted)


async def manage_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    """From the brief modal (pushed over it) or App Home (opened)."""
    await ack()
    value = clicked_id(body)
    if value is None:
        return
    work = customer_care.manage_form(deps_of(context), actor_of(context), value)
    name = await after_click(context, body, work)
    if name is None:
        return
    view = build_manage_customer_modal(name, json.dumps({"c": value}))
    await show_modal(client, body, view)


async def manage_pick_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    """App Home's one "Manage a customer…" (a button a row would not fit 100 blocks)."""
    await ack()
    work = customer_care.customers_to_manage(deps_of(context), actor_of(context))
    await open_after(client, context, body, work, build_manage_pick_modal)


async def manage_picked(ack: Any, view: dict[str, Any], context: Any) -> None:
    """The picker becomes the customer's manage modal."""
    customer_id = parse_manage_pick(view["state"]["values"])
    if customer_id is None:
        await ack(response_action="errors", errors={Block.PICK: "Pick a customer."})
        return
    work = customer_care.manage_form(deps_of(context), actor_of(context), customer_id)
    meta = json.dumps({"c": customer_id})
    show = lambda name: build_manage_customer_modal(name, meta)  # noqa: E731
    await answer_submission(ack, work, field=Block.PICK, show=show)


async def manage_submitted(ack: Any, view: dict[str, Any], context: Any) -> None:
    deps, person = deps_of(context), actor_of(context)
    today = await calling.local_today(deps, person)
    change, errors = parse_manage_customer(view["state"]["values"], today=today)
    if errors or change is None:
        await ack(response_action="errors", errors=errors)
        return
    customer_id = int(read_meta(view).get("c") or 0)
    work = customer_care.change_customer(
        deps, person, customer_id, change, request_key=request_key(view)
    )
    await answer_submission(ack, work, field="change", show=build_notice_modal)


async def transfer_answered(ack: Any, body: dict[str, Any], context: Any) -> None:
    await ack()
    action = body["actions"][0]
    customer, _, to = str(action.get("value") or "").partition(":")
    if not (customer.isdigit() and to.isdigit()):
        return
    work = customer_care.answer_transfer(
        deps_of(context),
        actor_of(context),
        int(customer),
        int(to),
        accept=action["action_id"] == Action.TRANSFER_ACCEPT.value,
        click=str(action.get("action_ts") or ""),
    )
    told = await after_click(context, body, work)
    if told is not None:
        await tell(context, body, told)


async def enrol_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    await ack()
    person = await after_click(context, body, _admin(actor_of(context)))
    if person is not None:
        await client.views_open(trigger_id=body["trigger_id"], view=build_enrol_modal())


async def _admin(person: Any) -> Any:
    return require_admin(person)


async def enrol_submitted(ack: Any, view: dict[str, Any], context: Any) -> None:
    user, errors = parse_enrol(view["state"]["values"])
    if errors or user is None:
        await ack(response_action="errors", errors=errors)
        return
    work = customer_care.enrol_executive(deps_of(context), actor_of(context), user)
    await answer_submission(ack, work, field="enrol_user", show=build_notice_modal)
