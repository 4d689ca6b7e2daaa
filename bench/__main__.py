"""`make bench`: the bot measured beside a bare Bolt peer, against the Slack stand-in on loopback.

    python -m bench [--full] [--engine sqlite|postgresql] [--only ack,morning,planning,figures]

Prints a table and writes bench/results/<date>.json. Default sizes finish in a few minutes on
two cores; --full uses the sizes the targets are stated for."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import statistics
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import event, select

from bench import data
from bench.peer import bare_peer
from bot.app import Deps, build_app
from bot.server import http_app
from bot.settings import load_settings
from bot.standin.harness import BOT_TOKEN, SIGNING_SECRET, Clock
from bot.standin.server import SlackStandin
from bot.standin.signed import SlackSender, new_trigger_id
from storage.db import Database
from storage.migrate import upgrade_async

console = Console()
RESULTS = Path(__file__).resolve().parent / "results"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(ms: list[float]) -> dict[str, float]:
    return {
        "n": len(ms),
        "p50_ms": round(pct(ms, 0.5), 2),
        "p95_ms": round(pct(ms, 0.95), 2),
        "p99_ms": round(pct(ms, 0.99), 2),
        "mean_ms": round(statistics.fmean(ms), 2),
    }


async def serve(app: Any, deps: Any) -> tuple[Any, str]:
    from aiohttp import web

    runner = web.AppRunner(http_app(app, deps))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}/slack/events"


async def latency(
    slack: SlackStandin,
    sender: SlackSender,
    send: Any,
    *,
    requests: int,
    concurrency: int,
    method: str | None,
) -> list[float]:
    """Time from sending to the Web API call arriving at the stand-in (or to the HTTP answer)."""
    out: list[float] = []

    async def one() -> None:
        trigger = new_trigger_id()
        t0 = time.time()
        answer = await send(sender, trigger)
        if method is None:
            out.append((time.time() - t0) * 1000)
            return
        for _ in range(400):
            hit = next(
                (
                    c
                    for c in reversed(slack.calls)
                    if c.method == method and c.params.get("trigger_id") == trigger
                ),
                None,
            )
            if hit:
                out.append((hit.at - t0) * 1000)
                return
            await asyncio.sleep(0.002)
        raise RuntimeError(f"no {method} for {trigger} (HTTP {answer.status})")

    for start in range(0, requests, concurrency):
        await asyncio.gather(*(one() for _ in range(min(concurrency, requests - start))))
    return out


async def bench_ack(db_url: str, sizes: dict[str, Any]) -> dict[str, Any]:
    """/kyc done → views.open, and a call submission's ack, beside a bare Bolt app."""
    from bench.peer import call_view_values

    db = Database(db_url)
    async with SlackStandin(tokens={BOT_TOKEN}) as slack:
        settings = load_settings(
            _env_file=None,
            database_url=db_url,
            slack_bot_token=BOT_TOKEN,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=slack.base_url,
            kyc_workspace=data.WS,
        )
        deps = Deps(settings=settings, db=db, clock=Clock(data.monday_morning()))
        ours, our_url = await serve(build_app(deps), deps)
        peer_app, peer_deps = bare_peer(slack.base_url)
        theirs, peer_url = await serve(peer_app, peer_deps)
        async with db.unit_of_work() as s:
            from storage.models import Customer, Person

            execs = list(await s.scalars(select(Person.slack_user_id).limit(50)))
            cust = await s.scalar(select(Customer.id).where(Customer.executive_id == 1))
        for uid in execs:
            slack.add_user(uid or "", name=uid or "")
        ours_s = SlackSender(our_url, SIGNING_SECRET, team_id=data.WS)
        peer_s = SlackSender(peer_url, SIGNING_SECRET, team_id=data.WS)
        user = execs[0] or ""

        async def done(sender: SlackSender, trigger: str) -> Any:
            return await sender.slash_command(user, "done", trigger_id=trigger)

        values = call_view_values(cust or 1)
        counter = iter(range(10**9))

        async def submit(sender: SlackSender, trigger: str) -> Any:
            view = {
                "id": f"V{next(counter)}",
                "callback_id": "kyc_call_modal",
                "hash": "1",
                "private_metadata": "",
                "state": {"values": values},
            }
            return await sender.view_submission(user, view, trigger_id=trigger)

        out: dict[str, Any] = {}
        n = sizes["requests"]
        for conc in (1, 20):
            await latency(slack, ours_s, done, requests=20, concurrency=conc, method="views.open")
            await latency(slack, peer_s, done, requests=20, concurrency=conc, method="views.open")
            a = summary(
                await latency(
                    slack, ours_s, done, requests=n, concurrency=conc, method="views.open"
                )
            )
            b = summary(
                await latency(
                    slack, peer_s, done, requests=n, concurrency=conc, method="views.open"
                )
            )
            out[f"done_to_views_open_c{conc}"] = {
                "kyc": a,
                "peer": b,
                "p99_ratio": round(a["p99_ms"] / b["p99_ms"], 2),
            }
            a = summary(
                await latency(slack, ours_s, submit, requests=n, concurrency=conc, method=None)
            )
            b = summary(
                await latency(slack, peer_s, submit, requests=n, concurrency=conc, method=None)
            )
            out[f"submission_ack_c{conc}"] = {
                "kyc": a,
                "peer": b,
                "p99_ratio": round(a["p99_ms"] / b["p99_ms"], 2),
            }
        await ours.cleanup()
        await theirs.cleanup()
    await db.dispose()
    return out


