"""Every Block Kit builder, fed the largest and nastiest input, makes a payload Slack takes.

Checked with tests/blockkit_oracle.py, which knows Slack's limits independently of the app's
own validator (bot/views/limits.py): a limit loosened there is caught here."""

from __future__ import annotations

import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from importlib import import_module
from typing import Any

import pytest

import bot.views
from bot.regimen.floor import Cadence, FloorFigures, ShiftStatus
from bot.regimen.key_customers import KeyCoverage
from bot.regimen.matchmaking import MeetHome, TeamParticipation
from bot.regimen.metrics import ExecutiveFigures, Scores, SentimentMix, WeekPoint, WeekScores
from bot.regimen.recovery import RecoveryFigures
from bot.regimen.themes import QuarterThemes
from bot.regimen.types import (
    Channel,
    ContactKind,
    ContactRole,
    CustomerPerson,
    DoneItem,
    Insight,
    Outcome,
    Sentiment,
    WhomToCall,
)
from bot.services.report import Report
from bot.views import blocks as block_helpers
from bot.views import call_modal as call_modal_module
from bot.views import items as item_views
from bot.views import limits
from bot.views import themes as theme_views
from bot.views.blocks import plain_note
from bot.views.brief_modal import build_brief_modal
from bot.views.call_modal import build_call_modal
from bot.views.commands import (
    build_add_customer_modal,
    build_dm_help,
    build_help,
    build_not_enrolled,
    build_reactive_modal,
    build_reassign_modal,
    build_simple,
    build_swap_modal,
)
from bot.views.customer_care import (
    HeadsUpLine,
    TransferRequest,
    build_enrol_modal,
    build_heads_up,
    build_manage_customer_modal,
    build_manage_pick_modal,
    build_transfer_request,
)
from bot.views.data import (
    ActedFor,
    CallForm,
    CallThread,
    CloseLoop,
    DelegateForm,
    DigestLine,
    FloorForm,
    HistoryEntry,
    HistoryPage,
    HolidayLine,
    HolidaysScreen,
    HomeData,
    ItemCard,
    KeyCustomerLine,
    KudosCard,
    MySettingsForm,
    Option,
    PauseForm,
    RecoveryOffer,
    SaidQuote,
    ShiftNote,
)
from bot.views.data import Person as Shown
from bot.views.delegates import build_delegate_modal
from bot.views.digest import build_digest_messages
from bot.views.email_modal import build_call_confirmation, build_email_modal
from bot.views.floor import (
    build_floor_answered,
    build_floor_ask,
    build_floor_confirmed,
    build_floor_modal,
    build_floor_moved,
    build_floor_proposal,
    build_floor_reminder,
    build_floor_report_modal,
    build_floor_thanks,
    build_floor_unanswered,
)
from bot.views.history import build_history_modal
from bot.views.holidays import build_holidays_modal
from bot.views.home import build_home
from bot.views.installs import build_welcome
from bot.views.matchmaking import (
    HostRequest,
    InvitationCard,
    build_host_answered,
    build_host_request,
    build_learn_ask,
    build_learn_modal,
    build_match_answered,
    build_match_invitation,
    build_reask,
    meet_blocks,
)
from bot.views.my_settings import build_my_settings_modal, build_pause_modal
from bot.views.notices import build_customer_options, build_not_enrolled_home, build_notice_modal
from bot.views.nudge import (
    build_all_done,
    build_answered_nudge,
    build_nudge,
    build_week_list,
    coming_back,
    later_note,
    skipped_note,
    skipped_until,
)
from bot.views.recovery import build_ownership_post, build_recovery_offer
from bot.views.reminders import build_items_digest
from bot.views.roster_modals import build_roster_form, build_roster_options, build_roster_picker
from bot.views.settings_modal import build_settings_modal
from bot.views.stats import build_stats
from tests import blockkit_oracle as oracle
from tests.unit import test_charters as charters
from tests.unit import test_email_links as email_links
from tests.unit import test_meeting_views as meeting_views
from tests.unit import test_views_admin as admin
from tests.unit.test_views import EVIL, HUGE, brief, week

