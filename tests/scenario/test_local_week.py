"""The week is the executive's own: Monday morning in Tokyo or Sydney is still Sunday in UTC."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.regimen.calendar import zone
from bot.regimen.types import BatchStatus
from bot.services.morning import run_morning
from bot.services.people import Regimen
from storage.models import BatchEntry
from tests import factories as f
from tests.factories import utc
from tests.scenario.calls import call_values, call_view
from tests.scenario.conftest import World

# Sunday 29 November 2026, 23:30 UTC: Monday 30 November (2026-W49) at 08:30 in Tokyo (UTC+9)
# and at 10:30 in Sydney (UTC+11, summer time), while UTC is still in 2026-W48.
SUNDAY_NIGHT_UTC = utc(2026, 11, 29, 23, 30)


@pytest.mark.parametrize("tz", ["Asia/Tokyo", "Australia/Sydney"])
async def test_a_call_on_monday_morning_local_time_counts_in_the_local_week(
    world: World, tz: str
) -> None:
    env = world.env
    async with env.db.unit_of_work() as s:
        aiko = await f.executive(
            s, "Aiko Tanaka", slack_user_id="U0AIKO", timezone=tz, email="aiko@northwind.test"
        )
        customers = [
            await f.customer(s, aiko, f"Far East {i}", team_id=world.cs.id) for i in range(6)
        ]
    env.slack.add_user("U0AIKO", name="Aiko Tanaka", email="aiko@northwind.test", tz=tz)
    env.clock.set(SUNDAY_NIGHT_UTC)

    await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    await env.deliver()
    (nudge,) = env.slack.messages("D0AIKO")  # Monday's nudge, for the local week
    assert "Far East 0" in json.dumps(nudge["blocks"])

    answer = await env.requests.view_submission("U0AIKO", call_view(call_values(customers[0].id)))
    assert answer.status == 200 and answer.text == "", answer.text
    await env.deliver()
    confirm = env.slack.messages("D0AIKO")[-1]
    assert "Logged your call with Far East 0 ✅ 1/5 this week" in confirm["text"]

    async with env.db.unit_of_work() as s:
        weeks = {
            (e.iso_week, e.customer_id): e.status
            for e in await s.scalars(select(BatchEntry).where(BatchEntry.executive_id == aiko.id))
        }
    assert {w for w, _ in weeks} == {"2026-W49"}  # nothing planned for the UTC week
    assert weeks["2026-W49", customers[0].id] == BatchStatus.DONE

    stats = (await env.requests.slash_command("U0AIKO", "stats")).json()
    assert "*This week:* 1/5 done" in json.dumps(stats["blocks"], ensure_ascii=False)
    week = (await env.requests.slash_command("U0AIKO", "week")).json()
    assert "1/5 done" in week["text"]


@pytest.mark.parametrize(
    ("tz", "week"),
    [
        ("Asia/Tokyo", "2026-W49"),
        ("Australia/Sydney", "2026-W49"),
        ("America/New_York", "2026-W48"),
    ],
)
def test_the_executives_week_at_an_instant_is_their_local_week(tz: str, week: str) -> None:
    reg = Regimen(1, "Aiko", zone(tz), (0, 1, 2, 3, 4), SUNDAY_NIGHT_UTC.time(), 5, None)
    assert reg.week(SUNDAY_NIGHT_UTC) == week
