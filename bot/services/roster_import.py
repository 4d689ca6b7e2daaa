"""Use case: `kyc import KIND FILE.csv` — idempotent roster upserts, all or nothing per file.

Columns (header names, any order and case; `*` required):
  teams.csv      name*, channel_id, channel_name, theme_tags (the team's own customer
                 themes beside product/process/policy/people, comma-separated, at most 10),
                 customer_facing (yes/no; empty = yes; no: its people are invited to meet
                 customers)
  people.csv     email or slack_user_id*, name*, title, phone, role (executive|member|admin),
                 team, manager (email or Slack id), timezone, workdays, nudge_time (HH:MM),
                 weekly_quota (1-40), paused_until (YYYY-MM-DD), active (true/false; empty
                 = true; false: no nudges, no plan, no line in the figures), country (ISO
                 code, e.g. GB: which company holidays apply)
  customers.csv  external_id*, name*, customer_since, tier, team, executive (email or Slack id),
                 contact_name, contact_title, contact_email, contact_phone, website, linkedin,
                 notes, timezone (the customer's IANA zone), active (true/false), key
                 (yes/no, true/false, 1/0: a key customer; empty or absent: a tier named in
                 KYC_KEY_TIERS makes it key, anything else leaves it as it was)
  contacts.csv   external_ref*, customer* (external_id, or a unique name), occurred_at* (UTC),
                 channel (ticket|complaint|escalation|order|email|meeting|call|other),
                 kind (reactive|proactive), executive, outcome, sentiment, score (0-10), summary
  customer-contacts.csv  customer* (external_id), name*, role (decision-maker|user|procurement|
                 technical|finance|other), title, email, phone, primary (true/false; one a
                 customer), last_reached (YYYY-MM-DD)
  holidays.csv   date* (YYYY-MM-DD), name*, country (ISO code; empty: the whole company)
Keys: teams by name, people by email (else Slack id), customers by external_id, contacts by
external_ref, holidays by date and country. An empty cell clears an optional field; a column
absent from the file is left alone.
A CRM export is read through a preset or `--map` (csv_presets), the file through csv_files.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.regimen.types import Channel, ContactKind, ContactRole, Outcome, Role, Sentiment
from bot.services import csv_rows as cell
from bot.services.csv_files import EncodingProblem, decode, sniff_delimiter, unguard_formula
from bot.services.csv_presets import ENDS_AT_BLANK_LINE, PRESETS, MapError, normalise, read_header
from bot.services.identity import ensure_workspace
from storage.db import Database

KINDS = ("teams", "people", "customers", "contacts", "customer-contacts", "holidays")


@dataclass(frozen=True)
class RowError:
    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


@dataclass(frozen=True)
class ImportReport:
    kind: str
    file: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: tuple[RowError, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


Parser = Callable[[str], Any]
ROLES = [r.value for r in Role]
CONTACT_ROLES = [r.value for r in ContactRole]
CHANNELS = [c.value for c in Channel]
SPEC: dict[str, dict[str, tuple[bool, Parser]]] = {
    "teams": {
        "name": (True, cell.text),
        "channel_id": (False, cell.channel_id),
        "channel_name": (False, cell.text),
        "theme_tags": (False, cell.theme_tags),
        "customer_facing": (False, cell.boolean),
    },
    "people": {
        "email": (False, cell.email),
        "slack_user_id": (False, cell.slack_id),
        "name": (True, cell.text),
        "title": (False, cell.text),
        "phone": (False, cell.text),
        "role": (False, lambda v: Role(cell.choice(v, ROLES, "role"))),
        "team": (False, cell.text),
        "manager": (False, cell.text),
        "timezone": (False, cell.timezone),
        "workdays": (False, cell.workdays),
        "nudge_time": (False, cell.clock),
        "weekly_quota": (False, lambda v: cell.integer(v, 1, 40, "weekly_quota")),
        "paused_until": (False, cell.day),
        "active": (False, cell.boolean),
        "country": (False, cell.country),
    },
    "customers": {
        "external_id": (True, lambda v: cell.text(v, 100)),
        "name": (True, cell.text),
        "customer_since": (False, cell.day),
        "tier": (False, lambda v: cell.text(v, 50)),
        "team": (False, cell.text),
        "executive": (False, cell.text),
        "contact_name": (False, cell.text),
        "contact_title": (False, cell.text),
        "contact_email": (False, cell.email),
        "contact_phone": (False, lambda v: cell.text(v, 64)),
        "website": (False, lambda v: cell.text(v, 500)),
        "linkedin": (False, lambda v: cell.text(v, 500)),
        "notes": (False, lambda v: cell.text(v, 5000)),
        "timezone": (False, cell.timezone),
        "active": (False, cell.boolean),
        "key": (False, cell.boolean),
    },
    "contacts": {
        "external_ref": (True, lambda v: cell.text(v, 100)),
        "customer": (True, cell.text),
        "occurred_at": (True, cell.instant),
        "channel": (False, lambda v: Channel(cell.choice(v, CHANNELS, "channel"))),
        "kind": (False, lambda v: ContactKind(cell.choice(v, ["reactive", "proactive"], "kind"))),
        "executive": (False, cell.text),
        "outcome": (
            False,
            lambda v: Outcome(cell.choice(v, [o.value for o in Outcome], "outcome")),
        ),
        "sentiment": (
            False,
            lambda v: Sentiment(cell.choice(v, [s.value for s in Sentiment], "sentiment")),
        ),
        "score": (False, lambda v: cell.integer(v, 0, 10, "score")),
        "summary": (False, lambda v: cell.text(v, 5000)),
        "in_their_words": (False, lambda v: cell.text(v, 5000)),
    },
    "customer-contacts": {
        "customer": (True, lambda v: cell.text(v, 100)),
        "name": (True, cell.text),
        "role": (False, lambda v: ContactRole(cell.choice(v, CONTACT_ROLES, "role"))),
        "title": (False, cell.text),
        "email": (False, cell.email),
        "phone": (False, lambda v: cell.text(v, 64)),
        "primary": (False, cell.boolean),
        "last_reached": (False, cell.day),
    },
    "holidays": {
        "date": (True, cell.day),
        "name": (True, cell.text),
        "country": (False, cell.country),
    },
}


@dataclass
class Row:
    line: int
    values: dict[str, Any]
    refs: dict[str, Any] = field(default_factory=dict)


class Rows:
    """A parsed file: rows of typed values (absent columns absent), and every error found."""

    def __init__(self, path: Path, kind: str) -> None:
        self.file, self.kind = str(path), kind
        self.rows: list[Row] = []
        self.errors: list[RowError] = []
        self.columns: list[str | None] = []  # per file column: the KYC column, None: ignored
        self.labels: dict[str, str] = {}
        self.spares: dict[str, list[int]] = {}
        self.warnings: list[str] = []
        self.preset: str | None = None
        self.key_tiers: frozenset[str] = frozenset()  # customers of these tiers are key

    def error(self, line: int, column: str, message: str) -> None:
        """An error, named by the file's own column when a preset or `--map` renamed it."""
        self.errors.append(RowError(self.file, line, self.labels.get(column, column), message))

    @classmethod
    def of_form(cls, kind: str, cells: dict[str, str | None], target: Any = None) -> Rows:
        """One row typed in a form in Slack, read by the same rules as a file's line, for
        `target` (a stored row; None: a new one)."""
        rows = cls(Path("Slack"), kind)
        rows.columns = list(cells)
        rows._row(1, [(value or "").strip() for value in cells.values()], SPEC[kind])
        if rows.rows:
            rows.rows[0].refs["target"] = target
        return rows

    def read(
        self,
        path: Path,
        preset: str | None = None,
        maps: dict[str, str] | None = None,
        encoding: str = "utf-8",
    ) -> None:
        """The file's rows, by KYC's columns or a CRM export's (a preset, `--map`)."""
        spec = SPEC[self.kind]
        try:
            text = decode(path.read_bytes(), encoding)
        except OSError as exc:
            self.error(0, "file", f"cannot read: {exc.strerror}")
            return
        except EncodingProblem as exc:
            self.error(exc.line, "encoding", str(exc))
            return
        self.preset = preset
        delimiter = sniff_delimiter(text.split("\n", 1)[0])
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            names = next(reader)
        except StopIteration:
            self.error(1, "header", "the file is empty")
            return
        except csv.Error as exc:
            self.error(1, "header", f"not a readable CSV file ({exc})")
            return
        try:
            header = read_header(self.kind, names, list(spec), preset, maps or {})
        except MapError as exc:
            self.error(1, "--map", str(exc))
            return
        self.columns, self.labels, self.spares = header.columns, header.labels, header.spares
        if header.ignored:
            self.warnings.append(f"{self.file}: ignored columns: {', '.join(header.ignored)}")
        for name, problem in header.problems:
            self.error(1, name, problem)
        present = set(self.columns)
        for col, (required, _) in spec.items():
            if required and col not in present:
                self.error(1, col, "required column is missing")
        if self.kind == "people" and not {"email", "slack_user_id"} & present:
            self.error(1, "email", "people need an email or slack_user_id column")
        if self.errors:
            return
        previous = reader.line_num
        try:
            for raw in reader:
                # A record starts on the line after the previous one ended (quoted cells
                # may span lines), which is the line an editor shows.
                line, previous = previous + 1, reader.line_num
                if not any(v.strip() for v in raw):
                    if preset in ENDS_AT_BLANK_LINE:
                        break
                    continue
                self._row(line, [unguard_formula(v.strip()) for v in raw], spec)
        except csv.Error as exc:
            self.error(reader.line_num, "row", f"not readable ({exc})")

    def _row(self, line: int, raw: list[str], spec: dict[str, tuple[bool, Parser]]) -> None:
        if len(raw) > len(self.columns):
            self.error(line, "row", f"{len(raw)} cells but {len(self.columns)} columns")
            return
        raw = raw + [""] * (len(self.columns) - len(raw))
        cells = {col: raw[i] for i, col in enumerate(self.columns) if col is not None}
        for col, spare in self.spares.items():  # a preset's second choice fills an empty cell
            if not cells[col]:
                cells[col] = next((raw[i] for i in spare if raw[i]), "")
        values: dict[str, Any] = {}
        for col, rawvalue in cells.items():
            value = normalise(self.preset, col, rawvalue.strip())
            required, parse = spec[col]
            if not value:
                if required:
                    self.error(line, col, f"missing {col.replace('_', ' ')}")
                values[col] = None
                continue
            try:
                values[col] = parse(value)
            except (cell.CellError, ValueError) as exc:
                self.error(line, col, str(exc))
        self.rows.append(Row(line, values))

    def position(self, error: RowError) -> tuple[int, int]:
        """Where an error sorts: by line, then by the column's place in SPEC."""
        names = {label: column for column, label in self.labels.items()}
        order = list(SPEC[self.kind])
        column = names.get(error.column, error.column)
        return error.line, order.index(column) if column in order else 99


