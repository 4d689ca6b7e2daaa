"""What `/metrics` shows Prometheus: every metric the bot exports, defined here and only here.

Counters and histograms are observed where things happen (the Slack clients, the request
dispatch, the sender); the outbox gauges are read from the database just before each scrape,
so every process (web or worker) reports the same truth, not what it alone did. The registry
is the process's own (not prometheus-client's global one): tests read it, nothing else adds
to it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    gc_collector,
    generate_latest,
    platform_collector,
    process_collector,
)
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import Database
from storage.models import OutboxMessage, OutboxStatus, Workspace

# No `_created` twin beside every counter: Prometheus has no use for it.
disable_created_metrics()  # type: ignore[no-untyped-call]
REGISTRY = CollectorRegistry()
process_collector.ProcessCollector(registry=REGISTRY)
platform_collector.PlatformCollector(registry=REGISTRY)
gc_collector.GCCollector(registry=REGISTRY)
CONTENT_TYPE = CONTENT_TYPE_LATEST

OUTBOX_PENDING = Gauge(
    "kyc_outbox_pending",
    "Messages queued and not yet sent (the backlog), per workspace",
    ["workspace"],
    registry=REGISTRY,
)
OUTBOX_PARKED = Gauge(
    "kyc_outbox_parked",
    "Messages parked after a permanent error, waiting for `kyc outbox retry`, per workspace",
    ["workspace"],
    registry=REGISTRY,
)
OUTBOX_OLDEST = Gauge(
    "kyc_outbox_oldest_pending_seconds",
    "Age of the oldest message due and not yet sent, per workspace (0 when none waits)",
    ["workspace"],
    registry=REGISTRY,
)
NUDGE_LAG = Histogram(
    "kyc_nudge_lag_seconds",
    "Seconds from a morning nudge being queued to Slack accepting it (observed by the sender)",
    buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600),
    registry=REGISTRY,
)
REQUEST_SECONDS = Histogram(
    "kyc_slack_request_seconds",
    "Seconds to answer a request from Slack, per listener (command, action, view, event)",
    ["listener"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10),
    registry=REGISTRY,
)
SLACK_CALLS = Counter(
    "kyc_slack_api_calls",
    "Slack Web API calls by method and outcome: ok, Slack's error code, ratelimited, exception",
    ["method", "outcome"],
    registry=REGISTRY,
)

# Label values come from Slack's answers: anything unlike a method name or an error code is
# "other", so a strange answer cannot grow the series without bound.
_SLACK_WORD = re.compile(r"^[A-Za-z0-9_.]{1,64}$")


def slack_label(value: object) -> str:
    return value if isinstance(value, str) and _SLACK_WORD.match(value) else "other"


def count_slack_call(method: str, outcome: str) -> None:
    SLACK_CALLS.labels(slack_label(method), slack_label(outcome)).inc()


async def nudges_sent(conn: AsyncConnection, ids: Sequence[int], sent_at: datetime) -> None:
    """Observe the lag of the nudges among the outbox rows `ids`, just marked sent."""
    if not ids:
        return
    rows = await conn.execute(
        select(OutboxMessage.created_at).where(
            OutboxMessage.id.in_(ids), OutboxMessage.key.startswith("nudge:")
        )
    )
    for (created_at,) in rows:
        NUDGE_LAG.observe(max(0.0, (_aware(sent_at) - _aware(created_at)).total_seconds()))


async def refresh_outbox(db: Database, now: datetime) -> None:
    """Read the outbox gauges from the database (one grouped query each, on the status index)."""
    async with db.unit_of_work() as session:
        workspaces = list(await session.scalars(select(Workspace.id)))
        counts = (
            await session.execute(
                select(OutboxMessage.workspace_id, OutboxMessage.status, func.count())
                .where(OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.FAILED)))
                .group_by(OutboxMessage.workspace_id, OutboxMessage.status)
            )
        ).all()
        oldest = (
            await session.execute(
                select(OutboxMessage.workspace_id, func.min(OutboxMessage.created_at))
                .where(
                    OutboxMessage.status == OutboxStatus.PENDING,
                    OutboxMessage.next_attempt_at <= now,
                )
                .group_by(OutboxMessage.workspace_id)
            )
        ).all()
    # No await from here on: a concurrent scrape never sees the gauges half set.
    for gauge in (OUTBOX_PENDING, OUTBOX_PARKED, OUTBOX_OLDEST):
        gauge.clear()
    for ws in workspaces:
        for gauge in (OUTBOX_PENDING, OUTBOX_PARKED, OUTBOX_OLDEST):
            gauge.labels(ws).set(0)
    for ws, status, n in counts:
        gauge = OUTBOX_PENDING if status == OutboxStatus.PENDING else OUTBOX_PARKED
        gauge.labels(ws).set(n)
    for ws, created_at in oldest:
        if created_at is not None:
            age = (_aware(now) - _aware(created_at)).total_seconds()
            OUTBOX_OLDEST.labels(ws).set(max(0.0, age))


async def render(db: Database, now: datetime) -> bytes:
    """The text Prometheus scrapes, the outbox gauges read afresh."""
    await refresh_outbox(db, now)
    return generate_latest(REGISTRY)


def _aware(value: datetime) -> datetime:
    # SQLite hands datetimes back naive; they are stored in UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
