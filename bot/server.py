"""Running the bot: HTTP (`/slack/events`, `/healthz`) or Socket Mode, plus scheduler and sender."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import socket
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from sqlalchemy import text

from bot import metrics
from bot.app import Deps, build_app, web_client
from bot.sdklog import close_connections, share_connections
from bot.services.charts import ChartExpired, chart_png
from bot.services.workspace_binding import adopt_roster, token_team
from bot.settings import Settings
from scheduler.jobs import build_scheduler, sender_loop
from scheduler.sender import sender_from_settings
from storage.db import Database
from storage.migrate import upgrade_async

log = logging.getLogger("kyc.server")


def serves_events(settings: Settings) -> bool:
    """Whether HTTP takes Slack's requests: not without a signing secret (Socket Mode), as
    nothing could then tell them from forgeries."""
    return settings.slack_signing_secret is not None


def http_app(app: AsyncApp, deps: Deps, *, slack_events: bool = True) -> web.Application:
    """`/healthz`, `/metrics`, the chart images and, with `slack_events`, Slack's requests on
    `/slack/events`."""

    async def events(request: web.Request) -> web.Response:
        bolt_response = await app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    async def healthz(_request: web.Request) -> web.Response:
        try:
            async with deps.db.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:  # report, don't crash: the load balancer needs an answer
            return web.json_response({"ok": False, "database": str(exc)}, status=503)
        return web.json_response({"ok": True})

    async def metrics_page(_request: web.Request) -> web.Response:
        body = await metrics.render(deps.db, deps.now())
        return web.Response(body=body, headers={"Content-Type": metrics.CONTENT_TYPE})

    async def chart(request: web.Request) -> web.Response:
        m = request.match_info
        try:
            png = await chart_png(
                deps.db,
                deps.settings,
                m["ws"],
                int(m["person"]),
                m["week"],
                m["sig"],
                now=deps.now(),
            )
        except ChartExpired:
            return web.Response(status=410, text="this chart link has expired")
        except ValueError:
            png = None
        if png is None:
            return web.Response(status=404, text="no such chart")
        return web.Response(
            body=png, content_type="image/png", headers={"Cache-Control": "private, max-age=3600"}
        )

    web_app = web.Application()
    if slack_events:
        web_app.router.add_post("/slack/events", events)
    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_get("/metrics", metrics_page)
    web_app.router.add_get(r"/charts/{ws}/{person:\d+}/{week}/{sig}.png", chart)
    return web_app


def freeze_startup_heap() -> None:
    """What start-up imported and built lives as long as the process: move it out of the
    garbage collector's sight, so each collection walks only what requests allocate
    (a fifth of the morning's CPU per nudge, measured in `bench`)."""
    gc.collect()
    gc.freeze()


class Runtime:
    """One process: the Bolt app (unless worker-only), the scheduler and the outbox sender."""

    def __init__(
        self, settings: Settings, *, serve_web: bool = True, scheduler: bool = True
    ) -> None:
        self.settings = settings
        self.web = serve_web
        self.scheduler_enabled = scheduler
        self.db = Database(settings.database_url)
        self.deps = Deps(settings=settings, db=self.db)
        self.sender = sender_from_settings(self.db, settings)
        self.client = web_client(settings)
        self._pool: aiohttp.ClientSession | None = None
        self._tasks: list[asyncio.Task[Any]] = []
        self._runner: web.AppRunner | None = None
        self._socket: Any = None
        self._scheduler: Any = None

    async def start(
        self, *, host: str = "0.0.0.0", port: int = 3000, sock: socket.socket | None = None
    ) -> None:
        """`sock`: the HTTP port already opened (`kyc serve` opens it first, to fail early)."""
        await upgrade_async(self.settings.database_url)
        # views.open has 3 s of trigger_id: no TCP and TLS handshake with Slack on every call.
        self._pool = share_connections(self.client)
        await self._check_workspace()
        if self.web:
            app = build_app(self.deps, client=self.client)
            if self.settings.slack_app_token:
                from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

                self._socket = AsyncSocketModeHandler(
                    app, self.settings.slack_app_token.get_secret_value()
                )
                await self._socket.connect_async()
                log.info("connected to Slack in Socket Mode")
            # HTTP always serves /healthz; /slack/events only with a signing secret.
            signed = serves_events(self.settings)
            self._runner = web.AppRunner(http_app(app, self.deps, slack_events=signed))
            await self._runner.setup()
            site = (
                web.SockSite(self._runner, sock)
                if sock is not None
                else web.TCPSite(self._runner, host, port)
            )
            await site.start()
            log.info("listening on http://%s:%s/slack/events", host, port)
        if self.scheduler_enabled:
            await self.sender.start()  # takes over what a stopped worker left, at once
            self._scheduler = build_scheduler(self.deps, self.client)
            self._scheduler.start()
            self._tasks.append(asyncio.create_task(sender_loop(self.deps, self.sender)))
            self.deps.kick()
        freeze_startup_heap()

    async def _check_workspace(self) -> None:
        """Say which workspace the token belongs to; adopt a roster loaded before it was known."""
        try:
            team = await token_team(self.client)
        except Exception as exc:  # the bot still starts; Slack may be briefly unreachable
            log.error("could not reach Slack (auth.test): %s", exc)
            return
        log.info(
            "connected to Slack workspace %s (%s)%s",
            team.name,
            team.team_id,
            f" of Enterprise Grid org {team.enterprise_id}" if team.enterprise_id else "",
        )
        configured = self.settings.kyc_workspace
        if configured in (None, team.team_id):
            await adopt_roster(self.db, team)
        else:
            log.warning(
                "KYC_WORKSPACE is %s but this bot is installed in %s: unset KYC_WORKSPACE, or "
                "load the roster for %s (kyc import …), or roster people will be told they are "
                "not enrolled",
                configured,
                team.team_id,
                team.team_id,
            )

    async def stop(self) -> None:
        """SIGTERM: stop claiming, let in-flight sends finish, close connections."""
        self.sender.stopping = True
        self.deps.kick()
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
        for task in self._tasks:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(task, timeout=15)
        log.info("sender stopped")
        if self._socket is not None:
            await self._socket.close_async()
        if self._runner is not None:
            await self._runner.cleanup()
        await self.sender.close()
        await close_connections(self.client, self._pool)
        self._pool = None
        await self.db.dispose()
        log.info("stopped")


async def serve(
    settings: Settings,
    *,
    host: str,
    port: int,
    web: bool,
    scheduler: bool,
    sock: socket.socket | None = None,
) -> None:
    runtime = Runtime(settings, serve_web=web, scheduler=scheduler)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await runtime.start(host=host, port=port, sock=sock)
    await stop.wait()
    log.info("shutting down")
    await runtime.stop()
