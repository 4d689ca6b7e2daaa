"""/healthz says the process is alive; /readyz says it can work: the database answers and
Slack takes the bot token. What a load balancer or a container's health check sees."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
from aiohttp.test_utils import TestClient, TestServer

from bot.app import build_app
from bot.deps import Deps
from bot.server import Readiness, http_app
from bot.settings import load_settings
from bot.slack_metrics import MeteredWebClient
from bot.standin.harness import BOT_TOKEN, SIGNING_SECRET
from bot.standin.server import SlackStandin
from storage.db import Database
from tests.scenario.test_serve import free_port, wait_for


@asynccontextmanager
async def probed(database_url: str, slack: SlackStandin) -> AsyncIterator[TestClient]:
    settings = load_settings(
        _env_file=None,
        database_url=database_url,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack.base_url,
    )
    db = Database(database_url)
    deps = Deps(settings=settings, db=db)
    try:
        async with TestClient(TestServer(http_app(build_app(deps), deps))) as client:
            yield client
    finally:
        await db.dispose()


async def test_ready_when_the_database_answers_and_slack_takes_the_token(
    sqlite_url: str,
) -> None:
    async with SlackStandin(tokens={BOT_TOKEN}) as slack, probed(sqlite_url, slack) as client:
        for _ in range(3):
            resp = await client.get("/readyz")
            assert resp.status == 200
            assert await resp.json() == {"ok": True}
        # Slack's answer is kept a while: probes every few seconds are not Slack calls
        assert len(slack.calls_to("auth.test")) == 1


async def test_not_ready_while_the_database_refuses_yet_alive() -> None:
    closed = f"postgresql://kyc@127.0.0.1:{free_port()}/kyc"
    async with SlackStandin(tokens={BOT_TOKEN}) as slack, probed(closed, slack) as client:
        resp = await client.get("/readyz")
        assert resp.status == 503
        body = await resp.json()
        assert body["ok"] is False
        assert "connection refused" in body["database"]
        assert "slack" not in body  # the token is fine: the reason names only the database
        alive = await client.get("/healthz")
        assert alive.status == 200 and await alive.json() == {"ok": True}


async def test_not_ready_when_slack_refuses_the_token(sqlite_url: str) -> None:
    async with (
        SlackStandin(tokens={"xoxb-another-app"}) as slack,
        probed(sqlite_url, slack) as client,
    ):
        resp = await client.get("/readyz")
        assert resp.status == 503
        assert await resp.json() == {"ok": False, "slack": "auth.test: invalid_auth"}
        assert (await client.get("/healthz")).status == 200


async def test_a_revoked_token_makes_the_process_unready_once_the_good_answer_is_stale(
    sqlite_url: str,
) -> None:
    async with SlackStandin(tokens={BOT_TOKEN}) as slack:
        settings = load_settings(
            _env_file=None,
            database_url=sqlite_url,
            slack_api_url=slack.base_url,
            slack_bot_token=BOT_TOKEN,
        )
        db = Database(sqlite_url)
        client = MeteredWebClient(base_url=slack.base_url)
        try:
            cached = Readiness(Deps(settings=settings, db=db), client, slack_ttl=60)
            fresh = Readiness(Deps(settings=settings, db=db), client, slack_ttl=0)
            assert await cached.problems() == {} and await fresh.problems() == {}
            slack.revoke(BOT_TOKEN)
            assert await cached.problems() == {}
            assert await fresh.problems() == {"slack": "auth.test: token_revoked"}
        finally:
            await db.dispose()


async def test_a_worker_asked_for_a_port_serves_health_and_metrics_but_no_slack_events(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'kyc.db'}"
    async with SlackStandin(tokens={BOT_TOKEN}) as slack:
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack.base_url,
            "KYC_HTTP_PORT": str(port),
        }
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "worker", "--host", "127.0.0.1"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            async with aiohttp.ClientSession() as http:

                async def ready() -> bool:
                    try:
                        async with http.get(f"{base}/readyz") as resp:
                            return resp.status == 200
                    except aiohttp.ClientError:
                        return False

                await wait_for(ready)
                async with http.get(f"{base}/healthz") as resp:
                    assert resp.status == 200
                async with http.get(f"{base}/metrics") as resp:
                    assert resp.status == 200
                    page = await resp.text()
                    # the worker's start-up auth.test, counted by its Slack client
                    assert 'kyc_slack_api_calls_total{method="auth.test",outcome="ok"}' in page
                async with http.post(f"{base}/slack/events", data="{}") as resp:
                    assert resp.status in (404, 405)  # a worker takes no requests from Slack
        finally:
            proc.send_signal(signal.SIGTERM)
            output = (await asyncio.to_thread(proc.communicate, timeout=30))[0].decode()
        assert proc.returncode == 0, output
