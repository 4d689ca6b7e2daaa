"""`kyc serve --workers 3`: three processes answer Slack on one port, the scheduler and the
sender run in one of them, and SIGTERM stops them all cleanly."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp
from sqlalchemy import select

from bot.standin.harness import BOT_TOKEN, SIGNING_SECRET
from bot.standin.server import SlackStandin
from bot.standin.signed import SlackSender
from storage.db import Database
from storage.migrate import upgrade_async
from storage.models import OutboxWorker
from tests import factories as f
from tests.scenario.test_serve import free_port, wait_for


def _children(pid: int) -> set[int]:
    tasks = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(p) for p in tasks.read_text().split()} if tasks.exists() else set()


async def test_three_workers_share_the_port_and_one_of_them_sends(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'kyc.db'}"
    await upgrade_async(url)
    db = Database(url)
    users = [f"U0EXEC{i}" for i in range(30)]
    async with db.unit_of_work() as s:
        for user in users:
            await f.executive(s, slack_user_id=user)
    async with SlackStandin(tokens={BOT_TOKEN}) as slack:
        for user in users:
            slack.add_user(user, name=user, tz="UTC")
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack.base_url,
            "KYC_WORKSPACE": f.WS,
        }
        env.pop("SLACK_APP_TOKEN", None)
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--port", str(port), "--workers", "3"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:

            async def three_ready() -> bool:
                async with db.unit_of_work() as s:
                    registered = list(await s.scalars(select(OutboxWorker.pid)))
                if not registered or len(_children(proc.pid)) != 3:
                    return False
                try:
                    async with (
                        aiohttp.ClientSession() as http,
                        http.get(f"http://127.0.0.1:{port}/healthz") as resp,
                    ):
                        return resp.status == 200
                except aiohttp.ClientError:
                    return False

            await wait_for(three_ready, timeout=60)
            workers = _children(proc.pid)
            async with db.unit_of_work() as s:
                (sender,) = await s.scalars(select(OutboxWorker.pid))  # one sender, a worker
            assert sender in workers

            requests = SlackSender(
                f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET, team_id=f.WS
            )
            answers = await asyncio.gather(
                *(requests.slash_command(user, "done") for user in users)
            )
            assert {a.status for a in answers} == {200}

            async def all_opened() -> bool:
                return len(slack.calls_to("views.open")) == len(users)

            await wait_for(all_opened)
            # each worker has its own connection to Slack: the burst was spread over them
            assert len(slack.connections["views.open"]) > 1
        finally:
            proc.send_signal(signal.SIGTERM)
            output = (await asyncio.to_thread(proc.communicate, timeout=60))[0].decode()
            await db.dispose()
        assert proc.returncode == 0, output
        assert "Traceback" not in output
        assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
