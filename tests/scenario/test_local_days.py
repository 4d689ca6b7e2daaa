"""What people read in Slack carries their own days and times, not UTC's: a complaint at
23:30 in New York on Monday (04:30 UTC on Tuesday) is Monday's to Dana in New York and
Tuesday's to a reader in Kolkata; a meeting at 10:00 in New York is 20:30 to Raj in Kolkata."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.ids import Action
from bot.regimen.types import Channel, ContactKind, RecoveryStatus
from bot.services.meetings.preparation import prepare_all
from bot.services.morning import run_morning
from bot.services.roster_import import import_csv
from storage.models import Customer, CustomerMeeting, Person, Recovery, TeamCharter
from tests import factories as f
from tests.factories import utc
from tests.scenario.conftest import World
from tests.scenario.forms import click, submitted

LATE_MONDAY = utc(2026, 11, 24, 4, 30)  # Mon 23 Nov 23:30 in New York, Tue 10:00 in Kolkata


def _shown(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False)


def _opened(world: World) -> dict[str, Any]:
    call = world.env.slack.calls_to("views.open")[-1]
    assert call.ok, call.error
    view: dict[str, Any] = call.response["view"]
    return view


async def _set_timezone(world: World, person: Person, tz: str) -> None:
    async with world.env.db.unit_of_work() as s:
        row = await s.get(Person, person.id)
        assert row is not None
        row.timezone = tz


async def test_the_recovery_offer_and_the_history_give_each_reader_their_own_day(
    world: World, tmp_path: Path
) -> None:
    env = world.env
    async with env.db.unit_of_work() as s:
        wayne = await s.scalar(select(Customer).where(Customer.name == "Wayne Ent"))
        assert wayne is not None
        wayne.key = True
        wayne.external_id = "WAYNE-ENT"
    path = tmp_path / "complaint.csv"
    path.write_text(
        "external_ref,customer,occurred_at,channel,kind,summary\n"
        "CRM-9,WAYNE-ENT,2026-11-24T04:30:00Z,complaint,reactive,Invoices wrong\n",
        encoding="utf-8",
    )
    report = await import_csv(env.db, env.team_id, "contacts", path)
    assert report.ok, [str(e) for e in report.errors]
    env.clock.set(utc(2026, 11, 24, 13, 31))  # Tuesday 08:31 in New York
    await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    await env.deliver()
    (offer,) = [m for m in env.slack.messages("D0DANA") if Action.TAKE_OWNERSHIP.value in _shown(m)]
    assert "a complaint on Mon 23 Nov 2026." in _shown(offer["blocks"])  # Dana's Monday
    async with env.db.unit_of_work() as s:
        (rec,) = await s.scalars(select(Recovery))
    assert rec.status == RecoveryStatus.OFFERED

    # Dana (New York) reads the history: Monday. Mo, on the account team, in Kolkata: Tuesday.
    await env.requests.slash_command("U0DANA", "customer wayne")
    dana_reads = _shown(_opened(world)["blocks"])
    assert "*Mon 23 Nov 2026 · Complaint" in dana_reads
    assert "Complaint of Mon 23 Nov 2026 offered to Dana Whitfield" in dana_reads
    await _set_timezone(world, world.mo, "Asia/Kolkata")
    await env.requests.slash_command("U0MO", "customer wayne")
    mo_reads = _shown(_opened(world)["blocks"])
    assert "*Tue 24 Nov 2026 · Complaint" in mo_reads
    assert "Complaint of Tue 24 Nov 2026 offered to Dana Whitfield" in mo_reads


async def test_the_charter_history_dates_a_revision_on_the_readers_day(world: World) -> None:
    env = world.env
    await _set_timezone(world, world.mo, "America/New_York")
    async with env.db.unit_of_work() as s:
        s.add(
            TeamCharter(
                workspace_id=f.WS,
                team_id=world.cs.id,
                revision=1,
                purpose="We keep our customers' accounts healthy",
                expectations=[],
                author_id=world.mo.id,
                created_at=LATE_MONDAY,
            )
        )
    await env.requests.block_actions("U0MO", click(Action.CHARTER_HISTORY, str(world.cs.id)))
    said = _shown(_opened(world))
    assert "*Revision 1* · Mon 23 Nov 2026" in said


async def test_each_attendee_is_prepared_with_the_time_and_days_of_their_own_zone(
    world: World,
) -> None:
    env = world.env
    globex = world.customers[1]
    async with env.db.unit_of_work() as s:
        await f.contact(s, globex, utc(2026, 11, 20, 4, 30), summary="Renewal talk")
        await f.contact(
            s,
            globex,
            utc(2026, 11, 21, 4, 30),
            kind=ContactKind.REACTIVE,
            channel=Channel.EMAIL,
            summary="A question",
        )
    await env.requests.slash_command("U0DANA", "meeting glob")
    view = _opened(world)
    answer = await env.requests.view_submission(
        "U0DANA",
        submitted(
            view,
            meeting_objectives="Hear them",
            meeting_on="2026-12-03",  # Thursday, 10:00 in New York
            meeting_at="10:00",
            meeting_team=["U0DANA", "U0RAJ"],
        ),
    )
    assert answer.status == 200
    await env.deliver()
    env.clock.set(utc(2026, 11, 30, 13, 45))  # Monday 08:45 New York, 19:15 Kolkata
    assert await prepare_all(env.deps, env.team_id) == 2
    await env.deliver()

    def prep(dm: str) -> str:
        (message,) = [m for m in env.slack.messages(dm) if "Preparing" in (m["text"] or "")]
        return _shown(message["blocks"])

    dana, raj = prep("D0DANA"), prep("D0RAJ")
    assert "Thu 3 Dec 2026 10:00 America/New_York" in dana
    assert "(10:00 America/New_York)" not in dana
    assert "Last proactive contact: Thu 19 Nov 2026" in dana  # 23:30 in New York
    assert "Since then, email on 20 Nov" in dana
    assert "Thu 3 Dec 2026 20:30 Asia/Kolkata (10:00 America/New_York)" in raj
    assert "Last proactive contact: Fri 20 Nov 2026" in raj  # 10:00 in Kolkata
    assert "Since then, email on 21 Nov" in raj

    # Moved an hour later, then cancelled: Raj is told both in Kolkata's time.
    async with env.db.unit_of_work() as s:
        (meeting_id,) = await s.scalars(select(CustomerMeeting.id))
    await env.requests.block_actions(
        "U0DANA", click(Action.CHANGE_MEETING, str(meeting_id)), channel_id="D0DANA"
    )
    answer = await env.requests.view_submission(
        "U0DANA", submitted(_opened(world), meeting_at="11:00")
    )
    assert answer.status == 200
    await env.deliver()
    (moved,) = [m for m in env.slack.messages("D0RAJ") if "moved to" in (m["text"] or "")]
    said = _shown(moved["blocks"])
    assert "Thu 3 Dec 2026 21:30 Asia/Kolkata (11:00 America/New_York)" in said
    assert "(was Thu 3 Dec 2026 20:30 Asia/Kolkata (10:00 America/New_York))" in said
    await env.requests.block_actions(
        "U0DANA", click(Action.CANCEL_MEETING, str(meeting_id)), channel_id="D0DANA"
    )
    await env.requests.view_submission(
        "U0DANA", submitted(_opened(world), meeting_cancel_reason="Budget freeze")
    )
    await env.deliver()
    (cancelled,) = [m for m in env.slack.messages("D0RAJ") if "cancel" in _shown(m).lower()]
    assert "Thu 3 Dec 2026 21:30 Asia/Kolkata (11:00 America/New_York)" in _shown(cancelled)
