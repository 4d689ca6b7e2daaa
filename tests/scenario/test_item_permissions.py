"""Who may close an action item: its owner, the owner's team, the executive who logged the call,
an admin. An item with no team is not everyone-without-a-team's to close."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from bot.ids import Action
from bot.regimen.types import ItemStatus
from storage.models import ActionItem
from tests import factories as f
from tests.scenario.calls import call_values, call_view
from tests.scenario.conftest import World


async def _teamless_item(world: World) -> ActionItem:
    """Dana's call with a customer of no team, its item owned by Sam, who has no team either."""
    env = world.env
    async with env.db.unit_of_work() as s:
        nowhere = await f.customer(s, world.dana, "Nowhere Ltd", team_id=None)
        await f.person(s, "Sam Teamless", slack_user_id="U0SAM", team_id=None)
        await f.person(s, "Pat Teamless", slack_user_id="U0PAT", team_id=None)
    env.slack.add_user("U0SAM", name="Sam Teamless", email="sam@northwind.test")
    env.slack.add_user("U0PAT", name="Pat Teamless", email="pat@northwind.test")
    values = call_values(nowhere.id, items=[("Send the contract", "U0SAM", None)])
    answer = await env.requests.view_submission("U0DANA", call_view(values))
    assert answer.status == 200 and answer.text == "", answer.text
    await env.deliver()
    async with env.db.unit_of_work() as s:
        item = await s.scalar(select(ActionItem))
    assert item is not None and item.team_id is None
    return item


async def _click_done(world: World, user_id: str, item: ActionItem) -> None:
    action = {
        "action_id": Action.ITEM_DONE.value,
        "value": str(item.id),
        "type": "button",
        "block_id": "b",
    }
    answer = await world.env.requests.block_actions(user_id, [action], channel_id="D0DANA")
    assert answer.status == 200
    await world.env.deliver()


async def _status(world: World, item: ActionItem) -> ItemStatus:
    async with world.env.db.unit_of_work() as s:
        row = await s.get(ActionItem, item.id)
    assert row is not None
    return row.status


async def test_someone_else_without_a_team_cannot_close_an_item_without_a_team(
    world: World,
) -> None:
    item = await _teamless_item(world)
    await _click_done(world, "U0PAT", item)
    assert await _status(world, item) == ItemStatus.OPEN
    said = json.dumps([c.params for c in world.env.slack.calls if "U0PAT" in json.dumps(c.params)])
    assert "Only the owner, their team, the executive who logged the call" in said


async def test_a_member_of_another_team_cannot_close_it_either(world: World) -> None:
    item = await _teamless_item(world)
    await _click_done(world, "U0MO", item)  # Mo is on Customer Success
    assert await _status(world, item) == ItemStatus.OPEN


async def test_the_owner_without_a_team_can_close_it(world: World) -> None:
    item = await _teamless_item(world)
    await _click_done(world, "U0SAM", item)
    assert await _status(world, item) == ItemStatus.DONE


async def _digest_click(
    world: World, user_id: str, item: ActionItem, action: str, **kw: str
) -> None:
    """A click in the owner's digest: Snooze 1 week (the item in its value) or the new due
    date's picker (the item in its block)."""
    payload = {"action_id": action, "block_id": f"item_actions_{item.id}", **kw}
    if action == Action.ITEM_SNOOZE:
        payload |= {"type": "button", "value": str(item.id)}
    else:
        payload |= {"type": "datepicker"}
    answer = await world.env.requests.block_actions(user_id, [payload], channel_id="D0SAM")
    assert answer.status == 200
    await world.env.deliver()


async def _row(world: World, item: ActionItem) -> ActionItem:
    async with world.env.db.unit_of_work() as s:
        row = await s.get(ActionItem, item.id)
    assert row is not None
    return row


async def test_snooze_and_a_new_due_date_follow_the_same_rule_as_done(world: World) -> None:
    item = await _teamless_item(world)
    await _digest_click(world, "U0PAT", item, Action.ITEM_SNOOZE)
    await _digest_click(world, "U0PAT", item, Action.ITEM_DUE_ON, selected_date="2026-12-10")
    row = await _row(world, item)
    assert row.snoozed_until is None and row.due_on is None
    refusals = [m for m in world.env.slack.messages("D0PAT") if "Only the owner" in m["text"]]
    assert len(refusals) == 2  # one a click

    await _digest_click(world, "U0SAM", item, Action.ITEM_SNOOZE)  # the owner
    await _digest_click(  # the executive who logged the call
        world, "U0DANA", item, Action.ITEM_DUE_ON, selected_date="2026-12-10"
    )
    row = await _row(world, item)
    assert row.snoozed_until is None  # a new due date ends the snooze
    assert row.due_on == date(2026, 12, 10)


async def test_a_new_due_date_in_the_past_is_refused_where_it_was_picked(world: World) -> None:
    item = await _teamless_item(world)  # Monday 23 November
    await _digest_click(world, "U0SAM", item, Action.ITEM_DUE_ON, selected_date="2026-11-22")
    assert (await _row(world, item)).due_on is None
    (note,) = [m for m in world.env.slack.messages("D0SAM") if "past" in (m["text"] or "")]
    assert note["text"] == "Sun 22 Nov 2026 is in the past — pick today or a later day."
    await _digest_click(world, "U0SAM", item, Action.ITEM_DUE_ON, selected_date="2026-11-23")
    assert (await _row(world, item)).due_on == date(2026, 11, 23)  # today is fine