async def bench_morning(db_url: str, sizes: dict[str, Any]) -> dict[str, Any]:
    """Plan, brief and queue every executive's nudge, then deliver at 20 ms a call."""
    from bot.services.morning import run_morning
    from scheduler.sender import Sender, sender_client

    db = Database(db_url)
    settings = load_settings(_env_file=None, database_url=db_url, kyc_catchup_until="23:59")
    now = datetime.now(UTC)
    latency_s, concurrency = 0.02, 8
    async with SlackStandin(tokens={BOT_TOKEN}, latency=latency_s) as slack:
        async with db.unit_of_work() as s:
            from storage.models import Person

            for uid in await s.scalars(select(Person.slack_user_id)):
                slack.add_user(uid or "", name=uid or "")
        cpu0, t0 = time.process_time(), time.perf_counter()
        results = await run_morning(db, settings, data.WS, now=now)
        queue_cpu, queue_s = time.process_time() - cpu0, time.perf_counter() - t0
        sender = Sender(db, sender_client(BOT_TOKEN, slack.base_url), concurrency=concurrency)
        cpu1, t1 = time.process_time(), time.perf_counter()
        sent = await sender.drain()
        await sender.close()
        send_cpu, send_s = time.process_time() - cpu1, time.perf_counter() - t1
    await db.dispose()
    queued = sum(1 for r in results if r.outcome == "nudge queued")
    bound = queued * latency_s / concurrency
    return {
        "executives": len(results),
        "nudges": sent,
        "queue_s": round(queue_s, 2),
        "deliver_s": round(send_s, 2),
        "lower_bound_s": round(bound, 2),
        "deliver_ratio": round(send_s / bound, 2) if bound else None,
        "cpu_ms_per_nudge": round((queue_cpu + send_cpu) * 1000 / max(sent, 1), 2),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


async def bench_planning(db_url: str, sizes: dict[str, Any]) -> dict[str, Any]:
    from bot.services.planning import plan_week

    db = Database(db_url)
    settings = load_settings(_env_file=None, database_url=db_url)
    queries = 0

    def count(*_a: object) -> None:
        nonlocal queries
        queries += 1

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    now = datetime.now(UTC)
    tracemalloc.start()
    t0 = time.perf_counter()
    weeks = await plan_week(db, settings, data.WS, "2026-W49", as_of=now)
    elapsed = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    await db.dispose()
    return {
        "executives": len(weeks),
        "seconds": round(elapsed, 2),
        "queries": queries,
        "peak_python_mb": round(peak / 2**20, 1),
    }


async def bench_figures(db_url: str, sizes: dict[str, Any]) -> dict[str, Any]:
    from bot.services.stats import figures
    from storage import queries as q

    db = Database(db_url)
    settings = load_settings(_env_file=None, database_url=db_url)
    async with db.unit_of_work() as s:
        execs = await q.executives(s, data.WS)
        t0 = time.perf_counter()
        figs = await figures(s, settings, data.WS, execs, now=datetime.now(UTC))
        all_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        await figures(s, settings, data.WS, execs[:1], now=datetime.now(UTC))
        one_s = time.perf_counter() - t1
    await db.dispose()
    return {
        "executives": len(figs),
        "all_executives_s": round(all_s, 2),
        "one_executive_ms": round(one_s * 1000, 1),
    }


SIZES = {
    "default": {
        "executives": 1000,
        "customers_each": 20,
        "contacts_each": 2.0,
        "requests": 200,
        "morning_executives": 1000,
    },
    "full": {
        "executives": 1000,
        "customers_each": 100,
        "contacts_each": 10.0,
        "requests": 500,
        "morning_executives": 10000,
    },
}


async def fresh_db(engine: str, tmp: Path, name: str) -> str:
    if engine == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp / (name + '.db')}"
    else:
        import asyncpg

        base = os.environ.get("KYC_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
        conn = await asyncpg.connect(base)
        await conn.execute(f'DROP DATABASE IF EXISTS "kyc_bench_{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "kyc_bench_{name}"')
        await conn.close()
        url = base.rsplit("/", 1)[0] + f"/kyc_bench_{name}"
    await upgrade_async(url)
    return url


async def main(args: argparse.Namespace) -> dict[str, Any]:
    sizes = SIZES["full" if args.full else "default"]
    only = set(args.only.split(",")) if args.only else {"ack", "morning", "planning", "figures"}
    report: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "engine": args.engine,
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "sizes": sizes,
        "results": {},
    }
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        if only & {"ack", "planning", "figures"}:
            url = await fresh_db(args.engine, tmp, "roster")
            t0 = time.perf_counter()
            db = Database(url)
            await data.build(
                db,
                executives=sizes["executives"],
                customers_each=sizes["customers_each"],
                contacts_each=sizes["contacts_each"],
                now=datetime.now(UTC),
            )
            await db.dispose()
            report["data_load_s"] = round(time.perf_counter() - t0, 1)
            for name, fn in (
                ("planning", bench_planning),
                ("figures", bench_figures),
                ("ack", bench_ack),
            ):
                if name in only:
                    console.print(f"[dim]{name}…[/dim]")
                    report["results"][name] = await fn(url, sizes)
        if "morning" in only:
            url = await fresh_db(args.engine, tmp, "morning")
            db = Database(url)
            await data.build(
                db,
                executives=sizes["morning_executives"],
                customers_each=5,
                contacts_each=2.0,
                now=datetime.now(UTC),
                nudge_all_now=True,
            )
            await db.dispose()
            console.print("[dim]morning…[/dim]")
            report["results"]["morning"] = await bench_morning(url, sizes)
    return report


