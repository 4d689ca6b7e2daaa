"""Customers and their contacts, through signed requests: the brief names whom to call and
why; an executive pauses, removes or moves a customer (a move waits for an admin); an admin
enrols an executive; the account team hears of the week's calls and its replies reach the
brief."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import select

from bot.ids import Action, Block, View
from bot.regimen.types import ContactRole, Role
from bot.services.planning import plan_week
from storage.models import BatchEntry, Customer, CustomerContact, Person
from tests.scenario.conftest import World
from tests.scenario.forms import admin, click, submitted

WEEK, NEXT = "2026-W48", "2026-W49"


async def _brief(world: World, customer_id: int) -> dict[str, Any]:
    await world.env.requests.block_actions("U0DANA", click(Action.BRIEF, str(customer_id)))
    view: dict[str, Any] = world.env.slack.calls_to("views.open")[-1].params["view"]
    assert view["callback_id"] == View.BRIEF
    return view


async def _change(world: World, customer_id: int, **fields: Any) -> dict[str, Any]:
    """From the brief: the button pushes the modal; submit it with `fields`."""
    brief = await _brief(world, customer_id)
    await world.env.requests.block_actions(
        "U0DANA",
        click(Action.MANAGE_CUSTOMER, str(customer_id)),
        view={"id": "V_BRIEF", **brief},
    )
    form = world.env.slack.calls_to("views.push")[-1].params["view"]
    answer = await world.env.requests.view_submission("U0DANA", submitted(form, **fields))
    body: dict[str, Any] = answer.json() if answer.text else {}
    return body


async def _customer(world: World, customer_id: int) -> Customer:
    async with world.env.db.unit_of_work() as s:
        found = await s.get(Customer, customer_id)
    assert found is not None
    return found


async def _week(world: World, iso_week: str) -> set[int]:
    await plan_week(
        world.env.db, world.env.settings, world.env.team_id, iso_week, as_of=world.env.clock()
    )
    async with world.env.db.unit_of_work() as s:
        rows = await s.scalars(
            select(BatchEntry.customer_id).where(
                BatchEntry.iso_week == iso_week, BatchEntry.executive_id == world.dana.id
            )
        )
        return set(rows)


async def test_the_brief_names_the_decision_maker_and_says_why(world: World) -> None:
    acme = world.customers[0]
    async with world.env.db.unit_of_work() as s:
        s.add_all(
            [
                CustomerContact(
                    workspace_id=acme.workspace_id,
                    customer_id=acme.id,
                    name="Felix <Haddad>",
                    role=ContactRole.PROCUREMENT,
                    primary=True,
                ),
                CustomerContact(
                    workspace_id=acme.workspace_id,
                    customer_id=acme.id,
                    name="Grace Ito",
                    role=ContactRole.DECISION_MAKER,
                    title="COO",
                    phone="+1 555 2100",
                ),
            ]
        )
    shown = json.dumps(await _brief(world, acme.id), ensure_ascii=False)
    assert "*Call Grace Ito (COO, decision-maker) · +1 555 2100*" in shown
    assert "the decision-maker: they can speak to what the customer needs" in shown


async def test_a_paused_customer_leaves_the_rotation_until_the_day_after(world: World) -> None:
    acme = world.customers[0]
    assert acme.id in await _week(world, WEEK)
    done = await _change(world, acme.id, change="pause", until="2026-12-06")
    assert "paused until Sun 6 Dec 2026" in json.dumps(done, ensure_ascii=False)
    assert (await _customer(world, acme.id)).paused_until == date(2026, 12, 6)
    assert acme.id not in await _week(world, WEEK)  # its planned slot went, topped up
    assert acme.id not in await _week(world, NEXT)
    async with world.env.db.unit_of_work() as s:
        week = list(
            await s.scalars(
                select(BatchEntry).where(
                    BatchEntry.iso_week == WEEK, BatchEntry.executive_id == world.dana.id
                )
            )
        )
    assert len(week) == 5


async def test_a_pause_in_the_past_is_answered_on_its_field(world: World) -> None:
    acme = world.customers[0]
    body = await _change(world, acme.id, change="pause", until="2026-11-01")
    assert body["response_action"] == "errors" and Block.UNTIL in body["errors"]
    assert (await _customer(world, acme.id)).paused_until is None


async def test_a_removed_customer_is_deactivated_not_deleted(world: World) -> None:
    globex = world.customers[1]
    await _week(world, WEEK)
    await _change(world, globex.id, change="remove")
    assert not (await _customer(world, globex.id)).active
    assert globex.id not in await _week(world, WEEK)


async def test_a_move_waits_for_an_admin_and_a_decline_keeps_the_customer(world: World) -> None:
    await admin(world)
    acme = world.customers[0]
    await _change(world, acme.id, change="reassign", new_executive="U0RAJ")
    await world.env.deliver()
    (asked,) = world.env.slack.messages("D0ADA")
    assert "asks to move *Acme Corp* to <@U0RAJ>" in json.dumps(asked["blocks"], ensure_ascii=False)
    assert (await _customer(world, acme.id)).executive_id == world.dana.id  # not yet

    buttons = asked["blocks"][1]["elements"]
    decline = next(b for b in buttons if b["action_id"] == Action.TRANSFER_DECLINE)
    await world.env.requests.block_actions("U0ADA", [{**decline, "block_id": "b"}])
    stays = await _customer(world, acme.id)
    assert (stays.executive_id, stays.transfer_to_id) == (world.dana.id, None)
    await world.env.deliver()
    assert "declined moving *Acme Corp*" in world.env.slack.messages("D0DANA")[-1]["text"]


async def test_a_move_an_admin_accepts_moves_the_customer_once(world: World) -> None:
    await admin(world)
    acme = world.customers[0]
    await _change(world, acme.id, change="reassign", new_executive="U0RAJ")
    await world.env.deliver()
    (asked,) = world.env.slack.messages("D0ADA")
    accept = next(
        b for b in asked["blocks"][1]["elements"] if b["action_id"] == Action.TRANSFER_ACCEPT
    )
    await world.env.requests.block_actions("U0ADA", [{**accept, "block_id": "b"}])
    assert (await _customer(world, acme.id)).executive_id == world.raj.id
    await world.env.requests.block_actions("U0ADA", [{**accept, "block_id": "b"}])  # again
    await world.env.deliver()
    assert "is on your customer list now" in world.env.slack.messages("D0RAJ")[-1]["text"]
    said = [m["text"] for m in world.env.slack.messages("D0ADA")]
    assert any("answered already" in t for t in said)


async def test_an_executive_cannot_move_a_customer_that_is_not_theirs(world: World) -> None:
    async with world.env.db.unit_of_work() as s:
        rajs = await s.scalar(select(Customer).where(Customer.executive_id == world.raj.id))
    assert rajs is not None
    await world.env.requests.block_actions(
        "U0DANA", click(Action.MANAGE_CUSTOMER, str(rajs.id)), channel_id="D0DANA"
    )
    assert world.env.slack.calls_to("views.open") == []


async def test_an_admin_enrols_an_executive_who_gets_a_welcome(world: World) -> None:
    await admin(world)
    world.env.slack.add_user("U0NEW", name="Nia Cole", email="nia@northwind.test")
    await world.env.requests.block_actions("U0ADA", click(Action.ENROL_EXECUTIVE))
    form = world.env.slack.calls_to("views.open")[-1].params["view"]
    answer = await world.env.requests.view_submission("U0ADA", submitted(form, enrol_user="U0NEW"))
    assert "is an executive now" in json.dumps(answer.json(), ensure_ascii=False)
    async with world.env.db.unit_of_work() as s:
        nia = await s.scalar(select(Person).where(Person.slack_user_id == "U0NEW"))
    assert nia is not None and nia.role == Role.EXECUTIVE
    await world.env.deliver()
    assert "Welcome to KYC" in world.env.slack.messages("D0NEW")[-1]["text"]


async def test_a_member_cannot_enrol_anyone(world: World) -> None:
    await world.env.requests.block_actions("U0MO", click(Action.ENROL_EXECUTIVE))
    assert world.env.slack.calls_to("views.open") == []


async def test_the_account_team_hears_once_a_week_and_its_reply_reaches_the_brief(
    world: World,
) -> None:
    planned = await _week(world, WEEK)
    await _week(world, WEEK)  # planned again: no second heads-up
    await world.env.deliver()
    (heads_up,) = world.env.slack.messages("C0CS")
    text = json.dumps(heads_up["blocks"], ensure_ascii=False)
    assert "Dana Whitfield will call" in text and "anything Dana should know?" in text
    acme = world.customers[0]
    assert acme.id in planned and "*Acme Corp*" in text

    await world.env.requests.event(
        {
            "type": "message",
            "channel": "C0CS",
            "channel_type": "channel",
            "user": "U0MO",
            "text": "Acme Corp's renewal is <at risk> — their CFO left",
            "ts": "1790000000.000200",
            "thread_ts": heads_up["ts"],
        }
    )
    shown = json.dumps(await _brief(world, acme.id), ensure_ascii=False)
    assert "From the account team" in shown
    assert "renewal is &lt;at risk&gt;" in shown
    other = json.dumps(await _brief(world, world.customers[1].id), ensure_ascii=False)
    assert "From the account team" not in other  # the reply named Acme only
