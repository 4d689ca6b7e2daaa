"""The regimen's figures as SQL aggregates: grouped by executive, never a row per contact."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.regimen.metrics import Scores, SentimentMix
from bot.regimen.types import BatchStatus, ContactKind, ItemStatus, Outcome, Sentiment
from storage.models import ActionItem, BatchEntry, Contact, Customer, Kudos

# A week's target: everything planned for it except swaps (carried-over customers were planned
# for that week and not reached, so they count against it).
COUNTED = [BatchStatus.PLANNED, BatchStatus.ATTEMPTED, BatchStatus.DONE, BatchStatus.CARRIED_OVER]
REACHED = [Outcome.REACHED, Outcome.MEETING_SCHEDULED]


# A voicemail is an attempt, not a contact: the one rule every count of contacts keeps, from
# Outcome.is_contact (a decline is a proactive contact, never a reached one). Every kind of
# touchpoint (call, visit, lunch…) counts alike: no count here filters on the channel.
IS_CONTACT = or_(
    Contact.outcome.is_(None), Contact.outcome.not_in([o for o in Outcome if not o.is_contact])
)


async def contact_counts(
    session: AsyncSession, ws: str, ids: Sequence[int], since: datetime, until: datetime
) -> dict[int, dict[ContactKind, int]]:
    """Customer contacts per executive and kind; a voicemail is an attempt, not a contact."""
    rows = await session.execute(
        select(Contact.executive_id, Contact.kind, func.count())
        .where(
            Contact.workspace_id == ws,
            Contact.executive_id.in_(ids),
            Contact.occurred_at >= since,
            Contact.occurred_at <= until,
            IS_CONTACT,
        )
        .group_by(Contact.executive_id, Contact.kind)
    )
    out: dict[int, dict[ContactKind, int]] = defaultdict(dict)
    for exec_id, kind, n in rows:
        if exec_id is not None:
            out[exec_id][kind] = n
    return out


async def weekly_batches(
    session: AsyncSession, ws: str, ids: Sequence[int], since_week: str
) -> dict[int, list[tuple[str, int, int]]]:
    """(iso_week, done, target) per executive and week."""
    rows = await session.execute(
        select(
            BatchEntry.executive_id,
            BatchEntry.iso_week,
            func.sum(case((BatchEntry.status == BatchStatus.DONE, 1), else_=0)),
            func.sum(case((BatchEntry.status.in_(COUNTED), 1), else_=0)),
        )
        .where(
            BatchEntry.workspace_id == ws,
            BatchEntry.executive_id.in_(ids),
            BatchEntry.iso_week >= since_week,
        )
        .group_by(BatchEntry.executive_id, BatchEntry.iso_week)
    )
    out: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
    for exec_id, week, done, target in rows:
        out[exec_id].append((week, int(done or 0), int(target or 0)))
    return out


async def coverage(
    session: AsyncSession, ws: str, ids: Sequence[int], since: datetime
) -> dict[int, tuple[int, int, str | None, datetime | None]]:
    """(customers, reached proactively since `since`, longest without, its last call)."""
    theirs = select(Customer.id).where(Customer.workspace_id == ws, Customer.executive_id.in_(ids))
    last = (
        select(Contact.customer_id, func.max(Contact.occurred_at).label("last_pro"))
        .where(
            Contact.workspace_id == ws,
            Contact.kind == ContactKind.PROACTIVE,
            Contact.outcome.in_(REACHED),
            Contact.customer_id.in_(theirs),  # only these executives' customers, not the table
        )
        .group_by(Contact.customer_id)
        .subquery()
    )
    base = (
        select(
            Customer.executive_id.label("exec_id"),
            Customer.name.label("name"),
            last.c.last_pro,
            func.row_number()
            .over(
                partition_by=Customer.executive_id,
                # never called first, then the oldest call, then by name: a stable answer
                order_by=(last.c.last_pro.is_not(None), last.c.last_pro, Customer.name),
            )
            .label("rn"),
        )
        .outerjoin(last, last.c.customer_id == Customer.id)
        .where(
            Customer.workspace_id == ws,
            Customer.executive_id.in_(ids),
            Customer.active.is_(True),
        )
        .subquery()
    )
    totals = await session.execute(
        select(
            base.c.exec_id,
            func.count(),
            func.sum(case((base.c.last_pro >= since, 1), else_=0)),
            func.max(case((base.c.rn == 1, base.c.name))),
        ).group_by(base.c.exec_id)
    )
    oldest = dict(
        (e, lp)
        for e, lp in await session.execute(
            select(base.c.exec_id, base.c.last_pro).where(base.c.rn == 1)
        )
    )
    return {e: (int(n), int(covered or 0), name, oldest.get(e)) for e, n, covered, name in totals}


def _opinion(when: ColumnElement[bool]) -> list[ColumnElement[int]]:
    """Sums for a SentimentMix and Scores over the rows where `when` holds, in that order:
    unhappy, satisfied, promoter; promoters (9–10), passives (7–8), detractors (0–6), points."""

    def count(cond: ColumnElement[bool]) -> ColumnElement[int]:
        return func.sum(case((and_(when, cond), 1), else_=0))

    return [
        count(Contact.sentiment == Sentiment.UNHAPPY),
        count(Contact.sentiment == Sentiment.SATISFIED),
        count(Contact.sentiment == Sentiment.PROMOTER),
        count(Contact.score >= 9),
        count(and_(Contact.score >= 7, Contact.score <= 8)),
        count(Contact.score <= 6),
        func.sum(case((and_(when, Contact.score.is_not(None)), Contact.score), else_=0)),
    ]


def _mix_and_scores(row: Sequence[int | None]) -> tuple[SentimentMix, Scores]:
    u, s, p, pr, pa, de, pts = (int(v or 0) for v in row)
    return SentimentMix(u, s, p), Scores(pr, pa, de, pts)


async def call_opinion(
    session: AsyncSession, ws: str, ids: Sequence[int], since: datetime, until: datetime
) -> dict[int, tuple[SentimentMix, Scores]]:
    """Sentiment and 0–10 scores of each executive's own proactive calls and meetings."""
    rows = await session.execute(
        select(Contact.executive_id, *_opinion(Contact.kind == ContactKind.PROACTIVE))
        .where(
            Contact.workspace_id == ws,
            Contact.executive_id.in_(ids),
            Contact.kind == ContactKind.PROACTIVE,
            Contact.occurred_at >= since,
            Contact.occurred_at <= until,
        )
        .group_by(Contact.executive_id)
    )
    return {e: _mix_and_scores(rest) for e, *rest in rows if e is not None}


