"""A worker SIGKILLed at random points of a fan-out, again and again: every executive gets
exactly one nudge, and the next worker has delivered the rest within 15 s of the kill."""

from __future__ import annotations

import asyncio
import random
import signal
import time
from pathlib import Path

from bot.standin.harness import BOT_TOKEN
from bot.standin.server import SlackStandin
from tests.delivery.test_processes import _kyc, _nudges_per_exec, _roster, _stop, _until

TRIALS = 20
EXECS = 30
AT_ONCE = 2  # trials side by side, each with its own database and Slack (2 cores)
RECOVERY_S = 15.0


async def _trial(n: int, template: Path, tmp_path: Path) -> tuple[int, float]:
    """One kill and one restart; returns where the kill fell and how long recovery took."""
    import shutil

    rng = random.Random(1000 + n)
    where = tmp_path / f"trial{n}"
    where.mkdir()
    shutil.copy(template, where / "kyc.db")
    url = f"sqlite+aiosqlite:///{where / 'kyc.db'}"
    # Two lanes and 100 ms a call: the fan-out takes about 1.5 s, long enough to land in.
    async with SlackStandin(tokens={BOT_TOKEN}, latency=0.1) as slack:
        await _roster(url, slack, execs=EXECS)
        # The default lease: the restart takes over because the dead process is gone, at once,
        # not after a timeout.
        first = _kyc(["worker"], url, slack, where, 10.0, KYC_SENDER_CONCURRENCY="2")
        await _until(lambda: len(_nudges_per_exec(slack)) >= 1, timeout=60)
        await asyncio.sleep(rng.uniform(0, 1.2))  # mid-call, mid-commit, anywhere
        first.send_signal(signal.SIGKILL)
        await asyncio.to_thread(first.wait, 10)
        killed_at = time.monotonic()
        killed_with = len(_nudges_per_exec(slack))

        assert killed_with < EXECS, f"trial {n}: the worker finished before its kill"
        second = _kyc(["worker"], url, slack, where, 10.0, KYC_SENDER_CONCURRENCY="2")
        try:
            await _until(lambda: len(_nudges_per_exec(slack)) >= EXECS, timeout=60)
            recovered = time.monotonic() - killed_at
            await asyncio.sleep(1.0)  # anything doubled late would show now
        finally:
            output = await _stop(second)
        assert second.returncode == 0, output
        per_exec = _nudges_per_exec(slack)
        assert len(per_exec) == EXECS, f"trial {n}: missing nudges"
        assert set(per_exec.values()) == {1}, f"trial {n}: doubled {per_exec.most_common(3)}"
    return killed_with, recovered


async def test_a_worker_killed_anywhere_in_the_fan_out_delivers_each_nudge_once(
    sqlite_template: Path, tmp_path: Path
) -> None:
    results: list[tuple[int, float]] = []
    for start in range(0, TRIALS, AT_ONCE):
        batch = range(start, min(start + AT_ONCE, TRIALS))
        results += await asyncio.gather(*(_trial(n, sqlite_template, tmp_path) for n in batch))
    slowest = max(r for _, r in results)
    assert slowest < RECOVERY_S, results
    # The kills really fell all over the fan-out, not only at its start or end.
    points = sorted(k for k, _ in results)
    assert points[0] < EXECS // 3 and points[-1] > EXECS // 2, points