def show(report: dict[str, Any]) -> None:
    table = Table(title=f"KYC benchmarks ({report['engine']}, {report['machine']['cpus']} cores)")
    for col in ("benchmark", "figures"):
        table.add_column(col)
    for name, result in report["results"].items():
        if name == "ack":
            for key, row in result.items():
                table.add_row(
                    key,
                    f"KYC p50/p99 {row['kyc']['p50_ms']}/{row['kyc']['p99_ms']} ms"
                    f" · bare Bolt {row['peer']['p50_ms']}/{row['peer']['p99_ms']} ms"
                    f" · p99 ratio {row['p99_ratio']}",
                )
        else:
            table.add_row(name, ", ".join(f"{k}={v}" for k, v in result.items()))
    console.print(table)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--full", action="store_true", help="the sizes the targets are stated for")
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--only", help="comma-separated: ack,morning,planning,figures")
    parsed = parser.parse_args()
    result = asyncio.run(main(parsed))
    show(result)
    RESULTS.mkdir(exist_ok=True)
    path = (
        RESULTS
        / f"{datetime.now(UTC):%Y-%m-%d}-{parsed.engine}{'-full' if parsed.full else ''}.json"
    )
    path.write_text(json.dumps(result, indent=2))
    console.print(f"Wrote {path}")
