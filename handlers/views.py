"""Modal submissions: validate on the field, store durably, then answer Slack."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.ids import View
from bot.regimen.calendar import local_now
from bot.regimen.types import Channel, Sentiment
from bot.services import calls, items, outbox
from bot.services import executive as exec_service
from bot.services.identity import NotAllowed, is_executive
from bot.services.people import regimen_of
from bot.views.call_form import parse_call_submission
from bot.views.commands import (
    build_simple,
    parse_add_customer,
    parse_reactive,
    parse_reassign,
    parse_swap,
)
from bot.views.notices import build_notice_modal
from handlers.common import actor_of, attached, deps_of, read_meta


def register(app: AsyncApp) -> None:
    app.view(View.CALL.value)(call_submitted)
    app.view(View.REACTIVE.value)(reactive_submitted)
    app.view(View.SWAP.value)(swap_submitted)
    app.view(View.REASSIGN.value)(reassign_submitted)
    app.view(View.ADD_CUSTOMER.value)(customer_added)


def _request_key(view: dict[str, Any]) -> str:
    # A view is submitted once; Slack's retries and double submits carry the same view id.
    return f"view:{view['id']}"


async def _refuse(ack: Any, text: str) -> None:
    """A refusal replaces the modal with a notice the user can read and close."""
    await ack(response_action="update", view=build_notice_modal(text))


async def _confirm(session: Any, person: Any, key: str, text: str) -> None:
    if person.slack_user_id:
        await outbox.post(
            session, person.workspace_id, key, person.slack_user_id, build_simple(text)
        )


async def call_submitted(
    ack: Any, body: dict[str, Any], view: dict[str, Any], context: Any
) -> None:
    deps, person = deps_of(context), actor_of(context)
    if not is_executive(person):
        await _refuse(ack, "Only executives on the KYC roster log calls.")
        return
    assert person is not None
    today = local_now(deps.now(), regimen_of(person, deps.settings).tz).date()
    sub, errors = parse_call_submission(view["state"]["values"], today=today)
    if errors or sub is None:
        await ack(response_action="errors", errors=errors)
        return
    try:
        # Stored (with every message it owes) before Slack hears back: nothing is lost.
        async with deps.db.unit_of_work(writes=True) as session:
            me = await attached(session, person)
            logged = await calls.log_call(
                session, deps.settings, me, sub, request_key=_request_key(view), now=deps.now()
            )
            if not logged.duplicate:
                progress = f"{logged.done_this_week}/{logged.quota}"
                parts = [f"Logged your call with {logged.customer_name} ✅ {progress} this week."]
                if logged.item_count:
                    parts.append(f"{logged.item_count} action item(s) posted to the team.")
                if logged.kudos_count:
                    parts.append(f"{logged.kudos_count} kudos on their way 🎉")
                await _confirm(session, me, f"call:{logged.contact_id}:confirm", " ".join(parts))
    except NotAllowed as exc:
        await ack(response_action="errors", errors={"customer": str(exc)})
        return
    await ack()
    deps.wake_sender()


async def reactive_submitted(ack: Any, view: dict[str, Any], context: Any) -> None:
    deps, person = deps_of(context), actor_of(context)
    if not is_executive(person):
        await _refuse(ack, "Only executives on the KYC roster log customer contacts.")
        return
    assert person is not None
    reg = regimen_of(person, deps.settings)
    today = local_now(deps.now(), reg.tz).date()
    fields, errors = parse_reactive(view["state"]["values"], today=today)
    if errors or fields is None:
        await ack(response_action="errors", errors=errors)
        return
    on = fields.get("occurred_on")
    occurred = (
        deps.now()
        if on in (None, today)
        else datetime.combine(on, time(12), reg.tz).astimezone(UTC)
    )
    try:
        async with deps.db.unit_of_work(writes=True) as session:
            me = await attached(session, person)
            contact = await calls.log_reactive(
                session,
                me,
                customer_id=int(fields["customer_id"]),
                channel=Channel(fields["channel"]),
                sentiment=Sentiment(fields["sentiment"]) if fields.get("sentiment") else None,
                summary=fields.get("summary"),
                occurred_at=occurred,
                request_key=_request_key(view),
            )
            await _confirm(
                session,
                me,
                f"reactive:{contact.id}:confirm",
                "Logged ✅ It counts as a reactive contact — the next proactive call "
                "to this customer will come up early in your batch.",
            )
    except NotAllowed as exc:
        await ack(response_action="errors", errors={"customer": str(exc)})
        return
    await ack()
    deps.wake_sender()


async def swap_submitted(ack: Any, view: dict[str, Any], context: Any) -> None:
    deps, person = deps_of(context), actor_of(context)
    reason, errors = parse_swap(view["state"]["values"])
    if errors or reason is None or person is None:
        await ack(response_action="errors", errors=errors or {"reason": "Pick a reason"})
        return
    customer_id = int(read_meta(view).get("c") or 0)
    try:
        async with deps.db.unit_of_work(writes=True) as session:
            me = await attached(session, person)
            out, new = await exec_service.swap(
                session, deps.settings, me, customer_id, reason, now=deps.now()
            )
            text = (
                f"Swapped {out} for *{new}* this week 🔄"
                if new
                else f"Took {out} out of this week's batch; no other customer is left to call."
            )
            await _confirm(session, me, f"swap:{_request_key(view)}", text)
    except NotAllowed as exc:
        await _refuse(ack, str(exc))
        return
    await ack()
    deps.wake_sender()


async def reassign_submitted(ack: Any, view: dict[str, Any], context: Any) -> None:
    deps, person = deps_of(context), actor_of(context)
    new_owner, errors = parse_reassign(view["state"]["values"])
    if errors or new_owner is None or person is None:
        await ack(response_action="errors", errors=errors or {"new_owner": "Pick someone"})
        return
    item_id = int(read_meta(view).get("item") or 0)
    try:
        async with deps.db.unit_of_work(writes=True) as session:
            await items.reassign(
                session, await attached(session, person), item_id, new_owner, now=deps.now()
            )
    except NotAllowed as exc:
        await _refuse(ack, str(exc))
        return
    await ack()
    deps.wake_sender()


async def customer_added(ack: Any, view: dict[str, Any], context: Any) -> None:
    deps, person = deps_of(context), actor_of(context)
    if person is None:
        await _refuse(ack, "You are not on the KYC roster yet — ask your KYC admin to add you.")
        return
    fields, errors = parse_add_customer(view["state"]["values"])
    if errors or fields is None:
        await ack(response_action="errors", errors=errors)
        return
    try:
        async with deps.db.unit_of_work(writes=True) as session:
            me = await attached(session, person)
            customer = await exec_service.add_customer(session, me, fields)
            await _confirm(
                session,
                me,
                f"customer:{customer.id}:added",
                f"Added {customer.name} to your customers ☕ It joins the rotation.",
            )
    except NotAllowed as exc:
        await ack(response_action="errors", errors={"name": str(exc)})
        return
    await ack()
    deps.wake_sender()