async def customer_side(
    session: AsyncSession,
    ws: str,
    ids: Sequence[int],
    since: datetime,
    recent: datetime,
    until: datetime,
) -> dict[int, tuple[SentimentMix, Scores, int]]:
    """Per sponsoring executive, over their customers (whoever handled the contact): the
    sentiment and scores of reactive contacts since `since` (ticket satisfaction), and how many
    contacts since `recent` had no executive at all (the customer's, not the sponsor's)."""
    reactive = Contact.kind == ContactKind.REACTIVE
    nobody = and_(
        Contact.executive_id.is_(None),
        Contact.occurred_at >= recent,
        IS_CONTACT,
    )
    rows = await session.execute(
        select(Customer.executive_id, func.sum(case((nobody, 1), else_=0)), *_opinion(reactive))
        .join(Customer, Customer.id == Contact.customer_id)
        .where(
            Contact.workspace_id == ws,
            Customer.executive_id.in_(ids),
            Contact.occurred_at >= since,
            Contact.occurred_at <= until,
            or_(reactive, Contact.executive_id.is_(None)),
        )
        .group_by(Customer.executive_id)
    )
    out: dict[int, tuple[SentimentMix, Scores, int]] = {}
    for e, n, *rest in rows:
        mix, scores = _mix_and_scores(rest)
        out[e] = (mix, scores, int(n or 0))
    return out


async def customer_only_contacts(
    session: AsyncSession,
    ws: str,
    sponsors: Sequence[int] | None,
    since: datetime,
    until: datetime,
) -> dict[ContactKind, int]:
    """Contacts with no executive (on the sponsors' customers; None: any customer), by kind:
    they count in the totals, for the customer, and against nobody's share."""
    stmt = (
        select(Contact.kind, func.count())
        .where(
            Contact.workspace_id == ws,
            Contact.executive_id.is_(None),
            Contact.occurred_at >= since,
            Contact.occurred_at <= until,
            IS_CONTACT,
        )
        .group_by(Contact.kind)
    )
    if sponsors is not None:
        stmt = stmt.join(Customer, Customer.id == Contact.customer_id).where(
            Customer.executive_id.in_(sponsors)
        )
    return {kind: int(n) for kind, n in await session.execute(stmt)}


