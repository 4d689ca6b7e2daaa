"""Key customers' complaints owned and recovered: the offer DM to the executive sponsor, the
team channel's post when they own it, the figures' lines; and key customers due a formal
meeting (App Home, `kyc report`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.ids import Action
from bot.regimen.key_customers import KeyCoverage
from bot.regimen.recovery import RecoveryFigures, duration
from bot.views.blocks import actions, button, context, message, section
from bot.views.data import KeyCustomerLine, RecoveryOffer
from bot.views.text import clip, day, escape, plural

HOME_CAP = 5  # key customers listed on App Home before "and N more"


def build_recovery_offer(offer: RecoveryOffer) -> dict[str, Any]:
    """The DM: a key customer complained; one click takes ownership."""
    what = offer.channel.label.lower()
    said = f"\n>{clip(offer.summary, 1500)}" if offer.summary else ""
    blocks = [
        section(
            f"*{clip(offer.customer_name, 200)}*, a key customer, raised "
            f"{'an' if what[0] in 'aeiou' else 'a'} {what} on {day(offer.occurred_at.date())}."
            f"{said}"
        ),
        context(
            "A call from you shows them it is taken seriously. Taking ownership puts them "
            "first in this week's calls and tells their team you own it."
        ),
        actions(
            button("Take ownership", Action.TAKE_OWNERSHIP, str(offer.contact_id), style="primary"),
        ),
    ]
    return message(f"{offer.customer_name}, a key customer, raised a {what}", blocks)


def build_ownership_post(owner: str, customer: str, summary: str | None) -> dict[str, Any]:
    """The customer's team channel: who owns the complaint."""
    said = f"\n>{clip(summary, 1500)}" if summary else ""
    text = (
        f"*{clip(owner, 200)}* has taken ownership of *{clip(customer, 200)}*'s complaint "
        f"and will call them this week.{said}"
    )
    return message(f"{owner} owns {customer}'s complaint", [section(text)])


def owned_note(customer: str, already: bool, spoke_this_week: bool = False) -> str:
    """What the executive is told after the click (plain text, escaped by the note)."""
    if already:
        return f"You already own {customer}'s complaint."
    if spoke_this_week:
        return (
            f"You own {customer}'s complaint. You spoke with them this week already: call them "
            f"again about it, and log it with /kyc done {customer}."
        )
    return f"You own {customer}'s complaint: they are first in this week's calls."


def recovery_lines(f: RecoveryFigures) -> list[str]:
    """The figures as mrkdwn lines ([] when no key customer has complained)."""
    if f.empty:
        return []
    return [
        f"Complaint to ownership: *{duration(f.to_ownership_hours)}* (median)",
        f"Complaint to first call: *{duration(f.to_first_call_hours)}* (median)",
        f"Complaint to recovery: *{duration(f.to_recovery_hours)}* (median)",
        f"Open: *{f.open}* · recovered: *{f.recovered}* · complained again: *{f.relapsed}*",
    ]


def recovery_section(f: RecoveryFigures) -> list[dict[str, Any]]:
    """A section for App Home, /kyc stats and the digest; no block when there is nothing."""
    lines = recovery_lines(f)
    if not lines:
        return []
    return [section("*Key customers' complaints*\n" + "\n".join(lines))]


def key_meeting_lines(rows: list[KeyCustomerLine], cap: int = HOME_CAP) -> list[str]:
    """'• Acme (Support): never' … 'and N more'."""
    out = [
        f"• {clip(r.name, 150)}"
        + (f" ({clip(r.team, 80)})" if r.team else "")
        + f": {'last ' + day(r.last_meeting) if r.last_meeting else 'never met formally'}"
        for r in rows[:cap]
    ]
    if len(rows) > cap:
        out.append(f"and {len(rows) - cap} more")
    return out


def key_coverage_line(teams: Sequence[KeyCoverage], cap: int = HOME_CAP) -> str:
    """'Key customers met formally in 12 months: Support 3/5 (60%) · Sales 2/2 (100%)'."""
    shown = [
        f"{clip(t.team or 'No team', 80)} {t.met}/{t.key} ({t.share:.0%})" for t in teams[:cap]
    ]
    if len(teams) > cap:
        shown.append(f"and {len(teams) - cap} more teams")
    return "Key customers met formally in 12 months: " + " · ".join(shown)


def key_meeting_section(
    rows: list[KeyCustomerLine], teams: Sequence[KeyCoverage] = ()
) -> list[dict[str, Any]]:
    """Coverage by formal meetings per team, then the key customers due one."""
    if not rows and not teams:
        return []
    lines = [f"*{escape(key_coverage_line(teams))}*"] if teams else []
    if rows:
        lines.append(
            f"*{escape(plural(len(rows), 'key customer'))} with no formal meeting "
            "in the last 12 months*"
        )
        lines += key_meeting_lines(rows)
    return [section("\n".join(lines))]
