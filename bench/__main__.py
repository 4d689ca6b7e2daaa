"""`make bench`: the bot measured beside a bare Bolt peer, against the Slack stand-in on loopback.
(Long on purpose: every benchmark and its figures in one place, as README's Performance reads.)

    python -m bench [--full | --smoke] [--engine sqlite|postgresql] [--only ack,...] [--profile]

Prints a table and writes bench/results/<date>-<engine>[-full].json. Default sizes finish in a
few minutes on two cores; --full uses the sizes the targets are stated for."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import platform
import signal
import socket
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from rich.console import Console
from rich.table import Table
from sqlalchemy import event, func, select

from bench import data
from bench.profile import py_spy_prefix, summarise
from bot.settings import load_settings
from bot.standin.harness import BOT_TOKEN, SIGNING_SECRET
from bot.standin.server import SlackStandin
from bot.standin.signed import SlackSender, new_trigger_id
from bot.standin.state import FaultPlan
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


class Node:
    """A `python -m bench.node` process: the bot (or the peer) on its own CPU."""

    def __init__(self, proc: asyncio.subprocess.Process, profile: Path | None) -> None:
        self.proc = proc
        self.url = ""
        self.profile = profile

    @classmethod
    async def start(cls, *args: str, profile: Path | None = None) -> Node:
        """`profile`: run under py-spy and write the summary there when the node ends."""
        prefix = py_spy_prefix(profile.with_suffix(".raw")) if profile else []
        proc = await asyncio.create_subprocess_exec(
            *prefix,
            sys.executable,
            "-m",
            "bench.node",
            *args,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        return cls(proc, profile)

    def _summarise(self) -> None:
        if self.profile:
            raw = self.profile.with_suffix(".raw")
            summarise(raw, self.profile, f"py-spy profile of {self.profile.stem}")
            raw.unlink()

    async def listening(self) -> Node:
        assert self.proc.stdout is not None
        line = ""
        while not line.startswith("PORT "):  # a profiler in front may print first
            line = (await self.proc.stdout.readline()).decode()
            if not line:
                raise RuntimeError("bench node did not start")
        self.url = f"http://127.0.0.1:{line.split()[1]}/slack/events"
        return self

    async def result(self) -> dict[str, Any]:
        out, _ = await self.proc.communicate()
        if self.proc.returncode:
            raise RuntimeError(f"bench node failed with exit code {self.proc.returncode}")
        self._summarise()
        lines = [ln for ln in out.decode().splitlines() if ln.startswith("{")]  # not py-spy's
        return dict(json.loads(lines[-1]))

    async def stop(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        await self.proc.wait()
        self._summarise()


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
    for start in range(0, requests, concurrency):
        out += await batch(slack, sender, send, min(concurrency, requests - start), method)
    return out


async def batch(
    slack: SlackStandin, sender: SlackSender, send: Any, size: int, method: str | None
) -> list[float]:
    """`size` requests sent at once; each one's time to its Web API call (or HTTP answer)."""
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

    await asyncio.gather(*(one() for _ in range(size)))
    return out


def cpu_seconds(pid: int) -> float:
    """A process's CPU time so far (user + system) and its live children's (`kyc serve
    --workers`), from /proc; 0 where there is none."""
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        return 0.0
    fields = stat.read_text().rsplit(")", 1)[1].split()
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{pid}/task/{pid}/children")
    kids = children.read_text().split() if children.exists() else []
    return own + sum(cpu_seconds(int(kid)) for kid in kids)


