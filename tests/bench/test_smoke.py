"""`make bench` is not run in CI (it takes minutes); this runs every benchmark at tiny sizes so
that it keeps working: real processes, signed requests, the strict stand-in."""

from __future__ import annotations

import argparse
import os

import pytest

from bench.__main__ import BENCHES, SIZES, main

SMOKE = SIZES["smoke"]


async def bench_databases() -> list[str]:
    import asyncpg

    conn = await asyncpg.connect(os.environ["KYC_TEST_POSTGRES_URL"])
    try:
        rows = await conn.fetch(
            f"SELECT datname FROM pg_database WHERE datname LIKE 'kyc_bench_smoke_{os.getpid()}_%'"
        )
    finally:
        await conn.close()
    return [r["datname"] for r in rows]


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
async def test_every_benchmark_runs_and_delivers_each_nudge_once(engine: str) -> None:
    if engine == "postgresql" and not os.environ.get("KYC_TEST_POSTGRES_URL"):
        pytest.skip("KYC_TEST_POSTGRES_URL is unset: the PostgreSQL bench needs a server")
    only = None if engine == "sqlite" else "ack,morning,planning"
    args = argparse.Namespace(full=False, smoke=True, engine=engine, only=only, profile=False)

    report = await main(args)

    results = report["results"]
    assert set(results) == (set(BENCHES) if only is None else set(only.split(",")))
    for name, pair in results["ack"].items():
        # every request got its views.open or its ack, on both apps
        assert pair["kyc"]["n"] == pair["peer"]["n"] == SMOKE["requests"], name
        assert pair["p99_ratio"] > 0
    morning = results["morning"]
    assert morning["queued"] == morning["nudges"] == SMOKE["morning_executives"]
    assert morning["delivered_exactly_once"]
    assert morning["max_rss_mb"] > 0 and morning["cpu_ms_per_nudge"] > 0
    assert results["planning"]["executives"] == SMOKE["executives"]
    if engine == "postgresql":  # the run's databases went with it
        assert await bench_databases() == []
    if only is None:
        for name, pair in results["workers"].items():  # kyc serve --workers 2, HTTP
            if isinstance(pair, dict):
                assert pair["kyc"]["n"] == pair["peer"]["n"] == SMOKE["requests"], name
        throttled = results["throttled"]
        assert throttled["delivered_exactly_once"]
        assert throttled["nudges"] == SMOKE["morning_executives"]
        scaling = results["scaling"]
        assert [f["nudges"] for f in scaling["fan_out"].values()] == [
            SMOKE["scale_base"] * k for k in (1, 4, 16)
        ]
        # planning reads in bulk: 16× the executives, the same number of queries
        queries = {p["queries"] for p in scaling["planning"].values()}
        assert queries == {results["planning"]["queries"]}
