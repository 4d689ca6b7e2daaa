"""A customer meeting moved or cancelled, through signed requests: Change… on the organiser's
invitation reopens the request filled in; a move redraws the invitation (a new email and a
calendar file with a higher SEQUENCE), tells whoever was prepared, prepares them again only
when the new day's preparation is still to come, and the after-meeting question follows the
new day. Cancel meeting asks why; nobody is prepared or asked any more, whoever was prepared
(and the organiser, when an admin cancels) is told why, and the .ics cancels the event.
Matched guests follow: a guest accepted for a meeting becomes an attendee (prepared with the
others, or at once when accepted later; the record counts it for them), is told of a move,
and loses a cancelled meeting or floor shift once."""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from urllib.parse import parse_qs, unquote

import aiohttp
from sqlalchemy import select

from bot.ids import Action, Block, View
from bot.regimen.ics import read_events, unfold
from bot.regimen.matchmaking import PairingStatus
from bot.regimen.types import Channel, ContactKind
from bot.services.meeting_figures import quarter_figures
from bot.services.meetings.preparation import prepare_all
from scheduler.jobs import matchmaking_tick
from storage.models import Contact, CustomerMeeting, MatchPairing, Person
from tests import factories as f
from tests.factories import utc
from tests.scenario.conftest import World
from tests.scenario.forms import admin, click, submitted
from tests.scenario.test_match_floor_shifts import _setup as floor_setup

MONDAY_ROUND = utc(2026, 11, 23, 10, 30)  # matchmaking's round (05:30 in New York)


def _shown(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False)


def _texts(world: World, dm: str, word: str) -> list[dict[str, Any]]:
    return [m for m in world.env.slack.messages(dm) if word in (m.get("text") or "")]


def _buttons(msg: dict[str, Any]) -> dict[str, str]:
    return {
        el["action_id"]: el.get("value", "") or el.get("url", "")
        for b in msg.get("blocks", [])
        if b["type"] == "actions"
        for el in b["elements"]
    }


async def _prepare(world: World) -> int:
    count = await prepare_all(world.env.deps, world.env.team_id)
    await world.env.deliver()
    return count


async def _request(world: World, on: str, at: str, team: list[str]) -> CustomerMeeting:
    env = world.env
    await env.requests.slash_command("U0DANA", "meeting acme")
    view = env.slack.calls_to("views.open")[-1].response["view"]
    answer = await env.requests.view_submission(
        "U0DANA",
        submitted(
            view,
            meeting_objectives="Learn what you expect of us & <!channel>",
            meeting_on=on,
            meeting_at=at,
            meeting_team=team,
        ),
    )
    assert answer.status == 200 and not answer.text
    await env.deliver()
    async with env.db.unit_of_work() as s:
        (meeting,) = await s.scalars(select(CustomerMeeting))
    return meeting


def _invitation(world: World) -> dict[str, Any]:
    (invite,) = [
        m
        for m in world.env.slack.messages("D0DANA")
        if (m.get("text") or "").startswith("Meeting with Acme Corp")
    ]
    return invite


async def _ics(url: str) -> str:
    async with aiohttp.ClientSession() as http, http.get(url) as resp:
        assert resp.status == 200
        return await resp.text()


async def _change(world: World, user: str, meeting_id: int) -> dict[str, Any] | None:
    env = world.env
    opened = len(env.slack.calls_to("views.open"))
    await env.requests.block_actions(
        user, click(Action.CHANGE_MEETING, str(meeting_id)), channel_id="D0DANA"
    )
    calls = env.slack.calls_to("views.open")
    if len(calls) == opened:
        return None
    view: dict[str, Any] = calls[-1].response["view"]
    return view


async def _stored(world: World, meeting_id: int) -> CustomerMeeting:
    async with world.env.db.unit_of_work() as s:
        meeting = await s.get(CustomerMeeting, meeting_id)
    assert meeting is not None
    return meeting


