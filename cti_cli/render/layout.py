"""How wide output may be, and which columns of a table fit in it.

A case id, a date or a number cut to `2026-…` is worse than a column left out: the reader
cannot tell which case is meant. So a table that does not fit leaves out its least important
columns (and says which, in one line), and only free text such as a message wraps.

The width: `--width N`, then `COLUMNS` (as rich reads it), then the terminal's; piped output
without either has no limit, so a pipe or a mail gets every column and whole lines. This
module imports no rich at import time: `cti_cli.cli` sets the width before any command runs.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from cti_cli.locale import _

if TYPE_CHECKING:
    from rich.table import Table

# rich needs a number: piped output without COLUMNS or --width is laid out this wide, which
# means every table at its natural width and no sentence wrapped
UNLIMITED = 10_000
# the gap between two columns of our tables (box=None, padding (0, 1), no edge padding)
GAP = 2
# a wrapping column is left out rather than break a word up to this long (a longer one folds)
LONG_WORD = 20

_override: dict[str, int | None] = {"width": None}


def set_width(columns: int | None) -> None:
    """The width `--width N` asks for (None: back to COLUMNS or the terminal)."""
    _override["width"] = columns if columns and columns > 0 else None


def width() -> int | None:
    """The columns output may use, or None when there is no limit (piped, no COLUMNS)."""
    if _override["width"]:
        return _override["width"]
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        if sys.stdout.isatty():
            return shutil.get_terminal_size().columns
    except (AttributeError, ValueError, OSError):  # a closed or replaced stdout
        pass
    return None


def console_width() -> int:
    """The width to give rich's Console."""
    return width() or UNLIMITED


def page_width(cap: int = 80) -> int:
    """The width of a page of text (`show`, `checklist`): `cap` columns, or the screen's
    width when it is narrower."""
    return min(width() or cap, cap)


@dataclass(frozen=True)
class Col:
    """One column of a table that must fit.

    `drop`: 0 is never left out; among the others the highest number goes first.
    `wrap`: free text that may wrap at its words (a message, a note); every other column is
    kept whole on one line (ids, dates, numbers). `min_width`: the narrowest a wrapping
    column may get (e.g. 10 so a date inside it stays whole).
    """

    header: str
    drop: int = 0
    justify: Literal["left", "right"] = "left"
    wrap: bool = False
    min_width: int | None = None


def _cells_of(text: str) -> int:
    # rich counts wide characters as two cells; the plain path (no rich imported, for its
    # speed) counts characters, as its own columns do
    if "rich" in sys.modules:
        from rich.cells import cell_len

        return cell_len(text)
    return len(text)


def _len(value: Any) -> int:
    text = "" if value is None else getattr(value, "plain", value)
    return max((_cells_of(line) for line in str(text).split("\n")), default=0)


def _longest_word(value: Any) -> int:
    text = "" if value is None else str(getattr(value, "plain", value))
    return max((_cells_of(w) for w in text.split()), default=0)


def _floor(col: Col, cells: Sequence[Any]) -> int:
    """The narrowest `col` can be: a whole column is as wide as its header and widest cell;
    a wrapping one as its longest word (up to `LONG_WORD`) or `min_width`."""
    if not col.wrap:
        return _natural(col, cells)
    words = max([_longest_word(col.header), *(_longest_word(c) for c in cells)])
    return max(min(words, LONG_WORD), col.min_width or 1)


def _natural(col: Col, cells: Sequence[Any]) -> int:
    return max([_len(col.header), *(_len(c) for c in cells)])


