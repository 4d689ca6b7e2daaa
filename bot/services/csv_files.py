"""CSV files as they come: decoding with the true line of a bad byte, the delimiter sniffed
from the header, and the spreadsheet formula guard that `kyc export` adds and `kyc import`
removes (OWASP's "CSV injection": a cell starting with = + - @ tab or CR runs as a formula)."""

from __future__ import annotations

import codecs
import csv

DELIMITERS = ",;\t|"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


class EncodingProblem(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def decode(data: bytes, encoding: str = "utf-8") -> str:
    """The file's text, without a BOM. Raises EncodingProblem naming the line of a bad byte,
    counted as an editor counts (a whole file is decoded first: a stream would report where
    its buffer ended, not where the byte is)."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise EncodingProblem(0, f"unknown encoding '{encoding}'") from None
    try:
        text = data.decode("utf-8-sig" if name == "utf-8" else name)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start : exc.start + 1].hex()
        hint = " (save it as UTF-8, or try --encoding cp1252)" if name == "utf-8" else ""
        raise EncodingProblem(line, f"byte 0x{byte} is not {name}{hint}") from None
    return text.removeprefix(BOM)


def sniff_delimiter(header: str) -> str:
    """`,` `;` tab or `|`, from the header line (Excel writes `;` where `,` is the decimal
    mark); a single-column header is read with `,`."""
    try:
        return csv.Sniffer().sniff(header, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def guard_formula(value: str) -> str:
    """A cell a spreadsheet would run as a formula, made text with a leading `'`."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def unguard_formula(value: str) -> str:
    """The export's guard taken off again, so an exported file re-imports as it was."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
