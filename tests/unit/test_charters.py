"""A team's charter (bot/regimen/charters.py): what a revision changed, what a customer
meeting proposes, the rules of the form; and the charter surfaces at their worst (registered
in tests/unit/test_blockkit.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bot.regimen.charters import (
    MAX_LINES,
    Charter,
    CharterChange,
    CharterLine,
    NamedExpectation,
    charter_errors,
    diff,
    propose,
    tidy,
)
from bot.views.charters import (
    CharterForm,
    CharterHistory,
    RevisionView,
    build_charter_history_modal,
    build_charter_modal,
    error_blocks,
)
from tests.unit.test_views import EVIL, HUGE

A = CharterLine("Answers within a day", "median reply time")
B = CharterLine("Invoices right first time", "credit notes a month")
C = CharterLine("One person stays with my issue until it is resolved", "")
DRAFT = Charter("Keep accounts healthy", (A, B))


def test_a_first_revision_adds_every_line() -> None:
    change = diff(None, DRAFT)
    assert change.added == (A, B) and change.purpose_changed and not change.removed


def test_lines_added_changed_and_removed_are_told_apart() -> None:
    after = Charter(
        "Keep accounts healthy",
        (CharterLine("answers  within a DAY", "first reply under 4 hours"), C),
    )
    change = diff(DRAFT, after)
    # A kept (case and spacing aside) and measured differently; B replaced by an unlike C
    assert change.changed == ((A, after.lines[0]),)
    assert change.added == (C,) and change.removed == (B,)
    reworded = CharterLine("Invoices right the first time", B.measure)
    assert diff(DRAFT, Charter(DRAFT.purpose, (A, reworded))).changed == ((B, reworded),)
    assert not change.purpose_changed
    assert diff(DRAFT, DRAFT) == CharterChange() and CharterChange().empty


def test_a_line_removed_is_a_removal() -> None:
    change = diff(DRAFT, Charter("Keep accounts healthy", (A,)))
    assert change.removed == (B,) and not change.added and not change.changed


def test_a_meeting_proposes_their_words_and_their_new_expectations() -> None:
    named = [
        NamedExpectation("Answer us the same day", matches=0),
        NamedExpectation(C.expectation),
        NamedExpectation("  "),
        NamedExpectation(C.expectation.upper()),  # said twice: once
    ]
    proposal = propose(DRAFT, named)
    assert proposal.charter.lines == (CharterLine("Answer us the same day", A.measure), B, C)
    assert proposal.change.added == (C,)
    assert proposal.change.changed == ((A, proposal.charter.lines[0]),)
    assert propose(None, [NamedExpectation("X")]).charter.lines == (CharterLine("X"),)


@given(st.lists(st.tuples(st.text(max_size=20), st.text(max_size=20)), max_size=30))
def test_a_proposal_never_loses_a_line_nor_exceeds_the_limit(rows: list[tuple[str, str]]) -> None:
    named = [NamedExpectation(text, matches=(i % 4) - 1) for i, (text, _) in enumerate(rows)]
    proposal = propose(DRAFT, named)
    assert len(proposal.charter.lines) <= MAX_LINES
    assert len(proposal.charter.lines) >= len(DRAFT.lines)
    assert not proposal.change.removed


@given(
    st.lists(st.sampled_from([A, B, C, CharterLine("D"), CharterLine("E", "e")]), max_size=6),
    st.lists(st.sampled_from([A, B, C, CharterLine("D"), CharterLine("E", "f")]), max_size=6),
)
def test_a_diff_accounts_for_every_line(
    before: list[CharterLine], after: list[CharterLine]
) -> None:
    change = diff(Charter("p", tuple(before)), Charter("p", tuple(after)))
    assert len(change.added) + len(change.changed) <= len(after)
    assert len(change.removed) + len(change.changed) <= len(before)
    unchanged_after = len(after) - len(change.added) - len(change.changed)
    unchanged_before = len(before) - len(change.removed) - len(change.changed)
    assert unchanged_after == unchanged_before


def test_the_form_needs_a_purpose_and_a_measure_needs_its_expectation() -> None:
    assert charter_errors("Why we exist", [(A.expectation, A.measure), (None, None)]) == {}
    errors = charter_errors(" ", [(None, "a measure"), ("x" * 301, None)])
    assert set(errors) == {"purpose", "expectation_1", "expectation_2"}
    assert set(error_blocks(errors)) == {
        "charter_purpose",
        "charter_expectation_1",
        "charter_expectation_2",
    }
    assert tidy(" p ", [(" a ", None), ("", "m"), (None, None)]) == Charter(
        "p", (CharterLine("a"),)
    )


# The surfaces at their worst, for tests/unit/test_blockkit.py.

LONG = "Ω" * 300 + EVIL
HUGE_LINE = CharterLine(HUGE + EVIL, HUGE + EVIL)
BIG_CHANGE = CharterChange(
    purpose_changed=True,
    added=(HUGE_LINE,) * 20,
    changed=((HUGE_LINE, CharterLine(EVIL, HUGE)),) * 20,
    removed=(HUGE_LINE,) * 20,
)
WORST_VIEWS: dict[str, Callable[[], list[dict[str, Any]]]] = {
    "build_charter_modal": lambda: [
        build_charter_modal(
            CharterForm(10**12, LONG, HUGE + EVIL, (HUGE_LINE,) * 40, 10**6, 10**12, LONG)
        ),
        build_charter_modal(CharterForm(1, "CS", "", (), 0)),
    ],
    "build_charter_history_modal": lambda: [
        build_charter_history_modal(
            CharterHistory(
                LONG,
                tuple(
                    RevisionView(10**6 - i, LONG, date(2026, 11, 23), LONG, BIG_CHANGE)
                    for i in range(200)
                ),
            )
        ),
        build_charter_history_modal(CharterHistory("CS", ())),
    ],
}


def test_history_escapes_and_names_what_customers_changed() -> None:
    view = build_charter_history_modal(
        CharterHistory(
            "CS",
            (
                RevisionView(2, EVIL, date(2026, 11, 25), EVIL, diff(DRAFT, Charter("p", (C,)))),
                RevisionView(1, None, date(2026, 11, 20), None, diff(None, DRAFT)),
            ),
        )
    )
    said = str([b for b in view["blocks"] if b["type"] != "header"])
    assert "<!channel>" not in said and "What customers changed" in said
    assert "1 prompted by a customer meeting" in said


def test_a_proposal_accepted_after_a_team_revision_keeps_both() -> None:
    """Drawn from revision 1 (A, B); the team then saved revision 2 (A, B reworded, C); the
    customer's meeting rewrote A and added D: accepting keeps B' and C, rewrites A, adds D."""
    from bot.regimen.charters import Charter, CharterLine, rebase

    a, b, b2, c = (CharterLine(t, "m") for t in ("A", "B", "B reworded", "C"))
    a_said, d = CharterLine("A in their words", "m"), CharterLine("D", "")
    base = Charter("Serve", (a, b))
    proposed = Charter("Serve", (a_said, b, d))
    latest = Charter("Serve better", (a, b2, c))
    assert rebase(base, proposed, latest) == Charter("Serve better", (a_said, b2, c, d))
    assert rebase(base, proposed, base) == proposed  # nothing changed since: the proposal
    # the team removed A since: the customer's wording of it joins at the end
    assert rebase(base, proposed, Charter("Serve", (b,))) == Charter("Serve", (b, a_said, d))


@given(
    st.lists(st.sampled_from("ABCDEFGH"), max_size=6, unique=True),
    st.lists(st.sampled_from("ABCDEFGHIJ"), max_size=6, unique=True),
    st.lists(st.sampled_from("ABCDEFGHIJKL"), max_size=6, unique=True),
)
def test_rebasing_never_loses_a_line_of_the_latest_revision_or_the_customers(
    base_t: list[str], latest_t: list[str], added_t: list[str]
) -> None:
    from bot.regimen.charters import Charter, CharterLine, rebase

    base = Charter("P", tuple(CharterLine(t) for t in base_t))
    latest = Charter("P", tuple(CharterLine(t) for t in latest_t))
    proposed = Charter("P", base.lines + tuple(CharterLine(t + "!") for t in added_t))
    merged = rebase(base, proposed, latest)
    assert set(latest.lines) <= set(merged.lines)
    assert {CharterLine(t + "!") for t in added_t} <= set(merged.lines)
    assert len(merged.lines) == len(set(merged.lines))


def test_the_form_s_limits_and_what_it_says() -> None:
    """Mutation testing's gaps: each limit at its edge, and the words the form answers with."""
    from bot.regimen.charters import from_json

    assert charter_errors("", []) == {"purpose": "Say in a sentence what the team is for."}
    assert charter_errors("p" * 1000, [("e" * 300, "m" * 300)]) == {}
    assert charter_errors("p" * 1001, [("e" * 301, "m" * 301)]) == {
        "purpose": "Keep it under 1,000 characters.",
        "expectation_1": "Keep it under 300 characters.",
        "measure_1": "Keep it under 300 characters.",
    }
    assert charter_errors("p", [(" ", "m")]) == {
        "expectation_1": "Which expectation does this measure?"
    }
    fifteen = [(f"e{n}", None) for n in range(15)]
    assert charter_errors("p", fifteen) == {}
    assert charter_errors("p", [*fifteen, ("one more", None)]) == {
        "purpose": "At most 15 expectations."
    }
    # A stored row missing a field reads as empty.
    assert from_json("p", [{"measure": "m"}, {}]) == Charter(
        "p", (CharterLine("", "m"), CharterLine("", ""))
    )


