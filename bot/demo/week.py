"""The executive's week, Monday to Friday, driven as the people in it would: the scheduler's
jobs at their hours on a controlled clock, and every click, command and modal a signed request
to the real app. Each day prints a heading and what each person saw; the team's stories told
beside it (`stories`) and the days' order are bot/demo/team.py's."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.demo.transcript import Transcript, block_lines, short_url
from bot.demo.user import User, element_in, initial_of
from bot.ids import Action, Block, numbered, theme_block
from bot.regimen.calendar import local_instant
from bot.services.morning import run_morning
from bot.standin.harness import Clock, LocalSlack
from scheduler.jobs import (
    floor_tick,
    matchmaking_tick,
    meetings_tick,
    planning_tick,
    reminders_tick,
)
from storage.models import ActionItem, Customer, Person, Team

if TYPE_CHECKING:
    from bot.demo.story import Story

NUDGE = "done this week"  # in every nudge's text, and in no other message


@dataclass
class Week:
    env: LocalSlack
    clock: Clock
    t: Transcript
    dana: Person
    tz: ZoneInfo
    monday: date
    stories: list[Story] = field(default_factory=list)
    theme: str | None = None  # the theme Dana tags her calls' criticism with (a story's)
    listeners: set[str] = field(default_factory=set)  # DMs the mornings print beside hers

    def __post_init__(self) -> None:
        self.me = User(self.env, self.dana.slack_user_id or "")
        self.dm = "D" + self.me.id[1:]
        self.first = self.dana.name.split()[0]

    def at(self, day: int, hour: int, minute: int = 0) -> date:
        """The clock to `hour:minute` in the executive's timezone, `day` days from Monday."""
        on = self.monday + timedelta(days=day)
        self.clock.set(local_instant(on, time(hour, minute), self.tz).astimezone(UTC))
        return on

    def nudge(self) -> dict[str, Any]:
        return next(m for m in reversed(self.env.slack.messages(self.dm)) if NUDGE in m["text"])

    def customers(self, nudge: dict[str, Any]) -> list[int]:
        """The customers a nudge lists, in its order."""
        blocks = nudge["blocks"]
        return [
            int(b["block_id"][6:]) for b in blocks if b.get("block_id", "").startswith("brief_")
        ]

    async def free(self, nudge: dict[str, Any]) -> list[int]:
        """The nudge's customers that no story keeps for itself (Story.reserved)."""
        kept: set[int] = set()
        for story in self.stories:
            kept |= await story.reserved()
        return [c for c in self.customers(nudge) if c not in kept]

    def tagged(self, criticism: str) -> dict[str, Any]:
        """A call modal's criticism, tagged to the week's theme when there is one."""
        fields: dict[str, Any] = {Block.CRITICISM.value: criticism}
        if self.theme:
            fields[theme_block(Block.CRITICISM)] = self.theme
        return fields

    async def name_of(self, customer_id: int) -> str:
        async with self.env.db.unit_of_work() as s:
            customer = await s.get(Customer, customer_id)
        return customer.name if customer else "?"

    async def morning(self, *, lines: int = 3) -> dict[str, Any]:
        """The morning jobs at 08:31: the owners' item digests, the nudge (and what else the
        morning brings: a complaint to own), back to the floor's, matchmaking's and customer
        meetings' jobs (the attendees prepared)."""
        self.t.skip()
        await reminders_tick(self.env.deps)
        await run_morning(self.env.db, self.env.settings, self.env.team_id, now=self.clock())
        await floor_tick(self.env.deps)
        await matchmaking_tick(self.env.deps)
        await meetings_tick(self.env.deps)
        await self.env.deliver()
        self.t.heard(only={self.dm, *self.owners, *self.listeners}, limit=lines)
        return self.nudge()

    async def monday_(self) -> None:
        t = self.t
        t.day(f"Monday {self.monday:%-d %b}: the week is planned; the account teams hear")
        self.at(-1, 18)  # Sunday evening: the planning job, then each team's heads-up
        await planning_tick(self.env.deps)
        await self.env.deliver()
        new = self.env.slack.messages()[t.seen :]
        t.skip()
        for m in new:
            mine = [x for x in block_lines(m.get("blocks") or [], t.names) if self.dana.name in x]
            if mine:
                t.say(f"  {t.where(m)}: {mine[0]}")
        # Monday morning: the nudge, and the team's reply in its heads-up thread
        self.owners: set[str] = set()
        self.at(0, 8, 31)
        nudge = await self.morning(lines=14)
        first, *_ = await self.free(nudge)
        mate, heads_up = await self._teammate_and_thread(first, new)
        name = await self.name_of(first)
        reply = f"{name} renews in January; their new CFO wants a usage review first."
        t.act(mate.name, f"replies in the heads-up thread: “{reply}”")
        await User(self.env, mate.slack_user_id or "").says_in_thread(
            heads_up["channel"], heads_up["ts"], reply, ts=f"{self.clock().timestamp():.6f}"
        )
        await self.me.click(Action.BRIEF, str(first), on=nudge)
        brief = block_lines(self.me.opened()["blocks"], t.names)
        said = [x for x in brief if "account team" in x.lower() or reply[:20] in x]
        t.act(self.first, f"opens the Brief of {name}: " + " ".join(said[:2]))

        self.at(0, 10)
        await self.me.click(Action.LOG_CALL, str(first), on=nudge)
        modal = self.me.opened()
        t.act(self.first, f"calls {name}; Log call → the call modal, {name} preselected")
        owner = await self._person_named(mate.name)
        await self.me.submit(
            modal,
            **{
                Block.OUTCOME.value: "reached",
                Block.SENTIMENT.value: "satisfied",
                Block.SUMMARY.value: "Happy with the rollout; the monthly export is slow.",
                **self.tagged("Export of monthly reports takes minutes."),
                numbered(Block.ITEM_TEXT, 1): "Look into the slow monthly export",
                numbered(Block.ITEM_OWNER, 1): owner.slack_user_id,
                numbered(Block.ITEM_DUE, 1): (self.monday + timedelta(days=1)).isoformat(),
                numbered(Block.KUDOS_TO, 1): owner.slack_user_id,
                numbered(Block.KUDOS_NOTE, 1): "They praised the onboarding you ran.",
            },
        )
        self.owners.add("D" + (owner.slack_user_id or "")[1:])
        t.heard(limit=3)

    async def tuesday(self) -> None:
        t = self.t
        t.day("Tuesday: voicemail, then the follow-up email; a swap")
        self.at(1, 8, 31)
        nudge = await self.morning(lines=1)
        free = await self.free(nudge)  # one kept for Wednesday, when the stories leave one
        second, third = free[1:3] if len(free) >= 3 else free[-2:]
        self.at(1, 9, 15)
        await self.me.click(Action.VOICEMAIL, str(second), on=nudge)
        t.act(self.first, f"gets voicemail at {await self.name_of(second)}: Left voicemail →")
        email = self.me.opened()
        lines = block_lines(email["blocks"], t.names)
        t.say("  modal Follow-up email: " + lines[0])
        t.say("      " + next(x for x in lines if x.startswith("To:")))
        links = [e for b in email["blocks"] if b["type"] == "actions" for e in b["elements"]]
        for link in (e for e in links if e.get("url")):
            t.say(f"      [{link['text']['text']}] {short_url(link['url'])}")
        body = email["blocks"][-1]["text"]["text"]
        for slot in [x for x in body.splitlines() if x.startswith("- ")][:3]:
            t.say(f"      slot {slot[2:]}")
        self.voicemail = second
        await self.me.click(Action.SWAP, str(third), on=nudge)
        t.act(self.first, f"swaps {await self.name_of(third)} (Already spoke recently)")
        await self.me.submit(self.me.opened(), **{Block.REASON.value: "recent"})
        t.heard(only={self.dm})

    async def wednesday(self) -> None:
        t = self.t
        on = self.at(2, 8, 31)
        t.day("Wednesday: “Later today”, and the nudge comes again at 15:00")
        nudge = await self.morning(lines=1)
        later = f"{on.isoformat()}T15:00"
        option = {"value": later, "text": {"type": "plain_text", "text": "at 15:00"}}
        picked = {
            "action_id": Action.NUDGE_LATER.value,
            "type": "static_select",
            "block_id": "nudge_later",
            "selected_option": option,
        }
        t.act(self.first, "picks ⏰ Later today… at 15:00")
        await self.me.click(Action.NUDGE_LATER, on=nudge, element=picked)
        t.heard(only={self.dm})
        self.at(2, 15)
        await run_morning(self.env.db, self.env.settings, self.env.team_id, now=self.clock())
        await self.env.deliver()
        t.heard(only={self.dm}, limit=1)
        nudge = self.nudge()
        target = next(c for c in await self.free(nudge) if c != self.voicemail)
        name = await self.name_of(target)
        await self.me.click(Action.LOG_CALL, str(target), on=nudge)
        t.act(self.first, f"reaches {name}: unhappy about support; an item for the team")
        owner = await self._owner_for(target)
        await self.me.submit(
            self.me.opened(),
            **{
                Block.OUTCOME.value: "reached",
                Block.SENTIMENT.value: "unhappy",
                Block.SUMMARY.value: "Two tickets waited a week for an answer.",
                numbered(Block.ITEM_TEXT, 1): "Call them about the two slow tickets",
                numbered(Block.ITEM_OWNER, 1): owner.slack_user_id,
                numbered(Block.ITEM_DUE, 1): on.isoformat(),
            },
        )
        self.owners.add("D" + (owner.slack_user_id or "")[1:])
        t.heard(only={self.dm}, limit=2)
        t.skip()

    async def thursday(self) -> None:
        t = self.t
        t.day("Thursday: the owners' overdue digest; Dana skips today")
        on = self.at(3, 8, 31)
        nudge = await self.morning(lines=4)
        async with self.env.db.unit_of_work() as s:
            items = list(
                await s.scalars(
                    select(ActionItem)
                    .join(Customer, Customer.id == ActionItem.customer_id)
                    .where(Customer.executive_id == self.dana.id, ActionItem.status == "open")
                    .order_by(ActionItem.id)
                )
            )
        done, snoozed = items[0], items[-1]
        for item, action in ((done, Action.ITEM_DONE), (snoozed, Action.ITEM_SNOOZE)):
            async with self.env.db.unit_of_work() as s:
                owner = await s.get(Person, item.owner_id)
            assert owner is not None and owner.slack_user_id
            digest = self._digest_of(owner.slack_user_id)
            element = element_in(digest, item.text, action)
            label = "Done" if action == Action.ITEM_DONE else "Snooze 1 week"
            t.act(owner.name, f"clicks {label} on “{item.text}”")
            await User(self.env, owner.slack_user_id).click(action, on=digest, element=element)
            t.heard(limit=3)
        self.snoozed, self.closed = snoozed.id, done.id
        t.act(self.first, "is at an offsite: Skip today")
        await self.me.click(Action.NUDGE_SKIP, on.isoformat(), on=nudge)
        t.heard(only={self.dm})

    async def friday(self) -> None:
        t = self.t
        t.day("Friday: a call back, a pause for next week, App Home")
        self.at(4, 8, 31)
        await self.morning(lines=1)
        self.at(4, 11)
        name = await self.name_of(self.voicemail)
        word = name.split()[0].lower()
        t.act(self.first, f"is called back by {name}: /kyc done {word}")
        await self.me.command(f"done {word}")
        await self.me.submit(
            self.me.opened(),
            **{
                Block.OUTCOME.value: "reached",
                Block.SENTIMENT.value: "promoter",
                Block.SCORE.value: "9",
                Block.SUMMARY.value: "Loves the new dashboards; happy to be a reference.",
                **self.tagged("Month-end reports export to Excel only, and slowly."),
            },
        )
        t.heard(only={self.dm}, limit=2)
        until = self.monday + timedelta(days=11)
        t.act(self.first, f"on App Home: Pause → the calendar, until {until:%a %-d %b}")
        await self.me.opens_home()
        await self.me.click(Action.PAUSE)
        reason = "Family holiday"
        await self.me.submit(
            self.me.opened(),
            **{Block.PAUSE_UNTIL.value: until.isoformat(), Block.PAUSE_REASON.value: reason},
        )
        home = self.env.slack.calls_to("views.publish")[-1].params["view"]
        t.say("  App Home:")
        for line in block_lines(home["blocks"], t.names)[:24]:
            t.say(f"      {line}")
        await self.me.click(Action.MY_SETTINGS)
        fields = [
            f"{b['block_id']} {initial_of(b['element'])}".strip()
            for b in self.me.opened()["blocks"]
            if b.get("type") == "input"
        ]
        t.act(self.first, "clicks My settings →")
        t.say("  modal My settings: " + " · ".join(fields))
        t.heard(only={self.dm})

    def _digest_of(self, user_id: str) -> dict[str, Any]:
        dms = self.env.slack.messages("D" + user_id[1:])
        return next(m for m in reversed(dms) if "to see to today" in (m.get("text") or ""))

    async def _person_named(self, name: str) -> Person:
        async with self.env.db.unit_of_work() as s:
            person = await s.scalar(select(Person).where(Person.name == name))
        assert person is not None
        return person

    async def _owner_for(self, customer_id: int) -> Person:
        """Someone on the customer's account team (its lead when it has one)."""
        async with self.env.db.unit_of_work() as s:
            customer = await s.get(Customer, customer_id)
            assert customer is not None
            people = list(
                await s.scalars(
                    select(Person)
                    .where(Person.team_id == customer.team_id, Person.role == "member")
                    .order_by(Person.manager_id.is_not(None), Person.name)
                )
            )
        return people[0]

    async def _teammate_and_thread(
        self, customer_id: int, posted: list[dict[str, Any]]
    ) -> tuple[Person, dict[str, Any]]:
        """An account manager of the customer's team, and that team's heads-up."""
        async with self.env.db.unit_of_work() as s:
            customer = await s.get(Customer, customer_id)
            assert customer is not None
            team = await s.get(Team, customer.team_id)
            mate = await s.scalar(
                select(Person)
                .where(Person.team_id == customer.team_id, Person.manager_id.is_not(None))
                .order_by(Person.name)
            )
        assert team is not None and mate is not None
        return mate, next(m for m in posted if m.get("channel") == team.channel_id)
