"""The log an operator reads: one JSON object a line with the request it belongs to, no secret,
no chart signature, no request body, and no scheduler chatter every minute."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import aiohttp
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.logs import CHATTY, configure_logging
from bot.settings import Settings
from bot.standin.harness import BOT_TOKEN, SIGNING_SECRET
from bot.standin.signed import SlackSender
from tests.scenario.conftest import World


@contextmanager
def captured_log(settings: Settings, **changes: Any) -> Iterator[io.StringIO]:
    """The log as `kyc serve` would write it with `changes` to the settings."""
    touched = ["", *CHATTY, "kyc.slack_sdk"]
    touched += [n for n in logging.root.manager.loggerDict if n.startswith("slack_bolt")]
    levels = {name: logging.getLogger(name).level for name in touched}
    out = io.StringIO()
    handler = configure_logging(settings.model_copy(update=changes), stream=out)
    try:
        yield out
    finally:
        logging.getLogger().removeHandler(handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def json_lines(out: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def assert_no_secret(text: str) -> None:
    assert BOT_TOKEN not in text
    assert SIGNING_SECRET not in text


async def test_json_lines_name_the_request_workspace_user_and_listener(world: World) -> None:
    env = world.env
    env.slack.fail_next("users.info", "fatal_error")  # the app logs a warning for Dana's request
    with captured_log(env.settings, kyc_log_format="json", kyc_log_level="INFO") as out:
        assert (await env.requests.slash_command("U0DANA", "week")).status == 200
        assert (await env.requests.slash_command("U0RAJ", "week")).status == 200
    lines = json_lines(out)
    (warning,) = [line for line in lines if line["message"] == "users.info failed for U0DANA"]
    assert warning["level"] == "WARNING"
    assert warning["logger"] == "kyc.app"
    assert warning["workspace"] == "T_TEST"
    assert warning["user"] == "U0DANA"
    assert warning["listener"] == "command:/kyc"
    assert len(warning["request_id"]) == 16
    assert "fatal_error" in warning["exception"]
    assert datetime.fromisoformat(warning["time"]).tzinfo == UTC
    assert_no_secret(out.getvalue())


async def test_each_request_has_its_own_id(world: World) -> None:
    env = world.env
    with captured_log(env.settings, kyc_log_format="json") as out:
        for user in ("U0DANA", "U0RAJ"):
            env.slack.fail_next("users.info", "fatal_error")
            await env.requests.slash_command(user, "week")
        logging.getLogger("kyc.test").warning("after the requests")
    lines = json_lines(out)
    ids = {line["user"]: line["request_id"] for line in lines if "user" in line}
    assert set(ids) == {"U0DANA", "U0RAJ"} and ids["U0DANA"] != ids["U0RAJ"]
    (after,) = [line for line in lines if line["message"] == "after the requests"]
    assert "request_id" not in after and "user" not in after


async def test_forged_and_unhandled_requests_are_logged_without_their_bodies(world: World) -> None:
    env = world.env
    forger = SlackSender(env.app_url, "not-the-secret", team_id="T_TEST")
    with captured_log(env.settings, kyc_log_format="json") as out:
        forged = await forger.slash_command("U0DANA", "done Acme secret-plans-forged")
        assert forged.status == 401
        await env.requests.block_actions(
            "U0DANA", [{"action_id": "not_ours", "value": "secret-plans-unhandled"}]
        )
    text = out.getvalue()
    assert "secret-plans" not in text
    messages = {line["message"]: line for line in json_lines(out)}
    assert "Invalid request signature detected" in messages
    assert messages["Unhandled request"]["listener"] == "action:other"


async def test_no_chart_signature_or_token_even_at_debug(world: World) -> None:
    env = world.env
    base = env.app_url.rsplit("/slack/events", 1)[0]
    env.settings.kyc_public_url = base
    with captured_log(env.settings, kyc_log_format="text", kyc_log_level="DEBUG") as out:
        await env.requests.event({"type": "app_home_opened", "user": "U0DANA", "tab": "home"})
        view = env.slack.calls_to("views.publish")[-1].params["view"]
        (url,) = [b["image_url"] for b in view["blocks"] if b["type"] == "image"]
        async with aiohttp.ClientSession() as http, http.get(url) as resp:
            assert resp.status == 200
        logging.getLogger("kyc.test").info("token %s in a message", BOT_TOKEN)
    signature = url.rsplit("/", 1)[1].removesuffix(".png")
    text = out.getvalue()
    assert "/charts/T_TEST/" in text  # the access line and the views.publish payload are there
    assert signature not in text
    assert "token [redacted token] in a message" in text
    assert_no_secret(text)


async def test_scheduler_ticks_are_quiet_unless_the_level_is_debug(world: World) -> None:
    async def tick() -> None:
        logging.getLogger("kyc.test").info("the tick ran")

    for level, chatty in (("INFO", False), ("DEBUG", True)):
        with captured_log(world.env.settings, kyc_log_level=level) as out:
            scheduler = AsyncIOScheduler(timezone=UTC)
            scheduler.add_job(tick, "interval", minutes=1, next_run_time=datetime.now(UTC))
            scheduler.start()
            # Poll until the tick and its log lines are there (10 s at most on a busy machine).
            deadline = asyncio.get_running_loop().time() + 10
            while asyncio.get_running_loop().time() < deadline:
                done = "executed successfully" in out.getvalue() or not chatty
                if "the tick ran" in out.getvalue() and done:
                    break
                await asyncio.sleep(0.02)
            scheduler.shutdown(wait=False)
        text = out.getvalue()
        assert "the tick ran" in text
        assert ("Running job" in text) is chatty
        assert ("executed successfully" in text) is chatty
