"""The morning nudge, end to end: planner, brief, outbox, sender, Slack stand-in."""

from __future__ import annotations

import json

from bot.services.morning import run_morning
from tests.factories import utc
from tests.scenario.conftest import World
from tests.slack_spec import spec_problems


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
    assert spec_problems(env.slack.calls) == []


async def test_running_the_morning_twice_sends_nothing_twice(world: World) -> None:
    env = world.env
    await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    await env.deliver()
    again = await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    assert [r.outcome for r in again if r.executive == "Dana Whitfield"] == ["already sent today"]
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
