"""Insights into action, the lead's decisions on a recurring theme: make it an action point
(posted to the team's channel as a thread) or dismiss it with a reason, each kept before
Slack's answer (bot/services/inbox.py, kinds "theme_act" and "theme_dismiss") and stored
right after by `acted` / `dismissed`; the action point's Done says so in its thread, and each
executive whose customers raised the theme is asked to tell them what came of it. Its lead,
its team or an admin decide; its owner too may close it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.services import inbox, outbox
from bot.services.identity import NotAllowed, colleague, is_admin, reload_actor, require_enrolled
from bot.services.theme_figures import theme_card
from bot.services.themes import candidate_key
from bot.views import themes as views
from bot.views.data import Person as Shown
from storage.models import Customer, Insight, Person, Submission, Team, ThemeCandidate, ThemeStatus

ROSTER_ONLY = "Only people on the KYC roster act on customer themes."


async def _candidate(session: AsyncSession, actor: Person, candidate_id: int) -> ThemeCandidate:
    """The candidate, when the actor may decide on it: its lead, an admin, or its team."""
    cand = await session.get(ThemeCandidate, candidate_id)
    if cand is None or cand.workspace_id != actor.workspace_id:
        raise NotAllowed("That theme no longer exists.")
    if not (
        is_admin(actor)
        or cand.lead_id == actor.id
        or (cand.team_id is not None and cand.team_id == actor.team_id)
    ):
        raise NotAllowed("Only the team's lead, its members or an admin decide on this theme.")
    return cand


async def theme_form(deps: Deps, person: Person | None, candidate_id: int) -> views.ThemeCard:
    """The candidate as the action point and dismissal modals show it."""
    me = require_enrolled(person, ROSTER_ONLY)
    async with deps.db.unit_of_work() as session:
        cand = await _candidate(session, await reload_actor(session, me), candidate_id)
        if cand.status != ThemeStatus.RAISED:
            raise NotAllowed("This theme was decided already.")
        return await theme_card(session, cand)


async def submit_action(
    deps: Deps,
    person: Person | None,
    candidate_id: int,
    action: views.ActionInput,
    *,
    request_key: str,
) -> inbox.Received:
    """Kept before Slack hears back; `acted` stores it right after."""
    me = require_enrolled(person, ROSTER_ONLY)
    async with deps.db.unit_of_work() as session:
        await _candidate(session, await reload_actor(session, me), candidate_id)
    payload = {
        "candidate": candidate_id,
        "text": action.text,
        "owner": action.owner_user_id,
        "due": action.due_on.isoformat() if action.due_on else None,
    }
    return await inbox.keep(deps, me, "theme_act", payload, request_key=request_key)


def action_parent_key(candidate_id: int) -> str:
    return f"theme:{candidate_id}:action"


def action_reply_key(candidate_id: int) -> str:
    return f"theme:{candidate_id}:action-reply"


@inbox.handles("theme_act")
async def acted(deps: Deps, session: AsyncSession, me: Person, kept: Submission) -> None:
    payload = kept.payload
    now = kept.received_at
    cand = await _candidate(session, me, int(payload["candidate"]))
    if cand.status != ThemeStatus.RAISED:
        return  # decided already (a second submission, or someone else first)
    owner = await colleague(session, me.workspace_id, str(payload["owner"]))
    cand.status = ThemeStatus.ACTION
    cand.action_text = str(payload["text"])
    cand.owner_id = owner.id
    cand.due_on = date.fromisoformat(payload["due"]) if payload.get("due") else None
    cand.acted_at = now
    cand.acted_by_id = me.id
    ws = cand.workspace_id
    card = await theme_card(session, cand)
    team = await session.get(Team, cand.team_id) if cand.team_id else None
    channel = (team.channel_id if team else None) or owner.slack_user_id or me.slack_user_id or ""
    cand.channel_id = channel
    parent = action_parent_key(cand.id)
    await outbox.post(session, ws, parent, channel, views.build_action_point_parent(card))
    await outbox.post(
        session,
        ws,
        action_reply_key(cand.id),
        channel,
        views.build_action_point_reply(_point(cand, card, owner)),
        thread_of=parent,
    )
    state = f"📌 Made an action point by {me.name}, owner {owner.name}."
    await outbox.update(
        session,
        ws,
        f"theme:{cand.id}:raised-update",
        candidate_key(cand),
        views.build_theme_candidate(await theme_card(session, cand, state)),
    )


def _point(
    cand: ThemeCandidate,
    card: views.ThemeCard,
    owner: Person | None,
    done_by: Person | None = None,
) -> views.ActionPoint:
    return views.ActionPoint(
        candidate_id=cand.id,
        theme=card.theme,
        text=cand.action_text or "",
        owner=Shown(owner.name, owner.slack_user_id) if owner else None,
        due_on=cand.due_on,
        done=cand.status == ThemeStatus.DONE,
        done_by=Shown(done_by.name, done_by.slack_user_id) if done_by else None,
    )


async def submit_dismissal(
    deps: Deps, person: Person | None, candidate_id: int, reason: str, *, request_key: str
) -> inbox.Received:
    me = require_enrolled(person, ROSTER_ONLY)
    async with deps.db.unit_of_work() as session:
        await _candidate(session, await reload_actor(session, me), candidate_id)
    payload = {"candidate": candidate_id, "reason": reason}
    return await inbox.keep(deps, me, "theme_dismiss", payload, request_key=request_key)


@inbox.handles("theme_dismiss")
async def dismissed(deps: Deps, session: AsyncSession, me: Person, kept: Submission) -> None:
    payload = kept.payload
    cand = await _candidate(session, me, int(payload["candidate"]))
    if cand.status != ThemeStatus.RAISED:
        return
    cand.status = ThemeStatus.DISMISSED
    cand.dismissed_reason = str(payload["reason"])
    cand.dismissed_at = kept.received_at
    cand.dismissed_by_id = me.id
    state = f"Dismissed by {me.name}: {cand.dismissed_reason}"
    await outbox.update(
        session,
        cand.workspace_id,
        f"theme:{cand.id}:raised-update",
        candidate_key(cand),
        views.build_theme_candidate(await theme_card(session, cand, state[:1500])),
    )


async def close_action(deps: Deps, person: Person | None, candidate_id: int) -> bool:
    """The action point's Done: its thread says so, and each executive whose customers raised
    the theme gets one DM listing them. False when it was done already (a double click)."""
    me = require_enrolled(person, ROSTER_ONLY)
    async with deps.db.unit_of_work(writes=True) as session:
        actor = await reload_actor(session, me)
        cand = await session.get(ThemeCandidate, candidate_id)
        if cand is None or cand.workspace_id != actor.workspace_id:
            raise NotAllowed("That action point no longer exists.")
        allowed = (
            is_admin(actor)
            or cand.owner_id == actor.id
            or cand.lead_id == actor.id
            or (cand.team_id is not None and cand.team_id == actor.team_id)
        )
        if not allowed:
            raise NotAllowed("Only its owner, the team, its lead or an admin can close it.")
        if cand.status != ThemeStatus.ACTION:
            return False
        cand.status = ThemeStatus.DONE
        cand.done_at = deps.now()
        cand.done_by_id = actor.id
        await _tell_done(session, cand, actor)
    deps.wake_sender()
    return True


async def _tell_done(session: AsyncSession, cand: ThemeCandidate, actor: Person) -> None:
    ws = cand.workspace_id
    card = await theme_card(session, cand)
    owner = await session.get(Person, cand.owner_id) if cand.owner_id else None
    point = _point(cand, card, owner, done_by=actor)
    await outbox.update(
        session,
        ws,
        f"theme:{cand.id}:done-update",
        action_reply_key(cand.id),
        views.build_action_point_reply(point),
    )
    if cand.channel_id:  # None: its thread was the DM of someone since erased
        await outbox.post(
            session,
            ws,
            f"theme:{cand.id}:done-note",
            cand.channel_id,
            views.build_action_point_done_note(point),
            thread_of=action_parent_key(cand.id),
        )
    rows = await session.execute(
        select(Customer.executive_id, Customer.name)
        .join(Insight, Insight.customer_id == Customer.id)
        .where(Insight.id.in_(list(cand.insight_ids or [0])), Customer.executive_id.is_not(None))
        .distinct()
    )
    by_exec: dict[int, set[str]] = {}
    for executive_id, name in rows:
        if executive_id is not None:
            by_exec.setdefault(executive_id, set()).add(name)
    for executive_id, names in sorted(by_exec.items()):
        executive = await session.get(Person, executive_id)
        if executive is None or not executive.active or not executive.slack_user_id:
            continue
        await outbox.post(
            session,
            ws,
            f"theme:{cand.id}:tell:{executive_id}",
            executive.slack_user_id,
            views.build_tell_customers_dm(
                views.TellCustomers(card.theme, cand.action_text or "", tuple(sorted(names)))
            ),
        )
