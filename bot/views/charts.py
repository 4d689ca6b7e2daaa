"""Charts as PNG bytes (matplotlib, headless): proactive vs reactive contacts by week.

Drawn in a worker thread by the chart route (bot/services/charts.py): a Figure of its own, not
pyplot's global figure list, and one drawing at a time, as matplotlib is not thread-safe."""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence

from bot.regimen.metrics import WeekPoint

PROACTIVE = "#2e7d32"
REACTIVE = "#c62828"
LEGEND = {
    "loc": "upper center",
    "bbox_to_anchor": (0.5, -0.14),
    "ncol": 3,
    "fontsize": 8,
    "frameon": False,
}


_DRAWING = threading.Lock()


def trend_png(
    points: Sequence[WeekPoint], title: str, completion: Sequence[float | None] | None = None
) -> bytes:
    """Stacked weekly bars of proactive and reactive contacts, with completion as a line."""
    with _DRAWING:
        return _draw(points, title, completion)


def _draw(
    points: Sequence[WeekPoint], title: str, completion: Sequence[float | None] | None
) -> bytes:
    labels = [p.iso_week.split("-")[1] for p in points]
    proactive = [p.proactive for p in points]
    reactive = [p.reactive for p in points]
    # matplotlib on first use, not at import: a third of every `kyc` command's start-up.
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 3.6), dpi=110)
    ax = fig.subplots()
    ax.bar(labels, proactive, color=PROACTIVE, label="Proactive (touchpoints you started)")
    ax.bar(labels, reactive, bottom=proactive, color=REACTIVE, label="Reactive")
    ax.set_ylabel("Customer contacts")
    ax.set_title(title, loc="left", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    if completion is not None and any(c is not None for c in completion):
        ax2 = ax.twinx()
        values = [float("nan") if c is None else c * 100 for c in completion]
        ax2.plot(labels, values, color="#1565c0", marker="o", label="Weekly completion %")
        ax2.set_ylim(0, 105)
        ax2.set_ylabel("Completion %")
        ax2.spines[["top"]].set_visible(False)
        handles = ax.get_legend_handles_labels()
        more = ax2.get_legend_handles_labels()
        ax.legend(
            handles[0] + more[0],
            handles[1] + more[1],
            loc="upper left",
            fontsize=8,
            frameon=False,
        )
    else:
        ax.legend(loc="upper left", fontsize=8, frameon=False)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()
