"""A worker process that never imported the use cases (no Slack requests there) still sweeps
every kind kept in the inbox: each `@inbox.handles("kind")` in bot/services is found by
`inbox.handler` in a fresh interpreter that imported nothing but bot/services/inbox.py."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[2] / "bot" / "services"


def _kinds() -> list[str]:
    found = re.compile(r'^@inbox\.handles\("([a-z_]+)"\)', re.M)
    return sorted(k for p in SERVICES.glob("*.py") for k in found.findall(p.read_text()))


def test_every_kind_kept_has_its_handler_in_a_process_that_imported_only_the_inbox() -> None:
    kinds = _kinds()
    assert {"call", "floor", "theme_act", "theme_dismiss"} <= set(kinds)
    script = (
        "import sys\n"
        "from bot.services import inbox\n"
        "missing = []\n"
        "for kind in sys.argv[1:]:\n"
        "    try:\n"
        "        inbox.handler(kind)\n"
        "    except KeyError:\n"
        "        missing.append(kind)\n"
        "print(' '.join(missing))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *kinds],
        capture_output=True,
        text=True,
        check=True,
        cwd=SERVICES.parents[1],
    )
    assert done.stdout.strip() == ""