LONG_NAME = "Ω" * 300 + EVIL  # longer than any field Slack takes
NOW_ = datetime(2026, 11, 30, 15, tzinfo=UTC)
MO = Shown(LONG_NAME, "U0MO")
CARD = ItemCard(1, HUGE + EVIL, MO, date(2026, 11, 30), overdue_days=4, done=True, done_by=MO)
FIGURES = ExecutiveFigures(
    1,
    LONG_NAME,
    proactive_30d=8,
    reactive_30d=5,
    customers=20,
    covered_90d=7,
    longest_without=LONG_NAME,
    longest_without_since=date(2026, 1, 2),
    call_sentiment=SentimentMix(10**6, 10**6, 10**6),
    call_scores=Scores(10**6, 10**6, 3 * 10**6, 10**7),
    ticket_sentiment=SentimentMix(10**6, 10**6, 10**6),
    ticket_scores=Scores(10**6, 10**6, 10**6, 10**7),
    customer_only_30d=10**6,
    median_days_to_close=3.5,
    streak_weeks=9,
)
# The longest week labels and counts, every week scored and none scored: the widest trend line.
CALL_TREND = (
    *(
        WeekScores(f"2026-W{w}", SentimentMix(10**6, w, 10**6), Scores(10**6, 0, w % 2 * 10**6))
        for w in range(37, 48)
    ),
    WeekScores("2026-W48", SentimentMix(), Scores()),
)
TREND = tuple(WeekPoint(f"2026-W{w}", w % 5, w % 3) for w in range(37, 49))
TEAMS = tuple(Option(str(i), LONG_NAME) for i in range(150))
EVERY_MINUTE = tuple(time(h, m) for h in range(24) for m in range(60))  # more than a select takes


@dataclass(frozen=True)
class Choice:
    customer_id: int
    name: str
    in_batch: bool


# Key customers' complaints at their worst: every figure huge.
RECOVERIES = RecoveryFigures(10.0**9, 10.0**9, 10.0**9, 10**9, 10**9, 10**9)
# Key customers without a formal meeting: more than any surface lists, names at their longest.
KEY_DUE = tuple(
    KeyCustomerLine(LONG_NAME + EVIL, LONG_NAME + EVIL, date(2024, 1, 1) if i % 2 else None)
    for i in range(500)
)

KEY_COVERAGE = tuple(KeyCoverage(LONG_NAME + EVIL, 10**6, 10**6 - i) for i in range(300))


def _report(executives: int) -> Report:
    figures = tuple(
        ExecutiveFigures(
            i,
            f"{LONG_NAME} {i}",
            proactive_30d=i % 3,
            reactive_30d=1,
            call_scores=FIGURES.call_scores if i % 2 else Scores(),
            ticket_scores=FIGURES.ticket_scores if i % 2 else Scores(),
            streak_weeks=10**6,
            items_overdue=10**6,
            items_snoozed=10**6,
        )
        for i in range(executives)
    )
    stories = tuple((LONG_NAME, LONG_NAME) for _ in range(20))
    return Report(
        "2026-W48",
        figures,
        TREND,
        tuple([0.5] * 12),
        stories,
        7,
        call_trend=CALL_TREND,
        meetings=(meeting_views.WORST_FIGURES,) * 40,
        quotes=tuple(SaidQuote(LONG_NAME, "criticism", HUGE + EVIL) for _ in range(50)),
        themes_quarter=QuarterThemes("2026Q4", 10**6, 10**6, 10**6),
        themes_acted=tuple(LONG_NAME for _ in range(40)),
        recoveries=RECOVERIES if executives else None,
        key_without_meeting=KEY_DUE if executives else (),
        key_coverage=KEY_COVERAGE if executives else (),
        participation=PARTICIPATION,
    )


# Three hundred teams that do not face customers, with the longest names: more than fits.
PARTICIPATION = tuple(
    TeamParticipation(f"{LONG_NAME} {i}", 10**6, 10**6 - i, i) for i in range(300)
)
MEET = MeetHome(snoozed_until=date(2026, 12, 28), next_up=HUGE + EVIL, met=10**6)
INVITE = InvitationCard(
    10**12, LONG_NAME, LONG_NAME, None, HUGE + EVIL, LONG_NAME, HUGE + EVIL, customer_key=True
)
HOST_ASK = HostRequest(10**12, LONG_NAME, None, LONG_NAME, LONG_NAME, HUGE + EVIL)


def _home(*, executive: bool, admin: bool) -> dict[str, Any]:
    return build_home(
        HomeData(
            name=LONG_NAME,
            is_executive=executive,
            is_admin=admin,
            iso_week="2026-W48",
            quota=40,
            week=tuple((i, LONG_NAME, ("planned", "done", "attempted")[i % 3]) for i in range(40)),
            my_items=tuple(ItemCard(i, HUGE, MO, date(2026, 11, 1)) for i in range(30)),
            paused_until=date(2026, 12, 28) if executive != admin else None,
            paused_reason=HUGE + EVIL,
            failed_messages=tuple([HUGE] * 30),
            sending_stopped="token_revoked",
            figures=FIGURES,
            trend=TREND,
            call_trend=CALL_TREND,
            chart_url="https://kyc.example/charts/" + "x" * 200,
            delegate_name=LONG_NAME if executive else None,
            delegate_user="U" + "X" * 20 if admin else None,
            acting_for=ACTING_FOR,
            team=(10**12, LONG_NAME),
            team_meetings=meeting_views.WORST_FIGURES,
            floor=FLOOR[0] if executive and admin else FLOOR[1] if executive else None,
            key_without_meeting=KEY_DUE,
            key_coverage=KEY_COVERAGE,
            recoveries=RECOVERIES,
            meet=MEET if not executive else None,
            participation=PARTICIPATION,
            themes=QuarterThemes("2026Q4", 10**6, 10**6, 10**6),
        )
    )


