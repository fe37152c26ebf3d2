"""The `cti board` table: one block per worker with the caseload line under its title.

Apart from render.py so the board can change without touching the shared helpers; like
render.py it may import rich. On a narrow screen it leaves out its least important
columns rather than cut a case id or a date (`render/layout.py`).
"""

from __future__ import annotations

from datetime import date

from cti_cli.core.board import Board, BoardRow, WorkerLoad
from cti_cli.core.formats import show_date, show_number
from cti_cli.core.labels import label
from cti_cli.core.safetext import shown
from cti_cli.locale import _, ngettext

# a board of hundreds of courses (a region's folder) is printed as plain columns, without
# rich: its layout costs about a millisecond a cell row
PLAIN_ROWS = 100
_COLUMNS = ("case", "initials", "group", "phase", "week", "plan", "next", "contact",
            "checklist")
_RIGHT = ("contact", "checklist")
# on a narrow screen the board leaves out columns, highest number first; the case id, the
# phase, the plan and the next deadline stay
_DROP = {"checklist": 7, "week": 6, "group": 5, "contact": 4, "initials": 3}
# free text that may wrap at its words; the deadline's date stays whole above its kind
_WRAP = {"group": 6, "next": 10}

def _headers() -> dict[str, str]:
    return {"case": _("case"), "initials": _("init."), "group": _("group"),
            "phase": _("phase"), "week": _("week"), "plan": _("plan"),
            "next": _("next deadline"), "contact": _("contact"), "checklist": _("checklist")}


def _plan(row: BoardRow) -> str:
    if row.deviation_days > 0:
        return _("{d} d late").format(d=row.deviation_days)
    if row.deviation_days < 0:
        return _("{d} d early").format(d=-row.deviation_days)
    return _("on plan")


def _style(row: BoardRow, today: date) -> str:
    """Red when the course is behind its plan or a deadline has passed."""
    if row.deviation_days > 0 or (row.next_due is not None and row.next_due < today):
        return "red"
    return ""


def load_line(load: WorkerLoad, per_fte: float) -> str:
    """The caseload line under a worker's name, in the run's language."""
    text = ngettext("{n} open case of {cap} ({per} per FTE × {fte} FTE)",
                    "{n} open cases of {cap} ({per} per FTE × {fte} FTE)",
                    load.open_cases).format(n=load.open_cases, cap=show_number(load.capacity),
                                            per=show_number(per_fte),
                                            fte=show_number(load.fte))
    return text + (_(" – OVER THE NORM") if load.over else "")


def _cells(row: BoardRow) -> tuple[str, ...]:
    week = f"{row.week}/{row.planned_weeks}" if row.planned_weeks else str(row.week)
    kind = label("due_kind", row.next_kind) if row.next_kind else ""
    nxt = f"{show_date(row.next_due)} {kind}" if row.next_due else ""
    contact = (_("{d} d").format(d=row.days_since_contact)
               if row.days_since_contact is not None else "–")
    ticks = f"{row.checklist_done}/{row.checklist_total}" if row.checklist_total else ""
    return (row.case, row.initials, label("target_group", row.target_group),
            label("phase", row.phase), week, _plan(row), nxt, contact, ticks)


def print_board(board: Board, *, team: str, per_fte: float) -> None:
    """Print the board grouped by worker; rich drops colour under NO_COLOR or when piped."""
    w = _headers()
    n = len(board.rows)
    heading = ngettext("Board of {team}, {today}: {n} open course",
                       "Board of {team}, {today}: {n} open courses", n).format(
        team=team, today=show_date(board.today), n=n)
    blocks = []
    for load in board.workers:
        title = f"{load.worker} ({load.name})" if load.name != load.worker else load.worker
        blocks.append((load, title, board.rows_of(load.worker)))
    from cti_cli.render import layout

    columns = [layout.Col(w[key], drop=_DROP.get(key, 0), wrap=key in _WRAP,
                          min_width=_WRAP.get(key), justify="right" if key in _RIGHT else "left")
               for key in _COLUMNS]
    cells = {id(row): tuple(map(shown, _cells(row))) for row in board.rows}
    if len(board.rows) > PLAIN_ROWS:
        from cti_cli.render import plain

        keep, _caps = layout.fit(columns, cells.values(), layout.width(), plain=True)
        lines = [heading]
        for load, title, rows in blocks:
            lines += ["", title, load_line(load, per_fte)]
            if rows:
                lines += layout.plain_lines(None, columns, keep, [cells[id(r)] for r in rows])
        plain.write(lines + layout.note_lines(columns, keep))
        return
    from rich.text import Text

    from cti_cli.render.terminal import out

    keep, caps = layout.fit(columns, cells.values(), layout.width())
    need = layout.needed(columns, keep, cells.values())
    console = out()
    console.print(Text(shown(heading), style="bold"))
    for load, title, rows in blocks:
        console.print()
        console.print(Text(shown(title), style="bold"))
        console.print(Text(load_line(load, per_fte), style="red" if load.over else ""))
        if not rows:
            continue
        table = layout.make_table(columns, keep, caps)
        for row in rows:
            table.add_row(*map(Text, layout.pick(cells[id(row)], keep)),
                          style=_style(row, board.today))
        layout.print_whole(console, table, need)
    layout.print_note(console, columns, keep)
