"""Use case: a customer's history (`/kyc customer NAME`, the brief's History button): every
touchpoint and reactive contact, newest first, a page at a time, each with the themes its
insights were tagged to. The first page also says whether it is a key customer, its open
complaints and who owns them, its open action items, the themes it raised (and what became of
them) and the colleagues of teams that do not face customers who met it, with what they learned.

Who may read it: the customer's executive, that executive's delegate, admins, and members of
the customer's team (the account team acts on what customers say). Anyone else is told so."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.deps import Deps
from bot.regimen.matchmaking import PairingStatus
from bot.regimen.themes import theme_label
from bot.regimen.types import ItemStatus, RecoveryStatus
from bot.services.identity import NotAllowed, is_admin, reload_actor
from bot.services.people import regimen_of
from bot.tenancy.workspace_settings import for_workspace
from bot.views.data import HistoryEntry, HistoryPage
from storage.models import (
    ActionItem,
    Contact,
    Customer,
    Insight,
    MatchPairing,
    Person,
    Recovery,
    Team,
    ThemeCandidate,
    ThemeStatus,
)

PAGE_SIZE = 10
NOT_ON_ROSTER = "You are not on the KYC roster yet — ask your KYC admin to add you."
NOT_YOURS = (
    "The history of {name} is open to its executive, their delegate, its account team and "
    "KYC admins — ask one of them if you need it."
)
MAX_LISTED = 5
FIRST_PAGE_ROWS = 20  # open complaints, themes, guests: each at most this many rows read
BECAME = {
    ThemeStatus.RAISED: "with its team's lead",
    ThemeStatus.ACTION: "an action point",
    ThemeStatus.DONE: "done",
    ThemeStatus.DISMISSED: "dismissed",
}


def may_see(person: Person, customer: Customer, executive: Person | None) -> bool:
    """The one rule of who reads a customer's history."""
    if person.workspace_id != customer.workspace_id:
        return False
    if is_admin(person) or customer.executive_id == person.id:
        return True
    if executive is not None and executive.delegate_id == person.id:
        return True
    return customer.team_id is not None and person.team_id == customer.team_id


async def _check(session: AsyncSession, person: Person, customer: Customer | None) -> Customer:
    if customer is None or customer.workspace_id != person.workspace_id:
        raise NotAllowed("That customer is not on the KYC roster.")
    executive = await session.get(Person, customer.executive_id) if customer.executive_id else None
    if not may_see(person, customer, executive):
        raise NotAllowed(NOT_YOURS.format(name=customer.name))
    return customer


async def history(
    deps: Deps, person: Person | None, customer_id: int, page: int = 0
) -> HistoryPage:
    """A page of the customer's history, if `person` may see it."""
    if person is None:
        raise NotAllowed(NOT_ON_ROSTER)
    tz = await _zone_of(deps, person)
    async with deps.db.unit_of_work() as session:
        me = await reload_actor(session, person)
        customer = await _check(session, me, await session.get(Customer, customer_id))
        return await _page(session, customer, page, tz)


async def _zone_of(deps: Deps, person: Person) -> ZoneInfo:
    """The reader's timezone: every day and time in the history is theirs."""
    settings = await for_workspace(deps.db, deps.settings, person.workspace_id)
    return regimen_of(person, settings).tz


async def history_by_name(deps: Deps, person: Person | None, typed: str) -> HistoryPage:
    """`/kyc customer NAME`: the customer named (matched as `/kyc done` matches: the name
    containing what was typed, case-insensitive; an exact name wins), or a clear answer when
    none or several match."""
    if person is None:
        raise NotAllowed(NOT_ON_ROSTER)
    query = " ".join(typed.split())
    if not query:
        raise NotAllowed("Name the customer, e.g. `/kyc customer Acme`.")
    tz = await _zone_of(deps, person)
    async with deps.db.unit_of_work() as session:
        me = await reload_actor(session, person)
        escaped = query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        found = list(
            await session.scalars(
                select(Customer)
                .where(
                    Customer.workspace_id == me.workspace_id,
                    Customer.active.is_(True),
                    func.lower(Customer.name).like(f"%{escaped}%", escape="\\"),
                )
                .order_by(Customer.name, Customer.id)
                .limit(50)
            )
        )
        exact = [c for c in found if c.name.casefold() == query.casefold()]
        choice = exact if exact else found
        if not choice:
            raise NotAllowed(f"No customer on the KYC roster matches “{query}”.")
        if len(choice) > 1:
            names = ", ".join(c.name for c in choice[:MAX_LISTED])
            more = f" and {len(choice) - MAX_LISTED} more" if len(choice) > MAX_LISTED else ""
            raise NotAllowed(
                f"{len(choice)} customers match “{query}”: {names}{more}. Type more of the name."
            )
        customer = await _check(session, me, choice[0])
        return await _page(session, customer, 0, tz)


MEETING_SOURCE = "meeting"  # a team's formal meeting: one contact per attendee (meetings/)


