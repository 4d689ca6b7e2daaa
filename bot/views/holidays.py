"""App Home → Holidays (admins): the next company holidays, each with Remove, and a form to
add one. The rules (a day from today, a name, a country code or none) are the use case's
(bot/services/holidays.add_holiday), answered on each field."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.ids import Action, Block, View
from bot.views.blocks import button, context, divider, header, modal, section
from bot.views.call_modal import _input, text_input
from bot.views.call_submission import Values, date_of, text_of
from bot.views.data import HolidaysScreen
from bot.views.text import clip, day, escape


def build_holidays_modal(screen: HolidaysScreen) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        context(
            "Company holidays are days off: no nudges, and nobody's week counts them. "
            "A holiday with a country is a day off for that country's people only."
        ),
        header("Next holidays"),
    ]
    for shown in screen.holidays[:40]:
        where = escape(shown.country) if shown.country else "everyone"
        blocks.append(
            section(
                f"*{day(shown.day)}* · {clip(shown.name, 200)} · {where}",
                accessory=button("Remove", Action.REMOVE_HOLIDAY, str(shown.id), style="danger"),
            )
        )
    if not screen.holidays:
        blocks.append(context("No holidays ahead. Add one below, or `kyc holidays load`."))
    picker = {"type": "datepicker", "initial_date": screen.today.isoformat()}
    country = _input(
        Block.HOLIDAY_COUNTRY,
        "Country (optional)",
        {"type": "plain_text_input", "max_length": 3},
        hint="A code such as GB or US; empty: everyone's day off.",
    )
    blocks += [
        divider(),
        header("Add a holiday"),
        _input(Block.HOLIDAY_DATE, "Date", picker, optional=False),
        text_input(Block.HOLIDAY_NAME, "Name", multiline=False, max_length=200, optional=False),
        country,
    ]
    return modal("Company holidays", blocks, callback_id=View.HOLIDAYS, submit="Add")


def parse_holiday(values: Values) -> tuple[date | None, str, str | None]:
    """The form's day, name (empty when none) and country (None when none)."""
    return (
        date_of(values, Block.HOLIDAY_DATE),
        text_of(values, Block.HOLIDAY_NAME) or "",
        text_of(values, Block.HOLIDAY_COUNTRY),
    )
