"""What the Slack stand-in remembers: users, channels, messages, views, recorded calls."""

from __future__ import annotations

import itertools
import random
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RecordedCall:
    method: str
    params: dict[str, Any]
    ok: bool
    error: str | None
    at: float
    response: dict[str, Any] = field(default_factory=dict)


@dataclass
class User:
    id: str
    name: str
    email: str | None = None
    tz: str = "America/New_York"
    deleted: bool = False
    is_bot: bool = False
    title: str | None = None

    def as_slack(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name.lower().replace(" ", "."),
            "real_name": self.name,
            "deleted": self.deleted,
            "is_bot": self.is_bot,
            "tz": self.tz,
            "tz_offset": 0,
            "profile": {
                "email": self.email,
                "real_name": self.name,
                "display_name": self.name.split()[0] if self.name else "",
                "title": self.title or "",
            },
        }


@dataclass
class Channel:
    id: str
    name: str
    is_private: bool = False
    is_member: bool = True
    is_archived: bool = False
    is_im: bool = False
    user: str | None = None  # the other side of a DM


@dataclass
class FaultPlan:
    """Injected failures: `rate` of answers become a 429, a 500 or a timeout (no effect), and
    `lost_reply_rate` of answers take effect but their reply is lost (a 500 or a timeout)."""

    rate: float = 0.0
    lost_reply_rate: float = 0.0
    seed: int = 7
    retry_after: int = 1
    timeout_delay: float = 12.0
    methods: frozenset[str] | None = None  # None: every method
    kinds: tuple[str, ...] = ("ratelimited", "server_error", "timeout")
    # How an answer that took effect is lost: a 500, a timeout, a reset connection, or a 200
    # whose error says it may have partly happened.
    lost_kinds: tuple[str, ...] = ("server_error", "timeout")
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def applies(self, method: str) -> bool:
        return self.methods is None or method in self.methods


class State:
    def __init__(self) -> None:
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.expired_triggers: set[str] = set()
        self.uploads: dict[str, bytes] = {}
        self.calls: list[RecordedCall] = []
        self._view_ids = itertools.count(1)
        self._last_us = 0

    def next_ts(self) -> str:
        """Slack's message ids: the time of posting, in microseconds, unique and increasing."""
        self._last_us = max(time.time_ns() // 1000, self._last_us + 1)
        return f"{self._last_us // 1_000_000}.{self._last_us % 1_000_000:06d}"

    def next_view_id(self) -> str:
        return f"V{next(self._view_ids):08d}"

    def dm_for(self, user_id: str) -> Channel:
        channel_id = "D" + user_id[1:]
        if channel_id not in self.channels:
            self.channels[channel_id] = Channel(channel_id, channel_id, is_im=True, user=user_id)
        return self.channels[channel_id]

    def find_message(self, channel: str, ts: str) -> dict[str, Any] | None:
        return next((m for m in self.messages.get(channel, []) if m["ts"] == ts), None)
