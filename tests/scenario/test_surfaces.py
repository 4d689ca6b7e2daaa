"""The other surfaces: nudge buttons, /kyc sub-commands, App Home, and who may do what."""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import func, select

from bot.ids import Action, Block, View
from bot.regimen.types import BatchStatus, ContactKind, Outcome
from bot.services.morning import run_morning
from storage.models import BatchEntry, Contact, Customer, Person
from tests.scenario.calls import choice, text
from tests.scenario.conftest import World


def click(action: Action, value: str) -> list[dict[str, str]]:
    return [{"action_id": action.value, "value": value, "type": "button", "block_id": "b"}]


async def _plan(world: World) -> None:
    env = world.env
    await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    await env.deliver()


async def test_left_voicemail_logs_the_attempt_and_shows_the_follow_up_email(world: World) -> None:
    await _plan(world)
    acme = world.customers[0]
    await world.env.requests.block_actions(
        "U0DANA", click(Action.VOICEMAIL, str(acme.id)), channel_id="D0DANA"
    )
    (opened,) = world.env.slack.calls_to("views.open")
    shown = json.dumps(opened.params["view"])
    assert "Voicemail logged" in shown and "Acme Corp" in shown
    assert "EST" in shown  # three slots in Dana's own timezone
    async with world.env.db.unit_of_work() as s:
        contact = await s.scalar(select(Contact))
        entry = await s.scalar(select(BatchEntry).where(BatchEntry.customer_id == acme.id))
    assert contact is not None and contact.outcome == Outcome.VOICEMAIL
    assert entry is not None and entry.status == BatchStatus.ATTEMPTED


async def test_a_double_click_on_left_voicemail_logs_one_attempt(world: World) -> None:
    await _plan(world)
    acme = world.customers[0]
    nudge = {"ts": world.env.slack.messages("D0DANA")[0]["ts"], "text": ""}
    clicks = [
        world.env.requests.block_actions(
            "U0DANA", click(Action.VOICEMAIL, str(acme.id)), channel_id="D0DANA", message=nudge
        )
        for _ in range(2)
    ]
    await asyncio.gather(*clicks)  # both at once, as a double click arrives
    await world.env.requests.block_actions(
        "U0DANA", click(Action.VOICEMAIL, str(acme.id)), channel_id="D0DANA", message=nudge
    )  # and a third, later
    async with world.env.db.unit_of_work() as s:
        contacts = list(await s.scalars(select(Contact)))
    assert [c.outcome for c in contacts] == [Outcome.VOICEMAIL]
    assert len(world.env.slack.calls_to("views.open")) == 3  # each click still shows the email


async def test_a_refusal_from_app_home_is_a_dm_sent_through_the_outbox(world: World) -> None:
    await world.env.requests.block_actions(
        "U0MO", click(Action.VOICEMAIL, str(world.customers[0].id)), view={"id": "V0HOME"}
    )
    assert world.env.slack.calls_to("chat.postMessage") == []  # queued, not posted directly
    await world.env.deliver()
    await world.env.deliver()
    (note,) = world.env.slack.messages("D0MO")
    assert "Only executives" in note["text"]
    assert note["metadata"]["event_payload"]["key"].startswith("tell:")


async def test_brief_opens_the_full_brief(world: World) -> None:
    await _plan(world)
    acme = world.customers[0]
    await world.env.requests.block_actions("U0DANA", click(Action.BRIEF, str(acme.id)))
    view = world.env.slack.calls_to("views.open")[0].params["view"]
    assert view["callback_id"] == View.BRIEF
    shown = json.dumps(view)
    assert "customer for 6 years, since March 2020" in shown
    assert "Suggested opener" in shown


async def test_another_executives_customer_brief_is_refused(world: World) -> None:
    await _plan(world)
    async with world.env.db.unit_of_work() as s:
        rajs = await s.scalar(select(Customer).where(Customer.executive_id == world.raj.id))
    assert rajs is not None
    await world.env.requests.block_actions(
        "U0DANA", click(Action.BRIEF, str(rajs.id)), channel_id="D0DANA"
    )
    assert world.env.slack.calls_to("views.open") == []
    await world.env.deliver()
    (told,) = world.env.slack.calls_to("chat.postMessage")[1:]
    assert "not on your customer list" in told.params["text"]


