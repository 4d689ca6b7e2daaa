"""Requests exactly as Slack sends them to an app, correctly signed (Bolt verifies them).

A sender speaks for one workspace (`team_id`, and `enterprise_id` on Enterprise Grid);
`for_team` gives a sender for another, so a test can play several workspaces at once."""

from __future__ import annotations

import copy
import itertools
import json
import time
from typing import Any, Self
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

_triggers = itertools.count(1)
BOT_USER = "U0KYCBOT"  # the default workspace's bot user in the stand-in (state.py)


def new_trigger_id() -> str:
    return f"{int(time.time())}.{next(_triggers)}.kyc{next(_triggers):06d}"


def slash_command_form(
    team_id: str,
    user_id: str,
    text: str,
    *,
    command: str = "/kyc",
    trigger_id: str | None = None,
    channel_id: str = "D0DM00001",
    enterprise_id: str | None = None,
    is_enterprise_install: bool = False,
) -> dict[str, str]:
    """A slash command's fields, as Slack sends them (a form over HTTP, an object in Socket
    Mode)."""
    grid = {}
    if enterprise_id is not None:  # Enterprise Grid's extra fields
        grid = {
            "enterprise_id": enterprise_id,
            "enterprise_name": enterprise_id,
            "is_enterprise_install": str(is_enterprise_install).lower(),
        }
    return {
        **grid,
        "token": "deprecated-verification-token",
        "team_id": team_id,
        "team_domain": "northwind",
        "channel_id": channel_id,
        "channel_name": "directmessage",
        "user_id": user_id,
        "user_name": user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": "A0KYC",
        "response_url": "https://hooks.slack.com/commands/T/1/abc",
        "trigger_id": trigger_id or new_trigger_id(),
    }


def event_callback(
    team_id: str,
    event: dict[str, Any],
    *,
    event_id: str | None = None,
    enterprise_id: str | None = None,
    is_enterprise_install: bool = False,
    bot_user_id: str = BOT_USER,
) -> dict[str, Any]:
    """An Events API delivery's body, as Slack sends it (over HTTP and in Socket Mode)."""
    body: dict[str, Any] = {
        "token": "deprecated-verification-token",
        "team_id": team_id,
        "api_app_id": "A0KYC",
        "event": {"event_ts": f"{time.time():.6f}", **event},
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_triggers):08d}",
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": enterprise_id,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": is_enterprise_install,
            }
        ],
    }
    if enterprise_id is not None:
        body["enterprise_id"] = enterprise_id
    return body


def app_uninstalled_event() -> dict[str, Any]:
    """Slack's word that the app was removed from the workspace (its tokens are revoked)."""
    return {"type": "app_uninstalled"}


def tokens_revoked_event(
    *, bot: list[str] | None = None, oauth: list[str] | None = None
) -> dict[str, Any]:
    """Slack's word that tokens were revoked: the user ids whose bot / user tokens they were."""
    return {"type": "tokens_revoked", "tokens": {"oauth": oauth or [], "bot": bot or []}}


class Answer:
    def __init__(self, status: int, headers: dict[str, str], text: str) -> None:
        self.status = status
        self.headers = headers
        self.text = text

    def json(self) -> Any:
        return json.loads(self.text) if self.text else None


