"""A customer's name is text, never markup: not an @channel, not a link, not a tag."""

from __future__ import annotations

import json

from bot.services.morning import run_morning
from storage.models import Customer
from tests.scenario.conftest import World

EVIL = "<!channel> & <b>"
SHOWN = "&lt;!channel&gt; &amp; &lt;b&gt;"


async def _rename_first_customer(world: World) -> None:
    async with world.env.db.unit_of_work() as s:
        acme = await s.get(Customer, world.customers[0].id)
        assert acme is not None
        acme.name = EVIL


async def _plan(world: World) -> None:
    env = world.env
    await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    await env.deliver()


def _never_markup(payload: object) -> str:
    shown = json.dumps(payload, ensure_ascii=False)
    assert "<!channel>" not in shown and "<b>" not in shown
    return shown


async def test_app_home_shows_a_customer_named_like_markup_as_text(world: World) -> None:
    await _rename_first_customer(world)
    await _plan(world)
    await world.env.requests.event({"type": "app_home_opened", "user": "U0DANA", "tab": "home"})
    (published,) = world.env.slack.calls_to("views.publish")
    view = published.params["view"]
    _never_markup(view)
    texts = [b["text"]["text"] for b in view["blocks"] if b["type"] == "section"]
    assert any(f"*{SHOWN}*" in t for t in texts), texts


async def test_the_morning_nudge_and_the_week_show_it_as_text(world: World) -> None:
    await _rename_first_customer(world)
    await _plan(world)
    (nudge,) = world.env.slack.messages("D0DANA")
    assert SHOWN in _never_markup(nudge)
    week = (await world.env.requests.slash_command("U0DANA", "week")).json()
    assert SHOWN in _never_markup(week)
