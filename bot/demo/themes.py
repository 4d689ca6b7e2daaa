"""A theme becoming an action point: Dana tags three customers' criticism of the reports to
Engineering's own theme, "reporting" (Monday's, Wednesday's and Friday's calls, bot/demo/
week.py and guest.py); the Monday after, the weekly grouping puts it to Engineering's lead,
who makes it an action point for Raj in the team's channel; Raj marks it done and Dana is
told which of her customers to tell."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.demo.story import Story, press
from bot.ids import Action, Block
from bot.regimen.themes import theme_value
from scheduler.jobs import themes_tick
from storage.models import Person, Team, ThemeCandidate

TEAM, TAG = "Engineering", "reporting"
ACTION = "Stream the usage report instead of building it in one go"


class Theme(Story):
    async def prepare(self) -> None:
        async with self.env.db.unit_of_work() as s:
            team = await s.scalar(select(Team).where(Team.name == TEAM))
        assert team is not None and team.channel_id
        self.team = team
        self.week.theme = theme_value(TAG, team.id)

    async def next_monday(self) -> None:
        t = self.t
        self.week.at(7, 9, 30)
        await themes_tick(self.env.deps)
        await self.env.deliver()
        async with self.env.db.unit_of_work() as s:
            cand = await s.scalar(
                select(ThemeCandidate).where(ThemeCandidate.team_id == self.team.id)
            )
            assert cand is not None and cand.lead_id is not None
            lead = await s.get(Person, cand.lead_id)
            owner = await s.scalar(
                select(Person).where(Person.team_id == self.team.id).order_by(Person.id)
            )
        assert lead is not None and owner is not None
        t.heard(only={self.dm(lead)}, limit=7)
        t.act(lead.name, f"clicks Make it an action point: “{ACTION}”, owner {owner.name}")
        await press(self, lead, Action.THEME_ACT, self.last(self.dm(lead), Action.THEME_ACT))
        me = self.user(lead)
        due = self.week.monday + timedelta(days=18)
        await me.submit(
            me.opened(),
            **{
                Block.ACTION_TEXT.value: ACTION,
                Block.ACTION_OWNER.value: owner.slack_user_id,
                Block.ACTION_DUE.value: due.isoformat(),
            },
        )
        t.heard(only={self.team.channel_id or ""}, limit=1)
        self.week.at(7, 16)
        t.act(owner.name, "ships it and clicks Done in the thread")
        reply = self.last(self.team.channel_id or "", Action.THEME_DONE)
        await press(self, owner, Action.THEME_DONE, reply)
        t.heard(limit=3)
