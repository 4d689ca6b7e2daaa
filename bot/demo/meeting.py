"""A team's formal customer meeting: on Monday Grace (Support's lead) writes the team's draft
charter on App Home and requests a meeting with Brightwater Foods, a key customer, for Friday
(/kyc meeting): her invitation DM; Tuesday morning she and Kenji are prepared (the four kinds
of meeting, the question to ask); Friday after the meeting she records it as a 4F meeting
with an expectation new to the charter and work to eliminate, and Kenji accepts the revision
it proposes in the team's channel: the charter's history shows what the customer changed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.demo.story import Story, button, press
from bot.demo.transcript import block_lines
from bot.ids import Action, Block, numbered
from scheduler.jobs import meetings_tick
from storage.models import Customer, Team

TEAM, CUSTOMER = "Support", "Brightwater Foods"
PURPOSE = "Keep Northwind's customers running: answer, fix, and explain."
CHARTER = (("A first answer within 4 working hours", "median first response time"),)
OBJECTIVES = "Hear what Brightwater expects of Support, and where we fall short."
NAMED = "Warn us a week before changing the order export"
SIMPLIFY = "The weekly PDF usage report nobody reads"
KINDS = ("War:", "Advertisement:", "Love-In:", "4F meeting:", "Is there any work")


class CustomerMeeting(Story):
    async def prepare(self) -> None:
        async with self.env.db.unit_of_work() as s:
            team = await s.scalar(select(Team).where(Team.name == TEAM))
            key = await s.scalar(select(Customer).where(Customer.name == CUSTOMER))
        assert team is not None and team.channel_id and key is not None and key.key
        self.team, self.key = team, key
        self.grace, self.kenji = await self.person("Grace Nwosu"), await self.person("Kenji Sato")
        self.week.listeners |= {self.dm(self.grace), self.dm(self.kenji)}  # prepared mornings

    async def reserved(self) -> set[int]:
        return {self.key.id}

    async def monday(self) -> None:
        t, grace, me = self.t, self.grace, self.user(self.grace)
        self.week.at(0, 15)
        t.act(grace.name, f"on App Home → Team → Edit charter: the draft, “{CHARTER[0][0]}”")
        home = await me.opens_home()
        await me.click(Action.EDIT_CHARTER, element=button(home, Action.EDIT_CHARTER))
        lines = {Block.CHARTER_PURPOSE.value: PURPOSE}
        for n, (expectation, measure) in enumerate(CHARTER, 1):
            lines[numbered(Block.CHARTER_EXPECTATION, n)] = expectation
            lines[numbered(Block.CHARTER_MEASURE, n)] = measure
        await me.submit(me.opened(), **lines)
        self.week.at(0, 15, 30)
        t.act(grace.name, "requests a meeting: /kyc meeting brightwater → Fri 10:00, with Kenji")
        await me.command("meeting brightwater")
        form = me.opened()
        contacts = next(b for b in form["blocks"] if b.get("block_id") == Block.MEETING_CONTACTS)
        await me.submit(
            form,
            **{
                Block.MEETING_OBJECTIVES.value: OBJECTIVES,
                Block.MEETING_AGENDA.value: "Their year with us; our draft charter; what to drop.",
                Block.MEETING_ON.value: (self.week.monday + timedelta(days=4)).isoformat(),
                Block.MEETING_AT.value: "10:00",
                Block.MEETING_TEAM.value: [grace.slack_user_id, self.kenji.slack_user_id],
                Block.MEETING_CONTACTS.value: [o["value"] for o in contacts["element"]["options"]],
            },
        )
        t.skip()
        invitation = self.last(self.dm(grace))
        said = block_lines(invitation["blocks"], t.names)
        t.say(f"  {t.where(invitation)}: {said[0]}")
        t.say(f"      {said[1]}")
        t.say("      " + next(x for x in said if x.startswith("[Send with")))  # and the .ics

    async def tuesday(self) -> None:
        # Both were prepared by this morning's meetings job (printed with the nudge).
        prep = next(
            block_lines(m["blocks"], self.t.names)
            for m in self.env.slack.messages(self.dm(self.grace))
            if m["text"].startswith("Preparing for")
        )
        self.t.say(f"  {self.grace.name} reads hers: the four kinds of meeting, and what to ask")
        for line in (x for x in prep if x.lstrip("•> ").startswith(KINDS)):
            self.t.say(f"      {line}")

    async def friday(self) -> None:
        t, grace, kenji = self.t, self.grace, self.kenji
        channel = self.team.channel_id or ""
        self.week.at(4, 13)  # the meeting was at 10:00; the meetings job asks her to record it
        await meetings_tick(self.env.deps)
        await self.env.deliver()
        t.heard(only={self.dm(grace)}, limit=1)
        t.act(grace.name, f"clicks Record the meeting → 4F; “{NAMED}”")
        me = self.user(grace)
        await press(self, grace, Action.RECORD_MEETING, self.last(self.dm(grace)))
        await me.submit(
            me.opened(),
            **{
                Block.MEETING_KIND.value: "four_f",
                Block.SUMMARY.value: "Frank about the export changes; glad to drop the PDF.",
                numbered(Block.MEETING_EXPECTATION, 1): NAMED,
                numbered(Block.MEETING_SIMPLIFY, 1): SIMPLIFY,
            },
        )
        t.heard(only={self.dm(grace), channel}, limit=1)
        self.week.at(4, 14)
        t.act(kenji.name, f"clicks Accept in #{t.names[channel]}, then App Home → Charter history")
        await press(self, kenji, Action.ACCEPT_CHARTER, self.last(channel, Action.ACCEPT_CHARTER))
        told = self.env.slack.calls_to("chat.postEphemeral")[-1].params["text"]
        t.say(f"  #{t.names[channel]} (to {kenji.name} only): {told}")
        home = await self.user(kenji).opens_home()
        await self.user(kenji).click(
            Action.CHARTER_HISTORY, element=button(home, Action.CHARTER_HISTORY)
        )
        history = block_lines(self.user(kenji).opened()["blocks"], t.names)
        t.say(f"  modal Charter history: {history[0]} — {history[2]}")
        for line in history[3:5]:
            t.say(f"      {line}")
