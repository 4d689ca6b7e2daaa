"""Socket Mode: Slack's requests come over a WebSocket the bot opens, so nothing listens.

slack-sdk's client retries a failed connection forever, with a traceback in the log every ten
seconds, and Bolt's handler connects before anything else, deaf to SIGTERM meanwhile. Here the
connection is supervised instead: at start, 5 tries with doubling waits spread over
KYC_SOCKET_MODE_RETRY_SECONDS, then one line saying what could not be reached (a token Slack
refuses, at once); once connected, a lost connection is opened again until it works (a token
Slack refuses by then stops the process); SIGTERM cancels any of it. Slack sends an envelope it
got no ack for again on the next connection, and the app may have handled it already (its ack
was lost with the connection): each is handled once per process, keyed by its event_id (else
its envelope_id), and a copy is answered with what the first got."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import socket
import time
from collections import OrderedDict
from urllib.parse import urlsplit

import aiohttp
from slack_bolt.adapter.socket_mode.async_internals import run_async_bolt_app, send_async_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.misconfig import SocketModeFailed
from bot.sdklog import slack_sdk_logger, socket_mode_logger
from bot.slack_metrics import MeteredWebClient

log = logging.getLogger("kyc.socket_mode")

START_TRIES = 5
ATTEMPT_SECONDS = 10.0  # one try: apps.connections.open, then the WebSocket's handshake
RECONNECT_MAX_WAIT = 30.0  # between tries once the bot has been connected
CHECK_SECONDS = 0.5  # how often the connection is looked at
PING_SECONDS = 10.0  # as Bolt's: a connection whose pings go unanswered is taken for lost
# apps.connections.open's answers that no retry changes: the token is wrong.
REFUSED = {
    "invalid_auth": "Slack does not know this token",
    "not_authed": "no token reached Slack",
    "not_allowed_token_type": "it is not an app-level token, which starts with xapp-",
    "token_revoked": "the token was revoked",
    "token_expired": "the token has expired",
    "account_inactive": "the app's installation is no longer active",
    "missing_scope": "the token lacks the connections:write scope",
}


def refused_line(error: str) -> str:
    return (
        f"SLACK_APP_TOKEN: Slack refused it ({error}: {REFUSED[error]}); create an app-level "
        "token with connections:write under your app's Basic Information → App-Level Tokens"
    )


def start_waits(tries: int, seconds: float) -> list[float]:
    """The waits between `tries` tries, each twice the one before, adding up to `seconds`."""
    doublings = [2.0**k for k in range(tries - 1)]
    return [seconds * d / sum(doublings) for d in doublings] if doublings else []


class _Connection(SocketModeClient):
    """slack-sdk's aiohttp Socket Mode client, but each `connect()` is one try, with a new URL
    (Slack's is for one connection), and raises what went wrong: the caller decides whether
    and when to try again. `where` is what the try was reaching when it failed."""

    where: str = ""

    async def issue_new_wss_url(self) -> str:
        self.where = f"{self.web_client.base_url}apps.connections.open"
        response = await self.web_client.apps_connections_open(app_token=self.app_token)
        return str(response["url"])

    async def connect(self) -> None:
        old = self.current_session
        if old is not None and not old.closed:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(2):
                    await old.close()
        if self.aiohttp_client_session.closed:
            self.aiohttp_client_session = aiohttp.ClientSession()
        url, self.wss_uri = self.wss_uri or await self.issue_new_wss_url(), None
        parts = urlsplit(url)
        self.where = f"{parts.scheme}://{parts.netloc}{parts.path}"  # not the one-time ticket
        session = await self.aiohttp_client_session.ws_connect(
            url,
            autoping=False,
            heartbeat=self.ping_interval,
            proxy=self.proxy,
            ssl=self.web_client.ssl if self.web_client.ssl is not None else True,
        )
        self.current_session = session
        self.stale = False
        self.last_ping_pong_time = None  # the old connection's pongs say nothing of this one
        for task in (self.current_session_monitor, self.message_receiver):
            if task is not None:
                task.cancel()
        self.current_session_monitor = asyncio.ensure_future(self.monitor_current_session())
        self.message_receiver = asyncio.ensure_future(self.receive_messages())

    async def connect_to_new_endpoint(self, force: bool = False) -> None:
        """Slack asked for a new connection (its `disconnect` message): one try now; should it
        fail, SocketMode.watch goes on trying."""
        try:
            await super().connect_to_new_endpoint(force)
        except (SlackApiError, aiohttp.ClientError, OSError, TimeoutError) as exc:
            log.warning(
                "Socket Mode: Slack asked for a new connection, which failed (%s)", _reason(exc)
            )

    async def close(self) -> None:
        """As slack-sdk's, but Slack gets 2 s to answer the WebSocket's close, not 10."""
        self.closed = True
        self.auto_reconnect_enabled = False
        for task in (self.message_processor, self.current_session_monitor, self.message_receiver):
            if task is not None:
                task.cancel()
        if self.current_session is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(2):
                    await self.current_session.close()
        await self.aiohttp_client_session.close()


def _reason(exc: BaseException) -> str:
    """Why a try failed, in a few words."""
    if isinstance(exc, SlackApiError):
        return f"answered {exc.response.get('error') or exc.response.status_code}"
    if isinstance(exc, aiohttp.WSServerHandshakeError):
        return f"the WebSocket's handshake was answered {exc.status}"
    if isinstance(exc, TimeoutError):
        return "timed out"
    cause = getattr(exc, "os_error", None) or exc
    if isinstance(cause, socket.gaierror):
        return "unknown host"
    if isinstance(cause, OSError) and cause.errno == errno.ECONNREFUSED:
        return "connection refused"
    if isinstance(cause, ConnectionRefusedError) or "Connect call failed" in str(cause):
        return "connection refused"
    return type(exc).__name__


class _Answered:
    """The requests handled in the last `ttl` seconds (at most `size`), each with the answer
    its first handling gave, or will give."""

    def __init__(self, ttl: float = 900.0, size: int = 10_000) -> None:
        self.ttl, self.size = ttl, size
        self._seen: OrderedDict[str, tuple[float, asyncio.Future[BoltResponse]]] = OrderedDict()

    def get(self, key: str) -> asyncio.Future[BoltResponse] | None:
        now = time.monotonic()
        while self._seen and (
            len(self._seen) > self.size or next(iter(self._seen.values()))[0] < now - self.ttl
        ):
            self._seen.popitem(last=False)
        seen = self._seen.get(key)
        return seen[1] if seen is not None else None

    def add(self, key: str) -> asyncio.Future[BoltResponse]:
        answer: asyncio.Future[BoltResponse] = asyncio.get_running_loop().create_future()
        self._seen[key] = (time.monotonic(), answer)
        return answer

    def forget(self, key: str) -> None:
        self._seen.pop(key, None)


def once_key(req: SocketModeRequest) -> str:
    """What makes a request the same request again: an event's event_id (Slack may re-send
    it in a new envelope), else the envelope's id."""
    event_id = req.payload.get("event_id") if req.type == "events_api" else None
    return f"event:{event_id}" if event_id else f"envelope:{req.envelope_id}"


