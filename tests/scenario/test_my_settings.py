"""An executive's own regimen in Slack: My settings on App Home, a pause picked on a calendar,
and "Later today" / "Skip today" on the morning nudge — all stored, so the next morning (or a
restart) runs by them."""

from __future__ import annotations

import asyncio
import json
from datetime import time
from typing import Any

from sqlalchemy import select

from bot.ids import Action, Block, View
from bot.services.morning import run_morning
from storage.models import OutboxMessage, Person
from tests.factories import utc
from tests.scenario.conftest import World
from tests.scenario.forms import click, submitted

HOME = {"id": "V0HOME"}


async def _morning(world: World, at: Any) -> dict[str, str]:
    env = world.env
    env.clock.set(at)
    results = await run_morning(env.db, env.settings, env.team_id, now=at)
    await env.deliver()
    await env.deliver()
    return {r.executive: r.outcome for r in results if r.executive == "Dana Whitfield"}


async def _dana(world: World) -> Person:
    async with world.env.db.unit_of_work() as s:
        dana = await s.get(Person, world.dana.id)
    assert dana is not None
    return dana


def _opened(world: World) -> dict[str, Any]:
    view: dict[str, Any] = world.env.slack.calls_to("views.open")[-1].params["view"]
    return view


def _home(world: World) -> str:
    return json.dumps(world.env.slack.calls_to("views.publish")[-1].params["view"])


def _nudges(world: World) -> list[dict[str, Any]]:
    return [m for m in world.env.slack.messages("D0DANA") if "done this week" in m["text"]]


def _notes(world: World, words: str) -> list[dict[str, Any]]:
    return [m for m in world.env.slack.messages("D0DANA") if words in m["text"]]


def _answered(nudge: dict[str, Any]) -> str | None:
    """What the nudge says where its Later / Skip row was (None: the row is still there)."""
    if any(b.get("block_id") == "nudge_later" for b in nudge["blocks"]):
        return None
    said = [b for b in nudge["blocks"] if b["type"] == "context"]
    return str(said[-2]["elements"][0]["text"])  # the last is the `/kyc done` hint


def _later(value: str) -> list[dict[str, Any]]:
    option = {"value": value, "text": {"type": "plain_text", "text": value}}
    return [
        {
            "action_id": Action.NUDGE_LATER.value,
            "type": "static_select",
            "block_id": "nudge_later",
            "selected_option": option,
        }
    ]


async def _click_on_nudge(world: World, actions: list[dict[str, Any]]) -> None:
    nudge = {"ts": _nudges(world)[-1]["ts"], "text": ""}
    await world.env.requests.block_actions("U0DANA", actions, channel_id="D0DANA", message=nudge)


async def test_my_settings_are_saved_and_the_next_morning_nudges_at_the_new_time(
    world: World,
) -> None:
    env = world.env
    await env.requests.block_actions("U0DANA", click(Action.MY_SETTINGS), view=HOME)
    view = _opened(world)
    assert view["callback_id"] == View.MY_SETTINGS
    assert "08:30" in json.dumps(view) and "America/New_York" in json.dumps(view)
    answer = await env.requests.view_submission(
        "U0DANA",
        submitted(
            view,
            nudge_time="10:15",
            workdays=["mon", "tue", "wed", "thu"],
            weekly_quota="3",
        ),
    )
    assert answer.status == 200 and not answer.text  # closed
    dana = await _dana(world)
    assert (dana.nudge_time, dana.workdays, dana.weekly_quota) == (
        time(10, 15),
        "mon,tue,wed,thu",
        3,
    )
    # Her Slack profile's timezone, left as it was: she follows her profile (stored empty).
    assert dana.timezone is None and dana.slack_tz == "America/New_York"
    assert env.slack.calls_to("views.publish")[-1].params["user_id"] == "U0DANA"

    # Tuesday 08:31 in New York: not yet; 10:16: the nudge, with three customers.
    assert await _morning(world, utc(2026, 11, 24, 13, 31)) == {
        "Dana Whitfield": "not due: before 10:15"
    }
    assert _nudges(world) == []
    assert await _morning(world, utc(2026, 11, 24, 15, 16)) == {"Dana Whitfield": "nudge queued"}
    (nudge,) = _nudges(world)
    assert "0/3 done" in nudge["text"]
    # Friday is no longer a workday.
    assert await _morning(world, utc(2026, 11, 27, 15, 16)) == {
        "Dana Whitfield": "not due: not a workday"
    }

    # Saved again as the workspace's defaults, they follow the defaults (stored empty).
    await env.requests.block_actions("U0DANA", click(Action.MY_SETTINGS), view=HOME)
    await env.requests.view_submission(
        "U0DANA",
        submitted(
            _opened(world),
            nudge_time="08:30",
            workdays=["mon", "tue", "wed", "thu", "fri"],
            weekly_quota="5",
        ),
    )
    dana = await _dana(world)
    assert (dana.nudge_time, dana.workdays, dana.weekly_quota) == (None, None, None)