async def test_the_organiser_moves_a_meeting_and_everyone_follows(world: World) -> None:
    env = world.env
    env.settings.kyc_public_url = env.app_url.rsplit("/slack/events", 1)[0]
    meeting = await _request(world, "2026-11-25", "14:00", ["U0DANA", "U0MO"])
    assert await _prepare(world) == 2  # Monday 08:31 New York: both prepared for Wednesday
    invite = _invitation(world)
    assert _buttons(invite)[Action.CHANGE_MEETING] == str(meeting.id)
    assert _buttons(invite)[Action.CANCEL_MEETING] == str(meeting.id)

    # Raj neither organised it nor is an admin: no modal.
    assert await _change(world, "U0RAJ", meeting.id) is None
    view = await _change(world, "U0DANA", meeting.id)
    assert view is not None and view["callback_id"] == View.MEETING_CHANGE
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert (
        blocks[Block.MEETING_OBJECTIVES]["element"]["initial_value"]
        == "Learn what you expect of us & <!channel>"
    )
    assert blocks[Block.MEETING_ON]["element"]["initial_date"] == "2026-11-25"
    assert blocks[Block.MEETING_AT]["element"]["initial_time"] == "14:00"
    assert blocks[Block.MEETING_AT]["label"]["text"] == "Time (America/New_York)"
    assert blocks[Block.MEETING_TEAM]["element"]["initial_users"] == ["U0DANA", "U0MO"]

    answer = await env.requests.view_submission("U0DANA", submitted(view, meeting_on="2026-11-20"))
    assert "past" in answer.json()["errors"][Block.MEETING_ON]
    assert (await _stored(world, meeting.id)).sequence == 0

    # Two hours later the same day: told, the preparation still holds, none again.
    answer = await env.requests.view_submission("U0DANA", submitted(view, meeting_at="16:00"))
    assert answer.status == 200 and not answer.text
    await env.deliver()
    (moved,) = _texts(world, "D0MO", "moved to")
    said = _shown(moved["blocks"])
    assert "it is now *Wed 25 Nov 2026 16:00 America/New_York*" in said
    assert "(was Wed 25 Nov 2026 14:00 America/New_York)" in said
    assert "still holds" in said
    assert not _texts(world, "D0DANA", "moved to")  # she moved it herself
    assert await _prepare(world) == 0

    # A week later: the invitation redrawn, calendars updated, preparation due again.
    view = await _change(world, "U0DANA", meeting.id)
    assert view is not None
    answer = await env.requests.view_submission(
        "U0DANA", submitted(view, meeting_on="2026-12-03", meeting_at="15:30")
    )
    assert answer.status == 200 and not answer.text
    await env.deliver()
    stored = await _stored(world, meeting.id)
    assert stored.starts_at == utc(2026, 12, 3, 20, 30) and stored.sequence == 2
    invite = _invitation(world)
    assert invite["text"] == "Meeting with Acme Corp moved"
    assert "Thu 3 Dec 2026 15:30 America/New_York" in _shown(invite["blocks"])
    links = [u for u in _buttons(invite).values() if u.startswith(("mailto:", "http"))]
    mailto = next(u for u in links if u.startswith("mailto:"))
    fields = {k: v[0] for k, v in parse_qs(mailto.partition("?")[2]).items()}
    assert fields["subject"].startswith("New time: ")
    assert "Thu 3 Dec 2026 15:30 America/New_York" in unquote(fields["body"])
    text = await _ics(next(u for u in links if "/ics/meeting/" in u))
    (event,) = read_events(text)
    assert event["SEQUENCE"] == "2" and event["DTSTART"] == "20261203T203000Z"
    assert event["STATUS"] == "CONFIRMED"
    moved = _texts(world, "D0MO", "moved to")[-1]
    assert "Thu 3 Dec 2026 15:30" in _shown(moved["blocks"])
    assert "preparation note again" in _shown(moved["blocks"])

    assert await _prepare(world) == 0  # Monday 23: the new day's preparation is a week off
    env.clock.set(utc(2026, 11, 25, 23, 0))  # the old day is over: nothing asked
    assert await _prepare(world) == 0
    assert not _texts(world, "D0DANA", "How did")
    env.clock.set(utc(2026, 11, 30, 13, 45))  # Monday 30 Nov, 08:45 New York
    assert await _prepare(world) == 2
    prep = _texts(world, "D0MO", "Preparing")
    assert len(prep) == 2 and "Thu 3 Dec 2026 15:30" in _shown(prep[-1]["blocks"])
    assert await _prepare(world) == 0

    # Mo is taken off the list, prepared as he was: told he need not come, nothing more.
    view = await _change(world, "U0DANA", meeting.id)
    assert view is not None
    await env.requests.view_submission("U0DANA", submitted(view, meeting_team=["U0DANA"]))
    await env.deliver()
    assert (await _stored(world, meeting.id)).attendee_ids == [world.dana.id]
    (dropped,) = _texts(world, "D0MO", "no longer down")
    assert dropped["text"] == (
        "Dana Whitfield changed the meeting with Acme Corp "
        "(Thu 3 Dec 2026 15:30 America/New_York): you are no longer down to come."
    )
    assert len(_texts(world, "D0MO", "moved to")) == 2  # the time did not change
    env.clock.set(utc(2026, 12, 3, 21, 35))  # after the new time
    assert await _prepare(world) == 1
    (ask,) = _texts(world, "D0DANA", "How did")
    assert "Thu 3 Dec 2026 15:30" in _shown(ask["blocks"])


