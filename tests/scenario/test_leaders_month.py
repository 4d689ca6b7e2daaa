"""A leader's month in KYC (issue 18), end to end: Dana, an executive on Customer Success, from
Monday 23 November to Monday 21 December 2026, through signed Slack requests and the scheduler's
real jobs on the controlled clock, every message delivered to the strict stand-in. The five tips
of seed 003, each in its own steps:
1. back to the floor: a monthly shift in the support queue, confirmed by the host team's lead
   (Lee), done, and what Dana learned told;
2. a key customer's complaint imported from the CRM: Take ownership the next morning, once; top
   of the week's batch and the team told; the recovery call; recovered;
3. a lunch and a customer at our office; a formal customer meeting requested, prepared, recorded
   as 4F, and the charter revised by what the customer changed;
4. Eve of Engineering (no customers) invited by the matchmaking round, joins, Dana accepts, what
   Eve learned is kept;
5. three customers' criticism on one theme: the weekly grouping to the team's lead (Dana), an
   action point, done, Dana told whom to tell; quotes and "acted on" in the digest.
Then the month shows in Dana's figures, and no Slack call failed."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.ids import Action, Block, View, theme_block
from bot.regimen.matchmaking import PairingStatus
from bot.regimen.types import BatchStatus, Channel, ContactKind, RecoveryStatus
from bot.services.roster_import import import_csv
from scheduler import jobs
from storage.models import (
    BatchEntry,
    Contact,
    Customer,
    CustomerMeeting,
    FloorShift,
    MatchPairing,
    Person,
    Recovery,
    TeamCharter,
    ThemeCandidate,
    ThemeStatus,
)
from tests import factories as f
from tests.factories import utc
from tests.scenario.conftest import World
from tests.scenario.forms import click, submitted

TICKS = (
    jobs.morning_tick,
    jobs.planning_tick,
    jobs.floor_tick,
    jobs.matchmaking_tick,
    jobs.themes_tick,
    jobs.meetings_tick,
    jobs.reminders_tick,
    jobs.digest_tick,
)


def _said(messages: Any) -> str:
    return json.dumps(messages, ensure_ascii=False)


def _with(world: World, channel: str, words: str) -> list[dict[str, Any]]:
    return [m for m in world.env.slack.messages(channel) if words in _said(m)]


def _buttons(message: dict[str, Any]) -> dict[str, str]:
    return {
        el["action_id"]: el.get("value", "")
        for b in message["blocks"]
        if b["type"] == "actions"
        for el in b["elements"]
    }


async def _at(world: World, when: datetime) -> None:
    """The clock moves on; every job of the scheduler runs once; the outbox is delivered."""
    world.env.clock.set(when)
    for tick in TICKS:
        await tick(world.env.deps)
    await world.env.deliver()


async def _act(world: World, user: str, action: Action, value: str) -> None:
    await world.env.requests.block_actions(user, click(action, value), channel_id=f"D{user[1:]}")
    await world.env.deliver()


def _opened(world: World, callback_id: View) -> dict[str, Any]:
    view: dict[str, Any] = world.env.slack.calls_to("views.open")[-1].params["view"]
    assert view["callback_id"] == callback_id
    return view


async def _submit(world: World, user: str, view: dict[str, Any], **changes: Any) -> None:
    view_id = f"V_{len(world.env.slack.calls_to('views.open'))}"  # one per modal opened
    answer = await world.env.requests.view_submission(user, submitted(view, view_id, **changes))
    assert answer.status == 200 and answer.text == "", answer.text
    await world.env.deliver()


async def _log(world: World, words: str, **changes: Any) -> None:
    """`/kyc done <words>`, the touchpoint modal submitted."""
    await world.env.requests.slash_command("U0DANA", f"done {words}")
    view = _opened(world, View.CALL)
    await _submit(world, "U0DANA", view, **{Block.SUMMARY.value: "We talked.", **changes})


async def _import_contact(world: World, tmp_path: Path, row: str) -> None:
    """`kyc import contacts`: one row of the CRM's export."""
    path = tmp_path / f"contacts{len(list(tmp_path.iterdir()))}.csv"
    path.write_text(f"external_ref,customer,occurred_at,channel,kind,summary\n{row}\n")
    report = await import_csv(world.env.db, world.env.team_id, "contacts", path)
    assert report.ok, [str(e) for e in report.errors]


