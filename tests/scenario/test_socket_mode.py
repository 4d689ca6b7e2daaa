"""`kyc serve` in Socket Mode as a real process, against the stand-in's Socket Mode: a token
Slack refuses or a Slack out of reach is one line and an exit; SIGTERM ends it in any state;
a dropped connection is opened again and every request is handled once and acked."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import IO

import aiohttp
import pytest

from bot.standin.harness import BOT_TOKEN
from bot.standin.server import SlackStandin
from bot.standin.socket_mode import Envelope
from tests import factories as f

APP_TOKEN = "xapp-1-A0KYC-1-socketmodesecret"
USERS = [f"U0SM{i:04d}" for i in range(1, 11)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Serve:
    """A `kyc serve` process; its stderr (the log, and the last word) goes to a file."""

    def __init__(self, tmp_path: Path, api_url: str, *args: str, **settings: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "KYC_"))}
        env.update(
            {
                "DATABASE_URL": f"sqlite:///{tmp_path / 'kyc.db'}",
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_APP_TOKEN": APP_TOKEN,
                "SLACK_API_URL": api_url,
                "KYC_WORKSPACE": f.WS,
                **settings,
            }
        )
        self.err_path = tmp_path / "stderr.log"
        self._err: IO[bytes] = self.err_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", *args],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=self._err,
        )
        self.started = time.monotonic()

    @property
    def stderr(self) -> str:
        return self.err_path.read_text(encoding="utf-8", errors="replace")

    async def ended(self, timeout: float) -> tuple[int, float]:
        """Wait for the exit (without blocking the stand-in's loop): the code, and when."""
        try:
            code = await asyncio.to_thread(self.proc.wait, timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"still running after {timeout} s:\n{self.stderr}") from None
        finally:
            self._err.close()
        return code, time.monotonic()

    async def terminated(self, timeout: float = 5.0) -> tuple[int, float]:
        """SIGTERM, then the exit code and how long it took."""
        sent = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        code, at = await self.ended(timeout)
        return code, at - sent

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._err.close()


async def until(
    what: Callable[[], bool | Awaitable[bool]], serve: Serve, timeout: float = 20.0
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        done = what()
        if not isinstance(done, bool):
            done = await done
        if done:
            return
        if serve.proc.poll() is not None:
            raise AssertionError(f"kyc serve exited {serve.proc.returncode}:\n{serve.stderr}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out; kyc serve said:\n{serve.stderr}")
        await asyncio.sleep(0.05)


def naming(text: str, name: str) -> list[str]:
    return [line for line in text.splitlines() if name in line]


async def readyz(port: int) -> tuple[int, dict[str, str]]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{port}/readyz") as resp,
    ):
        return resp.status, await resp.json()


@pytest.mark.parametrize(
    ("token", "error"),
    [("xapp-1-A0KYC-1-notthisone", "invalid_auth"), (BOT_TOKEN, "not_allowed_token_type")],
    ids=["unknown app token", "a bot token"],
)
async def test_a_token_slack_refuses_stops_serve_with_one_line(
    tmp_path: Path, token: str, error: str
) -> None:
    async with SlackStandin(tokens={BOT_TOKEN}, app_tokens={APP_TOKEN}) as slack:
        serve = Serve(tmp_path, slack.base_url, SLACK_APP_TOKEN=token)
        code, at = await serve.ended(timeout=30)
    shown = serve.stderr
    assert code == 1, shown
    assert at - serve.started < 20  # not a retry in sight: no retry changes a token
    (line,) = naming(shown, "SLACK_APP_TOKEN")
    assert error in line and "connections:write" in line
    assert shown.strip().splitlines()[-1] == line  # the last word
    assert "Traceback" not in shown
    assert token not in shown
    assert len(slack.calls_to("apps.connections.open")) == 1


async def test_slack_out_of_reach_is_tried_5_times_then_one_line_naming_the_url(
    tmp_path: Path,
) -> None:
    closed = f"http://127.0.0.1:{free_port()}/api/"  # nothing listens there
    serve = Serve(tmp_path, closed, KYC_SOCKET_MODE_RETRY_SECONDS="2")
    code, at = await serve.ended(timeout=30)
    shown = serve.stderr
    assert code == 1, shown
    assert at - serve.started < 15  # 2 s of waits, start-up, and five quick refusals
    (line,) = naming(shown, "after 5 tries")
    assert f"{closed}apps.connections.open" in line and "connection refused" in line
    assert shown.strip().splitlines()[-1] == line
    assert len(naming(shown, "trying again in")) == 4
    assert "Traceback" not in shown


async def test_sigterm_while_slack_is_out_of_reach_stops_serve_at_once(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}/api/"
    port = free_port()
    serve = Serve(tmp_path, closed, "--port", str(port), KYC_SOCKET_MODE_RETRY_SECONDS="300")
    try:
        await until(lambda: len(naming(serve.stderr, "trying again in")) == 1, serve)
        # alive, not ready: the operator's probes say what is going on meanwhile
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{port}/healthz") as resp,
        ):
            assert resp.status == 200
        status, problems = await readyz(port)
        assert status == 503 and "not connected" in problems["socket_mode"]
        code, took = await serve.terminated()
    finally:
        serve.kill()
    assert code == 0 and took < 5, serve.stderr
    assert "Traceback" not in serve.stderr


