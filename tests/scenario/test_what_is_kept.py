"""What a logged call, a reactive contact or a new customer leaves behind, read back: gaps that
mutation testing found (a field dropped, a link not set, a duplicate let through)."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from bot.ids import Action, Block, View
from bot.regimen.types import BatchStatus, ContactKind
from bot.services.morning import run_morning
from storage.models import BatchEntry, Contact, Customer
from tests.scenario.calls import call_values, call_view, choice, text
from tests.scenario.conftest import World


async def _log_acme(world: World, view_id: str = "V_CALL_1", **kw: object) -> None:
    values = call_values(world.customers[0].id, **kw)  # type: ignore[arg-type]
    answer = await world.env.requests.view_submission("U0DANA", call_view(values, view_id))
    assert answer.status == 200 and answer.text == "", answer.text
    await world.env.deliver()


async def test_a_call_keeps_its_details_and_its_batch_entry_points_to_it(world: World) -> None:
    env = world.env
    await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    await env.deliver()
    await _log_acme(world, **{Block.DETAILS.value: text("Daughter starts college in the fall")})
    async with env.db.unit_of_work() as s:
        call = await s.scalar(select(Contact))
        entry = await s.scalar(
            select(BatchEntry).where(BatchEntry.customer_id == world.customers[0].id)
        )
    assert call is not None and call.details_to_remember == "Daughter starts college in the fall"
    assert entry is not None and entry.status == BatchStatus.DONE and entry.contact_id == call.id


async def test_kudos_name_the_executive_who_gave_them(world: World) -> None:
    await _log_acme(world, kudos=[("U0MO", "Great onboarding")])
    env = world.env
    post = next(m for m in env.slack.messages("C0CS") if "Kudos" in (m["text"] or ""))
    assert "from <@U0DANA>" in json.dumps(post["blocks"])
    assert post["text"].startswith("Kudos to Mo Santos from Dana Whitfield")
    (dm,) = [m for m in env.slack.messages("D0MO") if "kudos" in json.dumps(m["blocks"])]
    assert "<@U0DANA> sent you kudos" in json.dumps(dm["blocks"])


async def test_the_same_modal_submitted_twice_logs_one_call_and_confirms_once(
    world: World,
) -> None:
    await _log_acme(world, items=[("Fix the export", "U0MO", None)])
    await _log_acme(world, items=[("Fix the export", "U0MO", None)])  # a resubmission
    env = world.env
    async with env.db.unit_of_work() as s:
        assert await s.scalar(select(func.count()).select_from(Contact)) == 1
    confirmations = [m for m in env.slack.messages("D0DANA") if "Logged your call" in m["text"]]
    assert len(confirmations) == 1
    assert len([m for m in env.slack.messages("C0CS") if m.get("thread_ts")]) == 1  # one item


async def test_a_reactive_contact_keeps_its_summary_and_counts_against_the_executive(
    world: World,
) -> None:
    env = world.env
    values = {
        Block.CUSTOMER.value: {
            Action.CUSTOMER_SELECT.value: {
                "type": "external_select",
                "selected_option": {"value": str(world.customers[0].id)},
            }
        },
        Block.CHANNEL.value: choice("complaint"),
        Block.SUMMARY.value: text("Invoices wrong again"),
    }
    view = {"id": "V_LOG", "callback_id": View.REACTIVE.value, "state": {"values": values}}
    assert (await env.requests.view_submission("U0DANA", view)).status == 200
    async with env.db.unit_of_work() as s:
        (contact,) = list(await s.scalars(select(Contact)))
    assert contact.kind == ContactKind.REACTIVE and contact.summary == "Invoices wrong again"
    assert contact.executive_id == world.dana.id
    stats = (await env.requests.slash_command("U0DANA", "stats")).json()
    assert "*0% proactive* — 0 of 1 customer contact in 30 days" in json.dumps(
        stats["blocks"], ensure_ascii=False
    )


async def test_a_customer_already_on_the_list_is_not_added_again_whatever_its_case(
    world: World,
) -> None:
    env = world.env
    values = {Block.NAME.value: text("ACME CORP")}  # Acme Corp is Dana's already
    view = {"id": "V_ADD", "callback_id": View.ADD_CUSTOMER.value, "state": {"values": values}}
    answer = (await env.requests.view_submission("U0DANA", view)).json()
    assert "already on your list" in json.dumps(answer)
    async with env.db.unit_of_work() as s:
        n = await s.scalar(
            select(func.count())
            .select_from(Customer)
            .where(func.lower(Customer.name) == "acme corp")
        )
    assert n == 1
