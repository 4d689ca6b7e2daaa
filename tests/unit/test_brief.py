"""The pre-call brief, the opener and the follow-up email after a voicemail."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.regimen.brief import build_brief, followup_email, news_search_url, suggested_opener
from bot.regimen.calendar import zone
from bot.regimen.types import (
    Brief,
    Channel,
    ContactKind,
    ContactRecord,
    CustomerProfile,
    ExecutiveProfile,
    OpenItem,
    Outcome,
    Sentiment,
)

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # Monday 09:00 in New York
ACME = CustomerProfile(
    customer_id=1,
    name="ACME",
    customer_since=date(2020, 3, 10),
    contact_name="Jane Roe",
    contact_title="VP Operations",
    contact_email="jane@acme.com",
    contact_phone="+1 555 0100",
    website="acme.com",
    linkedin="https://www.linkedin.com/company/acme",
)
DANA = ExecutiveProfile(
    name="Dana Whitfield",
    timezone="America/New_York",
    title="CEO",
    email="dana@northwind.com",
    phone="+1 555 0199",
    company="Northwind",
)


def contact(
    days_ago: float, kind: ContactKind = ContactKind.PROACTIVE, **fields: object
) -> ContactRecord:
    return ContactRecord(occurred_at=NOW - timedelta(days=days_ago), kind=kind, **fields)  # type: ignore[arg-type]


def brief(**overrides: object) -> Brief:
    args: dict[str, object] = {
        "customer": ACME,
        "contacts": [],
        "open_items": [],
        "executive": DANA,
        "now": NOW,
    }
    args.update(overrides)
    return build_brief(**args)  # type: ignore[arg-type]


# --- the brief -----------------------------------------------------------------------------


def test_the_brief_shows_tenure_and_the_primary_contact() -> None:
    b = brief()
    assert b.tenure == "customer for 6 years, since March 2020"
    assert b.primary_contact == "Jane Roe (VP Operations) · jane@acme.com · +1 555 0100"
    assert brief(customer=replace(ACME, customer_since=None)).tenure is None


def test_the_primary_contact_shows_only_the_parts_present() -> None:
    email_only = replace(ACME, contact_name=None, contact_title=None, contact_phone=None)
    assert brief(customer=email_only).primary_contact == "jane@acme.com"
    nobody = replace(ACME, contact_name=None, contact_email=None, contact_phone=None)
    assert brief(customer=nobody).primary_contact is None


def test_links_add_a_scheme_and_a_news_search() -> None:
    links = {link.label: link.url for link in brief().links}
    assert links == {
        "Website": "https://acme.com",
        "LinkedIn": "https://www.linkedin.com/company/acme",
        "News": "https://news.google.com/search?q=ACME",
    }
    bare = replace(ACME, website=None, linkedin=None, name="Smith & Sons")
    assert [link.label for link in brief(customer=bare).links] == ["News"]
    assert news_search_url("Smith & Sons") == "https://news.google.com/search?q=Smith+%26+Sons"


def test_reactive_since_only_counts_contacts_after_the_last_proactive_call() -> None:
    contacts = [
        contact(40, ContactKind.REACTIVE, channel=Channel.TICKET, summary="before"),
        contact(30, outcome=Outcome.REACHED, sentiment=Sentiment.SATISFIED),
        contact(60, outcome=Outcome.VOICEMAIL),
        contact(10, ContactKind.REACTIVE, channel=Channel.COMPLAINT, summary="late delivery"),
        contact(5, ContactKind.REACTIVE, channel=Channel.ORDER, summary="reorder"),
    ]
    b = brief(contacts=contacts)
    assert b.last_proactive == contacts[1]
    assert [c.summary for c in b.reactive_since] == ["reorder", "late delivery"]


def test_without_a_proactive_call_all_reactive_contacts_count_at_most_five() -> None:
    contacts = [contact(d, ContactKind.REACTIVE, summary=str(d)) for d in range(1, 9)]
    b = brief(contacts=contacts)
    assert b.last_proactive is None
    assert [c.summary for c in b.reactive_since] == ["1", "2", "3", "4", "5"]


def test_details_to_remember_are_newest_first_and_deduplicated() -> None:
    contacts = [
        contact(90, details_to_remember="Daughter starts college in the fall"),
        contact(60, details_to_remember="  "),
        contact(30, details_to_remember="Runs marathons"),
        contact(20, details_to_remember="daughter starts  college in the fall"),
        contact(10, details_to_remember=None),
    ] + [contact(100 + i, details_to_remember=f"old {i}") for i in range(12)]
    # Every touchpoint's details, the brief's history: capped at 10.
    assert brief(contacts=contacts).details_to_remember == (
        "daughter starts college in the fall",
        "Runs marathons",
        *(f"old {i}" for i in range(8)),
    )


def test_open_items_are_sorted_by_due_date_and_overdue_uses_the_local_day() -> None:
    items = [
        OpenItem("no date"),
        OpenItem("due tomorrow", due_on=date(2026, 11, 24)),
        OpenItem("due yesterday", due_on=date(2026, 11, 22)),
        OpenItem("due today", due_on=date(2026, 11, 23)),
    ]
    b = brief(open_items=items)
    assert [i.text for i in b.open_items] == [
        "due yesterday",
        "due today",
        "due tomorrow",
        "no date",
    ]
    assert [i.text for i in b.overdue_items] == ["due yesterday"]
    # 02:00 UTC on the 24th is still the 23rd in New York: "due today" is not overdue yet.
    late = brief(open_items=items, now=datetime(2026, 11, 24, 2, 0, tzinfo=UTC))
    assert [i.text for i in late.overdue_items] == ["due yesterday"]


# --- the opener ----------------------------------------------------------------------------


def test_the_opener_acknowledges_the_tenure_and_thanks_the_customer() -> None:
    opener = suggested_opener(ACME, DANA, date(2026, 11, 23))
    assert opener == (
        "Hi Jane, this is Dana Whitfield from Northwind. ACME has been with us for 6 years now"
        " — thank you for that. Do you have ten minutes for me to hear how things are going?"
    )


def test_the_opener_without_a_contact_or_company_uses_the_customer_name() -> None:
    anonymous = replace(ACME, contact_name=None, customer_since=None)
    opener = suggested_opener(anonymous, replace(DANA, company=None), date(2026, 11, 23))
    assert opener.startswith("Hi ACME, this is Dana Whitfield from our team.")
    assert "Thank you" in opener


def test_the_opener_mentions_the_last_call_and_an_open_complaint() -> None:
    last = contact(170, outcome=Outcome.REACHED)
    b = brief(contacts=[last])
    assert "since we last spoke in June" in b.opener
    complaint = contact(20, ContactKind.REACTIVE, channel=Channel.COMPLAINT)
    b = brief(contacts=[last, complaint])
    assert "you raised a complaint with us" in b.opener
    assert "put it right" in b.opener
    assert b.opener.count(". ") + b.opener.count("? ") <= 2  # three sentences at most


def test_an_order_or_an_email_is_not_apologised_for() -> None:
    last = contact(170, outcome=Outcome.REACHED)
    order = contact(20, ContactKind.REACTIVE, channel=Channel.ORDER)
    b = brief(contacts=[last, order])
    assert "put it right" not in b.opener
    assert "since we last spoke in June" in b.opener


def test_the_opener_does_not_claim_a_conversation_after_a_voicemail() -> None:
    b = brief(contacts=[contact(400, outcome=Outcome.VOICEMAIL)])
    assert "tried to reach you in October 2025" in b.opener
    assert "spoke" not in b.opener


# --- the follow-up email -------------------------------------------------------------------


def test_the_followup_email_is_addressed_thanks_and_signs() -> None:
    last = contact(170, outcome=Outcome.REACHED, summary="The new warehouse scanners")
    email = brief(contacts=[last]).followup_email
    assert email.to == "jane@acme.com"
    assert email.subject == "Following up on my call — Dana Whitfield, Northwind"
    assert email.body.startswith("Hi Jane,\n\nI just tried to call you")
    assert "The last time we spoke, in June, we talked about: The new warehouse scanners" in (
        email.body
    )
    assert "customer for 6 years, since March 2020" in email.body
    assert email.body.endswith(
        "Best regards,\nDana Whitfield\nCEO, Northwind\ndana@northwind.com\n+1 555 0199"
    )
    for text in (
        "Tuesday 24 November, 10:00 EST",
        "Wednesday 25 November, 14:00 EST",
        "Thursday 26 November, 11:00 EST",
    ):
        assert text in email.body


def test_the_followup_email_does_not_echo_the_call_just_made() -> None:
    just_now = contact(0, outcome=Outcome.VOICEMAIL)
    email = followup_email(customer=ACME, executive=DANA, now=NOW, last_call=just_now)
    assert "tried to reach you" not in email.body
    assert "The last time" not in email.body


def test_followup_slots_count_and_an_empty_signature() -> None:
    bare = ExecutiveProfile(name="Sam", timezone="Europe/Paris")
    email = followup_email(customer=ACME, executive=bare, now=NOW, slot_count=5)
    assert len(email.slots) == 5
    assert email.body.endswith("Best regards,\nSam")
    assert followup_email(customer=ACME, executive=bare, now=NOW, slot_count=0).slots == ()


@pytest.mark.parametrize(
    ("now", "expected_utc", "labels"),
    [
        # Thursday before fall-back (Sunday 2026-11-01): Friday in EDT, then EST.
        (
            datetime(2026, 10, 29, 15, tzinfo=UTC),
            [(10, 30, 14), (11, 2, 19), (11, 3, 16)],
            ["Friday 30 October, 10:00 EDT", "Monday 2 November, 14:00 EST"],
        ),
        # Thursday before spring-forward (Sunday 2026-03-08): Friday in EST, then EDT.
        (
            datetime(2026, 3, 5, 15, tzinfo=UTC),
            [(3, 6, 15), (3, 9, 18), (3, 10, 15)],
            ["Friday 6 March, 10:00 EST", "Monday 9 March, 14:00 EDT"],
        ),
    ],
)
def test_followup_slots_keep_local_hours_across_a_dst_change(
    now: datetime, expected_utc: list[tuple[int, int, int]], labels: list[str]
) -> None:
    email = followup_email(customer=ACME, executive=DANA, now=now)
    assert [(s.astimezone(UTC).month, s.day, s.astimezone(UTC).hour) for s in email.slots] == (
        expected_utc
    )
    assert [(s.hour, s.minute) for s in email.slots] == [(10, 0), (14, 0), (11, 0)]
    for label in labels:
        assert label in email.body


def test_followup_slots_start_after_the_executives_local_today_in_kathmandu() -> None:
    # Monday 20:00 UTC is already Tuesday 01:45 in Kathmandu, so the first slot is Wednesday.
    kathmandu = replace(DANA, timezone="Asia/Kathmandu")
    email = followup_email(
        customer=ACME, executive=kathmandu, now=datetime(2026, 11, 23, 20, tzinfo=UTC)
    )
    first = email.slots[0]
    assert first.date() == date(2026, 11, 25)
    assert first.astimezone(UTC).time() == time(4, 15)
    assert "Wednesday 25 November, 10:00 UTC+05:45" in email.body


def test_followup_slots_in_st_johns_use_its_half_hour_offset() -> None:
    st_johns = replace(DANA, timezone="America/St_Johns")
    email = followup_email(customer=ACME, executive=st_johns, now=NOW)
    assert email.slots[0].astimezone(UTC).time() == time(13, 30)
    assert "Tuesday 24 November, 10:00 NST" in email.body


def test_followup_slots_follow_a_sunday_to_thursday_week() -> None:
    jerusalem = replace(DANA, timezone="Asia/Jerusalem", workdays=(6, 0, 1, 2, 3))
    thursday = datetime(2026, 11, 26, 12, tzinfo=UTC)
    email = followup_email(customer=ACME, executive=jerusalem, now=thursday)
    assert [s.date() for s in email.slots] == [
        date(2026, 11, 29),
        date(2026, 11, 30),
        date(2026, 12, 1),
    ]


ZONES = ["America/New_York", "Europe/London", "Asia/Kathmandu", "America/St_Johns", "UTC"]


@settings(max_examples=200, deadline=None)
@given(
    tz=st.sampled_from(ZONES),
    workdays=st.sets(st.integers(0, 6), min_size=1).map(lambda s: tuple(sorted(s))),
    now=st.datetimes(
        min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
    ),
    count=st.integers(1, 6),
)
def test_followup_slots_are_on_workdays_inside_working_hours(
    tz: str, workdays: tuple[int, ...], now: datetime, count: int
) -> None:
    executive = replace(DANA, timezone=tz, workdays=workdays)
    slots = followup_email(customer=ACME, executive=executive, now=now, slot_count=count).slots
    today = now.astimezone(zone(tz)).date()
    assert len(slots) == count
    assert [s.tzinfo for s in slots] == [zone(tz)] * count
    assert all(s.weekday() in workdays and 9 <= s.hour < 17 for s in slots)
    assert slots[0].date() > today
    assert all(a.date() < b.date() for a, b in pairwise(slots))


# --- every word the customer reads ---------------------------------------------------------


def test_the_whole_followup_email_as_the_customer_reads_it() -> None:
    last = contact(170, outcome=Outcome.REACHED, summary="The new  warehouse\nscanners")
    email = brief(contacts=[last]).followup_email
    assert email.body == (
        "Hi Jane,\n\n"
        "I just tried to call you and missed you, so I'm following up by email. The last time we"
        " spoke, in June, we talked about: The new warehouse scanners\n\n"
        "Thank you for being our customer for 6 years, since March 2020 — we don't take that for"
        " granted.\n\n"
        "I'd love ten minutes to hear how things are going and what we could do better. Would one"
        " of these times work for a short call?\n"
        "- Tuesday 24 November, 10:00 EST\n"
        "- Wednesday 25 November, 14:00 EST\n"
        "- Thursday 26 November, 11:00 EST\n\n"
        "If none of them suits you, just reply with a time that does.\n\n"
        "Best regards,\nDana Whitfield\nCEO, Northwind\ndana@northwind.com\n+1 555 0199"
    )


@pytest.mark.parametrize(
    ("since", "thanks"),
    [
        (date(2026, 11, 2), "Thank you for choosing us — we're glad to have you with us."),
        (
            date(2026, 9, 30),
            "Thank you for being our customer for 1 month, since September 2026 — we don't take"
            " that for granted.",
        ),
        (None, "Thank you for being our customer — we don't take that for granted."),
    ],
)
def test_the_email_thanks_a_new_customer_an_old_one_and_one_of_unknown_tenure(
    since: date | None, thanks: str
) -> None:
    email = followup_email(customer=replace(ACME, customer_since=since), executive=DANA, now=NOW)
    assert email.body.split("\n\n")[2] == thanks


def test_without_slots_the_email_asks_for_a_time() -> None:
    email = followup_email(customer=ACME, executive=DANA, now=NOW, slot_count=0)
    assert email.body.split("\n\n")[3] == (
        "I'd love ten minutes to hear how things are going and what we could do better. Just"
        " reply with a time that suits you."
    )
    assert "If none of them" not in email.body


@pytest.mark.parametrize(
    ("last", "echo"),
    [
        (
            contact(170, outcome=Outcome.REACHED, summary="x" * 140),
            "The last time we spoke, in June, we talked about: " + "x" * 140,
        ),
        (
            contact(170, outcome=Outcome.REACHED, summary="v" * 141),
            "The last time we spoke, in June, we talked about: " + "v" * 139 + "…",
        ),
        (
            contact(170, outcome=Outcome.REACHED, summary="y" * 138 + "  z" + "w" * 50),
            "The last time we spoke, in June, we talked about: " + "y" * 138 + "…",
        ),
        (
            contact(170, outcome=Outcome.REACHED, summary="   "),
            "It has been a while since we last spoke, in June.",
        ),
        (contact(170, outcome=Outcome.VOICEMAIL), "I also tried to reach you in June."),
        (
            contact(400, outcome=Outcome.REACHED),
            "It has been a while since we last spoke, in October 2025.",
        ),
    ],
)
def test_the_email_recalls_the_last_call_briefly(last: ContactRecord, echo: str) -> None:
    email = followup_email(customer=ACME, executive=DANA, now=NOW, last_call=last)
    assert email.body.split("\n\n")[1] == (
        "I just tried to call you and missed you, so I'm following up by email. " + echo
    )


def test_the_month_recalled_is_the_executives_own() -> None:
    # 31 October 13:00 in Los Angeles (20:00 UTC) is already 1 November in Tokyo.
    tokyo = replace(DANA, timezone="Asia/Tokyo")
    la = ZoneInfo("America/Los_Angeles")
    halloween = ContactRecord(
        datetime(2026, 10, 31, 13, tzinfo=la), ContactKind.PROACTIVE, outcome=Outcome.REACHED
    )
    email = followup_email(customer=ACME, executive=tokyo, now=NOW, last_call=halloween)
    assert "since we last spoke, in November." in email.body
    opener = suggested_opener(ACME, tokyo, date(2026, 11, 23), last_call=halloween)
    assert "since we last spoke in November" in opener


def test_the_brief_does_not_depend_on_the_servers_own_timezone(server_timezone) -> None:  # type: ignore[no-untyped-def]
    # Naive datetimes from the store mean UTC, whatever zone the server's clock is set to.
    server_timezone("Pacific/Kiritimati")  # UTC+14: a day ahead of UTC most of the time
    tokyo = replace(DANA, timezone="Asia/Tokyo")
    # 31 October 20:00 UTC is 1 November 05:00 in Tokyo; read as Kiritimati's own time it
    # would be 31 October 15:00 in Tokyo.
    naive_halloween = ContactRecord(
        datetime(2026, 10, 31, 20), ContactKind.PROACTIVE, outcome=Outcome.REACHED
    )
    sunday_night = datetime(2026, 11, 22, 12, tzinfo=UTC)  # Sunday 21:00 in Tokyo
    b = brief(contacts=[naive_halloween], executive=tokyo, now=sunday_night)
    assert "since we last spoke in November" in b.opener
    email = b.followup_email
    assert "since we last spoke, in November." in email.body
    assert email.slots[0].date() == date(2026, 11, 23)  # Monday: the day after Tokyo's today


@pytest.mark.parametrize(
    ("contact_name", "greeting"),
    [
        ("Dr. Jane Roe", "Dr. Roe"),
        ("prof Ada King Lovelace", "prof Lovelace"),
        ("Ms Roe", "Ms Roe"),
        ("Dr.", "Dr."),
        ("Jane Mary Roe", "Jane"),
        ("Drew Barry", "Drew"),
    ],
)
def test_the_greeting_uses_a_title_with_the_surname_else_the_first_name(
    contact_name: str, greeting: str
) -> None:
    opener = suggested_opener(replace(ACME, contact_name=contact_name), DANA, date(2026, 11, 23))
    assert opener.startswith(f"Hi {greeting}, this is Dana Whitfield")


@pytest.mark.parametrize(
    ("changes", "shown"),
    [
        ({"contact_name": None}, "VP Operations · jane@acme.com · +1 555 0100"),
        ({"contact_email": None}, "Jane Roe (VP Operations) · +1 555 0100"),
        ({"contact_title": None, "contact_phone": None}, "Jane Roe · jane@acme.com"),
    ],
)
def test_the_primary_contact_joins_what_is_there(changes: dict, shown: str) -> None:  # type: ignore[type-arg]
    assert brief(customer=replace(ACME, **changes)).primary_contact == shown


def test_a_website_given_as_a_bare_or_protocol_relative_name_gets_https() -> None:
    site = replace(ACME, website="//Xerox.example/path/", linkedin=" linkedin.com/company/x ")
    links = {link.label: link.url for link in brief(customer=site).links}
    assert links["Website"] == "https://Xerox.example/path/"
    assert links["LinkedIn"] == "https://linkedin.com/company/x"


def test_a_reactive_contact_at_the_very_moment_of_the_call_is_not_since_the_call() -> None:
    call = contact(30, outcome=Outcome.REACHED)
    same_time = ContactRecord(call.occurred_at, ContactKind.REACTIVE, channel=Channel.TICKET)
    assert brief(contacts=[call, same_time]).reactive_since == ()


@pytest.mark.parametrize(
    ("since", "last", "reactive", "opener"),
    [
        (
            date(2026, 11, 2),
            None,
            [],
            "Hi Jane, this is Dana Whitfield from Northwind. ACME has only just joined us — thank"
            " you for choosing us. Do you have ten minutes for me to hear how things are going?",
        ),
        (
            date(2020, 3, 10),
            contact(170, outcome=Outcome.REACHED),
            [contact(20, ContactKind.REACTIVE, channel=Channel.ESCALATION)],
            "Hi Jane, this is Dana Whitfield from Northwind. ACME has been with us for 6 years now"
            " — thank you for that. I know that since we last spoke in June, you had to escalate"
            " an issue with us, and I want to make sure we put it right — do you have ten minutes"
            " for me to hear how things are going?",
        ),
        (
            date(2020, 3, 10),
            contact(170, outcome=Outcome.VOICEMAIL),
            [contact(20, ContactKind.REACTIVE, channel=Channel.TICKET)],
            "Hi Jane, this is Dana Whitfield from Northwind. ACME has been with us for 6 years now"
            " — thank you for that. I know that you opened a ticket with our team, and I want to"
            " make sure we put it right — do you have ten minutes for me to hear how things are"
            " going?",
        ),
        (
            None,
            None,
            [contact(20, ContactKind.REACTIVE, channel=Channel.COMPLAINT)],
            "Hi Jane, this is Dana Whitfield from Northwind. Thank you for being a customer of"
            " Northwind. I know that you raised a complaint with us, and I want to make sure we"
            " put it right — do you have ten minutes for me to hear how things are going?",
        ),
        (
            date(2020, 3, 10),
            contact(170, outcome=Outcome.REACHED),
            [],
            "Hi Jane, this is Dana Whitfield from Northwind. ACME has been with us for 6 years now"
            " — thank you for that. It has been a while since we last spoke in June — do you have"
            " ten minutes for me to hear how things are going?",
        ),
    ],
)
def test_the_whole_opener_in_each_situation(
    since: date | None, last: ContactRecord | None, reactive: list[ContactRecord], opener: str
) -> None:
    customer = replace(ACME, customer_since=since)
    got = suggested_opener(customer, DANA, date(2026, 11, 23), last_call=last, reactive=reactive)
    assert got == opener


def test_slots_fall_back_to_monday_to_friday_when_no_workday_is_valid() -> None:
    odd = replace(DANA, workdays=(7, 9))
    email = followup_email(customer=ACME, executive=odd, now=NOW)
    assert [s.weekday() for s in email.slots] == [1, 2, 3]  # Tuesday to Thursday


@pytest.mark.parametrize(
    ("timezone", "label"),
    [("Europe/Istanbul", "10:00 UTC+03:00"), ("Asia/Kathmandu", "10:00 UTC+05:45")],
)
def test_zones_without_an_abbreviation_are_spelled_out(timezone: str, label: str) -> None:
    email = followup_email(customer=ACME, executive=replace(DANA, timezone=timezone), now=NOW)
    assert label in email.body


def test_a_call_yesterday_in_the_executives_own_day_is_recalled() -> None:
    # Sunday 23:30 UTC is Monday morning in Tokyo; a call on Sunday evening there was yesterday.
    tokyo = replace(DANA, timezone="Asia/Tokyo")
    monday_morning = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)
    sunday_call = ContactRecord(
        datetime(2026, 11, 29, 12, tzinfo=UTC), ContactKind.PROACTIVE, outcome=Outcome.VOICEMAIL
    )
    email = followup_email(
        customer=ACME, executive=tokyo, now=monday_morning, last_call=sunday_call
    )
    assert "I also tried to reach you in November." in email.body
