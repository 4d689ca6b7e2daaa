"""The quarter's recurring themes (raised / acted on / done) where the issue asks for them
besides the digest: `/kyc stats` and App Home (executives and admins), on a fixed data set
with hand-computed figures."""

from __future__ import annotations

import json

from tests import factories as f
from tests.factories import utc
from tests.scenario.conftest import World

NOW = utc(2026, 11, 25, 15)  # Wednesday, in 2026Q4 (from 1 Oct)
SHOWN = "*Customer themes 2026Q4:* 2 raised · 2 acted on · 1 done"


async def _themes(world: World) -> None:
    cs = world.cs.id
    async with world.env.db.unit_of_work() as s:
        s.add_all(
            [
                # raised Q3, acted on 2 Oct (Q4), done 15 Nov (Q4): acted + done
                f.theme_candidate(
                    "product", utc(2026, 9, 20), utc(2026, 10, 2), utc(2026, 11, 15), team_id=cs
                ),
                f.theme_candidate(
                    "process", utc(2026, 10, 1, 0, 5), team_id=cs
                ),  # raised Q4, open: raised
                f.theme_candidate(
                    "policy", utc(2026, 11, 3), utc(2026, 11, 24), team_id=None
                ),  # raised + acted
                f.theme_candidate(
                    "people", utc(2026, 6, 1), utc(2026, 9, 30), utc(2026, 9, 30), team_id=cs
                ),  # Q3
            ]
        )


async def _home(world: World, user: str) -> str:
    await world.env.requests.event({"type": "app_home_opened", "user": user, "tab": "home"})
    await world.env.deliver()
    view = world.env.slack.calls_to("views.publish")[-1].params["view"]
    return json.dumps(view, ensure_ascii=False)


async def test_stats_and_app_home_show_the_quarters_themes(world: World) -> None:
    env = world.env
    env.clock.set(NOW)
    await _themes(world)

    stats = await env.requests.slash_command("U0DANA", "stats")
    assert SHOWN in json.dumps(stats.json(), ensure_ascii=False)
    assert SHOWN in await _home(world, "U0DANA")
    assert SHOWN not in await _home(world, "U0MO")  # neither executive nor admin


async def test_no_theme_yet_reads_as_zeros(world: World) -> None:
    world.env.clock.set(NOW)
    stats = await world.env.requests.slash_command("U0DANA", "stats")
    said = json.dumps(stats.json(), ensure_ascii=False)
    assert "*Customer themes 2026Q4:* 0 raised · 0 acted on · 0 done" in said
