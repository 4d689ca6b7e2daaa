"""The weekly planner: which customers an executive calls this week, in rotation.

Pure functions over `CustomerState` and `BatchSlot`; the same data always gives the same plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from bot.regimen.calendar import is_paused
from bot.regimen.types import BatchSlot, BatchStatus, CustomerState, PlanResult, Sentiment

RECENT_DAYS = 14
# A customer who said "not now" comes round again this many weeks later (the setting
# KYC_DECLINED_COMEBACK_WEEKS): a refusal is the mark of a busy person, not a failure.
DECLINED_COMEBACK_WEEKS = 4


def _utc(moment: datetime) -> datetime:
    # Some stores hand back naive UTC datetimes; compare everything as aware UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def is_urgent(state: CustomerState, *, as_of: datetime, recent_days: int = RECENT_DAYS) -> bool:
    """Pulled to the front: a reactive contact since the last proactive one, or an unhappy
    last sentiment unless a proactive call happened within `recent_days` of `as_of`."""
    if state.reactive_since_proactive:
        return True
    if state.last_sentiment != Sentiment.UNHAPPY:
        return False
    last = state.last_proactive_at
    return last is None or _utc(as_of) - _utc(last) >= timedelta(days=recent_days)


def rank_customers(
    candidates: Sequence[CustomerState], *, as_of: datetime, recent_days: int = RECENT_DAYS
) -> list[CustomerState]:
    """The rotation order: urgent customers first (see `is_urgent`), then those back after a
    decline (the candidates are `in_rotation`, so a decline among them has served its weeks:
    "I'll come back to you in a few weeks" is kept), then never contacted proactively, then
    longest since the last proactive call; ties by name (casefold), then id. The urgent group
    uses the same sub-order."""
    epoch = _utc(as_of)

    def key(state: CustomerState) -> tuple[bool, bool, bool, datetime, str, int]:
        last = state.last_proactive_at
        return (
            not is_urgent(state, as_of=as_of, recent_days=recent_days),
            state.declined_at is None,
            last is not None,
            epoch if last is None else _utc(last),
            state.name.casefold(),
            state.customer_id,
        )

    return sorted(candidates, key=key)


def comeback_on(declined_at: datetime, weeks: int = DECLINED_COMEBACK_WEEKS) -> date:
    """The Monday (UTC) a customer who declined comes round again: `weeks` weeks after the
    Monday of the week they declined in (declined on any day of week 45, back in week 49)."""
    day = _utc(declined_at).date()
    return day - timedelta(days=day.weekday()) + timedelta(weeks=max(weeks, 0))


def resting(state: CustomerState, on: date, weeks: int = DECLINED_COMEBACK_WEEKS) -> bool:
    """True while a customer whose latest proactive touch was declined sits out."""
    return state.declined_at is not None and on < comeback_on(state.declined_at, weeks)


def key_slots(quota: int) -> int:
    """How many of a week's `quota` slots may go to key customers pulled forward by their
    cadence: half, rounded down. The other half (rounded up) follows the plain rotation, so
    nobody is starved: see `wait_bound`."""
    return quota // 2


def wait_bound(list_size: int, quota: int) -> int:
    """The most weeks any customer waits for their turn in a list of `list_size` (from one turn
    to the next, or from the start to the first), with nobody urgent and every planned customer
    called in its week: the rotation's ceil(quota/2) slots always take the customers called
    longest ago, and anyone called meanwhile goes behind them, so each customer reaches the
    front within ceil(list_size / (quota - key_slots(quota))) weeks."""
    free = quota - key_slots(quota)
    return -(-list_size // free)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weeks_since(last: datetime | None, week_start: date) -> int | None:
    """Whole ISO weeks from the week of `last` to the week of `week_start` (None: never)."""
    if last is None:
        return None
    return (_monday(week_start) - _monday(_utc(last).date())).days // 7


def is_cadence_due(state: CustomerState, week_start: date) -> bool:
    """A key customer whose last proactive contact is at least `cadence_weeks` ISO weeks
    before `week_start`'s week (or who was never contacted) is due this week."""
    if not state.key or state.cadence_weeks is None:
        return False
    since = weeks_since(state.last_proactive_at, week_start)
    return since is None or since >= state.cadence_weeks


