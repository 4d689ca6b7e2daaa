"""Company holidays in the morning: no nudge on one, and the next workday as usual."""

from __future__ import annotations

from datetime import date

from bot.services.morning import run_morning
from storage.models import Holiday
from tests import factories as f
from tests.factories import utc
from tests.scenario.conftest import World


async def _holiday(world: World, day: date, country: str | None = None) -> None:
    async with world.env.db.unit_of_work() as s:
        s.add(Holiday(workspace_id=f.WS, day=day, name="Founders' Day", country=country))


async def test_no_nudge_on_a_company_holiday_and_the_next_workday_is_normal(world: World) -> None:
    env = world.env
    await _holiday(world, date(2026, 11, 23))  # Monday
    results = await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    assert {r.executive: r.outcome for r in results}["Dana Whitfield"] == (
        "not due: a company holiday"
    )
    assert await env.deliver() == 0
    tuesday = utc(2026, 11, 24, 13, 31)  # 08:31 in New York
    results = await run_morning(env.db, env.settings, env.team_id, now=tuesday)
    assert {r.executive: r.outcome for r in results}["Dana Whitfield"] == "nudge queued"
    assert await env.deliver() == 1
    (dm,) = env.slack.messages()
    assert dm["channel"] == "D0DANA" and "0/5 done" in dm["text"]


async def test_a_countrys_holiday_keeps_only_that_countrys_people_home(world: World) -> None:
    env = world.env
    async with env.db.unit_of_work() as s:
        from storage.models import Person

        dana = await s.get(Person, world.dana.id)
        assert dana is not None
        dana.country = "GB"
    await _holiday(world, date(2026, 11, 23), "US")
    results = await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    assert {r.executive: r.outcome for r in results}["Dana Whitfield"] == "nudge queued"
    async with env.db.unit_of_work() as s:
        dana = await s.get(Person, world.dana.id)
        assert dana is not None
        dana.country = "US"
    later = utc(2026, 11, 30, 13, 31)  # next Monday: a US holiday too
    await _holiday(world, date(2026, 11, 30), "us")
    results = await run_morning(env.db, env.settings, env.team_id, now=later)
    assert {r.executive: r.outcome for r in results}["Dana Whitfield"] == (
        "not due: a company holiday"
    )
