"""Matchmaking in Slack: Eve (Engineering, a team that does not face customers) is invited to
one of Dana's customers of the week; Join → Dana accepts → both are told → after the week
Eve is asked "What did you learn?" and her answer is stored. Dana may decline instead; Opt
out stops invitations; three unanswered in a row bring one gentle re-ask; Snooze waits."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.ids import Action, Block, View
from bot.regimen.matchmaking import PairingStatus
from bot.regimen.types import BatchStatus
from bot.services.home import show_home
from bot.services.report import build_report
from bot.views.digest import build_digest_messages
from bot.views.home import build_home
from scheduler.jobs import matchmaking_tick
from storage.models import BatchEntry, MatchGuest, MatchPairing, Person
from tests import factories as f
from tests.factories import utc
from tests.scenario.conftest import World
from tests.scenario.forms import submitted

MONDAY_ROUND = utc(2026, 11, 23, 10, 30)  # Monday 10:30 UTC (the workspace's default zone)


async def _setup(world: World, *, weeks: int = 1) -> Person:
    """Eve in Engineering (London); Dana's five customers planned for each of `weeks` weeks."""
    env = world.env
    async with env.db.unit_of_work() as s:
        eng = await f.team(s, "Engineering", customer_facing=False)
        eve = await f.person(
            s, "Eve Chen", slack_user_id="U0EVE", team_id=eng.id, timezone="Europe/London"
        )
        for w in range(weeks):
            for n, customer in enumerate(world.customers[:5]):
                s.add(
                    BatchEntry(
                        workspace_id=f.WS,
                        executive_id=world.dana.id,
                        iso_week=f"2026-W{48 + w:02d}",
                        customer_id=customer.id,
                        position=n + 1,
                        status=BatchStatus.PLANNED,
                    )
                )
    env.slack.add_user("U0EVE", name="Eve Chen", email=None, tz="Europe/London")
    return eve


async def _round(world: World, at: datetime) -> None:
    world.env.clock.set(at)
    await matchmaking_tick(world.env.deps)
    await world.env.deliver()


def _buttons(msg: dict[str, Any]) -> dict[str, str]:
    """action_id -> value of a message's buttons."""
    return {
        el["action_id"]: el.get("value", "")
        for b in msg.get("blocks", [])
        if b["type"] == "actions"
        for el in b["elements"]
    }


def _said(msg: dict[str, Any]) -> str:
    return json.dumps(msg.get("blocks", []), ensure_ascii=False) + msg.get("text", "")


async def _click(world: World, user: str, action: Action, value: str) -> None:
    await world.env.requests.block_actions(
        user,
        [{"action_id": action.value, "value": value, "type": "button", "block_id": "b"}],
        channel_id=f"D{user[1:]}",
    )
    await world.env.deliver()


async def _pairings(world: World) -> list[MatchPairing]:
    async with world.env.db.unit_of_work() as s:
        return list(await s.scalars(select(MatchPairing).order_by(MatchPairing.id)))


