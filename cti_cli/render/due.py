"""The `cti due` table: one block per worker, most urgent worker and item first.

Kept apart from render.py so the reminder output can change without touching the shared
helpers; like render.py it is allowed to import rich.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from cti_cli.core.dueitem import DueItem
from cti_cli.core.formats import show_date
from cti_cli.core.labels import label
from cti_cli.core.safetext import shown
from cti_cli.locale import _, ngettext, pgettext

COLUMNS = ("case", "initials", "kind", "due", "when", "message")
# a municipality-wide run can list hundreds of items; rich's layout of them costs ~1 ms a
# row, so long lists are printed as plain columns (no folding) instead
PLAIN_ITEMS = 100
# on a narrow screen these columns are left out, highest number first; the message wraps
_DROP = {"initials": 3, "kind": 2, "when": 1}


def _cells(item: DueItem) -> tuple[str, ...]:
    return (item.case, item.initials, label("due_kind", item.kind), show_date(item.due),
            _when(item.days_left), item.message)


def _when(days_left: int) -> str:
    if days_left == 0:
        return _("today")
    if days_left > 0:
        return ngettext("in {n} d", "in {n} d", days_left).format(n=days_left)
    return ngettext("{n} d overdue", "{n} d overdue", -days_left).format(n=-days_left)


def _headers() -> list[str]:
    """The column headers in the language of this run (the ids stay in COLUMNS)."""
    return [pgettext("column", "case"), pgettext("column", "initials"),
            pgettext("column", "kind"), pgettext("column", "due"), pgettext("column", "when"),
            pgettext("column", "message")]


def _title(worker: str, n: int) -> str:
    return ngettext("{worker}, {n} item", "{worker}, {n} items", n).format(worker=worker, n=n)


def _style(days_left: int) -> str:
    if days_left < 0:
        return "red"
    return "yellow" if days_left <= 2 else ""


def print_due(items: Sequence[DueItem], today: date, last_day: date,
              worker_name: Callable[[str], str]) -> None:
    """Print `items` (already sorted most urgent first) grouped by worker."""
    heading = ngettext("Due by {last_day} (as of {today}): {n} item",
                       "Due by {last_day} (as of {today}): {n} items", len(items)).format(
        last_day=show_date(last_day), today=show_date(today), n=len(items))
    groups: dict[str, list[DueItem]] = {}
    for item in items:  # dicts keep insertion order: a worker's first item is their most urgent
        groups.setdefault(item.worker, []).append(item)
    titles = {}
    for worker in groups:
        name = worker_name(worker)
        titles[worker] = f"{worker} ({name})" if name != worker else worker
    from cti_cli.render import layout

    # the message keeps room for a few words a line (and a date whole) before anything else
    columns = [layout.Col(h, drop=_DROP.get(c, 0), wrap=c == "message", min_width=24)
               for c, h in zip(COLUMNS, _headers(), strict=True)]
    cells = {id(item): tuple(map(shown, _cells(item))) for item in items}
    if len(items) > PLAIN_ITEMS:  # no rich at all: neither its import nor its layout
        from cti_cli.render import plain

        keep, _caps = layout.fit(columns, cells.values(), layout.width(), plain=True)
        lines = [heading]
        for worker, rows in groups.items():
            lines.append("")
            lines += layout.plain_lines(_title(titles[worker], len(rows)), columns,
                                        keep, [cells[id(i)] for i in rows])
        plain.write(lines + layout.note_lines(columns, keep))
        return
    from rich.text import Text

    from cti_cli.render.terminal import out

    keep, caps = layout.fit(columns, cells.values(), layout.width())
    need = layout.needed(columns, keep, cells.values())
    out().print(Text(heading, style="bold"))
    for worker, rows in groups.items():
        table = layout.make_table(columns, keep, caps)
        for item in rows:
            table.add_row(*map(Text, layout.pick(cells[id(item)], keep)),
                          style=_style(item.days_left))
        out().print()
        out().print(layout.title_line(shown(_title(titles[worker], len(rows)))))
        layout.print_whole(out(), table, need)
    layout.print_note(out(), columns, keep)
