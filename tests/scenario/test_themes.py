"""Insights into action, as Slack sends it and users see it: insights tagged to a theme in the
call modal are stored; three customers' criticism on the same theme becomes, at the weekly
job, a DM to the team's lead with their words; made an action point it is posted to the team's
channel as a thread; done, each executive is asked to tell their customers what came of it;
dismissed with a reason it stays quiet; each quarter the team is reminded to review it once."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.ids import Action, Block, View, theme_block
from bot.services.report import build_report
from bot.views.digest import build_digest_messages
from scheduler.jobs import themes_tick
from storage.models import Insight, Team, ThemeCandidate, ThemeStatus
from tests import factories as f
from tests.scenario.conftest import World
from tests.scenario.forms import click, submitted


async def _open_call_modal(world: World, customer: str) -> dict[str, Any]:
    env = world.env
    before = len(env.slack.calls_to("views.open"))
    await env.requests.slash_command("U0DANA", f"done {customer}")
    opened = env.slack.calls_to("views.open")
    assert len(opened) == before + 1
    view: dict[str, Any] = opened[-1].params["view"]
    return view


async def _log(world: World, customer: str, n: int, **changes: Any) -> None:
    view = await _open_call_modal(world, customer)
    answer = await world.env.requests.view_submission(
        "U0DANA",
        submitted(view, f"V_CALL_{n}", **{Block.SUMMARY.value: "We talked.", **changes}),
    )
    assert answer.status == 200 and answer.text == "", answer.text


async def _insights(world: World) -> list[tuple[str, str, str | None, int | None, int]]:
    async with world.env.db.unit_of_work() as s:
        rows = await s.scalars(select(Insight).order_by(Insight.id))
        return [(i.field, i.text, i.theme, i.team_id, i.customer_id) for i in rows]


async def _candidates(world: World) -> list[ThemeCandidate]:
    async with world.env.db.unit_of_work() as s:
        return list(await s.scalars(select(ThemeCandidate).order_by(ThemeCandidate.id)))


def _text(messages: list[dict[str, Any]]) -> str:
    return json.dumps(messages, ensure_ascii=False)


async def test_the_call_modal_tags_insights_to_a_theme_and_stores_them(world: World) -> None:
    env = world.env
    async with env.db.unit_of_work() as s:
        cs = await s.get(Team, world.cs.id)
        assert cs is not None
        cs.theme_tags = "onboarding, billing"
    view = await _open_call_modal(world, "acme")
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    select_el = blocks[theme_block(Block.CRITICISM)]["element"]
    offered = [o["value"] for o in select_el["options"]]
    assert offered[:4] == ["product", "process", "policy", "people"]
    assert f"t{world.cs.id}:onboarding" in offered and f"t{world.cs.id}:billing" in offered
    assert Block.IN_THEIR_WORDS.value in blocks and theme_block(Block.IN_THEIR_WORDS) in blocks
    assert len(view["blocks"]) <= 100

    # A theme without words is answered on the theme; nothing is stored.
    answer = await env.requests.view_submission(
        "U0DANA",
        submitted(view, "V_CALL_0", **{theme_block(Block.STRESSED): "process"}),
    )
    body = answer.json()
    assert body["response_action"] == "errors"
    assert "Add what they said" in body["errors"][theme_block(Block.STRESSED)]
    assert await _insights(world) == []

    await _log(
        world,
        "acme",
        1,
        **{
            Block.CRITICISM.value: "Invoices <!channel> arrive late & wrong",
            theme_block(Block.CRITICISM): f"t{world.cs.id}:billing",
            Block.MAKE_GREAT.value: "A named contact",
            Block.IN_THEIR_WORDS.value: "We live and die by the monthly close",
            theme_block(Block.IN_THEIR_WORDS): "process",
        },
    )
    acme = world.customers[0].id
    assert await _insights(world) == [
        ("criticism", "Invoices <!channel> arrive late & wrong", "billing", world.cs.id, acme),
        ("make_it_great", "A named contact", None, None, acme),
        ("in_their_words", "We live and die by the monthly close", "process", world.cs.id, acme),
    ]


async def _three_customers_criticise_the_export(world: World) -> None:
    for n, name in enumerate(("acme", "globex", "initech"), start=1):
        await _log(
            world,
            name,
            n,
            **{
                Block.CRITICISM.value: f"The export is slow ({name}) <b>&</b>",
                theme_block(Block.CRITICISM): "product",
            },
        )
    # A fourth mention by one of them again does not make a fourth customer.
    await _log(
        world,
        "acme",
        9,
        **{Block.STRESSED.value: "Export again", theme_block(Block.STRESSED): "product"},
    )


async def _raise(world: World) -> dict[str, Any]:
    """The weekly job (Monday); the lead's DM."""
    env = world.env
    await themes_tick(env.deps)
    await env.deliver()
    dms = [m for m in env.slack.messages("D0LEE") if "recurring theme" in m["text"]]
    assert len(dms) == 1
    return dms[0]


