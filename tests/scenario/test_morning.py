"""The morning nudge, end to end: planner, brief, outbox, sender, Slack stand-in."""

from __future__ import annotations

import json

from bot.services.morning import run_morning
from tests.factories import utc
from tests.scenario.conftest import World
from tests.slack_spec import needs_spec, spec_problems


async def test_the_executive_gets_one_dm_with_five_customers_at_their_nudge_time(
    world: World,
) -> None:
    env = world.env
    results = await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    assert {r.executive: r.outcome for r in results} == {
        "Dana Whitfield": "nudge queued",
        "Raj Mehta": "not due: past the 12:00 catch-up cut-off",  # 19:01 in Kolkata
    }
    assert await env.deliver() == 1
    (dm,) = env.slack.messages()
    assert dm["channel"] == "D0DANA"
    assert "0/5 done" in dm["text"]
    shown = json.dumps(dm["blocks"])
    # All never contacted: the rotation starts alphabetically, deterministic.
    for name in ("Acme Corp", "Globex", "Hooli", "Initech", "Stark Ind"):
        assert name in shown
    assert "Umbrella" not in shown and "Wayne Ent" not in shown
    assert len(dm["blocks"]) <= 50
    assert dm["unfurl_links"] is False


@needs_spec
async def test_the_mornings_web_api_calls_match_slacks_spec(world: World) -> None:
    env = world.env
    await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    assert await env.deliver() == 1
    assert spec_problems(env.slack.calls) == []


async def test_running_the_morning_twice_sends_nothing_twice(world: World) -> None:
    env = world.env
    await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    await env.deliver()
    again = await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    assert [r.outcome for r in again if r.executive == "Dana Whitfield"] == ["queued earlier"]
    await env.deliver()
    assert len(env.slack.messages()) == 1


async def test_each_executive_is_due_at_their_own_local_time(world: World) -> None:
    env = world.env
    # 03:01 UTC is 08:31 in Kolkata and 22:01 (Sunday) in New York.
    results = await run_morning(env.db, env.settings, env.team_id, now=utc(2026, 11, 23, 3, 1))
    outcomes = {r.executive: r.outcome for r in results}
    assert outcomes["Raj Mehta"] == "nudge queued"
    assert outcomes["Dana Whitfield"] == "not due: not a workday"
    await env.deliver()
    assert [m["channel"] for m in env.slack.messages()] == ["D0RAJ"]


async def test_a_finished_week_gets_one_all_done_note_instead_of_a_nudge(world: World) -> None:
    from sqlalchemy import select

    from bot.regimen.types import BatchStatus
    from storage.models import BatchEntry

    env = world.env
    await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    await env.deliver()
    async with env.db.unit_of_work() as s:
        for entry in await s.scalars(select(BatchEntry)):
            if entry.executive_id == world.dana.id:
                entry.status = BatchStatus.DONE
    for day in (24, 25):  # Tuesday, Wednesday
        await run_morning(env.db, env.settings, env.team_id, now=utc(2026, 11, day, 13, 45))
        await env.deliver()
    texts = [m["text"] for m in env.slack.messages("D0DANA")]
    assert len(texts) == 2 and texts[1].startswith("🎉 All 5 customers done this week")


async def test_a_channel_the_bot_is_not_in_is_joined_and_a_missing_one_is_parked(
    world: World,
) -> None:
    from sqlalchemy import select

    from bot.services import outbox
    from scheduler.sender import retry_failed
    from storage.models import OutboxMessage, OutboxStatus

    env = world.env
    async with env.db.unit_of_work() as s:
        await outbox.post(s, env.team_id, "t:join", "C0SUP", {"text": "hello support"})
        await outbox.post(s, env.team_id, "t:gone", "C0GONE", {"text": "hello?"})
    await env.deliver()
    assert [m["text"] for m in env.slack.messages("C0SUP")] == ["hello support"]
    async with env.db.unit_of_work() as s:
        gone = await s.scalar(select(OutboxMessage).where(OutboxMessage.key == "t:gone"))
    assert gone is not None and gone.status == OutboxStatus.FAILED
    assert gone.last_error == "channel_not_found"

    env.slack.add_channel("C0GONE", "restored")  # the admin fixes it, then re-sends
    assert await retry_failed(env.db) == 1
    await env.deliver()
    assert [m["text"] for m in env.slack.messages("C0GONE")] == ["hello?"]


async def test_admins_see_undelivered_messages_on_app_home(world: World) -> None:
    from bot.regimen.types import Role
    from bot.services import outbox
    from tests import factories as f

    env = world.env
    async with env.db.unit_of_work() as s:
        await f.person(s, "Chris Admin", slack_user_id="U0ADM", role=Role.ADMIN)
        await outbox.post(s, env.team_id, "t:gone", "C0GONE", {"text": "hello?"})
    env.slack.add_user("U0ADM", name="Chris Admin")
    await env.deliver()
    await env.requests.event({"type": "app_home_opened", "user": "U0ADM", "tab": "home"})
    shown = json.dumps(env.slack.calls_to("views.publish")[-1].params["view"])
    assert "could not be delivered" in shown and "channel_not_found" in shown


async def test_an_executive_who_moves_timezone_mid_week_gets_one_nudge_per_local_day(
    world: World,
) -> None:
    from storage.models import Person

    env = world.env
    tuesday_ny = utc(2026, 11, 24, 13, 31)  # 08:31 in New York
    await run_morning(env.db, env.settings, env.team_id, now=tuesday_ny)
    async with env.db.unit_of_work() as s:
        dana = await s.get(Person, world.dana.id)
        assert dana is not None
        dana.timezone = "Pacific/Honolulu"  # flies west: Tuesday 08:31 again, five hours later
    await run_morning(env.db, env.settings, env.team_id, now=utc(2026, 11, 24, 18, 31))
    async with env.db.unit_of_work() as s:
        dana = await s.get(Person, world.dana.id)
        assert dana is not None
        dana.timezone = "Asia/Tokyo"  # then to Tokyo: Wednesday morning there
    await run_morning(env.db, env.settings, env.team_id, now=utc(2026, 11, 24, 23, 31))
    await env.deliver()
    assert len(env.slack.messages("D0DANA")) == 2  # Tuesday once, Wednesday once


async def test_a_job_still_waiting_for_its_turn_when_sigterm_came_does_not_start(
    world: World,
) -> None:
    """The runtime's stop marks the jobs stopped and holds the jobs lock once: a morning tick
    queued behind a running job returns without a nudge; the next process sends it."""
    import asyncio

    from scheduler.jobs import morning_tick

    env = world.env
    async with env.deps.jobs_lock:  # a job is running
        waiting = asyncio.create_task(morning_tick(env.deps))
        await asyncio.sleep(0)
        env.deps.jobs_stopped = True  # SIGTERM meanwhile
    await waiting
    assert await env.deliver() == 0 and env.slack.messages("D0DANA") == []
    env.deps.jobs_stopped = False  # a fresh process: the nudge is still due, and goes out
    await morning_tick(env.deps)
    assert await env.deliver() == 1
