"""The pre-call brief, the suggested opener and the voicemail follow-up email.

Everything here is plain text; the Slack layer escapes it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

from bot.regimen.calendar import (
    MONDAY_TO_FRIDAY,
    is_paused,
    local_instant,
    local_now,
    next_workdays,
    tenure_span,
    tenure_text,
    zone,
)
from bot.regimen.contacts import whom_to_call
from bot.regimen.types import (
    Brief,
    Channel,
    ContactKind,
    ContactRecord,
    CustomerPerson,
    CustomerProfile,
    DoneItem,
    ExecutiveProfile,
    FollowupEmail,
    Insight,
    Link,
    OpenItem,
    Outcome,
)

MAX_REACTIVE = 5
MAX_DETAILS = 10
MAX_INSIGHTS = 3
MAX_TEAM_NOTES = 5
MAX_DONE = 5
# One slot per business day, varied so the customer sees a morning and an afternoon.
SLOT_TIMES = (time(10, 0), time(14, 0), time(11, 0))
WORK_HOURS = range(9, 17)  # a slot's hour on both sides: 9:00 to 16:00, done by 17:00
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_HONORIFICS = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof"}
_REACTIVE_PHRASES = {
    Channel.COMPLAINT: "you raised a complaint with us",
    Channel.ESCALATION: "you had to escalate an issue with us",
    Channel.TICKET: "you opened a ticket with our team",
}


def news_search_url(name: str) -> str:
    """A Google News search for the customer's name (awards, layoffs, launches)."""
    return "https://news.google.com/search?q=" + quote_plus(name.strip())


def _url(value: str | None) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    return text if _SCHEME.match(text) else "https://" + text.lstrip("/")


def _company(executive: ExecutiveProfile) -> str:
    return executive.company or "our team"


def _greeting_name(customer: CustomerProfile) -> str:
    """'Jane' for 'Jane Roe', 'Dr. Roe' for 'Dr. Jane Roe', else the customer's name."""
    words = (customer.contact_name or "").split()
    if not words:
        return customer.name
    if words[0].rstrip(".").lower() in _HONORIFICS and len(words) > 1:
        return f"{words[0]} {words[-1]}"
    return words[0]


def _month(day: date, today: date) -> str:
    return day.strftime("%B") if day.year == today.year else day.strftime("%B %Y")


def _local_day(moment: datetime, tz: ZoneInfo) -> date:
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment  # naive means UTC
    return aware.astimezone(tz).date()


def _spoke(call: ContactRecord | None) -> bool:
    return call is not None and (call.outcome is None or call.outcome.reached_customer)


def primary_contact(customer: CustomerProfile) -> str | None:
    """'Jane Roe (VP Operations) · jane@acme.com · +1 555 0100', only the parts present."""
    if not (customer.contact_name or customer.contact_email or customer.contact_phone):
        return None
    who = customer.contact_name or ""
    if customer.contact_title:
        who = f"{who} ({customer.contact_title})" if who else customer.contact_title
    parts = [who, customer.contact_email or "", customer.contact_phone or ""]
    return " · ".join(p for p in parts if p)


def suggested_opener(
    customer: CustomerProfile,
    executive: ExecutiveProfile,
    today: date,
    *,
    last_call: ContactRecord | None = None,
    reactive: Sequence[ContactRecord] = (),
) -> str:
    """Three sentences: who is calling, thanks for the tenure, and a request for ten minutes
    that recalls the last call and acknowledges a recent complaint (`reactive`, newest first)."""
    hello = f"Hi {_greeting_name(customer)}, this is {executive.name} from {_company(executive)}."
    if customer.customer_since is None:
        thanks = f"Thank you for being a customer of {_company(executive)}."
    elif tenure_span(customer.customer_since, today) == "less than a month":
        thanks = f"{customer.name} has only just joined us — thank you for choosing us."
    else:
        span = tenure_span(customer.customer_since, today)
        thanks = f"{customer.name} has been with us for {span} now — thank you for that."
    ask = "do you have ten minutes for me to hear how things are going?"
    month = None
    if last_call is not None:
        month = _month(_local_day(last_call.occurred_at, zone(executive.timezone)), today)
    # Only a problem gets "put it right"; an order or an email is not something to apologise for.
    problem = next((r for r in reactive if r.channel in _REACTIVE_PHRASES), None)
    if problem is not None:
        phrase = _REACTIVE_PHRASES[problem.channel]
        when = f"since we last spoke in {month}, " if month and _spoke(last_call) else ""
        closing = f"I know that {when}{phrase}, and I want to make sure we put it right — {ask}"
    elif month and _spoke(last_call):
        closing = f"It has been a while since we last spoke in {month} — {ask}"
    elif month and last_call is not None and last_call.outcome == Outcome.DECLINED:
        closing = f"In {month} it was not a good moment for you — {ask}"
    elif month:
        closing = f"I tried to reach you in {month} — {ask}"
    else:
        closing = ask[0].upper() + ask[1:]
    return f"{hello} {thanks} {closing}"


