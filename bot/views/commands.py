"""`/kyc` answers and the small modals: swap, reassign, reactive contact, add customer."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from bot.ids import Action, Block, View
from bot.regimen.types import Channel, Sentiment
from bot.views.blocks import context, modal, section
from bot.views.call_modal import _input, customer_input, option, text_input
from bot.views.call_submission import Values, date_of, selected, text_of, user_of
from bot.views.data import ItemCard
from bot.views.limits import ensure_message
from bot.views.text import clip, escape

HELP = """*KYC — customers with morning coffee* ☕
• `/kyc done [customer]` — log a call (the customer is preselected when you name it); \
`/kyc done visit Acme` for a visit, lunch, event, office or floor touchpoint
• `/kyc customer NAME` — the customer's history: every touchpoint, what they said, open items
• `/kyc week` — this week's customers and where you are
• `/kyc stats` — your numbers (admins, managers and delegates: `/kyc stats @someone`)
• `/kyc log` — a reactive contact: a complaint, ticket or escalation
• `/kyc pause` — a vacation: pick the last day on a calendar (or `/kyc pause until \
2026-12-28`); `/kyc resume` to come back early
• `/kyc meeting [customer]` — request a formal meeting of your team with a customer
• `/kyc delegate @someone` — your chief of staff may act for you; `/kyc delegate off` to stop
• `/kyc floor` — back to the floor: a monthly or quarterly shift doing the front-line work \
yourself, hosted by a team; `/kyc floor off` to stop
• `/kyc done for @dana [customer]`, `/kyc week for @dana`, `/kyc pause for @dana` — as the \
delegate of @dana: recorded as by you for them, their numbers stay theirs
• `/kyc help` — this list
Your morning DM has the brief for each customer; the App Home tab has your numbers (a \
delegate's App Home has their executive's week too)."""

SWAP_REASONS = [
    ("recent", "Already spoke recently"),
    ("timing", "Not the right time"),
    ("not_mine", "Not my account"),
    ("other", "Other"),
]
REACTIVE = [
    Channel.COMPLAINT,
    Channel.TICKET,
    Channel.ESCALATION,
    Channel.ORDER,
    Channel.EMAIL,
    Channel.OTHER,
]
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def build_simple(text: str) -> dict[str, Any]:
    """An ephemeral answer; the text is ours, with user parts escaped by the caller."""
    blocks = [section(text)]
    ensure_message(text, blocks)
    return {"text": text, "blocks": blocks, "response_type": "ephemeral"}


def build_help() -> dict[str, Any]:
    return build_simple(HELP)


def build_dm_help() -> dict[str, Any]:
    """The answer to a message typed in the bot's DM: it reads none, so it shows the commands."""
    text = "I don't read messages here, but every `/kyc` command works in this DM.\n" + HELP
    blocks = [section(text)]
    ensure_message(text, blocks)
    return {"text": text, "blocks": blocks}


def build_not_enrolled(user_id: str) -> dict[str, Any]:
    return build_simple(
        f"Hi <@{escape(user_id)}> 👋 You are not on the KYC roster yet. KYC gives executives five "
        "customers a week to call and routes what they learn to the teams who act on it. Ask your "
        "KYC admin (often the chief of staff) to add you — as an executive for a weekly batch, or "
        "as a team member for action items and kudos."
    )


def build_swap_modal(customer_name: str, private_metadata: str) -> dict[str, Any]:
    reason = {"type": "static_select", "options": [option(v, label) for v, label in SWAP_REASONS]}
    return modal(
        "Swap a customer",
        [
            section(f"Swap *{escape(customer_name)}* for the next customer in your rotation?"),
            _input(Block.REASON, "Why?", reason, optional=False),
            text_input(Block.NAME, "Anything to add?", multiline=False, max_length=300),
        ],
        callback_id=View.SWAP,
        submit="Swap",
        private_metadata=private_metadata,
    )


def parse_swap(values: Values) -> tuple[str | None, dict[str, str]]:
    reason = selected(values, Block.REASON)
    if not reason:
        return None, {Block.REASON: "Pick a reason."}
    label = dict(SWAP_REASONS).get(reason, reason)
    note = text_of(values, Block.NAME)
    return (f"{label}: {note}" if note else label), {}


