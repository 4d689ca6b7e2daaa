"""Scenario fixtures: the real app on loopback, the Slack stand-in, a controlled clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.standin.harness import Clock, LocalSlack
from storage.models import Customer, Person, Team
from tests import factories as f
from tests.factories import utc


@dataclass
class World:
    env: LocalSlack
    dana: Person  # executive, New York
    raj: Person  # executive, Kolkata
    mo: Person  # account manager on Customer Success, manager: lee
    lee: Person  # CS lead
    cs: Team
    support: Team
    customers: list[Customer]


@pytest.fixture
async def world(sqlite_url: str) -> AsyncIterator[World]:
    clock = Clock(utc(2026, 11, 23, 13, 31))  # Monday 08:31 in New York
    async with LocalSlack(sqlite_url, team_id=f.WS, clock=clock, kyc_company="Northwind") as env:
        async with env.db.unit_of_work() as s:
            cs = await f.team(s, "Customer Success", channel_id="C0CS", channel_name="#cs")
            support = await f.team(s, "Support", channel_id="C0SUP", channel_name="#support")
            dana = await f.executive(
                s,
                "Dana Whitfield",
                slack_user_id="U0DANA",
                timezone="America/New_York",
                email="dana@northwind.test",
            )
            raj = await f.executive(
                s,
                "Raj Mehta",
                slack_user_id="U0RAJ",
                timezone="Asia/Kolkata",
                email="raj@northwind.test",
            )
            lee = await f.person(s, "Lee Park", slack_user_id="U0LEE", team_id=cs.id)
            mo = await f.person(
                s, "Mo Santos", slack_user_id="U0MO", team_id=cs.id, manager_id=lee.id
            )
            customers = [
                await f.customer(s, dana, name, team_id=cs.id)
                for name in (
                    "Acme Corp",
                    "Globex",
                    "Initech",
                    "Umbrella",
                    "Hooli",
                    "Stark Ind",
                    "Wayne Ent",
                )
            ]
            for i in range(6):
                await f.customer(s, raj, f"Raj Customer {i}", team_id=support.id)
        for p in (dana, raj, lee, mo):
            env.slack.add_user(
                p.slack_user_id or "",
                name=p.name,
                email=p.email,
                tz=p.timezone or "America/New_York",
            )
        env.slack.add_channel("C0CS", "cs")
        env.slack.add_channel("C0SUP", "support", is_member=False)
        yield World(env, dana, raj, mo, lee, cs, support, customers)