async def side_by_side(
    slack: SlackStandin,
    pair: list[tuple[Node, SlackSender]],
    send: Any,
    *,
    requests: int,
    concurrency: int,
    method: str | None,
) -> dict[str, Any]:
    """The bot and the peer measured in turns, batch for batch (who goes first alternating), so
    both meet the same moments of a shared machine; each side's latency and its process's CPU
    per request."""
    times: list[list[float]] = [[], []]
    cpu = [0.0, 0.0]
    for round_no, start in enumerate(range(0, requests, concurrency)):
        size = min(concurrency, requests - start)
        order = (0, 1) if round_no % 2 == 0 else (1, 0)
        for side in order:
            node, sender = pair[side]
            before = cpu_seconds(node.proc.pid)
            times[side] += await batch(slack, sender, send, size, method)
            cpu[side] += cpu_seconds(node.proc.pid) - before
    kyc, peer = summary(times[0]), summary(times[1])
    kyc["cpu_ms_per_request"] = round(cpu[0] * 1000 / requests, 2)
    peer["cpu_ms_per_request"] = round(cpu[1] * 1000 / requests, 2)
    return {
        "kyc": kyc,
        "peer": peer,
        "p99_ratio": round(kyc["p99_ms"] / peer["p99_ms"], 2),
        "p50_ratio": round(kyc["p50_ms"] / peer["p50_ms"], 2),
    }


async def bench_ack(
    db_url: str, sizes: dict[str, Any], profile: Path | None = None
) -> dict[str, Any]:
    """/kyc done → views.open, and a call submission's ack, beside a bare Bolt app. Each request
    comes from another executive (as when twenty people click at once), submitting a call with
    one of their own customers."""
    from bench.peer import call_view_values

    db = Database(db_url)
    async with SlackStandin(tokens={BOT_TOKEN}, channel_interval=1.0) as slack:
        ours = await (await Node.start("kyc-app", db_url, slack.base_url)).listening()
        theirs = await (await Node.start("peer-app", "-", slack.base_url)).listening()
        async with db.unit_of_work() as s:
            from storage.models import Customer, Person

            first_customer = (
                select(Person.slack_user_id, func.min(Customer.id))
                .join(Customer, Customer.executive_id == Person.id)
                .where(Person.workspace_id == data.WS, Person.slack_user_id.is_not(None))
                .group_by(Person.id, Person.slack_user_id)
                .order_by(Person.id)
            )
            executives = [(str(uid), int(cid)) for uid, cid in await s.execute(first_customer)]
        for uid, _ in executives:
            slack.add_user(uid, name=uid)
        who = itertools.cycle(executives)  # the longest time between one person's two requests
        ours_s = SlackSender(ours.url, SIGNING_SECRET, team_id=data.WS)
        peer_s = SlackSender(theirs.url, SIGNING_SECRET, team_id=data.WS)

        async def done(sender: SlackSender, trigger: str) -> Any:
            user, _ = next(who)
            return await sender.slash_command(user, "done", trigger_id=trigger)

        counter = itertools.count()

        async def submit(sender: SlackSender, trigger: str) -> Any:
            user, customer = next(who)
            view = {
                "id": f"V{next(counter)}",
                "callback_id": "kyc_call_modal",
                "hash": "1",
                "private_metadata": "",
                "state": {"values": call_view_values(customer)},
            }
            return await sender.view_submission(user, view, trigger_id=trigger)

        out: dict[str, Any] = {}
        n = sizes["requests"]
        if profile is not None:
            # Profiled under load: the bot alone, 20 at once, a process per kind of request, so
            # each profile shows one request's path under concurrency (the c1 runs are not in it).
            await ours.stop()
            for kind, send, method in (("done", done, "views.open"), ("submit", submit, None)):
                node = await (
                    await Node.start(
                        "kyc-app",
                        db_url,
                        slack.base_url,
                        profile=profile.with_name(f"kyc-{kind}-c20-{profile.stem}.txt"),
                    )
                ).listening()
                sender = SlackSender(node.url, SIGNING_SECRET, team_id=data.WS)
                await latency(slack, sender, send, requests=20, concurrency=20, method=method)
                out[f"{kind}_c20_profiled"] = summary(
                    await latency(
                        slack, sender, send, requests=5 * n, concurrency=20, method=method
                    )
                )
                await node.stop()
            await theirs.stop()
            await db.dispose()
            return out
        pair = [(ours, ours_s), (theirs, peer_s)]
        for conc in (1, 20):
            for name, send, method in (
                ("done_to_views_open", done, "views.open"),
                ("submission_ack", submit, None),
            ):
                # warm-up: connections, caches, the first of each code path
                await side_by_side(slack, pair, send, requests=20, concurrency=conc, method=method)
                out[f"{name}_c{conc}"] = await side_by_side(
                    slack, pair, send, requests=n, concurrency=conc, method=method
                )
        await ours.stop()
        await theirs.stop()
    await db.dispose()
    return out


