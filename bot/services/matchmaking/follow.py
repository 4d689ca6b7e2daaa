"""A touchpoint moved or cancelled (bot/services/meetings.py, bot/services/floor.py): its
pairings still going (invited, joined, accepted) follow it. A move redraws the open invitation
or the host's request with the new day and tells each guest once; a cancellation cancels them
(a status that is nobody's answer: neither the guest's turn nor unanswered), redraws them
without buttons and tells each guest. `accepted_guests` names the guests a host accepted."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.regimen.matchmaking import PairingStatus
from bot.services import outbox
from bot.services.matchmaking.pairings import (
    _card,
    _label,
    _request,
    _what_of,
    _when,
    host_key,
    invite_key,
    is_shift,
)
from bot.views.blocks import plain_note
from bot.views.matchmaking import (
    build_host_answered,
    build_host_request,
    build_match_answered,
    build_match_invitation,
)
from storage.models import MatchPairing, Person


async def _subject(session: AsyncSession, p: MatchPairing) -> str:
    """ "Dana's shift at the support queue", "A formal customer meeting with Acme Corp"."""
    if is_shift(p):
        return await _what_of(session, p)
    return f"{_label(p.kind)[:1].upper()}{_label(p.kind)[1:]} with {p.customer_name}"


FOLLOWING = (PairingStatus.INVITED, PairingStatus.JOINED, PairingStatus.ACCEPTED)


async def _following(session: AsyncSession, workspace_id: str, ref: str) -> list[MatchPairing]:
    return list(
        await session.scalars(
            select(MatchPairing)
            .where(
                MatchPairing.workspace_id == workspace_id,
                MatchPairing.ref == ref,
                MatchPairing.status.in_(FOLLOWING),
            )
            .order_by(MatchPairing.id)
        )
    )


async def accepted_guests(session: AsyncSession, workspace_id: str, ref: str) -> list[int]:
    """The guests a host accepted for the touchpoint `ref`."""
    return [
        p.guest_id
        for p in await _following(session, workspace_id, ref)
        if p.status is PairingStatus.ACCEPTED
    ]


async def follow_touchpoint(
    session: AsyncSession, workspace_id: str, ref: str, on: date, *, told: Collection[int] = ()
) -> int:
    """The touchpoint `ref` moved to `on`: its pairings still going (invited, joined,
    accepted) follow it (`on` and `by`), and each guest is told the new day once, unless in
    `told` (told already, as an attendee); an unanswered invitation is redrawn with the new
    day. Returns how many pairings moved."""
    moved = 0
    for p in await _following(session, workspace_id, ref):
        if p.on == on:
            continue
        was = _when(p)
        p.on, p.by = on, on
        moved += 1
        guest = await session.get(Person, p.guest_id)
        if guest is None or not guest.slack_user_id:
            continue
        card = await _card(session, p)
        if p.status is PairingStatus.INVITED:
            await outbox.update(
                session,
                workspace_id,
                f"match:{p.id}:invite:{on.isoformat()}",
                invite_key(p.id),
                build_match_invitation(card),
            )
        if p.status is PairingStatus.JOINED:  # the host's question names the new day
            await outbox.update(
                session,
                workspace_id,
                f"match:{p.id}:host:{on.isoformat()}",
                host_key(p.id),
                build_host_request(await _request(session, p)),
            )
        if guest.id in told:
            continue
        what = await _subject(session, p)
        await outbox.post(
            session,
            workspace_id,
            f"match:{p.id}:moved:{on.isoformat()}",
            guest.slack_user_id,
            plain_note(f"🗓 {what} moved: it is now {_when(p)} (was {was})."),
        )
    return moved


async def cancel_touchpoint(
    session: AsyncSession, workspace_id: str, ref: str, why: str, *, told: Collection[int] = ()
) -> int:
    """The touchpoint `ref` is cancelled: its pairings still going are cancelled (a status that
    is nobody's answer, so it neither counts as the guest's turn nor as unanswered), their
    invitation or the host's request redrawn without buttons, and each guest told once
    (unless in `told`). Returns how many were cancelled."""
    cancelled = 0
    for p in await _following(session, workspace_id, ref):
        was = p.status
        what = await _subject(session, p)
        when = _when(p)
        p.status = PairingStatus.CANCELLED
        cancelled += 1
        note = f"Cancelled: {why}"
        if was is PairingStatus.INVITED:
            await outbox.update(
                session,
                workspace_id,
                f"match:{p.id}:cancelled:invite",
                invite_key(p.id),
                build_match_answered(await _card(session, p), note),
            )
        if was is PairingStatus.JOINED:
            await outbox.update(
                session,
                workspace_id,
                f"match:{p.id}:cancelled:host",
                host_key(p.id),
                build_host_answered(await _request(session, p), note),
            )
        guest = await session.get(Person, p.guest_id)
        if guest is None or not guest.slack_user_id or guest.id in told:
            continue
        await outbox.post(
            session,
            workspace_id,
            f"match:{p.id}:cancelled",
            guest.slack_user_id,
            plain_note(
                f"✖️ {what}, {when}, is cancelled ({why}). "
                "You will be invited to another customer at a next round."
            ),
        )
    return cancelled