async def _one(world: World, model: Any) -> Any:
    async with world.env.db.unit_of_work() as s:
        (row,) = await s.scalars(select(model))
    return row


async def _setup(world: World) -> None:
    """Dana leads Customer Success; Wayne Ent is a key customer; Eve works in Engineering;
    the team has a charter; the weekly digest goes to #cs on Mondays at 16:00 UTC."""
    env = world.env
    env.settings.kyc_digest_channel = "C0CS"
    env.settings.kyc_digest_time = time(16, 0)
    async with env.db.unit_of_work() as s:
        dana = await s.get(Person, world.dana.id)
        wayne = await s.scalar(select(Customer).where(Customer.name == "Wayne Ent"))
        assert dana is not None and wayne is not None
        dana.team_id = world.cs.id
        wayne.key, wayne.external_id = True, "WAYNE-ENT"
        eng = await f.team(s, "Engineering", customer_facing=False)
        await f.person(s, "Eve Chen", slack_user_id="U0EVE", team_id=eng.id)
        s.add(
            TeamCharter(
                workspace_id=f.WS,
                team_id=world.cs.id,
                revision=1,
                purpose="Healthy accounts",
                expectations=[{"expectation": "Answers within a day", "measure": "median reply"}],
                author_id=world.lee.id,
            )
        )
    env.slack.add_user("U0EVE", name="Eve Chen", email=None, tz="America/New_York")
    env.slack.add_channel("C0SUP", "support")  # the bot was invited to #support


# --- 1. Doing the front-line work ---------------------------------------------------------


async def _floor_committed_and_confirmed(world: World) -> FloorShift:
    await world.env.requests.slash_command("U0DANA", "floor")
    view = _opened(world, View.FLOOR)
    await _submit(
        world,
        "U0DANA",
        view,
        floor_cadence="monthly",
        floor_place="support queue",
        floor_team=str(world.cs.id),
    )
    (proposal,) = _with(world, "D0LEE", "would like to do a back-to-the-floor shift")
    shift: FloorShift = await _one(world, FloorShift)
    await _act(world, "U0LEE", Action.FLOOR_CONFIRM, str(shift.id))
    assert _with(world, "D0DANA", "<@U0LEE> confirmed a back-to-the-floor shift")
    return shift


async def _floor_learned(world: World, shift: FloorShift) -> None:
    assert len(_with(world, "D0DANA", "What did you do, and what did you learn?")) == 1
    await _act(world, "U0DANA", Action.FLOOR_REPORT, str(shift.id))
    view = _opened(world, View.FLOOR_REPORT)
    learned = {"floor_did": "Took 30 support calls", "floor_learned": "Refunds take three screens"}
    await _submit(world, "U0DANA", view, **learned)
    done: FloorShift = await _one(world, FloorShift)
    assert (done.status, done.learned) == ("done", "Refunds take three screens")


# --- 2. Owning a complaint ---------------------------------------------------------------


def _offers(world: World) -> list[dict[str, Any]]:
    return _with(world, "D0DANA", Action.TAKE_OWNERSHIP.value)


async def _complaint_owned(world: World) -> Customer:
    (offer,) = _offers(world)
    assert "Wayne Ent" in _said(offer) and "a key customer" in _said(offer)
    await _act(world, "U0DANA", Action.TAKE_OWNERSHIP, _buttons(offer)[Action.TAKE_OWNERSHIP])
    rec: Recovery = await _one(world, Recovery)
    assert rec.status == RecoveryStatus.OWNED and rec.executive_id == world.dana.id
    (post,) = [m for m in world.env.slack.messages("C0CS") if "owns" in m["text"]]
    assert "Wayne Ent" in post["text"]
    async with world.env.db.unit_of_work() as s:
        first = await s.scalar(
            select(BatchEntry)
            .where(BatchEntry.executive_id == world.dana.id, BatchEntry.iso_week == "2026-W48")
            .order_by(BatchEntry.position)
        )
        wayne = await s.get(Customer, rec.customer_id)
    assert first is not None and wayne is not None
    assert first.customer_id == wayne.id and first.status == BatchStatus.PLANNED
    return wayne


