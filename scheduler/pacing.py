"""Slack's rate limits, honoured: about one post a second per channel, and Retry-After obeyed.

Slack takes roughly one chat.postMessage a second per channel and answers 429 with a
Retry-After otherwise. A 429 means Slack did nothing, so it is never a failure: a short wait
is taken inline by slack-sdk's retry machinery (`PacedRateLimitHandler`), a long one is handed
back to the outbox, which holds the channel's messages until then (every worker sees it) and
counts no attempt."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

# Methods Slack limits per channel ("special" tier); the others are limited per method.
PER_CHANNEL = {"chat.postMessage", "files.upload_v2"}


def retry_after(headers: Any) -> float:
    """Seconds from a Retry-After header (1 when Slack gives none, as slack-sdk assumes)."""
    for name, value in dict(headers or {}).items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return max(0.0, float(raw))
            except (TypeError, ValueError):
                return 1.0
    return 1.0


def pace_key(method: str, channel: str | None) -> str:
    """What a call's rate limit is counted on: its channel for posts, else its method."""
    return f"channel:{channel}" if method in PER_CHANNEL and channel else f"method:{method}"


class Pacer:
    """When each channel (or method) may be called next, as far as this process knows."""

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self._free: dict[str, float] = {}

    def delay(self, key: str) -> float:
        """Seconds to wait before `key` takes another call."""
        return max(0.0, self._free.get(key, 0.0) - time.monotonic())

    def reserve(self, key: str, limit: float) -> float | None:
        """The wait before the next call to `key`, its slot taken at once (so lanes posting to
        one channel queue one behind the other); None when that wait is over `limit`."""
        wait = self.delay(key)
        if wait > limit:
            return None
        if key.startswith("channel:"):
            self._free[key] = max(time.monotonic(), self._free.get(key, 0.0)) + self.interval
        return wait

    def hold(self, key: str, seconds: float) -> bool:
        """Slack said wait: nothing goes to `key` for `seconds`. True when that is news (a
        later hold than the one known), so only one lane tells the other workers."""
        until = time.monotonic() + seconds
        if until <= self._free.get(key, 0.0):
            return False
        self._free[key] = until
        return True


class PacedRateLimitHandler(AsyncRateLimitErrorRetryHandler):
    """slack-sdk's 429 handler, told about pacing and ownership: it records every Retry-After
    in the pacer and retries inline only a short wait that this worker's lease outlasts;
    otherwise the 429 reaches the sender, which hands the message back until then."""

    def __init__(self, *, max_retry_count: int = 2, inline_limit: float = 3.0) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.inline_limit = inline_limit
        self.pacer: Pacer | None = None
        # Set by the sender: may a call still be made after waiting this long?
        self.may_wait: Callable[[float], bool] = lambda _seconds: True

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = retry_after(response.headers)
        method = request.url.rstrip("/").rsplit("/", 1)[-1]
        channel = (request.body_params or {}).get("channel")
        if self.pacer is not None:
            self.pacer.hold(pace_key(method, channel), wait)
        return wait <= self.inline_limit and self.may_wait(wait + 1.0)