# Back to the floor: the longest names, places and teams, years of missed periods.
FLOOR = (
    FloorFigures(
        LONG_NAME,
        Cadence.MONTHLY,
        LONG_NAME + EVIL,
        LONG_NAME + EVIL,
        True,
        10**6,
        tuple(f"{EVIL} {i}" for i in range(500)),
        date(2026, 12, 3),
        ShiftStatus.MOVED,
    ),
    FloorFigures("x", Cadence.QUARTERLY, "shop floor", "Support", False, 0, ()),
)
SHIFTS = (
    ShiftNote(
        10**12,
        LONG_NAME + EVIL,
        "U" + "X" * 20,
        LONG_NAME + EVIL,
        LONG_NAME + EVIL,
        date(2026, 12, 3),
        EVIL,
        "U" + "Y" * 20,
        date(2026, 12, 1),
        # more theme options than a select takes, each label too long
        themes=tuple(Option(f"t{10**9 + i}:{'x' * 30}", LONG_NAME + EVIL) for i in range(150)),
    ),
    ShiftNote(1, "<@U1>", None, "&", "<>", date(2026, 12, 3), "2026 Q4"),
)


# A chief of staff for five executives, each with forty open customers: more than fits.
ACTING_FOR = tuple(
    ActedFor(
        10**12 + n,
        LONG_NAME,
        "2026-W48",
        40,
        tuple((10**12 + i, LONG_NAME, ("planned", "attempted", "done")[i % 3]) for i in range(40)),
    )
    for n in range(5)
)


# The most themes a call modal offers (100), and candidates with the most customers and
# quotes, the longest names and words, decided or not.
THEMES = tuple(Option(f"t{10**12}:{'x' * 30}{i}", LONG_NAME) for i in range(150))
THEME_CARDS = [
    theme_views.ThemeCard(
        10**12,
        LONG_NAME,
        LONG_NAME,
        (LONG_NAME,) * 500,
        tuple(theme_views.QuoteLine(LONG_NAME, HUGE + EVIL) for _ in range(500)),
        state,
    )
    for state in (None, HUGE + EVIL)
] + [theme_views.ThemeCard(1, "P", None, (), ())]
ACTION_POINTS = [
    theme_views.ActionPoint(10**12, LONG_NAME, HUGE + EVIL, MO, date(2026, 12, 31), done, MO)
    for done in (False, True)
] + [theme_views.ActionPoint(1, "P", "x", None, None)]


def _digests() -> list[list[DigestLine]]:
    """One item; exactly a full message; far more than fits; every kind of line (overdue for
    years, due today, no due date) with the longest text and a customer name past its limit."""
    kinds = [
        ItemCard(0, HUGE + EVIL, MO, date(2020, 1, 1), overdue_days=2525),
        ItemCard(0, HUGE + EVIL, MO, date(2026, 11, 30)),
        ItemCard(0, HUGE + EVIL, None, None),
    ]
    many = [DigestLine(LONG_NAME, replace(kinds[i % 3], item_id=10**12 + i)) for i in range(500)]
    return [many[:1], many[:24], many[:25], many]


