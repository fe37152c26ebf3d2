"""`cti show`: the page a worker opens before a meeting, in the team's language, 80 columns
(or the screen's width when narrower).

Phase and week, the next deadlines, goals and open actions, the plan's first lines, the
network with the anchor, the last contacts, the handover, forced steps, the phase's focus and
the target group's notes. `show --json` is the file's data and does not come here.
"""

from __future__ import annotations

import textwrap
from datetime import date

from cti_cli.core.course import forced_steps, handover_meetings
from cti_cli.core.formats import show_date
from cti_cli.core.labels import label
from cti_cli.core.method import Method, Phase, gate_progress, load_method
from cti_cli.core.model import Case
from cti_cli.core.schedule import plan
from cti_cli.core.timeline import build
from cti_cli.locale import _
from cti_cli.render import terminal as render
from cti_cli.render.layout import page_width
from cti_cli.render.timeline import deadline_text
from cti_cli.storage.store import Folder

WIDTH = 80
PLAN_LINES = 3


def _cut(text: str, width: int = WIDTH) -> str:
    """One line of at most `width` characters, cut between words and marked " …" (a date or
    a number is never cut in two)."""
    if len(text) <= width:
        return text
    room = text[: width - 1]
    head = room.rpartition(" ")[0].rstrip()
    return (head if head.strip() else room[: width - 2]) + " …"


def _wrap(text: str, indent: str = "  ", width: int = WIDTH, more: str | None = None) -> list[str]:
    """`text` wrapped between words; later lines indented by `more` (default `indent`)."""
    return textwrap.wrap(" ".join(text.split()), width, initial_indent=indent,
                         subsequent_indent=indent if more is None else more,
                         break_on_hyphens=False) or [indent.rstrip()]


def _item(text: str, width: int = WIDTH) -> list[str]:
    """A bullet wrapped at the page's width, its later lines under the text, not the dash."""
    return _wrap(text, "  - ", width, "    ")


def _first_lines(text: str, n: int, width: int = WIDTH) -> list[str]:
    """The first `n` lines of a text (wrapped at the page's width), with "…" when there is
    more."""
    lines: list[str] = []
    for raw in text.strip().splitlines():
        lines += _wrap(raw, width=width) if raw.strip() else []
    if len(lines) > n:
        return [*lines[: n - 1], _cut(lines[n - 1] + " …", width)]
    return lines


