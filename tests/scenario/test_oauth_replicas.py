"""Installing through OAuth on a real deployment: two `kyc serve` replicas behind one load
balancer share the install state (begun on one, finished on the other), and a workspace's
token rotates in the middle of its morning without a message lost or doubled."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.services.morning import run_morning
from bot.standin.harness import ENCRYPTION_KEY, SIGNING_SECRET, Clock, LocalSlack, oauth_round_trip
from bot.standin.server import SlackStandin
from bot.standin.signed import SlackSender
from storage.db import Database
from storage.models import Installation, Person
from tests import factories as f
from tests.factories import utc
from tests.scenario.test_serve import free_port, serving, wait_for


def oauth_env(url: str, slack: SlackStandin) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "KYC_"))}
    return {
        **env,
        "DATABASE_URL": url,
        "SLACK_API_URL": slack.base_url,
        "SLACK_CLIENT_ID": slack.client_id,
        "SLACK_CLIENT_SECRET": slack.client_secret,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "KYC_ENCRYPTION_KEYS": ENCRYPTION_KEY,
    }


async def test_an_install_begun_on_one_replica_finishes_on_the_other(db_url: str) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip("several kyc serve processes share one database on PostgreSQL")
    async with SlackStandin(tokens=set()) as slack:
        slack.add_user("U0ALICE", name="Alice Admin", team="T0ACME")
        env = oauth_env(db_url, slack)
        ports = [free_port(), free_port()]
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1"]
                + ["--port", str(port)]
                + ([] if n == 0 else ["--no-scheduler"]),
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
            for n, port in enumerate(ports)
        ]
        try:
            for port in ports:
                await serving(port)
            slack.stage_install("code-acme", "T0ACME", "Acme", installer="U0ALICE")
            first, second = (f"http://127.0.0.1:{p}" for p in ports)
            page = await oauth_round_trip(first, second, "code-acme")
            assert "Thank you" in page or "installed" in page.lower()
            # The same state cannot be spent twice.
            with pytest.raises(RuntimeError, match="install failed"):
                slack.stage_install("code-again", "T0ACME", "Acme", installer="U0ALICE")
                await oauth_round_trip(first, first, "code-again-not-staged")

            # The new workspace is answered at once, by either replica, with its own token.
            acme = SlackSender(f"{second}/slack/events", SIGNING_SECRET, team_id="T0ACME")
            answer = await acme.slash_command("U0ALICE", "help")
            assert answer.status == 200 and "/kyc done" in answer.text

            async def welcomed() -> bool:
                return any(
                    c.ok and c.params.get("channel") == "U0ALICE" and c.team == "T0ACME"
                    for c in slack.calls_to("chat.postMessage")
                )

            await wait_for(welcomed)  # the installer's welcome, sent by the first replica
        finally:
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            outputs = [
                (await asyncio.to_thread(p.communicate, timeout=30))[0].decode() for p in procs
            ]
        for proc, output in zip(procs, outputs, strict=True):
            assert proc.returncode == 0, output
            assert "xoxb-" not in output and "xoxe" not in output  # no token in any log
    db = Database(db_url)
    try:
        async with db.unit_of_work() as s:
            (row,) = list(await s.scalars(select(Installation)))
            admin = await s.scalar(select(Person).where(Person.slack_user_id == "U0ALICE"))
        assert row.team_id == "T0ACME" and row.installer_user_id == "U0ALICE"
        assert admin is not None and admin.role == "admin"
    finally:
        await db.dispose()


async def test_a_token_rotated_mid_morning_loses_and_doubles_nothing(
    sqlite_url: str, tmp_path: Path
) -> None:
    clock = Clock(utc(2026, 11, 23, 13, 31))  # Monday 08:31 in New York
    # Tokens live 62 s and are refreshed in their last minute: about 2 s after each is issued.
    async with LocalSlack(
        sqlite_url, team_id="T0ACME", clock=clock, oauth=True, kyc_token_refresh_minutes=1
    ) as env:
        env.slack.add_user("U0ALICE", name="Alice Admin", team="T0ACME")
        await env.install("T0ACME", "Acme", installer="U0ALICE", rotating=True, expires_in=62)
        async with env.db.unit_of_work() as s:
            for n in range(12):
                uid = f"U0EX{n:02d}"
                ex = await f.executive(
                    s, f"Exec {n}", workspace_id="T0ACME", slack_user_id=uid, timezone="UTC"
                )
                env.slack.add_user(uid, name=ex.name, tz="UTC", team="T0ACME")
                for c in range(5):
                    await f.customer(s, ex, f"Customer {n}-{c}")
        clock.set(utc(2026, 11, 23, 8, 31))  # 08:31 UTC
        env.slack.latency = 0.3
        env.sender.concurrency = 1
        await run_morning(env.db, env.settings, "T0ACME", now=clock())
        sent = 0
        for _ in range(40):
            sent += await env.deliver()
            if sent >= 13:
                break
            await asyncio.sleep(0.2)
        # And a request in the meantime: Bolt's side refreshes from the same row.
        answer = await env.requests.for_team("T0ACME").slash_command("U0EX00", "help")
        assert answer.status == 200
    posts = [c for c in env.slack.calls_to("chat.postMessage") if c.ok]
    nudged = Counter(str(c.params["channel"]) for c in posts)
    assert {u: n for u, n in nudged.items() if u.startswith("U0EX")} == {
        f"U0EX{n:02d}": 1 for n in range(12)
    }
    refreshes = [c for c in env.slack.calls_to("oauth.v2.access") if c.params.get("grant_type")]
    assert refreshes and all(c.ok for c in refreshes)
    assert len({c.token for c in posts}) >= 2  # the morning went out on more than one token
    assert not [c for c in env.slack.calls if c.error in ("token_expired", "invalid_auth")]
