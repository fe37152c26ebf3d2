"""`cti board --html`: the team's board as one self-contained page for the meeting room.

Jinja2 with autoescaping renders `board.html.j2`: every value (ids, initials, worker ids
from case files, names from cti.toml) is escaped by the template engine, never by hand, so
a `<script>` in a file shows as text. The page has inline CSS only: no script, no font, no
image, nothing fetched, so it opens from a USB stick or a file share on a screen with no
network. Behind/ahead is told by a symbol and a word and a pattern, not by colour alone
(Okabe–Ito colours, readable in greyscale and by colour-blind readers); it prints on A4
landscape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from typing import Any, Final

from jinja2 import Environment, StrictUndefined

from cti_cli.core.agenda import kind_word
from cti_cli.core.bars import Axis, CourseBars
from cti_cli.core.board import Board, BoardRow
from cti_cli.core.formats import show_number
from cti_cli.core.labels import label
from cti_cli.locale import _, ngettext

# Contact within this many days counts as recent on the board (the "last 14 days").
RECENT_CONTACT_DAYS: Final = 14

def _words() -> dict[str, str]:
    """The page's texts in the current language (cti_cli.locale)."""
    return {
        "title": _("Board"), "asof": _("as of"),
        "case": _("case"), "initials": _("init."), "phase": _("phase"), "week": _("week"),
        "plan": _("plan"), "next": _("next deadline"), "checklist": _("checklist"),
        "contact": _("last contact"),
        "late": _("{d} d late"), "early": _("{d} d early"), "on_plan": _("on plan"),
        "over": _("over the norm"), "none": _("no open cases"),
        "ago": _("{d} d ago"), "no_contact": _("no contact"), "today": _("today"),
        "planned": _("planned"), "gate": _("phase changed"),
        "deadline": _("next deadline"), "recent": _("contact within {d} days"),
        "stale": _("no contact for over {d} days"),
        "privacy": _("Case id and initials only; no names or notes."),
        # TRANSLATORS: the twelve months' short names, separated by single spaces.
        "months": _("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec"),
    }


_SHORT: Final = {"contact": "K", "phase1": "1", "phase2": "2", "phase3": "3"}


@dataclass(frozen=True)
class _Bar:
    phase: str
    left: float
    width: float
    label: str
    title: str


def _number(value: float, lang: str) -> str:
    """`lang` is the run's language already; one helper (core.formats) writes numbers."""
    return show_number(value)


def _phase_word(phase: str, w: Mapping[str, str]) -> str:
    return label("phase", phase)


def _bars(spans: Any, axis: Axis, w: Mapping[str, str]) -> list[_Bar]:
    out = []
    for span in spans:
        left = axis.percent(span.start)
        width = max(0.3, axis.percent(span.end) - left)
        title = f"{_phase_word(span.phase, w)}: {span.start.isoformat()} – {span.end.isoformat()}"
        out.append(_Bar(span.phase, left, round(width, 3),
                        _SHORT.get(span.phase, span.phase), title))
    return out


def _row(row: BoardRow, bars: CourseBars | None, axis: Axis, today: date,
         w: Mapping[str, str]) -> dict[str, Any]:
    if row.deviation_days > 0:
        status, text = "late", w["late"].format(d=row.deviation_days)
    elif row.deviation_days < 0:
        status, text = "early", w["early"].format(d=-row.deviation_days)
    else:
        status, text = "on", w["on_plan"]
    contact = row.days_since_contact
    done, total = row.checklist_done, row.checklist_total
    return {
        "case": row.case,
        "initials": row.initials,
        "group": label("target_group", row.target_group),
        "phase": _phase_word(row.phase, w),
        "week": f"{row.week}/{row.planned_weeks}" if row.planned_weeks else str(row.week),
        "status": status,
        "status_text": text,
        "actual": _bars(bars.actual if bars else (), axis, w),
        "planned": _bars(bars.planned if bars else (), axis, w),
        "gates": [{"left": axis.percent(day), "title": f"{_phase_word(p, w)} {day}"}
                  for p, day in (bars.gates if bars else ())],
        "next_due": row.next_due.isoformat() if row.next_due else "",
        "next_kind": kind_word(row.next_kind) if row.next_kind else "",
        "next_message": row.next_message or "",
        "next_left": axis.percent(row.next_due) if row.next_due else None,
        "overdue": row.next_due is not None and row.next_due < today,
        "checklist": f"{done}/{total}" if total else "–",
        "checklist_pct": round(100 * done / total) if total else 0,
        "gate_id": row.checklist_gate or "",
        "contact": (w["no_contact"] if contact is None else w["ago"].format(d=contact)),
        "recent": contact is not None and contact <= RECENT_CONTACT_DAYS,
    }


def render_board_html(board: Board, bars: Mapping[str, CourseBars], axis: Axis, *,
                      team: str, lang: str, version: str) -> str:
    """The whole page as text (UTF-8, one file)."""
    w = _words()
    month_names = w["months"].split()
    months = []
    for i, first in enumerate(axis.months):
        left = axis.percent(first)
        right = axis.percent(axis.months[i + 1]) if i + 1 < len(axis.months) else 100.0
        # January says its year; a month too narrow for a word (a long axis) says nothing.
        label = str(first.year) if first.month == 1 else month_names[first.month - 1]
        if len(axis.months) > 24 and first.month not in (1, 4, 7, 10):
            label = ""
        months.append({"left": left, "width": round(right - left, 3), "label": label})
    groups = []
    for load in board.workers:
        rows = [_row(r, bars.get(r.case), axis, board.today, w)
                for r in board.rows_of(load.worker)]
        groups.append({
            "worker": load.worker,
            "name": load.name if load.name != load.worker else "",
            "load": ngettext("{n} open case of {cap}", "{n} open cases of {cap}",
                             load.open_cases).format(n=load.open_cases,
                                                     cap=_number(load.capacity, lang)),
            "over": load.over,
            "load_pct": min(100, round(100 * load.open_cases / load.capacity))
            if load.capacity else 100,
            "rows": rows,
        })
    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True,
                      lstrip_blocks=True, keep_trailing_newline=True)
    template = env.from_string(files("cti_cli.render").joinpath("board.html.j2")
                               .read_text("utf-8"))
    return template.render(
        w=w, lang=lang, team=team, today=board.today.isoformat(), version=version,
        open_text=ngettext("{n} open course", "{n} open courses", len(board.rows)).format(
            n=len(board.rows)), groups=groups, months=months,
        today_left=axis.percent(board.today), recent_days=RECENT_CONTACT_DAYS,
        phases=[(p, _phase_word(p, w)) for p in ("contact", "phase1", "phase2", "phase3")],
    )
