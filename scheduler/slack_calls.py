"""The Slack calls the sender makes for one outbox message: the call itself (joining a public
channel first when needed), a chart's unshared upload and keyed share, and the history check
that finds a post an ambiguous answer may have made."""

from __future__ import annotations

import base64
import logging
from datetime import timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from scheduler.claims import METADATA_EVENT, Claimed

log = logging.getLogger("kyc.sender")

HISTORY_MARGIN = timedelta(minutes=2)  # clock skew between us and Slack
HISTORY_PAGES = 100  # 20,000 messages back at most


class SlackCalls:
    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def call_joining(self, method: str, payload: dict[str, Any]) -> dict[str, Any]:
        """A public channel the bot is not in yet is joined, then the call is made again."""
        try:
            return await self.call(method, payload)
        except SlackApiError as exc:
            if exc.response.get("error") != "not_in_channel":
                raise
            if not await self.join(payload.get("channel", "")):
                raise
            return await self.call(method, payload)

    async def call(self, method: str, payload: dict[str, Any]) -> dict[str, Any]:
        if method == "files.upload_v2":
            payload = await self.upload_unshared(payload)
            method = "chat.postMessage"
        response = await self.client.api_call(method, json=payload)
        return dict(response.data) if isinstance(response.data, dict) else {}

    async def upload_unshared(self, payload: dict[str, Any]) -> dict[str, Any]:
        """A chart: uploaded without a channel (private to the bot, so a second upload after
        an ambiguous answer shows nowhere), then shared by a keyed post that the history
        check can find like any other."""
        upload = await self.client.files_upload_v2(
            content=base64.b64decode(payload["content_b64"]),
            filename=payload["filename"],
            title=payload.get("title"),
        )
        file_id = (upload.get("files") or [{}])[0].get("id")
        title = str(payload.get("title") or payload["filename"])
        post = {k: payload[k] for k in ("channel", "thread_ts", "metadata") if payload.get(k)}
        image = {"type": "image", "slack_file": {"id": file_id}, "alt_text": title}
        return {**post, "text": title, "blocks": [image], "unfurl_links": False}

    async def find_posted(self, msg: Claimed) -> dict[str, Any] | None:
        """After an ambiguous answer: is the message already there? Pages back through the
        channel (or thread) to the message's first try."""
        payload = msg.payload
        channel = str(payload.get("channel") or "")
        if channel.startswith(("U", "W")):
            opened = await self.client.conversations_open(users=channel)
            channel = opened["channel"]["id"]
        args: dict[str, Any] = {"channel": channel, "include_all_metadata": True, "limit": 200}
        if msg.first_attempt_at is not None:
            args["oldest"] = f"{(msg.first_attempt_at - HISTORY_MARGIN).timestamp():.6f}"
        thread = payload.get("thread_ts")
        cursor = None
        for _ in range(HISTORY_PAGES):
            page = {**args, **({"cursor": cursor} if cursor else {})}
            if thread:
                resp = await self.client.conversations_replies(ts=thread, **page)
            else:
                resp = await self.client.conversations_history(**page)
            for message in resp.get("messages") or []:
                meta = message.get("metadata") or {}
                found = (meta.get("event_payload") or {}).get("key")
                if meta.get("event_type") == METADATA_EVENT and found == msg.key:
                    return {"ok": True, "channel": channel, "ts": message["ts"]}
            cursor = (resp.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
        log.warning("outbox %s: gave up looking after %s pages", msg.key, HISTORY_PAGES)
        return None

    async def join(self, channel: str) -> bool:
        if not channel.startswith("C"):
            return False
        try:
            await self.client.conversations_join(channel=channel)
            return True
        except SlackApiError:
            return False