async def test_a_round_invites_join_accept_both_told_then_what_did_you_learn(
    world: World,
) -> None:
    env = world.env
    await _setup(world)
    await _round(world, utc(2026, 11, 23, 9, 30))  # before 10:00: no round yet
    assert await _pairings(world) == []

    await _round(world, MONDAY_ROUND)
    (invite,) = env.slack.messages("D0EVE")
    said = _said(invite)
    assert "Meet a customer" in said and "<@U0DANA>" in said and "Acme Corp" in said
    assert "the week of Mon 23 Nov 2026" in said and "What to expect" in said
    buttons = _buttons(invite)
    assert set(buttons) == {
        Action.MATCH_JOIN,
        Action.MATCH_PASS,
        Action.MATCH_SNOOZE,
        Action.MATCH_OPT_OUT,
    }
    pairing = buttons[Action.MATCH_JOIN]
    # the round again the same day: nothing doubles (one invitation open at a time)
    await _round(world, MONDAY_ROUND + timedelta(minutes=30))
    assert len(env.slack.messages("D0EVE")) == 1

    await _click(world, "U0EVE", Action.MATCH_JOIN, pairing)
    (redrawn,) = env.slack.calls_to("chat.update")
    assert "You asked to join" in _said(redrawn.params) and not _buttons(redrawn.params)
    ask = env.slack.messages("D0DANA")[-1]
    assert "Eve Chen" in _said(ask) and "(Engineering)" in _said(ask)
    assert _buttons(ask) == {Action.MATCH_ACCEPT: pairing, Action.MATCH_DECLINE: pairing}
    await _click(world, "U0EVE", Action.MATCH_JOIN, pairing)  # a second click: nothing more
    assert len(env.slack.messages("D0DANA")) == 1

    await _click(world, "U0DANA", Action.MATCH_ACCEPT, pairing)
    assert "Dana Whitfield accepted: you join Acme Corp" in env.slack.messages("D0EVE")[-1]["text"]
    assert "Accepted: send Eve Chen the time" in env.slack.messages("D0DANA")[-1]["text"]
    (p,) = await _pairings(world)
    assert p.status is PairingStatus.ACCEPTED

    # The week goes by; not on the weekend, not before Eve's nudge time (08:30 in London) on
    # Monday: then one question.
    before = len(env.slack.messages("D0EVE"))
    for quiet in (utc(2026, 11, 28, 10, 0), utc(2026, 11, 30, 0, 30), utc(2026, 11, 30, 8, 0)):
        await _round(world, quiet)
    assert len(env.slack.messages("D0EVE")) == before
    await _round(world, utc(2026, 11, 30, 8, 45))
    ask_learned = env.slack.messages("D0EVE")[-1]
    assert _buttons(ask_learned) == {Action.MATCH_LEARN: pairing}
    await _round(world, utc(2026, 11, 30, 11, 0))
    assert env.slack.messages("D0EVE")[-1] == ask_learned  # asked once

    await _click(world, "U0EVE", Action.MATCH_LEARN, pairing)
    (opened,) = env.slack.calls_to("views.open")
    view = opened.params["view"]
    assert view["callback_id"] == View.MATCH_LEARNED
    empty = await env.requests.view_submission(
        "U0EVE", submitted(view, **{Block.MATCH_LEARNED: ""})
    )
    assert empty.json()["response_action"] == "errors"
    answer = await env.requests.view_submission(
        "U0EVE",
        submitted(view, **{Block.MATCH_LEARNED: "They print every invoice <!channel> & more"}),
    )
    assert answer.status == 200 and not answer.text  # closed: kept before the ack
    await env.deliver()
    (p,) = await _pairings(world)
    assert p.learned == "They print every invoice <!channel> & more"
    assert "what you learned at Acme Corp is kept" in env.slack.messages("D0EVE")[-1]["text"]

    # Eve met a customer: Engineering's participation, for the admins and the report.
    async with env.db.unit_of_work() as s:
        eve = await s.scalar(select(Person).where(Person.slack_user_id == "U0EVE"))
        assert eve is not None
    home = await show_home(env.deps, eve)
    assert home.meet is not None and home.meet.met == 1
    assert "Meet a customer" in json.dumps(build_home(home))
    report = await build_report(env.db, env.settings, f.WS, now=env.clock())
    (eng,) = report.participation
    assert (eng.team_name, eng.people, eng.met_90d, eng.met_quarter) == ("Engineering", 1, 1, 1)
    digest = json.dumps(build_digest_messages(report), ensure_ascii=False)
    assert "*Engineering*: 1/1 met a customer in 90 days (100%)" in digest


async def test_the_host_declines_and_the_guest_is_invited_again_next_round(world: World) -> None:
    env = world.env
    await _setup(world, weeks=2)
    await _round(world, MONDAY_ROUND)
    pairing = _buttons(env.slack.messages("D0EVE")[0])[Action.MATCH_JOIN]
    await _click(world, "U0EVE", Action.MATCH_JOIN, pairing)
    await _click(world, "U0DANA", Action.MATCH_DECLINE, pairing)
    assert "cannot take a guest with Acme Corp" in env.slack.messages("D0EVE")[-1]["text"]
    assert "Declined: Eve Chen is told" in env.slack.messages("D0DANA")[-1]["text"]
    await _round(world, MONDAY_ROUND + timedelta(weeks=1))
    (_first, again) = await _pairings(world)
    assert again.status is PairingStatus.INVITED and again.customer_name != "Acme Corp"


async def test_opt_out_stops_invitations_and_app_home_opts_back_in(world: World) -> None:
    env = world.env
    await _setup(world, weeks=6)
    await _round(world, MONDAY_ROUND)
    pairing = _buttons(env.slack.messages("D0EVE")[0])[Action.MATCH_OPT_OUT]
    await _click(world, "U0EVE", Action.MATCH_OPT_OUT, pairing)
    for week in range(1, 6):
        await _round(world, MONDAY_ROUND + timedelta(weeks=week))
    assert len(await _pairings(world)) == 1
    # App Home: "Opt back in", and the home is drawn again.
    await env.requests.block_actions(
        "U0EVE",
        [{"action_id": Action.MATCH_OPT_IN.value, "value": "0", "type": "button"}],
        view={"id": "V0HOME", "type": "home"},
    )
    (published,) = env.slack.calls_to("views.publish")
    assert "Snooze 4 weeks" in json.dumps(published.params["view"])
    await _round(world, MONDAY_ROUND + timedelta(weeks=5, minutes=30))
    assert len(await _pairings(world)) == 2


