"""The peer: a bare slack-bolt AsyncApp doing the same Slack work with no regimen behind it."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.standin.harness import BOT_TOKEN, SIGNING_SECRET
from bot.views.call_modal import build_call_modal
from bot.views.data import CallForm, Option

# The same shape the bot opens: a call modal with one item and one kudos, a customer preset.
STATIC_MODAL = build_call_modal(
    CallForm(customer=Option("1", "Customer"), teams=(Option("1", "CS"),))
)


class _PeerDeps:
    class db:
        engine: Any = None


def bare_peer(base_url: str) -> tuple[AsyncApp, Any]:
    client = AsyncWebClient(token=BOT_TOKEN, base_url=base_url)
    app = AsyncApp(client=client, signing_secret=SIGNING_SECRET)

    @app.command("/kyc")
    async def command(ack: Any, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await client.views_open(trigger_id=body["trigger_id"], view=STATIC_MODAL)

    @app.view("kyc_call_modal")
    async def submitted(ack: Any) -> None:
        await ack()

    return app, _PeerDeps()


def call_view_values(customer_id: int) -> dict[str, Any]:
    """A submission with three action items and two kudos."""
    from tests.scenario.calls import call_values

    return call_values(
        customer_id,
        items=[
            ("Fix the export", "U00000001", None),
            ("Send roadmap", "U00000002", None),
            ("Book QBR", "U00000003", None),
        ],
        kudos=[("U00000001", "Great onboarding"), ("U00000002", "Fast fix")],
    )