def publishes(slack: SlackStandin) -> Counter[str]:
    return Counter(str(c.params["user_id"]) for c in slack.calls_to("views.publish") if c.ok)


async def test_a_dropped_connection_is_reopened_and_every_request_handled_once(
    tmp_path: Path,
) -> None:
    async with SlackStandin(tokens={BOT_TOKEN}, app_tokens={APP_TOKEN}) as slack:
        for user in USERS:
            slack.add_user(user, name=f"Person {user}")
        sm = slack.socket_mode
        serve = Serve(tmp_path, slack.base_url)  # no --port: Socket Mode needs none
        try:
            await until(lambda: len(sm.open_connections) == 1, serve)

            def home(user: str) -> Awaitable[Envelope]:
                return sm.push_event({"type": "app_home_opened", "user": user, "tab": "home"})

            def handled(users: list[str]) -> Callable[[], bool]:
                return lambda: all(publishes(slack)[u] >= 1 for u in users) and not sm.unacked()

            # connected: requests come in and are acked
            for user in USERS[:3]:
                await home(user)
            command = await sm.push_slash_command(USERS[0], "help")
            await until(handled(USERS[:3]), serve)

            # Slack closes the connection; what comes meanwhile waits for the next one
            await sm.drop()
            await home(USERS[3])
            await until(lambda: len(sm.open_connections) == 1, serve)
            await until(handled(USERS[:4]), serve)

            # handled, but the ack is lost as the connection is cut: Slack sends it again on
            # the next connection, and the app, which handled it already, only acks it
            sm.lose_acks(1)
            resent = await home(USERS[4])
            await until(lambda: len(sm.lost_acks()) == 1 and publishes(slack)[USERS[4]] == 1, serve)
            await sm.drop(abrupt=True)
            await until(lambda: len(sm.connections) == 3 and resent.acked, serve)

            # cut right after an envelope went out, acked or not
            cut = await home(USERS[5])
            await sm.drop(abrupt=True)
            # Slack asks for a new connection before it rotates one
            await until(lambda: len(sm.open_connections) == 1, serve)
            await sm.ask_to_reconnect()
            await home(USERS[6])
            await until(handled(USERS[:7]), serve)

            await asyncio.sleep(1)  # time for a second handling to show, were there one
            assert publishes(slack) == Counter({u: 1 for u in USERS[:7]})
            assert sm.unacked() == []
            assert resent.retry_attempt == 1 and len(resent.sent_on) == 2
            assert "/kyc done" in str(command.acks[-1].payload)  # the answer rides on the ack
            assert len(sm.connections) >= 5
            assert cut.acked

            code, took = await serve.terminated()  # SIGTERM while connected
        finally:
            serve.kill()
    shown = serve.stderr
    assert code == 0 and took < 5, shown
    assert "Traceback" not in shown
    assert APP_TOKEN not in shown
    assert "listening on" not in shown  # no HTTP port was asked for


async def test_sigterm_while_reconnecting_stops_serve_at_once(tmp_path: Path) -> None:
    port = free_port()
    async with SlackStandin(tokens={BOT_TOKEN}, app_tokens={APP_TOKEN}) as slack:
        sm = slack.socket_mode
        serve = Serve(tmp_path, slack.base_url, KYC_HTTP_PORT=str(port))
        try:
            await until(lambda: len(sm.open_connections) == 1, serve)
            assert await readyz(port) == (200, {"ok": True})
            sm.refuse_connections = True  # Slack's WebSocket answers 503 for a while
            await sm.drop(abrupt=True)
            await until(lambda: len(naming(serve.stderr, "trying again in")) >= 2, serve)
            status, problems = await readyz(port)
            assert status == 503 and "not connected" in problems["socket_mode"]
            code, took = await serve.terminated()
        finally:
            serve.kill()
    shown = serve.stderr
    assert code == 0 and took < 5, shown
    assert "503" in naming(shown, "trying again in")[0]
    assert "Traceback" not in shown


async def test_an_app_token_revoked_while_running_stops_serve_with_one_line(
    tmp_path: Path,
) -> None:
    async with SlackStandin(tokens={BOT_TOKEN}, app_tokens={APP_TOKEN}) as slack:
        sm = slack.socket_mode
        serve = Serve(tmp_path, slack.base_url)
        try:
            await until(lambda: len(sm.open_connections) == 1, serve)
            sm.app_tokens.clear()  # the admin revoked it: the next connection is refused
            await sm.drop()
            code, _ = await serve.ended(timeout=10)
        finally:
            serve.kill()
    shown = serve.stderr
    assert code == 1, shown
    (line,) = naming(shown, "SLACK_APP_TOKEN")
    assert "invalid_auth" in line and shown.strip().splitlines()[-1] == line
    assert "Traceback" not in shown
