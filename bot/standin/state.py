"""What the Slack stand-in remembers: workspaces, users, channels, messages, views, calls.

Every user, channel and DM belongs to one workspace (team); a call sees only its token's."""

from __future__ import annotations

import itertools
import random
import re
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
    team: str | None = None  # the workspace of the token it was made with; None: no such token
    token: str | None = None


DEFAULT_TEAM = "T_TEST"


@dataclass
class Team:
    """A workspace the app is installed in, and the bot user the install created there."""

    id: str
    name: str
    bot_user_id: str
    bot_id: str
    domain: str
    enterprise_id: str | None = None
    enterprise_name: str | None = None

    @property
    def url(self) -> str:
        return f"https://{self.domain}.slack.com/"


@dataclass
class User:
    id: str
    name: str
    email: str | None = None
    tz: str = "America/New_York"
    deleted: bool = False
    is_bot: bool = False
    title: str | None = None
    team: str = DEFAULT_TEAM

    def as_slack(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "team_id": self.team,
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
    team: str = DEFAULT_TEAM


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
        self.teams: dict[str, Team] = {
            DEFAULT_TEAM: Team(DEFAULT_TEAM, "Northwind", "U0KYCBOT", "B0KYCBOT", "northwind")
        }
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.view_teams: dict[str, str] = {}  # view id -> the workspace it was opened in
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
        """The bot's DM with `user_id`, in the user's workspace (opened on first use)."""
        channel_id = "D" + user_id[1:]
        if channel_id not in self.channels:
            user = self.users.get(user_id)
            team = user.team if user is not None else DEFAULT_TEAM
            self.channels[channel_id] = Channel(
                channel_id, channel_id, is_im=True, user=user_id, team=team
            )
        return self.channels[channel_id]

    def put_team(
        self,
        team_id: str,
        name: str,
        *,
        enterprise_id: str | None = None,
        enterprise_name: str | None = None,
        bot_user_id: str | None = None,
        domain: str | None = None,
    ) -> Team:
        """Registers the workspace, or renames it, keeping the bot user it already has."""
        known = self.teams.get(team_id)
        bare = team_id.removeprefix("T")
        team = Team(
            team_id,
            name,
            bot_user_id or (known.bot_user_id if known else f"U{bare}BOT"),
            known.bot_id if known else f"B{bare}BOT",
            domain or (known.domain if known else re.sub(r"[^a-z0-9]+", "-", name.lower())),
            enterprise_id,
            enterprise_name,
        )
        self.teams[team_id] = team
        return team

    def user_in(self, team: str, user_id: str) -> User | None:
        """The user as a token of `team` sees them: another workspace's is not found."""
        user = self.users.get(user_id)
        return user if user is not None and user.team == team else None

    def channel_in(self, team: str, channel_id: str) -> Channel | None:
        """The channel as a token of `team` sees it: another workspace's is not found."""
        channel = self.channels.get(channel_id)
        return channel if channel is not None and channel.team == team else None

    def find_message(self, channel: str, ts: str) -> dict[str, Any] | None:
        return next((m for m in self.messages.get(channel, []) if m["ts"] == ts), None)
