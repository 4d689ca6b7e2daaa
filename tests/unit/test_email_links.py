"""The follow-up emails in one click: compose links that decode to the email, within Slack's
URL limit; slots outside a pause and the weekend, in the customer's timezone too; the recap
after a reached call; the .ics of the slots; and the modal that shows them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

import pytest

from bot.regimen.brief import followup_email, proposed_slots
from bot.regimen.compose import CUT_NOTE, EmailClient, compose_links, compose_url
from bot.regimen.ics import CallInvite, build_ics, read_events, starts_of, unfold
from bot.regimen.recap import recap_email
from bot.regimen.types import FollowupEmail, RecapCall, RecapItem
from bot.views.email_modal import (
    NOTE,
    RECAP,
    VOICEMAIL,
    EmailScreen,
    build_call_confirmation,
    build_email_modal,
)
from bot.views.limits import URL
from tests.blockkit_oracle import message_problems, view_problems
from tests.unit.test_brief import ACME, DANA, NOW
from tests.unit.test_views import EVIL, assert_escaped

SUBJECT = "Following up — Dana & co; 100% «ça va?» #1 ?x=y&z"
BODY = "Hi Jane,\n\nLine two: a+b=c & 50% off; <b>ok</b>\n- Tuesday 10:00 EST\n\nDana 🙂"


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


def test_each_compose_link_decodes_back_to_the_exact_email() -> None:
    links = {link.client: link for link in compose_links("jane@acme.com", SUBJECT, BODY, limit=URL)}
    gmail = links[EmailClient.GMAIL].url
    assert gmail.startswith("https://mail.google.com/mail/?view=cm&")
    assert query(gmail) | {} == {
        "view": "cm",
        "fs": "1",
        "to": "jane@acme.com",
        "su": SUBJECT,
        "body": BODY,
    }
    outlook = links[EmailClient.OUTLOOK].url
    assert outlook.startswith("https://outlook.office.com/mail/deeplink/compose?")
    assert query(outlook) == {"to": "jane@acme.com", "subject": SUBJECT, "body": BODY}
    mailto = urlsplit(links[EmailClient.MAILTO].url)
    assert mailto.scheme == "mailto" and unquote(mailto.path) == "jane@acme.com"
    # RFC 6068: a line break in a mailto body is CRLF
    assert query(links[EmailClient.MAILTO].url) == {
        "subject": SUBJECT,
        "body": BODY.replace("\n", "\r\n"),
    }
    assert not any(link.shortened for link in links.values())
    for link in links.values():  # nothing raw that would end the query or the URL early
        assert " " not in link.url and "\n" not in link.url and "#" not in link.url


def test_the_preferred_client_comes_first() -> None:
    links = compose_links(None, "s", "b", limit=URL, first=EmailClient.OUTLOOK)
    assert [link.client for link in links] == [
        EmailClient.OUTLOOK,
        EmailClient.MAILTO,
        EmailClient.GMAIL,
    ]
    assert query(links[0].url)["to"] == ""


@pytest.mark.parametrize("client", list(EmailClient))
def test_a_very_long_body_is_cut_with_a_note_to_fit_slacks_url_limit(client: EmailClient) -> None:
    body = "\n".join(f"Line {i}: déjà vu & 100% <ok> — " + "word " * 12 for i in range(400))
    link = compose_url(client, "jane@acme.com", SUBJECT, body, limit=URL)
    assert link.shortened and len(link.url) <= URL
    sent = query(link.url)["body"].replace("\r\n", "\n")
    assert sent.endswith(CUT_NOTE)
    kept = sent.removesuffix(CUT_NOTE).rstrip()
    assert body.startswith(kept) and len(kept) > 500  # most of what fits is used
    assert body[len(kept)] in "\n "  # cut between words


def test_a_long_body_that_fits_is_left_whole() -> None:
    body = "x" * 1000
    link = compose_url(EmailClient.GMAIL, None, "s", body, limit=URL)
    assert not link.shortened and query(link.url)["body"] == body


# --- slots ---------------------------------------------------------------------------------


def test_slots_skip_a_paused_week_and_the_weekend() -> None:
    friday = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)  # Friday 09:00 in New York
    paused = replace(DANA, paused_until=date(2026, 12, 4))  # all of next week
    days = [s.date() for s in proposed_slots(paused, friday, 3)]
    assert days == [date(2026, 12, 7), date(2026, 12, 8), date(2026, 12, 9)]
    unpaused = [s.date() for s in proposed_slots(DANA, friday, 3)]
    assert unpaused == [date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2)]


def test_a_paused_day_mid_week_is_skipped_and_the_slots_still_number_three() -> None:
    paused = replace(DANA, paused_until=date(2026, 11, 25))  # Mon-Wed off
    assert [s.date() for s in proposed_slots(paused, NOW, 3)] == [
        date(2026, 11, 26),
        date(2026, 11, 27),
        date(2026, 11, 30),
    ]


def test_slots_are_shown_in_the_customers_timezone_beside_the_executives() -> None:
    tokyo = replace(ACME, timezone="Asia/Tokyo")
    email = followup_email(customer=tokyo, executive=DANA, now=NOW)
    assert "- Tuesday 24 November, 10:00 EST — Wednesday 25 November, 00:00 JST your time" in (
        email.body
    )
    assert email.body.count("JST your time") == 3


def test_a_customer_in_the_executives_zone_sees_one_time() -> None:
    email = followup_email(
        customer=replace(ACME, timezone="America/Toronto"), executive=DANA, now=NOW
    )
    assert "your time" not in email.body and "10:00 EST" in email.body


def test_slots_move_into_the_customers_working_day_when_the_days_overlap() -> None:
    london = replace(ACME, timezone="Europe/London")
    slots = proposed_slots(DANA, NOW, 3, "Europe/London")
    for slot in slots:
        assert 9 <= slot.hour < 17
        assert 9 <= slot.astimezone(ZoneInfo("Europe/London")).hour < 17
    assert [s.hour for s in slots] == [10, 11, 11]  # 14:00 EST is 19:00 in London
    assert "your time" in followup_email(customer=london, executive=DANA, now=NOW).body


def test_an_unknown_customer_zone_is_ignored() -> None:
    email = followup_email(customer=replace(ACME, timezone="Mars/Olympus"), executive=DANA, now=NOW)
    assert "your time" not in email.body


# --- the recap after a reached call --------------------------------------------------------

CALL = RecapCall(
    occurred_at=NOW,
    summary="Happy with the rollout;\n export is slow.",
    items=(
        RecapItem("Fix the slow export", "Mo Santos", date(2026, 11, 30)),
        RecapItem("Send the roadmap", None, None),
    ),
    follow_up_owner="Mo Santos",
    follow_up_on=date(2026, 12, 2),
)


def test_the_recap_summarises_lists_the_items_and_says_who_will_contact_them_and_when() -> None:
    email = recap_email(customer=ACME, executive=DANA, call=CALL, now=NOW + timedelta(hours=1))
    assert email.to == "jane@acme.com" and email.slots == ()
    assert email.body == (
        "Hi Jane,\n\n"
        "Thank you for taking the time to speak with me today — I appreciated hearing how "
        "things are going.\n\n"
        "To summarise what we discussed: Happy with the rollout; export is slow.\n\n"
        "What we will do, who owns it and by when:\n"
        "- Fix the slow export — Mo Santos, by Monday 30 November\n"
        "- Send the roadmap — our team\n\n"
        "Who will contact you, and when: Mo Santos will be in touch with you by "
        "Wednesday 2 December.\n\n"
        "If anything else comes up in the meantime, just reply to this email.\n\n"
        "Best regards,\nDana Whitfield\nCEO, Northwind\ndana@northwind.com\n+1 555 0199"
    )


def test_with_no_follow_up_named_the_executive_will_be_in_touch_by_the_last_due_date() -> None:
    call = replace(CALL, follow_up_owner=None, follow_up_on=None)
    email = recap_email(customer=ACME, executive=DANA, call=call, now=NOW)
    assert "I will be in touch with you myself by Monday 30 November." in email.body
    bare = recap_email(customer=ACME, executive=DANA, call=RecapCall(NOW), now=NOW)
    assert "I will be in touch with you myself in the coming weeks." in bare.body
    assert "What we will do" not in bare.body and "summarise" not in bare.body


# --- the .ics ------------------------------------------------------------------------------


def invite(**changes: object) -> CallInvite:
    slots = proposed_slots(DANA, NOW, 3)
    base = CallInvite(
        uid="kyc-T1-1-2",
        summary="Call: ACME, Inc. and Dana; Whitfield (Northwind)",
        description="A short call.\nKeep the option that suits you, please — " + "é" * 80,
        starts=slots,
        organizer_name='Dana "D" Whitfield',
        organizer_email="dana@northwind.com",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_the_ics_has_one_event_per_slot_in_utc_folded_and_escaped() -> None:
    text = build_ics(invite(), now=NOW)
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    raw_lines = text.split("\r\n")[:-1]
    assert all(len(line.encode()) <= 75 for line in raw_lines)
    assert any(line.startswith(" ") for line in raw_lines)  # the long description is folded
    assert text.count("BEGIN:VEVENT") == text.count("END:VEVENT") == 3
    events = read_events(text)
    assert starts_of(events) == [s.astimezone(UTC) for s in proposed_slots(DANA, NOW, 3)]
    assert events[0]["DTSTART"] == "20261124T150000Z"  # Tuesday 10:00 EST
    assert events[0]["DTEND"] == "20261124T153000Z"
    assert events[0]["SUMMARY"] == (
        "Call: ACME\\, Inc. and Dana\\; Whitfield (Northwind) (option 1 of 3)"
    )
    assert events[0]["DESCRIPTION"].startswith("A short call.\\nKeep the option")
    assert len({e["UID"] for e in events}) == 3
    organizer = next(line for line in unfold(text) if line.startswith("ORGANIZER"))
    assert organizer == "ORGANIZER;CN=\"Dana 'D' Whitfield\":mailto:dana@northwind.com"


def test_folding_never_splits_a_character() -> None:
    text = build_ics(invite(description="🙂" * 100), now=NOW)
    for line in text.split("\r\n"):
        line.encode().decode()  # each physical line is whole UTF-8
    assert read_events(text)[0]["DESCRIPTION"] == "🙂" * 100


# --- the modal -----------------------------------------------------------------------------


def screen(kind: str = VOICEMAIL, **changes: object) -> EmailScreen:
    email = followup_email(customer=replace(ACME, timezone="Asia/Tokyo"), executive=DANA, now=NOW)
    base = EmailScreen(
        kind=kind,
        ref=7,
        customer_name="ACME",
        email=email,
        links=compose_links(email.to, email.subject, email.body, limit=URL),
        preferred=EmailClient.MAILTO,
        ics_url="https://kyc.example.com/ics/x.ics",
        customer_timezone="Asia/Tokyo",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def worst_screens() -> list[EmailScreen]:
    """The largest and nastiest the modal is given, for tests/unit/test_blockkit.py."""
    huge = "Ω" * 300 + EVIL
    email = FollowupEmail(to=huge + "@x.com", subject=huge * 3, body=(huge + "\n") * 40, slots=())
    links = compose_links(email.to, email.subject, email.body, limit=URL)
    return [
        screen(customer_name=huge, email=email, links=links, preferred=c, ics_url=None)
        for c in EmailClient
    ] + [
        screen(RECAP, customer_name=huge, ics_url=None),
        screen(NOTE, customer_name=huge, ics_url=None),
        screen(ics_url=None, ics_needs_url=True, customer_timezone=huge),
        screen(ics_url="https://k.example/" + "i" * 2900),
    ]


def test_the_modal_offers_each_client_preferred_first_and_the_ics() -> None:
    view = build_email_modal(screen(preferred=EmailClient.GMAIL, links=screen().links))
    buttons = next(b for b in view["blocks"] if b["type"] == "actions")["elements"]
    assert [b["text"]["text"] for b in buttons] == [
        "Open in Mail app",
        "Open in Gmail",
        "Open in Outlook",
        "📅 Slots (.ics)",
    ]
    assert buttons[0]["url"].startswith("mailto:jane@acme.com?")
    select = next(b for b in view["blocks"] if b.get("block_id") == "client")["accessory"]
    assert select["initial_option"]["value"] == "gmail"
    assert view_problems(view) == []


def test_without_a_public_url_the_modal_says_the_ics_needs_it() -> None:
    view = build_email_modal(screen(ics_url=None, ics_needs_url=True))
    assert "KYC_PUBLIC_URL" in str(view)
    assert "Slots (.ics)" not in str(view)


def test_the_modal_escapes_what_users_typed_and_stays_within_limits() -> None:
    for s in worst_screens():
        view = build_email_modal(s)
        assert view_problems(view) == []
    assert_escaped(build_email_modal(worst_screens()[-3]))


def test_the_confirmation_of_a_reached_call_offers_the_recap() -> None:
    message = build_call_confirmation("Logged ✅", 42)
    assert message["blocks"][1]["elements"][0]["value"] == "42"
    assert message_problems(message) == []
    assert len(build_call_confirmation("Logged ✅", None)["blocks"]) == 1