def page(folder: Folder, case: Case, today: date,
         width: int = WIDTH) -> list[tuple[str, str | None]]:
    """The lines of the page with their style, none wider than `width`; pure apart from
    reading the method."""
    method = load_method(folder.root / "method.yaml")
    lang = folder.config.team.language
    months = folder.config.team.course_months
    out: list[tuple[str, str | None]] = []

    def head(text: str) -> None:
        out.append(("", None))
        add(text, "bold")

    def add(text: str, style: str | None = None, *, cut: bool = False) -> None:
        """A line of the page; too long, it wraps under itself, or is cut between words
        when one line each is the point (contacts, deadlines)."""
        if cut:
            out.append((_cut(text, width), style))
            return
        indent = text[: len(text) - len(text.lstrip())]
        out.extend((line, style) for line in _wrap(text, indent, width, indent + "  "))

    group = method.target_groups.get(case.target_group)
    add(_("Case {case} · {initials} · {worker}").format(
        case=case.id, initials=case.citizen.initials,
        worker=folder.config.worker_name(case.worker)), "bold underline")
    add(_("Target group: {group}").format(
        group=method.text(group, lang) if group else case.target_group))
    add(_("Transition: {kind} {day}").format(kind=label("transition", case.transition.kind),
                                             day=show_date(case.transition.date)))

    # -- phase and week
    start = case.phases[-1].start
    phase_text = method.text(method.phase(case.phase), lang)
    if case.is_open:
        week = max(0, (today - start).days) // 7 + 1
        add(_("{phase}, week {week} (since {start})").format(phase=phase_text, week=week,
                                                              start=show_date(start)), "bold")
    else:
        closed = case.closed
        add(_("Closed {day} ({reason})").format(
            day=show_date(closed.date if closed else start),
            reason=label("close_reason", closed.reason) if closed and closed.reason else "?"),
            "bold")
        if closed is not None and closed.reason in method.ends:
            out.extend((line, None) for line in _wrap(method.text(method.ends[closed.reason],
                                                                  lang), width=width))
        if closed is not None and closed.to_municipality:
            add("  " + _("moved to {m}; handed over to {who}").format(
                m=closed.to_municipality, who=closed.handover_to or "—"))
    d0 = case.phase_start("phase1")
    if d0 is not None:
        s = plan(d0, case.transition.date, months)
        add(_("Planned: phase 2 {p2} · phase 3 {p3} · end {end}").format(
            p2=show_date(s.phase2), p3=show_date(s.phase3), end=show_date(s.end)))

    # -- deadlines
    if case.is_open:
        deadlines = [d for d in build(case, method, today, months).deadlines if d.days >= 0]
        head(_("Next deadlines"))
        for d in deadlines[:3]:
            add(deadline_text(d), cut=True)
        if not deadlines:
            add("  " + _("none"))
        gate_id = method.phase(case.phase).gate
        if gate_id is not None:
            marks = {str(k): v for k, v in case.checklists.items()}.get(gate_id, {})
            states = gate_progress(method, gate_id, marks)
            open_ids = [s.id for s in states if s.blocking]
            add(_("Checklist {gate}: {done}/{n} done").format(
                gate=label("checklist", gate_id), done=len(states) - len(open_ids),
                n=len(states))
                + (" · " + _("open: {ids}").format(
                    ids=", ".join(label("checklist_item", i) for i in open_ids)) if open_ids
                   else ""))

    # -- goals and plan
    head(_("Goals"))
    for g in case.goals:
        add(f"  {g.id} [{label('goal_status', g.status)}] {g.text}")
        for n, a in enumerate(g.actions, 1):
            if a.done in (None, False):
                due = _("due {day}").format(day=show_date(a.due)) if a.due else ""
                extra = "".join([f" · {a.who}" if a.who else "", f" · {due}" if due else ""])
                add(f"      {n}. {a.text}{extra}")
    if not case.goals:
        add("  " + _("none yet (`cti goal add`)"))
    if case.plan:
        head(_("Long-term plan"))
        out.extend((line, None) for line in _first_lines(case.plan, PLAN_LINES, width))

    # -- network and contacts
    head(_("Network"))
    for p in case.network:
        who = ", ".join(x for x in (p.role, p.org, p.kind) if x)
        add(f"  {'*' if p.anchor else ' '} {p.name}" + (f" ({who})" if who else "")
            + ("  ← " + _("anchor") if p.anchor else ""))
    if not case.network:
        add("  " + _("none yet (`cti network add`)"))
    head(_("Last contacts ({n} in all)").format(n=len(case.contacts)))
    for c in sorted(case.contacts, key=lambda c: c.date)[-5:]:
        minutes = f" {c.minutes} min" if c.minutes is not None else ""
        note = f" · {' '.join(c.note.split())}" if c.note else ""
        add(f"  {show_date(c.date)} {label('contact_kind', c.kind)}{minutes}{note}", cut=True)

    # -- handover
    if case.phase in ("phase3", "closed") or case.handover is not None:
        head(_("Handover"))
        days = handover_meetings(case)
        add("  " + _("meetings: {days}").format(
            days=", ".join(show_date(d) for d in days) if days else _("none yet")))
        plan_text = case.handover.plan if case.handover else None
        add("  " + _("plan: {first}").format(
            first=_first_lines(plan_text, 1, width - 8)[0].strip() if plan_text
            else _("none yet")))
        follow = case.handover.follow_on if case.handover else None
        if follow is None:
            add("  " + _("follow-on: not answered yet (`cti handover follow-on`)"))
        elif follow.none is not None:
            add("  " + _("follow-on: none ({why})").format(why=follow.none))
        else:
            add("  " + _("follow-on: {what} from {start}").format(
                what=follow.what, start=show_date(follow.start))
                + (f" ({follow.by})" if follow.by else ""))

    # -- forced steps
    steps = forced_steps(case)
    if steps:
        head(_("Forced steps"))
        for f in steps:
            add(f"  {show_date(f.day)} {f.step}: {f.reason}", "yellow")

    # -- the method's guidance: the current phase's focus areas and primary tasks, with pages
    spec = _phase_spec(method, case.phase)
    if spec is not None and spec.focus:
        head(_("Focus of {phase}").format(phase=phase_text))
        for area in spec.focus:
            out.extend((line, None)
                       for line in _item(f"{method.text(area, lang)} ({area.source})", width))
    if spec is not None and spec.tasks:
        head(_("Primary tasks"))
        for task in spec.tasks:
            out.extend((line, None)
                       for line in _item(f"{method.text(task, lang)} ({task.source})", width))
    notes = group.notes if group else ()
    if notes:
        head(_("Notes for the target group"))
        for tg_note in notes:
            text = f"{method.text(tg_note, lang)} ({tg_note.source})"
            out.extend((line, None) for line in _item(text, width))
    return out


def _phase_spec(method: Method, phase: str) -> Phase | None:
    """The phase's method entry; None for a phase the method does not know (team override)."""
    try:
        return method.phase(phase)
    except KeyError:
        return None


def render_case(folder: Folder, case: Case, today: date) -> None:
    for text, style in page(folder, case, today, page_width(WIDTH)):
        render.line(text, style=style)
