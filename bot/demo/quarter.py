"""The weeks before the one shown, simulated without a transcript so the quarter is coherent:
each executive calls most of that week's own batch, and the teams close most items."""

from __future__ import annotations

import random
from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from bot.regimen.calendar import iso_week_of
from bot.regimen.types import BatchStatus, Outcome, Sentiment
from bot.services import items as item_service
from bot.services.calls import log_call
from bot.services.planning import plan_week
from bot.standin.harness import Clock, LocalSlack
from bot.views.data import CallSubmission, ItemInput, KudosInput
from storage.models import ActionItem, BatchEntry, Customer, Person

CRITICISM = [None, "export is slow", "pricing unclear", "support response slow"]
STRESSED = [None, "reporting export", "pricing", "onboarding"]


async def simulate_week(
    env: LocalSlack,
    clock: Clock,
    monday: date,
    *,
    seed: int,
    plan: bool = True,
    executive_ids: Collection[int] | None = None,
) -> int:
    """A plausible week for the executives (all, or `executive_ids`): three in four of their
    batch called that week, some voicemails, unhappy calls with an action item that the team
    mostly closes by Friday. The count of calls logged."""
    rng = random.Random(seed)
    week = iso_week_of(monday)
    if plan:
        clock.set(datetime.combine(monday - timedelta(days=1), time(20), UTC))
        await plan_week(env.db, env.settings, env.team_id, week, as_of=clock())
    async with env.db.unit_of_work() as s:
        mates = [
            p.slack_user_id
            for p in await s.scalars(select(Person).where(Person.role == "member"))
            if p.slack_user_id
        ]
        query = select(BatchEntry).where(
            BatchEntry.iso_week == week, BatchEntry.status == BatchStatus.PLANNED
        )
        if executive_ids is not None:
            query = query.where(BatchEntry.executive_id.in_(executive_ids))
        entries = list(await s.scalars(query.order_by(BatchEntry.id)))
    calls = 0
    # One unit of work for the week's calls (each its own in the app): the demo's budget is
    # seconds, and nothing reads between them.
    async with env.db.unit_of_work() as s:
        for entry in entries:
            if rng.random() < 0.25:
                continue  # not reached this week: it carries over
            day = monday + timedelta(days=rng.randint(0, 4))
            clock.set(datetime.combine(day, time(15), UTC))
            me = await s.get(Person, entry.executive_id)
            assert me is not None
            sub = _call(rng, entry.customer_id, mates)
            await log_call(
                s, env.settings, me, sub, request_key=f"sim-{week}-{entry.id}", now=clock()
            )
            calls += 1
    clock.set(datetime.combine(monday + timedelta(days=4), time(20), UTC))
    async with env.db.unit_of_work() as s:
        open_items = select(ActionItem).where(ActionItem.status == "open")
        if executive_ids is not None:
            open_items = open_items.join(Customer, Customer.id == ActionItem.customer_id).where(
                Customer.executive_id.in_(executive_ids)
            )
        for item in await s.scalars(open_items.order_by(ActionItem.id)):
            if rng.random() < 0.8 and item.owner_id:
                owner = await s.get(Person, item.owner_id)
                if owner is not None:
                    await item_service.mark_done(s, owner, item.id, now=clock())
    await env.deliver()
    return calls


def _call(rng: random.Random, customer_id: int, mates: list[str]) -> CallSubmission:
    outcome = rng.choice([Outcome.REACHED] * 3 + [Outcome.VOICEMAIL, Outcome.MEETING_SCHEDULED])
    sentiment = rng.choice(list(Sentiment)) if outcome != Outcome.VOICEMAIL else None
    return CallSubmission(
        customer_id=customer_id,
        outcome=outcome,
        sentiment=sentiment,
        score=rng.randint(4, 10) if sentiment else None,
        summary="Good call; reporting export is slow" if sentiment else None,
        criticism=rng.choice(CRITICISM),
        stressed_areas=rng.choice(STRESSED),
        make_it_great=None,
        details_to_remember=None,
        items=(ItemInput("Follow up on the export", rng.choice(mates), None, None),)
        if sentiment == Sentiment.UNHAPPY
        else (),
        kudos=(KudosInput(rng.choice(mates), "Great support"),) if rng.random() < 0.2 else (),
    )
