"""Matchmaking's messages: the guest's invitation (Join / Not this time / Snooze 4 weeks /
Opt out), the host's one-click answer, the outcome, "What did you learn?" after the
touchpoint, the one gentle re-ask, and App Home's "Meet a customer" section; the
participation lines shown in reports."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.ids import Action, Block, View
from bot.regimen.matchmaking import MeetHome, TeamParticipation
from bot.views.blocks import actions, button, context, header, message, modal, section
from bot.views.call_modal import text_input
from bot.views.call_submission import Values, text_of
from bot.views.text import clip, day, escape, mention

LEARNED_MAX = 3000
NAME = 150  # a name as shown in a line


@dataclass(frozen=True)
class InvitationCard:
    pairing_id: int
    customer_name: str
    host_name: str
    host_user: str | None
    when: str  # "Thu 3 Dec 2026", or "the week of Mon 30 Nov 2026"
    kind_label: str  # "a customer call"
    what_to_expect: str = ""
    customer_key: bool = False
    shift: bool = False  # a back-to-the-floor shift: no customer, `customer_name` is the place


@dataclass(frozen=True)
class HostRequest:
    pairing_id: int
    guest_name: str
    guest_user: str | None
    guest_team: str
    customer_name: str
    when: str
    shift: bool = False  # a back-to-the-floor shift: `customer_name` is the place


def _who(name: str, user: str | None) -> str:
    return mention(user) if user else clip(name, NAME)


def _shift_of(host: str, place: str) -> str:
    """ "<@U0DANA>'s back-to-the-floor shift at the *support queue*": the place as the leader
    typed it, read as back to the floor's own record reads it ("Monthly at the support queue")."""
    return f"{host}'s back-to-the-floor shift at the *{clip(place, NAME)}*"


def build_match_invitation(card: InvitationCard) -> dict[str, Any]:
    host = _who(card.host_name, card.host_user)
    customer = clip(card.customer_name, NAME)
    key = " (a key customer)" if card.customer_key else ""
    if card.shift:
        expect = clip(card.what_to_expect, 1500) or (
            f"You work alongside {host} at the front line for part of the day: see how our "
            f"customers are served and what gets in the way. {host} tells you the time."
        )
        line = f"🤝 *Meet our customers' front line:* join {_shift_of(host, card.customer_name)}"
        fallback = f"Join {card.host_name}'s shift at the {card.customer_name}, {card.when}"
    else:
        expect = clip(card.what_to_expect, 1500) or (
            f"You listen in on {card.kind_label} and ask a question or two. About 30 minutes; "
            f"{host} tells you the time and sends the invite."
        )
        line = f"🤝 *Meet a customer:* join {host} on {card.kind_label} with *{customer}*{key}"
        fallback = f"Meet a customer: {card.customer_name}, {card.when}"
    blocks = [
        section(f"{line}, {escape(card.when)}."),
        section(f"*What to expect:* {expect}"),
        context(
            "Everyone at the company meets customers now and then: it is how we all learn "
            "what they need. Join, and the host confirms in one click."
        ),
        actions(
            button("Join", Action.MATCH_JOIN, str(card.pairing_id), style="primary"),
            button("Not this time", Action.MATCH_PASS, str(card.pairing_id)),
            button("Snooze 4 weeks", Action.MATCH_SNOOZE, str(card.pairing_id)),
            button("Opt out", Action.MATCH_OPT_OUT, str(card.pairing_id)),
        ),
    ]
    return message(fallback, blocks)


def build_match_answered(card: InvitationCard, answer: str) -> dict[str, Any]:
    """The invitation redrawn with the guest's answer in place of its buttons."""
    host = _who(card.host_name, card.host_user)
    what = (
        _shift_of(host, card.customer_name)
        if card.shift
        else f"{host} on {card.kind_label} with *{clip(card.customer_name, NAME)}*"
    )
    blocks = [
        section(f"🤝 *Meet a customer:* {what}, {escape(card.when)}."),
        context(escape(answer)),
    ]
    return message(f"Meet a customer: {card.customer_name} — {answer}", blocks)


def build_host_request(req: HostRequest) -> dict[str, Any]:
    guest = _who(req.guest_name, req.guest_user)
    team = f" ({clip(req.guest_team, NAME)})" if req.guest_team else ""
    if req.shift:
        ask = (
            f"🤝 {guest}{team} would like to join your back-to-the-floor shift at the "
            f"*{clip(req.customer_name, NAME)}*, {escape(req.when)}: to work alongside you "
            "and learn how our customers are served."
        )
    else:
        ask = (
            f"🤝 {guest}{team} would like to join you with *{clip(req.customer_name, NAME)}*, "
            f"{escape(req.when)}: to listen in and learn about our customers."
        )
    blocks = [
        section(ask),
        context("Accept, then send them the invite; or decline, and they are told kindly."),
        actions(
            button("Accept", Action.MATCH_ACCEPT, str(req.pairing_id), style="primary"),
            button("Decline", Action.MATCH_DECLINE, str(req.pairing_id)),
        ),
    ]
    on = f"your shift at the {req.customer_name}" if req.shift else f"you with {req.customer_name}"
    return message(f"{req.guest_name} would like to join {on}", blocks)


