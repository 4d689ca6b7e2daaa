"""The chart links App Home shows: signed for one executive and one week, working for a few
weeks, and drawn without holding up the bot."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from datetime import timedelta

import aiohttp
import pytest

from bot.regimen.calendar import iso_week_of
from bot.regimen.metrics import WeekPoint
from bot.services import charts
from bot.services.charts import CHART_LINK_WEEKS, chart_url
from tests.scenario.conftest import World


def link(world: World, weeks_ago: int) -> str:
    env = world.env
    env.settings.kyc_public_url = env.app_url.rsplit("/slack/events", 1)[0]
    week = iso_week_of((env.clock() - timedelta(weeks=weeks_ago)).date())
    url = chart_url(env.settings, world.dana, week)
    assert url is not None
    return url


async def status_of(url: str) -> int:
    async with aiohttp.ClientSession() as http, http.get(url) as resp:
        return resp.status


async def test_a_link_works_for_its_week_and_a_few_after_then_is_gone(world: World) -> None:
    assert await status_of(link(world, 0)) == 200
    assert await status_of(link(world, CHART_LINK_WEEKS)) == 200
    assert await status_of(link(world, CHART_LINK_WEEKS + 1)) == 410
    assert await status_of(link(world, 52)) == 410


async def test_a_link_for_a_week_not_begun_is_not_found(world: World) -> None:
    assert await status_of(link(world, -1)) == 404


async def test_another_weeks_signature_does_not_open_this_weeks_chart(world: World) -> None:
    this_week, last_week = link(world, 0), link(world, 1)
    signature = last_week.rsplit("/", 1)[1]
    assert await status_of(this_week.rsplit("/", 1)[0] + "/" + signature) == 404


async def test_the_bot_answers_while_a_chart_is_drawn(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn_in: list[threading.Thread] = []

    def slow_png(
        points: Sequence[WeekPoint], title: str, completion: Sequence[float | None] | None = None
    ) -> bytes:
        drawn_in.append(threading.current_thread())
        time.sleep(1.0)  # a big chart on a slow machine
        return b"\x89PNG"

    monkeypatch.setattr(charts, "trend_png", slow_png)
    url = link(world, 0)
    health = url.split("/charts/")[0] + "/healthz"
    async with aiohttp.ClientSession() as http:
        drawing = asyncio.create_task(status_of(url))
        deadline = asyncio.get_running_loop().time() + 10
        while not drawn_in:  # until the drawing has started (10 s at most)
            assert asyncio.get_running_loop().time() < deadline, "the chart was never drawn"
            await asyncio.sleep(0.01)
        started = time.perf_counter()
        async with http.get(health) as resp:
            assert resp.status == 200
        assert time.perf_counter() - started < 0.5
        assert await drawing == 200
    assert drawn_in[0] is not threading.main_thread()


async def test_an_older_link_shows_the_twelve_weeks_up_to_its_own_week(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    weeks_drawn: list[list[str]] = []

    def recording_png(
        points: Sequence[WeekPoint], title: str, completion: Sequence[float | None] | None = None
    ) -> bytes:
        weeks_drawn.append([p.iso_week for p in points])
        return b"\x89PNG"

    monkeypatch.setattr(charts, "trend_png", recording_png)
    assert await status_of(link(world, 2)) == 200
    assert await status_of(link(world, 0)) == 200
    older, current = weeks_drawn
    assert current[-1] == "2026-W48"  # the world's clock: Monday 23 November 2026
    assert older[-1] == "2026-W46" and len(older) == 12
