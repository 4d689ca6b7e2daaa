"""`/kyc done`, the call modal and what a logged call routes, as Slack sends and users see it."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from bot.ids import Action, Block
from bot.regimen.types import BatchStatus, ItemStatus
from bot.services.morning import run_morning
from storage.models import ActionItem, BatchEntry, Contact, Kudos
from tests.scenario.calls import call_values, call_view
from tests.scenario.conftest import World
from tests.slack_spec import needs_spec, spec_problems


async def _count(world: World, model: type) -> int:
    async with world.env.db.unit_of_work() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def test_kyc_done_acme_opens_the_modal_with_acme_preselected(world: World) -> None:
    answer = await world.env.requests.slash_command("U0DANA", "done acme")
    assert answer.status == 200
    (opened,) = world.env.slack.calls_to("views.open")
    assert opened.ok
    customer_block = opened.params["view"]["blocks"][0]
    assert customer_block["element"]["initial_option"]["text"]["text"] == "Acme Corp"


async def test_the_customer_picker_offers_this_weeks_batch_first(world: World) -> None:
    env = world.env
    await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    answer = await env.requests.block_suggestion(
        "U0DANA", Action.CUSTOMER_SELECT, Block.CUSTOMER, ""
    )
    groups = answer.json()["option_groups"]
    assert groups[0]["label"]["text"] == "This week"
    assert [o["text"]["text"] for o in groups[0]["options"]] == [
        "Acme Corp",
        "Globex",
        "Hooli",
        "Initech",
        "Stark Ind",
    ]
    assert {o["text"]["text"] for o in groups[1]["options"]} == {"Umbrella", "Wayne Ent"}
    search = await env.requests.block_suggestion(
        "U0DANA", Action.CUSTOMER_SELECT, Block.CUSTOMER, "wayne"
    )
    assert [o["text"]["text"] for o in search.json()["options"]] == ["Wayne Ent"]


async def _log_acme_with_items_and_kudos(world: World) -> None:
    env = world.env
    await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    await env.deliver()
    values = call_values(
        world.customers[0].id,
        items=[("Fix the slow export", "U0MO", "2026-11-30"), ("Send roadmap", "U0LEE", None)],
        kudos=[("U0MO", "Great onboarding <!channel> & more")],
    )
    answer = await env.requests.view_submission("U0DANA", call_view(values))
    assert answer.status == 200 and answer.text == ""  # the modal closes
    await env.deliver()


async def test_a_logged_call_posts_a_thread_of_items_and_kudos_and_marks_the_batch(
    world: World,
) -> None:
    env = world.env
    acme = world.customers[0]
    await _log_acme_with_items_and_kudos(world)

    thread = env.slack.messages("C0CS")
    parent = thread[0]
    assert "Action items from <@U0DANA>'s call with Acme Corp" in json.dumps(parent["blocks"])
    replies = [m for m in thread if m.get("thread_ts") == parent["ts"]]
    assert [r["text"] for r in replies] == [
        "Action item: Fix the slow export",
        "Action item: Send roadmap",
    ]
    assert "<@U0MO>" in json.dumps(replies[0]["blocks"])
    kudos_post = next(m for m in thread if "Kudos" in (m["text"] or ""))
    shown = json.dumps(kudos_post["blocks"])
    assert "<!channel>" not in shown and "&lt;!channel&gt; &amp; more" in shown
    assert any("sent you kudos" in json.dumps(m["blocks"]) for m in env.slack.messages("D0MO"))
    assert any("your report" in json.dumps(m["blocks"]) for m in env.slack.messages("D0LEE"))
    confirm = env.slack.messages("D0DANA")[-1]
    assert "Logged your call with Acme Corp ✅ 1/5 this week" in confirm["text"]

    async with env.db.unit_of_work() as s:
        entry = await s.scalar(select(BatchEntry).where(BatchEntry.customer_id == acme.id))
        assert entry is not None and entry.status == BatchStatus.DONE
        items = list(await s.scalars(select(ActionItem).order_by(ActionItem.id)))
        assert [i.message_ts for i in items] == [r["ts"] for r in replies]
    assert await _count(world, Kudos) == 1


@needs_spec
async def test_a_logged_calls_web_api_calls_match_slacks_spec(world: World) -> None:
    await _log_acme_with_items_and_kudos(world)
    assert spec_problems(world.env.slack.calls) == []


async def test_field_errors_answer_on_the_field_and_store_nothing(world: World) -> None:
    env = world.env
    acme = world.customers[0]
    values = call_values(acme.id, summary=None, items=[("Fix it", None, "2020-01-01")])
    answer = await env.requests.view_submission("U0DANA", call_view(values))
    body = answer.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"summary", "item_owner_1", "item_due_1"}
    assert await _count(world, Contact) == 0


async def test_oversized_text_is_refused_on_its_field(world: World) -> None:
    values = call_values(world.customers[0].id, summary="x" * 3001)
    body = (await world.env.requests.view_submission("U0DANA", call_view(values))).json()
    assert "3,000" in body["errors"]["summary"]
    assert await _count(world, Contact) == 0


async def test_the_same_submission_three_times_is_one_call_and_one_set_of_messages(
    world: World,
) -> None:
    env = world.env
    values = call_values(world.customers[0].id, items=[("Fix the export", "U0MO", None)])
    for _ in range(3):
        await env.requests.view_submission("U0DANA", call_view(values, "V_SAME"))
    await env.deliver()
    assert await _count(world, Contact) == 1
    assert await _count(world, ActionItem) == 1
    assert len(env.slack.messages("C0CS")) == 2  # parent + one reply


async def test_done_on_every_item_updates_the_thread_and_closes_the_loop(world: World) -> None:
    env = world.env
    values = call_values(
        world.customers[0].id,
        items=[("Fix the export", "U0MO", None), ("Send roadmap", "U0MO", None)],
    )
    await env.requests.view_submission("U0DANA", call_view(values))
    await env.deliver()
    async with env.db.unit_of_work() as s:
        items = list(await s.scalars(select(ActionItem).order_by(ActionItem.id)))
    for item in items * 3:  # the same click delivered three times changes nothing
        await env.requests.block_actions(
            "U0MO",
            [
                {
                    "action_id": Action.ITEM_DONE.value,
                    "value": str(item.id),
                    "type": "button",
                    "block_id": "b",
                }
            ],
            channel_id="C0CS",
        )
    await env.deliver()
    updates = env.slack.calls_to("chat.update")
    assert len(updates) == 2 and all(u.ok for u in updates)
    notes = [m for m in env.slack.messages("C0CS") if "marked" in (m["text"] or "")]
    assert len(notes) == 2
    closing = [m for m in env.slack.messages("D0DANA") if "is done" in (m["text"] or "")]
    assert len(closing) == 1
    async with env.db.unit_of_work() as s:
        assert {i.status for i in await s.scalars(select(ActionItem))} == {ItemStatus.DONE}


async def test_someone_outside_the_team_cannot_close_an_item(world: World) -> None:
    env = world.env
    values = call_values(world.customers[0].id, items=[("Fix the export", "U0MO", None)])
    await env.requests.view_submission("U0DANA", call_view(values))
    await env.deliver()
    async with env.db.unit_of_work() as s:
        item = await s.scalar(select(ActionItem))
    assert item is not None
    await env.requests.block_actions(
        "U0RAJ",
        [
            {
                "action_id": Action.ITEM_DONE.value,
                "value": str(item.id),
                "type": "button",
                "block_id": "b",
            }
        ],
        channel_id="C0CS",
    )
    await env.deliver()  # the refusal goes through the outbox like every message
    (refusal,) = env.slack.calls_to("chat.postEphemeral")
    assert "Only the owner" in refusal.params["text"]
    async with env.db.unit_of_work() as s:
        again = await s.get(ActionItem, item.id)
        assert again is not None and again.status == ItemStatus.OPEN