# --- 3. Customers meeting us in person --------------------------------------------------


async def _meeting_requested(world: World) -> None:
    await world.env.requests.slash_command("U0DANA", "meeting acme")
    view = _opened(world, View.MEETING_REQUEST)
    await _submit(
        world,
        "U0DANA",
        view,
        meeting_objectives="Learn what Acme expects of us",
        meeting_on="2026-12-03",
        meeting_at="10:00",
        meeting_team=["U0DANA", "U0MO"],
    )


def _assert_prepared(world: World) -> None:
    for dm in ("D0DANA", "D0MO"):
        (prep,) = _with(world, dm, "Preparing")
        for kind in ("War", "Advertisement", "Love-In", "4F meeting"):
            assert f"*{kind}*" in _said(prep["blocks"])
        assert "Answers within a day" in _said(prep["blocks"])  # the charter


async def _meeting_recorded_and_charter_revised(world: World) -> None:
    meeting: CustomerMeeting = await _one(world, CustomerMeeting)
    (ask,) = _with(world, "D0DANA", "How did")
    await _act(world, "U0DANA", Action.RECORD_MEETING, str(meeting.id))
    view = _opened(world, View.MEETING_RECORD)
    await _submit(
        world,
        "U0DANA",
        view,
        meeting_kind="four_f",
        summary="They want one person to stay with their issue",
        meeting_expectation_1="Answer us the same day",
        meeting_match_1="0",
    )
    (proposal,) = _with(world, "C0CS", "changed in our charter")
    assert "Answers within a day → Answer us the same day" in _said(proposal["blocks"])
    await world.env.requests.block_actions(
        "U0MO", click(Action.ACCEPT_CHARTER, str(meeting.id)), channel_id="C0CS"
    )
    async with world.env.db.unit_of_work() as s:
        charters = list(await s.scalars(select(TeamCharter).order_by(TeamCharter.revision)))
        met = list(await s.scalars(select(Contact).where(Contact.channel == Channel.MEETING)))
    assert [(c.revision, c.meeting_id) for c in charters] == [(1, None), (2, meeting.id)]
    assert charters[1].expectations[0]["expectation"] == "Answer us the same day"
    assert {c.executive_id for c in met} == {world.dana.id, world.mo.id} and len(met) == 2
    assert {c.kind for c in met} == {ContactKind.PROACTIVE}


# --- 4. Staff matched with customers ------------------------------------------------------


async def _eve_joins_and_dana_accepts(world: World) -> str:
    (invite,) = _with(world, "D0EVE", "Meet a customer")
    pairing = _buttons(invite)[Action.MATCH_JOIN]
    await _act(world, "U0EVE", Action.MATCH_JOIN, pairing)
    (ask,) = _with(world, "D0DANA", "Eve Chen")
    await _act(world, "U0DANA", Action.MATCH_ACCEPT, _buttons(ask)[Action.MATCH_ACCEPT])
    assert _with(world, "D0EVE", "Dana Whitfield accepted")
    return pairing


async def _eve_learned(world: World, pairing: str) -> None:
    (ask,) = [m for m in world.env.slack.messages("D0EVE") if Action.MATCH_LEARN in _buttons(m)]
    await _act(world, "U0EVE", Action.MATCH_LEARN, pairing)
    view = _opened(world, View.MATCH_LEARNED)
    await _submit(world, "U0EVE", view, **{Block.MATCH_LEARNED: "They print every invoice"})
    p: MatchPairing = await _one(world, MatchPairing)
    assert p.status is PairingStatus.ACCEPTED and p.learned == "They print every invoice"


# --- 5. Insights turning into action --------------------------------------------------------


