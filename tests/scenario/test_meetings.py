"""A team's formal customer meeting, end to end in Slack: `/kyc meeting Acme` (and the brief's
"Request a meeting") opens the request; wrong fields are answered on each; the organiser gets
the invitation (mailto with the objectives and agenda, to the customer's people, and a .ics);
a few days before, each attendee is prepared once, with the four kinds of meeting."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, unquote

import aiohttp
from sqlalchemy import select

from bot.ids import Action, Block, View
from bot.regimen.ics import read_events
from bot.regimen.types import BatchStatus, Channel, ContactKind, Sentiment
from bot.services.meetings.preparation import prepare_all
from storage.models import (
    ActionItem,
    BatchEntry,
    Contact,
    CustomerContact,
    CustomerMeeting,
    Person,
    TeamCharter,
)
from tests import factories as f
from tests.factories import utc
from tests.scenario.conftest import World
from tests.scenario.forms import click, submitted


def _shown(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False)


async def _open_request(world: World, text: str = "acme") -> dict[str, Any]:
    env = world.env
    await env.requests.slash_command("U0DANA", f"meeting {text}")
    opened = env.slack.calls_to("views.open")[-1]
    assert opened.ok
    view: dict[str, Any] = opened.response["view"]
    return view


async def _prepare(world: World) -> int:
    count = await prepare_all(world.env.deps, world.env.team_id)
    await world.env.deliver()
    return count


async def test_a_meeting_is_requested_invited_and_each_attendee_prepared_once(
    world: World,
) -> None:
    env = world.env
    env.settings.kyc_public_url = env.app_url.rsplit("/slack/events", 1)[0]
    acme = world.customers[0]
    async with env.db.unit_of_work() as s:
        s.add(
            CustomerContact(
                workspace_id=f.WS, customer_id=acme.id, name="Jane Roe", email="jane@acme.test"
            )
        )
        await f.contact(
            s,
            acme,
            utc(2026, 10, 2),
            kind=ContactKind.REACTIVE,
            channel=Channel.COMPLAINT,
            sentiment=Sentiment.UNHAPPY,
            summary="Shovelled from person to person",
        )
        s.add(
            TeamCharter(
                workspace_id=f.WS,
                team_id=world.cs.id,
                revision=1,
                purpose="We keep our customers' accounts healthy",
                expectations=[{"expectation": "Answers within a day", "measure": "median reply"}],
            )
        )
    view = await _open_request(world)
    assert view["callback_id"] == View.MEETING_REQUEST
    shown = _shown(view)
    assert "Acme Corp" in shown and "Customer Success" in shown
    # the facilitator's hint says why it may help here
    assert "1 complaint(s)" in shown and "first formal meeting" in shown

    # Objectives missing, a past day: answered on each field, nothing kept.
    answer = await env.requests.view_submission(
        "U0DANA",
        submitted(view, meeting_objectives="", meeting_on="2026-11-20"),
    )
    body = answer.json()
    assert body["response_action"] == "errors"
    assert Block.MEETING_OBJECTIVES in body["errors"]
    assert "past" in body["errors"][Block.MEETING_ON]
    async with env.db.unit_of_work() as s:
        assert list(await s.scalars(select(CustomerMeeting))) == []

    jane = next(o["value"] for o in _contact_options(view) if "Jane Roe" in o["text"]["text"])
    answer = await env.requests.view_submission(
        "U0DANA",
        submitted(
            view,
            meeting_objectives="Learn what you expect of us & <!channel>",
            meeting_agenda="1. Our draft charter\n2. Your needs",
            meeting_on="2026-11-25",
            meeting_at="14:00",
            meeting_team=["U0DANA", "U0MO"],
            meeting_contacts=[jane],
            meeting_customer_attendees="Bob Stone bob@acme.test",
        ),
    )
    assert answer.status == 200 and not answer.text  # closed
    await env.deliver()
    async with env.db.unit_of_work() as s:
        (meeting,) = await s.scalars(select(CustomerMeeting))
    assert meeting.starts_at == utc(2026, 11, 25, 19)  # 14:00 in New York
    assert meeting.team_id == world.cs.id and meeting.minutes == 60
    assert meeting.attendee_ids == [world.dana.id, world.mo.id]

    (invite,) = [m for m in env.slack.messages("D0DANA") if "requested" in (m["text"] or "")]
    urls = [
        el["url"]
        for b in invite["blocks"]
        if b["type"] == "actions"
        for el in b["elements"]
        if "url" in el  # Change… and Cancel meeting are buttons without a link
    ]
    mailto = next(u for u in urls if u.startswith("mailto:"))
    to, _, query = mailto.removeprefix("mailto:").partition("?")
    assert unquote(to) == "jane@acme.test, bob@acme.test"
    fields = {k: v[0] for k, v in parse_qs(query).items()}
    assert fields["subject"] == "Meeting request: Acme Corp and Northwind"
    assert "Learn what you expect of us & <!channel>" in fields["body"]
    assert "1. Our draft charter" in fields["body"]
    assert "Wed 25 Nov 2026 14:00 America/New_York" in fields["body"]
    assert "&lt;!channel&gt;" in _shown(invite["blocks"])  # escaped in Slack
    ics = next(u for u in urls if "/ics/meeting/" in u)
    async with aiohttp.ClientSession() as http:
        async with http.get(ics) as resp:
            assert resp.status == 200
            (event,) = read_events(await resp.text())
        async with http.get(ics.rsplit("/", 1)[0] + "/" + "0" * 32 + ".ics") as resp:
            assert resp.status == 404
    assert event["DTSTART"] == "20261125T190000Z" and event["DTEND"] == "20261125T200000Z"
    assert event["SUMMARY"] == "Meeting: Acme Corp and Northwind"

    # Monday 08:31 in New York, the meeting on Wednesday: within the 3 days, past both nudge
    # times (the default 08:30), so both are prepared now, once.
    assert await _prepare(world) == 2
    assert await _prepare(world) == 0
    for dm in ("D0DANA", "D0MO"):
        (prep,) = [m for m in env.slack.messages(dm) if "Preparing" in (m["text"] or "")]
        text = _shown(prep["blocks"])
        for kind in ("War", "Advertisement", "Love-In", "4F meeting"):
            assert f"*{kind}*" in text
        assert "simplified or eliminated" in text
        assert "Answers within a day" in text and "median reply" in text
        assert "Shovelled from person to person" in text  # the brief
        assert "How to prepare" in text


def _contact_options(view: dict[str, Any]) -> list[dict[str, Any]]:
    block = next(b for b in view["blocks"] if b.get("block_id") == Block.MEETING_CONTACTS)
    options: list[dict[str, Any]] = block["element"]["options"]
    return options


async def test_attendees_are_prepared_days_before_at_their_nudge_time(world: World) -> None:
    env = world.env
    view = await _open_request(world, "glob")
    assert "Globex" in _shown(view)
    answer = await env.requests.view_submission(
        "U0DANA",
        submitted(
            view,
            meeting_objectives="Hear them",
            meeting_on="2026-12-03",  # Thursday
            meeting_at="10:00",
            meeting_team=["U0DANA", "U0RAJ"],
        ),
    )
    assert answer.status == 200
    await env.deliver()
    assert await _prepare(world) == 0  # Monday: too early (3 days before is Monday 30 Nov)
    env.clock.set(utc(2026, 11, 30, 13, 0))  # Monday 30 Nov: 08:00 New York, 18:30 Kolkata
    assert await _prepare(world) == 1  # Raj's nudge time has come, Dana's not yet
    assert [m for m in env.slack.messages("D0RAJ") if "Preparing" in (m["text"] or "")]
    env.clock.set(utc(2026, 11, 30, 13, 45))  # 08:45 New York
    assert await _prepare(world) == 1
    env.clock.set(utc(2026, 12, 2, 13, 45))
    assert await _prepare(world) == 0  # once each


async def test_the_brief_offers_a_meeting_and_strangers_are_refused(world: World) -> None:
    env = world.env
    acme = world.customers[0]
    await env.requests.block_actions(
        "U0DANA",
        click(Action.REQUEST_MEETING, str(acme.id)),
        view={"id": "V0BRIEF", "type": "modal"},
    )
    (pushed,) = env.slack.calls_to("views.push")
    assert pushed.params["view"]["callback_id"] == View.MEETING_REQUEST
    # Raj is not on Acme's team, and Acme is not his
    await env.requests.block_actions(
        "U0RAJ",
        click(Action.REQUEST_MEETING, str(acme.id)),
        view={"id": "V0BRIEF2", "type": "modal"},
    )
    assert len(env.slack.calls_to("views.push")) == 1
    answer = await env.requests.slash_command("U0RAJ", "meeting acme")
    assert "No customer of yours or your team" in answer.text


async def _requested_meeting(world: World) -> CustomerMeeting:
    env = world.env
    view = await _open_request(world)
    answer = await env.requests.view_submission(
        "U0DANA",
        submitted(
            view,
            meeting_objectives="Hear them",
            meeting_on="2026-11-24",
            meeting_at="10:00",
            meeting_team=["U0DANA", "U0MO"],
        ),
    )
    assert answer.status == 200
    async with env.db.unit_of_work() as s:
        (meeting,) = await s.scalars(select(CustomerMeeting))
    return meeting


async def test_after_the_meeting_it_counts_for_everyone_and_customers_revise_the_charter(
    world: World,
) -> None:
    env = world.env
    acme = world.customers[0]
    async with env.db.unit_of_work() as s:
        s.add(
            TeamCharter(
                workspace_id=f.WS,
                team_id=world.cs.id,
                revision=1,
                purpose="Healthy accounts",
                expectations=[
                    {"expectation": "Answers within a day", "measure": "median reply"},
                    {"expectation": "Invoices right first time", "measure": "credit notes"},
                ],
                author_id=world.lee.id,
            )
        )
        s.add(  # Acme is in Dana's week: meeting them settles that slot
            BatchEntry(
                workspace_id=f.WS,
                executive_id=world.dana.id,
                iso_week="2026-W48",
                customer_id=acme.id,
                position=1,
                status=BatchStatus.PLANNED,
            )
        )
    meeting = await _requested_meeting(world)
    await _prepare(world)
    assert not [m for m in env.slack.messages("D0DANA") if "How did" in (m["text"] or "")]
    env.clock.set(utc(2026, 11, 24, 16, 5))  # Tuesday 11:05 in New York: it is over
    await _prepare(world)
    await _prepare(world)
    (ask,) = [m for m in env.slack.messages("D0DANA") if "How did" in (m["text"] or "")]
    button = ask["blocks"][-1]["elements"][0]
    assert button["action_id"] == Action.RECORD_MEETING and button["value"] == str(meeting.id)

    await env.requests.block_actions(
        "U0DANA", click(Action.RECORD_MEETING, str(meeting.id)), channel_id="D0DANA"
    )
    view = env.slack.calls_to("views.open")[-1].response["view"]
    assert view["callback_id"] == View.MEETING_RECORD
    match_1 = next(b for b in view["blocks"] if b.get("block_id") == "meeting_match_1")
    assert [o["value"] for o in match_1["element"]["options"]] == ["new", "0", "1"]
    answer = await env.requests.view_submission(
        "U0DANA", submitted(view, item_text_1="Call them back", meeting_match_2="1")
    )
    errors = answer.json()["errors"]
    assert set(errors) == {Block.MEETING_KIND, "item_owner_1", "meeting_expectation_2"}

    answer = await env.requests.view_submission(
        "U0DANA",
        submitted(
            view,
            meeting_kind="four_f",
            summary="They want one person to stay with their issue",
            meeting_expectation_1="Answer us the same day",
            meeting_match_1="0",
            meeting_expectation_2="One person stays with my issue until it is resolved",
            meeting_simplify_1="The monthly usage report nobody reads",
            item_text_1="Name an advocate for Acme",
            item_owner_1="U0MO",
            item_due_1="2026-12-01",
        ),
    )
    assert answer.status == 200 and not answer.text
    await env.deliver()
    async with env.db.unit_of_work() as s:
        contacts = list(await s.scalars(select(Contact).where(Contact.source == "meeting")))
        items = list(await s.scalars(select(ActionItem).order_by(ActionItem.id)))
        stored = await s.get(CustomerMeeting, meeting.id)
    assert sorted(c.executive_id for c in contacts) == sorted([world.dana.id, world.mo.id])
    async with env.db.unit_of_work() as s:
        (slot,) = await s.scalars(select(BatchEntry).where(BatchEntry.customer_id == acme.id))
    danas = next(c for c in contacts if c.executive_id == world.dana.id)
    assert (slot.status, slot.contact_id) == (BatchStatus.DONE, danas.id)
    assert {(c.kind, c.channel, c.customer_id) for c in contacts} == {
        (ContactKind.PROACTIVE, Channel.MEETING, acme.id)
    }
    assert [i.text for i in items] == [
        "Name an advocate for Acme",
        "Simplify or eliminate: The monthly usage report nobody reads",
    ]
    assert stored is not None and stored.kind == "four_f"
    assert stored.simplify_item_ids == [items[1].id]
    channel = env.slack.messages("C0CS")
    assert any("Dana Whitfield's meeting with Acme Corp" in (m["text"] or "") for m in channel)
    (proposal,) = [m for m in channel if "changed in our charter" in (m["text"] or "")]
    said = _shown(proposal["blocks"])
    assert "➕ One person stays with my issue until it is resolved" in said
    assert "Answers within a day → Answer us the same day" in said
    assert "recorded ✅" in env.slack.messages("D0DANA")[-1]["text"]

    # Edit… opens the charter modal with the proposal; Accept makes it revision 2, once.
    await env.requests.block_actions(
        "U0MO", click(Action.EDIT_PROPOSED_CHARTER, str(meeting.id)), channel_id="C0CS"
    )
    edit = env.slack.calls_to("views.open")[-1].response["view"]
    assert edit["callback_id"] == View.CHARTER
    assert "Answer us the same day" in _shown(edit) and "Acme Corp" in _shown(edit)
    for _ in range(2):
        await env.requests.block_actions(
            "U0MO", click(Action.ACCEPT_CHARTER, str(meeting.id)), channel_id="C0CS"
        )
    await env.deliver()
    async with env.db.unit_of_work() as s:
        revisions = list(await s.scalars(select(TeamCharter).order_by(TeamCharter.revision)))
    assert [(r.revision, r.meeting_id) for r in revisions] == [(1, None), (2, meeting.id)]
    assert revisions[1].expectations == [
        {"expectation": "Answer us the same day", "measure": "median reply"},
        {"expectation": "Invoices right first time", "measure": "credit notes"},
        {"expectation": "One person stays with my issue until it is resolved", "measure": ""},
    ]
    assert revisions[1].author_id == world.mo.id
    told = [_shown(c.params) for c in env.slack.calls_to("chat.postEphemeral")]
    assert any("revision 2" in t and "Accepted ✅" in t for t in told)
    assert any("Accepted already: revision 2" in t for t in told)
    await env.requests.block_actions(
        "U0MO", click(Action.CHARTER_HISTORY, str(world.cs.id)), channel_id="C0CS"
    )
    history = _shown(env.slack.calls_to("views.open")[-1].response["view"])
    assert "What customers changed" in history and "Acme Corp, Tue 24 Nov 2026" in history
    assert "1 prompted by a customer meeting" in history
    # The team's quarter on Mo's App Home: one 4F meeting; one line added, one changed by
    # the customer; the thing to simplify raised, then done.
    await env.requests.block_actions("U0MO", click(Action.ITEM_DONE, str(items[1].id)))
    await env.requests.event({"type": "app_home_opened", "user": "U0MO", "tab": "home"})
    home = _shown(env.slack.calls_to("views.publish")[-1].params["view"])
    assert "Customer meetings, 2026-Q4:* 4F 1 of 1 recorded meeting(s) (100%)" in home
    assert "War 0 · Advertisement 0 · Love-In 0 · 4F meeting 1" in home
    assert "Charter lines customers added 1, changed 1" in home
    assert "Simplify or eliminate: 1 raised, 1 done" in home
    # /kyc stats of an executive on the team shows it too
    async with env.db.unit_of_work() as s:
        dana = await s.get(Person, world.dana.id)
        assert dana is not None
        dana.team_id = world.cs.id
    answer = await env.requests.slash_command("U0DANA", "stats")
    assert "Customer meetings, 2026-Q4:* 4F 1 of 1" in answer.text
    # Raj, of another team, may not accept it
    await env.requests.block_actions(
        "U0RAJ", click(Action.ACCEPT_CHARTER, str(meeting.id)), channel_id="C0CS"
    )
    async with env.db.unit_of_work() as s:
        assert len(list(await s.scalars(select(TeamCharter)))) == 2


async def test_an_admin_sets_how_early_attendees_are_prepared_and_the_job_follows(
    world: World,
) -> None:
    from scheduler.jobs import meetings_tick
    from storage.models import Workspace
    from tests.scenario.forms import admin

    env = world.env
    await admin(world)
    await env.requests.block_actions("U0ADA", click(Action.ADMIN_SETTINGS))
    settings_view = env.slack.calls_to("views.open")[-1].params["view"]
    answer = await env.requests.view_submission(
        "U0ADA", submitted(settings_view, kyc_meeting_prep_days="15")
    )
    assert answer.json()["errors"] == {"kyc_meeting_prep_days": "A whole number from 1 to 14."}
    answer = await env.requests.view_submission(
        "U0ADA", submitted(settings_view, kyc_meeting_prep_days="1")
    )
    assert answer.status == 200 and not answer.text
    async with env.db.unit_of_work() as s:
        ws = await s.get(Workspace, env.team_id)
    assert ws is not None and ws.settings == {"kyc_meeting_prep_days": 1}

    view = await _open_request(world, "glob")
    await env.requests.view_submission(
        "U0DANA",
        submitted(
            view,
            meeting_objectives="Hear them",
            meeting_on="2026-12-03",  # Thursday
            meeting_at="10:00",
            meeting_team=["U0DANA", "U0RAJ"],
        ),
    )
    await env.deliver()

    def prepared() -> list[str]:
        return [
            dm
            for dm in ("D0DANA", "D0RAJ")
            for m in env.slack.messages(dm)
            if "Preparing" in (m["text"] or "")
        ]

    env.clock.set(utc(2026, 11, 30, 13, 45))  # Monday: three days before, not one
    await meetings_tick(env.deps)
    await env.deliver()
    assert prepared() == []
    env.clock.set(utc(2026, 12, 2, 13, 45))  # Wednesday 08:45 New York, 19:15 Kolkata
    await meetings_tick(env.deps)
    await env.deliver()
    assert sorted(prepared()) == ["D0DANA", "D0RAJ"]


async def test_a_meeting_asked_for_an_unknown_name_answers_without_markup(world: World) -> None:
    """What was typed comes back in the answer escaped: `<!here>` pings nobody."""
    answer = await world.env.requests.slash_command("U0DANA", "meeting &lt;!here&gt; &amp; co")
    said = answer.json()["blocks"][0]["text"]["text"]
    assert "“&lt;!here&gt; &amp; co”" in said and "<!here>" not in said
