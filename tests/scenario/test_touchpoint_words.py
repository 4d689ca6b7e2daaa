"""What every kind of touchpoint and a decline say afterwards, as users see it: the team
thread, kudos and the close-the-loop DM name the kind; a decline gets a short note, never a
"tried to reach you"; the admin sets when a decline comes back; a preset kind survives a
redrawn modal."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.ids import Action, Block
from bot.regimen.types import BatchStatus
from bot.services.morning import run_morning
from scheduler.jobs import planning_tick
from storage.models import ActionItem, BatchEntry, Workspace
from tests.scenario.calls import call_values, call_view, choice
from tests.scenario.conftest import World
from tests.scenario.forms import admin, click, submitted


def _shown(messages: list[dict[str, Any]]) -> str:
    return json.dumps(messages, ensure_ascii=False)


async def _log(world: World, kind: str, **kw: Any) -> None:
    env = world.env
    values = call_values(world.customers[0].id, **kw, **{Block.KIND.value: choice(kind)})
    answer = await env.requests.view_submission("U0DANA", call_view(values, f"V_{kind}"))
    assert answer.status == 200 and answer.text == ""
    await env.deliver()


async def _done(world: World, item_id: int) -> None:
    click = {
        "action_id": Action.ITEM_DONE.value,
        "value": str(item_id),
        "type": "button",
        "block_id": "b",
    }
    await world.env.requests.block_actions("U0MO", [click], channel_id="C0CS")
    await world.env.deliver()


async def test_a_visit_is_named_in_its_thread_kudos_and_close_the_loop_note(world: World) -> None:
    env = world.env
    await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    await env.deliver()
    await _log(
        world,
        "visit",
        items=[("Fix the slow export", "U0MO", None)],
        kudos=[("U0MO", "Great onboarding")],
    )

    channel = env.slack.messages("C0CS")
    parent = channel[0]
    assert "Action items from <@U0DANA>'s visit with Acme Corp" in _shown(parent["blocks"])
    assert parent["text"] == "Action items from Dana Whitfield's visit with Acme Corp"
    kudos_post = next(m for m in channel if "Kudos" in (m["text"] or ""))
    assert "(visit with Acme Corp)" in _shown(kudos_post["blocks"])
    assert "sent you kudos after a visit with *Acme Corp*" in _shown(env.slack.messages("D0MO"))
    assert "your report <@U0MO> after a visit with *Acme Corp*" in _shown(
        env.slack.messages("D0LEE")
    )
    assert "call with" not in _shown(env.slack.messages())

    async with env.db.unit_of_work() as s:
        item = await s.scalar(select(ActionItem))
    assert item is not None
    await _done(world, item.id)
    (closing,) = [m for m in env.slack.messages("D0DANA") if "is done" in (m["text"] or "")]
    assert closing["text"] == "Every action item from your visit with Acme Corp is done"
    assert "from your visit with *Acme Corp* is done" in _shown(closing["blocks"])


async def test_an_event_and_a_lunch_read_as_such(world: World) -> None:
    env = world.env
    await _log(world, "event", kudos=[("U0MO", "Ran the booth")])
    assert "after an event with *Acme Corp*" in _shown(env.slack.messages("D0MO"))
    await _log(world, "meal", items=[("Send the menu", "U0MO", None)])
    parents = [m for m in env.slack.messages("C0CS") if m["text"].startswith("Action items")]
    said = "Action items from Dana Whitfield's lunch or dinner with Acme Corp"
    assert parents[-1]["text"] == said


async def test_a_decline_offers_a_short_note_not_a_recap(world: World) -> None:
    env = world.env
    await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    await env.deliver()
    await _log(world, "call", outcome="declined", sentiment=None, summary=None)
    confirm = env.slack.messages("D0DANA")[-1]
    note_button = confirm["blocks"][-1]["elements"][0]
    assert note_button["text"]["text"] == "Email a short note"
    press = {"action_id": note_button["action_id"], "value": note_button["value"], "type": "button"}
    await env.requests.block_actions("U0DANA", [press], channel_id="D0DANA")
    view = env.slack.calls_to("views.open")[-1].response["view"]
    assert view["title"]["text"] == "Short note"
    shown = json.dumps(view, ensure_ascii=False)
    assert "A short note for *Acme Corp*" in shown
    assert (
        "Thanks for letting me know now isn't a good time — I'll be in touch in a few weeks."
        in (shown)
    )
    for never in ("tried to reach you", "taking the time to speak", "To summarise", "Recap"):
        assert never not in shown, never
    # Another email client: still the note, not the recap.
    pick = {
        "action_id": Action.EMAIL_CLIENT.value,
        "type": "static_select",
        "block_id": "client",
        "selected_option": {"value": "gmail"},
    }
    await env.requests.block_actions("U0DANA", [pick], view=view)
    (updated,) = env.slack.calls_to("views.update")
    again = json.dumps(updated.params["view"], ensure_ascii=False)
    assert "Short note" in again and "isn't a good time" in again and "Recap" not in again


async def _weeks_batch(world: World, iso_week: str) -> set[int]:
    async with world.env.db.unit_of_work() as s:
        rows = await s.scalars(
            select(BatchEntry.customer_id).where(
                BatchEntry.iso_week == iso_week,
                BatchEntry.executive_id == world.dana.id,
                BatchEntry.status != BatchStatus.SWAPPED,
            )
        )
        return set(rows)


async def test_an_admin_sets_how_long_a_decline_sits_out_and_planning_follows(
    world: World,
) -> None:
    env = world.env
    acme = world.customers[0]
    await admin(world)
    await env.requests.block_actions("U0ADA", click(Action.ADMIN_SETTINGS))
    view = env.slack.calls_to("views.open")[-1].params["view"]
    field = next(b for b in view["blocks"] if b.get("block_id") == "kyc_declined_comeback_weeks")
    assert field["element"]["initial_value"] == "4"  # the environment's default
    assert (field["element"]["min_value"], field["element"]["max_value"]) == ("1", "52")
    for wrong in ("0", "53", "two"):
        answer = await env.requests.view_submission(
            "U0ADA", submitted(view, kyc_declined_comeback_weeks=wrong)
        )
        assert answer.json()["errors"] == {
            "kyc_declined_comeback_weeks": "A whole number from 1 to 52."
        }, wrong
    answer = await env.requests.view_submission(
        "U0ADA", submitted(view, kyc_declined_comeback_weeks="2")
    )
    assert answer.status == 200 and not answer.text
    async with env.db.unit_of_work() as s:
        ws = await s.get(Workspace, env.team_id)
    assert ws is not None and ws.settings == {"kyc_declined_comeback_weeks": 2}

    # Dana's week is planned; Acme says "not now" and is told so in the workspace's words.
    await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    await env.deliver()
    await _log(world, "visit", outcome="declined", sentiment=None, summary=None)
    assert "come round again in 2 weeks" in env.slack.messages("D0DANA")[-1]["text"]

    # The scheduler's planning run reads the workspace's 2 weeks, not the default 4.
    env.clock.now += timedelta(weeks=1)
    await planning_tick(env.deps)
    assert acme.id not in await _weeks_batch(world, "2026-W49")
    env.clock.now += timedelta(weeks=1)
    await planning_tick(env.deps)
    assert acme.id in await _weeks_batch(world, "2026-W50")


def _kind_shown(view: dict[str, Any]) -> str:
    block = next(b for b in view["blocks"] if b.get("block_id") == Block.KIND)
    value: str = block["element"]["initial_option"]["value"]
    return value


async def test_a_kind_preset_by_the_shortcut_survives_add_item(world: World) -> None:
    env = world.env
    await env.requests.slash_command("U0DANA", "done visit acme")
    opened = env.slack.calls_to("views.open")[-1].response["view"]
    assert _kind_shown(opened) == "visit"
    # "Add item" (nothing picked in the modal: Slack sends no selection for the kind).
    await env.requests.block_actions("U0DANA", click(Action.ADD_ITEM), view=opened)
    grown = env.slack.calls_to("views.update")[-1].response["view"]
    assert _kind_shown(grown) == "visit"
    assert sum(1 for b in grown["blocks"] if b.get("block_id", "").startswith("item_text")) == 2
    # And again from the redrawn modal: the preset is still in its private_metadata.
    await env.requests.block_actions("U0DANA", click(Action.ADD_KUDOS), view=grown)
    latest = env.slack.calls_to("views.update")[-1].response["view"]
    assert _kind_shown(latest) == "visit"
    # A kind picked in the modal wins over the preset.
    picked = {**latest, "state": {"values": {Block.KIND.value: choice("meal")}}}
    await env.requests.block_actions("U0DANA", click(Action.ADD_ITEM), view=picked)
    assert _kind_shown(env.slack.calls_to("views.update")[-1].response["view"]) == "meal"
