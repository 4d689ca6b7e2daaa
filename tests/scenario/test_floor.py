"""Back to the floor, over December: Dana commits to a monthly shift in Customer Success's
support queue (a missing host team answered on its field); KYC proposes her first Tuesday to
the team's lead (Lee, who manages Mo), Lee confirms, Dana is told; both are reminded on the
working day before at their nudge time, once; the day after, Dana is asked what she did and
learned and her answer is stored on the shift. Another day proposed by the lead is Dana's to
accept. A quarter that ended with no shift shows in `/kyc stats`, on App Home and in the digest."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from bot.ids import Action, Block, View, numbered
from bot.services.digest import queue_digest
from bot.settings import load_settings
from scheduler.jobs import floor_tick
from storage.models import FloorCommitment, FloorShift
from tests import factories as f
from tests.factories import utc
from tests.scenario.conftest import World
from tests.scenario.forms import click, submitted


def _ny(day: date, hour: int, minute: int = 0) -> datetime:
    return utc(day.year, day.month, day.day, hour + 5, minute)  # New York is UTC-5 in December


def _texts(world: World, channel: str) -> list[str]:
    messages = world.env.slack.messages(channel)
    return [json.dumps(m.get("blocks") or m.get("text"), ensure_ascii=False) for m in messages]


async def _shift(world: World) -> FloorShift:
    async with world.env.db.unit_of_work() as s:
        (shift,) = await s.scalars(select(FloorShift))
    return shift


async def _commit(world: World, **changes: Any) -> Any:
    """`/kyc floor`, the modal filled in and submitted; Slack's answer."""
    env = world.env
    await env.requests.slash_command("U0DANA", "floor")
    view = env.slack.calls_to("views.open")[-1].params["view"]
    assert view["callback_id"] == View.FLOOR
    return await env.requests.view_submission("U0DANA", submitted(view, **changes))


async def _tick(world: World, at: datetime) -> None:
    world.env.clock.set(at)
    await floor_tick(world.env.deps)
    await world.env.deliver()


