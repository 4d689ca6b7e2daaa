"""App Home → Team: a member writes the team's charter, revises it, and reads its history
(what each revision changed); someone of another team may not edit it."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from bot.ids import Action, Block, View
from storage.models import TeamCharter
from tests.scenario.conftest import World
from tests.scenario.forms import click, submitted


async def _open(world: World, user: str, action: Action = Action.EDIT_CHARTER) -> dict[str, Any]:
    env = world.env
    await env.requests.block_actions(user, click(action, str(world.cs.id)))
    opened = env.slack.calls_to("views.open")[-1]
    assert opened.ok
    view: dict[str, Any] = opened.response["view"]
    return view


async def test_a_member_writes_and_revises_the_charter_and_reads_its_history(
    world: World,
) -> None:
    env = world.env
    await env.requests.event({"type": "app_home_opened", "user": "U0MO", "tab": "home"})
    home = env.slack.calls_to("views.publish")[-1].params["view"]
    team_row = next(b for b in home["blocks"] if b.get("block_id") == "team_actions")
    assert [e["action_id"] for e in team_row["elements"]] == [
        Action.EDIT_CHARTER,
        Action.CHARTER_HISTORY,
    ]
    assert "Team: Customer Success" in json.dumps(home)
    view = await _open(world, "U0MO")
    assert view["callback_id"] == View.CHARTER
    answer = await env.requests.view_submission(
        "U0MO", submitted(view, charter_purpose="", charter_measure_1="a measure")
    )
    body = answer.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {Block.CHARTER_PURPOSE, "charter_expectation_1"}

    answer = await env.requests.view_submission(
        "U0MO",
        submitted(
            view,
            charter_purpose="We keep our customers' accounts healthy",
            charter_expectation_1="Answers within a day",
            charter_measure_1="median reply time",
            charter_expectation_2="Invoices right first time",
        ),
    )
    assert "revision 1" in json.dumps(answer.json())
    view = await _open(world, "U0MO")  # prefilled with revision 1
    assert "Answers within a day" in json.dumps(view)
    answer = await env.requests.view_submission(
        "U0MO",
        submitted(
            view,
            charter_measure_1="first reply under 4 hours",
            charter_expectation_2="",
            charter_expectation_3="<!channel> one person stays with my issue",
        ),
    )
    assert "revision 2" in json.dumps(answer.json())
    async with env.db.unit_of_work() as s:
        rows = list(await s.scalars(select(TeamCharter).order_by(TeamCharter.revision)))
    assert [r.revision for r in rows] == [1, 2]
    assert rows[1].expectations == [
        {"expectation": "Answers within a day", "measure": "first reply under 4 hours"},
        {"expectation": "<!channel> one person stays with my issue", "measure": ""},
    ]
    assert rows[0].expectations[1]["expectation"] == "Invoices right first time"  # kept whole
    assert rows[1].author_id == world.mo.id and rows[1].meeting_id is None

    history = await _open(world, "U0MO", Action.CHARTER_HISTORY)
    said = json.dumps(history, ensure_ascii=False)
    assert said.index("Revision 2") < said.index("Revision 1")
    assert "&lt;!channel&gt; one person stays" in said and "<!channel>" not in said
    assert "measured by first reply under 4 hours (was median reply time)" in said
    assert "➖ Invoices right first time" in said
    assert "0 prompted by a customer meeting" in said


async def test_another_team_may_not_edit_the_charter(world: World) -> None:
    env = world.env
    await env.requests.block_actions("U0RAJ", click(Action.EDIT_CHARTER, str(world.cs.id)))
    assert env.slack.calls_to("views.open") == []
    await env.deliver()
    assert "Only members of Customer Success" in env.slack.messages("D0RAJ")[-1]["text"]


async def test_a_proposal_edited_before_saving_is_still_the_customers_change(
    world: World,
) -> None:
    from storage.models import CustomerMeeting
    from tests import factories as f
    from tests.factories import utc

    env = world.env
    async with env.db.unit_of_work() as s:
        meeting = CustomerMeeting(
            workspace_id=f.WS,
            customer_id=world.customers[0].id,
            team_id=world.cs.id,
            organiser_id=world.dana.id,
            objectives="Hear them",
            starts_at=utc(2026, 11, 20, 15),
            minutes=60,
            timezone="America/New_York",
            attendee_ids=[world.dana.id],
            contact_ids=[],
            kind="four_f",
            request_key="view:V0M",
            proposal={
                "purpose": "Healthy accounts",
                "expectations": [{"expectation": "One person stays with us", "measure": ""}],
                "base": 0,
            },
        )
        s.add(meeting)
        await s.flush()
        meeting_id = meeting.id
    await env.requests.block_actions(
        "U0MO", click(Action.EDIT_PROPOSED_CHARTER, str(meeting_id)), channel_id="C0CS"
    )
    view = env.slack.calls_to("views.open")[-1].response["view"]
    assert "Revised after the customer meeting with Acme Corp, Fri 20 Nov 2026" in json.dumps(view)
    answer = await env.requests.view_submission(
        "U0MO", submitted(view, charter_measure_1="hand-offs per case")
    )
    assert "revision 1" in json.dumps(answer.json())
    async with env.db.unit_of_work() as s:
        (row,) = await s.scalars(select(TeamCharter))
    assert row.meeting_id == meeting_id
    assert row.expectations == [
        {"expectation": "One person stays with us", "measure": "hand-offs per case"}
    ]


async def test_saving_the_same_charter_again_makes_no_new_revision(world: World) -> None:
    """Slack's retried submission, a double submit, or Save with nothing changed."""
    env = world.env
    view = await _open(world, "U0MO")
    form = submitted(
        view, charter_purpose="Healthy accounts", charter_expectation_1="Answers within a day"
    )
    for _ in range(2):
        await env.requests.view_submission("U0MO", form)
    again = submitted(
        await _open(world, "U0MO"),
        "V_AGAIN",
        charter_purpose="Healthy accounts",
        charter_expectation_1="Answers within a day",
    )
    await env.requests.view_submission("U0MO", again)
    async with env.db.unit_of_work() as s:
        assert [r.revision for r in await s.scalars(select(TeamCharter))] == [1]


