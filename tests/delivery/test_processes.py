"""Real `kyc worker` processes: killed mid fan-out, or three at once on PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.regimen.types import Outcome, Role
from bot.services.calls import log_call
from bot.settings import load_settings
from bot.standin.harness import BOT_TOKEN
from bot.standin.server import SlackStandin
from bot.views.data import CallSubmission, ItemInput
from storage.db import Database
from storage.models import ActionItem, OutboxMessage, OutboxStatus
from tests import factories as f

EXECS = 200


async def _roster(url: str, slack: SlackStandin, *, calls: int = 0, execs: int = EXECS) -> None:
    db = Database(url)
    # The workers run on the real clock: the executives are where it is mid-morning now, their
    # nudge due two minutes ago, whatever the time of day the test runs (never across midnight).
    now = datetime.now(UTC)
    tz = f.zone_at_local_hour(now)
    nudge_at = (now.astimezone(ZoneInfo(tz)) - timedelta(minutes=2)).time()
    nudge_at = nudge_at.replace(second=0, microsecond=0)
    settings = load_settings(_env_file=None, database_url=url)
    async with db.unit_of_work() as s:
        team = await f.team(s, "CS", channel_id="C0CS")
        mate = await f.person(s, "Mo", slack_user_id="U0MATE", team_id=team.id)
        slack.add_user("U0MATE", name="Mo")
        for i in range(execs):
            ex = await f.executive(
                s,
                f"Exec {i:03d}",
                slack_user_id=f"U{i:07d}X",
                timezone=tz,
                workdays="mon,tue,wed,thu,fri,sat,sun",
                nudge_time=nudge_at,
                role=Role.EXECUTIVE,
            )
            slack.add_user(ex.slack_user_id or "", name=ex.name, tz=tz)
            customers = [await f.customer(s, ex, f"C{i}-{j}", team_id=team.id) for j in range(3)]
            if i < calls:
                sub = CallSubmission(
                    customer_id=customers[0].id,
                    outcome=Outcome.REACHED,
                    sentiment=None,
                    score=None,
                    summary="Fine",
                    criticism=None,
                    stressed_areas=None,
                    make_it_great=None,
                    details_to_remember=None,
                    items=tuple(
                        ItemInput(f"Item {i}.{n}", mate.slack_user_id, None, None) for n in range(2)
                    ),
                )
                await log_call(s, settings, ex, sub, request_key=f"req-{i}", now=now)
    slack.add_channel("C0CS", "cs")
    await db.dispose()


def _worker(
    url: str, slack: SlackStandin, cwd: Path, stale_seconds: float = 2.0
) -> subprocess.Popen[bytes]:
    return _kyc(["worker"], url, slack, cwd, stale_seconds)


def _kyc(
    args: list[str],
    url: str,
    slack: SlackStandin,
    cwd: Path,
    stale_seconds: float = 2.0,
    **extra: str,
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": slack.base_url,
        "KYC_WORKSPACE": f.WS,
        "KYC_CATCHUP_UNTIL": "23:59",
        "KYC_HEARTBEAT_SECONDS": str(min(stale_seconds / 4, 1.0)),
        "KYC_WORKER_STALE_SECONDS": str(stale_seconds),
        "KYC_CHANNEL_INTERVAL": "0",  # this stand-in takes posts as fast as they come
        "KYC_SLACK_TIMEOUT": str(min(stale_seconds / 3, 6)),
        **extra,
    }
    for name in ("SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        env.pop(name, None)
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", *args],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


async def _until(predicate, timeout: float = 90.0) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.05)


def _nudges_per_exec(slack: SlackStandin) -> Counter[str]:
    return Counter(
        m["channel"]
        for m in slack.messages()
        if m["channel"].startswith("D") and "done this week" in (m["text"] or "")
    )


async def _stop(proc: subprocess.Popen[bytes]) -> str:
    """SIGTERM, then wait without blocking the loop the Slack stand-in answers on."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    out = await asyncio.to_thread(proc.communicate, timeout=60)
    return out[0].decode()


async def test_a_worker_killed_mid_morning_then_restarted_sends_each_nudge_once(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'kyc.db'}"
    from storage.migrate import upgrade_async

    await upgrade_async(url)
    async with SlackStandin(tokens={BOT_TOKEN}, latency=0.03) as slack:
        await _roster(url, slack)
        first = _worker(url, slack, tmp_path)
        await _until(lambda: len(_nudges_per_exec(slack)) >= 30)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        sent_before = len(_nudges_per_exec(slack))
        assert sent_before < EXECS, "the worker finished before it could be killed"

        second = _worker(url, slack, tmp_path)
        try:
            await _until(lambda: len(_nudges_per_exec(slack)) >= EXECS)
            await asyncio.sleep(3)  # past the claim timeout: anything doubled would show now
        finally:
            output = await _stop(second)
        assert second.returncode == 0, output
        per_exec = _nudges_per_exec(slack)
        assert len(per_exec) == EXECS
        assert set(per_exec.values()) == {1}