async def _guest(world: World) -> Person:
    async with world.env.db.unit_of_work() as s:
        eng = await f.team(s, "Engineering", customer_facing=False)
        eve = await f.person(
            s, "Eve Chen", slack_user_id="U0EVE", team_id=eng.id, timezone="Europe/London"
        )
    world.env.slack.add_user("U0EVE", name="Eve Chen", email=None, tz="Europe/London")
    return eve


async def _match(world: World, host: str = "U0DANA", at: Any = MONDAY_ROUND) -> str:
    """The round invites Eve; she joins; the host accepts. The pairing's id."""
    env = world.env
    env.clock.set(at)
    await matchmaking_tick(env.deps)
    await env.deliver()
    invite = env.slack.messages("D0EVE")[-1]
    pairing = _buttons(invite)[Action.MATCH_JOIN]
    for user, action in (("U0EVE", Action.MATCH_JOIN), (host, Action.MATCH_ACCEPT)):
        await env.requests.block_actions(
            user,
            [{"action_id": action.value, "value": pairing, "type": "button", "block_id": "b"}],
            channel_id=f"D{user[1:]}",
        )
        await env.deliver()
    return pairing


async def test_a_guest_accepted_for_a_meeting_is_prepared_and_counted_as_an_attendee(
    world: World,
) -> None:
    env = world.env
    eve = await _guest(world)
    env.clock.set(MONDAY_ROUND)
    meeting = await _request(world, "2026-11-26", "10:00", ["U0DANA", "U0MO"])
    await _match(world)
    stored = await _stored(world, meeting.id)
    assert stored.attendee_ids == [world.dana.id, world.mo.id, eve.id]
    assert not _texts(world, "D0EVE", "Preparing")  # nobody prepared yet: with the others

    env.clock.set(utc(2026, 11, 23, 13, 45))  # Monday 08:45 New York, 13:45 London
    assert await _prepare(world) == 3
    (prep,) = _texts(world, "D0EVE", "Preparing")
    said = _shown(prep["blocks"])
    for kind in ("War", "Advertisement", "Love-In", "4F meeting"):
        assert f"*{kind}*" in said
    assert "How to prepare" in said
    assert await _prepare(world) == 0

    env.clock.set(utc(2026, 11, 26, 16, 0))  # it is over: recorded
    await _prepare(world)
    await env.requests.block_actions(
        "U0DANA", click(Action.RECORD_MEETING, str(meeting.id)), channel_id="D0DANA"
    )
    view = env.slack.calls_to("views.open")[-1].response["view"]
    await env.requests.view_submission("U0DANA", submitted(view, meeting_kind="four_f"))
    await env.deliver()
    async with env.db.unit_of_work() as s:
        contacts = list(await s.scalars(select(Contact).where(Contact.source == "meeting")))
    assert sorted(c.executive_id for c in contacts) == sorted([world.dana.id, world.mo.id, eve.id])
    assert {(c.kind, c.channel) for c in contacts} == {(ContactKind.PROACTIVE, Channel.MEETING)}
    # Joined as a guest and recorded as an attendee: one customer met, not two.
    await env.requests.event({"type": "app_home_opened", "user": "U0EVE", "tab": "home"})
    home = _shown(env.slack.calls_to("views.publish")[-1].params["view"])
    assert "Customers met in the last 90 days: 1" in home


async def test_a_guest_accepted_after_the_others_were_prepared_is_prepared_at_once(
    world: World,
) -> None:
    env = world.env
    await _guest(world)
    env.clock.set(utc(2026, 11, 23, 10, 0))
    await _request(world, "2026-11-26", "10:00", ["U0DANA", "U0MO"])
    env.clock.set(utc(2026, 11, 23, 13, 45))  # Monday 08:45 New York: Dana and Mo prepared
    assert await _prepare(world) == 2
    await _match(world, at=utc(2026, 11, 23, 14, 0))  # the round that day; Dana accepts Eve
    assert len(_texts(world, "D0EVE", "Preparing")) == 1  # at once, not at the next tick
    assert await _prepare(world) == 0


