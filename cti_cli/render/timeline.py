"""Drawing `cti timeline`: a calendar of the course in at most 80 columns.

All numbers come from `timeline.py`; this module only places them. Colour goes through
rich, which drops it under NO_COLOR and when piped, so the plain text stays readable alone:
plan and actual differ by character (░ and █), not only by colour.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

from rich.text import Text

from cti_cli.core.formats import show_date, show_number
from cti_cli.core.labels import label, title
from cti_cli.core.safetext import shown
from cti_cli.core.timeline import Bar, Deadline, Timeline
from cti_cli.locale import N_, _, ngettext, pgettext
from cti_cli.render import terminal as render

WIDTH = 80
LABEL = 17  # "Fase 1   faktisk " before the calendar
CHART = WIDTH - LABEL - 1

_STYLE = {"contact": "cyan", "phase1": "green", "phase2": "yellow", "phase3": "magenta"}
_SPARK = " ▁▂▃▄▅▆▇█"

_MONTHS = (N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"), N_("Jul"),
           N_("Aug"), N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec"))


def _words() -> dict[str, str]:
    """The timeline's words in the run's language; row names are short to fit the margin."""
    return {"contact": pgettext("timeline row", "Contact"), "phase1": title("phase", "phase1"),
            "phase2": title("phase", "phase2"), "phase3": title("phase", "phase3"),
            "closed": title("phase", "closed"), "plan": _("plan"), "actual": _("actual"),
            "today": _("today"), "since": _("since"), "contacts": _("contacts"),
            "min_week": _("min/week"), "intensity": _("Contact per phase"),
            "weeks": _("weeks"), "minutes": _("minutes"), "share": _("ratio"),
            "method": _("method"), "checklists": _("Checklists"), "missing": _("missing"),
            "deadlines": _("Next deadlines"), "transition": _("transition"), "unknown": "?"}


def _head_phase(phase: str) -> str:
    return title("phase", phase)


class Calendar:
    """Maps dates to columns: one week (or a few) per column, weeks starting Monday."""

    def __init__(self, first: date, last: date, width: int = CHART):
        self.first = first - timedelta(days=first.weekday())
        weeks = (last - self.first).days // 7 + 1
        self.per = max(1, math.ceil(weeks / width))  # weeks per column
        self.width = math.ceil(weeks / self.per)

    def col(self, d: date) -> int:
        return min(max((d - self.first).days // (7 * self.per), 0), self.width - 1)

    def col_start(self, c: int) -> date:
        return self.first + timedelta(weeks=c * self.per)


def _bar_cells(cal: Calendar, bar: Bar, char: str) -> dict[int, str]:
    last = bar.end - timedelta(1)
    if last < bar.start:
        last = bar.start
    return dict.fromkeys(range(cal.col(bar.start), cal.col(last) + 1), char)


def _row(label: str, sub: str, cells: dict[int, str], cal: Calendar, style: str,
         today_col: int) -> Text:
    text = Text(f"{label:<8} {sub:<7} "[:LABEL], no_wrap=True)
    for c in range(cal.width):
        if c in cells:
            text.append(cells[c], style=style)
        elif c == today_col:
            text.append("┊", style="red")
        else:
            text.append(" ")
    text.rstrip()
    return text


def _ruler(cal: Calendar) -> Text:
    """Month names where each month begins; the years sit in the label column."""
    cells = [" "] * cal.width
    free_from = 0
    for c in range(cal.width):
        start, end = cal.col_start(c), cal.col_start(c + 1)
        first_of = date(start.year, start.month, 1)
        if start.day != 1:
            first_of = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        if first_of < end and c >= free_from and c + 3 <= cal.width:
            for i, ch in enumerate(_(_MONTHS[first_of.month - 1])[:3]):
                cells[c + i] = ch
            free_from = c + 4
    last = cal.col_start(cal.width) - timedelta(1)
    years = f"{cal.first.year}" + (f"–{last.year}" if last.year != cal.first.year else "")
    return Text(f"{years:<{LABEL}}" + "".join(cells).rstrip(), style="dim", no_wrap=True)


def _spark(values: Sequence[int], top: int) -> str:
    if top <= 0:
        return "".join(" " for _ in values)
    return "".join(_SPARK[0 if v <= 0 else max(1, round(v / top * 8))] for v in values)


def lines(tl: Timeline) -> list[Text]:
    """The timeline in the run's language, as lines of at most 80 characters (styles
    ignored when plain)."""
    w = _words()
    out: list[Text] = []
    head = (f"{tl.case_id} · {_head_phase(tl.phase)} {w['since']} {show_date(tl.phase_since)}"
            f" · {w['today']} {show_date(tl.today)}")
    out.append(Text(head[:WIDTH], style="bold", no_wrap=True))
    if tl.tentative and tl.planned:
        out.append(Text(_("the plan assumes phase 1 from {d}").format(
            d=show_date(tl.planned[0].start)), style="dim italic"))
    cal = Calendar(tl.first, tl.last)
    today_col = cal.col(tl.today)
    out.append(_ruler(cal))
    planned = {b.phase: b for b in tl.planned}
    actual = {b.phase: b for b in tl.actual}
    for phase in ("contact", "phase1", "phase2", "phase3"):
        style = _STYLE[phase]
        label = w[phase]
        if phase in planned:
            out.append(_row(label, w["plan"], _bar_cells(cal, planned[phase], "░"), cal,
                            f"dim {style}", today_col))
            label = ""
        if phase in actual or phase != "contact":
            bar = actual.get(phase)
            cells = _bar_cells(cal, bar, "█") if bar else {}
            if bar and bar.running:
                cells[max(cells)] = "▶"
            out.append(_row(label, w["actual"], cells, cal, style, today_col))
    out.append(_pointer(today_col, "▲", f"{w['today']} {show_date(tl.today)}", "bold red"))
    out.append(_pointer(cal.col(tl.transition), "↑",
                        f"{w['transition']} {show_date(tl.transition)}", "dim"))
    out.extend(_contact_rows(tl, cal, w))
    out.append(Text(""))
    out.extend(_intensity_table(tl, w))
    out.append(Text(""))
    out.extend(_gate_lines(tl, w))
    if tl.deadlines:
        out.append(Text(""))
        out.extend(_deadline_lines(tl, w))
    return out


def _contact_rows(tl: Timeline, cal: Calendar, w: dict[str, str]) -> list[Text]:
    counts = [0] * cal.width
    minutes = [0] * cal.width
    phase_of: list[str | None] = [None] * cal.width
    for week in tl.weeks:
        c = cal.col(week.start)
        counts[c] += week.contacts
        minutes[c] += week.minutes
        phase_of[c] = phase_of[c] or week.phase
    ticks = Text(f"{w['contacts']:<{LABEL}}"[:LABEL], no_wrap=True)
    for c, n in enumerate(counts):
        style = _STYLE.get(phase_of[c] or "", "")
        ticks.append("│" if n == 1 else str(min(n, 9)) if n else " ", style=style)
    ticks.rstrip()
    curve = Text(f"{w['min_week']:<{LABEL}}"[:LABEL], no_wrap=True)
    spark = _spark([m // cal.per for m in minutes], max(minutes) // cal.per if minutes else 0)
    for c, ch in enumerate(spark):
        curve.append(ch, style=_STYLE.get(phase_of[c] or "", ""))
    curve.rstrip()
    return [ticks, curve]


def _intensity_table(tl: Timeline, w: dict[str, str]) -> list[Text]:
    out = [Text(w["intensity"], style="bold")]
    header = (f"  {'':<10}{w['weeks']:>7}{w['contacts']:>11}{w['minutes']:>10}"
              f"{w['min_week']:>10}{w['share']:>9}{w['method']:>9}")
    out.append(Text(header, style="dim"))
    rows = [i for i in tl.intensity if i.phase != "contact"]
    base = next((i.per_week / i.weight for i in rows if i.weight and i.per_week), None)
    for i in tl.intensity:
        share = (_one_place(i.per_week / base) if base and i.phase != "contact"
                 and i.minutes_known else "")
        per_week = f"{i.per_week:.0f}" if i.minutes_known else w["unknown"]
        row = (f"  {w[i.phase]:<10}{_one_place(i.days / 7):>7}{i.contacts:>11}{i.minutes:>10}"
               f"{per_week:>10}{share:>9}{i.weight or '':>9}")
        out.append(Text(row.rstrip(), no_wrap=True))
    return out


def _gate_lines(tl: Timeline, w: dict[str, str]) -> list[Text]:
    out = [Text(w["checklists"], style="bold")]
    for g in tl.gates:
        complete = g.done == g.total
        mark = "✓" if complete else "▶" if g.current else " "
        line = Text(f"  {mark} {label('checklist', g.gate):<15} {g.done}/{g.total}", no_wrap=True,
                    style="green" if complete else "bold" if g.current else "dim")
        if g.missing and (g.current or g.passed):
            rest = f"  {w['missing']}: " + ", ".join(label("checklist_item", m)
                                                     for m in g.missing)
            if len(line) + len(rest) > WIDTH:
                rest = rest[: WIDTH - len(line) - 1] + "…"
            line.append(rest, style="yellow" if g.current else "red")
        out.append(line)
    return out


def _one_place(value: float) -> str:
    """A ratio or a count of weeks with one decimal, with the language's decimal mark."""
    return show_number(value, 1, fixed=True)