async def test_a_month_on_the_floor_proposed_confirmed_reminded_and_learned_from(
    world: World,
) -> None:
    env = world.env
    env.clock.set(_ny(date(2026, 11, 30), 9))  # Monday: November has no day left

    # No host team: answered on its field, nothing stored.
    answer = await _commit(world, floor_place="support queue")
    body = answer.json()
    assert body["response_action"] == "errors"
    assert "host" in body["errors"][Block.FLOOR_TEAM]
    async with env.db.unit_of_work() as s:
        assert list(await s.scalars(select(FloorCommitment))) == []

    answer = await _commit(
        world,
        floor_cadence="monthly",
        floor_place="support queue <!channel>",
        floor_team=str(world.cs.id),
        floor_weekday="1",  # Tuesdays
    )
    assert answer.status == 200 and not answer.text
    home = json.dumps(env.slack.calls_to("views.publish")[-1].params["view"], ensure_ascii=False)
    assert "Monthly at the support queue &lt;!channel&gt; with Customer Success" in home
    assert "0 shifts done" in home and "Tue 8 Dec 2026 (proposed)" in home
    await env.deliver()

    # The proposal goes to the team's lead: Lee (Mo's manager), for Dana's first Tuesday.
    (proposal,) = env.slack.messages("D0LEE")
    said = json.dumps(proposal["blocks"], ensure_ascii=False)
    assert "<@U0DANA> would like to do a back-to-the-floor shift" in said
    assert "*Tue 8 Dec 2026*" in said and "&lt;!channel&gt;" in said
    assert env.slack.messages("D0DANA") == []
    shift = await _shift(world)
    assert (shift.period, shift.day, shift.status) == ("2026-12", date(2026, 12, 8), "proposed")

    # Another tick this month proposes nothing more.
    await _tick(world, _ny(date(2026, 12, 1), 10))
    assert len(env.slack.messages("D0LEE")) == 1

    # Lee confirms (twice: a double click); Dana is told once; the proposal shows it.
    confirm = click(Action.FLOOR_CONFIRM, str(shift.id))
    for _ in range(2):
        await env.requests.block_actions("U0LEE", confirm, channel_id="D0LEE")
    await env.deliver()
    (told,) = env.slack.messages("D0DANA")
    assert "<@U0LEE> confirmed a back-to-the-floor shift" in json.dumps(told["blocks"])
    (update,) = env.slack.calls_to("chat.update")
    assert "✅ Confirmed" in json.dumps(update.params["blocks"], ensure_ascii=False)
    assert (await _shift(world)).status == "confirmed"

    # Reminders: on Monday 7th (the working day before) from the nudge time (08:30), once.
    await _tick(world, _ny(date(2026, 12, 7), 8))
    assert len(env.slack.messages("D0DANA")) == 1 and len(env.slack.messages("D0LEE")) == 1
    for hour in (9, 15):
        await _tick(world, _ny(date(2026, 12, 7), hour))
    assert "Your shift is next" in _texts(world, "D0DANA")[-1]
    assert "Tomorrow's shift: <@U0DANA> joins" in _texts(world, "D0LEE")[-1]
    assert len(env.slack.messages("D0DANA")) == 2 and len(env.slack.messages("D0LEE")) == 2

    # The shift's day: nothing. The day after, at her nudge time: what did she learn?
    await _tick(world, _ny(date(2026, 12, 8), 9))
    await _tick(world, _ny(date(2026, 12, 9), 8))
    assert len(env.slack.messages("D0DANA")) == 2
    await _tick(world, _ny(date(2026, 12, 9), 9))
    await _tick(world, _ny(date(2026, 12, 9), 12))
    ask = env.slack.messages("D0DANA")[2:]
    assert len(ask) == 1 and "What did you do, and what did you learn?" in json.dumps(ask[0])

    await env.requests.block_actions("U0DANA", click(Action.FLOOR_REPORT, str(shift.id)))
    modal = env.slack.calls_to("views.open")[-1].params["view"]
    assert modal["callback_id"] == View.FLOOR_REPORT
    answer = await env.requests.view_submission(
        "U0DANA", submitted(modal, floor_did="Took 30 calls", floor_learned="")
    )
    assert "Say what you learned" in answer.json()["errors"][Block.FLOOR_LEARNED]
    report = submitted(
        modal,
        floor_did="Took 30 support calls & <b>refunds</b>",
        floor_learned="Refunds take three screens",
        criticism="Too many hops",
        stressed_areas="Refunds",
        make_it_great="One screen to refund",
    )
    for _ in range(2):  # Slack's retry: one shift, one thanks
        answer = await env.requests.view_submission("U0DANA", report)
        assert answer.status == 200 and not answer.text
    await env.deliver()
    shift = await _shift(world)
    assert shift.status == "done"
    assert shift.did == "Took 30 support calls & <b>refunds</b>"
    assert shift.learned == "Refunds take three screens"
    assert (shift.criticism, shift.stressed_areas, shift.make_it_great) == (
        "Too many hops",
        "Refunds",
        "One screen to refund",
    )
    assert "Saved what you did and learned" in _texts(world, "D0DANA")[-1]
    assert len(env.slack.messages("D0DANA")) == 4

    # January: a new period, a new proposal (first Tuesday at least three days ahead).
    await _tick(world, _ny(date(2027, 1, 4), 9))
    async with env.db.unit_of_work() as s:
        days = [r.day for r in await s.scalars(select(FloorShift).order_by(FloorShift.day))]
    assert days == [date(2026, 12, 8), date(2027, 1, 12)]
    stats = await env.requests.slash_command("U0DANA", "stats")
    assert "1 shift done · 0 months missed" in json.dumps(stats.json(), ensure_ascii=False)


async def test_the_lead_proposes_another_day_and_the_leader_accepts_it(world: World) -> None:
    env = world.env
    env.clock.set(_ny(date(2026, 11, 30), 9))
    await _commit(
        world, floor_cadence="monthly", floor_place="call centre", floor_team=str(world.cs.id)
    )
    await env.deliver()
    shift = await _shift(world)
    assert shift.day == date(2026, 12, 3)  # no weekday preferred: the first working day

    def other_day(day: str) -> list[dict[str, Any]]:
        return [
            {
                "action_id": Action.FLOOR_OTHER_DAY.value,
                "type": "datepicker",
                "selected_date": day,
                "block_id": numbered(Block.FLOOR_SHIFT, shift.id),
            }
        ]

    # Only the lead answers; a Saturday is refused, saying why.
    await env.requests.block_actions("U0MO", other_day("2026-12-10"), channel_id="D0MO")
    await env.requests.block_actions("U0LEE", other_day("2026-12-12"), channel_id="D0LEE")
    await env.deliver()
    assert (await _shift(world)).day == date(2026, 12, 3)
    assert "not a working day for Dana Whitfield" in json.dumps(env.slack.calls[-1].params)

    await env.requests.block_actions("U0LEE", other_day("2026-12-10"), channel_id="D0LEE")
    await env.deliver()
    (moved,) = env.slack.messages("D0DANA")
    assert "proposed Thu 10 Dec 2026 instead of Thu 3 Dec 2026" in json.dumps(moved["blocks"])
    assert (await _shift(world)).status == "moved"

    await env.requests.block_actions(
        "U0DANA", click(Action.FLOOR_ACCEPT, str(shift.id)), channel_id="D0DANA"
    )
    await env.deliver()
    shift = await _shift(world)
    assert (shift.status, shift.day) == ("confirmed", date(2026, 12, 10))
    assert "✅ Confirmed: <@U0DANA> does" in _texts(world, "D0LEE")[-1]
    assert "confirmed a back-to-the-floor shift" in _texts(world, "D0DANA")[-1]

    # Stopped from App Home: the shift is cancelled, nothing more is sent.
    await env.requests.block_actions("U0DANA", click(Action.FLOOR_STOP))
    assert (await _shift(world)).status == "cancelled"
    sent = len(env.slack.messages("D0DANA"))
    await _tick(world, _ny(date(2026, 12, 9), 9))
    await _tick(world, _ny(date(2027, 1, 4), 9))
    assert len(env.slack.messages("D0DANA")) == sent + 1  # only the "stopped" note


