"""Running the bot: HTTP (`/slack/events`) or Socket Mode, plus scheduler and sender; and what
an operator asks a running process: `/healthz` (alive), `/readyz` (can work), `/metrics`."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
import socket
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import text

from bot import metrics
from bot.app import build_app, web_client
from bot.deps import Deps
from bot.misconfig import explain, mask, secrets_of
from bot.sdklog import close_connections, share_connections
from bot.services.charts import ChartExpired, chart_png
from bot.services.ics_links import IcsExpired, ics_file
from bot.services.meeting_ics import meeting_ics_file
from bot.services.workspace_binding import bind_env_token, token_team
from bot.settings import Settings
from bot.socket_mode import SocketMode
from scheduler.jobs import build_scheduler, sender_loop
from scheduler.sender import sender_from_settings
from storage.db import Database
from storage.migrate import upgrade_async

log = logging.getLogger("kyc.server")


def serves_events(settings: Settings) -> bool:
    """Whether HTTP takes Slack's requests: not without a signing secret (Socket Mode), as
    nothing could then tell them from forgeries."""
    return settings.slack_signing_secret is not None


class Readiness:
    """Whether this process can do its work: the database answers, and Slack takes the bot
    token (`auth.test`). A good answer from Slack is kept for `slack_ttl` seconds, so probes
    every few seconds do not become Slack calls every few seconds; a bad one is asked again.
    In Socket Mode, `socket_connected` says whether Slack's requests can reach the bot."""

    def __init__(
        self,
        deps: Deps,
        client: AsyncWebClient,
        *,
        slack_ttl: float = 60.0,
        socket_connected: Callable[[], Awaitable[bool]] | None = None,
    ) -> None:
        self.deps = deps
        self.client = client
        self.slack_ttl = slack_ttl
        self.socket_connected = socket_connected
        self._slack_ok_until = 0.0

    async def problems(self) -> dict[str, str]:
        """What is wrong, by part ("database", "slack"); empty when ready."""
        found: dict[str, str] = {}
        database, slack = await asyncio.gather(self._database(), self._slack())
        if database:
            found["database"] = database
        if slack:
            found["slack"] = slack
        if self.socket_connected is not None and not await self.socket_connected():
            found["socket_mode"] = "not connected to Slack (connecting)"
        return found

    async def _database(self) -> str | None:
        try:
            async with asyncio.timeout(5), self.deps.db.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:
            settings = self.deps.settings
            line = explain(exc, database_url=settings.database_url, secrets=secrets_of(settings))
            return line or mask(f"{type(exc).__name__}: {exc}", secrets_of(settings))
        return None

    async def _slack(self) -> str | None:
        if time.monotonic() < self._slack_ok_until:
            return None
        try:
            async with asyncio.timeout(5):
                token = self.deps.settings.slack_bot_token
                if token is not None and not self.deps.settings.oauth:
                    await self.client.auth_test(token=token.get_secret_value())
                else:  # many workspaces, no one token: is Slack there at all?
                    await self.client.api_test()
        except SlackApiError as exc:
            return f"auth.test: {exc.response.get('error') or exc.response.status_code}"
        except Exception as exc:
            return f"Slack unreachable: {type(exc).__name__}"
        self._slack_ok_until = time.monotonic() + self.slack_ttl
        return None


