"""Buttons: on the morning nudge, App Home, the call modal and action-item threads. Each is
acknowledged at once, runs one use case, then opens or updates what it shows."""

from __future__ import annotations

import json
import re
from datetime import date
from functools import partial
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.ids import Action, Block, executive_of, number_of
from bot.regimen.types import Channel
from bot.services import (
    batch_actions,
    calling,
    followup,
    items,
    key_customers,
    my_settings,
    recoveries,
    roster_admin,
    workspace_admin,
)
from bot.services.identity import require_executive
from bot.views.brief_modal import build_brief_modal
from bot.views.call_modal import build_call_modal
from bot.views.call_submission import selected
from bot.views.commands import build_add_customer_modal, build_reassign_modal, build_swap_modal
from bot.views.email_modal import build_email_modal
from bot.views.home import build_home
from bot.views.my_settings import build_my_settings_modal, build_pause_modal
from bot.views.recovery import owned_note
from bot.views.reminders import due_moved_note, snoozed_note
from bot.views.roster_modals import build_roster_picker
from bot.views.settings_modal import build_settings_modal
from handlers import (
    customer_care,
    delegates,
    floor,
    history,
    holidays,
    matchmaking,
    meetings,
    themes,
)
from handlers.common import (
    actor_of,
    after_click,
    click_id,
    clicked_id,
    deps_of,
    open_after,
    read_meta,
    tell,
)


def register(app: AsyncApp) -> None:
    app.action(Action.LOG_CALL.value)(log_call_clicked)
    app.action(Action.OPEN_CALL.value)(log_call_clicked)
    app.action(Action.VOICEMAIL.value)(voicemail_clicked)
    app.action(Action.BRIEF.value)(brief_clicked)
    app.action(Action.EMAIL_RECAP.value)(recap_clicked)
    app.action(Action.EMAIL_CLIENT.value)(email_client_chosen)
    app.action(re.compile(f"^({Action.COMPOSE}_.+|{Action.ICS})$"))(link_clicked)
    app.action(Action.SWAP.value)(swap_clicked)
    app.action(Action.ADD_ITEM.value)(grow_call_modal)
    app.action(Action.ADD_KUDOS.value)(grow_call_modal)
    app.action(Action.ITEM_DONE.value)(item_done_clicked)
    app.action(Action.ITEM_REASSIGN.value)(reassign_clicked)
    app.action(Action.ITEM_SNOOZE.value)(snooze_clicked)
    app.action(Action.ITEM_DUE_ON.value)(due_date_picked)
    app.action(Action.ADD_CUSTOMER.value)(add_customer_clicked)
    app.action(Action.ADMIN_SETTINGS.value)(settings_clicked)
    app.action(Action.MY_SETTINGS.value)(my_settings_clicked)
    app.action(Action.PAUSE.value)(pause_clicked)
    app.action(Action.RESUME.value)(resume_clicked)
    app.action(Action.NUDGE_LATER.value)(later_picked)
    app.action(Action.NUDGE_SKIP.value)(skip_clicked)
    app.action(Action.TOGGLE_KEY.value)(key_toggled)
    app.action(Action.TAKE_OWNERSHIP.value)(ownership_taken)
    for action in ROSTER:
        app.action(action.value)(roster_clicked)
    customer_care.register(app)  # a customer removed, paused or moved; an executive enrolled
    holidays.register(app)  # the admins' company holidays
    delegates.register(app)  # an executive's delegate, named on App Home
    meetings.register(app)  # a team's formal customer meeting, requested and recorded
    history.register(app)  # a customer's history: the brief's History button, Older / Newer
    floor.register(app)  # back to the floor: commitments, proposals, after-shift reports
    themes.register(app)  # recurring customer themes: action point, dismissal, done
    matchmaking.register(app)  # people who do not face customers meet one


ROSTER = {
    Action.ADMIN_PEOPLE: "people",
    Action.ADMIN_TEAMS: "teams",
    Action.ADMIN_CUSTOMERS: "customers",
}


def _for_id(body: dict[str, Any]) -> int | None:
    """The executive a delegate clicked for (their App Home's block); None: the actor's own."""
    return executive_of(str(body["actions"][0].get("block_id") or ""))


async def log_call_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    await ack()
    work = calling.form_for_call(
        deps_of(context), actor_of(context), clicked_id(body), for_id=_for_id(body)
    )
    await open_after(client, context, body, work, build_call_modal)


