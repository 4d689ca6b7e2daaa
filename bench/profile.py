"""`python -m bench --profile`: the bot's processes run under py-spy (sampling, no changes to the
code), and each raw profile is summarised into bench/results/profiles/<role>-<engine>.txt: where
the bot's own thread spends its CPU, the event loop's idle waits and start-up imports left out."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

# Waiting, not working: the event loop's poll, the driver thread's queue, start-up imports.
IDLE = (
    "select.epoll",
    "EpollSelector.select",
    "_find_and_load",
    "until_stdin_closes",
    "aiosqlite/core.py:59",
    "concurrent/futures/thread.py",  # the node's stdin reader
)
# Frames every sample passes through; left out of the inclusive list.
PLUMBING = ("<frozen runpy>", "asyncio/", "threading.py", "bench/node.py")


def py_spy_prefix(raw: Path) -> list[str]:
    exe = shutil.which("py-spy") or str(Path(__file__).parents[1] / ".venv/bin/py-spy")
    if not Path(exe).exists():
        raise SystemExit("--profile needs py-spy: .venv/bin/pip install py-spy")
    return [exe, "record", "--rate", "250", "--format", "raw", "--output", str(raw), "--"]


def summarise(raw: Path, out: Path, title: str, *, top: int = 40) -> None:
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    threads: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or any(mark in stack for mark in IDLE):
            continue
        n = int(count)
        frames = stack.split(";")
        where = "database driver thread" if "Thread._bootstrap" in stack else "event loop thread"
        threads[where] += n
        total += n
        own[frames[-1]] += n
        for frame in set(frames):
            if not any(p in frame for p in PLUMBING):
                inclusive[frame] += n
    lines = [title, f"{total} busy samples at 250 Hz (idle waits and imports left out)", ""]
    lines += [f"{100 * n / total:5.1f}%  {where}" for where, n in threads.most_common()]
    lines += ["", "Inclusive (a frame and everything it called):"]
    lines += [f"{100 * n / total:5.1f}%  {f}" for f, n in inclusive.most_common(top)]
    lines += ["", "Self (the frame itself):"]
    lines += [f"{100 * n / total:5.1f}%  {f}" for f, n in own.most_common(top // 2)]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