async def test_three_customers_on_one_theme_reach_the_lead_who_makes_it_an_action_point(
    world: World,
) -> None:
    env = world.env
    await _log(
        world,
        "acme",
        20,
        **{Block.CRITICISM.value: "Slow export", theme_block(Block.CRITICISM): "product"},
    )
    await themes_tick(env.deps)  # one customer: nothing yet
    assert await _candidates(world) == []

    await _three_customers_criticise_the_export(world)
    dm = await _raise(world)
    shown = _text(dm["blocks"])
    assert "A recurring theme: Product (Customer Success)" in shown
    assert "3 customers raised it" in shown
    for name in ("Acme Corp", "Globex", "Initech"):
        assert f"*{name}*" in shown
    assert "The export is slow (globex) &lt;b&gt;&amp;&lt;/b&gt;" in shown  # escaped quotes
    (cand,) = await _candidates(world)
    assert cand.status == ThemeStatus.RAISED and cand.lead_id == world.lee.id

    # Run again (another tick, next week): the open theme is not raised twice.
    await themes_tick(env.deps)
    env.clock.set(env.clock() + timedelta(days=7))
    await themes_tick(env.deps)
    await env.deliver()
    assert len(await _candidates(world)) == 1
    assert len([m for m in env.slack.messages("D0LEE") if "recurring theme" in m["text"]]) == 1

    # Lee makes it an action point, owned by Mo.
    await env.requests.block_actions("U0LEE", click(Action.THEME_ACT, str(cand.id)))
    modal = env.slack.calls_to("views.open")[-1].params["view"]
    assert modal["callback_id"] == View.THEME_ACT
    answer = await env.requests.view_submission(
        "U0LEE",
        submitted(
            modal,
            "V_ACT",
            **{
                Block.ACTION_TEXT.value: "Make the export stream <!here>",
                Block.ACTION_OWNER.value: "U0MO",
                Block.ACTION_DUE.value: "2026-12-18",
            },
        ),
    )
    assert answer.status == 200 and answer.text == ""
    await env.deliver()
    (cand,) = await _candidates(world)
    assert cand.status == ThemeStatus.ACTION and cand.owner_id == world.mo.id
    thread = env.slack.messages("C0CS")
    parent = next(m for m in thread if "Action point on a recurring theme" in m["text"])
    replies = [m for m in thread if m.get("thread_ts") == parent["ts"]]
    assert len(replies) == 1
    reply = _text(replies[0]["blocks"])
    assert "Make the export stream &lt;!here&gt;" in reply and "<@U0MO>" in reply
    assert "Fri 18 Dec 2026" in reply
    # The lead's DM now says what became of it, without its buttons.
    updates = [
        c for c in env.slack.calls_to("chat.update") if "Made an action point" in _text([c.params])
    ]
    assert updates and Action.THEME_ACT.value not in _text([updates[-1].params])

    # Mo marks it done in the thread: the thread says so; Dana (all three are hers) is asked,
    # in one DM, to tell Acme, Globex and Initech what came of it.
    await env.requests.block_actions(
        "U0MO", click(Action.THEME_DONE, str(cand.id)), channel_id="C0CS"
    )
    await env.requests.block_actions(
        "U0MO", click(Action.THEME_DONE, str(cand.id)), channel_id="C0CS"
    )  # a double click
    await env.deliver()
    (cand,) = await _candidates(world)
    assert cand.status == ThemeStatus.DONE and cand.done_by_id == world.mo.id
    tell = [m for m in env.slack.messages("D0DANA") if "Tell your customers" in m["text"]]
    assert len(tell) == 1
    said = _text(tell[0]["blocks"])
    assert "*Acme Corp*, *Globex*, *Initech*" in said and "Make the export stream" in said
    notes = [m for m in env.slack.messages("C0CS") if m.get("thread_ts") == parent["ts"]]
    assert [m["text"] for m in notes[1:]] == [
        "Action point done: Make the export stream <!here>".replace("<", "&lt;").replace(
            ">", "&gt;"
        )
    ]

    # The digest quotes the customers and lists the theme acted on this quarter.
    report = await build_report(env.db, env.settings, env.team_id, now=env.clock())
    digest = _text(build_digest_messages(report))
    assert "*Acted on this quarter:* Product (Customer Success)" in digest
    assert "1 raised · 1 acted on · 1 done" in digest


