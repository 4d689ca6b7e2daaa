"""Use case: plan the weekly batches (the weekly five) for a workspace's executives."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.regimen.calendar import Regimen, week_fully_paused, week_monday
from bot.regimen.planner import plan_batch
from bot.regimen.types import BatchStatus, CustomerState
from bot.services import holidays
from bot.services.people import regimen_of
from bot.settings import Settings
from storage import queries
from storage.db import Database
from storage.models import BatchEntry, Customer, Person, utcnow
from storage.queries import insert_ignoring_duplicates


@dataclass(frozen=True)
class PlannedEntry:
    position: int
    customer_id: int
    customer_name: str
    status: BatchStatus
    new: bool


@dataclass(frozen=True)
class ExecutiveWeek:
    executive_id: int
    executive_name: str
    iso_week: str
    quota: int
    entries: tuple[PlannedEntry, ...] = field(default=())
    skipped: str | None = None  # why there is no batch ("paused all week", "no customers")

    @property
    def done(self) -> int:
        return sum(1 for e in self.entries if e.status == BatchStatus.DONE)

    @property
    def active(self) -> tuple[PlannedEntry, ...]:
        return tuple(e for e in self.entries if e.status.counts_toward_quota)


def with_cadence(
    settings: Settings, states: dict[int, list[CustomerState]]
) -> dict[int, list[CustomerState]]:
    """Each key customer's cadence in weeks, by its tier (KYC_KEY_TIER_CADENCE) or
    KYC_KEY_CADENCE_WEEKS."""
    return {
        exec_id: [
            replace(s, cadence_weeks=settings.cadence_of(s.tier)) if s.key else s for s in lst
        ]
        for exec_id, lst in states.items()
    }


async def plan_week(
    db: Database,
    settings: Settings,
    workspace_id: str,
    iso_week: str,
    *,
    as_of: datetime,
    executive_ids: list[int] | None = None,
    dry_run: bool = False,
) -> list[ExecutiveWeek]:
    """Plan (or top up) each executive's batch for `iso_week`; one transaction for all of them."""
    async with db.sessions() as session, session.begin():
        result = await plan_week_in(
            session, settings, workspace_id, iso_week, as_of=as_of, executive_ids=executive_ids
        )
        if dry_run:
            await session.rollback()
        else:  # the account teams hear which of their customers will be called
            from bot.services.heads_up import announce_week

            await announce_week(session, workspace_id, iso_week)
        return result


async def plan_week_in(
    session: AsyncSession,
    settings: Settings,
    workspace_id: str,
    iso_week: str,
    *,
    as_of: datetime,
    executive_ids: list[int] | None = None,
) -> list[ExecutiveWeek]:
    execs = await queries.executives(session, workspace_id, executive_ids)
    ids = [e.id for e in execs]
    states = with_cadence(settings, await queries.customer_states(session, workspace_id, ids))
    current = await queries.batch_entries(session, workspace_id, iso_week, ids)
    previous = await queries.previous_open_entries(session, workspace_id, iso_week, ids)
    names = {s.customer_id: s.name for lst in states.values() for s in lst}
    days_off = await holidays.calendar(session, workspace_id, around=as_of.date())
    missing = {e.customer_id for lst in current.values() for e in lst} - names.keys()
    if missing:
        names.update(await _customer_names(session, missing))

    weeks: list[ExecutiveWeek] = []
    new_rows: list[dict[str, object]] = []
    for person in execs:
        weeks.append(
            await _plan_one(
                session,
                settings,
                regimen_of(person, settings, days_off),
                person,
                iso_week,
                as_of,
                states.get(person.id, []),
                current.get(person.id, []),
                previous.get(person.id, []),
                names,
                new_rows,
            )
        )
    await session.flush()
    # One statement for every new slot. Another process planning the same week at the same
    # moment computes the same batch (planning is deterministic): its rows win, ours are skipped.
    await insert_ignoring_duplicates(
        session, BatchEntry, new_rows, ["workspace_id", "executive_id", "iso_week", "customer_id"]
    )
    return weeks


async def _plan_one(
    session: AsyncSession,
    settings: Settings,
    reg: Regimen,
    person: Person,
    iso_week: str,
    as_of: datetime,
    candidates: list[CustomerState],
    current: list[BatchEntry],
    previous: list[BatchEntry],
    names: dict[int, str],
    new_rows: list[dict[str, object]],
) -> ExecutiveWeek:

    def week(entries: tuple[PlannedEntry, ...] = (), skipped: str | None = None) -> ExecutiveWeek:
        return ExecutiveWeek(person.id, person.name, iso_week, reg.quota, entries, skipped)

    if not current and reg.week_off(iso_week):
        paused = week_fully_paused(iso_week, reg.workdays, reg.paused_until)
        return week(skipped="paused all week" if paused else "holidays all week")
    if not current and not candidates:
        return week(skipped="no customers")

    carry = [e.customer_id for e in previous]
    plan = plan_batch(
        candidates=candidates,
        quota=reg.quota,
        current=queries.slots_of(current),
        carry_over=carry,
        as_of=as_of,
        week_start=week_monday(iso_week),
        comeback_weeks=settings.kyc_declined_comeback_weeks,
    )
    dropped = set(plan.drop)
    for entry in current:
        if entry.customer_id in dropped:
            await session.delete(entry)
    for slot in plan.add:
        new_rows.append(
            {
                "workspace_id": person.workspace_id,
                "executive_id": person.id,
                "iso_week": iso_week,
                "customer_id": slot.customer_id,
                "position": slot.position,
                "status": slot.status,
                "created_at": utcnow(),
                "updated_at": utcnow(),
            }
        )
    added = {s.customer_id for s in plan.add}
    if added:
        for entry in previous:
            if entry.customer_id in added:
                entry.status = BatchStatus.CARRIED_OVER
    entries = tuple(
        PlannedEntry(
            position=s.position,
            customer_id=s.customer_id,
            customer_name=names.get(s.customer_id, f"customer {s.customer_id}"),
            status=s.status,
            new=s.customer_id in added,
        )
        for s in plan.slots
    )
    return week(entries)


async def _customer_names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    rows = await session.execute(select(Customer.id, Customer.name).where(Customer.id.in_(ids)))
    return {cid: name for cid, name in rows}


async def plan_ahead(
    db: Database, settings: Settings, workspace_id: str, *, now: datetime, hours: int = 12
) -> int:
    """Plan each executive's week a few hours before it starts in their own timezone, so the
    batch is ready (and visible on App Home) before the first morning. Returns entries added."""
    async with db.unit_of_work() as session:
        if not await queries.try_workspace_lock(session, workspace_id, "plan"):
            return 0
        execs = await queries.executives(session, workspace_id)
        by_week: dict[str, list[int]] = {}
        for person in execs:
            ahead = regimen_of(person, settings).week(now + timedelta(hours=hours))
            by_week.setdefault(ahead, []).append(person.id)
        added = 0
        for iso_week, ids in by_week.items():
            weeks = await plan_week_in(
                session, settings, workspace_id, iso_week, as_of=now, executive_ids=ids
            )
            added += sum(1 for w in weeks for e in w.entries if e.new)
        return added
