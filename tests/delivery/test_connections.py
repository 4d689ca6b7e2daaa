"""The clients' kept-alive connection pools keep the clients' timeouts."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.app import web_client
from bot.sdklog import share_connections
from bot.settings import load_settings
from bot.standin.harness import BOT_TOKEN
from bot.standin.server import SlackStandin
from scheduler.sender import sender_client


async def test_a_slow_slack_times_out_at_the_senders_timeout_through_its_pool() -> None:
    async with SlackStandin(tokens={BOT_TOKEN}, latency=1.5) as slack:
        client = sender_client(BOT_TOKEN, slack.base_url, timeout=0.2)
        pool = share_connections(client)
        assert pool is not None and client.session is pool
        started = time.monotonic()
        with pytest.raises(asyncio.TimeoutError):
            await client.auth_test()
        assert time.monotonic() - started < 1.0  # not the stand-in's 1.5 s, nor aiohttp's 5 min
        await pool.close()


async def test_the_interactive_pool_keeps_the_5_second_timeout() -> None:
    client = web_client(load_settings(_env_file=None, slack_bot_token=BOT_TOKEN))
    pool = share_connections(client)
    assert pool is not None and pool.timeout.total == 5
    assert share_connections(client) is None  # one pool a client
    await pool.close()