def http_app(
    app: AsyncApp | None,
    deps: Deps,
    *,
    slack_events: bool = True,
    client: AsyncWebClient | None = None,
    socket_connected: Callable[[], Awaitable[bool]] | None = None,
) -> web.Application:
    """`/healthz`, `/readyz`, `/metrics`, the chart images, the .ics files and, with an app and
    `slack_events`, Slack's requests on `/slack/events`. `client` answers `/readyz`'s
    auth.test (the app's client by default); `socket_connected`, Socket Mode's state."""
    slack_client = client or (app.client if app is not None else web_client(deps.settings))
    readiness = Readiness(deps, slack_client, socket_connected=socket_connected)

    async def events(request: web.Request) -> web.Response:
        assert app is not None
        bolt_response = await app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    async def install(request: web.Request) -> web.Response:
        """OAuth: the "Add to Slack" page, then Slack's redirect back (Bolt's flow)."""
        assert app is not None and app.oauth_flow is not None
        flow = app.oauth_flow
        bolt_request = await to_bolt_request(request)
        if request.path == flow.redirect_uri_path:
            bolt_response = await flow.handle_callback(bolt_request)
        else:
            bolt_response = await flow.handle_installation(bolt_request)
        return await to_aiohttp_response(bolt_response)

    async def healthz(_request: web.Request) -> web.Response:
        # The event loop answered: the process is alive. Nothing else is asked (see /readyz).
        return web.json_response({"ok": True})

    async def readyz(_request: web.Request) -> web.Response:
        problems = await readiness.problems()
        if problems:
            return web.json_response({"ok": False, **problems}, status=503)
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

    async def calendar_file(
        filename: str, make: Callable[[], Awaitable[str | None]]
    ) -> web.Response:
        """A signed link's calendar file: 410 once expired, 404 when forged or gone."""
        try:
            text = await make()
        except IcsExpired:
            return web.Response(status=410, text="this calendar link has expired")
        except ValueError:  # a path part that is no number
            text = None
        if text is None:
            return web.Response(status=404, text="no such calendar file")
        return web.Response(
            body=text.encode(),
            headers={
                "Content-Type": "text/calendar; charset=utf-8",
                "Content-Disposition": f'attachment; filename="{filename}"',
                "Cache-Control": "private, max-age=3600",
            },
        )

    async def ics(request: web.Request) -> web.Response:
        m = request.match_info
        return await calendar_file(
            "call-slots.ics",
            lambda: ics_file(
                deps.db,
                deps.settings,
                m["ws"],
                int(m["person"]),
                int(m["customer"]),
                int(m["expires"]),
                m["slots"],
                m["sig"],
                now=deps.now(),
            ),
        )

    async def meeting_ics(request: web.Request) -> web.Response:
        m = request.match_info
        return await calendar_file(
            "customer-meeting.ics",
            lambda: meeting_ics_file(
                deps.db,
                deps.settings,
                m["ws"],
                int(m["meeting"]),
                int(m["expires"]),
                m["sig"],
                now=deps.now(),
            ),
        )

    web_app = web.Application()
    if app is not None and slack_events:
        web_app.router.add_post("/slack/events", events)
        if app.oauth_flow is not None:
            web_app.router.add_get(app.oauth_flow.install_path, install)
            web_app.router.add_get(app.oauth_flow.redirect_uri_path, install)
    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_get("/readyz", readyz)
    web_app.router.add_get("/metrics", metrics_page)
    web_app.router.add_get(r"/charts/{ws}/{person:\d+}/{week}/{sig}.png", chart)
    web_app.router.add_get(
        r"/ics/{ws}/{person:\d+}/{customer:\d+}/{expires:\d+}/{slots:[\d-]+}/{sig}.ics", ics
    )
    web_app.router.add_get(r"/ics/meeting/{ws}/{meeting:\d+}/{expires:\d+}/{sig}.ics", meeting_ics)
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
        self.sender = sender_from_settings(self.db, settings, self.deps.tenancy.tokens)
        self.client = web_client(settings)
        self._pool: aiohttp.ClientSession | None = None
        self._tasks: list[asyncio.Task[Any]] = []
        self._runner: web.AppRunner | None = None
        self._socket: SocketMode | None = None
        self._scheduler: Any = None

    async def start(
        self, *, host: str = "0.0.0.0", port: int | None = 3000, sock: socket.socket | None = None
    ) -> None:
        """HTTP is served on `sock` (the port `kyc` opened first, to fail early) or `port`;
        with neither (`kyc worker` by default, `kyc serve` in Socket Mode), not at all. Without
        the Bolt app (a worker) it serves only /healthz, /readyz, /metrics and the charts.
        In Socket Mode it returns connected, or raises SocketModeFailed."""
        await upgrade_async(self.settings.database_url)
        # views.open has 3 s of trigger_id: no TCP and TLS handshake with Slack on every call.
        self._pool = share_connections(self.client)
        await self._check_workspace()
        app = None
        if self.web:
            app = build_app(self.deps, client=self.client)
            if self.settings.slack_app_token:
                self._socket = SocketMode(
                    app,
                    self.settings.slack_app_token.get_secret_value(),
                    retry_seconds=self.settings.kyc_socket_mode_retry_seconds,
                )
        if sock is not None or port is not None:
            # /slack/events only with a signing secret (not in Socket Mode without one).
            signed = app is not None and serves_events(self.settings)
            web_app = http_app(
                app,
                self.deps,
                slack_events=signed,
                client=self.client,
                socket_connected=self._socket.connected if self._socket else None,
            )
            self._runner = web.AppRunner(web_app)
            await self._runner.setup()
            site = (
                web.SockSite(self._runner, sock)
                if sock is not None
                else web.TCPSite(self._runner, host, port)
            )
            await site.start()
            where = f"http://{host}:{sock.getsockname()[1] if sock else port}"
            paths = "/slack/events, " if signed else ""
            log.info("listening on %s (%s/healthz, /readyz, /metrics)", where, paths)
        elif self._socket is not None:
            log.info("Socket Mode: no HTTP port (--port or KYC_HTTP_PORT serves /healthz there)")
        if self._socket is not None:
            await self._socket.start()  # while /healthz answers, if asked for
        if self.scheduler_enabled:
            await self.sender.start()  # takes over what a stopped worker left, at once
            self._scheduler = build_scheduler(self.deps)
            self._scheduler.start()
            self._tasks.append(asyncio.create_task(sender_loop(self.deps, self.sender)))
            self.deps.wake_sender()
        freeze_startup_heap()

    async def run(
        self, *, host: str = "0.0.0.0", port: int | None = 3000, sock: socket.socket | None = None
    ) -> None:
        """Start, then serve until cancelled; in Socket Mode, keep the connection (it raises
        SocketModeFailed when Slack refuses the token on a reconnection)."""
        await self.start(host=host, port=port, sock=sock)
        if self._socket is not None:
            await self._socket.watch()
        await asyncio.Event().wait()

    async def _check_workspace(self) -> None:
        """Say which workspace the token belongs to, and register it as its installation
        (adopting a roster loaded before it was known). With OAuth, installs come through
        /slack/install instead."""
        if self.settings.oauth:
            public = self.settings.kyc_public_url or "https://<this server>"
            log.info("OAuth: workspaces install KYC at %s/slack/install", public.rstrip("/"))
            return
        token = self.settings.slack_bot_token
        assert token is not None
        try:
            team = await token_team(self.client, token.get_secret_value())
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
        await bind_env_token(self.db, self.settings, team)
        if configured not in (None, team.team_id):
            log.warning(
                "KYC_WORKSPACE is %s but this bot is installed in %s: unset KYC_WORKSPACE, or "
                "load the roster for %s (kyc import …), or roster people will be told they are "
                "not enrolled",
                configured,
                team.team_id,
                team.team_id,
            )

    async def stop(self) -> None:
        """SIGTERM: leave Slack's socket (Slack sends to another), stop claiming, let in-flight
        sends finish, close connections."""
        if self._socket is not None:
            await self._socket.close()
        self.sender.stopping = True
        self.deps.wake_sender()
        if self._scheduler is not None:
            self._scheduler.pause()  # no new job starts
            # Every job takes the jobs lock (scheduler/jobs.exclusive): holding it once, the
            # one running has finished with the database before it is closed, and those
            # queued behind it return at once. Only then the scheduler is shut down: its
            # shutdown cancels the jobs still running (APScheduler's asyncio executor), which
            # would cut one off mid-query.
            self.deps.jobs_stopped = True
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(15), self.deps.jobs_lock:
                    pass
            self._scheduler.shutdown(wait=False)
        for task in self._tasks:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(task, timeout=15)
        log.info("sender stopped")
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
    port: int | None,
    web: bool,
    scheduler: bool,
    sock: socket.socket | None = None,
) -> None:
    runtime = Runtime(settings, serve_web=web, scheduler=scheduler)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        # SIGTERM stops it in any state: starting (Socket Mode's tries too), running, reconnecting.
        await until_stopped(stop, runtime.run(host=host, port=port, sock=sock))
    finally:
        log.info("shutting down")
        await runtime.stop()


