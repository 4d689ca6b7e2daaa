"""The follow-up emails as Slack sends and users see them: after a voicemail and after a
reached call, each opening in the executive's email client, with the .ics of the slots."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
from sqlalchemy import select

from bot.ids import Action
from bot.regimen.ics import read_events, starts_of
from bot.services.ics_links import ICS_LINK_DAYS
from bot.services.morning import run_morning
from storage.models import Contact, Customer, Person
from tests.scenario.calls import call_values, call_view, day, user
from tests.scenario.conftest import World


def click(action: Action, value: str) -> list[dict[str, str]]:
    return [{"action_id": action.value, "value": value, "type": "button", "block_id": "b"}]


def buttons(view: dict[str, Any]) -> list[dict[str, Any]]:
    return next(b for b in view["blocks"] if b["type"] == "actions")["elements"]


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


async def _voicemail(world: World, *, public: bool = True) -> dict[str, Any]:
    env = world.env
    if public:
        env.settings.kyc_public_url = env.app_url.rsplit("/slack/events", 1)[0]
    async with env.db.unit_of_work() as s:
        acme = await s.get(Customer, world.customers[0].id)
        assert acme is not None
        acme.contact_email, acme.contact_name, acme.timezone = (
            "jane@acme.test",
            "Jane Roe",
            "Asia/Tokyo",
        )
    await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    await env.deliver()
    await env.requests.block_actions(
        "U0DANA", click(Action.VOICEMAIL, str(world.customers[0].id)), channel_id="D0DANA"
    )
    (opened,) = env.slack.calls_to("views.open")
    assert opened.ok
    view: dict[str, Any] = opened.response["view"]
    return view


async def test_after_a_voicemail_the_email_opens_in_the_mail_app_gmail_or_outlook(
    world: World,
) -> None:
    view = await _voicemail(world)
    links = buttons(view)
    assert [b["text"]["text"] for b in links][:3] == [
        "Open in Mail app",
        "Open in Gmail",
        "Open in Outlook",
    ]
    gmail = query(links[1]["url"])
    assert gmail["to"] == "jane@acme.test"
    assert gmail["su"].startswith("Following up on my call — Dana Whitfield, Northwind")
    assert gmail["body"].startswith("Hi Jane,\n\nI just tried to call you")
    # Monday 23 Nov in New York: three slots, Dana's time and Tokyo's
    assert (
        "- Tuesday 24 November, 10:00 EST — Wednesday 25 November, 00:00 JST your time"
        in (gmail["body"])
    )
    # a link button's click still reaches the app, which acks it
    answer = await world.env.requests.block_actions(
        "U0DANA",
        [{"action_id": links[1]["action_id"], "type": "button", "block_id": "b"}],
        view=view,
    )
    assert answer.status == 200


async def test_the_chosen_email_client_comes_first_and_is_remembered(world: World) -> None:
    env = world.env
    view = await _voicemail(world)
    select_action = {
        "action_id": Action.EMAIL_CLIENT.value,
        "type": "static_select",
        "block_id": "client",
        "selected_option": {"value": "outlook"},
    }
    await env.requests.block_actions("U0DANA", [select_action], view=view)
    (updated,) = env.slack.calls_to("views.update")
    assert updated.ok
    assert buttons(updated.params["view"])[0]["text"]["text"] == "Open in Outlook"
    async with env.db.unit_of_work() as s:
        dana = await s.get(Person, world.dana.id)
        assert dana is not None and dana.email_client == "outlook"
        assert len(list(await s.scalars(select(Contact)))) == 1  # the choice logged nothing
    # the next email opens with Outlook first
    await env.requests.block_actions(
        "U0DANA", click(Action.VOICEMAIL, str(world.customers[1].id)), channel_id="D0DANA"
    )
    assert buttons(env.slack.calls_to("views.open")[-1].params["view"])[0]["text"]["text"] == (
        "Open in Outlook"
    )


async def test_the_ics_link_serves_the_slots_and_refuses_a_changed_or_old_link(
    world: World,
) -> None:
    view = await _voicemail(world)
    ics = next(b for b in buttons(view) if b["action_id"] == Action.ICS.value)["url"]
    async with aiohttp.ClientSession() as http:
        async with http.get(ics) as resp:
            assert resp.status == 200
            assert resp.headers["Content-Type"].startswith("text/calendar")
            text = await resp.text()
        events = read_events(text)
        assert len(events) == 3
        assert events[0]["DTSTART"] == "20261124T150000Z"  # Tuesday 10:00 in New York
        assert "Acme Corp" in events[0]["SUMMARY"]
        assert starts_of(events)[0].isoformat() == "2026-11-24T15:00:00+00:00"
        base, signature = ics.rsplit("/", 1)
        head, slots = base.rsplit("/", 1)
        first, rest = slots.split("-", 1)
        moved = f"{head}/{int(first) + 60}-{rest}"
        tampered = [
            base + "/" + "0" * 32 + ".ics",  # another signature
            moved + "/" + signature,  # a slot moved an hour
            ics.replace(f"/{world.customers[0].id}/", f"/{world.customers[1].id}/"),
        ]
        for url in tampered:
            async with http.get(url) as resp:
                assert resp.status == 404, url
        world.env.clock.set(world.env.clock() + timedelta(days=ICS_LINK_DAYS, minutes=1))
        async with http.get(ics) as resp:
            assert resp.status == 410


async def test_without_a_public_url_the_modal_says_the_ics_needs_one(world: World) -> None:
    world.env.settings.kyc_public_url = None
    view = await _voicemail(world, public=False)
    assert all(b["action_id"] != Action.ICS.value for b in buttons(view))
    assert "KYC_PUBLIC_URL" in json.dumps(view)


async def test_after_a_reached_call_the_recap_email_lists_the_items_and_who_follows_up(
    world: World,
) -> None:
    env = world.env
    await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    await env.deliver()
    values = call_values(
        world.customers[0].id,
        items=[("Fix the slow export", "U0MO", "2026-11-30"), ("Send roadmap", "U0LEE", None)],
        follow_up_owner=user("U0MO"),
        follow_up_on=day("2026-12-02"),
    )
    await env.requests.view_submission("U0DANA", call_view(values))
    await env.deliver()
    confirm = env.slack.messages("D0DANA")[-1]
    recap_button = confirm["blocks"][-1]["elements"][0]
    assert recap_button["text"]["text"] == "Email the recap"
    await env.requests.block_actions(
        "U0DANA",
        [
            {
                "action_id": recap_button["action_id"],
                "value": recap_button["value"],
                "type": "button",
            }
        ],
        channel_id="D0DANA",
    )
    (opened,) = env.slack.calls_to("views.open")
    view = opened.params["view"]
    shown = json.dumps(view, ensure_ascii=False)
    assert "Recap for *Acme Corp*" in shown
    assert "- Fix the slow export — Mo Santos, by Monday 30 November" in shown
    assert "- Send roadmap — Lee Park" in shown
    assert "Mo Santos will be in touch with you by Wednesday 2 December." in shown
    body = query(buttons(view)[0]["url"])["body"].replace("\r\n", "\n")
    assert "To summarise what we discussed: Happy with the rollout; export is slow." in body
    assert all(b["action_id"] != Action.ICS.value for b in buttons(view))  # no slots to book


async def test_a_voicemail_confirmation_offers_no_recap_and_another_executives_call_is_refused(
    world: World,
) -> None:
    env = world.env
    await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    await env.deliver()
    values = call_values(world.customers[0].id, outcome="voicemail")
    await env.requests.view_submission("U0DANA", call_view(values))
    await env.deliver()
    confirm = env.slack.messages("D0DANA")[-1]
    assert "Email the recap" not in json.dumps(confirm["blocks"])
    reached = call_values(world.customers[1].id)
    await env.requests.view_submission("U0DANA", call_view(reached, "V_CALL_2"))
    await env.deliver()
    contact_id = env.slack.messages("D0DANA")[-1]["blocks"][-1]["elements"][0]["value"]
    await env.requests.block_actions(
        "U0RAJ", click(Action.EMAIL_RECAP, contact_id), channel_id="D0RAJ"
    )
    assert env.slack.calls_to("views.open") == []
    await env.deliver()
    assert "not one of yours" in json.dumps(env.slack.messages("D0RAJ")[-1])