async def test_swap_asks_why_and_replaces_the_customer_with_the_next_in_rotation(
    world: World,
) -> None:
    await _plan(world)
    acme = world.customers[0]
    env = world.env
    await env.requests.block_actions("U0DANA", click(Action.SWAP, str(acme.id)))
    view = env.slack.calls_to("views.open")[0].params["view"]
    values = {Block.REASON.value: choice("recent"), Block.NAME.value: text(None)}
    answer = await env.requests.view_submission(
        "U0DANA",
        {
            "id": "V_SWAP",
            "callback_id": View.SWAP.value,
            "private_metadata": view["private_metadata"],
            "state": {"values": values},
        },
    )
    assert answer.status == 200
    await env.deliver()
    assert "Swapped Acme Corp for *Umbrella*" in env.slack.messages("D0DANA")[-1]["text"]
    async with env.db.unit_of_work() as s:
        rows = {e.customer_id: e for e in await s.scalars(select(BatchEntry))}
    assert rows[acme.id].status == BatchStatus.SWAPPED
    assert rows[acme.id].swap_reason == "Already spoke recently"
    assert rows[world.customers[3].id].status == BatchStatus.PLANNED


async def test_pause_and_resume(world: World) -> None:
    env = world.env
    bad = await env.requests.slash_command("U0DANA", "pause until 2020-01-01")
    assert "in the past" in bad.json()["text"]
    ok = await env.requests.slash_command("U0DANA", "pause until 2026-12-28")
    assert "Paused until Mon 28 Dec 2026" in ok.json()["text"]
    results = await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    assert "paused until 2026-12-28" in {r.executive: r.outcome for r in results}["Dana Whitfield"]
    back = await env.requests.slash_command("U0DANA", "resume")
    assert "Welcome back" in back.json()["text"]
    async with env.db.unit_of_work() as s:
        dana = await s.get(Person, world.dana.id)
    assert dana is not None and dana.paused_until is None


async def test_week_lists_the_batch_with_status(world: World) -> None:
    await _plan(world)
    answer = (await world.env.requests.slash_command("U0DANA", "week")).json()
    assert answer.get("response_type", "ephemeral") == "ephemeral"  # only Dana sees it
    assert "0/5 done" in answer["text"]
    assert "Acme Corp" in json.dumps(answer["blocks"])


async def test_help_and_unknown_subcommands_get_the_help(world: World) -> None:
    for words in ("help", "", "dance"):
        answer = (await world.env.requests.slash_command("U0DANA", words)).json()
        assert "/kyc done [customer]" in answer["text"]


async def test_someone_not_on_the_roster_is_told_how_to_enroll(world: World) -> None:
    world.env.slack.add_user("U0NEW", name="Newcomer", email="new@northwind.test")
    answer = await world.env.requests.slash_command("U0NEW", "done acme")
    assert answer.status == 200
    assert "not on the KYC roster yet" in answer.json()["text"]
    assert world.env.slack.calls_to("views.open") == []


async def test_a_team_member_cannot_log_calls(world: World) -> None:
    answer = (await world.env.requests.slash_command("U0MO", "done")).json()
    assert "Only executives" in answer["text"]


async def test_a_roster_email_is_linked_to_the_slack_user_on_first_contact(world: World) -> None:
    env = world.env
    async with env.db.unit_of_work() as s:
        s.add(
            Person(
                workspace_id=env.team_id,
                name="Ada Byron",
                email="ada@northwind.test",
                role="executive",
                active=True,
            )
        )
    env.slack.add_user("U0ADA", name="Ada Byron", email="ada@northwind.test", tz="Europe/London")
    answer = (await env.requests.slash_command("U0ADA", "week")).json()
    assert "No batch this week" in json.dumps(answer["blocks"])
    async with env.db.unit_of_work() as s:
        ada = await s.scalar(select(Person).where(Person.email == "ada@northwind.test"))
    assert ada is not None and ada.slack_user_id == "U0ADA" and ada.slack_tz == "Europe/London"


async def test_log_records_a_reactive_contact(world: World) -> None:
    env = world.env
    await env.requests.slash_command("U0DANA", "log")
    assert env.slack.calls_to("views.open")[0].params["view"]["callback_id"] == View.REACTIVE
    acme = world.customers[0]
    values = {
        Block.CUSTOMER.value: {
            Action.CUSTOMER_SELECT.value: {
                "type": "external_select",
                "selected_option": {"value": str(acme.id)},
            }
        },
        Block.CHANNEL.value: choice("complaint"),
        Block.SUMMARY.value: text("Invoices wrong again"),
        Block.OCCURRED_ON.value: {
            Action.INPUT.value: {"type": "datepicker", "selected_date": "2099-01-01"}
        },
    }
    view = {"id": "V_LOG", "callback_id": View.REACTIVE.value, "state": {"values": values}}
    errors = (await env.requests.view_submission("U0DANA", view)).json()["errors"]
    assert errors == {"occurred_on": "That is in the future."}
    values[Block.OCCURRED_ON.value][Action.INPUT.value]["selected_date"] = None
    assert (await env.requests.view_submission("U0DANA", view)).status == 200
    async with env.db.unit_of_work() as s:
        kinds = list(await s.scalars(select(Contact.kind)))
    assert kinds == [ContactKind.REACTIVE]