async def test_a_bad_timezone_or_quota_is_answered_on_its_field(world: World) -> None:
    env = world.env
    await env.requests.block_actions("U0DANA", click(Action.MY_SETTINGS), view=HOME)
    answer = await env.requests.view_submission(
        "U0DANA", submitted(_opened(world), timezone="Mars/Olympus", weekly_quota="99")
    )
    body = answer.json()
    assert body["response_action"] == "errors"
    assert "unknown timezone 'Mars/Olympus'" in body["errors"][Block.TIMEZONE]
    assert "1–40" in body["errors"][Block.WEEKLY_QUOTA]
    dana = await _dana(world)
    assert dana.timezone == "America/New_York" and dana.weekly_quota is None  # unchanged


async def test_my_settings_are_for_executives_only(world: World) -> None:
    await world.env.requests.block_actions("U0MO", click(Action.MY_SETTINGS), view=HOME)
    assert world.env.slack.calls_to("views.open") == []
    await world.env.deliver()
    assert "Only executives" in world.env.slack.messages("D0MO")[-1]["text"]


async def test_a_pause_picked_on_the_calendar_holds_the_nudges_and_shows_on_app_home(
    world: World,
) -> None:
    env = world.env
    await env.requests.slash_command("U0DANA", "pause")
    view = _opened(world)
    assert view["callback_id"] == View.PAUSE
    past = await env.requests.view_submission("U0DANA", submitted(view, pause_until="2026-11-20"))
    assert "in the past" in past.json()["errors"][Block.PAUSE_UNTIL]
    too_far = await env.requests.view_submission(
        "U0DANA", submitted(view, pause_until="2028-01-01")
    )
    assert "at most a year" in too_far.json()["errors"][Block.PAUSE_UNTIL]
    ok = await env.requests.view_submission(
        "U0DANA", submitted(view, pause_until="2026-11-25", pause_reason="Offsite <!channel>")
    )
    assert ok.status == 200 and not ok.text
    home = _home(world)
    assert "Paused until Wed 25 Nov 2026" in home and "Offsite &lt;!channel&gt;" in home
    assert Action.RESUME.value in home and Action.PAUSE.value not in home

    for day in (23, 24, 25):  # through Wednesday, inclusive
        outcome = await _morning(world, utc(2026, 11, day, 13, 31))
        assert outcome == {"Dana Whitfield": "not due: paused until 2026-11-25"}
    assert _nudges(world) == []
    assert await _morning(world, utc(2026, 11, 26, 13, 31)) == {"Dana Whitfield": "nudge queued"}
    assert len(_nudges(world)) == 1


async def test_pause_from_app_home_then_resume(world: World) -> None:
    env = world.env
    await env.requests.block_actions("U0DANA", click(Action.PAUSE), view=HOME)
    await env.requests.view_submission(
        "U0DANA", submitted(_opened(world), pause_until="2026-12-28")
    )
    assert (await _dana(world)).paused_until is not None
    await env.requests.block_actions("U0DANA", click(Action.RESUME), view=HOME)
    dana = await _dana(world)
    assert dana.paused_until is None and dana.paused_reason is None
    home = _home(world)
    assert "Paused until" not in home and Action.PAUSE.value in home
    # `/kyc pause until` with a typed date keeps working.
    typed = await env.requests.slash_command("U0DANA", "pause until 2026-12-28")
    assert "Paused until Mon 28 Dec 2026" in typed.json()["text"]


