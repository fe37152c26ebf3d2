"""All terminal output that needs rich: tables, panels, colours.

Rich drops colour by itself under NO_COLOR and when output is piped; tests and cron see
plain text. Nothing else in the package imports rich.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from typing import IO, Any, cast

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from cti_cli.core.safetext import shown
from cti_cli.render import layout
from cti_cli.render.layout import Col, console_width

# Every text shown goes through `_m`: control characters made inert and CPR-like numbers
# masked at this one boundary (`show --json` is the data itself and is not masked, only its
# control characters escaped; see README, "Security and data protection").
_m = shown

_consoles: dict[bool, tuple[int, Console]] = {}
_TRAILING = re.compile(r"[ \t]+(?=\r?\n)")


class _Trimmed:
    """stdout or stderr as rich writes to it, without the spaces rich pads each line with.

    The stream is looked up on every write, so a redirected sys.stdout (tests, `cti … | less`
    run in-process) is followed.
    """

    def __init__(self, stderr: bool) -> None:
        self._stderr = stderr

    @property
    def stream(self) -> Any:
        return sys.stderr if self._stderr else sys.stdout

    def write(self, text: str) -> int:
        return int(self.stream.write(_TRAILING.sub("", text)))

    def __getattr__(self, name: str) -> Any:  # isatty, fileno, flush, encoding, …
        return getattr(self.stream, name)


def _console(stderr: bool) -> Console:
    """One console per stream, made again when the width changed (`--width`, COLUMNS)."""
    width = console_width()
    known = _consoles.get(stderr)
    if known is None or known[0] != width:
        console = Console(file=cast(IO[str], _Trimmed(stderr)), stderr=stderr, highlight=False,
                          width=width, soft_wrap=False)
        known = _consoles[stderr] = (width, console)
    return known[1]


def out() -> Console:
    return _console(False)


def err() -> Console:
    return _console(True)


def table(title: str | None, columns: Sequence[str | Col], rows: Iterable[Sequence[Any]],
          *, justify_right: Iterable[str] = ()) -> RenderableType:
    """A table of texts. Plain header strings fold every column as rich does; `Col`s fit the
    screen (`layout.fit`): ids, dates and numbers whole, the least important left out."""
    return _fitted(title, columns, rows, justify_right)[0]


def _fitted(title: str | None, columns: Sequence[str | Col], rows: Iterable[Sequence[Any]],
            justify_right: Iterable[str] = ()) -> tuple[RenderableType, list[str], int]:
    """The table, the headers of the columns it left out and the width it needs. A fitted
    table's title is a line of its own above it: rich would wrap it to the table's width."""
    # Text, not str: a note with [brackets] must not be read as rich markup
    cells = [[Text("" if v is None else _m(str(v))) for v in row] for row in rows]
    title = _m(title) if title else title
    if any(isinstance(c, Col) for c in columns):
        cols = [c if isinstance(c, Col) else Col(c) for c in columns]
        keep, caps = layout.fit(cols, cells, layout.width())
        fitted = layout.make_table(cols, keep, caps)
        for row in cells:
            fitted.add_row(*layout.pick(row, keep))
        dropped = layout.dropped(cols, keep)
        need = layout.needed(cols, keep, cells)
        if title:
            return Group(layout.title_line(title), fitted), dropped, need
        return fitted, dropped, need
    right = set(justify_right)
    t = Table(title=Text(title) if title else None, title_justify="left", header_style="bold",
              box=None, pad_edge=False, show_edge=False)
    for c in columns:
        assert isinstance(c, str)
        t.add_column(Text(_m(c)), justify="right" if c in right else "left", overflow="fold")
    for cell_row in cells:
        t.add_row(*cell_row)
    return t, [], 0


def print_table(title: str | None, columns: Sequence[str | Col], rows: Iterable[Sequence[Any]],
                *, justify_right: Iterable[str] = (), plain_above: int | None = None) -> None:
    """Print a table (see `table`), and under it which columns a narrow screen left out."""
    rows = list(rows)
    if plain_above is not None and len(rows) > plain_above:
        plain_table(title, columns, rows, justify_right)
        return
    t, dropped, need = _fitted(title, columns, rows, justify_right)
    layout.print_whole(out(), t, need)
    note = layout.left_out_note(dropped, layout.width())
    if note:
        out().print()
        out().print(Text(note, style="dim"))


def plain_table(title: str | None, columns: Sequence[str | Col],
                rows: Sequence[Sequence[Any]], justify_right: Iterable[str] = ()) -> None:
    """Aligned columns without rich's layout engine, for thousands of rows."""
    from cti_cli.render import plain

    right = [*justify_right, *(c.header for c in columns
                               if isinstance(c, Col) and c.justify == "right")]
    headers = [c.header if isinstance(c, Col) else c for c in columns]

    out().file.write("".join(_m(x) + "\n" for x in plain.table_lines(title, headers, rows,
                                                                      right)))


def line(text: str = "", style: str | None = None) -> None:
    # sentences are not wrapped: a terminal wraps them, and a pipe or mail keeps them whole
    out().print(Text(_m(text), style=style or ""), soft_wrap=True)


def warn(text: str) -> None:
    err().print(Text(_m(text), style="yellow"), soft_wrap=True)


def error(text: str) -> None:
    err().print(Text(_m(text), style="bold red"), soft_wrap=True)


def key_values(title: str, pairs: Sequence[tuple[str, Any]]) -> None:
    t = Table.grid(padding=(0, 2))
    t.add_column(style="bold")
    t.add_column()
    for k, v in pairs:
        t.add_row(Text(_m(k)), Text("" if v is None else _m(str(v))))
    if title:
        out().print(Text(_m(title), style="bold underline"))
    out().print(t)