# Each builder with its worst input: (name of the builder, what it builds, the payloads).
Messages = Callable[[], list[dict[str, Any]]]
MESSAGES: dict[str, Messages] = {
    **meeting_views.WORST_MESSAGES,
    "build_nudge": lambda: [
        build_nudge(week(n, LONG_NAME), later) for n in (1, 5, 40) for later in ((), EVERY_MINUTE)
    ],
    "build_answered_nudge": lambda: [
        build_answered_nudge(build_nudge(week(n, LONG_NAME), EVERY_MINUTE), answer)
        for n in (1, 40)
        for answer in (
            coming_back(time(23, 59)),
            skipped_until(date(2026, 11, 27), None),
            skipped_until(date(2026, 11, 27), date(2027, 11, 26)),
        )
    ],
    "later_note": lambda: [later_note(time(23, 59))],
    "skipped_note": lambda: [skipped_note()],
    "build_all_done": lambda: [build_all_done(week(40, LONG_NAME))],
    "build_week_list": lambda: [build_week_list(week(40, LONG_NAME))],
    "build_items_parent": lambda: [
        item_views.build_items_parent(CallThread(MO, LONG_NAME, o, s, HUGE, LONG_NAME, 10, c))
        for o in Outcome
        for s in (*Sentiment, None)
        for c in (Channel.CALL, Channel.FLOOR)
    ],
    "build_item_reply": lambda: [
        item_views.build_item_reply(CARD),
        item_views.build_item_reply(ItemCard(2, HUGE, None, None)),
    ],
    "build_item_done_note": lambda: [item_views.build_item_done_note(CARD)],
    "build_close_loop_dm": lambda: [
        item_views.build_close_loop_dm(CloseLoop(LONG_NAME, tuple([CARD] * 60), c))
        for c in (Channel.CALL, Channel.FLOOR)
    ],
    "build_items_digest": lambda: [build_items_digest(d) for d in _digests()],
    "build_overdue_thread_note": lambda: [item_views.build_overdue_thread_note(CARD)],
    "build_overdue_escalation": lambda: [item_views.build_overdue_escalation(CARD, LONG_NAME, MO)],
    "build_kudos_post": lambda: [
        item_views.build_kudos_post(KudosCard(MO, MO, HUGE, LONG_NAME, c))
        for c in (Channel.CALL, Channel.FLOOR)
    ],
    "build_kudos_dm": lambda: [
        item_views.build_kudos_dm(KudosCard(MO, MO, HUGE, LONG_NAME, c), to_manager=m)
        for m in (True, False)
        for c in (Channel.CALL, Channel.FLOOR)
    ],
    "build_story_post": lambda: [
        item_views.build_story_post(LONG_NAME, MO, HUGE, c) for c in (Channel.CALL, Channel.FLOOR)
    ],
    "build_story_reminder": lambda: [item_views.build_story_reminder(LONG_NAME)],
    "build_follow_up_reminder": lambda: [
        item_views.build_follow_up_reminder(LONG_NAME, HUGE, MO),
        item_views.build_follow_up_reminder(LONG_NAME, None, MO),
        item_views.build_follow_up_reminder(LONG_NAME, HUGE, MO, Channel.FLOOR),
    ],
    "build_simple": lambda: [build_simple("x" * 2999)],
    "build_help": lambda: [build_help()],
    "build_dm_help": lambda: [build_dm_help()],
    "build_welcome": lambda: [build_welcome()],
    "build_not_enrolled": lambda: [build_not_enrolled("U" + "X" * 20)],
    "build_stats": lambda: (
        [
            build_stats(
                FIGURES, mine=m, recoveries=RECOVERIES, meetings=meeting_views.WORST_FIGURES
            )
            for m in (True, False)
        ]
        + [
            build_stats(
                FIGURES,
                mine=True,
                floor=f,
                recoveries=RECOVERIES,
                meetings=meeting_views.WORST_FIGURES,
                themes=QuarterThemes("2026Q4", 10**6, 10**6, 10**6),
            )
            for f in FLOOR
        ]
        + [build_stats(ExecutiveFigures(2, LONG_NAME), mine=False)]
    ),
    "build_digest_messages": lambda: (
        build_digest_messages(_report(300))
        + build_digest_messages(_report(0))
        + build_digest_messages(replace(_report(300), floor=FLOOR * 100))
    ),
    "build_floor_proposal": lambda: [
        build_floor_proposal(n, again=again) for n in SHIFTS for again in (False, True)
    ],
    "build_floor_unanswered": lambda: [build_floor_unanswered(n, LONG_NAME + EVIL) for n in SHIFTS],
    "build_floor_answered": lambda: [build_floor_answered(n, c) for n in SHIFTS for c in (1, 0)],
    "build_floor_confirmed": lambda: [build_floor_confirmed(n) for n in SHIFTS],
    "build_floor_moved": lambda: [build_floor_moved(n) for n in SHIFTS],
    "build_floor_reminder": lambda: [
        build_floor_reminder(n, host=h) for n in SHIFTS for h in (True, False)
    ],
    "build_floor_ask": lambda: [build_floor_ask(n) for n in SHIFTS],
    "build_floor_thanks": lambda: [build_floor_thanks(n) for n in SHIFTS],
    "plain_note": lambda: [plain_note(HUGE + EVIL)],
    "build_recovery_offer": lambda: [
        build_recovery_offer(
            RecoveryOffer(10**12, LONG_NAME + EVIL, c, datetime(2026, 11, 23, tzinfo=UTC), s)
        )
        for c in (Channel.COMPLAINT, Channel.ESCALATION)
        for s in (HUGE + EVIL, None)
    ],
    "build_ownership_post": lambda: [
        build_ownership_post(LONG_NAME + EVIL, LONG_NAME + EVIL, HUGE + EVIL),
        build_ownership_post("A", "B", None),
    ],
    "build_match_invitation": lambda: [
        build_match_invitation(INVITE),
        build_match_invitation(replace(INVITE, host_user="U" + "X" * 20, what_to_expect="")),
        build_match_invitation(replace(INVITE, host_user="U" + "X" * 20, shift=True)),
        build_match_invitation(replace(INVITE, what_to_expect="", shift=True)),
    ],
    "build_match_answered": lambda: [
        build_match_answered(INVITE, HUGE + EVIL),
        build_match_answered(replace(INVITE, shift=True), HUGE + EVIL),
    ],
    "build_host_request": lambda: [
        build_host_request(HOST_ASK),
        build_host_request(replace(HOST_ASK, guest_user="U0MO", guest_team="")),
        build_host_request(replace(HOST_ASK, shift=True)),
    ],
    "build_host_answered": lambda: [
        build_host_answered(HOST_ASK, HUGE + EVIL),
        build_host_answered(replace(HOST_ASK, shift=True), HUGE + EVIL),
    ],
    "build_learn_ask": lambda: [
        build_learn_ask(10**12, LONG_NAME, LONG_NAME),
        build_learn_ask(10**12, LONG_NAME, LONG_NAME, shift=True),
    ],
    "build_reask": lambda: [build_reask()],
    "build_call_confirmation": lambda: [
        build_call_confirmation("x" * 3000, 10**18),
        build_call_confirmation(HUGE, None),
        build_call_confirmation("x" * 3000, 10**18, declined=True),
    ],
    "build_transfer_request": lambda: [
        build_transfer_request(
            TransferRequest(10**12, LONG_NAME + EVIL, None, HUGE, 10**12, "U" + "X" * 20, HUGE)
        )
    ],
    "build_heads_up": lambda: [
        build_heads_up(
            [HeadsUpLine(LONG_NAME + EVIL, (LONG_NAME + EVIL,) * 60) for _ in range(60)],
            date(2026, 11, 23),
        ),
        build_heads_up([HeadsUpLine("", (EVIL,))], date(2026, 11, 23)),
    ],
    "build_theme_candidate": lambda: [theme_views.build_theme_candidate(c) for c in THEME_CARDS],
    "build_action_point_parent": lambda: [
        theme_views.build_action_point_parent(c) for c in THEME_CARDS
    ],
    "build_action_point_reply": lambda: [
        theme_views.build_action_point_reply(p) for p in ACTION_POINTS
    ],
    "build_action_point_done_note": lambda: [
        theme_views.build_action_point_done_note(p) for p in ACTION_POINTS
    ],
    "build_tell_customers_dm": lambda: [
        theme_views.build_tell_customers_dm(
            theme_views.TellCustomers(LONG_NAME, HUGE + EVIL, (LONG_NAME,) * 500)
        ),
        theme_views.build_tell_customers_dm(theme_views.TellCustomers("x", "y", ("z",))),
    ],
    "build_theme_review": lambda: [
        theme_views.build_theme_review(
            theme_views.Review(
                LONG_NAME,
                "2026Q4",
                tuple(theme_views.ReviewLine(LONG_NAME, "raised", 10**6) for _ in range(200)),
            )
        ),
        theme_views.build_theme_review(theme_views.Review("T", "2026Q4", ())),
    ],
}
Views = Callable[[], list[dict[str, Any]]]