def _shown(ws: str, cid: int) -> ColumnElement[bool]:
    """The customer's contacts as the history lists them: a formal meeting once (its first
    attendee's contact stands for all), not once per attendee."""
    earlier = aliased(Contact)
    same_meeting = exists().where(
        earlier.workspace_id == ws,
        earlier.customer_id == cid,
        earlier.source == MEETING_SOURCE,
        earlier.occurred_at == Contact.occurred_at,
        earlier.id < Contact.id,
    )
    return and_(
        Contact.workspace_id == ws,
        Contact.customer_id == cid,
        or_(Contact.source != MEETING_SOURCE, ~same_meeting),
    )


async def _attendees(
    session: AsyncSession, ws: str, cid: int, shown: list[Contact]
) -> dict[int, str]:
    """For each meeting shown, everyone who attended it: "Dana Whitfield, Mo Ahmed"."""
    at = {c.occurred_at: c.id for c in shown if c.source == MEETING_SOURCE}
    if not at:
        return {}
    names: dict[int, list[str]] = defaultdict(list)
    for occurred_at, name in await session.execute(
        select(Contact.occurred_at, Person.name)
        .join(Person, Person.id == Contact.executive_id)
        .where(
            Contact.workspace_id == ws,
            Contact.customer_id == cid,
            Contact.source == MEETING_SOURCE,
            Contact.occurred_at.in_(list(at)),
        )
        .order_by(Contact.id)
    ):
        names[at[occurred_at]].append(name)
    return {contact_id: ", ".join(people) for contact_id, people in names.items()}


async def _page(session: AsyncSession, customer: Customer, page: int, tz: ZoneInfo) -> HistoryPage:
    """Every moment in the page is in `tz`, the reader's zone."""
    ws, cid = customer.workspace_id, customer.id
    shown = _shown(ws, cid)
    total = int(await session.scalar(select(func.count()).select_from(Contact).where(shown)) or 0)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    executive, logger = aliased(Person), aliased(Person)
    rows = list(
        await session.execute(
            select(Contact, executive.name, logger.name)
            .outerjoin(executive, executive.id == Contact.executive_id)
            .outerjoin(logger, logger.id == Contact.logged_by_id)
            .where(shown)
            .order_by(Contact.occurred_at.desc(), Contact.id.desc())
            .offset(page * PAGE_SIZE)
            .limit(PAGE_SIZE)
        )
    )
    ids = [c.id for c, _, _ in rows]
    attended = await _attendees(session, ws, cid, [c for c, _, _ in rows])
    items: dict[int, list[str]] = defaultdict(list)
    if ids:
        for contact_id, text, status in await session.execute(
            select(ActionItem.contact_id, ActionItem.text, ActionItem.status)
            .where(ActionItem.workspace_id == ws, ActionItem.contact_id.in_(ids))
            .order_by(ActionItem.id)
        ):
            done = "done" if status == ItemStatus.DONE else "open"
            items[contact_id].append(f"{text} ({done})")
    themes: dict[int, list[str]] = defaultdict(list)
    if ids:
        for tagged, theme in await session.execute(
            select(Insight.contact_id, Insight.theme)
            .where(
                Insight.workspace_id == ws,
                Insight.contact_id.in_(ids),
                Insight.theme.is_not(None),
            )
            .order_by(Insight.id)
        ):
            label = theme_label(theme or "")
            if tagged is not None and label not in themes[tagged]:
                themes[tagged].append(label)
    entries = tuple(
        HistoryEntry(
            occurred_at=c.occurred_at.astimezone(tz),
            kind=c.kind,
            channel=c.channel,
            outcome=c.outcome,
            who=_who(attended.get(c.id, exec_name), logged_name, c.executive_id == c.logged_by_id),
            sentiment=c.sentiment,
            score=c.score,
            summary=c.summary,
            criticism=c.criticism,
            stressed_areas=c.stressed_areas,
            make_it_great=c.make_it_great,
            in_their_words=c.in_their_words,
            details_to_remember=c.details_to_remember,
            items=tuple(items.get(c.id, ())),
            themes=tuple(themes.get(c.id, ())),
        )
        for c, exec_name, logged_name in rows
    )
    open_items: tuple[str, ...] = ()
    if page == 0:
        owner = aliased(Person)
        open_items = tuple(
            text + (f" — {name}" if name else "") + (f", due {due:%-d %b %Y}" if due else "")
            for text, name, due in await session.execute(
                select(ActionItem.text, owner.name, ActionItem.due_on)
                .outerjoin(owner, owner.id == ActionItem.owner_id)
                .where(
                    ActionItem.workspace_id == ws,
                    ActionItem.customer_id == cid,
                    ActionItem.status == ItemStatus.OPEN,
                )
                .order_by(ActionItem.due_on, ActionItem.id)
                .limit(20)
            )
        )
    first = page == 0
    return HistoryPage(
        customer_id=cid,
        customer_name=customer.name,
        page=page,
        pages=pages,
        total=total,
        entries=entries,
        open_items=open_items,
        key=bool(customer.key),
        recoveries=await _open_recoveries(session, customer, tz) if first else (),
        themes=await _themes(session, customer) if first else (),
        guests=await _guests(session, customer) if first else (),
    )


