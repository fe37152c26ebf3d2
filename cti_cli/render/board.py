"""The `cti board` table: one block per worker with the caseload line under its title.

Apart from render.py so the board can change without touching the shared helpers; like
render.py it may import rich. On a narrow screen it leaves out its least important
columns rather than cut a case id or a date (`render/layout.py`).
"""

from __future__ import annotations

from datetime import date
from typing import Final

from cti_cli.core.board import Board, BoardRow, WorkerLoad
from cti_cli.core.safetext import shown

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

_WORDS: Final[dict[str, dict[str, str]]] = {
    "da": {
        "title": "Tavle for {team}, {today}: {n} åbne forløb",
        "case": "sag", "initials": "init.", "group": "målgruppe", "phase": "fase",
        "week": "uge", "plan": "plan", "next": "næste frist", "contact": "kontakt",
        "checklist": "tjekliste",
        "late": "{d} d bagud", "early": "{d} d foran", "on_plan": "i plan",
        "load": "{n} åbne sager af {cap} ({per} pr. årsværk × {fte} årsværk)",
        "over": " – OVER NORMEN", "none": "ingen åbne sager", "days": "{d} d",
        "contact_p": "kontakt", "phase1": "fase 1", "phase2": "fase 2", "phase3": "fase 3",
    },
    "en": {
        "title": "Board of {team}, {today}: {n} open course(s)",
        "case": "case", "initials": "init.", "group": "group", "phase": "phase",
        "week": "week", "plan": "plan", "next": "next deadline", "contact": "contact",
        "checklist": "checklist",
        "late": "{d} d late", "early": "{d} d early", "on_plan": "on plan",
        "load": "{n} open cases of {cap} ({per} per FTE × {fte} FTE)",
        "over": " – OVER THE NORM", "none": "no open cases", "days": "{d} d",
        "contact_p": "contact", "phase1": "phase 1", "phase2": "phase 2", "phase3": "phase 3",
    },
}


_KINDS: Final[dict[str, dict[str, str]]] = {
    "da": {"phase_end": "faseslut", "documentation": "dokum.", "handover_meeting": "overdrag.",
           "checklist": "tjekliste", "appointment": "aftale", "contact_period": "kontaktper."},
    "en": {"phase_end": "phase end", "documentation": "docs", "handover_meeting": "handover",
           "checklist": "checklist", "appointment": "appointm.", "contact_period": "contact"},
}


def _number(value: float, lang: str) -> str:
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "da" else text


def _plan(row: BoardRow, w: dict[str, str]) -> str:
    if row.deviation_days > 0:
        return w["late"].format(d=row.deviation_days)
    if row.deviation_days < 0:
        return w["early"].format(d=-row.deviation_days)
    return w["on_plan"]


def _style(row: BoardRow, today: date) -> str:
    """Red when the course is behind its plan or a deadline has passed."""
    if row.deviation_days > 0 or (row.next_due is not None and row.next_due < today):
        return "red"
    return ""


def load_line(load: WorkerLoad, per_fte: float, lang: str) -> str:
    w = _WORDS[lang]
    text = w["load"].format(n=load.open_cases, cap=_number(load.capacity, lang),
                            per=_number(per_fte, lang), fte=_number(load.fte, lang))
    return text + (w["over"] if load.over else "")


def _cells(row: BoardRow, w: dict[str, str], lang: str) -> tuple[str, ...]:
    week = f"{row.week}/{row.planned_weeks}" if row.planned_weeks else str(row.week)
    kind = _KINDS[lang].get(row.next_kind or "", row.next_kind or "")
    nxt = f"{row.next_due} {kind}" if row.next_due else ""
    contact = (w["days"].format(d=row.days_since_contact)
               if row.days_since_contact is not None else "–")
    ticks = f"{row.checklist_done}/{row.checklist_total}" if row.checklist_total else ""
    phase = w["contact_p"] if row.phase == "contact" else w.get(row.phase, row.phase)
    return (row.case, row.initials, row.target_group, phase, week, _plan(row, w), nxt,
            contact, ticks)


def print_board(board: Board, *, team: str, per_fte: float, lang: str) -> None:
    """Print the board grouped by worker; rich drops colour under NO_COLOR or when piped."""
    lang = lang if lang in _WORDS else "en"
    w = _WORDS[lang]
    heading = w["title"].format(team=team, today=board.today, n=len(board.rows))
    blocks = []
    for load in board.workers:
        title = f"{load.worker} ({load.name})" if load.name != load.worker else load.worker
        blocks.append((load, title, board.rows_of(load.worker)))
    from cti_cli.render import layout

    columns = [layout.Col(w[key], drop=_DROP.get(key, 0), wrap=key in _WRAP,
                          min_width=_WRAP.get(key), justify="right" if key in _RIGHT else "left")
               for key in _COLUMNS]
    cells = {id(row): tuple(map(shown, _cells(row, w, lang))) for row in board.rows}
    if len(board.rows) > PLAIN_ROWS:
        from cti_cli.render import plain

        keep, _caps = layout.fit(columns, cells.values(), layout.width(), plain=True)
        lines = [heading]
        for load, title, rows in blocks:
            lines += ["", title, load_line(load, per_fte, lang)]
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
        console.print(Text(load_line(load, per_fte, lang), style="red" if load.over else ""))
        if not rows:
            continue
        table = layout.make_table(columns, keep, caps)
        for row in rows:
            table.add_row(*map(Text, layout.pick(cells[id(row)], keep)),
                          style=_style(row, board.today))
        layout.print_whole(console, table, need)
    layout.print_note(console, columns, keep)
