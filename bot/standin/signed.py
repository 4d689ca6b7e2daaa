"""Requests exactly as Slack sends them to an app, correctly signed (Bolt verifies them)."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

_triggers = itertools.count(1)


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
) -> dict[str, str]:
    """A slash command's fields, as Slack sends them (a form over HTTP, an object in Socket
    Mode)."""
    return {
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
    team_id: str, event: dict[str, Any], *, event_id: str | None = None
) -> dict[str, Any]:
    """An Events API delivery's body, as Slack sends it (over HTTP and in Socket Mode)."""
    return {
        "token": "deprecated-verification-token",
        "team_id": team_id,
        "api_app_id": "A0KYC",
        "event": {"event_ts": f"{time.time():.6f}", **event},
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_triggers):08d}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": team_id, "user_id": "U0KYCBOT", "is_bot": True}],
    }


class Answer:
    def __init__(self, status: int, headers: dict[str, str], text: str) -> None:
        self.status = status
        self.headers = headers
        self.text = text

    def json(self) -> Any:
        return json.loads(self.text) if self.text else None


class SlackSender:
    def __init__(self, app_url: str, signing_secret: str, *, team_id: str = "T_TEST") -> None:
        self.app_url = app_url
        self.signer = SignatureVerifier(signing_secret)
        self.team_id = team_id

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
        return {"id": self.team_id, "domain": "northwind"}

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
        body = event_callback(self.team_id, event, event_id=event_id)
        extra = {}
        if retry_num is not None:
            extra = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return await self._signed(json.dumps(body), "application/json", extra)
