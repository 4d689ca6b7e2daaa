"""What happens after the call: overdue items, escalation, reassignment, follow-ups, stories."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.ids import Action, Block, View
from bot.services.erasure import erase_person
from bot.services.items import remind_overdue
from storage.models import ActionItem, Person
from tests import factories as f
from tests.factories import utc
from tests.scenario.calls import call_values, call_view, user
from tests.scenario.conftest import World


async def _log(world: World, **kw: object) -> None:
    values = call_values(world.customers[0].id, **kw)  # type: ignore[arg-type]
    answer = await world.env.requests.view_submission("U0DANA", call_view(values))
    assert answer.status == 200 and answer.text == "", answer.text
    await world.env.deliver()


async def _remind(world: World) -> int:
    env = world.env
    async with env.db.unit_of_work() as s:
        count = await remind_overdue(s, env.settings, now=env.clock())
    await env.deliver()
    return count


async def test_an_overdue_item_reminds_its_owner_once_a_day_then_tells_the_manager(
    world: World,
) -> None:
    env = world.env
    await _log(world, items=[("Fix the export", "U0MO", "2026-11-24")])
    env.clock.set(utc(2026, 11, 25, 15))  # Wednesday: one day overdue
    assert await _remind(world) == 1
    assert await _remind(world) == 0  # not twice the same day
    reminder = env.slack.messages("D0MO")[-1]
    assert "1 day overdue" in json.dumps(reminder["blocks"])
    thread_notes = [
        m for m in env.slack.messages("C0CS") if "has been reminded" in (m["text"] or "")
    ]
    assert len(thread_notes) == 1 and thread_notes[0]["thread_ts"]
    assert not any("Heads-up" in json.dumps(m["blocks"]) for m in env.slack.messages("D0LEE"))

    env.clock.set(utc(2026, 11, 27, 15))  # Friday: 3 business days after the due date
    assert await _remind(world) == 1
    escalations = [m for m in env.slack.messages("D0LEE") if "Heads-up" in json.dumps(m["blocks"])]
    assert len(escalations) == 1
    env.clock.set(utc(2026, 11, 30, 15))
    await _remind(world)
    assert (
        len([m for m in env.slack.messages("D0LEE") if "Heads-up" in json.dumps(m["blocks"])]) == 1
    )  # the manager is told once


async def test_nobody_no_longer_active_is_chased_and_an_erased_owner_hears_nothing_more(
    world: World,
) -> None:
    env = world.env
    await _log(world, items=[("Fix the export", "U0MO", "2026-11-24")])
    async with env.db.unit_of_work() as s:
        mo = await s.get(Person, world.mo.id)
        assert mo is not None
        mo.active = False  # `active` false in people.csv
    env.clock.set(utc(2026, 11, 25, 15))  # one day overdue
    assert await _remind(world) == 0

    heard = len(env.slack.messages("D0MO"))
    report = await erase_person(env.db, f.WS, "U0MO", now=env.clock())
    assert report.items_unassigned == 1
    env.clock.set(utc(2026, 11, 26, 15))
    assert await _remind(world) == 0
    await env.deliver()
    assert len(env.slack.messages("D0MO")) == heard
    async with env.db.unit_of_work() as s:
        item = await s.scalar(select(ActionItem))
        assert item is not None and item.owner_id is None and "Mo Santos" not in item.text


async def test_reassign_moves_the_item_and_tells_the_new_owner(world: World) -> None:
    env = world.env
    await _log(world, items=[("Fix the export", "U0MO", None)])
    async with env.db.unit_of_work() as s:
        item = await s.scalar(select(ActionItem))
    assert item is not None
    await env.requests.block_actions(
        "U0MO",
        [
            {
                "action_id": Action.ITEM_REASSIGN.value,
                "value": str(item.id),
                "type": "button",
                "block_id": "b",
            }
        ],
        channel_id="C0CS",
    )
    modal = env.slack.calls_to("views.open")[-1].params["view"]
    assert modal["callback_id"] == View.REASSIGN
    view = {
        "id": "V_RE",
        "callback_id": View.REASSIGN.value,
        "private_metadata": modal["private_metadata"],
        "state": {"values": {Block.NEW_OWNER.value: user("U0LEE")}},
    }
    assert (await env.requests.view_submission("U0MO", view)).status == 200
    await env.deliver()
    reply = next(m for m in env.slack.messages("C0CS") if m["ts"] == item.message_ts)
    assert "<@U0LEE>" in json.dumps(reply["blocks"]) and reply.get("edited")
    assert any("Fix the export" in (m["text"] or "") for m in env.slack.messages("D0LEE"))
    async with env.db.unit_of_work() as s:
        moved = await s.get(ActionItem, item.id)
    assert moved is not None and moved.owner_id == world.lee.id


async def test_a_follow_up_date_reminds_its_owner_that_morning(world: World) -> None:
    env = world.env
    extra = {
        Block.FOLLOW_UP_OWNER.value: user("U0MO"),
        Block.FOLLOW_UP_ON.value: {
            Action.INPUT.value: {"type": "datepicker", "selected_date": "2026-11-26"}
        },
    }
    await _log(world, **extra)
    assert not any("follow-up" in (m["text"] or "").lower() for m in env.slack.messages("D0MO"))
    env.clock.set(utc(2026, 11, 26, 14, 5))  # 09:05 in New York that day
    await env.deliver()
    assert any(
        "Follow up with Acme Corp today" in (m["text"] or "") for m in env.slack.messages("D0MO")
    )


async def test_a_success_story_candidate_is_posted_and_brought_up_again_later(
    world: World,
) -> None:
    env = world.env
    env.slack.add_channel("C0STORY", "stories")
    env.settings.kyc_stories_channel = "C0STORY"
    extra = {
        Block.SUCCESS_STORY.value: {
            Action.INPUT.value: {"type": "checkboxes", "selected_options": [{"value": "yes"}]}
        }
    }
    await _log(world, sentiment="promoter", **extra)
    (post,) = env.slack.messages("C0STORY")
    assert "Success-story candidate: Acme Corp" in post["text"]
    env.clock.set(utc(2026, 12, 8, 14))
    await env.deliver()
    assert any(
        "sounded like a success story" in json.dumps(m["blocks"])
        for m in env.slack.messages("D0DANA")
    )


async def test_the_weekly_digest_goes_to_the_leadership_channel_with_its_chart(
    world: World,
) -> None:
    from bot.services.digest import digest_due, queue_digest

    env = world.env
    env.slack.add_channel("C0LEAD", "leadership")
    env.settings.kyc_digest_channel = "C0LEAD"
    await _log(world, items=[("Fix the export", "U0MO", None)])
    assert digest_due(env.settings, utc(2026, 11, 23, 9, 5))  # Monday 09:05 UTC
    assert not digest_due(env.settings, utc(2026, 11, 24, 9, 5))
    assert await queue_digest(env.db, env.settings, env.team_id, now=env.clock())
    assert not await queue_digest(env.db, env.settings, env.team_id, now=env.clock())  # once
    await env.deliver()
    digest, chart = env.slack.messages("C0LEAD")
    assert "Dana Whitfield" in json.dumps(digest["blocks"])
    assert "Call NPS (90 days" in json.dumps(digest["blocks"])
    assert "*Calls, last 12 weeks*" in json.dumps(digest["blocks"])
    # The chart was uploaded unshared, then shared by a keyed post naming the file.
    (image,) = chart["blocks"]
    assert len(env.slack.state.uploads[image["slack_file"]["id"]]) > 5000
    assert chart["thread_ts"] == digest["ts"] and chart["metadata"]["event_payload"]["key"]
    (upload,) = env.slack.calls_to("files.completeUploadExternal")
    assert "channel_id" not in upload.params