async def voicemail_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    """One click logs the attempt, then shows the follow-up email ready to copy."""
    await ack()
    customer_id = clicked_id(body)
    if customer_id is None:
        return
    # One voicemail per button: a second click on the same nudge (or App Home) logs nothing.
    container = body.get("container") or {}
    # On App Home, the view as drawn (its hash changes with each publish): a click on next
    # week's App Home is another voicemail.
    view = body.get("view") or {}
    drawn = f"{container.get('view_id')}:{view.get('hash', '')}" if container.get("view_id") else ""
    where = container.get("message_ts") or drawn or click_id(body)
    work = followup.after_voicemail(
        deps_of(context),
        actor_of(context),
        customer_id,
        request_key=f"voicemail:{customer_id}:{where}",
        for_id=_for_id(body),
    )
    await open_after(client, context, body, work, build_email_modal)


async def recap_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    """The confirmation DM of a reached call: the recap email to the customer (of a declined
    one: the short note)."""
    await ack()
    contact_id = clicked_id(body)
    if contact_id is None:
        return
    work = followup.recap(deps_of(context), actor_of(context), contact_id)
    await open_after(client, context, body, work, build_email_modal)


async def email_client_chosen(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    """The email modal's client select: remembered, and the links redrawn for it."""
    await ack()
    view = body.get("view") or {}
    meta = read_meta(view)
    chosen = (body["actions"][0].get("selected_option") or {}).get("value")
    ref = meta.get("id")
    if not view or not chosen or not isinstance(ref, int):
        return
    kind = str(meta.get("k") or "")
    for_id = meta.get("f") if isinstance(meta.get("f"), int) else None
    work = followup.choose_client(
        deps_of(context), actor_of(context), str(chosen), kind, ref, for_id=for_id
    )
    screen = await after_click(context, body, work)
    if screen is not None:
        await client.views_update(
            view_id=view["id"], hash=view.get("hash"), view=build_email_modal(screen)
        )


async def link_clicked(ack: Any) -> None:
    """A link button opens its URL in the browser; Slack still tells the app, which acks."""
    await ack()


async def brief_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    await ack()
    customer_id = clicked_id(body)
    if customer_id is None:
        return
    for_id = _for_id(body)
    work = calling.brief(deps_of(context), actor_of(context), customer_id, for_id=for_id)
    await open_after(client, context, body, work, partial(build_brief_modal, own=for_id is None))


async def swap_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    await ack()
    customer_id = clicked_id(body)
    if customer_id is None:
        return
    for_id = _for_id(body)
    work = batch_actions.swap_form(deps_of(context), actor_of(context), customer_id, for_id=for_id)
    meta = json.dumps({"c": customer_id, "f": for_id} if for_id else {"c": customer_id})
    await open_after(client, context, body, work, lambda name: build_swap_modal(name, meta))


async def grow_call_modal(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    """'Add another' grows the open modal; Slack keeps what was typed (same block ids)."""
    await ack()
    view = body.get("view") or {}
    if not view:
        return
    meta = read_meta(view)
    n_items, n_kudos = int(meta.get("i") or 1), int(meta.get("k") or 1)
    if body["actions"][0]["action_id"] == Action.ADD_ITEM:
        n_items += 1
    else:
        n_kudos += 1
    customer_id = int(meta["c"]) if meta.get("c") else None
    # The kind shown: the one picked in the modal, else the one the shortcut preset
    # (`/kyc done visit Acme`, kept in private_metadata); a call when neither.
    values = (view.get("state") or {}).get("values") or {}
    kind_raw = selected(values, Block.KIND) or meta.get("t") or Channel.CALL.value
    work = calling.form_for_call(
        deps_of(context),
        actor_of(context),
        customer_id,
        items=n_items,
        kudos=n_kudos,
        for_id=int(meta["f"]) if meta.get("f") else None,  # a delegate's modal stays theirs
        kind=Channel(kind_raw) if kind_raw in set(Channel) else None,
    )
    form = await after_click(context, body, work)
    if form is not None:
        await client.views_update(
            view_id=view["id"], hash=view.get("hash"), view=build_call_modal(form)
        )


async def item_done_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    await ack()
    item_id = clicked_id(body)
    if item_id is not None:
        await after_click(
            context, body, items.close_item(deps_of(context), actor_of(context), item_id)
        )


async def snooze_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    await ack()
    item_id = clicked_id(body)
    if item_id is None:
        return
    work = items.snooze_item(deps_of(context), actor_of(context), item_id)
    snoozed = await after_click(context, body, work)
    if snoozed is not None and snoozed.changed:
        await tell(context, body, snoozed_note(snoozed.text, snoozed.on))


async def due_date_picked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    """The digest's datepicker: its item is its block's (a datepicker has no value)."""
    await ack()
    action = body["actions"][0]
    item_id = number_of(Block.ITEM_ACTIONS, str(action.get("block_id") or ""))
    try:
        picked = date.fromisoformat(str(action.get("selected_date") or ""))
    except ValueError:
        return
    if item_id is None:
        return
    work = items.move_due_date(deps_of(context), actor_of(context), item_id, picked)
    moved = await after_click(context, body, work)
    if moved is not None and moved.changed:
        await tell(context, body, due_moved_note(moved.text, moved.on))


async def reassign_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    await ack()
    item_id = clicked_id(body)
    if item_id is None:
        return
    work = items.reassign_form(deps_of(context), actor_of(context), item_id)
    meta = json.dumps({"item": item_id})
    await open_after(client, context, body, work, lambda card: build_reassign_modal(card, meta))


async def add_customer_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    await ack()
    work = _executive(actor_of(context))
    await open_after(client, context, body, work, lambda _person: build_add_customer_modal())


async def _executive(person: Any) -> Any:
    return require_executive(person, calling.NO_BATCH)


async def settings_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    await ack()
    work = workspace_admin.settings_form(deps_of(context), actor_of(context))
    await open_after(client, context, body, work, build_settings_modal)


async def roster_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    """People, Teams or Customers: a picker to choose whom to edit (or none, to add)."""
    await ack()
    kind = ROSTER[Action(body["actions"][0]["action_id"])]
    work = roster_admin.picker(actor_of(context), kind)
    await open_after(client, context, body, work, build_roster_picker)


async def my_settings_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    await ack()
    work = my_settings.settings_form(deps_of(context), actor_of(context))
    await open_after(client, context, body, work, build_my_settings_modal)


async def pause_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    await ack()
    work = my_settings.pause_form(deps_of(context), actor_of(context))
    await open_after(client, context, body, work, build_pause_modal)


async def resume_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    """Back from a pause: App Home is drawn again without it."""
    await ack()
    home = await after_click(context, body, my_settings.resume(deps_of(context), actor_of(context)))
    if home is not None:
        await client.views_publish(user_id=body["user"]["id"], view=build_home(home))


async def later_picked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    """The nudge's "Later today": its option is the local day and time to nudge again."""
    await ack()
    chosen = (body["actions"][0].get("selected_option") or {}).get("value") or ""
    work = my_settings.later_today(
        deps_of(context), actor_of(context), str(chosen), _message_ts(body)
    )
    await after_click(context, body, work)


async def skip_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    await ack()
    value = str(body["actions"][0].get("value") or "")
    work = my_settings.skip_today(deps_of(context), actor_of(context), value, _message_ts(body))
    await after_click(context, body, work)


def _message_ts(body: dict[str, Any]) -> str | None:
    """The message clicked (the nudge), whose Later / Skip row is redrawn with the answer."""
    ts = (body.get("message") or {}).get("ts") or (body.get("container") or {}).get("message_ts")
    return str(ts) if ts else None


async def key_toggled(ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any) -> None:
    """The brief's "Mark as key customer" / "Not a key customer": the brief redrawn."""
    await ack()
    customer_id = clicked_id(body)
    view = body.get("view") or {}
    if customer_id is None:
        return
    work = key_customers.toggle_key(deps_of(context), actor_of(context), customer_id)
    brief = await after_click(context, body, work)
    if brief is not None and view.get("id"):
        await client.views_update(view_id=view["id"], view=build_brief_modal(brief))


async def ownership_taken(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    """A key customer's complaint: the sponsor's "Take ownership" (once, however many clicks)."""
    await ack()
    contact_id = clicked_id(body)
    if contact_id is None:
        return
    work = recoveries.take_ownership(deps_of(context), actor_of(context), contact_id)
    owned = await after_click(context, body, work)
    if owned is not None:
        note = owned_note(owned.customer_name, owned.already, owned.spoke_this_week)
        await tell(context, body, note)