async def items(
    session: AsyncSession, ws: str, ids: Sequence[int], today: date, since: datetime
) -> dict[int, tuple[int, int, int, list[float]]]:
    """(open, overdue, snoozed, days-to-close of items closed since `since`) for items from
    each executive's calls. An item snoozed (until a day after `today`) counts as snoozed, not
    overdue, as the owner's digest leaves it out. Only closure times are fetched, and only of
    the recent closed items."""
    snoozed = ActionItem.snoozed_until > today
    counts = await session.execute(
        select(
            Contact.executive_id,
            func.count(),
            func.sum(case((snoozed, 0), (ActionItem.due_on < today, 1), else_=0)),
            func.sum(case((snoozed, 1), else_=0)),
        )
        .join(Contact, Contact.id == ActionItem.contact_id)
        .where(
            ActionItem.workspace_id == ws,
            Contact.executive_id.in_(ids),
            ActionItem.status == ItemStatus.OPEN,
        )
        .group_by(Contact.executive_id)
    )
    out: dict[int, tuple[int, int, int, list[float]]] = {
        e: (int(n), int(overdue or 0), int(asleep or 0), []) for e, n, overdue, asleep in counts
    }
    closed = await session.execute(
        select(Contact.executive_id, ActionItem.created_at, ActionItem.done_at)
        .join(Contact, Contact.id == ActionItem.contact_id)
        .where(
            ActionItem.workspace_id == ws,
            Contact.executive_id.in_(ids),
            ActionItem.status == ItemStatus.DONE,
            ActionItem.done_at >= since,
        )
    )
    for exec_id, created, done in closed:
        if exec_id is None or done is None:
            continue
        entry = out.setdefault(exec_id, (0, 0, 0, []))
        entry[3].append((done - created).total_seconds() / 86400)
    return out


async def kudos(
    session: AsyncSession, ws: str, ids: Sequence[int], since: datetime
) -> dict[int, tuple[int, int]]:
    """(given, received) per person since `since`."""
    counts: list[dict[int, int]] = []
    for side in (Kudos.from_id, Kudos.to_id):
        rows = await session.execute(
            select(side, func.count())
            .where(Kudos.workspace_id == ws, side.in_(ids), Kudos.created_at >= since)
            .group_by(side)
        )
        counts.append({person: int(n) for person, n in rows})
    given, received = counts
    return {e: (given.get(e, 0), received.get(e, 0)) for e in ids}


def weeks_back(today: date, weeks: int) -> str:
    year, week, _ = (today - timedelta(weeks=weeks)).isocalendar()
    return f"{year}-W{week:02d}"


async def daily_contacts(
    session: AsyncSession, ws: str, ids: Sequence[int] | None, since: datetime
) -> list[tuple[int | None, date, ContactKind, int]]:
    """Contacts per executive, UTC day and kind: at most a row per day, not per contact."""
    day = func.date(Contact.occurred_at).label("day")
    stmt = (
        select(Contact.executive_id, day, Contact.kind, func.count())
        .where(
            Contact.workspace_id == ws,
            Contact.occurred_at >= since,
            IS_CONTACT,
        )
        .group_by(Contact.executive_id, day, Contact.kind)
    )
    if ids is not None:
        stmt = stmt.where(Contact.executive_id.in_(ids))
    out = []
    for exec_id, d, kind, n in await session.execute(stmt):
        out.append((exec_id, d if isinstance(d, date) else date.fromisoformat(str(d)), kind, n))
    return out


async def daily_sentiments(
    session: AsyncSession, ws: str, ids: Sequence[int], since: datetime
) -> list[tuple[date, Sentiment, int]]:
    """Calls with a sentiment per UTC day and sentiment (a few hundred rows for half a year)."""
    day = func.date(Contact.occurred_at).label("day")
    rows = await session.execute(
        select(day, Contact.sentiment, func.count())
        .where(
            Contact.workspace_id == ws,
            Contact.executive_id.in_(ids),
            Contact.occurred_at >= since,
            Contact.kind == ContactKind.PROACTIVE,  # calls only: tickets are not calls
            Contact.sentiment.is_not(None),
        )
        .group_by(day, Contact.sentiment)
    )
    return [
        (d if isinstance(d, date) else date.fromisoformat(str(d)), s, int(n))
        for d, s, n in rows
        if s is not None
    ]


async def daily_call_opinion(
    session: AsyncSession, ws: str, ids: Sequence[int], since: datetime, until: datetime
) -> list[tuple[date, SentimentMix, Scores]]:
    """The executives' calls' sentiment and scores per UTC day, for the weekly trend: a row a
    day with calls, whatever the roster size."""
    day = func.date(Contact.occurred_at).label("day")
    rows = await session.execute(
        select(day, *_opinion(Contact.kind == ContactKind.PROACTIVE))
        .where(
            Contact.workspace_id == ws,
            Contact.executive_id.in_(ids),
            Contact.kind == ContactKind.PROACTIVE,
            Contact.occurred_at >= since,
            Contact.occurred_at <= until,
            or_(Contact.sentiment.is_not(None), Contact.score.is_not(None)),
        )
        .group_by(day)
    )
    out = []
    for d, *rest in rows:
        mix, scores = _mix_and_scores(rest)
        out.append((d if isinstance(d, date) else date.fromisoformat(str(d)), mix, scores))
    return out