async def _criticism(world: World, customer: str) -> None:
    await _log(
        world,
        customer,
        **{
            Block.CRITICISM.value: f"The export is slow ({customer})",
            theme_block(Block.CRITICISM): "product",
        },
    )


async def _theme_acted_on_and_done(world: World) -> None:
    (raised,) = _with(world, "D0DANA", "A recurring theme: Product (Customer Success)")
    assert "3 customers raised it" in _said(raised)
    cand: ThemeCandidate = await _one(world, ThemeCandidate)
    assert cand.lead_id == world.dana.id
    await _act(world, "U0DANA", Action.THEME_ACT, str(cand.id))
    view = _opened(world, View.THEME_ACT)
    await _submit(
        world,
        "U0DANA",
        view,
        **{
            Block.ACTION_TEXT.value: "Make the export stream",
            Block.ACTION_OWNER.value: "U0MO",
            Block.ACTION_DUE.value: "2026-12-23",
        },
    )
    await world.env.requests.block_actions(
        "U0MO", click(Action.THEME_DONE, str(cand.id)), channel_id="C0CS"
    )
    await world.env.deliver()
    assert (await _one(world, ThemeCandidate)).status == ThemeStatus.DONE
    (tell,) = _with(world, "D0DANA", "Tell your customers")
    assert "*Acme Corp*, *Globex*, *Initech*" in _said(tell["blocks"])


# --- the month ---------------------------------------------------------------------------


async def test_a_leaders_month_covers_the_five_tips(world: World, tmp_path: Path) -> None:
    env = world.env
    await _setup(world)
    # Sunday evening the CRM has a complaint from Wayne Ent, a key customer.
    await _import_contact(
        world, tmp_path, 'CRM-1,WAYNE-ENT,2026-11-22T20:00:00Z,complaint,reactive,"Invoices wrong"'
    )

    # Monday 23 November, 08:31 in New York: the morning's offer, once.
    await _at(world, utc(2026, 11, 23, 13, 31))
    await _at(world, utc(2026, 11, 23, 13, 45))
    assert len(_offers(world)) == 1
    wayne = await _complaint_owned(world)
    shift = await _floor_committed_and_confirmed(world)
    await _at(world, utc(2026, 11, 23, 14, 0))  # the matchmaking round (Mondays from 10:00 UTC)
    pairing = await _eve_joins_and_dana_accepts(world)
    await _log(world, "lunch acme", **{Block.IN_THEIR_WORDS.value: "Paper is killing us"})
    await _log(world, "office globex")
    async with env.db.unit_of_work() as s:
        met = await s.execute(
            select(Contact.channel, Contact.kind).where(Contact.executive_id == world.dana.id)
        )
    assert set(met) == {
        (Channel.MEAL, ContactKind.PROACTIVE),
        (Channel.OFFICE, ContactKind.PROACTIVE),
    }
    await _meeting_requested(world)

    # Tuesday: Dana calls Wayne; Wednesday, Wayne orders again (not a complaint).
    await _at(world, utc(2026, 11, 24, 15, 0))
    await _log(world, "wayne", **{Block.SUMMARY.value: "Sorry; the invoices are fixed."})
    await _import_contact(
        world, tmp_path, "CRM-2,WAYNE-ENT,2026-11-25T15:00:00Z,order,reactive,Reorder"
    )
    for day in (25, 26, 27):  # the shift, the morning after, what was learned
        await _at(world, utc(2026, 11, day, 14, 0))
    assert shift.day < date(2026, 11, 27)
    rec: Recovery = await _one(world, Recovery)
    assert (rec.status, rec.customer_id) == (RecoveryStatus.RECOVERED, wayne.id)
    await _floor_learned(world, shift)

    await _at(world, utc(2026, 11, 30, 13, 45))  # Monday: the meeting is on Thursday
    _assert_prepared(world)
    await _eve_learned(world, pairing)  # asked this Monday morning, her first workday since
    await _at(world, utc(2026, 12, 3, 16, 5))  # Thursday, after the meeting
    await _meeting_recorded_and_charter_revised(world)

    for day, customer in ((15, "acme"), (16, "globex"), (17, "initech")):
        await _at(world, utc(2026, 12, day, 15, 0))
        await _criticism(world, customer)
    await _at(world, utc(2026, 12, 21, 13, 0))  # Monday: the weekly grouping
    await _theme_acted_on_and_done(world)
    await _at(world, utc(2026, 12, 21, 16, 0))  # the weekly digest

    await _the_month_shows(world)
    assert len(_offers(world)) == 1  # offered once in the whole month
    failed = [(c.method, c.error) for c in env.slack.calls if not c.ok]
    assert failed == []


