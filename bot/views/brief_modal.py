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


_INSIGHT_FIELDS = (
    ("criticism", "Criticism"),
    ("stressed_areas", "Stressed areas"),
    ("make_it_great", "Would make it great"),
    ("in_their_words", "In their words"),
)


def insights_text(brief: Brief) -> str:
    """The most recent insights, each dated and each field clipped: at most 3 × 4 fields of
    150 characters, well inside a section's 3000."""
    out = []
    for insight in brief.insights[:3]:
        lines = [f"_{day(insight.occurred_at.date())} · {escape(insight.channel.label)}_"]
        for attr, label in _INSIGHT_FIELDS:
            said = getattr(insight, attr)
            if said:
                lines.append(f"• {label}: {clip(said, 150)}")
        out.append("\n".join(lines))
    return "\n".join(out)


def build_brief_modal(brief: Brief, *, own: bool = True) -> dict[str, Any]:
    """The pre-call brief; `own` False when a delegate opened it for their executive: managing
    the customer (pause, move, remove) stays the executive's, so it is not offered."""
    c = brief.customer
    blocks = [header(clip(c.name, 140))]
    facts = [escape(brief.tenure) if brief.tenure else "Customer since: not recorded"]
    if c.tier:
        facts.append(f"Tier: {escape(c.tier)}")
    if c.key:
        facts.append("*Key customer*")
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
    if last and last.in_their_words:
        text += f"\n_In their words:_ {clip(last.in_their_words, 600)}"
    blocks.append(section(f"*Last proactive touchpoint*\n{text}"))
    if brief.done_since:
        done = "\n".join(
            f"• {clip(d.text, 200)} — done {day(d.done_at.date())}"
            + (f" by {escape(d.owner_name)}" if d.owner_name else "")
            for d in brief.done_since
        )
        blocks.append(section(f"*To tell the customer: done since you last spoke*\n{done}"))
    if brief.insights:
        blocks.append(section("*What they said lately*\n" + insights_text(brief)))
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
    buttons = [
        button("History", Action.HISTORY, str(c.customer_id)),
        button("Request a meeting", Action.REQUEST_MEETING, str(c.customer_id)),
    ]
    if own:
        buttons.append(button("Pause, move or remove…", Action.MANAGE_CUSTOMER, str(c.customer_id)))
        buttons.append(
            button(
                "Not a key customer" if c.key else "Mark as key customer",
                Action.TOGGLE_KEY,
                str(c.customer_id),
            )
        )
    blocks.append(actions(*buttons, block_id="brief_actions"))
    return modal("Pre-call brief", blocks, callback_id=View.BRIEF)
