"""Plain aligned columns and lines, without rich: for long reports and for commands that
draw nothing. Importing rich and laying out a table costs about a millisecond a row, and
~40 ms before the first one; a list of thousands of cases needs neither colour nor folding.

Every text goes through `shown` (control characters inert, CPR masked), as in `terminal.py`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import Any

from cti_cli.core.safetext import shown as _m


def write(lines: Iterable[str]) -> None:
    """Write whole lines to stdout (made inert and masked)."""
    sys.stdout.write("".join(_m(line) + "\n" for line in lines))


def table_lines(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                justify_right: Iterable[str] = ()) -> list[str]:
    """The lines of an aligned table: a title, a header and one line a row."""
    right = set(justify_right)
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = [] if title is None else [title]
    for row in [list(columns), *cells]:
        lines.append("  ".join(v.rjust(w) if columns[i] in right else v.ljust(w)
                               for i, (v, w) in enumerate(zip(row, widths, strict=True)))
                     .rstrip())
    return lines


def table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]],
          justify_right: Iterable[str] = ()) -> None:
    """Print aligned columns without rich's layout engine, for thousands of rows."""
    write(table_lines(title, columns, rows, justify_right))