def _zone_label(moment: datetime) -> str:
    abbr = moment.tzname() or ""
    # Zones without a letter abbreviation (Asia/Kathmandu) report '+0545'; spell it out.
    if abbr[:1] in "+-" and abbr[1:].isdigit():
        return f"UTC{abbr[0]}{abbr[1:3]}:{abbr[3:5] or '00'}"
    return abbr


def format_slot(moment: datetime) -> str:
    """'Tuesday 24 November, 10:00 EST' in the moment's own zone."""
    return f"{moment:%A} {moment.day} {moment:%B}, {moment:%H:%M} {_zone_label(moment)}".strip()


def _slot_days(
    after: date,
    workdays: tuple[int, ...],
    paused_until: date | None,
    count: int,
    holidays: frozenset[date] = frozenset(),
) -> list[date]:
    """The next `count` workdays after `after` that are neither paused nor holidays."""
    days: list[date] = []
    for day in next_workdays(after, workdays, count + 400):  # a pause of a year at most
        if not is_paused(day, paused_until) and day not in holidays:
            days.append(day)
            if len(days) == count:
                break
    return days


def _slot_time(day: date, usual: time, tz: ZoneInfo, theirs: ZoneInfo | None) -> datetime:
    """`usual` on `day`, or the working hour nearest it that is also in the customer's working
    hours (9:00-17:00 both sides), when there is one."""
    if theirs is not None:
        fits = [
            h
            for h in WORK_HOURS
            if local_instant(day, time(h), tz).astimezone(theirs).hour in WORK_HOURS
        ]
        if fits and usual.hour not in fits:
            usual = time(min(fits, key=lambda h: abs(h - usual.hour)))
    return local_instant(day, usual, tz)


def proposed_slots(
    executive: ExecutiveProfile, now: datetime, count: int, customer_tz: str | None = None
) -> tuple[datetime, ...]:
    """`count` call slots on the executive's next workdays after today (their local date),
    skipping days they are paused, one a day at 10:00, 14:00, 11:00, ... their time, moved to
    an hour inside the customer's working day (`customer_tz`) when the two overlap."""
    if count <= 0:
        return ()
    tz: ZoneInfo = zone(executive.timezone)
    theirs = _customer_zone(customer_tz)
    today = local_now(now, tz).date()
    # An empty or invalid workday set would never yield a day; fall back to Monday-Friday.
    workdays = tuple(d for d in executive.workdays if 0 <= d <= 6) or MONDAY_TO_FRIDAY
    days = _slot_days(today, workdays, executive.paused_until, count, executive.holidays)
    return tuple(
        _slot_time(day, SLOT_TIMES[i % len(SLOT_TIMES)], tz, theirs) for i, day in enumerate(days)
    )


def _customer_zone(name: str | None) -> ZoneInfo | None:
    try:
        return zone(name) if name else None
    except ValueError:
        return None


def slot_line(moment: datetime, customer_tz: str | None) -> str:
    """'Tuesday 24 November, 10:00 EST', and the customer's own time beside it when their
    zone keeps another clock ('— Wednesday 25 November, 00:00 JST your time')."""
    mine = format_slot(moment)
    theirs = _customer_zone(customer_tz)
    if theirs is None or moment.astimezone(theirs).utcoffset() == moment.utcoffset():
        return mine
    return f"{mine} — {format_slot(moment.astimezone(theirs))} your time"


