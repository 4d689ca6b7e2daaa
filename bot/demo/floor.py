"""Back to the floor: on Monday Dana commits (/kyc floor) to a monthly shift in Support's
queue on Thursdays; KYC proposes this Thursday to Support's lead, who confirms; both are
reminded on Wednesday morning; Dana does the shift on Thursday, and on Friday morning is asked
what she did and learned."""

from __future__ import annotations

from sqlalchemy import select

from bot.demo.story import Story, press
from bot.ids import Action, Block
from storage.models import FloorShift, Person, Team

HOST_TEAM = "Support"
PLACE = "support queue"
THURSDAY = "3"
DID = "Answered 22 tickets with Kenji; two refunds by hand."
LEARNED = "A refund takes three screens and a manager's OK."


class Floor(Story):
    async def prepare(self) -> None:
        async with self.env.db.unit_of_work() as s:
            team = await s.scalar(select(Team).where(Team.name == HOST_TEAM))
        assert team is not None
        self.team = team

    async def monday(self) -> None:
        t, dana = self.t, self.week.dana
        self.week.at(0, 11)
        t.act(
            self.week.first,
            f"commits to a monthly shift: /kyc floor → the {PLACE}, {HOST_TEAM}, Thu",
        )
        me = self.user(dana)
        await me.command("floor")
        await me.submit(
            me.opened(),
            **{
                Block.FLOOR_CADENCE.value: "monthly",
                Block.FLOOR_PLACE.value: PLACE,
                Block.FLOOR_TEAM.value: str(self.team.id),
                Block.FLOOR_WEEKDAY.value: THURSDAY,
            },
        )
        t.heard(limit=1)  # the proposal to the host team's lead
        async with self.env.db.unit_of_work() as s:
            shift = await s.scalar(select(FloorShift).order_by(FloorShift.id.desc()))
        assert shift is not None and shift.host_user_id is not None
        async with self.env.db.unit_of_work() as s:
            lead = await s.scalar(select(Person).where(Person.slack_user_id == shift.host_user_id))
        assert lead is not None
        self.week.listeners.add(self.dm(lead))  # the reminders at their morning
        self.week.at(0, 11, 30)
        t.act(lead.name, "clicks Confirm")
        await press(
            self, lead, Action.FLOOR_CONFIRM, self.last(self.dm(lead), Action.FLOOR_CONFIRM)
        )
        t.heard(limit=2)

    async def thursday(self) -> None:
        self.t.act(self.week.first, f"spends Thursday in the {PLACE} with {HOST_TEAM}: her shift")

    async def friday(self) -> None:
        # This morning's question reached Dana with her nudge (printed there).
        t, dana = self.t, self.week.dana
        try:
            ask = self.last(self.dm(dana), Action.FLOOR_REPORT)
        except LookupError:  # Friday is a holiday: asked on her next working day
            t.say("  (Friday is no working day of Dana's: she is asked on her next one)")
            return
        self.week.at(4, 12)
        t.act(self.week.first, "clicks Tell what you learned → the after-shift modal")
        me = self.user(dana)
        await press(self, dana, Action.FLOOR_REPORT, ask)
        await me.submit(
            me.opened(),
            **{
                Block.FLOOR_DID.value: DID,
                Block.FLOOR_LEARNED.value: LEARNED,
            },
        )
        t.heard(only={self.dm(dana)}, limit=2)