async def test_three_unanswered_in_a_row_bring_one_gentle_reask(world: World) -> None:
    env = world.env
    async with env.db.unit_of_work() as s:
        s.add(MatchGuest(workspace_id=f.WS, person_id=world.dana.id))  # nobody's business
    await _setup(world, weeks=6)
    env.settings.kyc_match_every_weeks = 1
    for week in range(5):
        await _round(world, MONDAY_ROUND + timedelta(weeks=week))
    statuses = [p.status for p in await _pairings(world)]
    assert statuses == [PairingStatus.EXPIRED] * 3  # then no more
    reasks = [m for m in env.slack.messages("D0EVE") if Action.MATCH_REASK_YES in _buttons(m)]
    assert len(reasks) == 1 and "Still want to meet customers" in reasks[0]["text"]
    went_by = [c for c in env.slack.calls_to("chat.update") if "went by" in _said(c.params)]
    assert len(went_by) == 3
    # "Yes": invitations start again at the next round.
    await _click(world, "U0EVE", Action.MATCH_REASK_YES, "0")
    await _round(world, MONDAY_ROUND + timedelta(weeks=5))
    statuses = [p.status for p in await _pairings(world)]
    assert statuses[-1] is PairingStatus.INVITED and len(statuses) == 4


async def test_snooze_waits_four_weeks(world: World) -> None:
    env = world.env
    await _setup(world, weeks=6)
    env.settings.kyc_match_every_weeks = 1
    await _round(world, MONDAY_ROUND)
    pairing = _buttons(env.slack.messages("D0EVE")[0])[Action.MATCH_SNOOZE]
    await _click(world, "U0EVE", Action.MATCH_SNOOZE, pairing)
    assert "Snoozed: no invitation through Mon 21 Dec 2026" in _said(
        env.slack.calls_to("chat.update")[-1].params
    )
    for week in range(1, 5):
        await _round(world, MONDAY_ROUND + timedelta(weeks=week))
    assert len(await _pairings(world)) == 1  # through 21 December
    await _round(world, MONDAY_ROUND + timedelta(weeks=5))
    assert len(await _pairings(world)) == 2


async def test_an_admin_marks_a_team_as_not_facing_customers(world: World) -> None:
    from storage.models import Team
    from tests.scenario.forms import admin
    from tests.scenario.test_roster_admin import _form, _save

    await admin(world)
    form = await _form(world, Action.ADMIN_TEAMS, world.support.id)
    assert "Faces customers" in json.dumps(form)
    await _save(world, form, customer_facing=[])
    async with world.env.db.unit_of_work() as s:
        support = await s.get(Team, world.support.id)
        assert support is not None and not support.customer_facing
    again = await _form(world, Action.ADMIN_TEAMS, world.support.id)
    (box,) = [b for b in again["blocks"] if b.get("block_id") == "customer_facing"]
    assert "initial_options" not in box["element"]  # shown as it is stored


async def test_a_paused_guest_waits_for_their_return(world: World) -> None:
    eve = await _setup(world, weeks=3)
    async with world.env.db.unit_of_work() as s:
        row = await s.get(Person, eve.id)
        assert row is not None
        row.paused_until = utc(2026, 12, 1).date()  # on vacation
    await _round(world, MONDAY_ROUND)
    await _round(world, MONDAY_ROUND + timedelta(weeks=1))
    assert await _pairings(world) == []
    await _round(world, MONDAY_ROUND + timedelta(weeks=2))
    assert len(await _pairings(world)) == 1


async def test_no_guest_is_invited_to_a_call_that_recovers_a_complaint(world: World) -> None:
    """Acme (first in Dana's week) has a complaint Dana owns: Eve is invited to another of
    Dana's customers."""
    from bot.regimen.types import Channel, ContactKind, RecoveryStatus
    from storage.models import Recovery

    env = world.env
    await _setup(world)
    acme = world.customers[0]
    async with env.db.unit_of_work() as s:
        complaint = await f.contact(
            s, acme, utc(2026, 11, 20), kind=ContactKind.REACTIVE, channel=Channel.COMPLAINT
        )
        s.add(
            Recovery(
                workspace_id=f.WS,
                customer_id=acme.id,
                complaint_contact_id=complaint.id,
                executive_id=world.dana.id,
                complained_at=utc(2026, 11, 20),
                owned_at=utc(2026, 11, 21),
                status=RecoveryStatus.OWNED,
            )
        )
    await _round(world, MONDAY_ROUND)
    (p,) = await _pairings(world)
    assert p.customer_id != acme.id and p.customer_id in {c.id for c in world.customers[:5]}
    assert "Acme Corp" not in _said(env.slack.messages("D0EVE")[0])
