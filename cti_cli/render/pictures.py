"""Pictures for status meetings and the monthly review, drawn with matplotlib.

matplotlib is imported inside each function (it costs ~0.3-0.5 s), so only the commands that
draw pay for it. The Agg backend needs no display. Pictures carry the case id and initials
only: no name, no note, no goal text.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cti_cli.core.formats import show_date
from cti_cli.core.forms import Progress
from cti_cli.render.development import point_label
from cti_cli.render.development import words as chart_words


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # no timestamps or tool versions in the files: the same data gives the same picture
    plt.rcParams["svg.hashsalt"] = "cti"
    plt.rcParams["svg.fonttype"] = "none"  # text stays text: searchable, and smaller
    return plt


def _metadata(fmt: str) -> dict[str, Any]:
    if fmt == "svg":
        return {"Date": None, "Creator": None}
    return {"Software": None}


def progress_picture(progress: Progress, path: Path, fmt: str) -> None:
    """Each domain's rating and each goal's progress per documentation point."""
    plt = _pyplot()
    words = chart_words()
    kinds = [k for k in ("domain", "goal") if any(s.kind == k for s in progress.series)]
    fig, axes = plt.subplots(len(kinds), 1, figsize=(8, 3.6 * len(kinds)), squeeze=False)
    xs = list(range(len(progress.points)))
    ticks = [f"{point_label(p)}\n{show_date(d)}"
             for p, d in zip(progress.points, progress.dates, strict=True)]
    for ax, kind in zip(axes[:, 0], kinds, strict=True):
        rows = [s for s in progress.series if s.kind == kind]
        for s in rows:
            pts = [(x, v) for x, v in zip(xs, s.values, strict=True) if v is not None]
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=s.label)
        low, high = rows[0].low, rows[0].high
        ax.set_ylim(low - 0.3, high + 0.3)
        ax.set_yticks(range(low, high + 1, 1 if high - low <= 5 else 2))
        ax.set_xticks(xs, ticks)
        ax.set_xlim(-0.3, max(xs) + 0.3 if xs else 0.3)
        ax.set_xlabel(words["point"])
        ax.set_ylabel(words["rating" if kind == "domain" else "progress"])
        ax.set_title(words["domains" if kind == "domain" else "goals"], loc="left",
                     fontsize=10)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8, frameon=False)
    fig.suptitle(words["title"].format(case=progress.case_id, initials=progress.initials),
                 fontsize=11)
    fig.tight_layout()
    fig.savefig(path, format=fmt, dpi=100, metadata=_metadata(fmt), bbox_inches="tight")
    plt.close(fig)


def share_bars(title: str, labels: Sequence[str], shares: Sequence[float | None],
               xlabel: str, path: Path, fmt: str) -> None:
    """Horizontal bars of shares 0-100 % (the team's share met per fidelity indicator)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 0.4 * len(labels) + 1.4))
    ys = list(range(len(labels)))[::-1]
    values = [100 * s if s is not None else 0 for s in shares]
    colours = ["#4c9a5b" if s is not None and s >= 0.8 else "#d9a441" if s is not None
               and s >= 0.5 else "#c0504d" for s in shares]
    ax.barh(ys, values, color=colours)
    for y, s in zip(ys, shares, strict=True):
        ax.text(min(100 * (s or 0) + 1, 92), y, "–" if s is None else f"{100 * s:.0f} %",
                va="center", fontsize=8)
    ax.set_yticks(ys, labels, fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=11, loc="left")
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, format=fmt, dpi=100, metadata=_metadata(fmt), bbox_inches="tight")
    plt.close(fig)
