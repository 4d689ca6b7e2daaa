"""SIGTERM while a scheduled job is in flight: the runtime lets it finish before it shuts the
scheduler down and closes the database (APScheduler's shutdown cancels the jobs still running,
which cut one off mid-query: a traceback in the log, seen under load in CI)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import literal, select

from bot.deps import Deps
from bot.server import Runtime
from bot.settings import load_settings
from bot.standin.harness import BOT_TOKEN, SIGNING_SECRET
from bot.standin.server import SlackStandin
from scheduler.jobs import exclusive


async def test_a_job_in_flight_at_sigterm_finishes_before_the_database_closes(
    tmp_path: Path,
) -> None:
    async with SlackStandin(tokens={BOT_TOKEN}) as slack:
        settings = load_settings(
            _env_file=None,
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'kyc.db'}",
            slack_bot_token=BOT_TOKEN,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=slack.base_url,
        )
        runtime = Runtime(settings, serve_web=False, scheduler=True)
        await runtime.start(port=None)
        started, finished = asyncio.Event(), []

        @exclusive
        async def slow_job(deps: Deps) -> None:
            started.set()
            await asyncio.sleep(0.3)
            async with deps.db.unit_of_work() as session:  # still open: it was waited for
                finished.append(await session.scalar(select(literal(1))))

        runtime._scheduler.add_job(slow_job, args=[runtime.deps])
        await asyncio.wait_for(started.wait(), timeout=10)
        await runtime.stop()
    assert finished == [1]