def _deadline_what(kind: str) -> str:
    if kind.startswith("doc:"):
        return _("documentation {p}").format(p=label("documentation_point", kind[4:]))
    return {"phase2": _("phase 2 planned"), "phase3": _("phase 3 planned"),
            "earliest_phase1": _("phase 1 can start from"),
            "handover_by": _("handover meetings by"), "end": _("planned end"),
            "appointment": _("appointment")}.get(kind, kind.replace("_", " "))


def deadline_text(d: Deadline) -> str:
    """One deadline as `  DAY  when  what`, as the timeline and `cti show` print it."""
    what = _deadline_what(d.kind)
    if d.detail:
        what += f" ({d.detail})"
    if d.overdue:
        when = ngettext("{n} day over", "{n} days over", -d.days).format(n=-d.days)
    elif d.days == 0:
        when = _("today")
    else:
        when = ngettext("in {n} day", "in {n} days", d.days).format(n=d.days)
    return f"  {show_date(d.day)}  {when:<14} {what}"


def _deadline_lines(tl: Timeline, w: dict[str, str]) -> list[Text]:
    out = [Text(w["deadlines"], style="bold")]
    for d in tl.deadlines[:8]:
        text = deadline_text(d)
        out.append(Text(text[:WIDTH], no_wrap=True, style="red" if d.overdue else ""))
    return out


def _pointer(col: int, mark: str, label: str, style: str) -> Text:
    """A mark under the chart with its label after it, or before it near the right edge."""
    text = Text(" " * LABEL, no_wrap=True)
    if col + 2 + len(label) <= CHART or col < len(label) + 1:
        text.append(" " * col + mark + " ")
        text.append(label[: max(0, CHART - col - 2)], style=style)
    else:
        text.append(" " * (col - len(label) - 1))
        text.append(label, style=style)
        text.append(" " + mark)
    return text


def print_timeline(tl: Timeline) -> None:
    console = render.out()
    for line in lines(tl):
        if shown(line.plain) != line.plain:  # data from the file (rare): inert, unstyled
            line = Text(shown(line.plain), no_wrap=True)
        console.print(line, overflow="crop", no_wrap=True, crop=True)
