"""The Bolt app factory: one AsyncApp from the settings, listeners registered by kind."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import bindparam, select

from bot.deps import Deps
from bot.logs import begin_request, end_request, listener_of
from bot.metrics import REQUEST_SECONDS
from bot.sdklog import slack_sdk_logger
from bot.services.identity import ensure_workspace, link_slack_user
from bot.services.installs import installed
from bot.settings import Settings
from bot.slack_metrics import MeteredWebClient, metered
from bot.tenancy.oauth import authorize, oauth_settings
from storage.db import answering_slack
from storage.models import Person

log = logging.getLogger("kyc.app")


def web_client(settings: Settings) -> AsyncWebClient:
    """The client for interactive calls (views.open, views.publish): reads and idempotent calls,
    so connection errors may be retried; posts go through the outbox sender's own client.
    It holds no token: Bolt gives each request a copy with its installation's."""
    return MeteredWebClient(
        base_url=settings.slack_api_url,
        timeout=5,
        logger=slack_sdk_logger(),
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=1),
            AsyncRateLimitErrorRetryHandler(max_retry_count=1),
        ],
    )


class ObservedApp(AsyncApp):
    """The AsyncApp, each request timed and named: the log lines it causes carry its id,
    workspace, user and listener (bot/logs.py), and the time to answer Slack is observed per
    listener (bot/metrics.py). Over HTTP and in Socket Mode alike, as both dispatch here.

    Slack is answered the moment a listener calls `ack()`. Bolt's AsyncApp runs the listener
    as a task and looks for its ack every 10 ms, so a submission stored in 4 ms was answered
    at 10 and one stored in 11 at 20; `process_before_response=True` would answer at once but
    only when the listener returns, holding the answer of every listener that calls Slack
    after its ack (opening a modal, publishing App Home) until that call is back. Here the
    dispatch runs as Bolt's does, unchanged, and the answer goes as soon as either the ack is
    called or the dispatch ends (an error, a refused signature, nothing listening)."""

    async def async_dispatch(self, req: AsyncBoltRequest) -> BoltResponse:
        listener = listener_of(req.body)
        token = begin_request(
            listener=listener, workspace=req.context.team_id, user=req.context.user_id
        )
        answering = answering_slack.set(True)  # short units of work (storage/db.py)
        start = time.perf_counter()
        try:
            response = await self._answer_at_ack(req)
        finally:
            answering_slack.reset(answering)
            end_request(token)
        # A forged or stale request is told 401; its body names whatever it likes.
        label = "unverified" if response.status == 401 else listener
        REQUEST_SECONDS.labels(label).observe(time.perf_counter() - start)
        return response

    async def _answer_at_ack(self, req: AsyncBoltRequest) -> BoltResponse:
        answered = asyncio.get_running_loop().create_future()
        ack = _AnsweringAck(answered)
        req.context["ack"] = ack  # the one Bolt hands the listener
        dispatch = asyncio.ensure_future(super().async_dispatch(req))
        dispatch.add_done_callback(lambda _: _settle(answered))
        await answered
        # One turn of the loop before answering: what the listener started right after its
        # ack (views.open, whose trigger lives 3 s) goes out first, not behind the answer.
        await asyncio.sleep(0)
        if dispatch.done() or ack.response is None:
            return await dispatch
        # Acknowledged: the listener carries on after the answer, as Bolt lets it.
        dispatch.add_done_callback(_log_failure)
        return ack.response


class _AnsweringAck(AsyncAck):
    """Bolt's ack(), which also says when it was called."""

    def __init__(self, answered: asyncio.Future[None]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.answered = answered

    async def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        response = await super().__call__(*args, **kwargs)
        _settle(self.answered)
        return response


def _settle(answered: asyncio.Future[None]) -> None:
    if not answered.done():
        answered.set_result(None)


def _log_failure(dispatch: asyncio.Future[BoltResponse]) -> None:
    """Bolt hands a listener's errors to its error handler; anything else is logged here."""
    if not dispatch.cancelled() and dispatch.exception() is not None:
        log.error("dispatch failed after the answer", exc_info=dispatch.exception())


def build_app(deps: Deps, *, client: AsyncWebClient | None = None) -> AsyncApp:
    from handlers import actions, commands, events, options, views

    settings = deps.settings
    if settings.slack_bot_token is None and not settings.oauth:
        raise ValueError(
            "SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET "
            "(installs through OAuth) are needed to run the bot"
        )
    if settings.slack_signing_secret is None and settings.slack_app_token is None:
        raise ValueError("SLACK_SIGNING_SECRET is needed in HTTP mode (no SLACK_APP_TOKEN)")
    # Socket Mode needs no signing secret (Slack's socket is authenticated by the app token);
    # without one, the server routes no /slack/events at all (see bot.server.http_app).
    secret = settings.slack_signing_secret
    client = client or web_client(settings)
    tenancy = deps.tenancy

    async def on_installed(workspace_id: str, installer: str | None) -> None:
        await installed(deps, workspace_id, installer)

    app = ObservedApp(
        signing_secret=secret.get_secret_value() if secret else "",
        client=client,
        # Every request's token from its workspace's installation (bot/tenancy/oauth.py).
        authorize=authorize(tenancy, client),  # type: ignore[arg-type]  # an AsyncAuthorize is taken as is
        oauth_settings=oauth_settings(tenancy, on_installed),
        # Signatures are always verified (Bolt's default); never switch it off.
        request_verification_enabled=True,
    )

    # Bolt builds a client for each request; its calls are counted through a metered one with
    # the same token, workspace and pool, built once rather than once more per request.
    counted: dict[tuple[Any, ...], MeteredWebClient] = {}

    @app.middleware
    async def resolve_actor(context: Any, body: dict[str, Any], next: Callable[[], Any]) -> Any:
        context["deps"] = deps
        bolts = context.client
        key = (bolts.token, bolts.default_params.get("team_id"), id(bolts.session))
        if key not in counted:
            counted[key] = metered(bolts)
        context["client"] = counted[key]
        # user_change comes for everyone in the workspace and carries the whole profile: its
        # listener links it, without a users.info call per profile change.
        profile_event = (body.get("event") or {}).get("type") == "user_change"
        context["person"] = None if profile_event else await _actor(deps, context)
        return await next()

    for module in (commands, views, actions, options, events):
        module.register(app)
    return app


# Built once: the same statement object each request, no expression built and keyed again.
_ACTOR = select(Person).where(
    Person.workspace_id == bindparam("team_id"), Person.slack_user_id == bindparam("user_id")
)


async def _actor(deps: Deps, context: Any) -> Person | None:
    team_id, user_id = context.get("team_id"), context.get("user_id")
    if not team_id or not user_id:
        return None
    # The usual case, one short query: someone known (their workspace exists with them).
    found = await deps.db.read(_ACTOR, {"team_id": team_id, "user_id": user_id})
    if found and found[0].slack_tz:
        person: Person = found[0]
        return person
    async with deps.db.unit_of_work() as session:
        await ensure_workspace(session, team_id)
    # First time we see this user (or no profile timezone yet): ask Slack who they are.
    try:
        info = await context["client"].users_info(user=user_id)
        user = info.get("user") or {}
    except Exception:  # a failed lookup must not break the request; the roster still decides
        log.warning("users.info failed for %s", user_id, exc_info=True)
        user = {}
    profile = user.get("profile") or {}
    async with deps.db.unit_of_work() as session:
        return await link_slack_user(
            session,
            team_id,
            user_id,
            email=profile.get("email"),
            tz=user.get("tz"),
            name=profile.get("real_name") or user.get("real_name"),
        )