async def _the_month_shows(world: World) -> None:
    """The weekly digest, Dana's `/kyc stats` and App Home, and two customers' histories."""
    env = world.env
    (digest,) = [m for m in env.slack.messages("C0CS") if m["text"] == "KYC weekly digest 2026-W52"]
    said = _said(digest["blocks"])
    for name in ("acme", "globex", "initech"):
        assert f"“The export is slow ({name})”" in said  # the week's quotes
    assert "*Acted on this quarter:* Product (Customer Success)" in said
    assert "*Engineering*: 1/1 met a customer in 90 days (100%)" in said  # participation
    assert "*Customer Success*: 4F 1 of 1 recorded meeting(s) (100%)" in said
    floor = "Monthly at the support queue with Customer Success · 1 shift done · 0 months missed"
    assert f"*Dana Whitfield* — {floor}" in said

    stats = _said((await env.requests.slash_command("U0DANA", "stats")).json())
    await env.requests.event({"type": "app_home_opened", "user": "U0DANA", "tab": "home"})
    await env.deliver()
    home = _said(env.slack.calls_to("views.publish")[-1].params["view"])
    for shown in (stats, home):
        # lunch, office, the recovery call, two attendees' meeting (hers), three calls: 7
        assert (
            "*100% proactive* — 7 of 7 customer contacts in 30 days were touchpoints you started"
            in shown
        )
        assert f"*Back to the floor:* {floor}" in shown
        assert "next Mon 7 Dec" not in shown  # December's proposal, unanswered, is gone by
        assert "4F 1 of 1 recorded meeting(s) (100%)" in shown
        assert "Complaint to ownership: *18 h* (median)" in shown
        assert "Complaint to first call: *43 h* (median)" in shown
        assert "Complaint to recovery: *2.8 days* (median)" in shown
        assert "Open: *0* · recovered: *1*" in shown
        assert "*Customer themes 2026Q4:* 1 raised · 1 acted on · 1 done" in shown

    await env.requests.slash_command("U0DANA", "customer wayne")
    wayne = _said(_opened(world, View.HISTORY))
    assert "⭐ A key customer" in wayne and "Complaint (reactive)" in wayne
    assert "Call* · Reached · Dana Whitfield" in wayne
    # Wayne's call was a recovery call: no guest on it. Eve met another of Dana's customers.
    assert "Eve Chen" not in wayne
    async with env.db.unit_of_work() as s:
        (met,) = await s.scalars(select(MatchPairing).where(MatchPairing.learned.is_not(None)))
    assert met.customer_name != "Wayne Ent"
    await env.requests.slash_command("U0DANA", f"customer {met.customer_name}")
    visited = _said(_opened(world, View.HISTORY))
    learned = "Eve Chen (Engineering), the week of Mon 23 Nov 2026: They print every invoice"
    assert learned in visited
    await env.requests.slash_command("U0DANA", "customer acme")
    acme = _said(_opened(world, View.HISTORY))
    assert "Lunch or dinner* · Reached · Dana Whitfield" in acme
    assert "Paper is killing us" in acme and "Customer meeting (4F meeting)" in acme
    # The meeting is one entry naming both attendees, not one per attendee.
    assert acme.count("Customer meeting (4F meeting)") == 1
    assert "Meeting* · Reached · Dana Whitfield, Mo Santos" in acme
    assert "Product — Customer Success: said once; done" in acme
