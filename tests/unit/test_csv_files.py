"""Opening CSV files as they come, and the formula guard that export and import share."""

from __future__ import annotations

import pytest

from bot.services.csv_files import (
    EncodingProblem,
    decode,
    guard_formula,
    sniff_delimiter,
    unguard_formula,
)


@pytest.mark.parametrize("value", ["=1+1", "+44 20 7946 0103", "-5", "@here", "\tx", "\rx"])
def test_a_cell_a_spreadsheet_would_run_is_guarded_and_unguarded(value: str) -> None:
    assert guard_formula(value) == "'" + value
    assert unguard_formula(guard_formula(value)) == value


@pytest.mark.parametrize("value", ["", "Acme", "'quoted'", "a=b", "1-2", "it's"])
def test_other_cells_are_left_as_they_are(value: str) -> None:
    assert guard_formula(value) == value
    assert unguard_formula(value) == value


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [
        ("external_id,name,tier", ","),
        ("external_id;name;tier", ";"),
        ("external_id\tname\ttier", "\t"),
        ("external_id|name|tier", "|"),
        ('"Date/Time Opened","Case Origin","Account Name"', ","),
        ('"Record ID";"Company name, legal";"Phone Number"', ";"),
        ("name", ","),
    ],
)
def test_the_delimiter_is_sniffed_from_the_header(header: str, delimiter: str) -> None:
    assert sniff_delimiter(header) == delimiter


def test_a_bad_byte_is_reported_on_its_own_line() -> None:
    data = b"a,b\n1,2\n3,\x96\n"
    with pytest.raises(EncodingProblem) as caught:
        decode(data)
    assert caught.value.line == 3 and "0x96" in str(caught.value)
    assert decode(data, "cp1252").endswith("3,\u2013\n")
    assert decode(b"\xef\xbb\xbfname\n") == "name\n"
    with pytest.raises(EncodingProblem, match="unknown encoding 'klingon'"):
        decode(b"", "klingon")