async def test_a_proposal_accepted_after_the_team_revised_the_charter_keeps_both(
    world: World,
) -> None:
    """Drawn from revision 1 (A); the team then saved revision 2 (A, B); accepting the
    meeting's proposal (A, the customer's line) makes revision 3 with all three."""
    from bot.ids import Action
    from storage.models import CustomerMeeting
    from tests import factories as f
    from tests.factories import utc
    from tests.scenario.forms import click

    env = world.env
    a = {"expectation": "A", "measure": "m"}
    async with env.db.unit_of_work() as s:
        s.add(
            TeamCharter(
                workspace_id=f.WS,
                team_id=world.cs.id,
                revision=1,
                purpose="P",
                expectations=[a],
                author_id=world.lee.id,
            )
        )
        meeting = CustomerMeeting(
            workspace_id=f.WS,
            customer_id=world.customers[0].id,
            team_id=world.cs.id,
            organiser_id=world.dana.id,
            objectives="Hear them",
            starts_at=utc(2026, 11, 20, 15),
            timezone="UTC",
            attendee_ids=[world.dana.id],
            request_key="k1",
            proposal={
                "purpose": "P",
                "expectations": [a, {"expectation": "From the customer", "measure": ""}],
                "base": 1,
            },
        )
        s.add(meeting)
        s.add(
            TeamCharter(
                workspace_id=f.WS,
                team_id=world.cs.id,
                revision=2,
                purpose="P",
                expectations=[a, {"expectation": "B by the team", "measure": "x"}],
                author_id=world.lee.id,
            )
        )
    accept = click(Action.ACCEPT_CHARTER, str(meeting.id))
    for _ in range(2):  # a double click: one revision
        await env.requests.block_actions("U0MO", accept, channel_id="C0CS")
    async with env.db.unit_of_work() as s:
        rows = list(await s.scalars(select(TeamCharter).order_by(TeamCharter.revision)))
    assert [r.revision for r in rows] == [1, 2, 3]
    assert [e["expectation"] for e in rows[-1].expectations] == [
        "A",
        "B by the team",
        "From the customer",
    ]
    assert rows[-1].meeting_id == meeting.id
