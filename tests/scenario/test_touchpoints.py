"""Every kind of touchpoint, declines without blame, and a customer's history, as Slack sends
and users see them."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.ids import Action, Block, View
from bot.regimen.types import BatchStatus, Channel, ContactKind, ItemStatus, Outcome
from bot.services.morning import run_morning
from bot.services.planning import plan_week
from storage import stats
from storage.models import ActionItem, BatchEntry, Contact
from tests import factories as f
from tests.scenario.calls import call_values, call_view, choice, text
from tests.scenario.conftest import World
from tests.scenario.forms import admin, click


def _texts(world: World) -> str:
    return "\n".join(m.get("text", "") for m in world.env.slack.messages())


def _shown(blocks: Any) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def _opened(world: World, method: str = "views.open") -> dict[str, Any]:
    call = world.env.slack.calls_to(method)[-1]
    assert call.ok, call.error
    view: dict[str, Any] = call.response["view"]
    return view


async def _week(world: World, iso_week: str) -> set[int]:
    env = world.env
    await plan_week(env.db, env.settings, env.team_id, iso_week, as_of=env.clock())
    async with env.db.unit_of_work() as s:
        rows = await s.scalars(
            select(BatchEntry.customer_id).where(
                BatchEntry.iso_week == iso_week,
                BatchEntry.executive_id == world.dana.id,
                BatchEntry.status != BatchStatus.SWAPPED,
            )
        )
        return set(rows)


async def test_a_lunch_is_logged_shown_in_the_history_and_the_brief(world: World) -> None:
    env = world.env
    acme = world.customers[0]
    await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    await env.deliver()

    # `/kyc done lunch acme`: the modal opens on a lunch with Acme.
    await env.requests.slash_command("U0DANA", "done lunch acme")
    modal = _opened(world)
    assert modal["title"]["text"] == "Log a touchpoint"
    kind = next(b for b in modal["blocks"] if b.get("block_id") == Block.KIND)
    assert kind["element"]["initial_option"]["value"] == "meal"
    assert kind["element"]["initial_option"]["text"]["text"] == "Lunch or dinner"

    words = "We are <drowning> in invoices & paper"
    values = call_values(
        acme.id,
        summary="Lunch at their office; they want fewer invoices.",
        **{Block.KIND.value: choice("meal"), Block.IN_THEIR_WORDS.value: text(words)},
    )
    answer = await env.requests.view_submission("U0DANA", call_view(values))
    assert answer.status == 200 and answer.text == ""
    await env.deliver()

    async with env.db.unit_of_work() as s:
        stored = (await s.scalars(select(Contact).where(Contact.customer_id == acme.id))).one()
        entry = (await s.scalars(select(BatchEntry).where(BatchEntry.customer_id == acme.id))).one()
    assert stored.channel == Channel.MEAL and stored.kind == ContactKind.PROACTIVE
    assert stored.in_their_words == words
    assert entry.status == BatchStatus.DONE  # a lunch counts like a call
    assert "Lunch or dinner with Acme Corp logged ✅ 1/5 this week." in _texts(world)

    # It counts in the figures as a proactive contact that reached the customer.
    async with env.db.unit_of_work() as s:
        counts = await stats.contact_counts(
            s, env.team_id, [world.dana.id], env.clock() - timedelta(days=1), env.clock()
        )
        covered = await stats.coverage(
            s, env.team_id, [world.dana.id], env.clock() - timedelta(days=1)
        )
    assert counts[world.dana.id] == {ContactKind.PROACTIVE: 1}
    assert covered[world.dana.id][1] == 1

    # The history shows its kind, who, and their words, escaped.
    await env.requests.slash_command("U0DANA", "customer acme")
    history = _opened(world)
    assert history["callback_id"] == View.HISTORY
    shown = _shown(history["blocks"])
    assert "Lunch or dinner" in shown and "Dana Whitfield" in shown and "Reached" in shown
    assert "We are &lt;drowning&gt; in invoices &amp; paper" in shown

    # The brief: "Last proactive: Lunch or dinner on …", their words, and a History button.
    await env.requests.block_actions("U0DANA", click(Action.BRIEF, str(acme.id)))
    brief = _opened(world)
    assert brief["callback_id"] == View.BRIEF
    shown = _shown(brief["blocks"])
    assert "Last proactive: Lunch or dinner on" in shown
    assert "&lt;drowning&gt;" in shown and "<drowning>" not in shown
    history_button = next(
        e
        for b in brief["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == Action.HISTORY
    )
    # From the brief, the history is pushed over it.
    await env.requests.block_actions(
        "U0DANA", click(Action.HISTORY, history_button["value"]), view=brief
    )
    pushed = _opened(world, "views.push")
    assert pushed["callback_id"] == View.HISTORY
    assert "Lunch or dinner" in _shown(pushed["blocks"])


async def test_a_decline_leaves_the_batch_without_blame_and_comes_back_later(
    world: World,
) -> None:
    env = world.env
    acme = world.customers[0]
    await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    await env.deliver()
    assert acme.id in await _week(world, "2026-W48")

    values = call_values(
        acme.id,
        outcome="declined",
        sentiment=None,
        summary=None,
        **{Block.KIND.value: choice("visit")},
    )
    answer = await env.requests.view_submission("U0DANA", call_view(values))
    assert answer.status == 200 and answer.text == ""  # no summary asked of a decline
    await env.deliver()

    async with env.db.unit_of_work() as s:
        entry = (
            await s.scalars(
                select(BatchEntry).where(
                    BatchEntry.customer_id == acme.id, BatchEntry.iso_week == "2026-W48"
                )
            )
        ).one()
        stored = (await s.scalars(select(Contact).where(Contact.customer_id == acme.id))).one()
    assert entry.status == BatchStatus.SWAPPED  # off this week's list, not a failure
    assert entry.swap_reason == "Declined / not now"
    assert stored.outcome == Outcome.DECLINED and stored.channel == Channel.VISIT
    said = _texts(world)
    assert "Acme Corp said not now — no harm done" in said
    assert "the mark of a busy person" in said and "come round again in 4 weeks" in said

    # A proactive contact in the figures, never a reached one.
    async with env.db.unit_of_work() as s:
        counts = await stats.contact_counts(
            s, env.team_id, [world.dana.id], env.clock() - timedelta(days=1), env.clock()
        )
        covered = await stats.coverage(
            s, env.team_id, [world.dana.id], env.clock() - timedelta(days=1)
        )
        weekly = await stats.weekly_batches(s, env.team_id, [world.dana.id], "2026-W48")
    assert counts[world.dana.id] == {ContactKind.PROACTIVE: 1}
    assert covered[world.dana.id][1] == 0
    assert weekly[world.dana.id] == [("2026-W48", 0, 4)]  # the week's target without it

    # Not before the comeback weeks (KYC_DECLINED_COMEBACK_WEEKS, 4), and back after.
    for iso_week in ("2026-W49", "2026-W50", "2026-W51"):
        env.clock.now += timedelta(weeks=1)
        assert acme.id not in await _week(world, iso_week), iso_week
    env.clock.now += timedelta(weeks=1)
    assert acme.id in await _week(world, "2026-W52")


async def _many_touchpoints(world: World, n: int) -> None:
    acme = world.customers[0]
    kinds = [Channel.CALL, Channel.VISIT, Channel.MEAL, Channel.EVENT, Channel.FLOOR]
    async with world.env.db.unit_of_work() as s:
        for i in range(n):
            c = await f.contact(
                s,
                acme,
                world.env.clock() - timedelta(days=n - i),
                channel=kinds[i % len(kinds)],
                summary=f"touch number {i}",
                executive_id=world.dana.id,
            )
            if i == n - 1:
                s.add(
                    ActionItem(
                        workspace_id=acme.workspace_id,
                        customer_id=acme.id,
                        contact_id=c.id,
                        text="Fix the slow export",
                        status=ItemStatus.OPEN,
                    )
                )


async def test_the_history_pages_through_thirty_five_touchpoints(world: World) -> None:
    env = world.env
    await _many_touchpoints(world, 35)
    # Mo is on Acme's account team (Customer Success): he may read it.
    await env.requests.slash_command("U0MO", "customer ACME corp")
    first = _opened(world)
    shown = _shown(first["blocks"])
    assert "35 contact(s), newest first · page 1 of 4" in shown
    assert "touch number 34" in shown and "touch number 25" in shown
    assert "touch number 24" not in shown
    assert "Open action items" in shown and "Fix the slow export" in shown
    assert len(first["blocks"]) <= 100

    def button(view: dict[str, Any], action: Action) -> dict[str, Any]:
        return next(
            e
            for b in view["blocks"]
            if b["type"] == "actions"
            for e in b["elements"]
            if e["action_id"] == action
        )

    assert [
        e["action_id"] for b in first["blocks"] if b["type"] == "actions" for e in b["elements"]
    ] == [Action.HISTORY_OLDER]
    view = first
    for page in (2, 3, 4):
        older = button(view, Action.HISTORY_OLDER)
        await env.requests.block_actions(
            "U0MO", [{**click(Action.HISTORY_OLDER, older["value"])[0]}], view=view
        )
        view = _opened(world, "views.update")
        assert view["id"] == first["id"]
        assert f"page {page} of 4" in _shown(view["blocks"])
    last = _shown(view["blocks"])
    assert "touch number 0" in last and "touch number 4" in last and "touch number 5" not in last
    assert "Open action items" not in last
    actions = [
        e["action_id"] for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert actions == [Action.HISTORY_NEWER]

    newer = button(view, Action.HISTORY_NEWER)
    await env.requests.block_actions("U0MO", click(Action.HISTORY_NEWER, newer["value"]), view=view)
    assert "page 3 of 4" in _shown(_opened(world, "views.update")["blocks"])


async def test_who_may_read_a_history(world: World) -> None:
    env = world.env
    await _many_touchpoints(world, 3)
    # Raj is another executive, not on Acme's team: politely refused, nothing opened.
    answer = await env.requests.slash_command("U0RAJ", "customer acme")
    assert (
        "open to its executive, their delegate, its account team and KYC admins"
        in (answer.json()["text"])
    )
    assert env.slack.calls_to("views.open") == []
    # …and a page clicked from elsewhere is refused too.
    acme = world.customers[0]
    await env.requests.block_actions(
        "U0RAJ", click(Action.HISTORY_OLDER, f"{acme.id}:1"), view={"id": "V1", "hash": "1"}
    )
    assert env.slack.calls_to("views.update") == []
    # An admin may.
    await admin(world)
    await env.requests.slash_command("U0ADA", "customer acme")
    assert "touch number 2" in _shown(_opened(world)["blocks"])
    # None or several match: said plainly.
    answer = await env.requests.slash_command("U0DANA", "customer zebra")
    assert "No customer on the KYC roster matches “zebra”" in answer.json()["text"]
    answer = await env.requests.slash_command("U0DANA", "customer raj customer")
    said = answer.json()["text"]
    assert "6 customers match “raj customer”" in said and "Type more of the name" in said
    answer = await env.requests.slash_command("U0DANA", "customer")
    assert "Name the customer" in answer.json()["text"]