def build_reassign_modal(item: ItemCard, private_metadata: str) -> dict[str, Any]:
    return modal(
        "Reassign",
        [
            section(f"📌 {clip(item.text, 1500)}"),
            _input(Block.NEW_OWNER, "New owner", {"type": "users_select"}, optional=False),
        ],
        callback_id=View.REASSIGN,
        submit="Reassign",
        private_metadata=private_metadata,
    )


def parse_reassign(values: Values) -> tuple[str | None, dict[str, str]]:
    user = user_of(values, Block.NEW_OWNER)
    return (user, {}) if user else (None, {Block.NEW_OWNER: "Pick the new owner."})


def build_reactive_modal(private_metadata: str) -> dict[str, Any]:
    channel = {
        "type": "static_select",
        "options": [option(c.value, c.value.capitalize()) for c in REACTIVE],
        "initial_option": option(Channel.COMPLAINT.value, "Complaint"),
    }
    sentiment = {"type": "radio_buttons", "options": [option(s.value, s.label) for s in Sentiment]}
    return modal(
        "Log a reactive contact",
        [
            context(
                "A complaint, ticket or escalation — it counts against your proactive share, "
                "and brings the customer forward in your next batch."
            ),
            customer_input(None),
            _input(Block.CHANNEL, "What kind", channel, optional=False),
            _input(Block.SENTIMENT, "How did they sound?", sentiment),
            text_input(Block.SUMMARY, "What happened"),
            _input(Block.OCCURRED_ON, "When (default today)", {"type": "datepicker"}),
        ],
        callback_id=View.REACTIVE,
        submit="Log",
        private_metadata=private_metadata,
    )


def parse_reactive(values: Values, *, today: date) -> tuple[dict[str, Any] | None, dict[str, str]]:
    errors: dict[str, str] = {}
    customer = (values.get(Block.CUSTOMER) or {}).get(Action.CUSTOMER_SELECT, {})
    customer_id = (customer.get("selected_option") or {}).get("value")
    if not customer_id:
        errors[Block.CUSTOMER] = "Pick the customer."
    kind = selected(values, Block.CHANNEL) or Channel.COMPLAINT.value
    summary = text_of(values, Block.SUMMARY)
    if summary and len(summary) > 3000:
        errors[Block.SUMMARY] = f"Keep it under 3,000 characters (this is {len(summary):,})."
    on = date_of(values, Block.OCCURRED_ON)
    if on and on > today:
        errors[Block.OCCURRED_ON] = "That is in the future."
    if errors:
        return None, errors
    return {
        "customer_id": customer_id,
        "channel": kind,
        "summary": summary,
        "sentiment": selected(values, Block.SENTIMENT),
        "occurred_on": on,
    }, {}


def build_add_customer_modal() -> dict[str, Any]:
    return modal(
        "Add a customer",
        [
            text_input(
                Block.NAME, "Customer name", multiline=False, max_length=200, optional=False
            ),
            _input(Block.SINCE, "Customer since", {"type": "datepicker"}),
            text_input(Block.CONTACT_NAME, "Primary contact", multiline=False, max_length=200),
            text_input(Block.CONTACT_EMAIL, "Contact email", multiline=False, max_length=320),
            text_input(Block.CONTACT_PHONE, "Contact phone", multiline=False, max_length=64),
            text_input(Block.WEBSITE, "Website", multiline=False, max_length=500),
        ],
        callback_id=View.ADD_CUSTOMER,
        submit="Add",
    )


def parse_add_customer(
    values: Values, *, today: date
) -> tuple[dict[str, Any] | None, dict[str, str]]:
    errors: dict[str, str] = {}
    name = text_of(values, Block.NAME)
    if not name:
        errors[Block.NAME] = "The customer needs a name."
    email = text_of(values, Block.CONTACT_EMAIL)
    if email and not EMAIL.match(email):
        errors[Block.CONTACT_EMAIL] = f"“{email}” does not look like an email address."
    since = date_of(values, Block.SINCE)
    if since and since > today:  # the executive's own today, by the app's clock
        errors[Block.SINCE] = "That is in the future."
    if errors:
        return None, errors
    return {
        "name": name,
        "customer_since": since,
        "contact_name": text_of(values, Block.CONTACT_NAME),
        "contact_email": email,
        "contact_phone": text_of(values, Block.CONTACT_PHONE),
        "website": text_of(values, Block.WEBSITE),
    }, {}