async def test_a_dismissed_theme_keeps_its_reason_and_stays_quiet(world: World) -> None:
    env = world.env
    await _three_customers_criticise_the_export(world)
    dm = await _raise(world)
    (cand,) = await _candidates(world)
    # Raj is no lead of Customer Success: he may not decide on it.
    await env.requests.block_actions("U0RAJ", click(Action.THEME_DISMISS, str(cand.id)))
    await env.deliver()
    assert not [c for c in env.slack.calls_to("views.open") if "Dismiss" in _text([c.params])]
    assert "Only the team's lead" in _text([c.params for c in env.slack.calls])

    # The digest quotes what the customers said, with their names, escaped; no word counts.
    report = await build_report(env.db, env.settings, env.team_id, now=env.clock())
    digest = _text(build_digest_messages(report))
    assert "“The export is slow (globex) &lt;b&gt;&amp;&lt;/b&gt;” — *Globex* (criticism)" in digest
    assert "“Export again” — *Acme Corp* (stressed)" in digest
    assert "export (" not in digest

    await env.requests.block_actions("U0LEE", click(Action.THEME_DISMISS, str(cand.id)))
    modal = env.slack.calls_to("views.open")[-1].params["view"]
    assert modal["callback_id"] == View.THEME_DISMISS
    answer = await env.requests.view_submission("U0LEE", submitted(modal, "V_DIS0"))
    assert answer.json()["response_action"] == "errors"  # a reason is needed
    answer = await env.requests.view_submission(
        "U0LEE", submitted(modal, "V_DIS", **{Block.REASON.value: "The new export ships in Q1"})
    )
    assert answer.status == 200 and answer.text == ""
    (cand,) = await _candidates(world)
    assert cand.status == ThemeStatus.DISMISSED
    assert cand.dismissed_reason == "The new export ships in Q1"
    assert cand.dismissed_by_id == world.lee.id
    await env.deliver()
    updated = _text([c.params for c in env.slack.calls_to("chat.update")])
    assert "Dismissed by Lee Park: The new export ships in Q1" in updated
    assert dm["ts"] in updated  # the lead's DM itself

    # Next Monday the same words do not raise it again.
    env.clock.set(env.clock() + timedelta(days=7))
    await themes_tick(env.deps)
    assert len(await _candidates(world)) == 1


async def test_each_quarter_a_team_is_reminded_once_to_review_its_open_themes(
    world: World,
) -> None:
    env = world.env
    await _three_customers_criticise_the_export(world)
    await _raise(world)
    await themes_tick(env.deps)
    await env.deliver()
    assert not [m for m in env.slack.messages("C0CS") if "review" in m["text"]]  # raised in Q4

    # Not at midnight on New Year's Day, nor on Saturday: from the nudge time of a workday.
    for quiet in (f.utc(2027, 1, 1, 0, 30), f.utc(2027, 1, 2, 13, 0)):
        env.clock.set(quiet)
        await themes_tick(env.deps)
        await env.deliver()
        assert not [m for m in env.slack.messages("C0CS") if "review" in m["text"]]

    env.clock.set(f.utc(2027, 1, 4, 13, 0))  # a Monday of Q1
    for _ in range(3):
        await themes_tick(env.deps)
    await env.deliver()
    reviews = [m for m in env.slack.messages("C0CS") if "review" in m["text"]]
    assert len(reviews) == 1
    shown = _text(reviews[0]["blocks"])
    assert "2027Q1" in shown and "*Product* — waiting for a decision, 3 customers" in shown


async def test_an_admin_gives_a_team_its_own_theme_tags_in_slack_and_by_csv(
    world: World, tmp_path: Any
) -> None:
    from bot.services.roster_import import import_csv
    from tests.scenario.forms import admin
    from tests.scenario.test_roster_admin import _form, _save

    env = world.env
    await admin(world)
    form = await _form(world, Action.ADMIN_TEAMS, world.support.id)
    body = await _save(world, form, theme_tags="Product, refunds")
    assert "every team has" in body["errors"]["theme_tags"]  # a built-in is no team tag
    await _save(world, form, theme_tags=" Refunds ,  SLA breaches,refunds")
    async with env.db.unit_of_work() as s:
        support = await s.get(Team, world.support.id)
        assert support is not None and support.theme_tags == "refunds, sla breaches"
    again = await _form(world, Action.ADMIN_TEAMS, world.support.id)
    assert "refunds, sla breaches" in _text([again])  # the form shows what is stored

    # The teams CSV sets them too; a bad cell is file:line: column: problem, nothing written.
    bad = tmp_path / "teams.csv"
    bad.write_text("name,theme_tags\nCustomer Success," + "x" * 31 + "\n")
    report = await import_csv(env.db, env.team_id, "teams", bad)
    assert not report.ok and "theme_tags" in str(report.errors[0])
    good = tmp_path / "teams_ok.csv"
    good.write_text('name,theme_tags\nCustomer Success,"Onboarding, renewals"\n')
    assert (await import_csv(env.db, env.team_id, "teams", good)).ok

    view = await _open_call_modal(world, "acme")
    offered = {
        o["value"]: o["text"]["text"]
        for o in next(
            b for b in view["blocks"] if b.get("block_id") == theme_block(Block.CRITICISM)
        )["element"]["options"]
    }
    assert offered[f"t{world.support.id}:sla breaches"] == "sla breaches (Support)"
    assert offered[f"t{world.cs.id}:renewals"] == "renewals (Customer Success)"
