"""Complaints owned and recovered: a key customer's complaint or escalation is offered to its
executive sponsor, who takes ownership, calls, and wins the customer back (seed 003: "take
ownership of the situation by getting directly involved").

Plain Python: what counts as a complaint, when a recovery closes, and its figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from bot.regimen.types import Channel, ContactKind, RecoveryStatus

COMPLAINT_CHANNELS = (Channel.COMPLAINT, Channel.ESCALATION)


def is_complaint(kind: ContactKind, channel: Channel) -> bool:
    """A reactive contact through the complaint or escalation channel."""
    return kind == ContactKind.REACTIVE and channel in COMPLAINT_CHANNELS


@dataclass(frozen=True)
class Touch:
    """One contact with the customer after ownership was taken."""

    occurred_at: datetime
    kind: ContactKind
    channel: Channel
    by_owner: bool = False  # logged by (or for) the executive who owns the recovery


@dataclass(frozen=True)
class Settled:
    status: RecoveryStatus
    first_call_at: datetime | None = None
    closed_at: datetime | None = None  # recovered_at, or when it relapsed


def settle(
    *, owned_at: datetime, touches: Sequence[Touch], now: datetime, window_days: int
) -> Settled:
    """Where an owned recovery stands at `now`.

    - The first call is the owner's first proactive contact with the customer at or after
      `owned_at` (any touchpoint: call, visit, meal…). Until there is one the recovery is OWNED.
    - After the first call, the customer's next reactive contact decides: anything but a
      complaint or escalation closes it RECOVERED (at that contact); a complaint or escalation
      closes it RELAPSED (at that contact; the new complaint is a recovery of its own).
    - No reactive contact within `window_days` of the first call: RECOVERED at the window's end
      (silence after the call is taken as the customer won back).
    - Until one of these, OWNED with its first call.
    """
    ordered = sorted(touches, key=lambda t: t.occurred_at)
    first = next(
        (
            t.occurred_at
            for t in ordered
            if t.by_owner and t.kind == ContactKind.PROACTIVE and t.occurred_at >= owned_at
        ),
        None,
    )
    if first is None:
        return Settled(RecoveryStatus.OWNED)
    window_end = first + timedelta(days=window_days)
    for t in ordered:
        if t.kind != ContactKind.REACTIVE or t.occurred_at <= first:
            continue
        if t.occurred_at > window_end:
            break
        status = (
            RecoveryStatus.RELAPSED if is_complaint(t.kind, t.channel) else RecoveryStatus.RECOVERED
        )
        return Settled(status, first, t.occurred_at)
    if now >= window_end:
        return Settled(RecoveryStatus.RECOVERED, first, window_end)
    return Settled(RecoveryStatus.OWNED, first)


@dataclass(frozen=True)
class RecoveryTimes:
    """One recovery's moments, for the figures."""

    complained_at: datetime
    status: RecoveryStatus
    owned_at: datetime | None = None
    first_call_at: datetime | None = None
    recovered_at: datetime | None = None


@dataclass(frozen=True)
class RecoveryFigures:
    """Median hours from the complaint to ownership, to the first call and to recovery (None
    when nothing to measure yet), how many were recovered, relapsed, and are still open
    (offered or owned)."""

    to_ownership_hours: float | None
    to_first_call_hours: float | None
    to_recovery_hours: float | None
    recovered: int
    relapsed: int
    open: int

    @property
    def empty(self) -> bool:
        return not (self.open or self.recovered or self.relapsed)


def _hours(since: datetime, until: datetime | None) -> float | None:
    return None if until is None else (until - since).total_seconds() / 3600


def _median(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return float(median(present)) if present else None


def recovery_figures(records: Sequence[RecoveryTimes]) -> RecoveryFigures:
    """The figures of `records` (one workspace's, or one executive's)."""
    return RecoveryFigures(
        to_ownership_hours=_median(_hours(r.complained_at, r.owned_at) for r in records),
        to_first_call_hours=_median(_hours(r.complained_at, r.first_call_at) for r in records),
        to_recovery_hours=_median(
            _hours(r.complained_at, r.recovered_at)
            for r in records
            if r.status == RecoveryStatus.RECOVERED
        ),
        recovered=sum(1 for r in records if r.status == RecoveryStatus.RECOVERED),
        relapsed=sum(1 for r in records if r.status == RecoveryStatus.RELAPSED),
        open=sum(1 for r in records if r.status.is_open),
    )


def duration(hours: float | None) -> str:
    """'5 h' under two days, else '3.5 days'; '—' when there is nothing to measure."""
    if hours is None:
        return "—"
    if hours < 48:
        return f"{hours:.0f} h"
    return f"{hours / 24:.1f} days"
