"""Every kind of kept submission has its routine in a worker that never served Slack.

The use cases register their routines where they live (`@inbox.handles("kind")`), and
bot/services/inbox.py imports those modules when asked for a routine. A routine moved to another
module (e.g. into a package, whose plain import loads only its __init__) would be missing from a
worker process: the kept submission would then never be turned into records."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HANDLES = re.compile(r"^@inbox\.handles\(\"(\w+)\"\)", re.MULTILINE)


def registered_kinds() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for d in ("bot", "handlers", "scheduler"):
        for path in sorted((ROOT / d).rglob("*.py")):
            for kind in HANDLES.findall(path.read_text(encoding="utf-8")):
                found[kind] = path.relative_to(ROOT)
    return found


def test_the_source_registers_the_kinds_we_know() -> None:
    assert {"call", "match_learned", "floor", "meeting"} <= registered_kinds().keys()


def test_a_fresh_process_finds_every_kinds_routine_through_the_inbox_alone() -> None:
    kinds = sorted(registered_kinds())
    probe = (
        "import sys\n"
        "from bot.services import inbox\n"
        "missing = []\n"
        f"for kind in {kinds!r}:\n"
        "    try:\n"
        "        inbox.handler(kind)\n"
        "    except KeyError:\n"
        "        missing.append(kind)\n"
        "print(' '.join(missing))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    missing = done.stdout.split()
    assert missing == [], {k: str(registered_kinds()[k]) for k in missing}
