"""The weeks before the one shown, simulated without a transcript so the quarter is coherent:
each executive calls most of that week's own batch, and the teams close most items."""

from __future__ import annotations

import random
from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.regimen.calendar import iso_week_of
from bot.regimen.types import BatchStatus, Channel, ContactKind, ItemStatus, Outcome, Sentiment
from bot.services.planning import plan_week
from bot.standin.harness import Clock, LocalSlack
from bot.views.data import CallSubmission, ItemInput, KudosInput
from storage.models import (
    ActionItem,
    BatchEntry,
    Contact,
    Customer,
    Kudos,
    OutboxMessage,
    OutboxStatus,
    Person,
    Team,
)

CRITICISM = [None, "export is slow", "pricing unclear", "support response slow"]
STRESSED = [None, "reporting export", "pricing", "onboarding"]


# The simulated weeks are written in bulk: a few executemany statements of the rows `log_call`
# and `mark_done` would have left (contacts, batch entries, items, kudos), not each call through
# the app's routing and the sender. The demo prints the shown week only, so what these weeks
# would have sent is never queued nor delivered; should planning ever queue something, it is
# marked as sent below, not left for the shown week's sender.
# `kyc demo --weeks 13`, wall time of 3 runs on the 2-core machine (`kyc demo`: 3.0–3.2 s):
#   before (log_call, mark_done and the sender per call): 6.14 s, 7.14 s, 6.63 s
#   after (bulk rows, nothing delivered):                  4.68 s, 4.49 s, 4.33 s
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
    async with env.db.unit_of_work() as s:
        queued_before = await s.scalar(select(func.max(OutboxMessage.id))) or 0
    if plan:
        clock.set(datetime.combine(monday - timedelta(days=1), time(20), UTC))
        await plan_week(env.db, env.settings, env.team_id, week, as_of=clock())
    async with env.db.unit_of_work(writes=True) as s:
        members = await s.scalars(  # the account teams': no item goes to Engineering
            select(Person)
            .join(Team, Team.id == Person.team_id)
            .where(Person.role == "member", Team.customer_facing.is_(True))
        )
        mates = {p.slack_user_id: p for p in members if p.slack_user_id}
        query = select(BatchEntry).where(
            BatchEntry.iso_week == week, BatchEntry.status == BatchStatus.PLANNED
        )
        if executive_ids is not None:
            query = query.where(BatchEntry.executive_id.in_(executive_ids))
        entries = list(await s.scalars(query.order_by(BatchEntry.id)))
        teams = dict((await s.execute(select(Customer.id, Customer.team_id))).all())
        calls = []
        for entry in entries:
            if rng.random() < 0.25:
                continue  # not reached this week: it carries over
            day = monday + timedelta(days=rng.randint(0, 4))
            at = datetime.combine(day, time(15), UTC)
            calls.append((entry, at, _call(rng, entry.customer_id, list(mates))))
        if calls:
            await _store(s, week, calls, mates, teams)
        friday = datetime.combine(monday + timedelta(days=4), time(20), UTC)
        open_items = select(ActionItem.id, ActionItem.owner_id).where(
            ActionItem.status == ItemStatus.OPEN
        )
        if executive_ids is not None:
            open_items = open_items.join(Customer, Customer.id == ActionItem.customer_id).where(
                Customer.executive_id.in_(executive_ids)
            )
        closed = [
            i
            for i, owner in await s.execute(open_items.order_by(ActionItem.id))
            if rng.random() < 0.8 and owner
        ]
        if closed:  # by their owners, Friday evening
            await s.execute(
                update(ActionItem)
                .where(ActionItem.id.in_(closed))
                .values(status=ItemStatus.DONE, done_at=friday, done_by_id=ActionItem.owner_id)
            )
        await s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id > queued_before, OutboxMessage.status == OutboxStatus.PENDING)
            .values(status=OutboxStatus.SENT, sent_at=friday)
        )
    clock.set(friday)
    return len(calls)


async def _store(
    s: AsyncSession,
    week: str,
    calls: list[tuple[BatchEntry, datetime, CallSubmission]],
    mates: dict[str, Person],
    teams: dict[int, int | None],
) -> None:
    """The rows `log_call` leaves for these calls, an executemany per table."""
    contact_ids = list(
        await s.scalars(
            insert(Contact).returning(Contact.id, sort_by_parameter_order=True),
            [_contact(week, e, at, sub) for e, at, sub in calls],
        )
    )
    reached = {
        o: BatchStatus.DONE if o.reached_customer else BatchStatus.ATTEMPTED for o in Outcome
    }
    await s.execute(
        update(BatchEntry),
        [
            {"id": e.id, "status": reached[sub.outcome], "contact_id": cid}
            for (e, _, sub), cid in zip(calls, contact_ids, strict=True)
        ],
    )
    items: list[dict[str, Any]] = []
    kudos: list[dict[str, Any]] = []
    for (e, at, sub), cid in zip(calls, contact_ids, strict=True):
        for it in sub.items:
            owner = mates[it.owner_user_id or ""]
            items.append(
                {
                    "workspace_id": e.workspace_id,
                    "contact_id": cid,
                    "customer_id": e.customer_id,
                    "text": it.text,
                    "owner_id": owner.id,
                    "team_id": owner.team_id or teams.get(e.customer_id),
                    "due_on": it.due_on,
                    "status": ItemStatus.OPEN,
                    "created_at": at,
                }
            )
        for k in sub.kudos:
            kudos.append(
                {
                    "workspace_id": e.workspace_id,
                    "contact_id": cid,
                    "from_id": e.executive_id,
                    "to_id": mates[k.to_user_id].id,
                    "note": k.note,
                    "created_at": at,
                }
            )
    if items:
        await s.execute(insert(ActionItem), items)
    if kudos:
        await s.execute(insert(Kudos), kudos)


def _contact(week: str, e: BatchEntry, at: datetime, sub: CallSubmission) -> dict[str, Any]:
    return {
        "workspace_id": e.workspace_id,
        "customer_id": sub.customer_id,
        "executive_id": e.executive_id,
        "kind": ContactKind.PROACTIVE,
        "channel": Channel.CALL,
        "outcome": sub.outcome,
        "sentiment": sub.sentiment,
        "score": sub.score,
        "summary": sub.summary,
        "criticism": sub.criticism,
        "stressed_areas": sub.stressed_areas,
        "make_it_great": sub.make_it_great,
        "details_to_remember": sub.details_to_remember,
        "success_story": sub.success_story,
        "follow_up_owner_id": None,
        "follow_up_on": sub.follow_up_on,
        "occurred_at": at,
        "logged_by_id": e.executive_id,
        "source": "slack",
        "request_key": f"sim-{week}-{e.id}",
        "created_at": at,
    }


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
