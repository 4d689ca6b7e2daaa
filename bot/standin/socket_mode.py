"""Slack's Socket Mode, as the stand-in plays it.

`apps.connections.open` takes an app-level token (xapp-…, one of `app_tokens`) and answers a
WebSocket URL on the stand-in's own port, good for one connection. The socket says `hello`,
carries the envelopes a test pushes (events_api, slash_commands, interactive) and takes the
app's acks. A test can drop a connection, from Slack's side (a close frame) or by cutting it,
or ask the app to reconnect (a `disconnect` message, as Slack does before it rotates a
connection). As Slack does, an envelope that went out on a connection which is gone without
an ack is sent again on the next one, its `retry_attempt` one higher."""

from __future__ import annotations

import itertools
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSCloseCode, WSMsgType, web

from bot.standin.signed import event_callback, slash_command_form

if TYPE_CHECKING:
    from bot.standin.server import SlackStandin

OPEN = "apps.connections.open"


@dataclass
class Ack:
    envelope_id: str
    connection: int  # the number of the connection it came over
    payload: dict[str, Any] | None
    at: float
    lost: bool = False  # lost on the way (lose_acks): Slack never saw it


@dataclass
class Envelope:
    envelope_id: str
    type: str  # events_api, slash_commands, interactive
    payload: dict[str, Any]
    accepts_response_payload: bool
    retry_attempt: int = 0
    retry_reason: str = ""
    sent_on: list[int] = field(default_factory=list)  # the connections it went out on
    in_flight: int | None = None  # the open connection it waits for an ack on
    acks: list[Ack] = field(default_factory=list)

    @property
    def acked(self) -> bool:
        return any(not a.lost for a in self.acks)

    def message(self) -> dict[str, Any]:
        return {
            "envelope_id": self.envelope_id,
            "type": self.type,
            "payload": self.payload,
            "accepts_response_payload": self.accepts_response_payload,
            "retry_attempt": self.retry_attempt,
            "retry_reason": self.retry_reason,
        }


@dataclass
class Connection:
    number: int  # 1, 2, … in the order they were opened
    ws: web.WebSocketResponse
    request: web.Request
    closed: bool = False


