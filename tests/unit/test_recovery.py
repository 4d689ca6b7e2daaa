"""Complaints owned and recovered (bot/regimen/recovery.py) and key customers' formal meetings
(bot/regimen/key_customers.py): the closing rule both ways, and figures on a fixed data set."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.regimen.key_customers import KeyCustomerMeeting, meeting_overdue, without_meeting
from bot.regimen.recovery import (
    RecoveryTimes,
    Touch,
    duration,
    is_complaint,
    recovery_figures,
    settle,
)
from bot.regimen.types import Channel, ContactKind, RecoveryStatus

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
P, R = ContactKind.PROACTIVE, ContactKind.REACTIVE


def h(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def test_what_is_a_complaint() -> None:
    assert is_complaint(R, Channel.COMPLAINT) and is_complaint(R, Channel.ESCALATION)
    assert not is_complaint(R, Channel.TICKET)
    assert not is_complaint(P, Channel.COMPLAINT)


def test_owned_until_the_owner_calls() -> None:
    touches = [
        Touch(h(1), P, Channel.CALL, by_owner=False),  # someone else's call
        Touch(h(-5), P, Channel.CALL, by_owner=True),  # before ownership
        Touch(h(2), R, Channel.TICKET),
    ]
    assert settle(owned_at=T0, touches=touches, now=h(24 * 60), window_days=14) == (
        settle(owned_at=T0, touches=[], now=h(24 * 60), window_days=14)
    )
    assert settle(owned_at=T0, touches=touches, now=h(999), window_days=14).status == (
        RecoveryStatus.OWNED
    )


def test_recovered_when_the_next_contact_after_the_call_is_not_a_complaint() -> None:
    touches = [
        Touch(h(3), P, Channel.VISIT, by_owner=True),
        Touch(h(30), R, Channel.ORDER),
        Touch(h(40), R, Channel.COMPLAINT),  # later: does not undo it
    ]
    got = settle(owned_at=T0, touches=touches, now=h(50), window_days=14)
    assert (got.status, got.first_call_at, got.closed_at) == (
        RecoveryStatus.RECOVERED,
        h(3),
        h(30),
    )


def test_relapsed_when_the_next_contact_after_the_call_is_a_complaint() -> None:
    touches = [Touch(h(3), P, Channel.CALL, by_owner=True), Touch(h(30), R, Channel.ESCALATION)]
    got = settle(owned_at=T0, touches=touches, now=h(50), window_days=14)
    assert (got.status, got.closed_at) == (RecoveryStatus.RELAPSED, h(30))


def test_quiet_for_the_window_after_the_call_is_recovered_at_the_windows_end() -> None:
    touches = [Touch(h(3), P, Channel.CALL, by_owner=True)]
    before = settle(owned_at=T0, touches=touches, now=h(3 + 14 * 24 - 1), window_days=14)
    assert (before.status, before.first_call_at) == (RecoveryStatus.OWNED, h(3))
    after = settle(owned_at=T0, touches=touches, now=h(3 + 14 * 24), window_days=14)
    assert (after.status, after.closed_at) == (RecoveryStatus.RECOVERED, h(3 + 14 * 24))
    # A complaint after the window does not count against it.
    late = [*touches, Touch(h(3 + 15 * 24), R, Channel.COMPLAINT)]
    assert settle(owned_at=T0, touches=late, now=h(3 + 16 * 24), window_days=14).status == (
        RecoveryStatus.RECOVERED
    )


def test_figures_on_a_fixed_data_set() -> None:
    records = [
        # owned after 2 h, called after 10 h, recovered after 50 h
        RecoveryTimes(T0, RecoveryStatus.RECOVERED, h(2), h(10), h(50)),
        # owned after 4 h, called after 30 h, recovered after 100 h
        RecoveryTimes(T0, RecoveryStatus.RECOVERED, h(4), h(30), h(100)),
        # owned after 12 h, called after 20 h, relapsed
        RecoveryTimes(T0, RecoveryStatus.RELAPSED, h(12), h(20), None),
        # owned after 1 h, no call yet
        RecoveryTimes(T0, RecoveryStatus.OWNED, h(1)),
        # offered, not owned
        RecoveryTimes(T0, RecoveryStatus.OFFERED),
    ]
    f = recovery_figures(records)
    assert f.to_ownership_hours == 3.0  # median of 1, 2, 4, 12
    assert f.to_first_call_hours == 20.0  # median of 10, 20, 30
    assert f.to_recovery_hours == 75.0  # median of 50, 100
    assert (f.recovered, f.relapsed, f.open) == (2, 1, 2)
    assert recovery_figures([]).empty and recovery_figures([]).to_ownership_hours is None
    assert [duration(None), duration(5.4), duration(75.0)] == ["—", "5 h", "3.1 days"]


def test_key_customers_without_a_formal_meeting_in_twelve_months() -> None:
    now = T0
    assert meeting_overdue(None, now)
    assert not meeting_overdue(now - timedelta(days=365), now)
    assert meeting_overdue(now - timedelta(days=366), now)
    rows = [
        KeyCustomerMeeting(1, "Zed", "A", now - timedelta(days=400)),
        KeyCustomerMeeting(2, "Acme", "A", None),
        KeyCustomerMeeting(3, "Bolt", "A", now - timedelta(days=30)),
        KeyCustomerMeeting(4, "Cogs", "A", now - timedelta(days=500)),
    ]
    assert [r.customer_id for r in without_meeting(rows, now)] == [2, 4, 1]


def test_the_edges_of_the_closing_rule() -> None:
    """Mutation testing's gaps: the moment of ownership, a contact at the call's own moment, a
    second call, a contact on the window's last instant, and two days exactly."""
    window_end = h(3 + 14 * 24)
    # A call at the very moment ownership was taken is the first call.
    at_once = [Touch(T0, P, Channel.CALL, by_owner=True)]
    assert settle(owned_at=T0, touches=at_once, now=h(1), window_days=14).first_call_at == T0
    # The owner calling again is not the customer's answer: still owned.
    again = [Touch(h(3), P, Channel.CALL, by_owner=True), Touch(h(5), P, Channel.VISIT)]
    got = settle(owned_at=T0, touches=again, now=h(50), window_days=14)
    assert (got.status, got.first_call_at, got.closed_at) == (RecoveryStatus.OWNED, h(3), None)
    # A complaint logged at the same instant as the call is not after it.
    same = [Touch(h(3), P, Channel.CALL, by_owner=True), Touch(h(3), R, Channel.COMPLAINT)]
    assert settle(owned_at=T0, touches=same, now=h(50), window_days=14).status == (
        RecoveryStatus.OWNED
    )
    # A complaint on the window's last instant is within it: relapsed, not recovered.
    last = [Touch(h(3), P, Channel.CALL, by_owner=True), Touch(window_end, R, Channel.COMPLAINT)]
    got = settle(owned_at=T0, touches=last, now=h(3 + 20 * 24), window_days=14)
    assert (got.status, got.closed_at) == (RecoveryStatus.RELAPSED, window_end)
    # Recovered by silence keeps the first call's moment.
    quiet = settle(owned_at=T0, touches=last[:1], now=window_end, window_days=14)
    assert (quiet.status, quiet.first_call_at) == (RecoveryStatus.RECOVERED, h(3))
    # Two days exactly is told in days.
    assert [duration(47.4), duration(48.0)] == ["47 h", "2.0 days"]


def test_key_customers_met_long_ago_come_longest_since_first_not_by_name() -> None:
    rows = [
        KeyCustomerMeeting(1, "Acme", "A", T0 - timedelta(days=400)),
        KeyCustomerMeeting(2, "Zed", "A", T0 - timedelta(days=500)),
    ]
    assert [r.name for r in without_meeting(rows, T0)] == ["Zed", "Acme"]