async def _open_recoveries(
    session: AsyncSession, customer: Customer, tz: ZoneInfo
) -> tuple[str, ...]:
    """ "Complaint of Tue 3 Nov 2026 owned by Dana since Wed 4 Nov 2026", or offered to
    Dana and not owned yet, or with nobody to own it; the days are the reader's (`tz`)."""

    def on(moment: datetime) -> str:
        return f"{moment.astimezone(tz):%a %-d %b %Y}"

    out = []
    for r, name in await session.execute(
        select(Recovery, Person.name)
        .outerjoin(Person, Person.id == Recovery.executive_id)
        .where(
            Recovery.workspace_id == customer.workspace_id,
            Recovery.customer_id == customer.id,
            Recovery.status.in_([RecoveryStatus.OFFERED, RecoveryStatus.OWNED]),
        )
        .order_by(Recovery.complained_at.desc(), Recovery.id.desc())
        .limit(FIRST_PAGE_ROWS)
    ):
        head = f"Complaint of {on(r.complained_at)}"
        if r.status == RecoveryStatus.OWNED and r.owned_at is not None:
            called = " (called)" if r.first_call_at else ", not called yet"
            out.append(f"{head} owned by {name or 'nobody'} since {on(r.owned_at)}{called}")
        elif name:
            since = r.offered_at or r.complained_at
            out.append(f"{head} offered to {name} since {on(since)}, not owned yet")
        else:
            out.append(f"{head}: no executive sponsor to own it")
    return tuple(out)


async def _themes(session: AsyncSession, customer: Customer) -> tuple[str, ...]:
    """Each theme its insights were tagged to, most said first, with its owning team and what
    became of the latest recurring theme its words went into: "Product — Customer Success:
    said 3 times; an action point"."""
    rows = list(
        await session.execute(
            select(Insight.id, Insight.theme, Insight.team_id)
            .where(
                Insight.workspace_id == customer.workspace_id,
                Insight.customer_id == customer.id,
                Insight.theme.is_not(None),
            )
            .order_by(Insight.id)
        )
    )
    if not rows:
        return ()
    ids = {i for i, _, _ in rows}
    became: dict[tuple[str, int | None], ThemeStatus] = {}
    for cand in await session.scalars(
        select(ThemeCandidate)
        .where(ThemeCandidate.workspace_id == customer.workspace_id)
        .order_by(ThemeCandidate.raised_at, ThemeCandidate.id)
    ):
        if ids.intersection(cand.insight_ids or []):
            became[(cand.theme, cand.team_id)] = cand.status  # the latest wins
    counts: dict[tuple[str, int | None], int] = {}
    for _, theme, team_id in rows:
        counts[(theme or "", team_id)] = counts.get((theme or "", team_id), 0) + 1
    teams = {
        t.id: t.name
        for t in await session.scalars(
            select(Team).where(Team.id.in_([k[1] for k in counts if k[1] is not None]))
        )
    }
    out = []
    for (theme, team_id), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0])):
        owner = f" — {teams[team_id]}" if team_id in teams else ""
        said = "said once" if n == 1 else f"said {n} times"
        status = became.get((theme, team_id))
        out.append(
            f"{theme_label(theme)}{owner}: {said}" + (f"; {BECAME[status]}" if status else "")
        )
    return tuple(out[:FIRST_PAGE_ROWS])


async def _guests(session: AsyncSession, customer: Customer) -> tuple[str, ...]:
    """Colleagues who joined a touchpoint with it (matchmaking, accepted), newest first:
    "Eve Chen (Engineering), Tue 1 Dec 2026: what she learned"."""
    out = []
    for p, name, team in await session.execute(
        select(MatchPairing, Person.name, Team.name)
        .join(Person, Person.id == MatchPairing.guest_id)
        .outerjoin(Team, Team.id == Person.team_id)
        .where(
            MatchPairing.workspace_id == customer.workspace_id,
            MatchPairing.customer_id == customer.id,
            MatchPairing.status == PairingStatus.ACCEPTED,
        )
        .order_by(func.coalesce(MatchPairing.on, MatchPairing.by).desc(), MatchPairing.id.desc())
        .limit(FIRST_PAGE_ROWS)
    ):
        who = f"{name} ({team})" if team else name
        if p.on is not None:
            head = f"{who}, {p.on:%a %-d %b %Y}"
        else:
            head = f"{who}, the week of {p.by - timedelta(days=p.by.weekday()):%a %-d %b %Y}"
        learned = " ".join((p.learned or "").split())
        out.append(f"{head}: {learned}" if learned else f"{head} (nothing written yet)")
    return tuple(out)


def _who(executive: str | None, logged_by: str | None, same: bool) -> str | None:
    if executive and logged_by and not same:
        return f"{executive} (logged by {logged_by})"
    return executive or logged_by
