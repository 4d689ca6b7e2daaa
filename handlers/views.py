"""Modal submissions: parse (a bad field answers on the field), run one use case, answer."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.ids import Block, View
from bot.services import (
    batch_actions,
    calling,
    items,
    my_settings,
    roster_admin,
    workspace_admin,
)
from bot.views.call_submission import parse_call_submission, selected
from bot.views.commands import parse_add_customer, parse_reactive, parse_reassign, parse_swap
from bot.views.home import build_home
from bot.views.my_settings import parse_my_settings, parse_pause
from bot.views.notices import build_notice_modal
from bot.views.roster_modals import KIND_OF_FORM, build_roster_form, parse_roster_form
from bot.views.settings_modal import parse_settings
from handlers.common import (
    actor_of,
    answer_submission,
    deps_of,
    keep_then_follow,
    read_meta,
    request_key,
)


def register(app: AsyncApp) -> None:
    app.view(View.CALL.value)(call_submitted)
    app.view(View.REACTIVE.value)(reactive_submitted)
    app.view(View.SWAP.value)(swap_submitted)
    app.view(View.REASSIGN.value)(reassign_submitted)
    app.view(View.ADD_CUSTOMER.value)(customer_added)
    app.view(View.SETTINGS.value)(settings_submitted)
    app.view(View.MY_SETTINGS.value)(my_settings_submitted)
    app.view(View.PAUSE.value)(pause_submitted)
    app.view(View.ROSTER_PICK.value)(roster_picked)
    for form in KIND_OF_FORM:
        app.view(form)(roster_saved)


async def call_submitted(ack: Any, view: dict[str, Any], context: Any) -> None:
    deps, person = deps_of(context), actor_of(context)
    today = await calling.local_today(deps, person)
    submission, errors = parse_call_submission(view["state"]["values"], today=today)
    if errors or submission is None:
        await ack(response_action="errors", errors=errors)
        return
    values = view["state"]["values"]
    for_id = read_meta(view).get("f")  # a delegate logging for their executive
    work = calling.submit_call(
        deps,
        person,
        submission,
        values,
        today,
        request_key=request_key(view),
        for_id=int(for_id) if for_id else None,
    )
    await keep_then_follow(ack, context, work, field="customer")


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
    meta = read_meta(view)
    customer_id, for_id = int(meta.get("c") or 0), meta.get("f")  # f: a delegate's, for whom
    work = batch_actions.submit_swap(
        deps_of(context),
        actor_of(context),
        customer_id,
        reason,
        request_key=request_key(view),
        for_id=int(for_id) if for_id else None,
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


async def settings_submitted(
    ack: Any, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    """Saved, the modal closes and the admin's App Home is drawn again from the new settings."""
    chosen, admins, errors = parse_settings(view["state"]["values"])
    if errors:
        await ack(response_action="errors", errors=errors)
        return
    work = workspace_admin.save_settings(deps_of(context), actor_of(context), chosen, admins)
    home = await answer_submission(ack, work, field=None)
    if home is not None:
        await client.views_publish(user_id=body["user"]["id"], view=build_home(home))


async def my_settings_submitted(
    ack: Any, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    """An executive's own regimen: a value that would not do answers on its field; saved,
    their App Home is drawn again."""
    cells = parse_my_settings(view["state"]["values"])
    work = my_settings.save_settings(deps_of(context), actor_of(context), cells)
    home = await answer_submission(ack, work, field=None)
    if home is not None:
        await client.views_publish(user_id=body["user"]["id"], view=build_home(home))


async def pause_submitted(
    ack: Any, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    until, reason, errors = parse_pause(view["state"]["values"])
    if errors or until is None:
        await ack(response_action="errors", errors=errors)
        return
    work = my_settings.pause(deps_of(context), actor_of(context), until, reason)
    home = await answer_submission(ack, work, field=Block.PAUSE_UNTIL)
    if home is not None:
        await client.views_publish(user_id=body["user"]["id"], view=build_home(home))


async def roster_picked(ack: Any, view: dict[str, Any], context: Any) -> None:
    """The picker becomes the chosen row's form (or an empty one, to add)."""
    chosen = selected(view["state"]["values"], Block.PICK)
    kind = str(read_meta(view).get("kind") or "")
    record_id = int(chosen) if chosen and chosen.isdigit() else None
    work = roster_admin.form(deps_of(context), actor_of(context), kind, record_id)
    await answer_submission(ack, work, field=Block.PICK, show=build_roster_form)


async def roster_saved(ack: Any, view: dict[str, Any], context: Any) -> None:
    kind = KIND_OF_FORM[view["callback_id"]]
    record_id = read_meta(view).get("id")
    cells = parse_roster_form(view["state"]["values"])
    work = roster_admin.save(
        deps_of(context),
        actor_of(context),
        kind,
        int(record_id) if record_id else None,
        cells,
    )
    await answer_submission(ack, work, field=None, show=lambda done: build_notice_modal(done))
