"""The full pre-call brief, as a modal (the follow-up email is bot/views/email_modal.py)."""

from __future__ import annotations

from typing import Any

from bot.ids import Action, View
from bot.regimen.contacts import describe
from bot.regimen.types import Brief
from bot.views.blocks import actions, button, context, divider, header, modal, section
from bot.views.nudge import last_call_line
from bot.views.text import clip, day, escape


def _link(url: str, label: str) -> str:
    safe_url = url.replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")[:2000]
    return f"<{safe_url}|{escape(label)}>"


def build_brief_modal(brief: Brief, *, own: bool = True) -> dict[str, Any]:
    """The pre-call brief; `own` False when a delegate opened it for their executive: managing
    the customer (pause, move, remove) stays the executive's, so it is not offered."""
    c = brief.customer
    blocks = [header(clip(c.name, 140))]
    facts = [escape(brief.tenure) if brief.tenure else "Customer since: not recorded"]
    if c.tier:
        facts.append(f"Tier: {escape(c.tier)}")
    blocks.append(context(" · ".join(facts)))
    if brief.call is not None:
        who = clip(describe(brief.call.person), 500)
        blocks.append(section(f"*Call {who}*\n_{clip(brief.call.why, 200)}_"))
    elif brief.primary_contact:
        blocks.append(section(f"*Primary contact*\n{clip(brief.primary_contact, 500)}"))
    last = brief.last_proactive
    text = last_call_line(brief)
    if last and last.summary:
        text += f"\n>{clip(last.summary, 1200)}"
    blocks.append(section(f"*Last proactive call*\n{text}"))
    if brief.reactive_since:
        lines = [
            f"• {day(r.occurred_at.date())} {r.channel.value}"
            + (f" ({r.sentiment.label})" if r.sentiment else "")
            + (f": {clip(r.summary, 200)}" if r.summary else "")
            for r in brief.reactive_since
        ]
        blocks.append(section("*Since then (reactive)*\n" + "\n".join(lines)))
    if brief.open_items:
        overdue = set(brief.overdue_items)
        lines = [
            f"• {clip(i.text, 200)}"
            + (f" — {escape(i.owner_name)}" if i.owner_name else "")
            + (f", due {day(i.due_on)}" if i.due_on else "")
            + (" ⚠️ overdue" if i in overdue else "")
            for i in brief.open_items[:10]
        ]
        blocks.append(section("*Open action items*\n" + "\n".join(lines)))
    if brief.details_to_remember:
        blocks.append(
            section(
                "*Details to remember*\n"
                + "\n".join(f"• {clip(d, 300)}" for d in brief.details_to_remember)
            )
        )
    if brief.team_notes:
        said = "\n".join(f"• {clip(n, 300)}" for n in brief.team_notes)
        blocks.append(section(f"*From the account team*\n{said}"))
    if c.notes:
        blocks.append(section(f"*Notes*\n{clip(c.notes, 1000)}"))
    if brief.links:
        blocks.append(context(" · ".join(_link(link.url, link.label) for link in brief.links)))
    blocks += [divider(), section(f"*Suggested opener*\n_{clip(brief.opener, 1500)}_")]
    buttons = [button("Request a meeting", Action.REQUEST_MEETING, str(c.customer_id))]
    if own:
        buttons.append(button("Pause, move or remove…", Action.MANAGE_CUSTOMER, str(c.customer_id)))
    blocks.append(actions(*buttons, block_id="brief_actions"))
    return modal("Pre-call brief", blocks, callback_id=View.BRIEF)
