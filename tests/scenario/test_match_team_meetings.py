"""Matchmaking meets team customer meetings: Mo's formal meeting with Acme, requested and not
yet held, is an opportunity of the weekly round. Eve (Engineering, a team that does not face
customers) is invited to sit in, Mo (the organiser) accepts; a meeting already recorded, or
more than four weeks ahead, is no opportunity."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.ids import Action
from bot.regimen.matchmaking import OpportunityKind, PairingStatus
from scheduler.jobs import matchmaking_tick
from storage.models import Customer, CustomerMeeting, MatchPairing
from tests import factories as f
from tests.factories import utc
from tests.scenario.conftest import World

MONDAY_ROUND = utc(2026, 11, 23, 10, 30)


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


async def _setup(world: World, starts_at: datetime, *, recorded: bool = False) -> None:
    """Eve in Engineering; Mo's meeting with Acme (Dana has no customer planned this week)."""
    async with world.env.db.unit_of_work() as s:
        eng = await f.team(s, "Engineering", customer_facing=False)
        await f.person(
            s, "Eve Chen", slack_user_id="U0EVE", team_id=eng.id, timezone="Europe/London"
        )
        acme = await s.scalar(select(Customer).where(Customer.name == "Acme Corp"))
        assert acme is not None
        s.add(
            CustomerMeeting(
                workspace_id=f.WS,
                customer_id=acme.id,
                team_id=world.cs.id,
                organiser_id=world.mo.id,
                objectives="Learn what they expect of onboarding",
                starts_at=starts_at,
                timezone="Europe/London",
                attendee_ids=[world.mo.id],
                recorded_at=starts_at + timedelta(hours=1) if recorded else None,
                request_key="meeting-1",
            )
        )
    world.env.slack.add_user("U0EVE", name="Eve Chen", email=None, tz="Europe/London")


async def test_a_team_meeting_invites_a_guest_to_sit_in(world: World) -> None:
    env = world.env
    await _setup(world, utc(2026, 12, 3, 14, 0))  # Thu 3 Dec, 14:00 London
    env.clock.set(MONDAY_ROUND)
    await matchmaking_tick(env.deps)
    await env.deliver()

    (invite,) = env.slack.messages("D0EVE")
    said = _said(invite)
    assert "join <@U0MO> on a formal customer meeting with *Acme Corp*, Thu 3 Dec 2026" in said
    async with env.db.unit_of_work() as s:
        (p,) = await s.scalars(select(MatchPairing))
        acme = await s.scalar(select(Customer).where(Customer.name == "Acme Corp"))
    assert acme is not None
    assert (p.kind, p.customer_id, p.host_id) == (
        OpportunityKind.TEAM_MEETING.value,
        acme.id,
        world.mo.id,
    )
    assert p.ref.startswith("meeting:")

    pairing = _buttons(invite)[Action.MATCH_JOIN]
    await _click(world, "U0EVE", Action.MATCH_JOIN, pairing)
    ask = env.slack.messages("D0MO")[-1]
    assert "Eve Chen" in ask["text"] and "Acme Corp" in ask["text"]
    await _click(world, "U0MO", Action.MATCH_ACCEPT, pairing)
    async with env.db.unit_of_work() as s:
        (p,) = await s.scalars(select(MatchPairing))
    assert p.status is PairingStatus.ACCEPTED


async def test_a_meeting_held_or_far_ahead_is_no_opportunity(world: World) -> None:
    env = world.env
    # Held this morning and recorded already: nobody can join it any more.
    await _setup(world, utc(2026, 11, 23, 8, 0), recorded=True)
    async with env.db.unit_of_work() as s:
        acme = await s.scalar(select(Customer).where(Customer.name == "Acme Corp"))
        assert acme is not None
        s.add(
            CustomerMeeting(
                workspace_id=f.WS,
                customer_id=acme.id,
                team_id=world.cs.id,
                organiser_id=world.mo.id,
                objectives="Next year's plans",
                starts_at=utc(2027, 1, 14, 14, 0),  # seven weeks ahead
                timezone="Europe/London",
                attendee_ids=[world.mo.id],
                request_key="meeting-2",
            )
        )
    env.clock.set(MONDAY_ROUND)
    await matchmaking_tick(env.deps)
    await env.deliver()
    assert env.slack.messages("D0EVE") == []
