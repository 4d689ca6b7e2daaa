"""A delegate (chief of staff) acts for their executive: by X for Y, refused to anyone else."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.services.morning import run_morning
from storage.models import Contact, Person
from tests.scenario.calls import call_values, call_view
from tests.scenario.conftest import World


async def _delegate_of(world: World) -> int | None:
    async with world.env.db.unit_of_work() as s:
        dana = await s.get(Person, world.dana.id)
        assert dana is not None
        return dana.delegate_id


async def _name_lee(world: World) -> None:
    answer = await world.env.requests.slash_command("U0DANA", "delegate <@U0LEE|lee>")
    assert "<@U0LEE> is now your delegate" in json.dumps(answer.json())
    assert await _delegate_of(world) == world.lee.id


async def test_a_delegate_logs_a_call_for_the_executive_and_both_are_told(world: World) -> None:
    env = world.env
    await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    await _name_lee(world)
    await env.deliver()
    assert "named you their KYC delegate" in env.slack.messages("D0LEE")[-1]["text"]

    answer = await env.requests.slash_command("U0LEE", "done for <@U0DANA|dana> acme")
    assert answer.status == 200
    (opened,) = env.slack.calls_to("views.open")
    view = opened.params["view"]
    assert "Logging for *Dana Whitfield*" in json.dumps(view["blocks"][0])
    assert view["blocks"][1]["element"]["initial_option"]["text"]["text"] == "Acme Corp"

    submitted = call_view(call_values(world.customers[0].id))
    submitted["private_metadata"] = view["private_metadata"]
    done = await env.requests.view_submission("U0LEE", submitted)
    assert done.status == 200 and done.text == ""
    await env.deliver()
    async with env.db.unit_of_work() as s:
        (call,) = await s.scalars(select(Contact))
        assert call.executive_id == world.dana.id  # the executive's numbers stay theirs
        assert call.logged_by_id == world.lee.id
    said = "Call with Acme Corp logged by Lee Park for Dana Whitfield ✅ 1/5 this week."
    assert said in env.slack.messages("D0DANA")[-1]["text"]
    assert said in env.slack.messages("D0LEE")[-1]["text"]


async def test_someone_who_is_not_the_delegate_is_refused(world: World) -> None:
    env = world.env
    await _name_lee(world)
    answer = await env.requests.slash_command("U0MO", "done for <@U0DANA|dana> acme")
    assert "You are not Dana Whitfield's delegate" in json.dumps(answer.json())
    assert env.slack.calls_to("views.open") == []
    # A forged modal naming Dana is refused on the form, and nothing is stored.
    forged = call_view(call_values(world.customers[0].id))
    forged["private_metadata"] = json.dumps({"c": world.customers[0].id, "f": world.dana.id})
    refused = await env.requests.view_submission("U0MO", forged)
    assert "You are not Dana Whitfield's delegate" in refused.text
    week = await env.requests.slash_command("U0MO", "week for <@U0DANA>")
    assert "You are not Dana Whitfield's delegate" in json.dumps(week.json())
    async with env.db.unit_of_work() as s:
        assert list(await s.scalars(select(Contact))) == []


async def test_a_delegate_sees_the_week_and_pauses_the_executive_until_turned_off(
    world: World,
) -> None:
    env = world.env
    await _name_lee(world)
    week = await env.requests.slash_command("U0LEE", "week for <@U0DANA>")
    assert "Acme Corp" in json.dumps(week.json())
    stats = await env.requests.slash_command("U0LEE", "stats <@U0DANA>")
    assert "delegate" not in json.dumps(stats.json())  # shown, not refused
    paused = await env.requests.slash_command("U0LEE", "pause for <@U0DANA> until 2026-12-28")
    assert "Paused Dana Whitfield until Mon 28 Dec 2026" in json.dumps(paused.json())
    await env.deliver()
    assert "Lee Park paused you until" in env.slack.messages("D0DANA")[-1]["text"]
    async with env.db.unit_of_work() as s:
        dana = await s.get(Person, world.dana.id)
        assert dana is not None and str(dana.paused_until) == "2026-12-28"

    off = await env.requests.slash_command("U0DANA", "delegate off")
    assert "<@U0LEE> no longer acts for you" in json.dumps(off.json())
    assert await _delegate_of(world) is None
    again = await env.requests.slash_command("U0LEE", "week for <@U0DANA>")
    assert "You are not Dana Whitfield's delegate" in json.dumps(again.json())


async def test_help_tells_of_delegates_acting_for_someone_and_the_pause_calendar(
    world: World,
) -> None:
    answer = await world.env.requests.slash_command("U0MO", "help")
    said = json.dumps(answer.json())
    assert "`/kyc delegate @someone`" in said and "`/kyc delegate off`" in said
    assert "`/kyc done for @dana [customer]`" in said and "`/kyc week for @dana`" in said
    assert "pick the last day on a calendar" in said