async def until_stopped(stop: asyncio.Event, work: Coroutine[Any, Any, None]) -> None:
    """Run `work` until it ends (its exception raised) or `stop` is set (then it is cancelled)."""
    task = asyncio.ensure_future(work)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def listen_shared(host: str, port: int) -> socket.socket:
    """A listening socket on a port other processes share (SO_REUSEPORT): the kernel spreads
    new connections over the processes listening, by connection, so a burst of requests is not
    accepted by whichever process wakes first."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


def serve_in_processes(
    settings: Settings, *, host: str, port: int, workers: int, scheduler: bool
) -> int:
    """`kyc serve --workers N`: N processes answering Slack on one port, each its own event
    loop, database pool and Slack connections; the scheduler and the sender run in the first
    only (in none with --no-scheduler). SIGTERM and SIGINT go to all of them; when one exits
    on its own the others are stopped, and the exit code is the first non-zero one (a process
    manager restarts the whole). Returns that code. POSIX only (fork)."""
    children: dict[int, int] = {}
    for index in range(workers):
        pid = os.fork()
        if pid == 0:  # the worker: its own socket in the port's group, its own event loop
            code = 0
            try:
                for sig in (signal.SIGTERM, signal.SIGINT):
                    signal.signal(sig, signal.SIG_DFL)
                sock = listen_shared(host, port)
                asyncio.run(
                    serve(
                        settings,
                        host=host,
                        port=port,
                        web=True,
                        scheduler=scheduler and index == 0,
                        sock=sock,
                    )
                )
            except BaseException:
                log.exception("worker %d failed", index)
                code = 1
            finally:
                logging.shutdown()
                os._exit(code)
        children[pid] = index
    log.info("serving with %d worker processes: %s", workers, ", ".join(map(str, children)))
    stopping = False

    def stop_all(sig: int, _frame: object = None) -> None:
        nonlocal stopping
        stopping = True
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, sig)

    signal.signal(signal.SIGTERM, stop_all)
    signal.signal(signal.SIGINT, stop_all)
    exit_code = 0
    while children:
        pid, status = os.wait()
        index = children.pop(pid, -1)
        code = os.waitstatus_to_exitcode(status)
        if code != 0 and exit_code == 0:
            exit_code = code if code > 0 else 128 - code
        if not stopping:
            log.error(
                "worker %d (pid %d) exited with code %d: stopping the others", index, pid, code
            )
            stop_all(signal.SIGTERM)
    return exit_code