def _signature(executive: ExecutiveProfile) -> list[str]:
    role = ", ".join(p for p in (executive.title, executive.company) if p)
    return [p for p in (executive.name, role, executive.email, executive.phone) if p]


def _echo(last_call: ContactRecord | None, today: date, tz: ZoneInfo) -> str | None:
    if last_call is None:
        return None
    day = _local_day(last_call.occurred_at, tz)
    if day >= today:  # the call just made is the one this email follows up
        return None
    month = _month(day, today)
    if last_call.outcome == Outcome.DECLINED:  # they were reached, and said "not now"
        return (
            f"When we last spoke, in {month}, it wasn't a good moment for you — "
            "I hope things have calmed down since."
        )
    if not _spoke(last_call):
        return f"I also tried to reach you in {month}."
    summary = " ".join((last_call.summary or "").split())
    if not summary:
        return f"It has been a while since we last spoke, in {month}."
    if len(summary) > 140:
        summary = summary[:139].rstrip() + "…"
    return f"The last time we spoke, in {month}, we talked about: {summary}"


def followup_email(
    *,
    customer: CustomerProfile,
    executive: ExecutiveProfile,
    now: datetime,
    last_call: ContactRecord | None = None,
    slot_count: int = 3,
) -> FollowupEmail:
    """Call first, then email: the draft sent after a voicemail, with `slot_count` proposed
    times (see `proposed_slots`) and the executive's contact details."""
    tz = zone(executive.timezone)
    today = local_now(now, tz).date()
    slots = proposed_slots(executive, now, slot_count, customer.timezone)
    first = "I just tried to call you and missed you, so I'm following up by email."
    echo = _echo(last_call, today, tz)
    since = customer.customer_since
    if since is not None and tenure_span(since, today) == "less than a month":
        thanks = "Thank you for choosing us — we're glad to have you with us."
    elif since is not None:
        tenure = tenure_text(since, today).removeprefix("customer ")
        thanks = f"Thank you for being our customer {tenure} — we don't take that for granted."
    else:
        thanks = "Thank you for being our customer — we don't take that for granted."
    paragraphs = [
        f"Hi {_greeting_name(customer)},",
        " ".join(p for p in (first, echo) if p),
        thanks,
    ]
    ask = "I'd love ten minutes to hear how things are going and what we could do better."
    if slots:
        listing = "\n".join(f"- {slot_line(s, customer.timezone)}" for s in slots)
        paragraphs.append(f"{ask} Would one of these times work for a short call?\n{listing}")
        paragraphs.append("If none of them suits you, just reply with a time that does.")
    else:
        paragraphs.append(f"{ask} Just reply with a time that suits you.")
    paragraphs.append("Best regards,\n" + "\n".join(_signature(executive)))
    return FollowupEmail(
        to=customer.contact_email or None,
        subject=f"Following up on my call — {executive.name}, {_company(executive)}",
        body="\n\n".join(paragraphs),
        slots=slots,
    )


def _newest_first(contacts: Sequence[ContactRecord]) -> list[ContactRecord]:
    return sorted(contacts, key=lambda c: c.occurred_at, reverse=True)


def _details(contacts: Sequence[ContactRecord]) -> tuple[str, ...]:
    seen: set[str] = set()
    out: list[str] = []
    for contact in _newest_first(contacts):
        text = " ".join((contact.details_to_remember or "").split())
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            out.append(text)
    return tuple(out[:MAX_DETAILS])


def _clean(text: str | None) -> str | None:
    return " ".join((text or "").split()) or None


