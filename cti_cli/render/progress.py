"""A progress bar on stderr for long cold reads (thousands of uncached case files).

Only shown on a terminal (store decides); kept apart from render.py so that importing rich
is paid only when a bar is actually drawn.
"""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
from rich.progress import Progress as _RichProgress


class Progress:
    """`advance(n)` as files are read; `close()` when done (the bar then disappears)."""

    def __init__(self, total: int, label: str):
        self._bar = _RichProgress(TextColumn(label), BarColumn(), MofNCompleteColumn(),
                                  TimeRemainingColumn(), console=Console(stderr=True),
                                  transient=True)
        self._task = self._bar.add_task(label, total=total)
        self._bar.start()

    def advance(self, n: int = 1) -> None:
        self._bar.advance(self._task, n)

    def close(self) -> None:
        self._bar.stop()
