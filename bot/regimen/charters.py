"""A team's charter: its purpose, and its customers' expectations as the team understands
them, each with how the team measures it. Every revision is kept whole; what changed from one
to the next is worked out here (lines added, changed, removed), as is the revision a customer
meeting proposes. Stdlib only."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field

MAX_PURPOSE = 1000
MAX_LINE = 300
MAX_MEASURE = 300
MAX_LINES = 15


@dataclass(frozen=True)
class CharterLine:
    expectation: str
    measure: str = ""

    def as_json(self) -> dict[str, str]:
        return {"expectation": self.expectation, "measure": self.measure}


@dataclass(frozen=True)
class Charter:
    purpose: str
    lines: tuple[CharterLine, ...] = ()


def from_json(purpose: str, rows: Sequence[dict[str, str]]) -> Charter:
    return Charter(
        purpose,
        tuple(
            CharterLine(str(r.get("expectation") or ""), str(r.get("measure") or "")) for r in rows
        ),
    )


def charter_errors(
    purpose: str | None, lines: Sequence[tuple[str | None, str | None]]
) -> dict[str, str]:
    """What is wrong, by field: "purpose", or f"expectation_{n}" / f"measure_{n}" (n from 1)."""
    errors: dict[str, str] = {}
    if not purpose or not purpose.strip():
        errors["purpose"] = "Say in a sentence what the team is for."
    elif len(purpose) > MAX_PURPOSE:
        errors["purpose"] = f"Keep it under {MAX_PURPOSE:,} characters."
    for n, (expectation, measure) in enumerate(lines, 1):
        if expectation and len(expectation) > MAX_LINE:
            errors[f"expectation_{n}"] = f"Keep it under {MAX_LINE} characters."
        if measure and len(measure) > MAX_MEASURE:
            errors[f"measure_{n}"] = f"Keep it under {MAX_MEASURE} characters."
        if measure and not (expectation and expectation.strip()):
            errors[f"expectation_{n}"] = "Which expectation does this measure?"
    if len([e for e, _ in lines if e and e.strip()]) > MAX_LINES:
        errors["purpose"] = f"At most {MAX_LINES} expectations."
    return errors


def tidy(purpose: str, lines: Sequence[tuple[str | None, str | None]]) -> Charter:
    """The charter as typed: blank rows dropped, text trimmed."""
    return Charter(
        purpose.strip(),
        tuple(CharterLine(e.strip(), (m or "").strip()) for e, m in lines if e and e.strip()),
    )


@dataclass(frozen=True)
class CharterChange:
    """What one revision changed from the one before."""

    purpose_changed: bool = False
    added: tuple[CharterLine, ...] = ()
    changed: tuple[tuple[CharterLine, CharterLine], ...] = ()  # (before, after)
    removed: tuple[CharterLine, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.purpose_changed or self.added or self.changed or self.removed)


def _key(line: CharterLine) -> str:
    return " ".join(line.expectation.lower().split())


SIMILAR = 0.5  # a line rewritten in place at least this alike is a change, not a new line


def similar(a: CharterLine, b: CharterLine) -> bool:
    return difflib.SequenceMatcher(a=_key(a), b=_key(b)).ratio() >= SIMILAR


def diff(before: Charter | None, after: Charter) -> CharterChange:
    """Lines matched by their expectation (case and spacing aside); a line reworded in place
    (alike enough) is changed, as is a kept line measured differently; a line replaced by an
    unlike one is a removal and an addition."""
    if before is None:
        return CharterChange(purpose_changed=bool(after.purpose), added=after.lines)
    old, new = before.lines, after.lines
    matcher = difflib.SequenceMatcher(a=[_key(x) for x in old], b=[_key(x) for x in new])
    added: list[CharterLine] = []
    changed: list[tuple[CharterLine, CharterLine]] = []
    removed: list[CharterLine] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            changed += [(a, b) for a, b in zip(old[i1:i2], new[j1:j2], strict=True) if a != b]
        elif op == "replace":
            pairs = min(i2 - i1, j2 - j1)
            for a, b in zip(old[i1 : i1 + pairs], new[j1 : j1 + pairs], strict=True):
                if similar(a, b):
                    changed.append((a, b))
                else:
                    removed.append(a)
                    added.append(b)
            removed += old[i1 + pairs : i2]
            added += new[j1 + pairs : j2]
        elif op == "delete":
            removed += old[i1:i2]
        else:
            added += new[j1:j2]
    return CharterChange(
        purpose_changed=before.purpose.strip() != after.purpose.strip(),
        added=tuple(added),
        changed=tuple(changed),
        removed=tuple(removed),
    )


@dataclass(frozen=True)
class NamedExpectation:
    """An expectation the customer named in a meeting: matched to a charter line (its index)
    or new (None)."""

    text: str
    matches: int | None = None


@dataclass(frozen=True)
class Proposal:
    charter: Charter
    change: CharterChange = field(default_factory=CharterChange)


def rebase(base: Charter, proposed: Charter, latest: Charter) -> Charter:
    """A meeting's proposal (drawn from `base`) accepted after the team revised the charter
    (`latest`): the team's revision stays, and what the customer changed is carried over. A
    line the proposal rewrote replaces that line where `latest` still has it as it was, else
    joins at the end; a line the proposal added joins at the end (once, up to MAX_LINES)."""
    lines = list(latest.lines)
    keys = {_key(x) for x in lines}

    def join(line: CharterLine) -> None:
        if _key(line) not in keys and len(lines) < MAX_LINES:
            lines.append(line)
            keys.add(_key(line))

    for i, line in enumerate(proposed.lines):
        was = base.lines[i] if i < len(base.lines) else None
        if was is None:
            join(line)
        elif line != was:
            if was in lines and _key(line) not in keys - {_key(was)}:
                at = lines.index(was)
                keys.discard(_key(was))
                lines[at] = line
                keys.add(_key(line))
            else:
                join(line)
    return Charter(latest.purpose, tuple(lines))


def propose(current: Charter | None, named: Sequence[NamedExpectation]) -> Proposal:
    """The revision a customer meeting proposes: a named expectation matched to a line
    rewrites it in the customer's words (its measure kept); a new one is added, to be
    measured. Lines they did not name stay."""
    base = current or Charter("")
    lines = list(base.lines)
    changed: dict[int, CharterLine] = {}
    added: list[CharterLine] = []
    for said in named:
        text = said.text.strip()
        if not text:
            continue
        if said.matches is not None and 0 <= said.matches < len(base.lines):
            was = base.lines[said.matches]
            lines[said.matches] = CharterLine(text, was.measure)
            if lines[said.matches] != was:
                changed[said.matches] = lines[said.matches]
            else:
                changed.pop(said.matches, None)
        elif len(lines) < MAX_LINES and _key(CharterLine(text)) not in {_key(x) for x in lines}:
            lines.append(CharterLine(text, ""))
            added.append(lines[-1])
    charter = Charter(base.purpose, tuple(lines))
    # The customer's words, as matched: a matched line is a change even when reworded a lot.
    change = CharterChange(
        purpose_changed=False,
        added=tuple(added),
        changed=tuple((base.lines[i], line) for i, line in sorted(changed.items())),
    )
    return Proposal(charter, change)
