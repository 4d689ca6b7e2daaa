"""Whom to call at a customer: the contact who can speak to needs (seed 002), and why.

The decision-maker first, else the primary contact, else the one most recently reached, else
the first on file. A customer's own contact_* columns count as its first contact, so a
customer loaded before several contacts existed loses nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.regimen.types import ContactRole, CustomerPerson, CustomerProfile, WhomToCall


def _same(a: CustomerPerson, b: CustomerPerson) -> bool:
    if a.email and b.email:
        return a.email.casefold() == b.email.casefold()
    return " ".join(a.name.split()).casefold() == " ".join(b.name.split()).casefold()


def people_of(customer: CustomerProfile, people: Sequence[CustomerPerson]) -> list[CustomerPerson]:
    """The customer's contacts, its contact_* columns first unless listed among `people`."""
    listed = list(people)
    if not customer.contact_name:
        return listed
    own = CustomerPerson(
        name=customer.contact_name,
        title=customer.contact_title,
        email=customer.contact_email,
        phone=customer.contact_phone,
        primary=not any(p.primary for p in listed),
    )
    if any(_same(own, p) for p in listed):
        return listed
    return [own, *listed]


def _reached(person: CustomerPerson) -> date:
    return person.last_reached_on or date.min


def whom_to_call(customer: CustomerProfile, people: Sequence[CustomerPerson]) -> WhomToCall | None:
    """The one to call and the reason in one short line; None when nobody is on file."""
    everyone = people_of(customer, people)
    if not everyone:
        return None
    deciders = [p for p in everyone if p.role == ContactRole.DECISION_MAKER]
    if deciders:
        # Several decision-makers: the primary one, else the one reached last.
        best = max(deciders, key=lambda p: (p.primary, _reached(p)))
        return WhomToCall(best, "the decision-maker: they can speak to what the customer needs")
    primary = next((p for p in everyone if p.primary), None)
    if primary is not None:
        return WhomToCall(primary, "the primary contact (no decision-maker on file)")
    reached = [p for p in everyone if p.last_reached_on is not None]
    if reached:
        best = max(reached, key=_reached)
        return WhomToCall(best, f"reached most recently, on {best.last_reached_on:%d %B %Y}")
    if len(everyone) == 1:
        return WhomToCall(everyone[0], "the only contact on file")
    return WhomToCall(everyone[0], "the first contact on file (no roles recorded)")


def describe(person: CustomerPerson) -> str:
    """'Jane Roe (VP Operations, decision-maker) · jane@acme.com · +1 555 0100'."""
    about = ", ".join(
        p for p in (person.title, None if person.role == ContactRole.OTHER else person.role) if p
    )
    who = f"{person.name} ({about})" if about else person.name
    return " · ".join(p for p in (who, person.email, person.phone) if p)
