"""`kyc serve` as a real process: migrates, serves /healthz and Slack requests, sends the nudge."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp

from bot.standin.harness import BOT_TOKEN, SIGNING_SECRET
from bot.standin.server import SlackStandin
from bot.standin.signed import SlackSender
from storage.db import Database
from storage.migrate import upgrade_async
from tests import factories as f


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_for(predicate, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.1)


async def serving(port: int) -> None:
    """Until `kyc serve` on `port` answers /healthz."""

    async def healthy() -> bool:
        try:
            async with (
                aiohttp.ClientSession() as http,
                http.get(f"http://127.0.0.1:{port}/healthz") as resp,
            ):
                return resp.status == 200 and (await resp.json())["ok"] is True
        except aiohttp.ClientError:
            return False

    await wait_for(healthy)


async def test_a_new_install_reaches_a_first_morning_dm(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'kyc.db'}"
    await upgrade_async(url)
    db = Database(url)
    # `kyc serve` runs on the real clock: Dana is where it is mid-morning now, her nudge due a
    # minute ago, so the test does not depend on the time of day it runs.
    tz = f.zone_at_local_hour(datetime.now(UTC))
    local_now = datetime.now(ZoneInfo(tz))
    async with db.unit_of_work() as s:
        ex = await f.executive(
            s,
            "Dana Whitfield",
            slack_user_id="U0DANA",
            timezone=tz,
            workdays="mon,tue,wed,thu,fri,sat,sun",
            nudge_time=(local_now - timedelta(minutes=1)).time().replace(microsecond=0),
        )
        for name in ("Acme", "Globex"):
            await f.customer(s, ex, name)
    await db.dispose()

    async with SlackStandin(tokens={BOT_TOKEN}) as slack:
        slack.add_user("U0DANA", name="Dana Whitfield", tz=tz)
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack.base_url,
            "KYC_WORKSPACE": f.WS,
            "KYC_CATCHUP_UNTIL": "23:59",
        }
        env.pop("SLACK_APP_TOKEN", None)
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--port", str(port), "--host", "127.0.0.1"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            await serving(port)

            async def nudged() -> bool:
                return any(m["channel"] == "D0DANA" for m in slack.messages())

            try:
                await wait_for(nudged)
            except AssertionError:
                proc.send_signal(signal.SIGTERM)
                out = await asyncio.to_thread(proc.communicate, timeout=30)
                raise AssertionError(out[0].decode()) from None
            (dm,) = slack.messages("D0DANA")
            assert "0/2 done" in dm["text"]

            sender = SlackSender(
                f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET, team_id=f.WS
            )
            answer = await sender.slash_command("U0DANA", "week")
            assert answer.status == 200 and "Acme" in answer.text
            for _ in range(2):
                assert (await sender.slash_command("U0DANA", "done")).status == 200

            async def opened_twice() -> bool:
                return len(slack.calls_to("views.open")) == 2

            await wait_for(opened_twice)
            # one kept-alive connection, not a TCP (and TLS) handshake with Slack per modal
            assert len(slack.connections["views.open"]) == 1
        finally:
            proc.send_signal(signal.SIGTERM)
            output = (await asyncio.to_thread(proc.communicate, timeout=30))[0].decode()
        assert proc.returncode == 0, output
        assert "Traceback" not in output
        assert len(slack.messages("D0DANA")) == 1  # the next ticks did not send it again