async def test_a_guest_follows_a_moved_meeting_and_an_admin_cancels_it(world: World) -> None:
    env = world.env
    env.settings.kyc_public_url = env.app_url.rsplit("/slack/events", 1)[0]
    eve = await _guest(world)
    env.clock.set(MONDAY_ROUND)
    meeting = await _request(world, "2026-12-03", "10:00", ["U0DANA", "U0MO"])
    await _match(world)

    view = await _change(world, "U0DANA", meeting.id)
    assert view is not None
    await env.requests.view_submission("U0DANA", submitted(view, meeting_on="2026-12-04"))
    await env.deliver()
    async with env.db.unit_of_work() as s:
        (pairing,) = await s.scalars(select(MatchPairing))
    assert (pairing.on, pairing.by) == (date(2026, 12, 4), date(2026, 12, 4))
    (moved,) = _texts(world, "D0EVE", "moved")
    assert moved["text"] == (
        "🗓 A formal customer meeting with Acme Corp moved: it is now Fri 4 Dec 2026 "
        "(was Thu 3 Dec 2026)."
    )
    assert eve.id in (await _stored(world, meeting.id)).attendee_ids  # still coming

    env.clock.set(utc(2026, 12, 1, 13, 45))  # Tuesday: all three prepared for Friday
    assert await _prepare(world) == 3

    await admin(world)
    await env.requests.block_actions(
        "U0ADA", click(Action.CANCEL_MEETING, str(meeting.id)), channel_id="D0DANA"
    )
    cancel = env.slack.calls_to("views.open")[-1].response["view"]
    assert cancel["callback_id"] == View.MEETING_CANCEL
    answer = await env.requests.view_submission(
        "U0ADA", submitted(cancel, meeting_cancel_reason="")
    )
    assert Block.MEETING_CANCEL_REASON in answer.json()["errors"]
    answer = await env.requests.view_submission(
        "U0ADA",
        submitted(cancel, meeting_cancel_reason="<!channel> budget freeze & travel ban"),
    )
    assert answer.status == 200 and not answer.text
    await env.deliver()

    stored = await _stored(world, meeting.id)
    assert stored.cancelled_at is not None
    assert stored.cancel_reason == "<!channel> budget freeze & travel ban"
    for dm in ("D0DANA", "D0MO", "D0EVE"):  # prepared (Dana organised it): told once, why
        (told,) = _texts(world, dm, "is cancelled")
        said = _shown(told["blocks"])
        assert "&lt;!channel&gt; budget freeze &amp; travel ban" in said
        assert "<!channel>" not in said
    assert not [m for m in env.slack.messages("D0EVE") if "cancelled (" in (m["text"] or "")]
    async with env.db.unit_of_work() as s:
        (pairing,) = await s.scalars(select(MatchPairing))
    assert pairing.status is PairingStatus.CANCELLED
    assert not PairingStatus.CANCELLED.counts_for_cadence

    invite = _invitation(world)
    assert invite["text"] == "Meeting with Acme Corp cancelled"
    shown = _shown(invite["blocks"])
    assert "by Ada Quinn: &lt;!channel&gt; budget freeze" in shown
    assert Action.CHANGE_MEETING.value not in shown
    ics = next(u for u in _buttons(invite).values() if "/ics/meeting/" in u)
    text = await _ics(ics)
    assert "METHOD:CANCEL" in unfold(text)
    (event,) = read_events(text)
    assert event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == "2"

    # No preparation, no after-meeting question, no figures; nothing left to change.
    env.clock.set(utc(2026, 12, 4, 20, 0))
    assert await _prepare(world) == 0
    assert not _texts(world, "D0DANA", "How did")
    async with env.db.unit_of_work() as s:
        figures = await quarter_figures(s, f.WS, now=env.deps.now())
    assert all(x.held == 0 for x in figures)
    assert await _change(world, "U0DANA", meeting.id) is None
    opened = len(env.slack.calls_to("views.open"))
    await env.requests.block_actions(
        "U0DANA", click(Action.RECORD_MEETING, str(meeting.id)), channel_id="D0DANA"
    )
    assert len(env.slack.calls_to("views.open")) == opened


async def test_a_guest_loses_a_shift_whose_leader_stopped_going_back_to_the_floor(
    world: World,
) -> None:
    env = world.env
    await floor_setup(world)
    await _match(world)
    async with env.db.unit_of_work() as s:
        (pairing,) = await s.scalars(select(MatchPairing))
    assert pairing.status is PairingStatus.ACCEPTED
    for _ in range(2):
        await env.requests.block_actions("U0DANA", click(Action.FLOOR_STOP))
        await env.deliver()
    async with env.db.unit_of_work() as s:
        (pairing,) = await s.scalars(select(MatchPairing))
    assert pairing.status is PairingStatus.CANCELLED
    (told,) = _texts(world, "D0EVE", "cancelled")
    assert told["text"] == (
        "✖️ Dana Whitfield's shift at the support queue, Tue 1 Dec 2026, is cancelled "
        "(Dana Whitfield stopped going back to the floor). "
        "You will be invited to another customer at a next round."
    )
