"""Let your team know what you're up to (seed 002): before the week starts, each account team
hears in its channel which of its customers the executives will call, and what the team replies
in that thread goes into the customer's brief.

One thread post per team and week (the outbox key says so); a reply is found by the thread it
is in: the heads-up's own outbox row holds the channel and ts Slack gave it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.regimen.calendar import week_monday
from bot.regimen.types import BatchStatus
from bot.services import outbox
from bot.services.people import regimen_of
from bot.settings import Settings
from bot.views.customer_care import HeadsUpLine, build_heads_up
from storage import queries
from storage.db import Database
from storage.models import BatchEntry, Customer, OutboxMessage, Person, Team, TeamNote
from storage.queries import insert_ignoring_duplicates

PREFIX = "headsup"
IN_BATCH = (BatchStatus.PLANNED, BatchStatus.ATTEMPTED, BatchStatus.DONE)


def heads_up_key(team_id: int, iso_week: str) -> str:
    return f"{PREFIX}:{team_id}:{iso_week}"


async def announce_week(session: AsyncSession, workspace_id: str, iso_week: str) -> int:
    """Queue each team's heads-up for the week's batches (once a team and week); the count
    queued now."""
    rows = await session.execute(
        select(Team.id, Team.channel_id, Person.name, Customer.name)
        .select_from(BatchEntry)
        .join(Customer, Customer.id == BatchEntry.customer_id)
        .join(Person, Person.id == BatchEntry.executive_id)
        .join(Team, Team.id == Customer.team_id)
        .where(
            BatchEntry.workspace_id == workspace_id,
            BatchEntry.iso_week == iso_week,
            BatchEntry.status.in_(IN_BATCH),
            Customer.active.is_(True),
            Team.channel_id.is_not(None),
        )
        .order_by(Team.id, Person.name, BatchEntry.position)
    )
    teams: dict[tuple[int, str], dict[str, list[str]]] = {}
    for team_id, channel, executive, customer in rows:
        teams.setdefault((team_id, channel or ""), {}).setdefault(executive, []).append(customer)
    queued = 0
    for (team_id, channel), by_exec in teams.items():
        lines = [HeadsUpLine(name, tuple(customers)) for name, customers in by_exec.items()]
        message = build_heads_up(lines, week_monday(iso_week))
        if await outbox.post(
            session, workspace_id, heads_up_key(team_id, iso_week), channel, message
        ):
            queued += 1
    return queued


async def announce_ahead(
    db: Database, settings: Settings, workspace_id: str, *, now: datetime, hours: int = 12
) -> int:
    """The heads-up of each week about to start (planned by `plan_ahead` with the same
    horizon), posted the day before; the count queued."""
    async with db.unit_of_work(writes=True) as session:
        weeks = {
            regimen_of(p, settings).week(now + timedelta(hours=hours))
            for p in await queries.executives(session, workspace_id)
        }
        return sum([await announce_week(session, workspace_id, week) for week in sorted(weeks)])


async def note_reply(
    deps: Deps, workspace_id: str, channel: str, thread_ts: str, ts: str, user: str, text: str
) -> int:
    """A reply in a heads-up thread, kept for the brief of each customer of that thread it
    names (every one of them when it names none); the count of customers noted."""
    async with deps.db.unit_of_work(writes=True) as session:
        key = await session.scalar(
            select(OutboxMessage.key).where(
                OutboxMessage.workspace_id == workspace_id,
                OutboxMessage.result_channel == channel,
                OutboxMessage.result_ts == thread_ts,
                OutboxMessage.key.like(f"{PREFIX}:%"),
            )
        )
        if key is None:
            return 0  # a thread about something else
        _, team_id, iso_week = key.split(":")
        customers = list(
            await session.execute(
                select(Customer.id, Customer.name)
                .join(BatchEntry, BatchEntry.customer_id == Customer.id)
                .where(
                    BatchEntry.workspace_id == workspace_id,
                    BatchEntry.iso_week == iso_week,
                    Customer.team_id == int(team_id),
                )
            )
        )
        named = [cid for cid, name in customers if name.casefold() in text.casefold()]
        chosen = sorted(set(named or [cid for cid, _ in customers]))
        rows = [
            {
                "workspace_id": workspace_id,
                "customer_id": cid,
                "iso_week": iso_week,
                "channel_id": channel,
                "message_ts": ts,
                "author_slack_id": user,
                "text": text[:4000],
                "created_at": deps.now(),
            }
            for cid in chosen
        ]
        await insert_ignoring_duplicates(
            session, TeamNote, rows, ["workspace_id", "channel_id", "message_ts", "customer_id"]
        )
        return len(rows)