class SocketModeStandin:
    def __init__(self, standin: SlackStandin, app_tokens: set[str] | None = None) -> None:
        self.standin = standin
        self.app_tokens = set(app_tokens or ())
        self.connections: list[Connection] = []
        self.envelopes: dict[str, Envelope] = {}
        self.refuse_connections = False  # the WebSocket's handshake is answered 503
        self._tickets: set[str] = set()
        self._lose_acks = 0
        self._ids = itertools.count(1)

    def routes(self, app: web.Application) -> None:
        """Before the Web API's catch-all route: its own token check is for app tokens."""
        app.router.add_post(f"/api/{OPEN}", self._open)
        app.router.add_get("/link/", self._link)

    # --- what a test does ---------------------------------------------------------------------
    async def push(
        self, type_: str, payload: dict[str, Any], *, accepts_response_payload: bool = False
    ) -> Envelope:
        """Send an envelope on the newest open connection (or on the next one to open)."""
        envelope = Envelope(
            f"env-{next(self._ids):04d}-{uuid.uuid4().hex[:8]}",
            type_,
            payload,
            accepts_response_payload,
        )
        self.envelopes[envelope.envelope_id] = envelope
        await self._deliver()
        return envelope

    async def push_event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        team_id: str = "T_TEST",
        enterprise_id: str | None = None,
    ) -> Envelope:
        body = event_callback(team_id, event, event_id=event_id, enterprise_id=enterprise_id)
        return await self.push("events_api", body)

    async def push_slash_command(
        self, user_id: str, text: str, *, command: str = "/kyc", team_id: str = "T_TEST"
    ) -> Envelope:
        form = slash_command_form(team_id, user_id, text, command=command)
        return await self.push("slash_commands", form, accepts_response_payload=True)

    async def push_interactive(self, payload: dict[str, Any]) -> Envelope:
        return await self.push("interactive", payload, accepts_response_payload=True)

    async def drop(self, *, abrupt: bool = False) -> None:
        """Drop the newest open connection: Slack closes it (a close frame), or, `abrupt`, the
        TCP connection is cut with no goodbye."""
        conn = self._newest()
        if conn is None:
            return
        if abrupt and conn.request.transport is not None:
            conn.request.transport.abort()
        else:
            await conn.ws.close(code=WSCloseCode.GOING_AWAY, message=b"going away")
        await self._gone(conn)

    async def ask_to_reconnect(self, reason: str = "refresh_requested") -> None:
        """Slack's `disconnect` message: the app is to open a new connection (this one closes
        when the app closes it)."""
        conn = self._newest()
        if conn is not None:
            await conn.ws.send_json({"type": "disconnect", "reason": reason})

    def lose_acks(self, count: int = 1) -> None:
        """The next `count` acks are lost on the way, as with a connection about to drop."""
        self._lose_acks += count

    # --- what happened ------------------------------------------------------------------------
    @property
    def open_connections(self) -> list[Connection]:
        return [c for c in self.connections if not (c.closed or c.ws.closed)]

    def unacked(self) -> list[Envelope]:
        return [e for e in self.envelopes.values() if not e.acked]

    def lost_acks(self) -> list[Ack]:
        return [a for e in self.envelopes.values() for a in e.acks if a.lost]

    # --- the server ---------------------------------------------------------------------------
    async def _open(self, request: web.Request) -> web.Response:
        params: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            params.update(await request.post())
        auth = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        token = auth or str(params.pop("token", "") or "")
        result: dict[str, Any]
        forced = self.standin._forced.get(OPEN)
        if not token:
            result = {"ok": False, "error": "not_authed"}
        elif not token.startswith("xapp-"):
            result = {"ok": False, "error": "not_allowed_token_type"}
        elif token not in self.app_tokens:
            result = {"ok": False, "error": "invalid_auth"}
        elif forced:
            result = {"ok": False, "error": forced.pop(0)}
        else:
            ticket = uuid.uuid4().hex
            self._tickets.add(ticket)
            result = {"ok": True, "url": f"ws://{request.host}/link/?ticket={ticket}"}
        self.standin._record(OPEN, {}, result)
        return web.json_response(result)

    async def _link(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if self.refuse_connections:
            return web.Response(status=503, text="try again later")
        if ticket not in self._tickets:
            return web.Response(status=401, text="invalid or used ticket")
        self._tickets.discard(ticket)
        ws = web.WebSocketResponse()  # answers the app's pings
        await ws.prepare(request)
        conn = Connection(len(self.connections) + 1, ws, request)
        self.connections.append(conn)
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": len(self.open_connections),
                "debug_info": {"host": "standin", "approximate_connection_time": 18060},
                "connection_info": {"app_id": "A0KYC"},
            }
        )
        await self._deliver()  # what waited for a connection
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    self._ack(conn, json.loads(msg.data))
        finally:
            await self._gone(conn)
        return ws

    def _ack(self, conn: Connection, message: dict[str, Any]) -> None:
        envelope = self.envelopes.get(str(message.get("envelope_id")))
        if envelope is None:
            return
        lost = self._lose_acks > 0
        self._lose_acks -= int(lost)
        ack = Ack(envelope.envelope_id, conn.number, message.get("payload"), time.time(), lost)
        envelope.acks.append(ack)
        if not lost:
            envelope.in_flight = None

    async def _gone(self, conn: Connection) -> None:
        """A connection closed: what waited for an ack on it is sent again."""
        if conn.closed:
            return
        conn.closed = True
        for envelope in self.envelopes.values():
            if envelope.in_flight == conn.number and not envelope.acked:
                envelope.in_flight = None
                envelope.retry_attempt += 1
                envelope.retry_reason = "timeout"
        await self._deliver()

    async def _deliver(self) -> None:
        """Send every envelope neither acked nor in flight, on the newest open connection."""
        conn = self._newest()
        if conn is None:
            return
        for envelope in list(self.envelopes.values()):
            if envelope.acked or envelope.in_flight is not None:
                continue
            envelope.in_flight = conn.number
            envelope.sent_on.append(conn.number)
            try:
                await conn.ws.send_json(envelope.message())
            except ConnectionError:
                await self._gone(conn)
                return

    def _newest(self) -> Connection | None:
        live = self.open_connections
        return live[-1] if live else None
