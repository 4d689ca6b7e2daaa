"""A team's formal customer meeting: the request's rules, the invitation email, when each
attendee is prepared (bot/regimen/meetings.py), and the meeting surfaces at their worst
(registered in tests/unit/test_blockkit.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bot.regimen.compose import compose_links
from bot.regimen.meeting_figures import MeetingFigures
from bot.regimen.meetings import (
    MAX_OBJECTIVES,
    SIMPLIFY_QUESTION,
    MeetingKind,
    emails_in,
    facilitator_signals,
    invitation,
    prep_day,
    prep_due,
    request_errors,
)
from bot.views.data import Option
from bot.views.limits import URL
from bot.views.meetings.changes import (
    CancelForm,
    MovedNote,
    build_meeting_cancel_modal,
    build_meeting_cancelled,
    build_meeting_moved,
)
from bot.views.meetings.invitation import (
    InvitationScreen,
    build_meeting_cancelled_invitation,
    build_meeting_invitation,
)
from bot.views.meetings.preparation import PrepScreen, build_meeting_prep
from bot.views.meetings.recording import (
    ProposalScreen,
    RecordForm,
    build_charter_proposal,
    build_meeting_followup,
    build_meeting_record_modal,
    parse_meeting_record,
)
from bot.views.meetings.requesting import MeetingForm, MeetingPrefill, build_meeting_request_modal
from tests.unit.test_views import EVIL, HUGE

LONG = "Ω" * 300 + EVIL
NOW = datetime(2026, 11, 23, 8, 31)  # the organiser's local Monday morning


def _errors(**kw: Any) -> dict[str, str]:
    base: dict[str, Any] = {
        "objectives": "Hear them",
        "agenda": None,
        "on": date(2026, 11, 25),
        "at": time(10),
        "minutes": 60,
        "team_count": 2,
        "customer_attendees": None,
        "local_now": NOW,
    }
    return request_errors(**{**base, **kw})


def test_a_request_needs_objectives_a_future_slot_and_sane_sizes() -> None:
    assert _errors() == {}
    assert set(_errors(objectives="  ")) == {"objectives"}
    assert set(_errors(objectives="x" * (MAX_OBJECTIVES + 1))) == {"objectives"}
    assert "past" in _errors(on=date(2026, 11, 22))["on"]
    assert "passed" in _errors(on=date(2026, 11, 23), at=time(8, 0))["at"]
    assert _errors(on=date(2026, 11, 23), at=time(9, 0)) == {}
    assert set(_errors(on=date(2028, 1, 1))) == {"on"}
    assert set(_errors(on=None)) == {"on"}
    assert set(_errors(at=None)) == {"at"}
    assert set(_errors(minutes=10)) == {"minutes"}
    assert set(_errors(minutes=None)) == {"minutes"}
    assert set(_errors(team_count=21)) == {"team"}


def test_emails_are_found_in_what_was_typed_once_each() -> None:
    typed = "Bob Stone <bob@acme.test>, Ann (ann.lee@acme.co.uk); BOB@acme.test and nobody@"
    assert emails_in(typed) == ["bob@acme.test", "ann.lee@acme.co.uk"]
    assert emails_in(None) == []


def test_the_facilitator_hint_names_what_was_seen() -> None:
    assert facilitator_signals(complaints=0, unhappy=0, meetings_before=2) == []
    said = facilitator_signals(complaints=2, unhappy=1, meetings_before=0)
    assert len(said) == 3 and "first formal meeting" in said[2]


def test_the_invitation_states_objectives_agenda_slot_and_the_question() -> None:
    email = invitation(
        customer="Acme",
        company="Northwind",
        organiser="Dana",
        objectives="Learn what you expect",
        agenda="1. Charter",
        starts="Wed 25 Nov 2026 14:00 America/New_York",
        minutes=90,
        team=["Dana", "Mo"],
    )
    assert email.subject == "Meeting request: Acme and Northwind"
    for part in ("Objectives:\nLearn what you expect", "Agenda:\n1. Charter", "(90 minutes)"):
        assert part in email.body
    assert SIMPLIFY_QUESTION in email.body and "From our side: Dana, Mo." in email.body


def test_the_four_kinds_are_named_as_the_seed_names_them() -> None:
    assert [k.label for k in MeetingKind] == ["War", "Advertisement", "Love-In", "4F meeting"]
    assert "Frank, Friendly and Forthright" in MeetingKind.FOUR_F.meaning


def _due(local: datetime, *, workday: bool = True, meeting: date = date(2026, 12, 3)) -> bool:
    return prep_due(
        meeting_day=meeting,
        days_before=3,
        requested_on=date(2026, 11, 20),
        local=local,
        nudge_time=time(8, 30),
        workday=workday,
    )


def test_preparation_is_due_days_before_at_the_nudge_time_on_a_workday() -> None:
    assert not _due(datetime(2026, 11, 29, 9))  # 4 days before
    assert not _due(datetime(2026, 11, 30, 8, 0))  # before the nudge time
    assert _due(datetime(2026, 11, 30, 8, 30))
    assert not _due(datetime(2026, 12, 1, 9), workday=False)
    assert _due(datetime(2026, 12, 2, 9), workday=False)  # the eve: whatever the day
    assert _due(datetime(2026, 12, 3, 7, 0))  # the day itself, early
    assert not _due(datetime(2026, 12, 4, 9))  # after


@given(
    st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31)),
    st.integers(min_value=1, max_value=14),
    st.integers(min_value=0, max_value=30),
    st.integers(min_value=-20, max_value=20),
    st.booleans(),
)
def test_preparation_is_never_due_outside_its_window(
    meeting: date, days: int, requested_before: int, offset: int, workday: bool
) -> None:
    requested = meeting - timedelta(days=requested_before)
    today = meeting + timedelta(days=offset)
    due = prep_due(
        meeting_day=meeting,
        days_before=days,
        requested_on=requested,
        local=datetime.combine(today, time(23, 59)),
        nudge_time=time(8, 30),
        workday=workday,
    )
    if due:
        assert prep_day(meeting, days, requested) <= today <= meeting
    if prep_day(meeting, days, requested) <= today and meeting - timedelta(days=1) <= today:
        assert due or today > meeting


# The surfaces at their worst, for tests/unit/test_blockkit.py.

WORST_FIGURES = MeetingFigures(
    LONG, "2026-Q4", 10**9, dict.fromkeys(MeetingKind, 10**9), 10**9, 10**9, 10**9, 10**9
)

LINKS = compose_links("a@b.test, " * 200, LONG, HUGE * 3, limit=URL)


def _worst_form(contacts: int) -> MeetingForm:
    return MeetingForm(
        customer_id=10**12,
        customer_name=LONG,
        team_name=LONG,
        contacts=tuple(Option(str(10**12 + i), LONG) for i in range(contacts)),
        signals=(LONG, LONG, LONG),
        today=date(2026, 11, 23),
        organiser_user_id="U0DANA",
    )


WORST_VIEWS: dict[str, Callable[[], list[dict[str, Any]]]] = {
    "build_meeting_request_modal": lambda: [
        build_meeting_request_modal(_worst_form(300)),
        build_meeting_request_modal(MeetingForm(1, "Acme", None, (), (), date(2026, 11, 23), None)),
    ],
}
WORST_VIEWS["build_meeting_record_modal"] = lambda: [
    build_meeting_record_modal(RecordForm(10**12, LONG, LONG, (HUGE + EVIL,) * 200)),
    build_meeting_record_modal(RecordForm(1, "Acme", "now", ())),
]
WORST_MESSAGES: dict[str, Callable[[], list[dict[str, Any]]]] = {
    "build_meeting_followup": lambda: [build_meeting_followup(LONG, LONG, 10**12)],
    "build_charter_proposal": lambda: [
        build_charter_proposal(
            ProposalScreen(
                10**12,
                LONG,
                "U0DANA",
                LONG,
                (HUGE + EVIL,) * 40,
                ((HUGE + EVIL, HUGE + EVIL),) * 40,
                10**6,
            )
        ),
        build_charter_proposal(ProposalScreen(1, "Acme", None, "War", (), (), 0)),
    ],
    "build_meeting_invitation": lambda: [
        build_meeting_invitation(
            InvitationScreen(
                LONG,
                LONG,
                480,
                ("a@b.test",) * 300,
                LONG,
                HUGE,
                LINKS,
                "https://k/" + "x" * 2900,
                tuple(f"U{i:08d}" for i in range(40)),
                True,
            )
        ),
        build_meeting_invitation(
            InvitationScreen("Acme", "now", 60, (), "s", "b", LINKS[:1], None, (), False)
        ),
    ],
    "build_meeting_prep": lambda: [
        build_meeting_prep(
            PrepScreen(
                LONG,
                LONG,
                "U0DANA",
                HUGE + EVIL,
                HUGE + EVIL,
                (HUGE,) * 40,
                HUGE,
                tuple((HUGE, HUGE) for _ in range(60)),
                LONG,
                True,
            )
        ),
        build_meeting_prep(PrepScreen("Acme", "now", None, "x", None, (), None, (), None, False)),
    ],
}


def test_the_request_modal_keeps_the_customer_and_offers_their_people() -> None:
    view = build_meeting_request_modal(_worst_form(3))
    assert view["private_metadata"] == '{"c": 1000000000000}'
    mrkdwn = str([b["text"] for b in view["blocks"] if b["type"] == "section"])
    assert "&lt;!channel&gt;" in mrkdwn and "<!channel>" not in mrkdwn
    (people,) = [b for b in view["blocks"] if b.get("block_id") == "meeting_contacts"]
    assert len(people["element"]["options"]) == 3


def test_the_prep_names_the_four_kinds_and_escapes_what_people_typed() -> None:
    blocks = build_meeting_prep(
        PrepScreen(EVIL, "Wed", None, EVIL, EVIL, (EVIL,), EVIL, ((EVIL, EVIL),), EVIL, False)
    )["blocks"]
    said = str([b for b in blocks if b["type"] != "header"])  # mrkdwn; a header is plain
    assert "<!channel>" not in said and "<@U123>" not in said
    for kind in MeetingKind:
        assert kind.label in said


def test_the_record_is_read_back_with_its_rows() -> None:
    form = build_meeting_record_modal(RecordForm(1, "Acme", "now", ("Answers",)))
    from bot.standin.forms import filled

    values = filled(
        form,
        meeting_kind="war",
        meeting_expectation_1="Same day",
        meeting_match_1="0",
        meeting_expectation_3="New thing",
        meeting_simplify_2="The report",
        item_text_1="Do it",
        item_owner_1="U0MO",
        item_due_1="2026-11-20",
    )
    fields, errors = parse_meeting_record(values, today=date(2026, 11, 23))
    assert errors == {"item_due_1": "That date has passed — pick today or later."}
    assert fields["kind"] == "war"
    assert fields["named"] == [("Same day", 0), ("New thing", None)]
    assert fields["simplify"] == ["The report"]


# A meeting moved or cancelled (bot/services/meetings/changes.py): the surfaces at their worst.

WORST_PREFILL = MeetingPrefill(
    meeting_id=10**12,
    objectives=HUGE + EVIL,
    agenda=HUGE + EVIL,
    on=date(2027, 11, 23),
    at=time(23, 59),
    minutes=480,
    timezone="America/Argentina/ComodRivadavia" * 5,
    team_user_ids=tuple(f"U{i:08d}" for i in range(40)),
    contact_ids=tuple(10**12 + i for i in range(300)),
    customer_attendees=HUGE + EVIL,
    facilitator=True,
)
_requests = WORST_VIEWS["build_meeting_request_modal"]
WORST_VIEWS["build_meeting_request_modal"] = lambda: [
    *_requests(),
    build_meeting_request_modal(replace(_worst_form(300), prefill=WORST_PREFILL)),
]
WORST_VIEWS["build_meeting_cancel_modal"] = lambda: [
    build_meeting_cancel_modal(CancelForm(10**12, LONG, LONG)),
]
_CANCELLED = InvitationScreen(
    LONG,
    LONG,
    480,
    ("a@b.test",) * 300,
    LONG,
    HUGE,
    LINKS,
    "https://k/" + "x" * 2900,
    tuple(f"U{i:08d}" for i in range(40)),
    True,
    meeting_id=10**12,
    changes=10**6,
    cancelled="by " + LONG + ": " + HUGE + EVIL,
)
_invitations = WORST_MESSAGES["build_meeting_invitation"]
WORST_MESSAGES["build_meeting_invitation"] = lambda: [
    *_invitations(),
    build_meeting_invitation(replace(_CANCELLED, cancelled=None)),
    build_meeting_invitation(_CANCELLED),
]
WORST_MESSAGES["build_meeting_cancelled_invitation"] = lambda: [
    build_meeting_cancelled_invitation(_CANCELLED),
    build_meeting_cancelled_invitation(replace(_CANCELLED, ics_url=None, cancelled="")),
]
WORST_MESSAGES["build_meeting_moved"] = lambda: [
    build_meeting_moved(MovedNote(LONG, LONG, LONG, "U0DANA", prepared_again=True)),
    build_meeting_moved(MovedNote("Acme", "now", "then", None, prepared_again=False)),
]
WORST_MESSAGES["build_meeting_cancelled"] = lambda: [
    build_meeting_cancelled(LONG, LONG, "U0ADA", HUGE + EVIL),
    build_meeting_cancelled("Acme", "now", None, ""),
]


def test_a_change_reopens_the_request_filled_in_and_keeps_the_meeting() -> None:
    view = build_meeting_request_modal(replace(_worst_form(3), prefill=WORST_PREFILL))
    assert view["callback_id"] == "kyc_meeting_change_modal"
    assert json.loads(view["private_metadata"]) == {"c": 10**12, "m": 10**12}
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["meeting_at"]["element"]["initial_time"] == "23:59"
    assert blocks["meeting_facilitator"]["element"]["initial_options"]
    assert len(blocks["meeting_team"]["element"]["initial_users"]) == 20  # Slack's maximum


def test_moved_and_cancelled_notes_escape_what_people_typed() -> None:
    said = str(build_meeting_cancelled(EVIL, EVIL, "U0ADA", EVIL)["blocks"])
    said += str(build_meeting_moved(MovedNote(EVIL, EVIL, EVIL, None, True))["blocks"])
    said += str(build_meeting_invitation(replace(_CANCELLED, cancelled=EVIL))["blocks"])
    assert "<!channel>" not in said and "&lt;!channel&gt;" in said


def test_a_cancelled_meetings_calendar_file_cancels_it_and_a_moved_one_updates_it() -> None:
    from bot.regimen.ics import CallInvite, build_ics, read_events, unfold

    base = CallInvite(
        uid="kyc-meeting-T1-1",
        summary="Meeting",
        description="x",
        starts=(datetime(2026, 12, 3, 20, 30),),
        numbered=False,
        sequence=2,
        status="CONFIRMED",
    )
    moved = build_ics(base, now=datetime(2026, 11, 23))
    assert "METHOD:PUBLISH" in unfold(moved)
    assert read_events(moved)[0]["SEQUENCE"] == "2"
    assert read_events(moved)[0]["STATUS"] == "CONFIRMED"
    cancelled = build_ics(replace(base, cancelled=True), now=datetime(2026, 11, 23))
    assert "METHOD:CANCEL" in unfold(cancelled)
    assert read_events(cancelled)[0]["STATUS"] == "CANCELLED"
    slots = build_ics(replace(base, sequence=None, status="TENTATIVE"), now=datetime(2026, 11, 23))
    assert "SEQUENCE" not in read_events(slots)[0]  # the call slots' files as they were


def test_a_request_s_limits_at_their_edges() -> None:
    """Mutation testing's gaps: every limit is inclusive; a time earlier than now is fine on a
    later day; a missing day is said first, alone."""
    assert (
        _errors(
            objectives="x" * 2000,
            agenda="a" * 3000,
            on=date(2026, 11, 23) + timedelta(days=366),
            minutes=15,
            team_count=20,
            customer_attendees="c" * 1000,
        )
        == {}
    )
    assert _errors(minutes=480) == {}
    assert _errors(on=date(2026, 11, 23), at=time(8, 31)) == {"at": "That time has passed today."}
    assert _errors(on=date(2026, 11, 24), at=time(8, 0)) == {}  # tomorrow, earlier hour
    assert _errors(on=None, at=None) == {"on": "Pick the day of the meeting."}
    assert _errors(
        objectives="x" * 2001,
        agenda="a" * 3001,
        on=date(2026, 11, 23) + timedelta(days=367),
        minutes=481,
        customer_attendees="c" * 1001,
    ) == {
        "objectives": "Keep it under 2,000 characters.",
        "agenda": "Keep it under 3,000 characters.",
        "on": "Pick a day within a year.",
        "minutes": "Between 15 and 480 minutes.",
        "customer_attendees": "Keep it under 1,000 characters.",
    }


def test_the_facilitator_hint_and_invitation_at_their_edges() -> None:
    assert facilitator_signals(complaints=0, unhappy=0, meetings_before=1) == []
    assert facilitator_signals(complaints=1, unhappy=0, meetings_before=1) == [
        "1 complaint(s) or escalation(s) in the last year"
    ]
    email = invitation(
        customer="Acme",
        company="Northwind",
        organiser="Dana",
        objectives="Learn",
        agenda="   ",
        starts="Wed 25 Nov 2026 14:00",
        minutes=60,
        team=[],
    )
    assert "Agenda:" not in email.body and "From our side" not in email.body


def test_preparation_waits_for_the_request_and_the_nudge_minute() -> None:
    # Requested the day before the meeting: not prepared before it was requested.
    late = {"meeting_day": date(2026, 12, 3), "days_before": 3, "nudge_time": time(8, 30)}
    assert not prep_due(
        **late, requested_on=date(2026, 12, 2), local=datetime(2026, 11, 30, 9), workday=True
    )
    assert prep_day(date(2026, 12, 3), 3, date(2026, 12, 2)) == date(2026, 12, 2)
    # On the eve, exactly at the nudge time.
    assert _due(datetime(2026, 12, 2, 8, 30), workday=False)
    assert not _due(datetime(2026, 12, 2, 8, 29), workday=False)


def test_the_brief_in_plain_lines_for_people_who_never_called_them() -> None:
    from zoneinfo import ZoneInfo

    from bot.regimen.meetings import brief_lines
    from bot.regimen.types import (
        Brief,
        Channel,
        ContactKind,
        ContactRecord,
        CustomerProfile,
        OpenItem,
    )

    today = date(2026, 11, 23)
    reactive = tuple(
        ContactRecord(datetime(2026, 11, 10 + n, 9), ContactKind.REACTIVE, Channel.TICKET)
        for n in range(4)
    )
    brief = Brief(
        customer=CustomerProfile(1, "Acme"),
        tenure=None,
        primary_contact=None,
        last_proactive=None,
        open_items=(OpenItem("a", due_on=today), OpenItem("b", due_on=date(2026, 11, 20))),
        reactive_since=reactive,
        details_to_remember=("one", "two", "three", "four"),
        links=(),
        opener="",
        email_draft=lambda: None,  # type: ignore[arg-type,return-value]
    )
    assert brief_lines(brief, today=today, tz=ZoneInfo("UTC")) == (
        "No proactive contact recorded yet.",
        "Since then, ticket on 10 Nov",
        "Since then, ticket on 11 Nov",
        "Since then, ticket on 12 Nov",
        "2 open action item(s), 1 overdue",  # due today is not overdue
        "Remember: one",
        "Remember: two",
        "Remember: three",
    )