def fit(columns: Sequence[Col], rows: Iterable[Sequence[Any]],
        limit: int | None, *, plain: bool = False) -> tuple[list[int], list[int | None]]:
    """Which columns to keep (their indexes) and the widest each wrapping column may be.

    Columns are left out, highest `drop` first, until the narrowest layout fits `limit`;
    then the room left is shared among the wrapping columns, none below its floor. The
    widths go to rich as `Column.max_width`, so rich never has to squeeze a whole column.
    `plain`: for `plain.table_lines`, which wraps nothing; a wrapping column counts at its
    floor and runs on past the width (free text last, so no other column moves).
    """
    rows = list(rows)
    cells = [[row[i] for row in rows] for i in range(len(columns))]
    floors = [_floor(c, cells[i]) for i, c in enumerate(columns)]
    naturals = [max(_natural(c, cells[i]), floors[i]) for i, c in enumerate(columns)]
    if plain:  # only a last column of free text may run on; the others are as wide as they are
        floors = [floors[i] if c.wrap and i == len(columns) - 1 else naturals[i]
                  for i, c in enumerate(columns)]
    keep = list(range(len(columns)))
    order = sorted((i for i, c in enumerate(columns) if c.drop), key=lambda i: -columns[i].drop)

    def need(kept: list[int]) -> int:
        return sum(floors[i] for i in kept) + GAP * (len(kept) - 1)

    if limit is not None:
        for i in order:
            if need(keep) <= limit:
                break
            keep.remove(i)
    caps: list[int | None] = [None] * len(columns)
    if limit is None or plain:
        return keep, caps
    fixed = sum(naturals[i] for i in keep if not columns[i].wrap) + GAP * (len(keep) - 1)
    wrapping = [i for i in keep if columns[i].wrap]
    room = limit - fixed
    if wrapping and sum(naturals[i] for i in wrapping) > room:
        # the widest wrapping columns give way first, none below its floor
        cap = max(naturals[i] for i in wrapping)
        while cap > 1 and sum(max(floors[i], min(naturals[i], cap)) for i in wrapping) > room:
            cap -= 1
        for i in wrapping:
            caps[i] = max(floors[i], min(naturals[i], cap))
    return keep, caps


def left_out_note(headers: Sequence[str], limit: int | None) -> str | None:
    """The one line that says which columns a narrow screen left out, or None."""
    if not headers:
        return None
    # TRANSLATORS: a narrow screen; {columns} are table headers, e.g. "group, week"
    return _("Not shown at {width} columns: {columns}").format(width=limit,
                                                                columns=", ".join(headers))


def needed(columns: Sequence[Col], keep: Sequence[int], rows: Iterable[Sequence[Any]]) -> int:
    """The narrowest the kept columns can be laid out without cutting a cell."""
    rows = list(rows)
    return sum(_floor(columns[i], [r[i] for r in rows]) for i in keep) + GAP * (len(keep) - 1)


def print_whole(console: Any, renderable: Any, need: int) -> None:
    """Print a table that even without its droppable columns is wider than the screen at
    `need` columns: the terminal wraps its lines, but no id or date is folded or cut
    (rich would squeeze every column to the screen's width)."""
    if need <= console.width:
        console.print(renderable)
        return
    old = console.width
    console.width = need
    try:
        console.print(renderable)
    finally:
        console.width = old


def make_table(columns: Sequence[Col], keep: Sequence[int],
               caps: Sequence[int | None]) -> Table:
    """An empty rich table with the kept columns; add rows with `pick(row, keep)`.

    No title: rich wraps a title to the table's width, which can be narrower than the title;
    print it as a line of its own above the table (`title_line`)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(header_style="bold", box=None, pad_edge=False, show_edge=False)
    for i in keep:
        col = columns[i]
        table.add_column(Text(col.header), justify=col.justify, no_wrap=not col.wrap,
                         overflow="fold", max_width=caps[i],
                         min_width=col.min_width if col.wrap else None)
    return table


def plain_lines(title: str | None, columns: Sequence[Col], keep: Sequence[int],
                rows: Iterable[Sequence[Any]]) -> list[str]:
    """The kept columns as plain aligned lines (`plain.table_lines`, no rich)."""
    from cti_cli.render import plain

    kept = [columns[i] for i in keep]
    return plain.table_lines(title, [c.header for c in kept], [pick(r, keep) for r in rows],
                             [c.header for c in kept if c.justify == "right"])


def note_lines(columns: Sequence[Col], keep: Sequence[int]) -> list[str]:
    """The left-out note as plain lines (a blank one first), or none."""
    limit = width()
    note = left_out_note(dropped(columns, keep), limit)
    if not note:
        return []
    import textwrap

    # wrapped as rich wraps the note under a rich table
    return ["", *textwrap.wrap(note, limit or len(note), break_on_hyphens=False)]


def print_note(console: Any, columns: Sequence[Col], keep: Sequence[int]) -> None:
    """Print the left-out note (if any) after the tables, wrapped to the screen."""
    from rich.text import Text

    note = left_out_note(dropped(columns, keep), width())
    if note:
        console.print()
        console.print(Text(note, style="dim"))


def title_line(text: str) -> Any:
    """A table's title as a line of its own, wrapped (if at all) to the screen."""
    from rich.text import Text

    return Text(text, style="italic")


def pick(row: Sequence[Any], keep: Sequence[int]) -> list[Any]:
    """The cells of `row` in the kept columns."""
    return [row[i] for i in keep]


def dropped(columns: Sequence[Col], keep: Sequence[int]) -> list[str]:
    """The headers of the columns left out, in table order."""
    return [c.header for i, c in enumerate(columns) if i not in keep]