def worst_history_brief() -> Any:
    """A brief drawing on the longest history: 3 insights of every field at its longest, 5
    items done since, 10 details, the customer's own words on the last touchpoint."""
    full = replace(
        brief(LONG_NAME, HUGE, 10),
        insights=tuple(
            Insight(NOW_, Channel.FLOOR, HUGE + EVIL, HUGE + EVIL, HUGE + EVIL, HUGE + EVIL)
            for _ in range(3)
        ),
        done_since=tuple(DoneItem(HUGE + EVIL, NOW_, LONG_NAME) for _ in range(5)),
        details_to_remember=(HUGE + EVIL,) * 10,
        team_notes=(HUGE + EVIL,) * 5,
    )
    last = full.last_proactive
    assert last is not None
    return replace(full, last_proactive=replace(last, in_their_words=HUGE + EVIL))


def worst_history_page(page: int) -> HistoryPage:
    """The longest history page: 10 contacts with every field at its longest and 60 items
    each, 20 open items, a name longer than a header takes; `page` in the middle (both
    buttons) or at either end."""
    entry = HistoryEntry(
        NOW_,
        ContactKind.PROACTIVE,
        Channel.MEAL,
        Outcome.DECLINED,
        LONG_NAME + " (logged by " + LONG_NAME + ")",
        Sentiment.PROMOTER,
        10,
        *(HUGE + EVIL,) * 6,
        items=(HUGE + EVIL,) * 60,
        themes=(LONG_NAME + EVIL,) * 40,
    )
    return HistoryPage(
        10**12,
        LONG_NAME,
        page,
        100,
        10**6,
        (entry,) * 10,
        (HUGE + EVIL,) * 20,
        key=True,
        recoveries=(HUGE + EVIL,) * 20,
        themes=(HUGE + EVIL,) * 20,
        guests=(HUGE + EVIL,) * 20,
    )


