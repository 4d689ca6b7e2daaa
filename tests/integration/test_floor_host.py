"""Whom a back-to-the-floor proposal goes to (bot/services/floor_schedule.host_lead): the host
team's admin or executive, else a manager of its members (one in the team first), else nobody
(the team's channel is asked instead)."""

from __future__ import annotations

from bot.regimen.types import Role
from bot.services.floor_schedule import host_lead
from storage.db import Database
from tests import factories as f


async def test_the_lead_is_the_teams_senior_else_its_members_manager_else_nobody(
    db: Database,
) -> None:
    async with db.unit_of_work() as s:
        leader = await f.executive(s, "Dana")
        shop = await f.team(s, "Shop", channel_id="C0SHOP")
        elsewhere = await f.team(s, "Elsewhere")
        assert await host_lead(s, shop, leader) is None  # nobody: the channel is asked

        outside_boss = await f.person(s, "Outside Boss", team_id=elsewhere.id)
        inside_boss = await f.person(s, "Inside Boss", team_id=shop.id)
        await f.person(s, "Ann", team_id=shop.id, manager_id=outside_boss.id)
        await f.person(s, "Ben", team_id=shop.id, manager_id=inside_boss.id)
        found = await host_lead(s, shop, leader)
        assert found is not None and found.name == "Inside Boss"  # a manager in the team first

        # The leader is never their own host, even as the team's executive or a manager.
        leader.team_id = shop.id
        await f.person(s, "Cy", team_id=shop.id, manager_id=leader.id)
        found = await host_lead(s, shop, leader)
        assert found is not None and found.name == "Inside Boss"

        await f.person(s, "Shop Admin", team_id=shop.id, role=Role.ADMIN)
        found = await host_lead(s, shop, leader)
        assert found is not None and found.name == "Shop Admin"
        gone = await f.person(s, "Early Exec", team_id=shop.id, role=Role.EXECUTIVE, active=False)
        assert gone.id  # inactive: passed over
        found = await host_lead(s, shop, leader)
        assert found is not None and found.name == "Shop Admin"
