"""App Home → Holidays: an admin lists the next company holidays, adds one (a past day or no
name answered on its field) and removes one, in Slack; nobody else may."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import select

from bot.ids import Action, Block, View
from storage.models import Holiday
from tests import factories as f
from tests.scenario.conftest import World
from tests.scenario.forms import admin, click, submitted


async def _stored(world: World) -> list[tuple[date, str, str | None]]:
    async with world.env.db.unit_of_work() as s:
        rows = await s.scalars(select(Holiday).order_by(Holiday.day))
        return [(h.day, h.name, h.country) for h in rows]


def _remove(holiday_id: int) -> list[dict[str, Any]]:
    return click(Action.REMOVE_HOLIDAY, str(holiday_id))


async def test_an_admin_adds_and_removes_holidays_from_app_home(world: World) -> None:
    env = world.env
    await admin(world)
    async with env.db.unit_of_work() as s:
        s.add(Holiday(workspace_id=f.WS, day=date(2026, 1, 1), name="Long gone", country=None))
        s.add(Holiday(workspace_id=f.WS, day=date(2026, 12, 25), name="Christmas", country="GB"))
    await env.requests.block_actions("U0ADA", click(Action.ADMIN_HOLIDAYS))
    (opened,) = env.slack.calls_to("views.open")
    view = opened.params["view"]
    assert view["callback_id"] == View.HOLIDAYS
    shown = json.dumps(view, ensure_ascii=False)
    assert "Fri 25 Dec 2026* · Christmas · GB" in shown and "Long gone" not in shown

    # A past day and no name are answered on their fields; nothing is stored.
    answer = await env.requests.view_submission(
        "U0ADA", submitted(view, holiday_date="2026-11-20", holiday_name="")
    )
    body = answer.json()
    assert body["response_action"] == "errors"
    assert "in the past" in body["errors"][Block.HOLIDAY_DATE]
    assert "Name the holiday" in body["errors"][Block.HOLIDAY_NAME]
    assert len(await _stored(world)) == 2

    answer = await env.requests.view_submission(
        "U0ADA",
        submitted(
            view, holiday_date="2026-12-24", holiday_name="<!channel> Eve", holiday_country="us"
        ),
    )
    body = answer.json()
    assert body["response_action"] == "update"  # the modal stays, listing it
    listed = json.dumps(body["view"], ensure_ascii=False)
    assert "Thu 24 Dec 2026* · &lt;!channel&gt; Eve · US" in listed
    assert (date(2026, 12, 24), "<!channel> Eve", "US") in await _stored(world)

    christmas = next(
        b["accessory"]["value"]
        for b in body["view"]["blocks"]
        if "Christmas" in json.dumps(b, ensure_ascii=False) and b.get("accessory")
    )
    await env.requests.block_actions("U0ADA", _remove(int(christmas)), view={"id": "V0HOLIDAYS"})
    (update,) = env.slack.calls_to("views.update")
    assert update.params["view_id"] == "V0HOLIDAYS"
    assert "Christmas" not in json.dumps(update.params["view"], ensure_ascii=False)
    assert [h[1] for h in await _stored(world)] == ["Long gone", "<!channel> Eve"]


async def test_holidays_are_for_admins_only(world: World) -> None:
    env = world.env
    async with env.db.unit_of_work() as s:
        s.add(Holiday(workspace_id=f.WS, day=date(2026, 12, 25), name="Christmas", country=None))
    (held,) = await _stored(world)
    await env.requests.block_actions("U0DANA", click(Action.ADMIN_HOLIDAYS))
    assert env.slack.calls_to("views.open") == []
    async with env.db.unit_of_work() as s:
        (row,) = await s.scalars(select(Holiday))
    await env.requests.block_actions("U0DANA", _remove(row.id), view={"id": "V0X"})
    assert env.slack.calls_to("views.update") == []
    assert await _stored(world) == [held]
    await env.deliver()
    assert "Only KYC admins" in env.slack.messages("D0DANA")[-1]["text"]