VIEWS: dict[str, Views] = {
    **meeting_views.WORST_VIEWS,
    **charters.WORST_VIEWS,
    "build_brief_modal": lambda: [
        build_brief_modal(brief(LONG_NAME, HUGE, 10)),
        build_brief_modal(brief(LONG_NAME, HUGE, 10), own=False),
        build_brief_modal(
            replace(
                brief(LONG_NAME, HUGE, 10),
                call=WhomToCall(
                    CustomerPerson(HUGE + EVIL, ContactRole.DECISION_MAKER, HUGE, HUGE, HUGE),
                    HUGE + EVIL,
                ),
                team_notes=(HUGE + EVIL,) * 5,
            )
        ),
        build_brief_modal(worst_history_brief()),
    ],
    "build_history_modal": lambda: (
        [build_history_modal(worst_history_page(page)) for page in (0, 1, 99)]
        + [build_history_modal(HistoryPage(1, "", 0, 1, 0))]
    ),
    "build_manage_customer_modal": lambda: [build_manage_customer_modal(HUGE + EVIL, "m" * 3000)],
    "build_enrol_modal": lambda: [build_enrol_modal()],
    "build_manage_pick_modal": lambda: [
        build_manage_pick_modal([(10**12 + i, LONG_NAME) for i in range(150)]),
        build_manage_pick_modal([]),
    ],
    "build_delegate_modal": lambda: [
        build_delegate_modal(DelegateForm("U" + "X" * 20)),
        build_delegate_modal(DelegateForm()),
    ],
    "build_email_modal": lambda: [build_email_modal(s) for s in email_links.worst_screens()],
    "build_call_modal": lambda: [
        build_call_modal(
            CallForm(
                customer=Option("1" * 150, LONG_NAME),
                item_count=n,
                kudos_count=n,
                private_metadata="m" * 2000,
                teams=TEAMS,
                default_team=TEAMS[0],
                acting_for=LONG_NAME + EVIL if n > 1 else None,  # a delegate logs it
                kind=(Channel.CALL, Channel.FLOOR, Channel.MEAL)[n % 3],
                themes=THEMES if n > 1 else (),
            )
        )
        for n in (1, 5, 99)
    ],
    "build_theme_act_modal": lambda: [theme_views.build_theme_act_modal(c) for c in THEME_CARDS],
    "build_theme_dismiss_modal": lambda: [
        theme_views.build_theme_dismiss_modal(c) for c in THEME_CARDS
    ],
    "build_swap_modal": lambda: [build_swap_modal(LONG_NAME, "m" * 3000)],
    "build_reassign_modal": lambda: [build_reassign_modal(CARD, "m" * 3000)],
    "build_reactive_modal": lambda: [build_reactive_modal("m" * 3000)],
    "build_add_customer_modal": lambda: [build_add_customer_modal()],
    "build_notice_modal": lambda: [build_notice_modal(HUGE + EVIL), build_notice_modal("x", "KYC")],
    "build_home": lambda: [
        _home(executive=e, admin=a) for e in (True, False) for a in (True, False)
    ],
    "build_not_enrolled_home": lambda: [build_not_enrolled_home()],
    "build_floor_modal": lambda: [
        build_floor_modal(FloorForm(TEAMS, "quarterly", LONG_NAME + EVIL, "149", 6, True)),
        build_floor_modal(FloorForm(TEAMS[:1], "monthly", "shop floor", "nope", 0)),
        build_floor_modal(FloorForm(())),
    ],
    "build_floor_report_modal": lambda: [build_floor_report_modal(n) for n in SHIFTS],
    "build_learn_modal": lambda: [
        build_learn_modal(10**12, LONG_NAME),
        build_learn_modal(10**12, LONG_NAME, shift=True),
    ],
    "build_home_meet": lambda: [
        {"type": "home", "blocks": meet_blocks(m)}
        for m in (MEET, MeetHome(opted_out=True), MeetHome(stopped=True, next_up=HUGE), MeetHome())
    ],
    "build_holidays_modal": lambda: [
        build_holidays_modal(
            HolidaysScreen(
                date(2026, 11, 23),
                tuple(
                    HolidayLine(10**12 + i, date(2026, 12, 1), LONG_NAME + EVIL, "<@U")
                    for i in range(200)
                ),
            )
        ),
        build_holidays_modal(HolidaysScreen(date(2026, 11, 23))),
    ],
    "build_my_settings_modal": lambda: [
        build_my_settings_modal(
            MySettingsForm("23:59", tuple(range(7)), 40, LONG_NAME, "08:30", (), 1, "Z" * 300)
        ),
        build_my_settings_modal(MySettingsForm("00:00", (), 1, "", "08:30", (0,), 5, "UTC")),
    ],
    "build_pause_modal": lambda: [
        build_pause_modal(PauseForm(date(2026, 11, 23), date(2027, 11, 23), HUGE + EVIL)),
        build_pause_modal(PauseForm(date(2026, 11, 23))),
        build_pause_modal(PauseForm(date(2026, 11, 23), date(2026, 1, 1))),
    ],
    "build_settings_modal": lambda: [build_settings_modal(f) for f in admin.worst_settings()],
    "build_roster_picker": lambda: [
        build_roster_picker(k) for k in ("people", "teams", "customers")
    ],
    "build_roster_form": lambda: [build_roster_form(f) for f in admin.worst_roster_forms()],
}
OPTIONS: dict[str, Callable[[], list[dict[str, Any]]]] = {
    "build_customer_options": lambda: [
        build_customer_options([Choice(i, LONG_NAME, i % 3 == 0) for i in range(500)]),
        build_customer_options([Choice(i, LONG_NAME, False) for i in range(500)]),
        build_customer_options([]),
    ],
    "build_roster_options": lambda: [
        build_roster_options([Option(str(i), LONG_NAME) for i in range(150)]),
        build_roster_options([]),
    ],
}
NOT_BLOCK_KIT = {"build_html"}  # the report's HTML page