def in_rotation(
    candidates: Sequence[CustomerState], on: date, comeback_weeks: int = DECLINED_COMEBACK_WEEKS
) -> list[CustomerState]:
    """The candidates eligible on `on`: a customer paused through `on` or later sits out
    ("paused until the 7th" is back on the 8th, as an executive's own pause), and so does one
    who declined until `comeback_on` (see `resting`)."""
    return [
        c
        for c in candidates
        if not is_paused(on, c.paused_until) and not resting(c, on, comeback_weeks)
    ]


def plan_batch(
    *,
    candidates: Sequence[CustomerState],
    quota: int,
    current: Sequence[BatchSlot],
    carry_over: Sequence[int],
    as_of: datetime,
    week_start: date | None = None,
    comeback_weeks: int = DECLINED_COMEBACK_WEEKS,
) -> PlanResult:
    """Plan or top up a week's batch without reshuffling it.

    - Only customers `in_rotation` on `week_start` (default: `as_of`'s UTC day) are candidates:
      one paused until after it, or resting after a decline (`resting`), is left out (and its
      PLANNED slot dropped).
    - A PLANNED slot whose customer left `candidates` is dropped; any other status stays (history).
    - Kept slots keep their positions; the gap is `quota` minus kept slots that count toward it.
    - The gap is filled with PLANNED slots: first customers back after a decline (their weeks
      served), then `carry_over` (in order, still-listed only), then the urgent customers
      (`is_urgent`), then key customers due by their cadence (`is_cadence_due`, longest
      waiting first) in at most `key_slots(quota)` slots of the week, then the rotation of
      `rank_customers`; never a customer already in `current` (any status,
      SWAPPED included) and never one twice.
    - New positions continue after the highest existing position (dropped ones included, so a
      position is never reused in the same write).
    """
    week_start = week_start or _utc(as_of).date()
    candidates = in_rotation(candidates, week_start, comeback_weeks)
    listed = {c.customer_id for c in candidates}
    keep: list[BatchSlot] = []
    drop: list[int] = []
    for slot in sorted(current, key=lambda s: s.position):
        if slot.status == BatchStatus.PLANNED and slot.customer_id not in listed:
            drop.append(slot.customer_id)
        else:
            keep.append(slot)

    gap = quota - sum(1 for s in keep if s.status.counts_toward_quota)
    taken = {s.customer_id for s in current}
    chosen: list[int] = []
    if gap > 0:
        order = rank_customers(candidates, as_of=as_of)
        ranked = [c.customer_id for c in order]
        # Back after a decline: promised "in a few weeks", so ahead of the carried-over ones.
        back = [c.customer_id for c in order if c.declined_at is not None]
        urgent = [c.customer_id for c in order if is_urgent(c, as_of=as_of)]
        keyed = set(back) | set(urgent) | {s.customer_id for s in current}
        due = [
            c.customer_id
            for c in order
            if c.customer_id not in keyed and is_cadence_due(c, week_start)
        ][: key_slots(quota)]
        listed_over = [c for c in carry_over if c in listed]
        for customer_id in [*back, *listed_over, *urgent, *due, *ranked]:
            if len(chosen) >= gap:
                break
            if customer_id not in taken:
                taken.add(customer_id)
                chosen.append(customer_id)

    start = max((s.position for s in current), default=0) + 1
    add = tuple(
        BatchSlot(customer_id=cid, position=start + i, status=BatchStatus.PLANNED)
        for i, cid in enumerate(chosen)
    )
    return PlanResult(keep=tuple(keep), drop=tuple(drop), add=add)


def swap_choice(
    *,
    candidates: Sequence[CustomerState],
    current: Sequence[BatchSlot],
    as_of: datetime,
    comeback_weeks: int = DECLINED_COMEBACK_WEEKS,
) -> CustomerState | None:
    """The next customer in rotation who is not in this week's batch (any status), or None."""
    in_batch = {s.customer_id for s in current}
    eligible = in_rotation(candidates, _utc(as_of).date(), comeback_weeks)
    for state in rank_customers(eligible, as_of=as_of):
        if state.customer_id not in in_batch:
            return state
    return None