class Served:
    """`kyc serve --no-scheduler --workers N` as an operator runs it, in HTTP mode."""

    def __init__(self, proc: asyncio.subprocess.Process, port: int) -> None:
        self.proc = proc
        self.url = f"http://127.0.0.1:{port}/slack/events"

    @classmethod
    async def start(cls, db_url: str, slack_url: str, workers: int) -> Served:
        with contextlib.closing(socket.socket()) as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        env = {
            **os.environ,
            "DATABASE_URL": db_url,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack_url,
            "KYC_WORKSPACE": data.WS,
            "KYC_LOG_LEVEL": "WARNING",
        }
        env.pop("SLACK_APP_TOKEN", None)
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "serve",
            "--no-scheduler",
            f"--workers={workers}",
            f"--port={port}",
            "--host=127.0.0.1",
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
        )
        served = cls(proc, port)
        health = f"http://127.0.0.1:{port}/healthz"
        for _ in range(300):
            await asyncio.sleep(0.1)
            children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
            if not (children.exists() and len(children.read_text().split()) == workers):
                continue
            try:
                async with aiohttp.ClientSession() as http, http.get(health) as answer:
                    if answer.status == 200:
                        await asyncio.sleep(1)  # the last workers listening too
                        return served
            except aiohttp.ClientError:
                pass
        raise RuntimeError("kyc serve --workers did not start")

    async def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        await self.proc.wait()


async def bench_workers(db_url: str, sizes: dict[str, Any], workers: int = 2) -> dict[str, Any]:
    """The same requests 20 at once to `kyc serve --workers N` (N processes on one port)
    beside the one-process peer: what more processes buy, not a one-process figure."""
    from bench.peer import call_view_values

    db = Database(db_url)
    async with db.unit_of_work() as s:
        from storage.models import Customer, Person

        first_customer = (
            select(Person.slack_user_id, func.min(Customer.id))
            .join(Customer, Customer.executive_id == Person.id)
            .where(Person.workspace_id == data.WS, Person.slack_user_id.is_not(None))
            .group_by(Person.id, Person.slack_user_id)
            .order_by(Person.id.desc())  # others than the ack benchmark's
        )
        executives = [(str(uid), int(cid)) for uid, cid in await s.execute(first_customer)]
    await db.dispose()
    out: dict[str, Any] = {"workers": workers}
    async with SlackStandin(tokens={BOT_TOKEN}, channel_interval=1.0) as slack:
        for uid, _ in executives:
            slack.add_user(uid, name=uid)
        ours = await Served.start(db_url, slack.base_url, workers)
        theirs = await (await Node.start("peer-app", "-", slack.base_url)).listening()
        who = itertools.cycle(executives)
        counter = itertools.count()

        async def done(sender: SlackSender, trigger: str) -> Any:
            user, _ = next(who)
            return await sender.slash_command(user, "done", trigger_id=trigger)

        async def submit(sender: SlackSender, trigger: str) -> Any:
            user, customer = next(who)
            view = {
                "id": f"W{next(counter)}",
                "callback_id": "kyc_call_modal",
                "hash": "1",
                "private_metadata": "",
                "state": {"values": call_view_values(customer)},
            }
            return await sender.view_submission(user, view, trigger_id=trigger)

        pair: list[tuple[Any, SlackSender]] = [
            (ours, SlackSender(ours.url, SIGNING_SECRET, team_id=data.WS)),
            (theirs, SlackSender(theirs.url, SIGNING_SECRET, team_id=data.WS)),
        ]
        for name, send, method in (
            ("done_to_views_open", done, "views.open"),
            ("submission_ack", submit, None),
        ):
            await side_by_side(slack, pair, send, requests=40, concurrency=20, method=method)
            out[f"{name}_c20"] = await side_by_side(
                slack, pair, send, requests=sizes["requests"], concurrency=20, method=method
            )
        await ours.stop()
        await theirs.stop()
    return out


