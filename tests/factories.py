"""Factories for test data: a few lines per row, sensible defaults, everything overridable."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.regimen.types import Channel, ContactKind, Outcome, Role, Sentiment
from bot.standin.harness import BOT_TOKEN
from bot.tenancy.installations import env_installation
from storage.models import (
    Contact,
    Customer,
    Person,
    Team,
    ThemeCandidate,
    ThemeStatus,
    Workspace,
)

WS = "T_TEST"
_seq = itertools.count(1)


async def workspace(session: AsyncSession, ws: str = WS, *, installed: bool = True) -> str:
    """A workspace; `installed` with the stand-in's BOT_TOKEN as SLACK_BOT_TOKEN (the sender
    sends only to installed workspaces)."""
    if await session.get(Workspace, ws) is None:
        session.add(Workspace(id=ws, name="Northwind"))
        await session.flush()
        if installed:
            session.add(env_installation(ws, BOT_TOKEN))
            await session.flush()
    return ws


async def team(session: AsyncSession, name: str = "Customer Success", **kw: Any) -> Team:
    await workspace(session, kw.get("workspace_id", WS))
    row = Team(workspace_id=kw.pop("workspace_id", WS), name=name, **kw)
    session.add(row)
    await session.flush()
    return row


async def person(session: AsyncSession, name: str | None = None, **kw: Any) -> Person:
    n = next(_seq)
    await workspace(session, kw.get("workspace_id", WS))
    defaults: dict[str, Any] = {
        "workspace_id": WS,
        "name": name or f"Person {n}",
        "email": f"person{n}@northwind.test",
        "slack_user_id": f"U{n:08d}",
        "role": Role.MEMBER,
        "timezone": "America/New_York",
        "active": True,
    }
    defaults.update(kw)
    row = Person(**defaults)
    session.add(row)
    await session.flush()
    return row


async def executive(session: AsyncSession, name: str | None = None, **kw: Any) -> Person:
    kw.setdefault("role", Role.EXECUTIVE)
    kw.setdefault("title", "Chief Executive Officer")
    return await person(session, name, **kw)


async def customer(
    session: AsyncSession, executive: Person, name: str | None = None, **kw: Any
) -> Customer:
    n = next(_seq)
    defaults: dict[str, Any] = {
        "workspace_id": executive.workspace_id,
        "external_id": f"C-{n:05d}",
        "name": name or f"Customer {n}",
        "executive_id": executive.id,
        "customer_since": date(2020, 3, 1),
        "contact_name": "Jane Roe",
        "contact_email": f"jane{n}@customer.test",
        "active": True,
    }
    defaults.update(kw)
    row = Customer(**defaults)
    session.add(row)
    await session.flush()
    return row


async def contact(
    session: AsyncSession,
    cust: Customer,
    at: datetime,
    *,
    kind: ContactKind = ContactKind.PROACTIVE,
    outcome: Outcome | None = Outcome.REACHED,
    sentiment: Sentiment | None = Sentiment.SATISFIED,
    **kw: Any,
) -> Contact:
    default_channel = Channel.CALL if kind == ContactKind.PROACTIVE else Channel.TICKET
    row = Contact(
        workspace_id=cust.workspace_id,
        customer_id=cust.id,
        executive_id=kw.pop("executive_id", cust.executive_id),
        kind=kind,
        channel=kw.pop("channel", default_channel),
        outcome=outcome if kind == ContactKind.PROACTIVE else None,
        sentiment=sentiment,
        occurred_at=at,
        source=kw.pop("source", "test"),
        **kw,
    )
    session.add(row)
    await session.flush()
    return row


def theme_candidate(
    theme: str,
    raised: datetime,
    acted: datetime | None = None,
    done: datetime | None = None,
    *,
    team_id: int | None = None,
) -> ThemeCandidate:
    """A recurring theme as the weekly grouping raised it (not added): raised, then an action
    point when `acted`, then done when `done`."""
    return ThemeCandidate(
        workspace_id=WS,
        theme=theme,
        team_id=team_id,
        status=ThemeStatus.DONE if done else ThemeStatus.ACTION if acted else ThemeStatus.RAISED,
        insight_ids=[],
        raised_at=raised,
        acted_at=acted,
        done_at=done,
    )


def utc(y: int, m: int, d: int, hh: int = 12, mm: int = 0) -> datetime:
    return datetime.combine(date(y, m, d), time(hh, mm), UTC)


def zone_at_local_hour(now: datetime, hour: int = 9) -> str:
    """A fixed-offset zone (Etc/GMT±N) where the instant `now` falls in `hour` local time.

    For the few tests whose subprocesses run on the real clock: an executive there is mid-morning
    whatever the time of day the tests run, never a minute either side of midnight."""
    offset = (hour - now.astimezone(UTC).hour + 12) % 24 - 12  # hours east of UTC, -12..+11
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"  # POSIX signs: GMT-9 is UTC+9