def test_app_home_at_its_fullest_still_shows_each_executive_a_delegate_acts_for() -> None:
    """The executive-and-admin's App Home, acting for five executives of forty customers:
    within Slack's 100 blocks, the executives' weeks cut short, none of them dropped."""
    for executive in (True, False):
        for is_admin in (True, False):
            home = _home(executive=executive, admin=is_admin)
            assert len(home["blocks"]) <= 100
            said = str(home["blocks"])
            assert said.count("You act for") == 5
            assert "kyc_voicemail" in said


def test_every_builder_in_bot_views_is_checked_here() -> None:
    """A new build_* function must be added above, with its worst input."""
    builders = set()
    for info in pkgutil.iter_modules(bot.views.__path__):
        module = import_module(f"bot.views.{info.name}")
        builders |= {
            name
            for name, fn in inspect.getmembers(module, inspect.isfunction)
            if name.startswith("build_") and fn.__module__ == module.__name__
        }
    checked = MESSAGES.keys() | VIEWS.keys() | OPTIONS.keys() | NOT_BLOCK_KIT
    assert builders - checked == set()


@pytest.mark.parametrize("builder", sorted(MESSAGES))
def test_each_message_builder_at_its_largest_is_taken_by_slack(builder: str) -> None:
    payloads = MESSAGES[builder]()
    assert payloads
    oracle.assert_slack_would_take(
        (f"{builder}[{i}]", oracle.message_problems(p)) for i, p in enumerate(payloads)
    )


@pytest.mark.parametrize("builder", sorted(VIEWS))
def test_each_view_builder_at_its_largest_is_taken_by_slack(builder: str) -> None:
    payloads = VIEWS[builder]()
    assert payloads
    oracle.assert_slack_would_take(
        (f"{builder}[{i}]", oracle.view_problems(v)) for i, v in enumerate(payloads)
    )


@pytest.mark.parametrize("builder", sorted(OPTIONS))
def test_each_options_builder_at_its_largest_is_taken_by_slack(builder: str) -> None:
    oracle.assert_slack_would_take(
        (f"{builder}[{i}]", oracle.options_problems(o)) for i, o in enumerate(OPTIONS[builder]())
    )


# The oracle itself: it refuses what Slack refuses, by Slack's numbers, not the app's.


def _modal(blocks: list[dict[str, Any]], **kw: Any) -> dict[str, Any]:
    return {"type": "modal", "title": {"type": "plain_text", "text": "KYC"}, "blocks": blocks, **kw}


def _button(**kw: Any) -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": "Go"}, "action_id": "a", **kw}


DIVIDER = {"type": "divider"}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": text}}


