"""The recap email after a reached call, in the regimen's words: summarise, delineate the
action items, and set expectations for follow-up — who will be contacting them and when; and
the short note after a touch the customer declined ("not now", see `declined_note`)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.regimen.brief import _company, _greeting_name, _signature
from bot.regimen.calendar import local_now, zone
from bot.regimen.types import (
    CustomerProfile,
    ExecutiveProfile,
    FollowupEmail,
    RecapCall,
    RecapItem,
)


def _day(value: date) -> str:
    return f"{value:%A} {value.day} {value:%B}"


def _item_line(item: RecapItem) -> str:
    text = " ".join(item.text.split())
    who = item.owner_name or "our team"
    due = f", by {_day(item.due_on)}" if item.due_on else ""
    return f"- {text} — {who}{due}"


def _who_and_when(call: RecapCall, executive: ExecutiveProfile) -> str:
    """Who will be contacting them and when: the follow-up owner and date, else the latest
    due date of the items, else the executive in the coming weeks."""
    owner = call.follow_up_owner
    on = call.follow_up_on
    if on is None:
        dues = [i.due_on for i in call.items if i.due_on is not None]
        on = max(dues) if dues else None
    when = f"by {_day(on)}" if on else "in the coming weeks"
    if owner and owner != executive.name:
        return f"{owner} will be in touch with you {when}."
    return f"I will be in touch with you myself {when}."


def recap_email(
    *,
    customer: CustomerProfile,
    executive: ExecutiveProfile,
    call: RecapCall,
    now: datetime,
) -> FollowupEmail:
    """The email to the customer after a call that reached them: thanks, a summary, the action
    items with their owner and due date, who will contact them and when, and a signature."""
    tz = zone(executive.timezone)
    today = local_now(now, tz).date()
    occurred = call.occurred_at
    aware = occurred.replace(tzinfo=UTC) if occurred.tzinfo is None else occurred
    spoke_on = aware.astimezone(tz).date()  # the executive's day, not UTC's
    spoke = "today" if spoke_on == today else f"on {_day(spoke_on)}"
    paragraphs = [
        f"Hi {_greeting_name(customer)},",
        f"Thank you for taking the time to speak with me {spoke} — "
        "I appreciated hearing how things are going.",
    ]
    summary = " ".join((call.summary or "").split())
    if summary:
        paragraphs.append(f"To summarise what we discussed: {summary}")
    if call.items:
        lines = "\n".join(_item_line(i) for i in call.items)
        paragraphs.append(f"What we will do, who owns it and by when:\n{lines}")
    paragraphs.append("Who will contact you, and when: " + _who_and_when(call, executive))
    paragraphs.append("If anything else comes up in the meantime, just reply to this email.")
    paragraphs.append("Best regards,\n" + "\n".join(_signature(executive)))
    return FollowupEmail(
        to=customer.contact_email or None,
        subject=f"Our call today — next steps from {_company(executive)}"
        if spoke == "today"
        else f"Our call — next steps from {_company(executive)}",
        body="\n\n".join(paragraphs),
        slots=(),
    )


def declined_note(*, customer: CustomerProfile, executive: ExecutiveProfile) -> FollowupEmail:
    """The note after a touch the customer declined ("not now").

    What a busy customer appreciates, decided: they have just said "not now" to the
    executive's face or on the phone, so nothing that asks anything of them — no recap of a
    conversation that did not happen, no "I tried to reach you" (they were reached), no time
    slots, no question to answer. At most two lines that take the "no" gracefully and say the
    executive will be back in a few weeks (the planner brings the customer round again after
    KYC_DECLINED_COMEBACK_WEEKS), so the next call is expected rather than a nuisance.

    It is never sent by itself: the confirmation DM of a decline offers it ("Email a short
    note") and the executive, who heard how the "not now" was said, decides whether even that
    is one email too many."""
    paragraphs = [
        f"Hi {_greeting_name(customer)},",
        "Thanks for letting me know now isn't a good time — I'll be in touch in a few weeks. "
        "If anything comes up before then, just reply to this email.",
        "Best regards,\n" + "\n".join(_signature(executive)),
    ]
    return FollowupEmail(
        to=customer.contact_email or None,
        subject=f"Another time — {executive.name}, {_company(executive)}",
        body="\n\n".join(paragraphs),
        slots=(),
    )
