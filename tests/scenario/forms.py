"""Filling in a modal the app opened (bot/standin/forms.py), and the clicks and people the
scenario tests share."""

from __future__ import annotations

from typing import Any

from bot.standin.forms import STATE, filled, submitted

__all__ = ["STATE", "admin", "click", "filled", "submitted"]


def click(action: Any, value: str = "") -> list[dict[str, str]]:
    """A button of App Home clicked, as Slack's block_actions lists it."""
    return [{"action_id": action.value, "value": value, "type": "button", "block_id": "b"}]


async def admin(world: Any) -> Any:
    """Ada Quinn, an admin of the scenario's workspace, known to Slack too."""
    from bot.regimen.types import Role
    from tests import factories as f

    async with world.env.db.unit_of_work() as s:
        ada = await f.person(
            s, "Ada Quinn", slack_user_id="U0ADA", role=Role.ADMIN, email="ada@northwind.test"
        )
    world.env.slack.add_user("U0ADA", name="Ada Quinn", email=ada.email, tz="America/New_York")
    return ada
