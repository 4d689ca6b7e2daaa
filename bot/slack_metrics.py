"""Every Slack Web API call counted by method and outcome, for `/metrics`.

One hook sees them all: slack-sdk's clients make every Web API call through `api_call`, and
a retry handler would see only failures. The interactive client (bot/app.py), Bolt's client
per request (swapped in by the app's middleware) and the outbox sender's client are all of
this class."""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.metrics import count_slack_call


class MeteredWebClient(AsyncWebClient):
    """An AsyncWebClient that counts each call's outcome: ok, Slack's error code,
    ratelimited (a 429 that outlasted the client's retries), or exception (no answer)."""

    async def api_call(self, api_method: str, **kwargs: Any) -> AsyncSlackResponse:
        try:
            response = await super().api_call(api_method, **kwargs)
        except SlackApiError as exc:
            count_slack_call(api_method, outcome_of(exc))
            raise
        except Exception:
            count_slack_call(api_method, "exception")
            raise
        count_slack_call(api_method, "ok")
        return response


def outcome_of(exc: SlackApiError) -> str:
    response = exc.response
    if getattr(response, "status_code", None) == 429 or response.get("error") == "ratelimited":
        return "ratelimited"
    return str(response.get("error") or f"http_{getattr(response, 'status_code', 'error')}")


def metered(client: AsyncWebClient) -> MeteredWebClient:
    """The same client (token, pool, retries, logger), counted; Bolt makes a plain
    AsyncWebClient for each request, and this one takes its place."""
    if isinstance(client, MeteredWebClient):
        return client
    return MeteredWebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        ssl=client.ssl,
        proxy=client.proxy,
        session=client.session,
        trust_env_in_session=client.trust_env_in_session,
        headers=dict(client.headers),
        team_id=client.default_params.get("team_id"),
        logger=client.logger,
        retry_handlers=client.retry_handlers,
    )
