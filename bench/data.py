"""Synthetic rosters at scale, inserted in bulk (core inserts, not the ORM, not the CLI)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert

from bot.regimen.types import Channel, ContactKind, Outcome, Role, Sentiment
from bot.standin.harness import BOT_TOKEN
from bot.tenancy.installations import env_installation
from storage.db import Database
from storage.models import Contact, Customer, Person, Team, Workspace

WS = "T_BENCH"
ZONES = [
    "America/New_York",
    "America/Los_Angeles",
    "Europe/London",
    "Asia/Kolkata",
    "Australia/Sydney",
]


async def _bulk(
    db: Database, model: type, rows: list[dict[str, object]], chunk: int = 20_000
) -> None:
    for start in range(0, len(rows), chunk):
        async with db.unit_of_work() as s:
            await s.execute(insert(model), rows[start : start + chunk])


async def build(
    db: Database,
    *,
    executives: int,
    customers_each: int,
    contacts_each: float,
    now: datetime,
    nudge_all_now: bool = False,
    seed: int = 1,
) -> None:
    """`executives` × `customers_each` customers and about `contacts_each` contacts per customer
    over the past year (a quarter proactive calls, the rest reactive)."""
    rng = random.Random(seed)
    async with db.unit_of_work() as s:
        s.add(Workspace(id=WS, name="Bench"))
        await s.flush()
        s.add(Team(workspace_id=WS, name="CS", channel_id="C0BENCH"))
        # Installed with the stand-in's token as SLACK_BOT_TOKEN, as `kyc serve` registers it.
        s.add(env_installation(WS, BOT_TOKEN))
    people = []
    for i in range(executives):
        tz = "UTC" if nudge_all_now else ZONES[i % len(ZONES)]
        people.append(
            {
                "workspace_id": WS,
                "slack_user_id": f"U{i:08d}",
                "email": f"exec{i}@bench.example",
                "name": f"Executive {i:05d}",
                "role": Role.EXECUTIVE,
                "timezone": tz,
                # The bot has met everyone before: their Slack profile's timezone is known, so
                # a request is not someone's first (a users.info call and a write).
                "slack_tz": tz,
                "active": True,
                "workdays": "mon,tue,wed,thu,fri,sat,sun" if nudge_all_now else None,
                "nudge_time": (now - timedelta(minutes=5)).time().replace(microsecond=0)
                if nudge_all_now
                else None,
                "created_at": now,
            }
        )
    await _bulk(db, Person, people)
    customers = []
    for e in range(executives):
        for c in range(customers_each):
            n = e * customers_each + c
            customers.append(
                {
                    "workspace_id": WS,
                    "external_id": f"B-{n}",
                    "name": f"Customer {n:07d}",
                    "executive_id": e + 1,
                    "customer_since": date(2015, 1, 1) + timedelta(days=n % 3000),
                    "contact_name": "Jane Roe",
                    "contact_email": f"c{n}@cust.example",
                    "active": True,
                    "created_at": now,
                }
            )
    await _bulk(db, Customer, customers)
    contacts = []
    total = int(executives * customers_each * contacts_each)
    for k in range(total):
        cust = rng.randrange(executives * customers_each)
        proactive = rng.random() < 0.25
        contacts.append(
            {
                "workspace_id": WS,
                "customer_id": cust + 1,
                "executive_id": cust // customers_each + 1,
                "kind": ContactKind.PROACTIVE if proactive else ContactKind.REACTIVE,
                "channel": Channel.CALL if proactive else Channel.TICKET,
                "outcome": Outcome.REACHED if proactive else None,
                "sentiment": rng.choice(
                    [None, Sentiment.SATISFIED, Sentiment.UNHAPPY, Sentiment.PROMOTER]
                ),
                "score": rng.choice([None, 6, 8, 10]),
                "summary": "Routine check-in",
                "details_to_remember": "Likes early calls" if k % 7 == 0 else None,
                "occurred_at": now - timedelta(minutes=rng.randrange(365 * 24 * 60)),
                "source": "bench",
                "success_story": False,
                "created_at": now,
            }
        )
        if len(contacts) >= 50_000:
            await _bulk(db, Contact, contacts)
            contacts = []
    if contacts:
        await _bulk(db, Contact, contacts)


def monday_morning() -> datetime:
    today = datetime.now(UTC).date()
    monday = today - timedelta(days=today.weekday())
    return datetime.combine(monday, time(13, 0), UTC)