class SocketMode:
    """The Bolt app served over Socket Mode: `start()` connects (or raises SocketModeFailed),
    `watch()` keeps it connected until cancelled (or raises SocketModeFailed), `close()`."""

    def __init__(self, app: AsyncApp, app_token: str, *, retry_seconds: float) -> None:
        self.app = app
        self.retry_seconds = retry_seconds
        # apps.connections.open without slack-sdk's own retries: the tries are counted here.
        opener = MeteredWebClient(
            base_url=app.client.base_url,
            timeout=5,
            ssl=app.client.ssl,
            proxy=app.client.proxy,
            logger=slack_sdk_logger(),
            retry_handlers=[],
        )
        self.connection = _Connection(
            app_token=app_token,
            logger=socket_mode_logger(),
            web_client=opener,
            auto_reconnect_enabled=False,  # watch() reconnects
            ping_interval=PING_SECONDS,
        )
        self.connection.socket_mode_request_listeners.append(self._handle)
        self.answered = _Answered()

    async def connected(self) -> bool:
        return await self.connection.is_connected()

    async def start(self) -> None:
        await self._connect(start_waits(START_TRIES, self.retry_seconds))
        log.info("connected to Slack in Socket Mode")

    async def watch(self) -> None:
        while True:
            await asyncio.sleep(CHECK_SECONDS)
            if await self.connection.is_connected():
                continue
            # The lock keeps out a reconnection Slack asked for (connect_to_new_endpoint).
            async with self.connection.connect_operation_lock:
                if await self.connection.is_connected():
                    continue
                log.warning("Socket Mode: the connection to Slack was lost; reconnecting")
                await self._connect(None)
            log.info("Socket Mode: reconnected to Slack")

    async def close(self) -> None:
        await self.connection.close()

    async def _connect(self, waits: list[float] | None) -> None:
        """Try until connected: after each wait of `waits` (then SocketModeFailed), or with
        doubling waits up to RECONNECT_MAX_WAIT for as long as it takes (None)."""
        started, tries = time.monotonic(), 0
        while True:
            tries += 1
            try:
                async with asyncio.timeout(ATTEMPT_SECONDS):
                    await self.connection.connect()
                return
            except SlackApiError as exc:
                error = str(exc.response.get("error") or "")
                if error in REFUSED:
                    raise SocketModeFailed(refused_line(error)) from None
                reason = _reason(exc)
            except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                reason = _reason(exc)
            where = self.connection.where
            if waits is not None and tries > len(waits):
                raise SocketModeFailed(
                    f"Socket Mode: cannot reach Slack at {where} ({reason}) after {tries} tries "
                    f"in {time.monotonic() - started:.0f} s: check the network, and SLACK_API_URL"
                )
            wait = waits[tries - 1] if waits else min(2.0 ** (tries - 1), RECONNECT_MAX_WAIT)
            log.warning(
                "Socket Mode: cannot reach Slack at %s (%s); trying again in %.1f s (try %d%s)",
                where,
                reason,
                wait,
                tries + 1,
                f" of {len(waits) + 1}" if waits is not None else "",
            )
            await asyncio.sleep(wait)

    async def _handle(self, client: AsyncBaseSocketModeClient, req: SocketModeRequest) -> None:
        key, start = once_key(req), time.time()
        first = self.answered.get(key)
        if first is not None:
            log.info(
                "Slack sent %s %s again (retry %s): handled already, answered as the first time",
                req.type,
                key,
                req.retry_attempt,
            )
            await asyncio.wait([first])
            if first.cancelled():
                return  # the first handling failed: Slack's next copy is handled afresh
            response = first.result()
        else:
            answer = self.answered.add(key)
            try:
                response = await run_async_bolt_app(self.app, req)
            except BaseException:
                self.answered.forget(key)
                answer.cancel()
                raise
            answer.set_result(response)
            if response.status != 200:
                self.answered.forget(key)  # not acked (Bolt's way): Slack's copy is tried afresh
        try:
            await send_async_response(client, req, response, start)
        except (ConnectionError, aiohttp.ClientError):
            log.info("the ack of %s was lost with the connection; Slack will send it again", key)
