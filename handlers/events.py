"""Events: App Home opened."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.services.home import home_data
from bot.views.home import build_home
from bot.views.notices import build_not_enrolled_home
from handlers.common import actor_of, attached, deps_of


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(home_opened)


async def home_opened(event: dict[str, Any], client: AsyncWebClient, context: Any) -> None:
    if event.get("tab", "home") != "home":
        return
    person, deps = actor_of(context), deps_of(context)
    user_id = event["user"]
    if person is None:
        await client.views_publish(user_id=user_id, view=build_not_enrolled_home())
        return
    async with deps.db.unit_of_work() as session:
        data = await home_data(
            session, deps.settings, await attached(session, person), now=deps.now()
        )
    await client.views_publish(user_id=user_id, view=build_home(data))
