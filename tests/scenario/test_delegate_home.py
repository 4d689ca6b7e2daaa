"""A chief of staff works from App Home: the executive names (or stops) their delegate there,
and the delegate's App Home shows the executive's week, each open customer with Log call,
Left voicemail and Swap — recorded by the delegate for the executive, whose numbers they
stay. And the executive's one "Manage a customer…" button."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import select

from bot.ids import Action, Block, View, acting_block
from bot.regimen.types import BatchStatus
from bot.services.morning import run_morning
from storage.models import BatchEntry, Contact, Customer, Person
from tests.scenario.conftest import World
from tests.scenario.forms import click, submitted

HOME = {"id": "V0HOME", "hash": "h1"}


def _said(view: dict[str, Any]) -> str:
    return json.dumps(view, ensure_ascii=False)


async def _home_of(world: World, user: str) -> dict[str, Any]:
    await world.env.requests.event({"type": "app_home_opened", "user": user, "tab": "home"})
    published = world.env.slack.calls_to("views.publish")[-1]
    assert published.params["user_id"] == user
    view: dict[str, Any] = published.params["view"]
    return view


def _opened(world: World) -> dict[str, Any]:
    view: dict[str, Any] = world.env.slack.calls_to("views.open")[-1].params["view"]
    return view


async def _name_lee_on_app_home(world: World) -> None:
    env = world.env
    assert "No delegate" in _said(await _home_of(world, "U0DANA"))
    await env.requests.block_actions("U0DANA", click(Action.SET_DELEGATE), view=HOME)
    modal = _opened(world)
    assert modal["callback_id"] == View.DELEGATE
    answer = await env.requests.view_submission(
        "U0DANA", submitted(modal, **{Block.DELEGATE_USER: "U0LEE"})
    )
    assert answer.status == 200 and not answer.text  # closed
    home = env.slack.calls_to("views.publish")[-1].params
    assert home["user_id"] == "U0DANA" and "Your delegate: <@U0LEE>" in _said(home["view"])


def _on_lee_home(world: World, action: Action, customer_id: int) -> list[dict[str, Any]]:
    return [
        {
            "action_id": action.value,
            "value": str(customer_id),
            "type": "button",
            "block_id": acting_block(world.dana.id, customer_id),
        }
    ]


async def test_the_delegate_acts_for_the_executive_from_app_home(world: World) -> None:
    env = world.env
    await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    await _name_lee_on_app_home(world)
    lee_home = await _home_of(world, "U0LEE")
    shown = _said(lee_home)
    assert "You act for Dana Whitfield" in shown and "0/5 done" in shown
    acme, globex = world.customers[0], world.customers[1]
    buttons = [
        (e["action_id"], b["block_id"])
        for b in lee_home["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert (Action.VOICEMAIL.value, acting_block(world.dana.id, acme.id)) in buttons
    assert (Action.SWAP.value, acting_block(world.dana.id, acme.id)) in buttons

    # Log call: the call modal, for Dana.
    await env.requests.block_actions(
        "U0LEE", _on_lee_home(world, Action.LOG_CALL, acme.id), view=HOME
    )
    assert "Logging for *Dana Whitfield*" in _said(_opened(world))

    # Left voicemail: Dana's, by Lee, once however often clicked; the email opens for Lee.
    for _ in range(2):
        await env.requests.block_actions(
            "U0LEE", _on_lee_home(world, Action.VOICEMAIL, acme.id), view=HOME
        )
    assert _opened(world)["callback_id"] == View.EMAIL
    await env.deliver()
    async with env.db.unit_of_work() as s:
        (call,) = await s.scalars(select(Contact))
        assert (call.executive_id, call.logged_by_id) == (world.dana.id, world.lee.id)
    told = [m["text"] for m in env.slack.messages("D0DANA")]
    assert sum("Lee Park left a voicemail with Acme Corp for you" in t for t in told) == 1

    # Swap: Dana's batch changes; both hear by whom for whom.
    await env.requests.block_actions(
        "U0LEE", _on_lee_home(world, Action.SWAP, globex.id), view=HOME
    )
    swap = _opened(world)
    assert swap["callback_id"] == View.SWAP and "Globex" in _said(swap)
    done = await env.requests.view_submission("U0LEE", submitted(swap, reason="timing"))
    assert done.status == 200 and not done.text
    await env.deliver()
    async with env.db.unit_of_work() as s:
        entry = await s.scalar(select(BatchEntry).where(BatchEntry.customer_id == globex.id))
        assert entry is not None and entry.status == BatchStatus.SWAPPED
        assert entry.executive_id == world.dana.id
    for dm in ("D0DANA", "D0LEE"):
        assert "(by Lee Park for Dana Whitfield)" in env.slack.messages(dm)[-1]["text"]

    # Dana stops her delegate on App Home: Lee's buttons are refused from then on.
    await env.requests.block_actions("U0DANA", click(Action.STOP_DELEGATE), view=HOME)
    assert "No delegate" in _said(env.slack.calls_to("views.publish")[-1].params["view"])
    opened = len(env.slack.calls_to("views.open"))
    await env.requests.block_actions(
        "U0LEE", _on_lee_home(world, Action.VOICEMAIL, world.customers[2].id), view=HOME
    )
    assert len(env.slack.calls_to("views.open")) == opened
    await env.deliver()
    assert "not Dana Whitfield's delegate" in env.slack.messages("D0LEE")[-1]["text"]
    assert "You act for" not in _said(await _home_of(world, "U0LEE"))


async def test_someone_else_cannot_act_for_the_executive_by_a_forged_click(world: World) -> None:
    env = world.env
    await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    await _name_lee_on_app_home(world)
    acme = world.customers[0]
    opened = len(env.slack.calls_to("views.open"))  # Dana's delegate modal
    for action in (Action.VOICEMAIL, Action.SWAP, Action.LOG_CALL):
        await env.requests.block_actions("U0MO", _on_lee_home(world, action, acme.id), view=HOME)
    assert len(env.slack.calls_to("views.open")) == opened
    async with env.db.unit_of_work() as s:
        assert list(await s.scalars(select(Contact))) == []
    await env.deliver()
    refused = [m["text"] for m in env.slack.messages("D0MO")]
    assert len(refused) == 3 and all("not Dana Whitfield's delegate" in t for t in refused)


async def test_manage_a_customer_from_app_home_picks_it_then_pauses_it(world: World) -> None:
    env = world.env
    home = await _home_of(world, "U0DANA")
    assert "Manage a customer…" in _said(home)
    await env.requests.block_actions("U0DANA", click(Action.MANAGE_PICK), view=HOME)
    picker = _opened(world)
    assert picker["callback_id"] == View.MANAGE_PICK
    options = picker["blocks"][0]["element"]["options"]
    assert [o["text"]["text"] for o in options][:2] == ["Acme Corp", "Globex"]
    assert len(options) == 7  # Dana's, not Raj's
    acme = world.customers[0]
    answer = await env.requests.view_submission(
        "U0DANA", submitted(picker, **{Block.PICK: str(acme.id)})
    )
    body = answer.json()
    assert body["response_action"] == "update"
    manage = body["view"]
    assert manage["callback_id"] == View.MANAGE_CUSTOMER and "Acme Corp" in _said(manage)
    done = await env.requests.view_submission(
        "U0DANA", submitted(manage, change="pause", until="2027-01-15")
    )
    assert done.status == 200
    async with env.db.unit_of_work() as s:
        stored = await s.get(Customer, acme.id)
        assert stored is not None and stored.paused_until == date(2027, 1, 15)
    # Someone who is not an executive has no list to manage.
    await env.requests.block_actions("U0MO", click(Action.MANAGE_PICK), view=HOME)
    assert len(env.slack.calls_to("views.open")) == 1
    async with env.db.unit_of_work() as s:
        assert (await s.get(Person, world.mo.id)) is not None


async def test_the_delegate_switches_the_email_client_of_the_email_they_opened_for_dana(
    world: World,
) -> None:
    env = world.env
    await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    await _name_lee_on_app_home(world)
    acme = world.customers[0]
    await env.requests.block_actions(
        "U0LEE", _on_lee_home(world, Action.VOICEMAIL, acme.id), view=HOME
    )
    email = env.slack.calls_to("views.open")[-1].response["view"]
    assert email["callback_id"] == View.EMAIL
    outlook = {
        "action_id": Action.EMAIL_CLIENT.value,
        "type": "static_select",
        "block_id": "client",
        "selected_option": {"value": "outlook"},
    }
    await env.requests.block_actions("U0LEE", [outlook], view=email)
    (updated,) = env.slack.calls_to("views.update")
    first = next(b for b in updated.params["view"]["blocks"] if b["type"] == "actions")
    assert first["elements"][0]["text"]["text"] == "Open in Outlook"
    assert "Dana Whitfield" in _said(updated.params["view"])  # still Dana's email, signed by her
    async with env.db.unit_of_work() as s:
        lee, dana = await s.get(Person, world.lee.id), await s.get(Person, world.dana.id)
        assert lee is not None and dana is not None
        assert (lee.email_client, dana.email_client) == ("outlook", None)  # Lee's mail app
        assert len(list(await s.scalars(select(Contact)))) == 1  # the switch logged nothing

    # Once Dana stops her delegate, Lee's switch on the same modal is refused.
    await env.requests.block_actions("U0DANA", click(Action.STOP_DELEGATE), view=HOME)
    await env.requests.block_actions("U0LEE", [outlook], view=email)
    assert len(env.slack.calls_to("views.update")) == 1
    await env.deliver()
    assert "not Dana Whitfield's delegate" in env.slack.messages("D0LEE")[-1]["text"]


async def test_the_delegate_opens_the_brief_of_dana_s_customer_from_app_home(
    world: World,
) -> None:
    env = world.env
    await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    await _name_lee_on_app_home(world)
    acme = world.customers[0]
    lee_home = await _home_of(world, "U0LEE")
    row = next(
        b for b in lee_home["blocks"] if b.get("block_id") == acting_block(world.dana.id, acme.id)
    )
    assert [e["text"]["text"] for e in row["elements"]] == ["Left voicemail", "Brief", "Swap"]

    await env.requests.block_actions("U0LEE", _on_lee_home(world, Action.BRIEF, acme.id), view=HOME)
    brief = _opened(world)
    assert brief["callback_id"] == View.BRIEF and "Acme Corp" in _said(brief)
    # Managing the customer stays Dana's: not offered to Lee.
    assert Action.MANAGE_CUSTOMER.value not in _said(brief)
    async with env.db.unit_of_work() as s:
        assert list(await s.scalars(select(Contact))) == []  # a brief logs nothing

    # Anyone else clicking the same button is refused, and sees no brief.
    opened = len(env.slack.calls_to("views.open"))
    await env.requests.block_actions("U0MO", _on_lee_home(world, Action.BRIEF, acme.id), view=HOME)
    assert len(env.slack.calls_to("views.open")) == opened
    await env.deliver()
    assert "not Dana Whitfield's delegate" in env.slack.messages("D0MO")[-1]["text"]