def build_host_answered(req: HostRequest, answer: str) -> dict[str, Any]:
    guest = _who(req.guest_name, req.guest_user)
    where = "on your shift at the " if req.shift else "with "
    blocks = [
        section(f"🤝 {guest} {where}*{clip(req.customer_name, NAME)}*, {escape(req.when)}."),
        context(escape(answer)),
    ]
    return message(f"{req.guest_name} {where}{req.customer_name} — {answer}", blocks)


def build_learn_ask(
    pairing_id: int, customer_name: str, host_name: str, *, shift: bool = False
) -> dict[str, Any]:
    what = "the shift at the " if shift else ""
    blocks = [
        section(
            f"How was {what}*{clip(customer_name, NAME)}* with {clip(host_name, NAME)}? "
            "One question, a minute at most."
        ),
        actions(
            button("What did you learn?", Action.MATCH_LEARN, str(pairing_id), style="primary")
        ),
    ]
    at = "on the shift at the" if shift else "at"
    return message(f"What did you learn {at} {customer_name}?", blocks)


def build_learn_modal(
    pairing_id: int, customer_name: str, *, shift: bool = False
) -> dict[str, Any]:
    blocks = [
        section(f"{'The shift at the' if shift else 'Meeting'} *{clip(customer_name, NAME)}*"),
        text_input(
            Block.MATCH_LEARNED,
            "What did you learn?",
            max_length=LEARNED_MAX,
            placeholder="What surprised you, what they need, what we could do better",
            optional=False,
        ),
    ]
    return modal(
        "What did you learn?",
        blocks,
        callback_id=View.MATCH_LEARNED,
        submit="Save",
        private_metadata=json.dumps({"p": pairing_id}),
    )


def parse_learned(values: Values) -> str:
    return (text_of(values, Block.MATCH_LEARNED) or "").strip()


def build_reask() -> dict[str, Any]:
    blocks = [
        section(
            "👋 The last three invitations to meet a customer went unanswered, so they have "
            "stopped. Still want to meet customers now and then?"
        ),
        actions(
            button("Yes, invite me", Action.MATCH_REASK_YES, "0", style="primary"),
            button("Not now", Action.MATCH_REASK_NO, "0"),
        ),
    ]
    return message("Still want to meet customers?", blocks)


def meet_blocks(meet: MeetHome) -> list[dict[str, Any]]:
    """App Home's "Meet a customer" section, for people of teams that do not face customers."""
    if meet.opted_out or meet.stopped:
        state = "You are not being invited to meet customers."
        buttons = [button("Opt back in", Action.MATCH_OPT_IN, "0", style="primary")]
    else:
        if meet.snoozed_until is not None:
            state = f"Snoozed: no invitation through {day(meet.snoozed_until)}."
        else:
            state = "You are invited to join a customer touchpoint every few weeks."
        buttons = [
            button("Snooze 4 weeks", Action.MATCH_SNOOZE, "0"),
            button("Opt out", Action.MATCH_OPT_OUT, "0"),
        ]
        if meet.snoozed_until is not None:
            buttons.insert(0, button("Opt back in", Action.MATCH_OPT_IN, "0", style="primary"))
    lines = [state]
    if meet.next_up:
        lines.append(f"Next: {escape(meet.next_up)}")
    lines.append(f"Customers met in the last 90 days: {meet.met}")
    return [header("Meet a customer"), section("\n".join(lines)), actions(*buttons)]


def participation_lines(rows: Sequence[TeamParticipation], limit: int = 20) -> list[str]:
    """One mrkdwn line per team: who met a customer, in the last 90 days and this quarter."""
    out = [
        f"• *{clip(t.team_name, NAME)}*: {t.met_90d}/{t.people} met a customer in 90 days "
        f"({t.share_90d:.0%}), {t.met_quarter}/{t.people} this quarter"
        for t in rows[:limit]
    ]
    if len(rows) > limit:
        out.append(f"…and {len(rows) - limit} more teams (`kyc report`)")
    return out


def participation_blocks(rows: Sequence[TeamParticipation]) -> list[dict[str, Any]]:
    """A header and the lines, for App Home (admins) and the digest; none without teams."""
    if not rows:
        return []
    return [
        header("Everyone meets customers"),
        section("\n".join(participation_lines(rows))),
    ]