async def test_a_missed_quarter_shows_in_stats_on_app_home_and_in_the_digest(
    world: World,
) -> None:
    env = world.env
    env.clock.set(_ny(date(2026, 11, 30), 9))
    async with env.db.unit_of_work() as s:
        s.add(
            FloorCommitment(
                workspace_id=f.WS,
                executive_id=world.raj.id,
                cadence="quarterly",
                place="shop floor",
                host_team_id=world.support.id,
                started_on=date(2026, 6, 20),  # mid-Q2: Q3 is the first quarter held
            )
        )
    stats = await env.requests.slash_command("U0RAJ", "stats")
    said = json.dumps(stats.json(), ensure_ascii=False)
    assert "Quarterly at the shop floor with Support · 0 shifts done · 1 quarter missed" in said
    assert "(2026 Q3)" in said

    await env.requests.event({"type": "app_home_opened", "user": "U0RAJ", "tab": "home"})
    await env.deliver()
    home = json.dumps(env.slack.calls_to("views.publish")[-1].params["view"], ensure_ascii=False)
    assert "🏭 *Back to the floor:* Quarterly at the shop floor with Support" in home
    assert "1 quarter missed (2026 Q3)" in home and Action.FLOOR_STOP.value in home

    await env.requests.block_actions("U0RAJ", click(Action.FLOOR_SET))
    modal = env.slack.calls_to("views.open")[-1].params["view"]
    assert modal["callback_id"] == View.FLOOR  # the commitment, ready to change

    settings = load_settings(_env_file=None).model_copy(update={"kyc_digest_channel": "C0CS"})
    assert await queue_digest(env.db, settings, f.WS, now=env.clock())
    await env.deliver()
    digest = json.dumps(env.slack.messages("C0CS"), ensure_ascii=False)
    assert "Back to the floor:*" in digest and "*Raj Mehta* — Quarterly at the shop floor" in digest
    assert "1 quarter missed (2026 Q3)" in digest


async def test_an_unanswered_proposal_is_put_to_the_lead_again_once_and_the_leader_told(
    world: World,
) -> None:
    env = world.env
    env.clock.set(_ny(date(2026, 11, 30), 9))
    await _commit(
        world,
        floor_cadence="monthly",
        floor_place="support queue",
        floor_team=str(world.cs.id),
        floor_weekday="1",  # Tuesdays
    )
    await env.deliver()
    (proposal,) = env.slack.messages("D0LEE")  # Monday 30 Nov; the shift is Tue 8 Dec
    await _tick(world, _ny(date(2026, 12, 1), 10))  # Tuesday: one working day, not two
    assert len(env.slack.messages("D0LEE")) == 1 and env.slack.messages("D0DANA") == []

    for hour in (8, 9, 15):  # Wednesday, before then from Lee's nudge time (08:30): once
        await _tick(world, _ny(date(2026, 12, 2), hour))
    again = env.slack.messages("D0LEE")
    assert len(again) == 2
    said = json.dumps(again[-1]["blocks"], ensure_ascii=False)
    assert "Still waiting for your answer" in said and "*Tue 8 Dec 2026*" in said
    shift = await _shift(world)
    assert _buttons_of(again[-1]) == {Action.FLOOR_CONFIRM.value: str(shift.id)}
    (told,) = env.slack.messages("D0DANA")
    assert "Lee" in told["text"] or "Lee" in json.dumps(told["blocks"])
    assert "has not answered yet" in json.dumps(told["blocks"], ensure_ascii=False)

    # Lee confirms from the second message; nothing is chased any more.
    await env.requests.block_actions(
        "U0LEE", click(Action.FLOOR_CONFIRM, str(shift.id)), channel_id="D0LEE"
    )
    await _tick(world, _ny(date(2026, 12, 3), 9))
    assert (await _shift(world)).status == "confirmed"
    assert len(env.slack.messages("D0LEE")) == 2


def _buttons_of(message: dict[str, Any]) -> dict[str, str]:
    return {
        el["action_id"]: el.get("value", "")
        for b in message.get("blocks", [])
        if b["type"] == "actions"
        for el in b["elements"]
        if el["type"] == "button"
    }
