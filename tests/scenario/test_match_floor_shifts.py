"""Matchmaking meets back to the floor: Dana's confirmed shift on the support queue is an
opportunity of the weekly round. Eve (Engineering, a team that does not face customers) is
invited to join Dana's shift (no customer named), Dana is asked in words that fit a shift,
accepts, and after the day Eve is asked what she learned on it."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import select

from bot.ids import Action
from bot.regimen.matchmaking import OpportunityKind, PairingStatus
from scheduler.jobs import matchmaking_tick
from storage.models import FloorCommitment, FloorShift, MatchPairing
from tests import factories as f
from tests.factories import utc
from tests.scenario.conftest import World


def _said(msg: dict[str, Any]) -> str:
    return json.dumps(msg.get("blocks", []), ensure_ascii=False) + msg.get("text", "")


def _buttons(msg: dict[str, Any]) -> dict[str, str]:
    return {
        el["action_id"]: el.get("value", "")
        for b in msg.get("blocks", [])
        if b["type"] == "actions"
        for el in b["elements"]
    }


async def _click(world: World, user: str, action: Action, value: str) -> None:
    await world.env.requests.block_actions(
        user,
        [{"action_id": action.value, "value": value, "type": "button", "block_id": "b"}],
        channel_id=f"D{user[1:]}",
    )
    await world.env.deliver()


async def _setup(world: World, *, status: str = "confirmed", day: date = date(2026, 12, 1)) -> None:
    """Eve in Engineering; Dana's shift on the support queue (no customers planned this week)."""
    async with world.env.db.unit_of_work() as s:
        eng = await f.team(s, "Engineering", customer_facing=False)
        await f.person(
            s, "Eve Chen", slack_user_id="U0EVE", team_id=eng.id, timezone="Europe/London"
        )
        held = FloorCommitment(
            workspace_id=f.WS,
            executive_id=world.dana.id,
            cadence="monthly",
            place="support queue",
            host_team_id=world.cs.id,
            started_on=date(2026, 11, 2),
        )
        s.add(held)
        await s.flush()
        s.add(
            FloorShift(
                workspace_id=f.WS,
                commitment_id=held.id,
                executive_id=world.dana.id,
                period="2026-12",
                day=day,
                status=status,
                place="support queue",
                host_team_id=world.cs.id,
            )
        )
    world.env.slack.add_user("U0EVE", name="Eve Chen", email=None, tz="Europe/London")


async def _round(world: World, at: Any) -> None:
    world.env.clock.set(at)
    await matchmaking_tick(world.env.deps)
    await world.env.deliver()


async def test_a_confirmed_shift_invites_a_guest_to_join_the_leader_on_it(world: World) -> None:
    env = world.env
    await _setup(world)
    await _round(world, utc(2026, 11, 23, 10, 30))  # Monday's round; the shift is Tue 1 Dec

    (invite,) = env.slack.messages("D0EVE")
    said = _said(invite)
    assert "join <@U0DANA>'s back-to-the-floor shift at the *support queue*, Tue 1 Dec 2026" in said
    assert "Acme" not in said and " with *" not in said  # no customer named
    assert invite["text"] == "Join Dana Whitfield's shift at the support queue, Tue 1 Dec 2026"
    async with env.db.unit_of_work() as s:
        (p,) = await s.scalars(select(MatchPairing))
    assert (p.kind, p.customer_id, p.host_id, p.ref) == (
        OpportunityKind.FLOOR_SHIFT.value,
        None,
        world.dana.id,
        p.ref,
    )
    assert p.ref.startswith("floor:") and p.on == date(2026, 12, 1)

    pairing = _buttons(invite)[Action.MATCH_JOIN]
    await _click(world, "U0EVE", Action.MATCH_JOIN, pairing)
    ask = env.slack.messages("D0DANA")[-1]
    assert "would like to join your back-to-the-floor shift at the *support queue*" in _said(ask)
    assert ask["text"] == "Eve Chen would like to join your shift at the support queue"

    await _click(world, "U0DANA", Action.MATCH_ACCEPT, pairing)
    told = env.slack.messages("D0EVE")[-1]["text"]
    assert told.startswith(
        "🎉 Dana Whitfield accepted: you join Dana Whitfield's shift at the support queue, "
        "Tue 1 Dec"
    )

    await _round(world, utc(2026, 12, 2, 10, 0))  # the day after: one question
    learn = env.slack.messages("D0EVE")[-1]
    assert "How was the shift at the *support queue* with Dana Whitfield?" in _said(learn)
    async with env.db.unit_of_work() as s:
        (p,) = await s.scalars(select(MatchPairing))
    assert p.status is PairingStatus.ACCEPTED


async def test_a_shift_not_confirmed_or_too_far_ahead_is_no_opportunity(world: World) -> None:
    env = world.env
    await _setup(world, status="proposed")
    await _round(world, utc(2026, 11, 23, 10, 30))
    assert env.slack.messages("D0EVE") == []
    async with env.db.unit_of_work() as s:
        shift = await s.scalar(select(FloorShift))
        assert shift is not None
        shift.status, shift.day = "confirmed", date(2027, 1, 5)  # six weeks ahead
    await _round(world, utc(2026, 11, 23, 11, 0))
    assert env.slack.messages("D0EVE") == []
