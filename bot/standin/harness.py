"""The real app wired to the Slack stand-in on loopback: used by `kyc demo` and the scenario tests.

Everything is real but Slack: Bolt verifies signatures on real HTTP requests, the database is a
real one, the sender delivers through slack-sdk to the stand-in, which answers like Slack."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from bot.app import build_app
from bot.deps import Deps
from bot.server import http_app
from bot.settings import Settings, load_settings
from bot.standin.scopes import manifest_bot_scopes
from bot.standin.server import SlackStandin
from bot.standin.signed import Answer, SlackSender
from scheduler.sender import Sender, sender_client
from storage.db import Database

BOT_TOKEN = "xoxb-test"
SIGNING_SECRET = "kyc-test-signing-secret"
ENCRYPTION_KEY = "tSsXcq7nKPrTQ3gkRZ3Vd1t0ZSVq7xAH8DsmVNl3ysg="  # a Fernet key, for tests only


class Clock:
    """A controlled clock: the app reads it, the test or demo sets it."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def set(self, now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("the clock needs an aware datetime")
        self.now = now


class SettlingSender(SlackSender):
    """Sends like Slack, then waits for the work the app started after its ack (Bolt runs a
    listener's remaining code after the HTTP answer), so a test sees its effects."""

    async def post_raw(
        self, body: str, content_type: str, headers: dict[str, str] | None = None
    ) -> Answer:
        before = asyncio.all_tasks()
        answer = await super().post_raw(body, content_type, headers)
        started = asyncio.all_tasks() - before - {asyncio.current_task()}
        if started:
            await asyncio.wait(started, timeout=10)
        return answer


class LocalSlack:
    """Stand-in + app server + sender, started and stopped together."""

    def __init__(
        self,
        database_url: str,
        *,
        team_id: str = "T_TEST",
        clock: Clock | None = None,
        scopes: set[str] | None = None,
        oauth: bool = False,
        **settings: Any,
    ) -> None:
        """`scopes`: the bot token's; by default manifest.yml's, so every call the app makes is
        checked against what the first install grants (no check without a manifest).
        `oauth`: many workspaces, each installed through /slack/install (`install`), instead
        of one SLACK_BOT_TOKEN."""
        self.database_url = database_url
        self.oauth = oauth
        self.team_id = team_id
        self.clock = clock or Clock()
        self.extra_settings = settings
        granted = manifest_bot_scopes() if scopes is None else scopes
        self.slack = SlackStandin(tokens={BOT_TOKEN}, scopes=granted)
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> LocalSlack:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        base_url = await self.slack.start()
        mode: dict[str, Any] = (
            {
                "slack_client_id": self.slack.client_id,
                "slack_client_secret": self.slack.client_secret,
                "kyc_encryption_keys": ENCRYPTION_KEY,
            }
            if self.oauth
            else {"slack_bot_token": BOT_TOKEN, "kyc_workspace": self.team_id}
        )
        self.settings: Settings = load_settings(
            _env_file=None,
            database_url=self.database_url,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=base_url,
            **{**mode, **self.extra_settings},
        )
        self.db = Database(self.database_url)
        self.deps = Deps(settings=self.settings, db=self.db, clock=self.clock)
        if not self.oauth:
            # SLACK_BOT_TOKEN's workspace, registered as `kyc serve` does once auth.test named it.
            await self.deps.tenancy.store.register_env(
                self.team_id, team_name="Northwind", enterprise_id=None
            )
        self.app = build_app(self.deps)
        self._runner = web.AppRunner(http_app(self.app, self.deps))
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"
        self.app_url = f"{self.base_url}/slack/events"
        # The stand-in takes posts as fast as they come unless a test asks: no pacing here.
        self.sender = Sender(
            self.db,
            sender_client("" if self.oauth else BOT_TOKEN, base_url),
            tokens=self.deps.tenancy.tokens if self.oauth else None,
            clock=self.clock,
            channel_interval=0,
        )
        self.requests = SettlingSender(self.app_url, SIGNING_SECRET, team_id=self.team_id)

    async def install(self, team_id: str, team_name: str, *, installer: str, **kw: Any) -> str:
        """A workspace installs KYC the way a browser does: /slack/install (Bolt sets the
        state cookie and links to Slack), Slack sends the browser back to /slack/oauth_redirect
        with a code, which the app trades at oauth.v2.access. Returns the callback's page."""
        code = f"code-{team_id}-{installer}"
        self.slack.stage_install(code, team_id, team_name, installer=installer, **kw)
        return await oauth_round_trip(self.base_url, self.base_url, code)

    async def deliver(self) -> int:
        """Send everything the outbox holds that is due now (as the sender loop would)."""
        return await self.sender.drain()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        await self.sender.close()
        await self.db.dispose()
        await self.slack.stop()


async def oauth_round_trip(start_url: str, finish_url: str, code: str) -> str:
    """The browser's part of an install: begun at `start_url`, finished at `finish_url` (two
    replicas behind one load balancer may be either), with the cookie the first set."""
    import re
    from urllib.parse import parse_qs, urlparse

    import aiohttp

    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        async with browser.get(f"{start_url}/slack/install", allow_redirects=False) as page:
            body = await page.text()
            found = re.search(r'href="(https://slack.com/oauth/v2/authorize[^"]+)"', body)
            link = page.headers.get("Location") or (found.group(1) if found else "")
            cookies = {k: v.value for k, v in page.cookies.items()}
        state = parse_qs(urlparse(link.replace("&amp;", "&")).query)["state"][0]
        async with browser.get(
            f"{finish_url}/slack/oauth_redirect",
            params={"code": code, "state": state},
            cookies=cookies,
            allow_redirects=False,
        ) as done:
            text = await done.text()
            if done.status != 200:
                raise RuntimeError(f"install failed: HTTP {done.status}: {text[:300]}")
            return text