async def test_later_today_sends_one_nudge_at_the_chosen_time_and_none_before(
    world: World,
) -> None:
    env = world.env
    assert await _morning(world, utc(2026, 11, 23, 13, 31)) == {"Dana Whitfield": "nudge queued"}
    (nudge,) = _nudges(world)
    assert "2026-11-23T15:00" in json.dumps(nudge["blocks"])  # offered in her local time

    clicks = [_click_on_nudge(world, _later("2026-11-23T15:00")) for _ in range(2)]
    await asyncio.gather(*clicks)  # a double click
    await env.deliver()
    # Answered on the nudge itself, once (chat.update): no more Later / Skip there, no DM.
    (morning,) = _nudges(world)
    assert morning.get("edited") and _answered(morning) == "⏰ Coming back at 15:00"
    assert len(env.slack.calls_to("chat.update")) == 1
    assert _notes(world, "again today") == []
    assert "Acme Corp" in json.dumps(morning["blocks"])  # the rest of the nudge as it was
    dana = await _dana(world)
    assert dana.nudge_again_at == utc(2026, 11, 23, 20, 0)  # kept: a restart finds it

    for minute in (utc(2026, 11, 23, 16, 0), utc(2026, 11, 23, 19, 59)):
        await _morning(world, minute)
    assert len(_nudges(world)) == 1  # none before 15:00
    assert await _morning(world, utc(2026, 11, 23, 20, 0)) == {
        "Dana Whitfield": "later nudge queued"
    }
    await _morning(world, utc(2026, 11, 23, 20, 1))
    await _morning(world, utc(2026, 11, 23, 21, 0))
    assert len(_nudges(world)) == 2  # one, at 15:00
    async with env.db.unit_of_work() as s:
        keys = list(
            await s.scalars(select(OutboxMessage.key).where(OutboxMessage.key.like("nudge:%")))
        )
    assert sorted(k.split(":", 3)[-1] for k in keys) == ["2026-11-23", "2026-11-23:later:1500"]

    # Skip today on the 15:00 nudge: that one is redrawn; the morning's keeps its answer.
    await _click_on_nudge(world, [click(Action.NUDGE_SKIP, "2026-11-23")[0]])
    await env.deliver()
    morning, later = _nudges(world)
    assert _answered(later) == "🛌 Skipped today — back tomorrow"
    assert _answered(morning) == "⏰ Coming back at 15:00"


async def test_a_time_already_past_or_a_nudge_of_another_day_changes_nothing(
    world: World,
) -> None:
    env = world.env
    await _morning(world, utc(2026, 11, 23, 13, 31))
    env.clock.set(utc(2026, 11, 23, 20, 30))  # 15:30 in New York
    await _click_on_nudge(world, _later("2026-11-23T15:00"))
    await _click_on_nudge(world, [click(Action.NUDGE_SKIP, "2026-11-20")[0]])
    await env.deliver()
    assert _notes(world, "has passed already") and _notes(world, "was for Fri 20 Nov 2026")
    dana = await _dana(world)
    assert dana.nudge_again_at is None and dana.nudge_skipped_on is None


async def test_skip_today_sends_no_more_nudges_that_day_and_keeps_the_batch(world: World) -> None:
    env = world.env
    await _morning(world, utc(2026, 11, 23, 13, 31))
    batch = json.dumps(_nudges(world)[0]["blocks"])
    await _click_on_nudge(world, _later("2026-11-23T15:00"))
    skip = [click(Action.NUDGE_SKIP, "2026-11-23")[0]]
    await asyncio.gather(_click_on_nudge(world, skip), _click_on_nudge(world, skip))
    await env.deliver()
    (morning,) = _nudges(world)  # Later, then Skip: the nudge shows the last answer
    assert _answered(morning) == "🛌 Skipped today — back tomorrow"
    assert len(env.slack.calls_to("chat.update")) == 2
    assert _notes(world, "Skipped today") == [] and _notes(world, "again today") == []
    assert (await _dana(world)).nudge_skipped_on is not None

    for minute in (utc(2026, 11, 23, 14, 0), utc(2026, 11, 23, 20, 0), utc(2026, 11, 23, 22, 0)):
        await _morning(world, minute)
    assert len(_nudges(world)) == 1
    # The next workday's nudge comes as usual, with the same customers still to call.
    assert await _morning(world, utc(2026, 11, 24, 13, 31)) == {"Dana Whitfield": "nudge queued"}
    tuesday = json.dumps(_nudges(world)[-1]["blocks"])
    for name in ("Acme Corp", "Globex", "Hooli", "Initech", "Stark Ind"):
        assert name in batch and name in tuesday