async def bench_morning(
    db_url: str,
    *,
    concurrency: int = 8,
    faults: FaultPlan | None = None,
    profile: Path | None = None,
) -> dict[str, Any]:
    """The bot (`bench.node morning`, its own process) queues and delivers every nudge to a
    stand-in answering in 20 ms with Slack's one message per second per channel."""
    latency_s = 0.02
    db = Database(db_url)
    async with db.unit_of_work() as s:
        from storage.models import Person

        users = [uid or "" for uid in await s.scalars(select(Person.slack_user_id))]
    await db.dispose()
    async with SlackStandin(tokens={BOT_TOKEN}, latency=latency_s, channel_interval=1.0) as slack:
        slack.faults = faults
        for uid in users:
            slack.add_user(uid, name=uid)
        node = await Node.start(
            "morning", db_url, slack.base_url, f"--concurrency={concurrency}", profile=profile
        )
        cpu0 = time.process_time()
        out = await node.result()
        standin_cpu = time.process_time() - cpu0
        posts = [c for c in slack.calls_to("chat.postMessage") if c.ok]
        limited = [c for c in slack.calls if c.error == "ratelimited"]
    # The floor, measured: the same payloads from a bare aiohttp client at the same concurrency.
    async with SlackStandin(tokens={BOT_TOKEN}, latency=latency_s, channel_interval=1.0) as slack:
        for uid in users:
            slack.add_user(uid, name=uid)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump([c.params for c in posts], f)
        bare = await Node.start(
            "bare-sender", f.name, slack.base_url, f"--concurrency={concurrency}"
        )
        floor = (await bare.result())["seconds"]
        os.unlink(f.name)
    bound = out["queued"] * latency_s / concurrency
    # Every 429 makes one lane wait Retry-After (1 s here) plus the random 0-1 s slack-sdk's
    # retry handler adds (0.5 s on average), and costs a round trip again.
    retry_after = faults.retry_after if faults else 1
    waits = len(limited) * (retry_after + 0.5 + latency_s) / concurrency
    out.update(
        {
            "concurrency": concurrency,
            "delivered_exactly_once": len(posts) == out["queued"]
            and len({c.params["channel"] for c in posts}) == len(posts),
            "lower_bound_s": round(bound, 2),
            # The stand-in (this process) validates every payload; if it were the bottleneck
            # it would show here, not in the bot's figures.
            "standin_cpu_ms_per_call": round(standin_cpu * 1000 / max(len(slack.calls), 1), 2),
            "deliver_ratio": round(out["all_delivered_s"] / bound, 2) if bound else None,
            "bare_sender_s": floor,
            "deliver_ratio_to_bare_sender": round(out["all_delivered_s"] / floor, 2)
            if floor
            else None,
        }
    )
    if faults:
        out["ratelimited"] = len(limited)
        out["retry_after_waits_s"] = round(waits, 2)
        out["deliver_ratio_over_bound_plus_waits"] = round(
            out["all_delivered_s"] / (bound + waits), 2
        )
    return out


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


SIZES: dict[str, dict[str, Any]] = {
    "default": {
        "executives": 1000,
        "customers_each": 20,
        "contacts_each": 2.0,
        "requests": 200,
        "morning_executives": 1000,
        "scale_base": 250,
    },
    "full": {
        "executives": 1000,
        "customers_each": 100,
        "contacts_each": 10.0,
        "requests": 500,
        "morning_executives": 10000,
        "scale_base": 625,
    },
    # Only to check that every benchmark runs (tests/bench); its figures mean nothing.
    "smoke": {
        "executives": 30,
        "customers_each": 5,
        "contacts_each": 2.0,
        "requests": 20,
        "morning_executives": 40,
        "scale_base": 10,
    },
}
BENCHES = ("planning", "figures", "ack", "workers", "morning", "throttled", "scaling")


