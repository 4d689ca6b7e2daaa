"""One side of a benchmark in its own process, so the bot's CPU is its own and not shared with the
load generator or the Slack stand-in (`python -m bench` starts these; they are not for people).

    python -m bench.node kyc-app   DB_URL SLACK_URL   serve KYC's /slack/events until stdin closes
    python -m bench.node peer-app  -      SLACK_URL   serve the bare Bolt peer the same way
    python -m bench.node morning   DB_URL SLACK_URL   queue and deliver this morning's nudges
    python -m bench.node bare-sender FILE SLACK_URL   post FILE's payloads with bare aiohttp

The apps print `PORT <n>` once they listen; `morning` prints one JSON line of figures."""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from bench import data
from bot.standin.harness import BOT_TOKEN, SIGNING_SECRET, Clock


def max_rss_mb() -> float:
    """This process's peak resident memory. Linux keeps ru_maxrss across exec, so a node would
    report the bench's own peak; the kernel's VmHWM is this program's alone."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


async def listen(app: web.Application) -> web.AppRunner:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    print(f"PORT {port}", flush=True)
    return runner


async def until_stdin_closes() -> None:
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)


async def kyc_app(db_url: str, slack_url: str) -> None:
    from bot.app import build_app, web_client
    from bot.deps import Deps
    from bot.sdklog import close_connections, share_connections
    from bot.server import freeze_startup_heap, http_app
    from bot.settings import load_settings
    from storage.db import Database

    settings = load_settings(
        _env_file=None,
        database_url=db_url,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack_url,
        kyc_workspace=data.WS,
    )
    db = Database(db_url)
    deps = Deps(settings=settings, db=db, clock=Clock(data.monday_morning()))
    client = web_client(settings)
    pool = share_connections(client)  # as `kyc serve` does
    runner = await listen(http_app(build_app(deps, client=client), deps))
    freeze_startup_heap()  # as `kyc serve` does
    await until_stdin_closes()
    await runner.cleanup()
    await close_connections(client, pool)
    await db.dispose()


async def peer_app(slack_url: str) -> None:
    from bench.peer import bare_peer
    from bot.sdklog import close_connections, share_connections
    from bot.server import http_app

    app, deps = bare_peer(slack_url)
    pool = share_connections(app.client)  # the same pool as the bot: the work is compared
    runner = await listen(http_app(app, deps))
    await until_stdin_closes()
    await runner.cleanup()
    await close_connections(app.client, pool)


async def morning(db_url: str, slack_url: str, concurrency: int) -> dict[str, Any]:
    """Plan, brief and queue every executive's nudge and deliver them all, the sender starting on
    each chunk as soon as it is committed; the time until the last one is in Slack, and the
    process's CPU."""
    from bot.server import freeze_startup_heap
    from bot.services.morning import run_morning
    from bot.settings import load_settings
    from scheduler.sender import Sender, sender_client
    from storage.db import Database

    db = Database(db_url)
    settings = load_settings(_env_file=None, database_url=db_url, kyc_catchup_until="23:59")
    freeze_startup_heap()  # as `kyc worker` does
    # As `kyc worker` does it: the sender delivers each chunk while the next is being queued.
    sender = Sender(db, sender_client(BOT_TOKEN, slack_url), concurrency=concurrency)
    await sender.start()  # registered before the morning, as `kyc worker` is from its start
    chunk_ready = asyncio.Event()
    cpu0, t0 = time.process_time(), time.perf_counter()
    queueing = asyncio.create_task(
        run_morning(db, settings, data.WS, now=datetime.now(UTC), on_queued=chunk_ready.set)
    )
    queued_at = 0.0

    def queue_done(_: object) -> None:
        nonlocal queued_at
        queued_at = time.perf_counter() - t0
        chunk_ready.set()

    queueing.add_done_callback(queue_done)
    sent = 0
    while not (queueing.done() and not chunk_ready.is_set()):
        await chunk_ready.wait()
        chunk_ready.clear()
        sent += await sender.drain()
    results = queueing.result()
    # What Slack asked to wait for (a 429's Retry-After) goes out when it comes due.
    states = await sender.settle([r.key for r in results if r.key], wait=600)
    sent = sum(1 for s in states.values() if s.status == "sent")
    await sender.close()
    total_s, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    await db.dispose()
    return {
        "executives": len(results),
        "queued": sum(1 for r in results if r.outcome == "nudge queued"),
        "nudges": sent,
        "queue_s": round(queued_at, 2),
        "all_delivered_s": round(total_s, 2),  # from the start to the last nudge in Slack
        "cpu_ms_per_nudge": round(cpu * 1000 / max(sent, 1), 2),
        "max_rss_mb": max_rss_mb(),
    }


async def bare_sender(payloads_file: str, slack_url: str, concurrency: int) -> dict[str, Any]:
    """The floor: the same chat.postMessage payloads, posted with plain aiohttp at the same
    concurrency, no database, no retries: what the stand-in allows."""
    import aiohttp

    payloads = json.loads(Path(payloads_file).read_text())
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    for payload in payloads:
        queue.put_nowait(payload)
    headers = {"Authorization": f"Bearer {BOT_TOKEN}"}
    async with aiohttp.ClientSession(headers=headers) as http:

        async def lane() -> None:
            while not queue.empty():
                payload = queue.get_nowait()
                async with http.post(slack_url + "chat.postMessage", json=payload) as resp:
                    body = await resp.json()
                    if not body.get("ok"):
                        raise RuntimeError(f"bare sender: {body}")

        t0 = time.perf_counter()
        await asyncio.gather(*(lane() for _ in range(concurrency)))
        return {"posted": len(payloads), "seconds": round(time.perf_counter() - t0, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.node")
    parser.add_argument("role", choices=["kyc-app", "peer-app", "morning", "bare-sender"])
    parser.add_argument("db_url")
    parser.add_argument("slack_url")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    if args.role == "kyc-app":
        asyncio.run(kyc_app(args.db_url, args.slack_url))
    elif args.role == "peer-app":
        asyncio.run(peer_app(args.slack_url))
    elif args.role == "bare-sender":  # db_url is the file of payloads here
        result = asyncio.run(bare_sender(args.db_url, args.slack_url, args.concurrency))
        print(json.dumps(result), flush=True)
    else:
        result = asyncio.run(morning(args.db_url, args.slack_url, args.concurrency))
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