def test_what_a_diff_calls_a_change() -> None:
    """Exactly half alike is a change; unlike words are a removal and an addition; the
    purpose changes when its words do, not its spacing."""
    from bot.regimen.charters import similar

    # "ab" and "ac" share one character of four: difflib's ratio 2·1/4 = 0.5.
    assert similar(CharterLine("ab"), CharterLine("ac"))
    # "we pay on time" / "no surprises at all": ratio 8/33 (the spaces), well under half.
    pay, surprise = CharterLine("We pay on time"), CharterLine("No surprises at all")
    change = diff(Charter("p", (pay,)), Charter("p", (surprise,)))
    assert (change.removed, change.added, change.changed) == ((pay,), (surprise,), ())
    assert diff(DRAFT, Charter("Grow accounts", DRAFT.lines)) == CharterChange(purpose_changed=True)
    assert diff(DRAFT, Charter(f"  {DRAFT.purpose} ", DRAFT.lines)).empty


def test_a_meeting_s_proposal_at_its_edges() -> None:
    """A blank answer does not stop the rest; a line named in its own words is no change (also
    when named again after a rewording); the limit holds; a proposal never changes the
    purpose, and a first charter's purpose is empty."""
    named = [NamedExpectation(" "), NamedExpectation("New")]
    assert propose(DRAFT, named).charter.lines == (A, B, CharterLine("New"))
    same = propose(DRAFT, [NamedExpectation(A.expectation, matches=0)])
    assert same == propose(DRAFT, []) and same.charter == DRAFT
    back = propose(
        DRAFT,
        [NamedExpectation("Reply fast", matches=0), NamedExpectation(A.expectation, matches=0)],
    )
    assert back.charter == DRAFT and back.change == CharterChange()
    full = Charter("p", tuple(CharterLine(f"e{n}") for n in range(MAX_LINES)))
    assert propose(full, [NamedExpectation("one more")]).charter == full
    said = propose(DRAFT, [NamedExpectation("New"), NamedExpectation("Reply fast", matches=0)])
    assert said.change == CharterChange(
        added=(CharterLine("New"),), changed=((A, CharterLine("Reply fast", A.measure)),)
    )
    assert propose(None, [NamedExpectation("X")]).charter == Charter("", (CharterLine("X"),))


def test_rebasing_at_its_edges() -> None:
    """A line the team added too joins once; the limit holds; the same words for two lines
    rewrite only the first; a customer's wording may take a line's old words."""
    from bot.regimen.charters import rebase

    a, b, d = CharterLine("A", "m"), CharterLine("B", "m"), CharterLine("D")
    base = Charter("P", (a, b))
    assert rebase(base, Charter("P", (a, b, d)), Charter("P", (a, b, d))).lines == (a, b, d)
    full = Charter("P", tuple(CharterLine(f"e{n}") for n in range(MAX_LINES)))
    assert rebase(base, Charter("P", (a, b, d)), full) == full
    x1, x2 = CharterLine("X", "m"), CharterLine("x", "m")
    assert rebase(base, Charter("P", (x1, x2)), base).lines == (x1, b)
    assert rebase(base, Charter("P", (x1, x2)), Charter("P", ())).lines == (x1,)
    b_said_a = CharterLine("a", "n")  # line B reworded by the customer into A's old words
    assert rebase(base, Charter("P", (x1, b_said_a)), base).lines == (x1, b_said_a)
