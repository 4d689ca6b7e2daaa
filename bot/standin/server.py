"""A strict stand-in for Slack's Web API on loopback, for the tests and `kyc demo`.
(Longer than ~300 lines: the faults, limits and revocations tests need are all set up here.)

It records every call and answers like Slack: unknown methods, missing required arguments,
over-limit Block Kit, unknown channels and users are errors, with Slack's error codes. It serves
several workspaces: each token is one workspace's, and a call sees only that workspace's users
and channels (bot/standin/oauth.py issues, rotates and revokes the tokens)."""

from __future__ import annotations

import asyncio
import json
import math
import time
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from bot.standin.api import CALLER, METHODS, NOBODY, Caller, SlackError, method
from bot.standin.oauth import CLIENT_ID, CLIENT_SECRET, OAuthStandin, basic_credentials
from bot.standin.scopes import missing_scope
from bot.standin.socket_mode import SocketModeStandin
from bot.standin.state import FaultPlan, RecordedCall, State
from bot.standin.workspaces import Workspaces

__all__ = ["METHODS", "SlackError", "SlackStandin", "method"]  # methods.py and tests import these
# Methods that take no workspace token: oauth.v2.access authenticates the app itself, and
# api.test only says Slack is there.
NO_TOKEN = frozenset({"oauth.v2.access", "api.test"})
JSON_FIELDS = ("blocks", "view", "attachments", "metadata", "files")
# The ways an answer that took effect can be lost (FaultPlan.lost_kinds, lose_next).
LOST_KINDS = (
    "server_error",
    "timeout",
    "reset",
    "fatal_error",
    "internal_error",
    "request_timeout",
)


