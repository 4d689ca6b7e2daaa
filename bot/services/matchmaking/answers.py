"""The guest's and the host's answers to an invitation. The guest's click (Join / Not this
time / Snooze 4 weeks / Opt out) redraws their invitation with the answer, and Join asks the
host; the host's one click (Accept / Decline) tells both the outcome, and a guest accepted for
a team's formal customer meeting becomes one of its attendees (bot/services/meetings.py's
`guest_accepted`). A second click on either does nothing; every message goes through the
outbox."""

from __future__ import annotations

from dataclasses import dataclass

from bot.deps import Deps
from bot.regimen.matchmaking import OpportunityKind, PairingStatus
from bot.services import outbox
from bot.services.identity import NotAllowed, Refused, reload_actor
from bot.services.matchmaking.pairings import (
    NOT_A_GUEST,
    SNOOZE,
    _card,
    _mine,
    _prefs,
    _request,
    _settings,
    _what,
    _when,
    host_key,
    invite_key,
    local_today,
)
from bot.views.blocks import plain_note
from bot.views.matchmaking import build_host_answered, build_host_request, build_match_answered
from bot.views.text import day
from storage.models import Person


@dataclass(frozen=True)
class Answered:
    status: PairingStatus
    changed: bool


async def guest_answer(deps: Deps, person: Person | None, pairing_id: int, answer: str) -> Answered:
    """The guest's click on their invitation: "join", "pass", "snooze" or "optout". The
    invitation is redrawn with the answer; Join asks the host. A second click does nothing."""
    if person is None:
        raise Refused(NOT_A_GUEST)
    settings = await _settings(deps, person.workspace_id)
    now, today = deps.now(), local_today(settings, deps.now())
    async with deps.db.unit_of_work(writes=True) as session:
        me = await reload_actor(session, person)
        p = await _mine(session, me, pairing_id, host=False)
        if p.status is not PairingStatus.INVITED:
            return Answered(p.status, False)
        prefs = await _prefs(session, me.workspace_id, me.id)
        prefs.stopped = False
        card = await _card(session, p)
        host = await session.get(Person, p.host_id)
        if answer == "join":
            p.status, said = (
                PairingStatus.JOINED,
                f"✅ You asked to join; {card.host_name} confirms.",
            )
            if host is not None and host.slack_user_id:
                await outbox.post(
                    session,
                    me.workspace_id,
                    host_key(p.id),
                    host.slack_user_id,
                    build_host_request(await _request(session, p)),
                )
        elif answer == "pass":
            weeks = settings.kyc_match_every_weeks
            p.status = PairingStatus.PASSED
            said = f"Not this time: the next invitation comes in about {weeks} weeks."
        elif answer == "snooze":
            p.status, prefs.snoozed_until = PairingStatus.SNOOZED, today + SNOOZE
            said = f"😴 Snoozed: no invitation through {day(prefs.snoozed_until)}."
        elif answer == "optout":
            p.status, prefs.opted_out = PairingStatus.OPTED_OUT, True
            said = "You opted out: no more invitations. Opt back in on App Home any time."
        else:
            raise NotAllowed("Pick Join, Not this time, Snooze or Opt out.")
        p.answered_at = now
        await outbox.update(
            session,
            me.workspace_id,
            f"match:{p.id}:answered",
            invite_key(p.id),
            build_match_answered(card, said),
        )
    deps.wake_sender()
    return Answered(p.status, True)


async def host_answer(deps: Deps, person: Person | None, pairing_id: int, accept: bool) -> Answered:
    """The host's one click: both are told the outcome; a second click does nothing."""
    if person is None:
        raise Refused("You are not on the KYC roster.")
    async with deps.db.unit_of_work(writes=True) as session:
        me = await reload_actor(session, person)
        p = await _mine(session, me, pairing_id, host=True)
        if p.status is not PairingStatus.JOINED:
            return Answered(p.status, False)
        p.status = PairingStatus.ACCEPTED if accept else PairingStatus.HOST_DECLINED
        p.host_answered_at = deps.now()
        req = await _request(session, p)
        guest = await session.get(Person, p.guest_id)
        if accept:
            to_host = f"Accepted: send {req.guest_name} the time and the invite."
            to_guest = (
                f"🎉 {me.name} accepted: you join {_what(p, me.name)}, {_when(p)}. "
                f"{me.name} sends you the time and the invite."
            )
        else:
            to_host = f"Declined: {req.guest_name} is told, kindly."
            to_guest = (
                f"{me.name} cannot take a guest with {_what(p, me.name)} this time. "
                "You will be invited to another customer at the next round."
            )
        ws = me.workspace_id
        if accept and guest is not None and p.kind == OpportunityKind.TEAM_MEETING.value:
            from bot.services.meetings.preparation import guest_accepted  # imports this module

            settings = await _settings(deps, ws)
            meeting_id = int(p.ref.removeprefix("meeting:"))
            await guest_accepted(session, settings, meeting_id, guest, now=deps.now())
        await outbox.update(
            session,
            ws,
            f"match:{p.id}:host:answered",
            host_key(p.id),
            build_host_answered(req, to_host),
        )
        if me.slack_user_id:
            await outbox.post(
                session, ws, f"match:{p.id}:outcome:host", me.slack_user_id, plain_note(to_host)
            )
        if guest is not None and guest.slack_user_id:
            await outbox.post(
                session,
                ws,
                f"match:{p.id}:outcome:guest",
                guest.slack_user_id,
                plain_note(to_guest),
            )
    deps.wake_sender()
    return Answered(p.status, True)
