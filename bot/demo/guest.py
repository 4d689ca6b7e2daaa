"""A matched guest: Monday's round invites Raj (Engineering, a team that does not face
customers) to one of the executives' customers of the week; he clicks Join, the host accepts;
on Wednesday he listens in on the call; the Monday after, he is asked what he learned."""

from __future__ import annotations

from sqlalchemy import select

from bot.demo.story import Story, press
from bot.ids import Action, Block
from bot.regimen.types import BatchStatus
from scheduler.jobs import matchmaking_tick
from storage.models import BatchEntry, MatchPairing, Person, Team

GUEST_TEAM = "Engineering"
LEARNED = "They rebuild our usage report by hand in Excel every month-end."


class Guest(Story):
    async def prepare(self) -> None:
        async with self.env.db.unit_of_work() as s:
            raj = await s.scalar(
                select(Person)
                .join(Team, Team.id == Person.team_id)
                .where(Team.name == GUEST_TEAM)
                .order_by(Person.id)
            )
        assert raj is not None
        self.raj = raj
        self.pairing: MatchPairing | None = None

    async def _pairing(self) -> MatchPairing | None:
        async with self.env.db.unit_of_work() as s:
            return await s.scalar(
                select(MatchPairing)
                .where(MatchPairing.guest_id == self.raj.id)
                .order_by(MatchPairing.id.desc())
            )

    async def reserved(self) -> set[int]:
        p = await self._pairing()
        mine = p is not None and p.host_id == self.week.dana.id and p.customer_id is not None
        return {p.customer_id} if mine and p and p.customer_id else set()

    async def monday(self) -> None:
        # The round ran with the morning's jobs (Mondays from 10:00 UTC).
        t, raj = self.t, self.raj
        self.week.at(0, 10, 30)
        invite = self.last(self.dm(raj), Action.MATCH_JOIN)
        t.message(invite, limit=1)
        t.act(raj.name, "clicks Join")
        await press(self, raj, Action.MATCH_JOIN, invite)
        t.heard(limit=1)
        pairing = await self._pairing()
        assert pairing is not None
        async with self.env.db.unit_of_work() as s:
            host = await s.get(Person, pairing.host_id)
        assert host is not None
        t.act(self.week.first if host.id == self.week.dana.id else host.name, "clicks Accept")
        await press(self, host, Action.MATCH_ACCEPT, self.last(self.dm(host), Action.MATCH_ACCEPT))
        t.heard(limit=1)
        self.pairing, self.host = pairing, host

    async def wednesday(self) -> None:
        """Dana calls the guest's customer at 16:00, Raj listening in."""
        p, dana = self.pairing, self.week.dana
        if p is None or p.host_id != dana.id or p.customer_id is None:
            return
        async with self.env.db.unit_of_work() as s:
            entry = await s.scalar(
                select(BatchEntry).where(
                    BatchEntry.executive_id == dana.id,
                    BatchEntry.customer_id == p.customer_id,
                    BatchEntry.status == BatchStatus.PLANNED,
                )
            )
        if entry is None:
            return  # called already
        self.week.at(2, 16)
        t = self.t
        t.act(self.week.first, f"calls {p.customer_name}, {self.raj.name} listening in")
        me = self.user(dana)
        await me.click(Action.LOG_CALL, str(p.customer_id), on=self.week.nudge())
        await me.submit(
            me.opened(),
            **{
                Block.OUTCOME.value: "reached",
                Block.SENTIMENT.value: "satisfied",
                Block.SUMMARY.value: "Expanding to two more sites; the reports are the pain.",
                **self.week.tagged("The usage report times out for a year of data."),
            },
        )
        t.heard(only={self.dm(dana)}, limit=1)

    async def next_monday(self) -> None:
        t, raj = self.t, self.raj
        self.week.at(7, 9)
        await matchmaking_tick(self.env.deps)
        await self.env.deliver()
        t.heard(only={self.dm(raj)}, limit=1)
        ask = self.last(self.dm(raj), Action.MATCH_LEARN)
        t.act(raj.name, f"clicks What did you learn? → “{LEARNED}”")
        await press(self, raj, Action.MATCH_LEARN, ask)
        me = self.user(raj)
        await me.submit(me.opened(), **{Block.MATCH_LEARNED.value: LEARNED})
        t.heard(only={self.dm(raj)}, limit=2)