async def import_csv(
    db: Database,
    workspace_id: str,
    kind: str,
    path: Path,
    *,
    preset: str | None = None,
    maps: dict[str, str] | None = None,
    encoding: str = "utf-8",
    key_tiers: frozenset[str] = frozenset(),
) -> ImportReport:
    """Upsert one file's rows, or nothing when any row is wrong. `preset` (hubspot,
    salesforce) reads a CRM export's columns; `maps` reads a file column as a KYC one;
    `key_tiers` (case-folded, settings.key_tiers()) marks the customers of those tiers key."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    if preset is not None and kind not in PRESETS[preset]:
        raise ValueError(
            f"the {preset} preset has no {kind} (it reads: {', '.join(PRESETS[preset])})"
        )
    rows = Rows(path, kind)
    rows.key_tiers = key_tiers
    rows.read(path, preset, maps, encoding)
    warnings = tuple(rows.warnings)
    if not rows.columns:  # unreadable, empty, or a header we cannot use: nothing to check
        return ImportReport(kind, str(path), errors=tuple(rows.errors), warnings=warnings)
    async with db.sessions() as session, session.begin():
        await ensure_workspace(session, workspace_id)
        from bot.services import roster_write

        # Cross-references are checked even when some cells were bad: every error at once.
        counts = await roster_write.apply(session, workspace_id, rows)
        if rows.errors:
            await session.rollback()  # nothing of a file with a bad row is written
            ordered = sorted(rows.errors, key=rows.position)
            return ImportReport(kind, str(path), errors=tuple(ordered), warnings=warnings)
    return ImportReport(kind, str(path), *counts, warnings=warnings)