@pytest.mark.parametrize(
    ("payload", "surface", "problem"),
    [
        ({"text": "x", "blocks": [DIVIDER] * 51}, "message", "at most 50"),
        (_modal([DIVIDER] * 101), "modal", "at most 100"),
        ({"type": "home", "blocks": [DIVIDER] * 101}, "home", "at most 100"),
        ({"text": "x", "blocks": [_header("h" * 151)]}, "message", "at most 150"),
        ({"text": "x", "blocks": [_section("s" * 3001)]}, "message", "at most 3000"),
        (
            {"text": "x", "blocks": [{"type": "actions", "elements": [_button(style="default")]}]},
            "message",
            "not primary or danger",
        ),
        (
            {
                "text": "x",
                "blocks": [{"type": "actions", "elements": [_button(style="secondary")]}],
            },
            "message",
            "not primary or danger",
        ),
        (
            {
                "text": "x",
                "blocks": [
                    {
                        "type": "actions",
                        "elements": [
                            _button(text={"type": "plain_text", "text": "b" * 76}, action_id="b")
                        ],
                    }
                ],
            },
            "message",
            "at most 75",
        ),
        (
            {"text": "x", "blocks": [{"type": "actions", "elements": [_button(value="v" * 2001)]}]},
            "message",
            "at most 2000",
        ),
        (
            {
                "text": "x",
                "blocks": [{"type": "actions", "elements": [_button(action_id="a" * 256)]}],
            },
            "message",
            "at most 255",
        ),
        (
            {
                "text": "x",
                "blocks": [
                    {"type": "actions", "elements": [_button(action_id=str(i)) for i in range(26)]}
                ],
            },
            "message",
            "1 to 25",
        ),
        (
            {
                "text": "x",
                "blocks": [{"type": "context", "elements": [_section("c")["text"]] * 11}],
            },
            "message",
            "1 to 10",
        ),
        (
            {
                "text": "x",
                "blocks": [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}],
            },
            "message",
            "1 to 10",
        ),
        (
            {
                "text": "x",
                "blocks": [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * 2001}]}],
            },
            "message",
            "at most 2000",
        ),
        ({"text": "x", "blocks": [{**DIVIDER, "block_id": "b" * 256}]}, "message", "at most 255"),
        ({"text": "x", "blocks": [{**DIVIDER, "block_id": "same"}] * 2}, "message", "used twice"),
        ({"text": "x", "blocks": [{"type": "sparkle"}]}, "message", "unknown block type"),
        (_modal([], title={"type": "plain_text", "text": "t" * 25}), "modal", "at most 24"),
        (_modal([], submit={"type": "plain_text", "text": "s" * 25}), "modal", "at most 24"),
        (_modal([], close={"type": "plain_text", "text": "c" * 25}), "modal", "at most 24"),
        (_modal([DIVIDER], private_metadata="m" * 3001), "modal", "at most 3000"),
        (
            _modal(
                [
                    {
                        "type": "input",
                        "label": {"type": "plain_text", "text": "l" * 2001},
                        "element": {"type": "plain_text_input", "action_id": "i"},
                    }
                ],
                submit={"type": "plain_text", "text": "Save"},
            ),
            "modal",
            "at most 2000",
        ),
        (
            _modal(
                [
                    {
                        "type": "input",
                        "label": {"type": "plain_text", "text": "l"},
                        "element": {"type": "plain_text_input", "action_id": "i"},
                    }
                ]
            ),
            "modal",
            "needs a submit",
        ),
        (
            {
                "text": "x",
                "blocks": [
                    {
                        "type": "input",
                        "label": {"type": "plain_text", "text": "l"},
                        "element": {"type": "plain_text_input", "action_id": "i"},
                    }
                ],
            },
            "message",
            "not messages",
        ),
        ({"text": "t" * 40_001}, "message", "at most 40000"),
    ],
)
def test_the_oracle_refuses_what_slack_refuses(
    payload: dict[str, Any], surface: str, problem: str
) -> None:
    if surface == "message":
        problems = oracle.message_problems(payload)
    else:
        problems = oracle.view_problems(payload)
    assert any(problem in p for p in problems), problems


def test_the_oracle_takes_what_slack_takes() -> None:
    assert oracle.message_problems({"text": "x", "blocks": [DIVIDER] * 50}) == []
    assert oracle.view_problems(_modal([DIVIDER] * 100)) == []
    assert oracle.message_problems({"text": "x", "blocks": [_header("h" * 150)]}) == []
    actions = {"type": "actions", "elements": [_button(style="primary"), _button(action_id="b")]}
    assert oracle.message_problems({"text": "x", "blocks": [actions]}) == []


def test_slack_sdks_models_are_consulted_too() -> None:
    problems = oracle.message_problems({"text": "x", "blocks": [_header("h" * 151)]})
    assert "blocks[0].text.text: 151 characters, Slack takes at most 150" in problems
    assert any(p.startswith("blocks[0]: slack_sdk:") and "150" in p for p in problems)


# What the oracle is for: the app's limits loosened by mistake, and a builder growing into the room.


def test_a_modal_of_101_blocks_is_caught_even_with_the_apps_limit_loosened(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(limits, "MAX_VIEW_BLOCKS", 150)
    monkeypatch.setattr(call_modal_module, "MAX_ITEMS", 25)  # a form that grew
    view = build_call_modal(CallForm(item_count=25, kudos_count=5, teams=TEAMS[:3]))
    assert len(view["blocks"]) > 100
    assert limits.validate_view(view) == []  # the app's own validator lets it through
    assert any("at most 100" in p for p in oracle.view_problems(view))


def test_a_151_character_header_is_caught_even_with_the_apps_limit_loosened(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(limits, "HEADER_TEXT", 3000)
    monkeypatch.setattr(block_helpers, "HEADER_TEXT", 3000)
    message = build_stats(ExecutiveFigures(1, "D" * 200), mine=False)
    assert limits.validate_message(message["text"], message["blocks"]) == []
    assert any("at most 150" in p for p in oracle.message_problems(message))


def test_an_invalid_button_style_is_caught() -> None:
    blocks = [block_helpers.actions(block_helpers.button("Go", "go", style="secondary"))]
    assert any(
        "not primary or danger" in p
        for p in oracle.message_problems({"text": "x", "blocks": blocks})
    )