class SlackSender:
    def __init__(
        self,
        app_url: str,
        signing_secret: str,
        *,
        team_id: str = "T_TEST",
        enterprise_id: str | None = None,
        is_enterprise_install: bool = False,
        bot_user_id: str = BOT_USER,
    ) -> None:
        """`bot_user_id`: the app's bot user in this workspace, which events' authorizations
        name (the stand-in's Team.bot_user_id)."""
        self.app_url = app_url
        self.signer = SignatureVerifier(signing_secret)
        self.team_id = team_id
        self.enterprise_id = enterprise_id
        self.is_enterprise_install = is_enterprise_install
        self.bot_user_id = bot_user_id

    def for_team(
        self,
        team_id: str,
        *,
        enterprise_id: str | None = None,
        is_enterprise_install: bool = False,
        bot_user_id: str = BOT_USER,
    ) -> Self:
        """The same sender (and kind: a SettlingSender stays one), speaking for `team_id`."""
        other = copy.copy(self)
        other.team_id, other.enterprise_id = team_id, enterprise_id
        other.is_enterprise_install, other.bot_user_id = is_enterprise_install, bot_user_id
        return other

    async def post_raw(
        self, body: str, content_type: str, headers: dict[str, str] | None = None
    ) -> Answer:
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                self.app_url,
                data=body.encode(),
                headers={"Content-Type": content_type, **(headers or {})},
            ) as resp,
        ):
            return Answer(resp.status, dict(resp.headers), await resp.text())

    async def _signed(
        self, body: str, content_type: str, extra: dict[str, str] | None = None
    ) -> Answer:
        ts = str(int(time.time()))
        headers = {
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": self.signer.generate_signature(timestamp=ts, body=body) or "",
            **(extra or {}),
        }
        return await self.post_raw(body, content_type, headers)

    def _team(self) -> dict[str, str]:
        team = {"id": self.team_id, "domain": "northwind"}
        if self.enterprise_id is not None:
            team["enterprise_id"] = self.enterprise_id
        return team

    def _enterprise(self) -> dict[str, Any]:
        """An interactive payload's enterprise fields, as Slack sends them."""
        grid = {"id": self.enterprise_id, "name": self.enterprise_id}
        return {
            "enterprise": grid if self.enterprise_id is not None else None,
            "is_enterprise_install": self.is_enterprise_install,
        }

    async def slash_command(
        self,
        user_id: str,
        text: str,
        *,
        command: str = "/kyc",
        trigger_id: str | None = None,
        channel_id: str = "D0DM00001",
    ) -> Answer:
        form = slash_command_form(
            self.team_id,
            user_id,
            text,
            command=command,
            trigger_id=trigger_id,
            channel_id=channel_id,
            enterprise_id=self.enterprise_id,
            is_enterprise_install=self.is_enterprise_install,
        )
        return await self._signed(urlencode(form), "application/x-www-form-urlencoded")

    async def _interactive(self, payload: dict[str, Any]) -> Answer:
        body = urlencode({"payload": json.dumps(payload)})
        return await self._signed(body, "application/x-www-form-urlencoded")

    def _user(self, user_id: str) -> dict[str, str]:
        return {
            "id": user_id,
            "username": user_id.lower(),
            "name": user_id.lower(),
            "team_id": self.team_id,
        }

    async def block_actions(
        self,
        user_id: str,
        actions: list[dict[str, Any]],
        *,
        view: dict[str, Any] | None = None,
        channel_id: str | None = None,
        message: dict[str, Any] | None = None,
        trigger_id: str | None = None,
    ) -> Answer:
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": self._team(),
            **self._enterprise(),
            "user": self._user(user_id),
            "api_app_id": "A0KYC",
            "token": "deprecated-verification-token",
            "trigger_id": trigger_id or new_trigger_id(),
            "actions": [{"action_ts": f"{time.time():.6f}", **a} for a in actions],
        }
        if view is not None:
            payload["view"] = view
            payload["container"] = {"type": "view", "view_id": view.get("id")}
        if channel_id is not None:
            payload["channel"] = {"id": channel_id, "name": channel_id}
            payload["container"] = {
                "type": "message",
                "channel_id": channel_id,
                "message_ts": (message or {}).get("ts", ""),
            }
            payload["message"] = message or {"ts": "", "text": ""}
        return await self._interactive(payload)

    async def view_submission(
        self, user_id: str, view: dict[str, Any], *, trigger_id: str | None = None
    ) -> Answer:
        payload = {
            "type": "view_submission",
            "team": self._team(),
            **self._enterprise(),
            "user": self._user(user_id),
            "api_app_id": "A0KYC",
            "token": "deprecated-verification-token",
            "trigger_id": trigger_id or new_trigger_id(),
            "view": {"type": "modal", "team_id": self.team_id, "app_id": "A0KYC", **view},
        }
        return await self._interactive(payload)

    async def block_suggestion(
        self,
        user_id: str,
        action_id: str,
        block_id: str,
        value: str,
        view: dict[str, Any] | None = None,
    ) -> Answer:
        payload = {
            "type": "block_suggestion",
            "team": self._team(),
            **self._enterprise(),
            "user": self._user(user_id),
            "api_app_id": "A0KYC",
            "token": "deprecated-verification-token",
            "action_id": action_id,
            "block_id": block_id,
            "value": value,
            "view": view or {"id": "V0", "type": "modal", "callback_id": ""},
        }
        return await self._interactive(payload)

    async def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None
    ) -> Answer:
        body = event_callback(
            self.team_id,
            event,
            event_id=event_id,
            enterprise_id=self.enterprise_id,
            is_enterprise_install=self.is_enterprise_install,
            bot_user_id=self.bot_user_id,
        )
        extra = {}
        if retry_num is not None:
            extra = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return await self._signed(json.dumps(body), "application/json", extra)

    async def app_uninstalled(self) -> Answer:
        """The app was uninstalled from this sender's workspace (after `SlackStandin.uninstall`)."""
        return await self.event(app_uninstalled_event())

    async def tokens_revoked(
        self, *, bot: list[str] | None = None, oauth: list[str] | None = None
    ) -> Answer:
        """Tokens of this sender's workspace were revoked: `bot` and `oauth` name their users."""
        return await self.event(tokens_revoked_event(bot=bot, oauth=oauth))
