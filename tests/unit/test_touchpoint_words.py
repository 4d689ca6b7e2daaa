"""How messages name each kind of touchpoint (Channel.noun), and the short note after a decline."""

from __future__ import annotations

import json

import bot.views.items as item_views
from bot.regimen.types import TOUCHPOINTS, Channel
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
