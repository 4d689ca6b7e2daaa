"""Whom the brief says to call at a customer, and why (seed 002: the contact who can speak
to needs)."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from bot.regimen.contacts import describe, people_of, whom_to_call
from bot.regimen.types import ContactRole, CustomerPerson, CustomerProfile

ACME = CustomerProfile(1, "Acme", contact_name="Jane Roe", contact_title="VP Operations")
BARE = CustomerProfile(2, "Globex")
DM, USER = ContactRole.DECISION_MAKER, ContactRole.USER


def test_the_decision_maker_comes_first_and_the_brief_says_why() -> None:
    grace = CustomerPerson("Grace Ito", DM, title="COO")
    call = whom_to_call(ACME, [CustomerPerson("Felix", USER, primary=True), grace])
    assert call is not None and call.person == grace
    assert call.why.startswith("the decision-maker")
    assert describe(grace) == "Grace Ito (COO, decision-maker)"


def test_without_a_decision_maker_the_primary_then_the_most_recently_reached() -> None:
    felix = CustomerPerson("Felix", USER, primary=True)
    omar = CustomerPerson("Omar", USER, last_reached_on=date(2026, 10, 2))
    sue = CustomerPerson("Sue", USER, last_reached_on=date(2026, 9, 1))
    first = whom_to_call(BARE, [omar, felix])
    assert first is not None and first.person == felix and "primary" in first.why
    recent = whom_to_call(BARE, [sue, omar])
    assert recent is not None and recent.person == omar
    assert recent.why == "reached most recently, on 02 October 2026"


def test_the_customers_own_contact_columns_are_its_first_contact() -> None:
    call = whom_to_call(ACME, [])
    assert call is not None and call.person.name == "Jane Roe" and call.person.primary
    # Listed again among the contacts (same name): not twice.
    assert len(people_of(ACME, [CustomerPerson("jane  roe", DM)])) == 1
    assert whom_to_call(BARE, []) is None


@given(
    st.lists(
        st.builds(
            CustomerPerson,
            name=st.text(min_size=1, max_size=8),
            role=st.sampled_from(list(ContactRole)),
            primary=st.booleans(),
            last_reached_on=st.one_of(st.none(), st.dates()),
        ),
        max_size=6,
    )
)
def test_a_decision_maker_on_file_is_always_the_one_to_call(people: list[CustomerPerson]) -> None:
    call = whom_to_call(BARE, people)
    assert (call is None) == (not people)
    if any(p.role == DM for p in people):
        assert call is not None and call.person.role == DM
    if call is not None:
        assert call.person in people and 0 < len(call.why) <= 80
