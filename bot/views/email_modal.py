"""The follow-up email modal (after a voicemail, the recap after a reached call, or the short
note after a declined one): compose links for the executive's email client, the .ics of the
proposed slots, and the text to copy; and the confirmation DM of a logged touch, which offers
the recap (reached) or the short note (declined)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.ids import Action, View
from bot.regimen.compose import ComposeLink, EmailClient
from bot.regimen.types import FollowupEmail
from bot.views.blocks import actions, button, context, plain, section
from bot.views.blocks import modal as modal_view
from bot.views.limits import ensure_message
from bot.views.text import clip, escape

VOICEMAIL, RECAP, NOTE = "voicemail", "recap", "note"


@dataclass(frozen=True)
class EmailScreen:
    """What the email modal shows. `kind` is VOICEMAIL (ref: the customer's id), RECAP (ref:
    the call's id) or NOTE (ref: the declined touch's id); `links` come preferred client
    first; `ics_url` is None without slots or without a public URL (`ics_needs_url` says
    which)."""

    kind: str
    ref: int
    customer_name: str
    email: FollowupEmail
    links: tuple[ComposeLink, ...]
    preferred: EmailClient
    ics_url: str | None = None
    ics_needs_url: bool = False
    customer_timezone: str | None = None
    for_id: int | None = None  # the executive whose email it is, when their delegate opened it


def _client_select(preferred: EmailClient) -> dict[str, Any]:
    options = [{"text": plain(c.label), "value": c.value} for c in EmailClient]
    return {
        "type": "static_select",
        "action_id": Action.EMAIL_CLIENT.value,
        "placeholder": plain("Email client"),
        "options": options,
        "initial_option": next(o for o in options if o["value"] == preferred.value),
    }


def _link_button(text: str, action_id: str, url: str, *, primary: bool) -> dict[str, Any]:
    el = button(text, action_id, style="primary" if primary else None)
    el["url"] = url
    return el


def build_email_modal(screen: EmailScreen) -> dict[str, Any]:
    email, name = screen.email, escape(screen.customer_name)
    if screen.kind == VOICEMAIL:
        intro = (
            f"📞 Voicemail logged for *{name}* ✓\n"
            "80% of calls end in voicemail — follow up by email with a few times that suit you."
        )
    elif screen.kind == NOTE:
        intro = (
            f"🙏 A short note for *{name}*: thanks for saying so, and that you'll be back in a "
            "few weeks — nothing for them to answer. Send it only if it helps."
        )
    else:
        intro = (
            f"📝 Recap for *{name}*: what you discussed, the action items, and who will "
            "contact them and when."
        )
    buttons = [
        _link_button(
            f"Open in {link.client.label}",
            f"{Action.COMPOSE}_{link.client}",
            link.url,
            primary=i == 0,
        )
        for i, link in enumerate(screen.links)
    ]
    if screen.ics_url:
        buttons.append(
            _link_button("📅 Slots (.ics)", Action.ICS.value, screen.ics_url, primary=False)
        )
    blocks = [
        section(intro),
        section(
            f"*To:* {escape(email.to) if email.to else '_no email on file_'}\n"
            f"*Subject:* {clip(email.subject, 300)}"
        ),
        actions(*buttons),
    ]
    notes = []
    if any(link.shortened for link in screen.links):
        notes.append("The email is too long for a link: it ends with a note; paste the rest below.")
    if email.slots and screen.ics_needs_url:
        notes.append("A calendar file (.ics) of the slots needs KYC_PUBLIC_URL set on the bot.")
    if email.slots and screen.customer_timezone:
        notes.append(f"Times are given in yours and theirs ({escape(screen.customer_timezone)}).")
    elif email.slots:
        notes.append("The slots are in your own working hours, outside any pause.")
    blocks.append(context(*notes) if notes else context("Sent from your own mailbox."))
    blocks.append(
        section("*Open links in*", accessory=_client_select(screen.preferred), block_id="client")
    )
    blocks.append(section("```" + clip(email.body, 2800) + "```"))
    meta = json.dumps(
        {"k": screen.kind, "id": screen.ref, **({"f": screen.for_id} if screen.for_id else {})}
    )
    title = {VOICEMAIL: "Follow-up email", NOTE: "Short note"}.get(screen.kind, "Recap email")
    return modal_view(title, blocks, callback_id=View.EMAIL, close="Done", private_metadata=meta)


def build_call_confirmation(
    text: str, contact_id: int | None, *, declined: bool = False
) -> dict[str, Any]:
    """The DM confirming a logged call; after a reached call, with "Email the recap", after a
    declined one (`declined`) with "Email a short note" (recap.declined_note)."""
    blocks = [section(text)]
    if contact_id is not None:
        label = "Email a short note" if declined else "Email the recap"
        blocks.append(actions(button(label, Action.EMAIL_RECAP.value, str(contact_id))))
    ensure_message(text, blocks)
    return {"text": text, "blocks": blocks}
