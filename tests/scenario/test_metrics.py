"""/metrics as Prometheus scrapes it: the outbox backlog and parked messages per workspace, the
nudges' lag, the time to answer Slack per listener, and every Slack call by outcome."""

from __future__ import annotations

from datetime import timedelta

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from slack_sdk.errors import SlackApiError
from sqlalchemy import select

from bot.services import outbox
from bot.services.morning import run_morning
from bot.slack_metrics import MeteredWebClient
from bot.standin.harness import BOT_TOKEN, LocalSlack
from bot.standin.server import SlackStandin
from storage.models import OutboxMessage
from tests.scenario.conftest import World
from tests.scenario.test_serve import free_port

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def scrape(env: LocalSlack) -> Samples:
    url = env.app_url.replace("/slack/events", "/metrics")
    async with aiohttp.ClientSession() as http, http.get(url) as resp:
        assert resp.status == 200
        assert resp.content_type == "text/plain"
        text = await resp.text()
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_the_backlog_rises_when_a_message_is_queued_and_falls_when_it_is_sent(
    world: World,
) -> None:
    env = world.env
    before = await scrape(env)
    assert value(before, "kyc_outbox_pending", workspace="T_TEST") == 0
    assert ("kyc_outbox_pending", frozenset({("workspace", "T_TEST")})) in before

    async with env.db.unit_of_work() as s:
        await outbox.post(s, "T_TEST", "test:hello", "C0CS", {"text": "hello"})
    queued = await scrape(env)
    assert value(queued, "kyc_outbox_pending", workspace="T_TEST") == 1
    assert value(queued, "kyc_outbox_parked", workspace="T_TEST") == 0

    assert await env.deliver() == 1
    sent = await scrape(env)
    assert value(sent, "kyc_outbox_pending", workspace="T_TEST") == 0
    posted = ("kyc_slack_api_calls_total", {"method": "chat.postMessage", "outcome": "ok"})
    assert value(sent, posted[0], **posted[1]) == value(before, posted[0], **posted[1]) + 1


async def test_a_parked_message_is_counted_with_slacks_error(world: World) -> None:
    env = world.env
    error = {"method": "chat.postMessage", "outcome": "channel_not_found"}
    before = await scrape(env)
    async with env.db.unit_of_work() as s:
        await outbox.post(s, "T_TEST", "test:nowhere", "C0GONE", {"text": "hello"})
    await env.deliver()
    after = await scrape(env)
    assert value(after, "kyc_outbox_parked", workspace="T_TEST") == 1
    assert value(after, "kyc_outbox_pending", workspace="T_TEST") == 0
    assert value(after, "kyc_slack_api_calls_total", **error) == (
        value(before, "kyc_slack_api_calls_total", **error) + 1
    )


async def test_a_due_message_waiting_shows_its_age(world: World) -> None:
    env = world.env
    async with env.db.unit_of_work() as s:
        await outbox.post(s, "T_TEST", "test:waiting", "C0CS", {"text": "hello"})
        created = await s.scalar(
            select(OutboxMessage.created_at).where(OutboxMessage.key == "test:waiting")
        )
    assert created is not None
    env.clock.set(created + timedelta(minutes=5))
    samples = await scrape(env)
    assert value(samples, "kyc_outbox_oldest_pending_seconds", workspace="T_TEST") == 300


async def test_a_nudges_lag_from_queued_to_sent_is_observed(world: World) -> None:
    env = world.env
    before = await scrape(env)
    results = await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    assert [r.outcome for r in results if r.executive == "Dana Whitfield"] == ["nudge queued"]
    async with env.db.unit_of_work() as s:
        created = await s.scalar(
            select(OutboxMessage.created_at).where(OutboxMessage.key.startswith("nudge:"))
        )
    assert created is not None
    env.clock.set(created + timedelta(seconds=90))  # the sender marks it sent 90 s later
    await env.deliver()
    after = await scrape(env)
    count = value(after, "kyc_nudge_lag_seconds_count") - value(
        before, "kyc_nudge_lag_seconds_count"
    )
    total = value(after, "kyc_nudge_lag_seconds_sum") - value(before, "kyc_nudge_lag_seconds_sum")
    assert count == 1
    assert total == pytest.approx(90)
    within_2_minutes = value(after, "kyc_nudge_lag_seconds_bucket", le="120.0") - value(
        before, "kyc_nudge_lag_seconds_bucket", le="120.0"
    )
    assert within_2_minutes == 1


async def test_the_time_to_answer_slack_is_observed_per_listener(world: World) -> None:
    env = world.env
    command = {"listener": "command:/kyc"}
    opened = {"method": "views.open", "outcome": "ok"}
    before = await scrape(env)
    assert (await env.requests.slash_command("U0DANA", "done")).status == 200
    after = await scrape(env)
    assert value(after, "kyc_slack_request_seconds_count", **command) == (
        value(before, "kyc_slack_request_seconds_count", **command) + 1
    )
    assert value(after, "kyc_slack_request_seconds_sum", **command) > value(
        before, "kyc_slack_request_seconds_sum", **command
    )
    # the listener's views.open went through Bolt's client for the request: counted too
    assert value(after, "kyc_slack_api_calls_total", **opened) == (
        value(before, "kyc_slack_api_calls_total", **opened) + 1
    )


async def test_each_slack_call_is_counted_by_its_outcome(world: World) -> None:
    env = world.env
    before = await scrape(env)
    async with SlackStandin(tokens={BOT_TOKEN}) as slack:
        good = MeteredWebClient(token=BOT_TOKEN, base_url=slack.base_url, retry_handlers=[])
        await good.auth_test()
        slack.fail_next("auth.test", "ratelimited")
        with pytest.raises(SlackApiError):
            await good.auth_test()
        refused = MeteredWebClient(token="xoxb-nope", base_url=slack.base_url)
        with pytest.raises(SlackApiError):
            await refused.auth_test()
    nobody = MeteredWebClient(
        token=BOT_TOKEN, base_url=f"http://127.0.0.1:{free_port()}/api/", retry_handlers=[]
    )
    with pytest.raises(aiohttp.ClientError):
        await nobody.auth_test()
    after = await scrape(env)
    for outcome in ("ok", "ratelimited", "invalid_auth", "exception"):
        labels = {"method": "auth.test", "outcome": outcome}
        assert value(after, "kyc_slack_api_calls_total", **labels) == (
            value(before, "kyc_slack_api_calls_total", **labels) + 1
        ), outcome
