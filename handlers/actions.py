"""Buttons: on the morning nudge, App Home, the call modal and action-item threads."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.exc import IntegrityError

from bot.ids import Action
from bot.regimen.brief import build_brief
from bot.services import calls, items
from bot.services.identity import NotAllowed, is_executive
from bot.services.people import executive_profile, regimen_of
from bot.views.brief_modal import build_brief_modal, build_email_modal
from bot.views.call_modal import build_call_modal
from bot.views.commands import build_add_customer_modal, build_reassign_modal, build_swap_modal
from handlers.common import (
    actor_of,
    attached,
    call_form,
    click_id,
    deps_of,
    open_call_modal,
    read_meta,
    tell,
)
from storage import queries
from storage.models import ActionItem, Customer, Person


def register(app: AsyncApp) -> None:
    app.action(Action.LOG_CALL.value)(log_call_clicked)
    app.action(Action.OPEN_CALL.value)(log_call_clicked)
    app.action(Action.VOICEMAIL.value)(voicemail_clicked)
    app.action(Action.BRIEF.value)(brief_clicked)
    app.action(Action.SWAP.value)(swap_clicked)
    app.action(Action.ADD_ITEM.value)(grow_call_modal)
    app.action(Action.ADD_KUDOS.value)(grow_call_modal)
    app.action(Action.ITEM_DONE.value)(item_done_clicked)
    app.action(Action.ITEM_REASSIGN.value)(reassign_clicked)
    app.action(Action.ADD_CUSTOMER.value)(add_customer_clicked)


def _value(body: dict[str, Any]) -> str:
    return str(body["actions"][0].get("value") or "")


def _int_value(body: dict[str, Any]) -> int | None:
    value = _value(body)
    return int(value) if value.isdigit() else None


async def _executive_or_tell(
    client: AsyncWebClient, body: dict[str, Any], context: Any
) -> Person | None:
    person = actor_of(context)
    if not is_executive(person):
        await tell(context, body, "Only executives on the KYC roster have customer batches.")
        return None
    return person


async def log_call_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    await ack()
    person = await _executive_or_tell(client, body, context)
    if person is not None:
        await open_call_modal(
            client, deps_of(context), person, body["trigger_id"], _int_value(body)
        )


async def voicemail_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    """One click logs the attempt, then shows the follow-up email ready to copy."""
    await ack()
    person = await _executive_or_tell(client, body, context)
    customer_id = _int_value(body)
    if person is None or customer_id is None:
        return
    deps = deps_of(context)
    # One voicemail per button: a second click on the same nudge (or App Home) logs nothing.
    container = body.get("container") or {}
    where = container.get("message_ts") or container.get("view_id") or click_id(body)
    key = f"voicemail:{customer_id}:{where}"
    try:
        for attempt in (1, 2):
            try:
                async with deps.db.unit_of_work(writes=True) as session:
                    me = await attached(session, person)
                    await calls.log_voicemail(
                        session, deps.settings, me, customer_id, now=deps.now(), request_key=key
                    )
                    brief = await _brief(session, deps, me, customer_id)
                break
            except IntegrityError:  # the other click of a double click won the race
                if attempt == 2:
                    raise
    except NotAllowed as exc:
        await tell(context, body, str(exc))
        return
    await client.views_open(
        trigger_id=body["trigger_id"],
        view=build_email_modal(brief.followup_email, brief.customer.name),
    )


async def _brief(session: Any, deps: Any, me: Person, customer_id: int) -> Any:
    await calls.own_customer(session, me, customer_id)
    profiles, contacts, open_items = await queries.brief_material(
        session, me.workspace_id, [customer_id]
    )
    reg = regimen_of(me, deps.settings)
    return build_brief(
        customer=profiles[customer_id],
        contacts=contacts.get(customer_id, []),
        open_items=open_items.get(customer_id, []),
        executive=executive_profile(me, reg, deps.settings.kyc_company),
        now=deps.now(),
    )


async def brief_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    await ack()
    person = await _executive_or_tell(client, body, context)
    customer_id = _int_value(body)
    if person is None or customer_id is None:
        return
    deps = deps_of(context)
    try:
        async with deps.db.unit_of_work() as session:
            brief = await _brief(session, deps, await attached(session, person), customer_id)
    except NotAllowed as exc:
        await tell(context, body, str(exc))
        return
    await client.views_open(trigger_id=body["trigger_id"], view=build_brief_modal(brief))


async def swap_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    await ack()
    person = await _executive_or_tell(client, body, context)
    customer_id = _int_value(body)
    if person is None or customer_id is None:
        return
    deps = deps_of(context)
    async with deps.db.unit_of_work() as session:
        customer = await session.get(Customer, customer_id)
    if customer is None or customer.executive_id != person.id:
        await tell(context, body, "That customer is not on your list.")
        return
    meta = f'{{"c": {customer_id}}}'
    await client.views_open(
        trigger_id=body["trigger_id"], view=build_swap_modal(customer.name, meta)
    )


async def grow_call_modal(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    """'Add another' grows the open modal; Slack keeps what was typed (same block ids)."""
    await ack()
    person = actor_of(context)
    view = body.get("view") or {}
    if person is None or not view:
        return
    meta = read_meta(view)
    n_items, n_kudos = int(meta.get("i") or 1), int(meta.get("k") or 1)
    if body["actions"][0]["action_id"] == Action.ADD_ITEM:
        n_items = min(n_items + 1, 10)
    else:
        n_kudos = min(n_kudos + 1, 5)
    deps = deps_of(context)
    async with deps.db.unit_of_work() as session:
        customer = await session.get(Customer, int(meta["c"])) if meta.get("c") else None
    form = await call_form(deps, person, customer, items=n_items, kudos=n_kudos)
    await client.views_update(
        view_id=view["id"], hash=view.get("hash"), view=build_call_modal(form)
    )


async def item_done_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    await ack()
    person, item_id = actor_of(context), _int_value(body)
    if item_id is None:
        return
    if person is None:
        await tell(context, body, "Only people on the KYC roster can close action items.")
        return
    deps = deps_of(context)
    try:
        async with deps.db.unit_of_work() as session:
            await items.mark_done(session, await attached(session, person), item_id, now=deps.now())
    except NotAllowed as exc:
        await tell(context, body, str(exc))
        return
    deps.kick()


async def reassign_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    await ack()
    person, item_id = actor_of(context), _int_value(body)
    if person is None or item_id is None:
        await tell(context, body, "Only people on the KYC roster can reassign action items.")
        return
    deps = deps_of(context)
    async with deps.db.unit_of_work() as session:
        item = await session.get(ActionItem, item_id)
        owner = await session.get(Person, item.owner_id) if item and item.owner_id else None
    if item is None or item.workspace_id != person.workspace_id:
        await tell(context, body, "That action item no longer exists.")
        return
    meta = f'{{"item": {item_id}}}'
    await client.views_open(
        trigger_id=body["trigger_id"], view=build_reassign_modal(calls.card(item, owner), meta)
    )


async def add_customer_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    await ack()
    person = await _executive_or_tell(client, body, context)
    if person is not None:
        await client.views_open(trigger_id=body["trigger_id"], view=build_add_customer_modal())
