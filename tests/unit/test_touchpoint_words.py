"""How messages name each kind of touchpoint (Channel.noun), and the short note after a decline."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import bot.views.items as item_views
from bot.regimen.brief import build_brief, followup_email
from bot.regimen.recap import declined_note
from bot.regimen.types import (
    TOUCHPOINTS,
    Channel,
    ContactKind,
    ContactRecord,
    CustomerProfile,
    ExecutiveProfile,
    Outcome,
)
from bot.views.data import Person

DANA = Person("Dana Whitfield", "U0DANA")


def test_every_touchpoint_has_a_noun_and_its_article() -> None:
    assert [c.noun for c in TOUCHPOINTS] == [
        "call",
        "visit",
        "meeting at our office",
        "lunch or dinner",
        "event",
        "back-to-the-floor shift",
    ]
    assert Channel.EVENT.a_noun == "an event" and Channel.VISIT.a_noun == "a visit"
    assert Channel.TICKET.noun == "ticket"  # not a touchpoint: its label, lowercase


def test_the_story_post_and_the_follow_up_reminder_name_the_touchpoint() -> None:
    story = json.dumps(item_views.build_story_post("Acme", DANA, None, Channel.MEAL))
    assert "(from <@U0DANA>'s lunch or dinner)" in story
    reminder = json.dumps(item_views.build_follow_up_reminder("Acme", None, DANA, Channel.FLOOR))
    assert "from <@U0DANA>'s back-to-the-floor shift." in reminder
    # A call keeps its words.
    assert "(from <@U0DANA>'s call)" in json.dumps(item_views.build_story_post("Acme", DANA, None))


# --- after a decline -------------------------------------------------------------------------

NOW = datetime(2026, 11, 25, 15, tzinfo=UTC)
DANA_PROFILE = ExecutiveProfile(
    "Dana Whitfield", "America/New_York", company="Northwind", email="dana@northwind.com"
)
ACME = CustomerProfile(1, "Acme", contact_name="Jane Roe", contact_email="jane@acme.com")


def test_the_email_after_a_later_voicemail_does_not_say_it_tried_to_reach_a_decliner() -> None:
    declined = ContactRecord(
        occurred_at=NOW - timedelta(days=40),
        kind=ContactKind.PROACTIVE,
        outcome=Outcome.DECLINED,
        channel=Channel.VISIT,
    )
    email = followup_email(customer=ACME, executive=DANA_PROFILE, now=NOW, last_call=declined)
    assert "tried to reach you" not in email.body
    assert "When we last spoke, in October, it wasn't a good moment for you" in email.body
    # The brief drawn on that history drafts the same email.
    b = build_brief(
        customer=ACME, contacts=[declined], open_items=[], executive=DANA_PROFILE, now=NOW
    )
    assert "tried to reach you" not in b.followup_email.body


def test_the_note_after_a_decline_is_short_and_asks_nothing() -> None:
    note = declined_note(customer=ACME, executive=DANA_PROFILE)
    assert note.to == "jane@acme.com" and note.slots == ()
    assert note.subject == "Another time — Dana Whitfield, Northwind"
    assert note.body.startswith(
        "Hi Jane,\n\nThanks for letting me know now isn't a good time — "
        "I'll be in touch in a few weeks."
    )
    assert "?" not in note.body and "tried to reach" not in note.body
    assert note.body.endswith("Best regards,\nDana Whitfield\nNorthwind\ndana@northwind.com")
    assert len(note.body) < 300
