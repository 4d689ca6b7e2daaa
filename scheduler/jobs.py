"""APScheduler set-up and the jobs it ticks.

The database decides what is due and what went out; APScheduler only ticks, so a missed tick,
a restart or a second process loses and doubles nothing."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import and_, or_, select

from bot.deps import Deps
from bot.services.digest import digest_due, queue_digest
from bot.services.identity import link_slack_user
from bot.services.items import remind_overdue
from bot.services.morning import run_morning
from bot.services.planning import plan_ahead
from scheduler.sender import Sender
from storage.models import Person, Workspace

log = logging.getLogger("kyc.scheduler")


async def workspaces(deps: Deps) -> list[str]:
    async with deps.db.unit_of_work() as session:
        return list(await session.scalars(select(Workspace.id).order_by(Workspace.id)))


async def sync_profiles(
    deps: Deps, client: AsyncWebClient, workspace_id: str, *, concurrency: int = 5
) -> int:
    """Link roster people given by email to their Slack user, and learn the profile timezone
    of those whose roster row sets none (the nudge time depends on it)."""
    async with deps.db.unit_of_work() as session:
        people = list(
            await session.scalars(
                select(Person).where(
                    Person.workspace_id == workspace_id,
                    Person.active.is_(True),
                    or_(
                        Person.slack_user_id.is_(None),
                        and_(Person.slack_tz.is_(None), Person.timezone.is_(None)),
                    ),
                )
            )
        )
    gate = asyncio.Semaphore(concurrency)

    async def one(person: Person) -> bool:
        async with gate:
            try:
                if person.slack_user_id:
                    user = (await client.users_info(user=person.slack_user_id))["user"]
                elif person.email:
                    user = (await client.users_lookupByEmail(email=person.email))["user"]
                else:
                    return False
            except SlackApiError as exc:
                error = exc.response.get("error")
                log.warning("no Slack profile for %s: %s", person.email or person.name, error)
                return False
        async with deps.db.unit_of_work() as session:
            done = await link_slack_user(
                session,
                workspace_id,
                user["id"],
                email=person.email or (user.get("profile") or {}).get("email"),
                tz=user.get("tz"),
                name=(user.get("profile") or {}).get("real_name"),
            )
            return done is not None

    return sum(await asyncio.gather(*(one(p) for p in people)))


async def morning_tick(deps: Deps, client: AsyncWebClient) -> None:
    async with deps.jobs_lock:
        await _morning(deps, client)


async def _morning(deps: Deps, client: AsyncWebClient) -> None:
    for ws in await workspaces(deps):
        await sync_profiles(deps, client, ws)
        # The sender starts on each chunk of nudges as soon as it is committed.
        await run_morning(deps.db, deps.settings, ws, now=deps.now(), on_queued=deps.wake_sender)


async def digest_tick(deps: Deps) -> None:
    if not digest_due(deps.settings, deps.now()):
        return
    async with deps.jobs_lock:
        for ws in await workspaces(deps):
            if await queue_digest(deps.db, deps.settings, ws, now=deps.now()):
                deps.wake_sender()


async def planning_tick(deps: Deps) -> None:
    async with deps.jobs_lock:
        for ws in await workspaces(deps):
            await plan_ahead(deps.db, deps.settings, ws, now=deps.now())


async def reminders_tick(deps: Deps) -> None:
    async with deps.jobs_lock, deps.db.unit_of_work() as session:
        if await remind_overdue(session, deps.settings, now=deps.now()):
            deps.wake_sender()


async def sender_loop(deps: Deps, sender: Sender, *, idle_seconds: float = 2.0) -> None:
    """Deliver as soon as something is queued (wake_sender) or at least every `idle_seconds`."""
    while not sender.stopping:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(deps.outbox_ready.wait(), timeout=idle_seconds)
        deps.outbox_ready.clear()
        try:
            while not sender.stopping and await sender.run_once():
                pass
        except Exception:  # the loop must survive a database hiccup; the next round retries
            log.exception("sender round failed")


def build_scheduler(deps: Deps, client: AsyncWebClient) -> AsyncIOScheduler:
    # UTC, no misfire grace and coalescing: a late tick simply runs; the database decides.
    scheduler = AsyncIOScheduler(
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )
    # First ticks at start-up: a nudge due while the bot was down goes out now (catch-up).
    start = datetime.now(UTC)
    jobs = [
        (morning_tick, 1, [deps, client]),
        (reminders_tick, 15, [deps]),
        (planning_tick, 30, [deps]),
        (digest_tick, 15, [deps]),
    ]
    for job, minutes, args in jobs:
        scheduler.add_job(
            job, IntervalTrigger(minutes=minutes), args=args, id=job.__name__, next_run_time=start
        )
    return scheduler
