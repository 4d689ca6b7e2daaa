"""How every slack-sdk client is set up: its logger and its connection pool.

slack-sdk formats a DEBUG line holding the whole request (every block of every message) before
each call whenever its logger's own level is at or below DEBUG, and an unset level (0) counts:
with Python's default logging that is every call, logged or not. A level set on the logger
itself stops it; set `kyc.slack_sdk` to DEBUG in the logging configuration to see the lines.

Without a session of its own, an AsyncWebClient opens a new HTTP session, so a new TCP and TLS
connection to Slack, for every call."""

from __future__ import annotations

import logging

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient


def slack_sdk_logger() -> logging.Logger:
    log = logging.getLogger("kyc.slack_sdk")
    if log.level == logging.NOTSET:
        log.setLevel(logging.INFO)
    return log


def socket_mode_logger() -> logging.Logger:
    """The Socket Mode client's logger: slack-sdk tells each session it opens at INFO and every
    message it receives (payloads) at DEBUG; bot/socket_mode.py tells the connection's ups and
    downs itself, in a line each. WARNING, unless the log is at DEBUG."""
    log = logging.getLogger("kyc.slack_sdk.socket_mode")
    debug = slack_sdk_logger().getEffectiveLevel() <= logging.DEBUG
    log.setLevel(logging.DEBUG if debug else logging.WARNING)
    return log


def share_connections(client: AsyncWebClient) -> aiohttp.ClientSession | None:
    """Give `client` one connection pool for its calls (Bolt's per-request clients share the app
    client's); returns the pool, for the caller to close, or None when the client had one.

    slack-sdk applies the client's `timeout` only to the sessions it opens itself: a given
    session's own timeout is the one that counts (aiohttp's default is 5 minutes)."""
    if client.session is not None:
        return None
    client.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=client.timeout))
    return client.session


async def close_connections(client: AsyncWebClient, pool: aiohttp.ClientSession | None) -> None:
    """Close the pool `share_connections` gave `client` (None: it gave none, nothing to do)."""
    if pool is not None:
        await pool.close()
        client.session = None