def insights(contacts: Sequence[ContactRecord], limit: int = MAX_INSIGHTS) -> tuple[Insight, ...]:
    """The `limit` most recent touchpoints (proactive, newest first) where the customer said
    something worth reading again: criticism, stressed areas, what would make it great, or
    their own words."""
    out: list[Insight] = []
    for c in _newest_first(contacts):
        if c.kind != ContactKind.PROACTIVE:
            continue
        said = Insight(
            occurred_at=c.occurred_at,
            channel=c.channel,
            criticism=_clean(c.criticism),
            stressed_areas=_clean(c.stressed_areas),
            make_it_great=_clean(c.make_it_great),
            in_their_words=_clean(c.in_their_words),
        )
        if said.criticism or said.stressed_areas or said.make_it_great or said.in_their_words:
            out.append(said)
            if len(out) == limit:
                break
    return tuple(out)


def done_since(
    done: Sequence[DoneItem], last_spoke: ContactRecord | None, limit: int = MAX_DONE
) -> tuple[DoneItem, ...]:
    """Action items closed since the customer was last spoken to (`last_spoke`: the latest
    proactive touch that reached them; None: ever), newest first: the loop to close with them
    ("we did what you asked")."""
    since = last_spoke.occurred_at if last_spoke is not None else None
    fresh = [d for d in done if since is None or _utc(d.done_at) > _utc(since)]
    return tuple(sorted(fresh, key=lambda d: _utc(d.done_at), reverse=True)[:limit])


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def local_moment(moment: datetime, tz: ZoneInfo) -> datetime:
    """`moment` (naive means UTC) as the wall time in `tz`: what a person reads."""
    return _utc(moment).astimezone(tz)


def build_brief(
    *,
    customer: CustomerProfile,
    contacts: Sequence[ContactRecord],
    open_items: Sequence[OpenItem],
    executive: ExecutiveProfile,
    now: datetime,
    people: Sequence[CustomerPerson] = (),
    team_notes: Sequence[str] = (),
    done_items: Sequence[DoneItem] = (),
) -> Brief:
    """Everything to read before the call: tenure, contact, last proactive call, reactive
    contacts since then (newest first, at most 5), details to remember (deduplicated, at most
    5), open items by due date (overdue = due before the executive's local today), links;
    whom to call among `people` and why, and what the account team said (`team_notes`).
    Every moment in it (contacts, insights, items done) is in the executive's zone."""
    tz = zone(executive.timezone)
    today = local_now(now, tz).date()
    # Every moment the brief shows is in the executive's zone: a call at 19:00 in New York
    # is that day's, not the next (UTC) day's.
    contacts = [replace(c, occurred_at=local_moment(c.occurred_at, tz)) for c in contacts]
    done_items = [replace(d, done_at=local_moment(d.done_at, tz)) for d in done_items]
    ordered = _newest_first(contacts)
    last = next((c for c in ordered if c.kind == ContactKind.PROACTIVE), None)
    reactive = tuple(
        c
        for c in ordered
        if c.kind == ContactKind.REACTIVE and (last is None or c.occurred_at > last.occurred_at)
    )[:MAX_REACTIVE]
    items = tuple(sorted(open_items, key=lambda i: (i.due_on is None, i.due_on or date.min)))
    links = [
        Link(label, url)
        for label, url in (
            ("Website", _url(customer.website)),
            ("LinkedIn", _url(customer.linkedin)),
        )
        if url
    ]
    links.append(Link("News", news_search_url(customer.name)))
    return Brief(
        customer=customer,
        tenure=tenure_text(customer.customer_since, today) if customer.customer_since else None,
        primary_contact=primary_contact(customer),
        last_proactive=last,
        open_items=items,
        reactive_since=reactive,
        details_to_remember=_details(contacts),
        links=tuple(links),
        opener=suggested_opener(customer, executive, today, last_call=last, reactive=reactive),
        email_draft=lambda: followup_email(
            customer=customer, executive=executive, now=now, last_call=last
        ),
        overdue_items=tuple(i for i in items if i.due_on is not None and i.due_on < today),
        call=whom_to_call(customer, people),
        team_notes=tuple(" ".join(n.split()) for n in team_notes if n.strip())[:MAX_TEAM_NOTES],
        insights=insights(ordered),
        done_since=done_since(
            done_items,
            next((c for c in ordered if c.kind == ContactKind.PROACTIVE and _spoke(c)), None),
        ),
    )
