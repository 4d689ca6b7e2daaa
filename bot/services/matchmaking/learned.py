"""After an accepted touchpoint, "What did you learn?": the scheduler asks the guest once, from
their nudge time on their first working day after it (`ask_what_was_learned`); what they type
in the modal is kept before Slack hears back (`submit_learned`, bot/services/inbox.py) and
turned into the pairing's record by the "match_learned" routine (`learned`), which thanks
them. bot/services/inbox.py imports this module, so a worker that never served Slack still
has the routine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.ids import Block
from bot.regimen.floor import ask_due as first_working_day_after
from bot.regimen.matchmaking import PairingStatus
from bot.services import holidays, inbox, outbox
from bot.services.identity import Invalid, NotAllowed, Refused, reload_actor
from bot.services.matchmaking.pairings import NOT_A_GUEST, _mine, is_shift, local_today
from bot.services.people import regimen_of
from bot.settings import Settings
from bot.views.blocks import plain_note
from bot.views.matchmaking import build_learn_ask
from storage.db import Database
from storage.models import MatchPairing, Person, Submission


async def ask_what_was_learned(
    db: Database, settings: Settings, workspace_id: str, *, now: datetime
) -> int:
    """After an accepted touchpoint: "What did you learn?", once per pairing, from the guest's
    nudge time on their first working day after it (not at midnight, not on a weekend)."""
    today = local_today(settings, now)
    asked = 0
    async with db.unit_of_work(writes=True) as session:
        cal = await holidays.calendar(session, workspace_id)
        rows = await session.scalars(
            select(MatchPairing).where(
                MatchPairing.workspace_id == workspace_id,
                MatchPairing.status == PairingStatus.ACCEPTED,
                MatchPairing.learn_asked_at.is_(None),
            )
        )
        for p in rows:
            if (p.on or p.by) >= today:
                continue
            guest = await session.get(Person, p.guest_id)
            host = await session.get(Person, p.host_id)
            if guest is not None and not first_working_day_after(
                regimen_of(guest, settings, cal), p.on or p.by, now
            ):
                continue
            p.learn_asked_at = now
            if guest is None or not guest.slack_user_id:
                continue
            await outbox.post(
                session,
                workspace_id,
                f"match:{p.id}:learn",
                guest.slack_user_id,
                build_learn_ask(
                    p.id, p.customer_name, host.name if host else "your host", shift=is_shift(p)
                ),
            )
            asked += 1
    return asked


@dataclass(frozen=True)
class LearnForm:
    pairing_id: int
    customer_name: str
    shift: bool = False


async def learn_form(deps: Deps, person: Person | None, pairing_id: int) -> LearnForm:
    if person is None:
        raise Refused(NOT_A_GUEST)
    async with deps.db.unit_of_work() as session:
        me = await reload_actor(session, person)
        p = await _mine(session, me, pairing_id, host=False)
        if p.status is not PairingStatus.ACCEPTED:
            raise NotAllowed("That customer meeting did not take place.")
        return LearnForm(p.id, p.customer_name, is_shift(p))


async def submit_learned(
    deps: Deps, person: Person | None, pairing_id: int, text: str, *, request_key: str
) -> inbox.Received:
    """ "What did you learn?": kept as typed before Slack hears back, stored right after."""
    if not text:
        raise Invalid({Block.MATCH_LEARNED: "A sentence or two: what did you learn?"})
    await learn_form(deps, person, pairing_id)  # theirs, and it took place
    assert person is not None
    payload = {"p": pairing_id, "text": text}
    return await inbox.keep(deps, person, "match_learned", payload, request_key=request_key)


@inbox.handles("match_learned")
async def learned(deps: Deps, session: AsyncSession, me: Person, kept: Submission) -> None:
    p = await _mine(session, me, int(kept.payload["p"]), host=False)
    p.learned, p.learned_at = str(kept.payload["text"]), kept.received_at
    if me.slack_user_id:
        await outbox.post(
            session,
            me.workspace_id,
            f"match:{p.id}:learned",
            me.slack_user_id,
            plain_note(
                f"Thank you: what you learned at the {p.customer_name} is kept."
                if is_shift(p)
                else f"Thank you: what you learned at {p.customer_name} is kept."
            ),
        )
