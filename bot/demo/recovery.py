"""A key customer's complaint owned and recovered: the CRM's import brings Keystone Bank's
complaint on Monday afternoon; Tuesday morning Dana is offered it, takes ownership (the
customer tops her week, the team's channel hears) and calls; Thursday the customer writes in
about something else; Friday's morning settles the recovery as recovered."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from bot.demo.story import Story, press
from bot.ids import Action, Block
from bot.services.roster_import import import_csv
from storage.models import Customer, Recovery

COMPLAINT = "Statements went out with wrong balances, the second time this quarter."
THANKS = "Thanks for the call: the corrected statements are out and right."


class KeyComplaint(Story):
    async def prepare(self) -> None:
        dana = self.week.dana
        async with self.env.db.unit_of_work() as s:
            key = await s.scalar(
                select(Customer)
                .where(Customer.executive_id == dana.id, Customer.key.is_(True))
                .order_by(Customer.id)
            )
        assert key is not None, "the demo roster has a key customer of the executive's"
        self.key = key

    async def reserved(self) -> set[int]:
        return {self.key.id}

    async def _import(self, ref: str, channel: str, summary: str, sentiment: str = "") -> None:
        """A contact as `kyc import contacts` (or a CRM sync) brings it, at the clock's now."""
        at = self.env.clock().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"{ref}.csv"
            path.write_text(
                "external_ref,customer,occurred_at,channel,kind,sentiment,summary\n"
                f'{ref},{self.key.external_id},{at},{channel},reactive,{sentiment},"{summary}"\n',
                encoding="utf-8",
            )
            report = await import_csv(self.env.db, self.env.team_id, "contacts", path)
        assert report.ok, [str(e) for e in report.errors]

    async def monday(self) -> None:
        self.week.at(0, 14)
        self.t.act(
            "The CRM", f"sync (kyc import contacts) brings a complaint from {self.key.name}:"
        )
        self.t.say(f"      “{COMPLAINT}”")
        await self._import("CRM-DEMO-1", "complaint", COMPLAINT)

    async def tuesday(self) -> None:
        # The offer reached Dana with this morning's nudge (printed there).
        t, dana = self.t, self.week.dana
        self.week.at(1, 12)
        offer = self.last(self.dm(dana), Action.TAKE_OWNERSHIP)
        t.act(self.week.first, f"clicks Take ownership of {self.key.name}'s complaint")
        await press(self, dana, Action.TAKE_OWNERSHIP, offer)
        t.heard(limit=2)
        self.week.at(1, 16)
        word = self.key.name.split()[0].lower()
        t.act(
            self.week.first, f"calls {self.key.name}: an apology, a credit note (/kyc done {word})"
        )
        await self.user(dana).command(f"done {word}")
        await self.user(dana).submit(
            self.user(dana).opened(),
            **{
                Block.OUTCOME.value: "reached",
                Block.SENTIMENT.value: "satisfied",
                Block.SUMMARY.value: "Apologised; corrected statements by Thursday, a credit note.",
            },
        )
        t.heard(only={self.dm(dana)}, limit=1)

    async def thursday(self) -> None:
        self.week.at(3, 15)
        self.t.act("The CRM", f"sync brings {self.key.name}'s next ticket: “{THANKS}”")
        await self._import("CRM-DEMO-2", "ticket", THANKS, "satisfied")

    async def friday(self) -> None:
        async with self.env.db.unit_of_work() as s:
            rec = await s.scalar(select(Recovery).where(Recovery.customer_id == self.key.id))
        assert rec is not None
        steps = [
            ("complaint", rec.complained_at),
            ("owned", rec.owned_at),
            ("called", rec.first_call_at),
            ("recovered", rec.recovered_at),
        ]
        shown = " → ".join(f"{what} {self._local(at)}" for what, at in steps if at is not None)
        self.t.say(f"  {self.key.name}'s complaint, as the morning run settles it: {rec.status}")
        self.t.say(f"      {shown}")

    def _local(self, at: datetime) -> str:
        return at.replace(tzinfo=at.tzinfo or UTC).astimezone(self.week.tz).strftime("%a %H:%M")
