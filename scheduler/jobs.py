"""APScheduler set-up and the jobs it ticks.

The database decides what is due and what went out; APScheduler only ticks, so a missed tick,
a restart or a second process loses and doubles nothing."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import and_, or_, select

from bot.deps import Deps
from bot.services import inbox, themes
from bot.services.digest import digest_due, queue_digest
from bot.services.floor_schedule import run_floor
from bot.services.heads_up import announce_ahead
from bot.services.identity import link_slack_user
from bot.services.items import remind_overdue
from bot.services.matchmaking.learned import ask_what_was_learned
from bot.services.matchmaking.rounds import round_due, run_round
from bot.services.meetings.preparation import prepare_all
from bot.services.morning import run_morning
from bot.services.planning import plan_ahead
from bot.services.retention import purge_sent
from bot.settings import Settings
from bot.tenancy.installations import purge_expired
from bot.tenancy.workspace_settings import for_workspace
from scheduler.sender import Sender
from storage.models import Person

log = logging.getLogger("kyc.scheduler")


def exclusive(tick: Callable[[Deps], Awaitable[None]]) -> Callable[[Deps], Awaitable[None]]:
    """A scheduled job that takes its turn: the jobs of one process run one at a time (fewer
    lock waits on SQLite), and one still waiting for its turn when SIGTERM came does not start
    (the runtime holds the lock once, then closes the database)."""

    @functools.wraps(tick)
    async def run(deps: Deps) -> None:
        async with deps.jobs_lock:
            if deps.jobs_stopped:
                return
            await tick(deps)

    return run


async def workspaces(deps: Deps) -> list[str]:
    """The workspaces KYC is installed in: a job never runs for one it was uninstalled from
    (nor for a roster loaded before any install)."""
    return await deps.tenancy.tokens.workspaces()


async def settings_of(deps: Deps, workspace_id: str) -> Settings:
    return await for_workspace(deps.db, deps.settings, workspace_id)


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


@exclusive
async def morning_tick(deps: Deps) -> None:
    await _morning(deps)


async def _morning(deps: Deps) -> None:
    tenancy = deps.tenancy
    for ws in await workspaces(deps):
        token = await tenancy.tokens.token_for(ws)
        if token is None:
            continue  # uninstalled a moment ago
        await sync_profiles(deps, tenancy.client(token), ws)
        # The sender starts on each chunk of nudges as soon as it is committed.
        settings = await settings_of(deps, ws)
        await run_morning(deps.db, settings, ws, now=deps.now(), on_queued=deps.wake_sender)


@exclusive
async def digest_tick(deps: Deps) -> None:
    for ws in await workspaces(deps):
        settings = await settings_of(deps, ws)
        if not digest_due(settings, deps.now()):
            continue
        if await queue_digest(deps.db, settings, ws, now=deps.now()):
            deps.wake_sender()


@exclusive
async def planning_tick(deps: Deps) -> None:
    for ws in await workspaces(deps):
        settings = await settings_of(deps, ws)
        await plan_ahead(deps.db, settings, ws, now=deps.now())
        if await announce_ahead(deps.db, settings, ws, now=deps.now()):
            deps.wake_sender()


@exclusive
async def reminders_tick(deps: Deps) -> None:
    for ws in await workspaces(deps):
        settings = await settings_of(deps, ws)
        async with deps.db.unit_of_work() as session:
            if await remind_overdue(session, settings, now=deps.now(), workspace_id=ws):
                deps.wake_sender()


@exclusive
async def meetings_tick(deps: Deps) -> None:
    """Each attendee of a formal customer meeting prepared, a few days before; organisers
    asked to record it after."""
    for ws in await workspaces(deps):
        if await prepare_all(deps, ws):
            deps.wake_sender()


@exclusive
async def floor_tick(deps: Deps) -> None:
    """Back to the floor: each period's proposal, the reminders the day before, the question
    after the shift (bot/services/floor_schedule.py)."""
    for ws in await workspaces(deps):
        settings = await settings_of(deps, ws)
        if await run_floor(deps.db, settings, ws, now=deps.now()):
            deps.wake_sender()


@exclusive
async def themes_tick(deps: Deps) -> None:
    """Recurring customer themes: the weekly grouping (Mondays) puts new ones to their team's
    lead; each quarter, teams with themes still open are reminded to review them (once)."""
    for ws in await workspaces(deps):
        settings = await settings_of(deps, ws)
        raised = 0
        if themes.scan_due(settings, deps.now()):
            raised = await themes.raise_themes(deps.db, ws, now=deps.now())
        reminded = await themes.remind_review(deps.db, settings, ws, now=deps.now())
        if raised or reminded:
            deps.wake_sender()


@exclusive
async def matchmaking_tick(deps: Deps) -> None:
    """People of teams that do not face customers: "What did you learn?" the day after a
    touchpoint, and the weekly round of invitations on Mondays from 10:00 (the workspace's
    default timezone), after the week's batches were planned the evening before."""
    for ws in await workspaces(deps):
        settings = await settings_of(deps, ws)
        queued = await ask_what_was_learned(deps.db, settings, ws, now=deps.now())
        if round_due(settings, deps.now()):
            queued += await run_round(deps.db, settings, ws, now=deps.now())
        if queued:
            deps.wake_sender()


@exclusive
async def inbox_tick(deps: Deps) -> None:
    """Submissions a process kept and did not get to do (it died after answering Slack)."""
    await inbox.sweep(deps)


@exclusive
async def housekeeping_tick(deps: Deps) -> None:
    """Workspaces uninstalled longer than their grace period are purged, and the contents of
    messages sent longer ago than KYC_RETENTION_DAYS."""
    await purge_expired(deps.db, now=deps.now())
    await purge_sent(deps.db, now=deps.now(), days=deps.settings.kyc_retention_days)


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


def build_scheduler(deps: Deps) -> AsyncIOScheduler:
    # UTC, no misfire grace and coalescing: a late tick simply runs; the database decides.
    scheduler = AsyncIOScheduler(
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )
    # First ticks at start-up: a nudge due while the bot was down goes out now (catch-up).
    start = datetime.now(UTC)
    jobs = [
        (morning_tick, 1),
        (reminders_tick, 15),
        (planning_tick, 30),
        (digest_tick, 15),
        (meetings_tick, 15),
        (floor_tick, 15),
        (housekeeping_tick, 60),
        (inbox_tick, 1),
        (themes_tick, 60),
        (matchmaking_tick, 30),
    ]
    for job, minutes in jobs:
        scheduler.add_job(
            job, IntervalTrigger(minutes=minutes), args=[deps], id=job.__name__, next_run_time=start
        )
    return scheduler