async def test_app_home_shows_the_week_and_the_proactive_share(world: World) -> None:
    await _plan(world)
    await world.env.requests.event({"type": "app_home_opened", "user": "U0DANA", "tab": "home"})
    (published,) = world.env.slack.calls_to("views.publish")
    shown = json.dumps(published.params["view"])
    assert "No customer contact in 30 days" in shown
    assert "*Call NPS* no scored calls yet" in shown and "Ticket satisfaction" in shown
    assert "*Calls, last 12 weeks*" in shown
    assert "This week (2026-W48): 0/5 done" in shown
    assert published.params["user_id"] == "U0DANA"


async def test_a_retried_event_delivery_does_no_harm(world: World) -> None:
    for retry in (None, 1, 2):
        answer = await world.env.requests.event(
            {"type": "app_home_opened", "user": "U0MO", "tab": "home"},
            event_id="Ev1",
            retry_num=retry,
        )
        assert answer.status == 200
    assert len(world.env.slack.calls_to("views.publish")) == 3
    async with world.env.db.unit_of_work() as s:
        assert await s.scalar(select(func.count()).select_from(Contact)) == 0


async def test_add_customer_from_app_home(world: World) -> None:
    env = world.env
    await env.requests.block_actions("U0DANA", click(Action.ADD_CUSTOMER, ""))
    assert env.slack.calls_to("views.open")[0].params["view"]["callback_id"] == View.ADD_CUSTOMER
    values = {Block.NAME.value: text("Cyberdyne"), Block.CONTACT_EMAIL.value: text("not-an-email")}
    view = {"id": "V_ADD", "callback_id": View.ADD_CUSTOMER.value, "state": {"values": values}}
    errors = (await env.requests.view_submission("U0DANA", view)).json()["errors"]
    assert "contact_email" in errors
    values[Block.CONTACT_EMAIL.value] = text("sarah@cyberdyne.test")
    assert (await env.requests.view_submission("U0DANA", view)).status == 200
    async with env.db.unit_of_work() as s:
        added = await s.scalar(select(Customer).where(Customer.name == "Cyberdyne"))
    assert added is not None and added.executive_id == world.dana.id
    assert added.contact_email == "sarah@cyberdyne.test"


async def test_a_request_with_a_bad_signature_is_refused(world: World) -> None:
    answer = await world.env.requests.post_raw(
        "command=%2Fkyc&text=week&user_id=U0DANA&team_id=T_TEST",
        "application/x-www-form-urlencoded",
        {"X-Slack-Request-Timestamp": "1700000000", "X-Slack-Signature": "v0=deadbeef"},
    )
    assert answer.status == 401
    assert world.env.slack.calls == []


async def test_stats_are_mine_and_only_admins_or_managers_see_someone_elses(world: World) -> None:
    env = world.env
    mine = (await env.requests.slash_command("U0DANA", "stats")).json()
    assert mine["text"].startswith("Your numbers")
    assert "No customer contact in 30 days" in json.dumps(mine["blocks"])
    assert "no scored calls yet" in json.dumps(mine["blocks"])
    refused = (await env.requests.slash_command("U0RAJ", "stats <@U0DANA|dana>")).json()
    assert "Only admins, their manager and their delegate" in refused["text"]
    async with env.db.unit_of_work() as s:
        dana = await s.get(Person, world.dana.id)
        assert dana is not None
        dana.manager_id = world.raj.id  # Raj manages Dana now
    allowed = (await env.requests.slash_command("U0RAJ", "stats <@U0DANA|dana>")).json()
    assert allowed["text"].startswith("Dana Whitfield's numbers")
    member = (await env.requests.slash_command("U0MO", "stats")).json()
    assert "only executives" in member["text"]


async def test_with_a_public_url_app_home_shows_a_signed_chart_the_bot_serves(
    world: World,
) -> None:
    import aiohttp

    env = world.env
    base = env.app_url.rsplit("/slack/events", 1)[0]
    env.settings.kyc_public_url = base
    await _plan(world)
    await env.requests.event({"type": "app_home_opened", "user": "U0DANA", "tab": "home"})
    view = env.slack.calls_to("views.publish")[-1].params["view"]
    (image,) = [b for b in view["blocks"] if b["type"] == "image"]
    url = image["image_url"]
    assert url.startswith(f"{base}/charts/T_TEST/{world.dana.id}/2026-W48/")
    async with aiohttp.ClientSession() as http:
        async with http.get(url) as resp:
            assert resp.status == 200 and resp.content_type == "image/png"
            assert (await resp.read()).startswith(b"\x89PNG")
        forged = url.replace(f"/{world.dana.id}/", f"/{world.raj.id}/")
        async with http.get(forged) as resp:
            assert resp.status == 404  # another executive's chart needs its own signature
