"""Slack is answered the moment a listener acks, not when Bolt next looks for the ack (every
10 ms in an AsyncApp), and what a listener does after its ack still happens."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest
from slack_bolt.listener import asyncio_runner
from sqlalchemy import func, select

from bot.standin.harness import SIGNING_SECRET
from bot.standin.signed import SlackSender
from storage.models import Contact
from tests.scenario.calls import call_values, call_view
from tests.scenario.conftest import World

BOLTS_LOOK = 3.0  # seconds between Bolt's looks for the ack, in these tests


@pytest.fixture
def bolt_looks_rarely(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Bolt's runner waits `asyncio.sleep(0.01)` between looks; here it waits BOLTS_LOOK, so
    an answer sooner than that came from the ack itself."""
    real_sleep = asyncio.sleep

    async def sleep(delay: float, result: object = None) -> object:
        return await real_sleep(BOLTS_LOOK if delay == 0.01 else delay, result)

    monkeypatch.setattr(asyncio_runner.asyncio, "sleep", sleep)
    yield


async def _timed(answer: object) -> float:
    t0 = time.perf_counter()
    await answer  # type: ignore[misc]
    return time.perf_counter() - t0


async def test_a_submission_is_answered_once_stored_and_a_command_before_its_modal(
    world: World, bolt_looks_rarely: None
) -> None:
    env = world.env
    plain = SlackSender(env.app_url, SIGNING_SECRET, team_id=env.team_id)
    acme = world.customers[0]

    submitted = plain.view_submission("U0DANA", call_view(call_values(acme.id)))
    assert await _timed(submitted) < BOLTS_LOOK / 2
    async with env.db.unit_of_work() as s:  # stored before the answer
        assert await s.scalar(select(func.count()).select_from(Contact)) == 1

    assert await _timed(plain.slash_command("U0DANA", "done")) < BOLTS_LOOK / 2
    for _ in range(200):  # the modal opens after the answer
        if env.slack.calls_to("views.open"):
            break
        await asyncio.sleep(0.02)
    (opened,) = env.slack.calls_to("views.open")
    assert opened.ok


async def test_an_event_is_answered_before_its_listener_is_done(
    world: World, bolt_looks_rarely: None
) -> None:
    env = world.env
    plain = SlackSender(env.app_url, SIGNING_SECRET, team_id=env.team_id)
    home = {"type": "app_home_opened", "user": "U0DANA", "tab": "home", "channel": "D0DANA"}

    assert await _timed(plain.event(home)) < BOLTS_LOOK / 2
    for _ in range(200):  # App Home is published after the answer
        if env.slack.calls_to("views.publish"):
            break
        await asyncio.sleep(0.02)
    assert env.slack.calls_to("views.publish")
