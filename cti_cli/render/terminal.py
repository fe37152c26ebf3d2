"""All terminal output that needs rich: tables, panels, colours.

Rich drops colour by itself under NO_COLOR and when output is piped; tests and cron see
plain text. Nothing else in the package imports rich.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cti_cli.core.privacy import mask_cpr

# Every text shown goes through `_m`: CPR-like numbers are masked at this one boundary
# (`show --json` is the data itself and is not masked; see README, "Security and data protection").
_m = mask_cpr

_out: Console | None = None
_err: Console | None = None


def _width() -> int | None:
    # a fixed width when not on a terminal, so piped output and golden files are stable
    if os.environ.get("COLUMNS"):
        return None
    return None if sys.stdout.isatty() else 100


def out() -> Console:
    global _out
    if _out is None:
        _out = Console(highlight=False, width=_width(), soft_wrap=False)
    return _out


def err() -> Console:
    global _err
    if _err is None:
        _err = Console(stderr=True, highlight=False, width=_width())
    return _err


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]],
          *, justify_right: Iterable[str] = ()) -> Table:
    right = set(justify_right)
    t = Table(title=_m(title) if title else title, title_justify="left", header_style="bold",
              box=None, pad_edge=False, show_edge=False)
    for c in columns:
        t.add_column(c, justify="right" if c in right else "left", overflow="fold")
    for row in rows:
        # Text, not str: a note with [brackets] must not be read as rich markup
        t.add_row(*[Text("" if v is None else _m(str(v))) for v in row])
    return t


def print_table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]],
                *, justify_right: Iterable[str] = (), plain_above: int | None = None) -> None:
    rows = list(rows)
    if plain_above is not None and len(rows) > plain_above:
        plain_table(title, columns, rows, justify_right)
        return
    out().print(table(title, columns, rows, justify_right=justify_right))


def plain_table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                justify_right: Iterable[str] = ()) -> None:
    """Aligned columns without rich's layout engine, for thousands of rows."""
    from cti_cli.render import plain

    out().file.write("".join(_m(x) + "\n" for x in plain.table_lines(title, columns, rows,
                                                                      justify_right)))


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
        t.add_row(Text(k), Text("" if v is None else _m(str(v))))
    if title:
        out().print(Text(_m(title), style="bold underline"))
    out().print(t)
