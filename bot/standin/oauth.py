"""Workspaces' tokens, as Slack issues them through OAuth v2: which workspace a token is for,
when it expires, how it is rotated and revoked. (Its own module: the tokens' life is one
concern, apart from the server's plumbing and the Web API methods.)

A test stages an install (`SlackStandin.stage_install`): Slack's redirect would hand the app a
one-time `code`, which the app trades at oauth.v2.access for a bot token of that workspace.
Each install issues a new token and leaves the earlier ones valid, as Slack does. With token
rotation the bot token expires `expires_in` seconds later (real time), and the app trades its
refresh token for a new pair; a refresh token is good once. Uninstalling revokes every token
of the workspace."""

from __future__ import annotations

import base64
import itertools
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.standin.api import CALLER, Caller, SlackError, method
from bot.standin.state import DEFAULT_TEAM, Team

if TYPE_CHECKING:
    from bot.standin.server import SlackStandin

APP_ID = "A0KYC"
CLIENT_ID = "111.222"
CLIENT_SECRET = "standin-secret"


@dataclass(frozen=True)
class StagedInstall:
    """What Slack learnt when a user approved the install: where, by whom, with what."""

    team_id: str
    team_name: str
    enterprise_id: str | None
    enterprise_name: str | None
    installer: str
    scopes: tuple[str, ...]
    rotating: bool
    expires_in: int
    is_enterprise_install: bool
    redirect_uri: str | None


class OAuthStandin:
    def __init__(self, standin: SlackStandin) -> None:
        self.standin = standin
        self.token_team: dict[str, str] = {}  # a token absent here is the default team's
        self.expires_at: dict[str, float] = {}  # rotating tokens only
        self.token_scopes: dict[str, frozenset[str]] = {}  # tokens an install issued
        self._org_wide: set[str] = set()  # tokens of org-wide (enterprise) installs
        self._codes: dict[str, StagedInstall] = {}
        self._refresh: dict[str, StagedInstall] = {}
        self._serial = itertools.count(1)

    def team_of(self, token: str) -> str:
        return self.token_team.get(token, DEFAULT_TEAM)

    def register(self, token: str, team_id: str, *, expires_at: float | None = None) -> None:
        self.standin.tokens.add(token)
        self.standin.revoked.discard(token)
        self.token_team[token] = team_id
        if expires_at is not None:
            self.expires_at[token] = expires_at

    def is_enterprise_install(self, token: str | None) -> bool:
        return token in self._org_wide

    def refusal(self, token: str) -> str | None:
        """Slack's error for a call with `token`; None when the token is good."""
        if token in self.standin.tokens:
            expires = self.expires_at.get(token)
            return "token_expired" if expires is not None and time.time() >= expires else None
        return "token_revoked" if token in self.standin.revoked else "invalid_auth"

    def scopes_of(self, token: str) -> set[str] | frozenset[str] | None:
        """The token's scopes: its install's, or else the stand-in's (None: unchecked)."""
        return self.token_scopes.get(token, self.standin.scopes)

    def stage(self, code: str, install: StagedInstall) -> None:
        self._codes[code] = install

    def uninstall(self, team_id: str) -> None:
        """Every token of the workspace is revoked; its refresh tokens and codes die too."""
        for token in [t for t in self.standin.tokens if self.team_of(t) == team_id]:
            self.standin.revoke(token)
        for staged in (self._refresh, self._codes):
            for key in [k for k, i in staged.items() if i.team_id == team_id]:
                del staged[key]

    # --- oauth.v2.access ----------------------------------------------------------------------
    def access(self, p: dict[str, Any], basic: tuple[str, str] | None) -> dict[str, Any]:
        # Slack takes the app's credentials as HTTP Basic auth or as form fields.
        form = (str(p.get("client_id") or ""), str(p.get("client_secret") or ""))
        client_id, secret = basic or form
        if client_id != self.standin.client_id:
            raise SlackError("invalid_client_id")
        if secret != self.standin.client_secret:
            raise SlackError("bad_client_secret")
        grant = p.get("grant_type") or "authorization_code"
        if grant == "refresh_token":
            install = self._refresh.pop(str(p["refresh_token"]), None)
            if install is None:
                raise SlackError("invalid_refresh_token")
            return self._issue(install, self.standin.state.teams[install.team_id])
        if grant != "authorization_code":
            raise SlackError("invalid_grant_type")
        install = self._codes.get(str(p["code"]))
        if install is None:
            raise SlackError("invalid_code")
        if install.redirect_uri is not None and p.get("redirect_uri") != install.redirect_uri:
            raise SlackError("bad_redirect_uri")
        del self._codes[str(p["code"])]  # a code is good once
        team = self.standin.state.put_team(  # registered, or renamed as the install says
            install.team_id,
            install.team_name,
            enterprise_id=install.enterprise_id,
            enterprise_name=install.enterprise_name,
        )
        return self._issue(install, team)

    def _issue(self, install: StagedInstall, team: Team) -> dict[str, Any]:
        """A new access token for the workspace (and, rotating, a new refresh token)."""
        n, secret = next(self._serial), secrets.token_hex(12)
        answer: dict[str, Any] = {
            "app_id": APP_ID,
            "authed_user": {"id": install.installer},
            "scope": ",".join(install.scopes),
            "token_type": "bot",
            "bot_user_id": team.bot_user_id,
            # An org-wide install is the enterprise's, not one workspace's.
            "team": None if install.is_enterprise_install else {"id": team.id, "name": team.name},
            "enterprise": (
                {"id": install.enterprise_id, "name": install.enterprise_name}
                if install.enterprise_id
                else None
            ),
            "is_enterprise_install": install.is_enterprise_install,
        }
        if install.rotating:
            token = f"xoxe.xoxb-1-{n}-{team.id}-{secret}"
            refresh = f"xoxe-1-{n}-{team.id}-{secrets.token_hex(12)}"
            self.register(token, team.id, expires_at=time.time() + install.expires_in)
            self._refresh[refresh] = install
            answer |= {"refresh_token": refresh, "expires_in": install.expires_in}
        else:
            token = f"xoxb-{n}-{team.id}-{secret}"
            self.register(token, team.id)
        self.token_scopes[token] = frozenset(install.scopes)
        if install.is_enterprise_install:
            self._org_wide.add(token)
        answer["access_token"] = token
        # Recorded as the installed workspace's call (it carried no token of its own).
        CALLER.set(Caller(team=team.id, basic=CALLER.get().basic))
        return answer


def basic_credentials(header: str) -> tuple[str, str] | None:
    """The (client_id, client_secret) of an HTTP Basic Authorization header, if it is one."""
    if not header.startswith("Basic "):
        return None
    try:
        decoded = base64.b64decode(header.removeprefix("Basic ").strip(), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    client_id, colon, secret = decoded.partition(":")
    return (client_id, secret) if colon else None


@method("oauth.v2.access", "code")
async def oauth_v2_access(s: SlackStandin, p: dict[str, Any]) -> dict[str, Any]:
    return s.oauth.access(p, CALLER.get().basic)
