"""Every Block Kit payload stays within Slack's limits, and user text stays text."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.regimen.brief import build_brief
from bot.regimen.calendar import Regimen
from bot.regimen.metrics import ExecutiveFigures
from bot.regimen.types import (
    BatchStatus,
    ContactKind,
    ContactRecord,
    CustomerProfile,
    ExecutiveProfile,
    OpenItem,
    Outcome,
    Sentiment,
)
from bot.views import items as item_views
from bot.views.brief_modal import build_brief_modal
from bot.views.call_modal import build_call_modal
from bot.views.call_submission import parse_call_submission
from bot.views.commands import build_help, build_reactive_modal
from bot.views.data import (
    CallForm,
    CallThread,
    CloseLoop,
    DigestLine,
    HomeData,
    ItemCard,
    KudosCard,
    Option,
    Person,
    WeekItem,
    WeekView,
)
from bot.views.home import build_home
from bot.views.nudge import build_all_done, build_nudge, build_week_list
from bot.views.reminders import build_items_digest
from tests.blockkit_oracle import BLOCKS, message_problems, view_problems
from tests.scenario.calls import call_values

EVIL = "<!channel> Acme & <https://evil.example|click> <@U123>"
HUGE = "x" * 3000
NOW = datetime(2026, 11, 23, 13, 30, tzinfo=UTC)
EXEC = ExecutiveProfile(name="Dana Whitfield", timezone="America/New_York", company="Northwind")


def brief(name: str = "Acme Corp", summary: str = HUGE, items: int = 10):  # type: ignore[no-untyped-def]
    contacts = [
        ContactRecord(
            NOW,
            ContactKind.PROACTIVE,
            outcome=Outcome.REACHED,
            sentiment=Sentiment.UNHAPPY,
            summary=summary,
            details_to_remember=EVIL,
        ),
        ContactRecord(NOW, ContactKind.REACTIVE, summary=EVIL),
    ]
    customer = CustomerProfile(
        1,
        name,
        customer_since=date(2020, 3, 1),
        contact_name="Jane Roe",
        website="https://acme.example",
        notes=HUGE,
    )
    open_items = [OpenItem(f"{EVIL} {i}", "Mo", "CS", date(2026, 11, 1)) for i in range(items)]
    return build_brief(
        customer=customer, contacts=contacts, open_items=open_items, executive=EXEC, now=NOW
    )


def week(n: int, name: str = EVIL) -> WeekView:
    reg = Regimen(1, "Dana", ZoneInfo("America/New_York"), (0, 1, 2, 3, 4), NOW.time(), n, None)
    items = tuple(
        WeekItem(
            i, i, BatchStatus.DONE if i % 4 == 0 else BatchStatus.PLANNED, brief(f"{name} {i}")
        )
        for i in range(1, n + 1)
    )
    return WeekView(1, "Dana", "U0DANA", reg, "2026-W48", date(2026, 11, 23), items)


def dumped(payload: dict) -> str:  # type: ignore[type-arg]
    return json.dumps(payload)


def assert_escaped(payload: dict) -> None:  # type: ignore[type-arg]
    shown = dumped(payload)
    assert "<!channel>" not in shown and "<@U123>" not in shown and "<https://evil" not in shown
    assert "&lt;!channel&gt;" in shown


@pytest.mark.parametrize("n", [1, 5, 40])
def test_the_nudge_stays_within_50_blocks_for_any_week(n: int) -> None:
    message = build_nudge(week(n))
    assert len(message["blocks"]) <= BLOCKS["message"]
    assert message_problems(message) == []
    assert_escaped(message)


def test_a_40_customer_week_list_and_all_done_stay_within_limits() -> None:
    for message in (build_week_list(week(40)), build_all_done(week(5))):
        assert message_problems(message) == []


def test_the_brief_modal_with_huge_text_and_ten_items_stays_within_limits() -> None:
    view = build_brief_modal(brief())
    assert len(view["blocks"]) <= BLOCKS["modal"]
    assert view_problems(view) == []
    assert_escaped(view)


def test_the_call_modal_with_ten_items_and_five_kudos_stays_within_100_blocks() -> None:
    teams = tuple(Option(str(i), f"Team {i}") for i in range(120))
    view = build_call_modal(
        CallForm(
            customer=Option("1", EVIL),
            item_count=10,
            kudos_count=5,
            teams=teams,
            default_team=teams[0],
        )
    )
    assert len(view["blocks"]) <= BLOCKS["modal"]
    assert view_problems(view) == []
    assert not any(b.get("block_id") == "add_item" for b in view["blocks"])


def test_item_threads_kudos_and_reminders_stay_within_limits_and_escape_user_text() -> None:
    mo = Person(EVIL, "U0MO")
    card = ItemCard(1, HUGE + EVIL, mo, date(2026, 11, 30), overdue_days=4)
    payloads = [
        item_views.build_items_parent(
            CallThread(mo, EVIL, Outcome.REACHED, Sentiment.PROMOTER, EVIL + HUGE, EVIL, 10)
        ),
        item_views.build_item_reply(card),
        item_views.build_item_done_note(card),
        item_views.build_close_loop_dm(CloseLoop(EVIL, tuple([card] * 10))),
        build_items_digest([DigestLine(EVIL, card)]),
        item_views.build_overdue_thread_note(card),
        item_views.build_overdue_escalation(card, EVIL, mo),
        item_views.build_kudos_post(KudosCard(mo, mo, EVIL + HUGE, EVIL)),
        item_views.build_kudos_dm(KudosCard(mo, mo, EVIL, EVIL), to_manager=True),
        item_views.build_story_post(EVIL, mo, HUGE),
        item_views.build_follow_up_reminder(EVIL, HUGE, mo),
    ]
    for payload in payloads:
        assert message_problems(payload) == []
        assert "<!channel>" not in dumped(payload)


def test_home_for_an_admin_with_everything_stays_within_100_blocks() -> None:
    mo = Person("Mo", "U0MO")
    data = HomeData(
        name=EVIL,
        is_executive=True,
        is_admin=True,
        iso_week="2026-W48",
        quota=40,
        week=tuple((i, EVIL, "planned") for i in range(40)),
        my_items=tuple(ItemCard(i, HUGE, mo, None) for i in range(30)),
        failed_messages=tuple([HUGE] * 30),
        figures=ExecutiveFigures(
            1,
            EVIL,
            proactive_30d=8,
            reactive_30d=5,
            customers=20,
            covered_90d=7,
            longest_without=EVIL,
        ),
    )
    view = build_home(data)
    assert len(view["blocks"]) <= BLOCKS["home"]
    assert view_problems(view) == []
    assert "62% proactive" in dumped(view)  # 8 of 13


def test_help_and_small_modals_are_valid() -> None:
    assert message_problems(build_help()) == []
    assert view_problems(build_reactive_modal("")) == []


def test_a_complete_call_submission_parses() -> None:
    values = call_values(
        7, items=[("Fix export", "U0MO", "2026-11-30")], kudos=[("U0LEE", "Great onboarding")]
    )
    sub, errors = parse_call_submission(values, today=date(2026, 11, 23))
    assert errors == {}
    assert sub is not None and sub.customer_id == 7 and sub.outcome == Outcome.REACHED
    assert sub.items[0].owner_user_id == "U0MO" and sub.items[0].due_on == date(2026, 11, 30)
    assert sub.kudos[0].note == "Great onboarding"


@pytest.mark.parametrize(
    ("changes", "block", "message_part"),
    [
        ({"summary": None}, "summary", "what you heard"),
        ({"summary": "x" * 3001}, "summary", "3,000"),
        ({"items": [("Fix", None, None)]}, "item_owner_1", "Who owns"),
        ({"items": [(None, "U0MO", None)]}, "item_text_1", "what needs doing"),
        ({"items": [("Fix", "U0MO", "2026-11-22")]}, "item_due_1", "passed"),
        ({"items": [("x" * 1001, "U0MO", None)]}, "item_text_1", "1,000"),
        ({"kudos": [("U0MO", None)]}, "kudos_note_1", "what they did"),
        ({"kudos": [(None, "Nice")]}, "kudos_to_1", "Who gets"),
    ],
)
def test_each_bad_field_gets_its_own_error(changes: dict, block: str, message_part: str) -> None:  # type: ignore[type-arg]
    sub, errors = parse_call_submission(call_values(7, **changes), today=date(2026, 11, 23))
    assert sub is None
    assert block in errors and message_part in errors[block]


def test_voicemail_needs_no_summary_and_missing_customer_is_an_error() -> None:
    sub, errors = parse_call_submission(
        call_values(7, outcome="voicemail", summary=None), today=date(2026, 11, 23)
    )
    assert errors == {} and sub is not None and sub.outcome == Outcome.VOICEMAIL
    _, errors = parse_call_submission(call_values(None), today=date(2026, 11, 23))
    assert "customer" in errors


def test_home_shows_customer_names_as_text_never_markup() -> None:
    data = HomeData(
        name="Dana",
        is_executive=True,
        is_admin=False,
        iso_week="2026-W48",
        quota=5,
        week=((1, "<!channel> & <b>", "planned"), (2, "<!here>", "done")),
        figures=ExecutiveFigures(1, "Dana", customers=2, longest_without="<@U123> & co"),
    )
    shown = dumped(build_home(data))
    assert "*&lt;!channel&gt; &amp; &lt;b&gt;*" in shown and "*&lt;!here&gt;*" in shown
    assert "&lt;@U123&gt; &amp; co" in shown
    assert "<!channel>" not in shown and "<b>" not in shown and "<!here>" not in shown
    assert "<@U123>" not in shown