async def test_three_workers_on_postgresql_send_each_message_once(
    db_url: str, tmp_path: Path
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("several processes share the work on PostgreSQL; SQLite is single-process")
    async with SlackStandin(tokens={BOT_TOKEN}, latency=0.01) as slack:
        await _roster(db_url, slack, calls=50)
        workers = [_worker(db_url, slack, tmp_path) for _ in range(3)]
        db = Database(db_url)
        try:

            async def all_sent() -> bool:
                async with db.unit_of_work() as s:
                    rows = list(await s.scalars(select(OutboxMessage.status)))
                return bool(rows) and set(rows) == {OutboxStatus.SENT} and len(rows) >= EXECS

            loop = asyncio.get_running_loop()
            deadline = loop.time() + 120
            while not await all_sent():
                assert loop.time() < deadline, "timed out"
                await asyncio.sleep(0.2)
            async with db.unit_of_work() as s:
                claimed_by = set(await s.scalars(select(OutboxMessage.claimed_by)))
                items = list(await s.scalars(select(ActionItem)))
        finally:
            outputs = [await _stop(w) for w in workers]
            await db.dispose()
        assert all(w.returncode == 0 for w in workers), outputs
        per_exec = _nudges_per_exec(slack)
        assert len(per_exec) == EXECS and set(per_exec.values()) == {1}
        replies = Counter(m["text"] for m in slack.messages("C0CS") if m.get("thread_ts"))
        assert len(items) == 100
        assert all(replies[f"Action item: {i.text}"] == 1 for i in items)
        assert claimed_by == {None}


async def test_sigterm_stops_a_worker_cleanly_and_leaves_nothing_claimed(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'kyc.db'}"
    from storage.migrate import upgrade_async

    await upgrade_async(url)
    async with SlackStandin(tokens={BOT_TOKEN}, latency=0.03) as slack:
        await _roster(url, slack)
        worker = _worker(url, slack, tmp_path, stale_seconds=600)
        await _until(lambda: len(_nudges_per_exec(slack)) >= 20)
        output = await _stop(worker)
        assert worker.returncode == 0, output
        assert "Traceback" not in output
        db = Database(url)
        async with db.unit_of_work() as s:
            held = list(
                await s.scalars(
                    select(OutboxMessage.key).where(OutboxMessage.claimed_by.is_not(None))
                )
            )
        await db.dispose()
        assert held == []  # a long claim timeout, yet the next worker can start at once
        second = _worker(url, slack, tmp_path, stale_seconds=600)
        try:
            await _until(lambda: len(_nudges_per_exec(slack)) >= EXECS)
        finally:
            await _stop(second)
        assert set(_nudges_per_exec(slack).values()) == {1}


async def test_two_one_shot_mornings_through_a_faulty_slack_leave_no_one_without_a_nudge(
    db_url: str, tmp_path: Path
) -> None:
    """`kyc run morning` returns only when what it queued is sent or parked: two of them at
    once, with a fifth of Slack's answers failing (some after the post happened), both end
    with every executive nudged once, and say so."""
    from bot.standin.state import FaultPlan

    if not db_url.startswith("postgresql"):
        pytest.skip("two processes at once share the work on PostgreSQL; SQLite is single-process")
    async with SlackStandin(tokens={BOT_TOKEN}, latency=0.01) as slack:
        await _roster(db_url, slack, execs=60)
        slack.faults = FaultPlan(
            rate=0.2,
            lost_reply_rate=0.05,
            seed=5,
            retry_after=1,
            timeout_delay=1.0,
            methods=frozenset({"chat.postMessage", "conversations.history"}),
            lost_kinds=("server_error", "timeout", "fatal_error", "reset"),
        )
        runs = [
            _kyc(["run", "morning", "--wait", "120"], db_url, slack, tmp_path, 2.0)
            for _ in range(2)
        ]
        outputs = [await _stop_when_done(p) for p in runs]
    assert [p.returncode for p in runs] == [0, 0], outputs
    per_exec = _nudges_per_exec(slack)
    assert len(per_exec) == 60 and set(per_exec.values()) == {1}
    faults = [c for c in slack.calls if c.error in ("ratelimited", "server_error", "timeout")]
    assert len(faults) > 5  # the faults really happened
    table = "\n".join(outputs)
    # Whoever ran the morning tells each executive's fate; none is left waiting.
    assert table.count("sent now") + table.count("sent earlier") >= 60, table
    assert "waiting" not in table and "parked" not in table


async def _stop_when_done(proc: subprocess.Popen[bytes]) -> str:
    out = await asyncio.to_thread(proc.communicate, timeout=180)
    return out[0].decode()