# The PostgreSQL databases this process's runs created, dropped when each run ends.
PG_CREATED: set[str] = set()


def pg_base() -> str:
    return os.environ.get("KYC_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


async def pg_admin(*statements: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(pg_base())
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


async def fresh_db(engine: str, tmp: Path, name: str) -> str:
    if engine == "sqlite":
        for leftover in tmp.glob(f"{name}.db*"):  # an earlier run of the same size
            leftover.unlink()
        url = f"sqlite+aiosqlite:///{tmp / (name + '.db')}"
    else:
        db_name = f"kyc_bench_{name}"
        await pg_admin(
            f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)', f'CREATE DATABASE "{db_name}"'
        )
        PG_CREATED.add(db_name)
        url = pg_base().rsplit("/", 1)[0] + f"/{db_name}"
    await upgrade_async(url)
    return url


@contextlib.asynccontextmanager
async def scratch() -> AsyncIterator[Path]:
    """Where a run's databases live: SQLite files in a temporary folder, and the PostgreSQL
    databases it creates, dropped when it ends."""
    try:
        with tempfile.TemporaryDirectory() as tmp_dir:
            yield Path(tmp_dir)
    finally:
        if PG_CREATED:
            drops = (f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in sorted(PG_CREATED))
            await pg_admin(*drops)
            PG_CREATED.clear()


async def roster(
    engine: str,
    tmp: Path,
    name: str,
    *,
    executives: int,
    customers_each: int,
    contacts_each: float,
    nudge_all_now: bool = False,
) -> str:
    """A fresh database holding a synthetic roster."""
    url = await fresh_db(engine, tmp, name)
    db = Database(url)
    await data.build(
        db,
        executives=executives,
        customers_each=customers_each,
        contacts_each=contacts_each,
        now=datetime.now(UTC),
        nudge_all_now=nudge_all_now,
    )
    await db.dispose()
    return url


async def main(args: argparse.Namespace) -> dict[str, Any]:
    sizes = SIZES["full" if args.full else "smoke" if args.smoke else "default"]
    # The test suite's runs stay out of a real run's way, and out of each other's (CI beside a
    # developer on one server).
    tag = f"smoke_{os.getpid()}_" if args.smoke else ""
    only = set(args.only.split(",")) if args.only else set(BENCHES)
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
    results = report["results"]
    profile_dir = RESULTS / "profiles" if args.profile else None
    if profile_dir:
        profile_dir.mkdir(parents=True, exist_ok=True)

    def step(name: str) -> None:
        console.print(f"[dim]{datetime.now():%H:%M:%S} {name}…[/dim]")

    async with scratch() as tmp:
        if only & {"ack", "workers", "planning", "figures"}:
            t0 = time.perf_counter()
            url = await roster(
                args.engine,
                tmp,
                f"{tag}roster",
                executives=sizes["executives"],
                customers_each=sizes["customers_each"],
                contacts_each=sizes["contacts_each"],
            )
            report["data_load_s"] = round(time.perf_counter() - t0, 1)
            if "planning" in only:
                step("planning")
                results["planning"] = await bench_planning(url, sizes)
            if "figures" in only:
                step("figures")
                results["figures"] = await bench_figures(url, sizes)
            if "ack" in only:
                step("ack")
                profile = profile_dir / f"{args.engine}.txt" if profile_dir else None
                results["ack"] = await bench_ack(url, sizes, profile)
            if "workers" in only and not profile_dir:
                step("kyc serve --workers 2")
                results["workers"] = await bench_workers(url, sizes, workers=2)

        async def morning(executives: int, **kw: Any) -> dict[str, Any]:
            url = await roster(
                args.engine,
                tmp,
                f"{tag}morning{executives}",
                executives=executives,
                customers_each=5,
                contacts_each=sizes["contacts_each"],
                nudge_all_now=True,
            )
            return await bench_morning(url, **kw)

        if "morning" in only:
            step("morning")
            profile = profile_dir / f"morning-{args.engine}.txt" if profile_dir else None
            results["morning"] = await morning(sizes["morning_executives"], profile=profile)
        if "throttled" in only:
            step("morning with 10% 429s")
            plan = FaultPlan(
                rate=0.10, kinds=("ratelimited",), methods=frozenset({"chat.postMessage"})
            )
            results["throttled"] = await morning(sizes["morning_executives"], faults=plan)
        if "scaling" in only:
            scale: dict[str, Any] = {"fan_out": {}, "planning": {}}
            for factor in (1, 4, 16):
                n = sizes["scale_base"] * factor
                step(f"scaling ×{factor}")
                fan = await morning(n)
                scale["fan_out"][f"x{factor}"] = {
                    k: fan[k]
                    for k in (
                        "nudges",
                        "queue_s",
                        "all_delivered_s",
                        "cpu_ms_per_nudge",
                        "max_rss_mb",
                    )
                }
                url = await roster(
                    args.engine,
                    tmp,
                    f"{tag}plan{n}",
                    executives=n,
                    customers_each=10,
                    contacts_each=2.0,
                )
                scale["planning"][f"x{factor}"] = await bench_planning(url, sizes)
            results["scaling"] = scale
    return report


def show(report: dict[str, Any]) -> None:
    table = Table(title=f"KYC benchmarks ({report['engine']}, {report['machine']['cpus']} cores)")
    for col in ("benchmark", "figures"):
        table.add_column(col)
    for name, result in report["results"].items():
        if name in ("ack", "workers"):
            for key, row in result.items():
                if not isinstance(row, dict):
                    continue
                if "kyc" not in row:  # profiled: the bot alone
                    table.add_row(key, f"KYC p50/p99 {row['p50_ms']}/{row['p99_ms']} ms")
                    continue
                kyc, peer = row["kyc"], row["peer"]
                table.add_row(
                    key,
                    f"KYC p50/p99 {kyc['p50_ms']}/{kyc['p99_ms']} ms"
                    f" ({kyc['cpu_ms_per_request']} ms CPU)"
                    f" · bare Bolt {peer['p50_ms']}/{peer['p99_ms']} ms"
                    f" ({peer['cpu_ms_per_request']} ms CPU)"
                    f" · p99 ratio {row['p99_ratio']}, p50 {row['p50_ratio']}",
                )
        else:
            table.add_row(name, ", ".join(f"{k}={v}" for k, v in result.items()))
    console.print(table)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--full", action="store_true", help="the sizes the targets are stated for")
    parser.add_argument(
        "--smoke", action="store_true", help="tiny sizes, to check it runs; no results file"
    )
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--only", help="comma-separated: " + ",".join(BENCHES))
    parser.add_argument(
        "--profile",
        action="store_true",
        help="run the bot under py-spy in the ack and morning benchmarks; summaries in "
        "bench/results/profiles/",
    )
    parsed = parser.parse_args()
    result = asyncio.run(main(parsed))
    show(result)
    if parsed.profile:  # figures taken under a profiler are not the figures
        console.print("Profiles in bench/results/profiles/; results file left as it was.")
        raise SystemExit(0)
    if parsed.smoke:
        raise SystemExit(0)
    RESULTS.mkdir(exist_ok=True)
    path = (
        RESULTS
        / f"{datetime.now(UTC):%Y-%m-%d}-{parsed.engine}{'-full' if parsed.full else ''}.json"
    )
    if parsed.only and path.exists():  # a partial run updates its entries of the day's file
        earlier = json.loads(path.read_text())
        earlier["results"].update(result["results"])
        if "data_load_s" in result:  # the roster this run loaded
            earlier["data_load_s"] = result["data_load_s"]
        earlier.setdefault("dates", {}).update({k: result["date"] for k in result["results"]})
        result = earlier
    path.write_text(json.dumps(result, indent=2))
    console.print(f"Wrote {path}")
