"""The stand-in's workspaces: the teams the app is installed in, their people and channels, and
the installs a test stages for oauth.v2.access. (Apart from server.py, which answers the
requests: this is what a test sets up before, a mixin of SlackStandin.)"""

from __future__ import annotations

from collections.abc import Iterable

from bot.standin.api import CALLER
from bot.standin.oauth import OAuthStandin, StagedInstall
from bot.standin.scopes import manifest_bot_scopes
from bot.standin.state import DEFAULT_TEAM, Channel, State, Team, User


class Workspaces:
    """SlackStandin's set-up of workspaces; the attributes below are SlackStandin's."""

    state: State
    scopes: set[str] | None
    oauth: OAuthStandin

    def add_team(
        self,
        team_id: str,
        name: str,
        bot_token: str,
        *,
        enterprise_id: str | None = None,
        enterprise_name: str | None = None,
        bot_user_id: str | None = None,
        domain: str | None = None,
    ) -> Team:
        """A workspace the app is already installed in, with its bot token (no OAuth)."""
        team = self.state.put_team(
            team_id,
            name,
            enterprise_id=enterprise_id,
            enterprise_name=enterprise_name,
            bot_user_id=bot_user_id,
            domain=domain,
        )
        self.oauth.register(bot_token, team_id)
        return team

    def add_user(
        self,
        user_id: str,
        *,
        name: str,
        email: str | None = None,
        tz: str = "America/New_York",
        deleted: bool = False,
        is_bot: bool = False,
        title: str | None = None,
        team: str = DEFAULT_TEAM,
    ) -> None:
        self.state.users[user_id] = User(user_id, name, email, tz, deleted, is_bot, title, team)

    def add_channel(
        self,
        channel_id: str,
        name: str,
        *,
        is_private: bool = False,
        is_member: bool = True,
        is_archived: bool = False,
        team: str = DEFAULT_TEAM,
    ) -> None:
        self.state.channels[channel_id] = Channel(
            channel_id,
            name,
            is_private=is_private,
            is_member=is_member,
            is_archived=is_archived,
            team=team,
        )

    def stage_install(
        self,
        code: str,
        team_id: str,
        team_name: str,
        *,
        enterprise_id: str | None = None,
        enterprise_name: str | None = None,
        installer: str = "U0INSTALLER",
        scopes: Iterable[str] | None = None,
        rotating: bool = False,
        expires_in: int = 43200,
        is_enterprise_install: bool = False,
        redirect_uri: str | None = None,
    ) -> None:
        """A user approved installing the app in `team_id`: Slack's redirect hands the app
        `code`, good for one oauth.v2.access. `scopes`: granted, by default the stand-in's
        `scopes` or else manifest.yml's. `rotating`: token rotation, the access token expiring
        `expires_in` seconds after it is issued. `redirect_uri`: when given, the exchange must
        name it."""
        if scopes is None:
            scopes = self.scopes if self.scopes is not None else manifest_bot_scopes() or ()
        install = StagedInstall(
            team_id,
            team_name,
            enterprise_id,
            enterprise_name,
            installer,
            tuple(sorted(scopes)),
            rotating,
            expires_in,
            is_enterprise_install,
            redirect_uri,
        )
        self.oauth.stage(code, install)

    def uninstall(self, team_id: str) -> None:
        """The app was uninstalled from `team_id`: every token of it is `token_revoked`. (Slack
        then sends app_uninstalled; a test sends it itself, see signed.py.)"""
        self.oauth.uninstall(team_id)

    @property
    def calling_team(self) -> Team:
        """The workspace of the token of the request being answered."""
        return self.state.teams[CALLER.get().team or DEFAULT_TEAM]
