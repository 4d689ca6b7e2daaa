"""What the Slack stand-in remembers: users, channels, messages, views, recorded calls."""

from __future__ import annotations

import itertools
import random
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
        self._ts = itertools.count(1)
        self._view_ids = itertools.count(1)
        self.base_ts = 1_764_000_000

    def next_ts(self) -> str:
        return f"{self.base_ts + next(self._ts)}.000100"

    def next_view_id(self) -> str:
        return f"V{next(self._view_ids):08d}"

    def dm_for(self, user_id: str) -> Channel:
        channel_id = "D" + user_id[1:]
        if channel_id not in self.channels:
            self.channels[channel_id] = Channel(channel_id, channel_id, is_im=True, user=user_id)
        return self.channels[channel_id]

    def find_message(self, channel: str, ts: str) -> dict[str, Any] | None:
        return next((m for m in self.messages.get(channel, []) if m["ts"] == ts), None)