class SlackStandin(Workspaces):
    def __init__(
        self,
        tokens: set[str] | None = None,
        *,
        latency: float = 0.0,
        channel_interval: float = 0.0,
        scopes: set[str] | None = None,
        app_tokens: set[str] | None = None,
        client_id: str = CLIENT_ID,
        client_secret: str = CLIENT_SECRET,
    ) -> None:
        """`tokens`: bot tokens of the default workspace, T_TEST (`add_team` and
        `stage_install` bring others). `latency`: seconds before every answer.
        `channel_interval`: Slack's chat.postMessage limit of one message per second per
        channel (1.0); a faster post gets a 429. `scopes`: the tokens' scopes, a call needing
        another is refused (None: every call is allowed); a token an install issued has the
        install's. `app_tokens`: the xapp- tokens Socket Mode takes (socket_mode.py).
        `client_id`, `client_secret`: the app's, which oauth.v2.access checks."""
        self.tokens = tokens or {"xoxb-test"}
        self.scopes = scopes
        self.state = State()
        self.latency = latency
        self.channel_interval = channel_interval
        self._last_post: dict[str, float] = {}
        self.faults: FaultPlan | None = None
        self._forced: dict[str, list[str]] = {}
        self._lost: dict[str, list[str]] = {}
        self.revoked: set[str] = set()
        self._revoke_after: tuple[str, int] | None = None
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        # method → the client connections (address, port) it was called over
        self.connections: dict[str, set[str]] = {}
        self.socket_mode = SocketModeStandin(self, app_tokens)
        self.client_id = client_id
        self.client_secret = client_secret
        self.oauth = OAuthStandin(self)

    # --- set-up -----------------------------------------------------------------------------
    def expire_trigger(self, trigger_id: str) -> None:
        self.state.expired_triggers.add(trigger_id)

    def fail_next(self, method_name: str, error: str, times: int = 1) -> None:
        self._forced.setdefault(method_name, []).extend([error] * times)

    def lose_next(self, method_name: str, kind: str, times: int = 1) -> None:
        """The next call takes effect, but its answer is lost as `kind` (see `_fail`)."""
        self._lost.setdefault(method_name, []).extend([kind] * times)

    def revoke_after(self, token: str, posts: int) -> None:
        """Revoke `token` once `posts` messages have been posted with it (mid-morning)."""
        self._revoke_after = (token, posts)

    def revoke(self, token: str) -> None:
        """The workspace's admin revoked the token: every call with it is `token_revoked`."""
        self.tokens.discard(token)
        self.revoked.add(token)

    # --- what happened ----------------------------------------------------------------------
    @property
    def calls(self) -> list[RecordedCall]:
        return self.state.calls

    def calls_to(self, method_name: str) -> list[RecordedCall]:
        return [c for c in self.state.calls if c.method == method_name]

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        if channel is not None:
            return list(self.state.messages.get(channel, []))
        every = [m for msgs in self.state.messages.values() for m in msgs]
        return sorted(every, key=lambda m: m["seq"])

    def reset(self) -> None:
        self.state.calls.clear()
        self.state.messages.clear()

    # --- server -----------------------------------------------------------------------------
    async def start(self, port: int = 0) -> str:
        app = web.Application()
        app.router.add_post("/api/upload/{file_id}", self._upload)
        self.socket_mode.routes(app)
        app.router.add_route("*", "/api/{method}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        real_port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{real_port}/api/"
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> SlackStandin:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _upload(self, request: web.Request) -> web.Response:
        """The upload URL files.getUploadURLExternal hands out: it takes the bytes."""
        data = await request.read()
        self.state.uploads[request.match_info["file_id"]] = data
        return web.Response(text=f"OK - {len(data)}")

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        body = await request.read()
        if body:
            ctype = request.headers.get("Content-Type", "")
            if "json" in ctype:
                params.update(json.loads(body))
            else:
                params.update(dict(parse_qsl(body.decode(), keep_blank_values=True)))
        for key in JSON_FIELDS:
            if isinstance(params.get(key), str) and params[key].strip()[:1] in ("[", "{"):
                try:
                    params[key] = json.loads(params[key])
                except ValueError:
                    raise SlackError("invalid_arguments", f"[ERROR] {key}: invalid JSON") from None
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        reset = CALLER.set(NOBODY)  # one request's caller; aiohttp may reuse the task
        try:
            return await self._handle_call(request)
        finally:
            CALLER.reset(reset)

    async def _handle_call(self, request: web.Request) -> web.Response:
        name = request.match_info["method"]
        peer = request.transport.get_extra_info("peername") if request.transport else None
        self.connections.setdefault(name, set()).add(str(peer))
        try:
            params = await self._params(request)
        except SlackError as exc:
            return self._answer(name, {}, {"ok": False, "error": exc.error})
        if self.latency:
            await asyncio.sleep(self.latency)
        if name not in METHODS:
            return self._answer(name, params, {"ok": False, "error": "unknown_method"}, status=404)
        authorization = request.headers.get("Authorization", "")
        if name in NO_TOKEN:
            CALLER.set(Caller(basic=basic_credentials(authorization)))
        else:
            token = authorization.removeprefix("Bearer ").strip() or params.pop("token", "")
            if not token:
                return self._answer(name, params, {"ok": False, "error": "not_authed"})
            known = token in self.tokens or token in self.revoked
            CALLER.set(Caller(token, self.oauth.team_of(token) if known else None))
            error = self.oauth.refusal(token)
            if error is not None:
                return self._answer(name, params, {"ok": False, "error": error})
            granted = self.oauth.scopes_of(token)
            if granted is not None:
                refused = missing_scope(self.state, set(granted), name, params)
                if refused is not None:
                    return self._answer(name, params, refused)
        fault = self._fault(name)
        if fault in ("ratelimited", "server_error", "timeout"):
            return await self._fail(name, params, fault)
        required, handler = METHODS[name]
        if name == "oauth.v2.access" and params.get("grant_type") == "refresh_token":
            required = ("refresh_token",)  # the spec predates rotation: a refresh has no code
        missing = [p for p in required if params.get(p) in (None, "")]
        if missing:
            body = {
                "ok": False,
                "error": "invalid_arguments",
                "response_metadata": {
                    "messages": [f"[ERROR] missing required field: {m}" for m in missing]
                },
            }
            return self._answer(name, params, body)
        if self.channel_interval and name == "chat.postMessage":
            wait = self._channel_wait(str(params["channel"]))
            after = self.channel_interval
            if wait:
                self._record(name, params, {"ok": False, "error": "ratelimited"})
                return web.json_response(
                    {"ok": False, "error": "ratelimited"},
                    status=429,
                    # Whole seconds, as Slack; a test's interval shrunk under a second
                    # cannot be said in whole seconds, and says "0".
                    headers={"Retry-After": str(math.ceil(wait) if after >= 1 else 0)},
                )
        forced = self._forced.get(name)
        if forced:
            error = forced.pop(0)
            if error == "ratelimited":  # as Slack does it: HTTP 429 with Retry-After
                self._record(name, params, {"ok": False, "error": error})
                return web.json_response(
                    {"ok": False, "error": error}, status=429, headers={"Retry-After": "0"}
                )
            return self._answer(name, params, {"ok": False, "error": error})
        if self._revoke_after and name == "chat.postMessage":
            revoked, after = self._revoke_after
            if token == revoked and len([c for c in self.calls_to(name) if c.ok]) >= after:
                self.revoke(token)
                self._revoke_after = None
                return self._answer(name, params, {"ok": False, "error": "token_revoked"})
        try:
            result = {"ok": True, **await handler(self, params)}
        except SlackError as exc:
            result = {"ok": False, "error": exc.error}
            if exc.messages:
                result["response_metadata"] = {"messages": exc.messages}
        lost = self._lost.get(name)
        if lost and result.get("ok"):
            fault = lost.pop(0)
        elif fault == "lost":
            assert self.faults is not None
            fault = self.faults.rng.choice(self.faults.lost_kinds)
        if fault in LOST_KINDS:  # it happened, but the answer never reaches the client
            self._record(name, params, result)
            return await self._fail(name, params, fault, record=False, request=request)
        return self._answer(name, params, result)

    def _channel_wait(self, channel: str) -> float:
        """Seconds until `channel` takes another message; 0 when it takes this one now."""
        now = time.monotonic()
        last = self._last_post.get(channel)
        if last is not None and now - last < self.channel_interval:
            return self.channel_interval - (now - last)
        self._last_post[channel] = now
        return 0.0

    def _fault(self, name: str) -> str | None:
        plan = self.faults
        if plan is None or not plan.applies(name):
            return None
        roll = plan.rng.random()
        if roll < plan.rate:
            return plan.rng.choice(plan.kinds)
        if roll < plan.rate + plan.lost_reply_rate:
            return "lost"
        return None

    async def _fail(
        self,
        name: str,
        params: dict[str, Any],
        kind: str,
        *,
        record: bool = True,
        request: web.Request | None = None,
    ) -> web.Response:
        if record:
            self._record(name, params, {"ok": False, "error": kind})
        if kind in ("fatal_error", "internal_error", "request_timeout"):
            # HTTP 200 with an error that, Slack says, may mean the call partly happened.
            return web.json_response({"ok": False, "error": kind})
        if kind == "reset" and request is not None and request.transport is not None:
            request.transport.abort()  # the connection drops before any answer
            return web.Response(status=500)
        if kind == "ratelimited":
            wait = self.faults.retry_after if self.faults else 1
            return web.json_response(
                {"ok": False, "error": "ratelimited"},
                status=429,
                headers={"Retry-After": str(wait)},
            )
        if kind == "timeout":  # longer than any client waits
            await asyncio.sleep(self.faults.timeout_delay if self.faults else 30.0)
        return web.json_response({"ok": False, "error": "internal_error"}, status=500)

    def _record(self, name: str, params: dict[str, Any], result: dict[str, Any]) -> None:
        caller = CALLER.get()
        self.state.calls.append(
            RecordedCall(
                name,
                params,
                bool(result.get("ok")),
                result.get("error"),
                time.time(),
                result,
                team=caller.team,
                token=caller.token,
            )
        )

    def _answer(
        self, name: str, params: dict[str, Any], result: dict[str, Any], status: int = 200
    ) -> web.Response:
        self._record(name, params, result)
        headers = {}
        token = CALLER.get().token
        granted = self.oauth.scopes_of(token) if token in self.tokens else None
        if granted is not None:  # as Slack, which says the token's scopes on every answer
            headers["X-OAuth-Scopes"] = ",".join(sorted(granted))
        return web.json_response(result, status=status, headers=headers)


# Importing the handlers fills METHODS.
from bot.standin import methods as _methods  # noqa: E402,F401
