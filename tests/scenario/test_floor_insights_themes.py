"""What a leader heard on a back-to-the-floor shift feeds the customer themes: the after-shift
modal has a theme select beside each field; a tagged field is kept as an insight with no
customer. The weekly grouping counts DISTINCT customers and a shift is none: two customers and
a shift raise nothing; a third customer raises the theme, and the lead reads the shift's words
with the customers' as supporting evidence ("3 customers", not 4)."""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import select

from bot.ids import Action, Block, View, theme_block
from bot.services.themes import raise_themes
from storage.models import FloorCommitment, FloorShift, Insight, ThemeCandidate
from tests import factories as f
from tests.factories import utc
from tests.scenario.conftest import World
from tests.scenario.forms import click, submitted

AFTER = utc(2026, 12, 2, 15)  # the day after Dana's shift (Tue 1 Dec)
MONDAY = utc(2026, 12, 7, 12)  # the weekly grouping


async def _shift(world: World) -> int:
    async with world.env.db.unit_of_work() as s:
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
        shift = FloorShift(
            workspace_id=f.WS,
            commitment_id=held.id,
            executive_id=world.dana.id,
            period="2026-12",
            day=date(2026, 12, 1),
            status="confirmed",
            place="support queue",
            host_team_id=world.cs.id,
        )
        s.add(shift)
        await s.flush()
        return shift.id


async def _customer_says(world: World, n: int, text: str) -> None:
    """Customer n of Dana's (Customer Success) says `text`, tagged "process"."""
    async with world.env.db.unit_of_work() as s:
        customer = world.customers[n]
        c = await f.contact(s, customer, utc(2026, 12, 3), criticism=text)
        s.add(
            Insight(
                workspace_id=f.WS,
                customer_id=customer.id,
                contact_id=c.id,
                field="criticism",
                text=text,
                theme="process",
                team_id=world.cs.id,
                created_at=utc(2026, 12, 3),
            )
        )


async def _report(world: World, shift_id: int) -> None:
    env = world.env
    env.clock.set(AFTER)
    await env.requests.block_actions("U0DANA", click(Action.FLOOR_REPORT, str(shift_id)))
    modal = env.slack.calls_to("views.open")[-1].params["view"]
    assert modal["callback_id"] == View.FLOOR_REPORT
    said = json.dumps(modal, ensure_ascii=False)
    assert "supporting evidence" in said
    ids = [b.get("block_id", "") for b in modal["blocks"]]
    fields = (Block.CRITICISM, Block.STRESSED, Block.MAKE_GREAT)
    assert [i for i in ids if i.startswith("theme_")] == [theme_block(b) for b in fields]

    base = {"floor_did": "Took 30 calls", "floor_learned": "Refunds take three screens"}
    wrong = submitted(modal, **base, **{theme_block(Block.MAKE_GREAT): "product"})
    answer = await env.requests.view_submission("U0DANA", wrong)
    assert "Add what you heard" in answer.json()["errors"][theme_block(Block.MAKE_GREAT)]

    right = submitted(
        modal,
        **base,
        criticism="Refunds need three approvals",
        stressed_areas="Month-end",  # not tagged: stays on the shift only
        **{theme_block(Block.CRITICISM): "process"},
    )
    answer = await env.requests.view_submission("U0DANA", right)
    assert answer.status == 200 and not answer.text
    await env.deliver()


async def test_a_shift_supports_a_theme_but_never_counts_as_a_customer(world: World) -> None:
    env = world.env
    await _report(world, await _shift(world))
    async with env.db.unit_of_work() as s:
        (kept,) = await s.scalars(select(Insight))
    assert (kept.customer_id, kept.contact_id, kept.theme, kept.team_id, kept.field) == (
        None,
        None,
        "process",
        world.cs.id,  # a built-in theme: the host team's
        "criticism",
    )
    assert kept.floor_shift_id is not None and kept.text == "Refunds need three approvals"

    await _customer_says(world, 0, "Invoices need three approvals")
    await _customer_says(world, 1, "Approvals are slow")
    assert await raise_themes(env.db, f.WS, now=MONDAY) == 0  # two customers and a shift

    await _customer_says(world, 2, "Too many sign-offs")
    assert await raise_themes(env.db, f.WS, now=MONDAY + timedelta(hours=1)) == 1
    async with env.db.unit_of_work() as s:
        (cand,) = await s.scalars(select(ThemeCandidate))
    assert kept.id in cand.insight_ids and len(cand.insight_ids) == 4
    await env.deliver()
    raised = [
        json.dumps(c.params, ensure_ascii=False)
        for c in env.slack.calls_to("chat.postMessage")
        if "raised it in the last 90 days" in json.dumps(c.params, ensure_ascii=False)
    ]
    assert len(raised) == 1
    assert "3 customers raised it" in raised[0]
    assert (
        "Refunds need three approvals” — *Dana Whitfield's shift at the support queue*"
        in (raised[0])
    )


async def test_a_second_report_replaces_the_first_and_counts_once(world: World) -> None:
    """Dana opens the report again from the DM and corrects it: the shift keeps the second,
    and its insight is the second's alone (no duplicate evidence for the theme)."""
    env = world.env
    shift_id = await _shift(world)
    await _report(world, shift_id)
    await env.requests.block_actions("U0DANA", click(Action.FLOOR_REPORT, str(shift_id)))
    modal = env.slack.calls_to("views.open")[-1].params["view"]
    again = submitted(
        modal,
        "V0AGAIN",  # another modal, not Slack's retry of the first
        floor_did="Took 30 calls",
        floor_learned="Refunds take three screens, and two approvals",
        criticism="Refunds need two approvals",
        **{theme_block(Block.CRITICISM): "process"},
    )
    answer = await env.requests.view_submission("U0DANA", again)
    assert answer.status == 200 and not answer.text
    async with env.db.unit_of_work() as s:
        (kept,) = await s.scalars(select(Insight))
        shift = await s.get(FloorShift, shift_id)
    assert kept.text == "Refunds need two approvals"
    assert shift is not None and shift.learned == "Refunds take three screens, and two approvals"
