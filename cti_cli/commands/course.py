"""The verbs that move a course through the method: checklist, tick, advance, close, …

Each is store → decision (`course.py`) → change the document → record. Decisions live in
the pure module so `check` and the commands cannot disagree about the method.
"""

from __future__ import annotations

import textwrap
from datetime import date, datetime
from typing import Any

from cti_cli.commands.case import _choice
from cti_cli.commands.context import Ctx, parse_date
from cti_cli.commands.record import record
from cti_cli.core import course
from cti_cli.core.entries import CaseHead
from cti_cli.core.errors import RuleViolation, UsageError
from cti_cli.core.formats import show_date
from cti_cli.core.labels import label, matches, refusal, resolve
from cti_cli.core.method import Method, load_method
from cti_cli.core.model import DOMAINS, Case
from cti_cli.core.safetext import json_text
from cti_cli.locale import _
from cti_cli.render import deferred as render  # rich only when something is printed
from cti_cli.render.layout import page_width
from cti_cli.storage import append, edit, store
from cti_cli.storage.store import Folder


def _setup(ctx: Ctx, ref: str) -> tuple[Folder, Any, Method, course.Lang]:
    folder = ctx.folder()
    path = store.case_path(folder, ref)
    return folder, path, load_method(folder.root / "method.yaml"), folder.team.language


def _past(day: str | None) -> date:
    """A date of something that happened: never in the future (the CLI owns the clock)."""
    when = parse_date(day)
    if when > date.today():
        raise UsageError(_("--date {day} is in the future: cti records what has happened")
                         .format(day=when))
    return when


# -- checklist and tick -----------------------------------------------------------------------


def checklist(ctx: Ctx, ref: str, *, as_json: bool, day: str | None) -> int:
    _folder, path, method, lang = _setup(ctx, ref)
    case = store.read_case(path).case
    today = parse_date(day)
    gate = course.gate_of_phase(method, case.phase)
    states = course.checklist(method, case)
    if as_json:
        rows = [{"id": s.id, "text": s.text_da if lang == "da" else s.text_en,
                 "conditional": s.conditional, "done": s.done,
                 "date": s.date.isoformat() if s.date else None, "na": s.na} for s in states]
        print(json_text(rows))
        return 0
    if gate is None:
        render.line(_("{case}: closed {day}").format(
            case=case.id, day=show_date(case.closed.date) if case.closed else "").rstrip())
        return 0
    done = sum(not s.blocking for s in states)
    width = page_width()

    def wrapped(text: str, indent: str = "", more: str = "  ") -> list[str]:
        # between words only: a date, an id or a count is never split over two lines
        return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=more,
                             break_on_hyphens=False) or [""]

    for line in wrapped(f"{case.id} · {label('phase', case.phase)} · "
                        f"{method.text(method.gate(gate), lang)} ({done}/{len(states)})"):
        render.line(line, style="bold")
    focus = method.phase(case.phase).focus if case.phase in method.phase_order() else ()
    if focus:
        # the phase's focus areas, one line each (cut with "…"): `cti show` has them in full
        render.line(_("Focus of the phase"), style="bold")
        for g in focus:
            render.line(textwrap.shorten(f"- {method.text(g, lang)}", width - 2,
                                         placeholder=" …"))
    for s in states:
        mark = "x" if s.done else "-" if s.na is not None and s.conditional else " "
        when = (f" ({show_date(s.date)})" if s.date else
                " (" + _("not relevant: {why}").format(why=s.na) + ")" if s.na is not None
                else "")
        cond = " [" + _("conditional") + "]" if s.conditional else ""
        for line in wrapped(f"[{mark}] {label('checklist_item', s.id)}{cond}{when}",
                            more="    "):
            render.line(line)
        text = s.text_da if lang == "da" else s.text_en
        for line in textwrap.wrap(text, width - 4, initial_indent="    ",
                                  subsequent_indent="    "):
            render.line(line, style="dim")
    problems = [p for p in course.advance_problems(
        method, case, today, lang, _folder.config.team.course_months)
                if not p.startswith(tuple(f"  {s.id}:" for s in states))]
    for p in problems:
        for line in wrapped(p.strip()):
            render.line(line, style="yellow")
    if any(s.id == "needs_assessed" and not s.done for s in states):
        missing = [d for d in method.domains_for(case.target_group)
                   if d not in case.assessment]
        if missing:
            render.line(_("needs_assessed: no assessment yet of {domains} (`cti assess`)")
                        .format(domains=", ".join(missing)), style="yellow")
    return 0


def item_id(method: Method, case: Case, typed: str) -> str:
    """The checklist item a user meant: its id, or its label (or a start of it) in either
    language, looked for in the current phase's checklist first, then in every checklist.
    Input that names none is left as typed, for `course.find_item` to refuse."""
    every = [it.id for g in method.gates for it in method.items(g)]
    if typed in every:
        return typed
    current = course.gate_of_phase(method, case.phase)
    for ids in ([it.id for it in method.items(current)] if current else [], every):
        found = matches("checklist_item", typed, ids)
        if len(found) == 1:
            return found[0]
        if found:
            raise refusal("checklist_item", typed, found, option="ITEM", allowed=ids)
    return typed


def tick(ctx: Ctx, ref: str, item: str, *, day: str | None, na: str | None,
         undo: bool, force: bool = False, reason: str | None = None) -> int:
    from cti_cli.commands.plans import force_reason, guard_closed

    forced = force_reason(force, reason)
    if undo and na is not None:
        raise UsageError(_("--undo and --na cannot be used together"))
    if na is not None and not na.strip():
        raise UsageError(_("--na needs a reason"), hint=_('e.g. --na "ikke relevant: i job"'))
    folder, path, method, lang = _setup(ctx, ref)
    when = _past(day)
    with edit.editing(folder, path) as editor:
        item = item_id(method, editor.case, item)
        gate = course.check_tick(method, editor.case, item, na=na, undo=undo, lang=lang)
        if not undo and na is None and when < editor.case.phases[0].start:
            raise UsageError(_("--date {day} is before case {case} began ({start})").format(
                day=when, case=editor.case.id, start=editor.case.phases[0].start))
        guard_closed(editor, when, forced, f"tick {'--undo ' if undo else ''}{gate}.{item}")
        # in the file's text when it can be (a 200-contact file is not re-dumped for a tick)
        if undo:
            editor.delete_in(("checklists", gate, item))  # and an empty gate, an empty list
        else:
            editor.set_in(("checklists", gate, item), {"na": na} if na is not None else when)
    verb = "untick" if undo else "na" if na is not None else "tick"
    record(ctx, folder, path, action="tick", subject=f"{editor.case.id}: {verb} {gate}.{item}",
           trailers={"Phase": editor.case.phase})
    return 0


# -- advance and close ------------------------------------------------------------------------


def advance(ctx: Ctx, ref: str, *, day: str | None, force: bool, reason: str | None) -> int:
    if force and not (reason and reason.strip()):
        raise UsageError(_("--force needs --reason"), hint=_("the reason is written into the file"))
    if reason and not force:
        raise UsageError(_("--reason is only for --force"))
    folder, path, method, lang = _setup(ctx, ref)
    when = _past(day)
    with edit.editing(folder, path) as editor:
        step = course.advance(method, editor.case, when, force=reason if force else None,
                              lang=lang, course_months=folder.team.course_months)
        entry: dict[str, Any] = {"name": step.target, "start": step.day}
        if step.forced:
            entry["forced"] = step.forced
        editor.append("phases", entry)
    trailers = {"Phase": step.target}
    if step.forced:
        trailers["Forced"] = "yes"  # the reason is free text: it stays in the file
    record(ctx, folder, path, action="advance", subject=f"{step.case_id}: advance to "
           f"{step.target}", trailers=trailers)
    render.line(f"{step.case_id}: {label('phase', step.source)} → "
                f"{label('phase', step.target)} ({show_date(step.day)})"
                + (" (" + _("forced") + ")" if step.forced else ""))
    return 0


def close(ctx: Ctx, ref: str, *, reason: str, day: str | None, note: str | None,
          force: bool = False, to_municipality: str | None = None,
          handover_to: str | None = None) -> int:
    reason = resolve("close_reason", reason, option="--reason")
    if force and not (note and note.strip()):
        raise UsageError(_("--force needs --note"),
                         hint=_("the note says why, and is written into the file"))
    if reason != "moved_municipality" and (to_municipality or handover_to):
        raise UsageError(_("--to-municipality and --handover-to are for --reason "
                           "moved_municipality"))
    folder, path, method, lang = _setup(ctx, ref)
    when = _past(day)
    with edit.editing(folder, path) as editor:
        done = editor.case.closed
        if (done is not None and done.reason == "moved_municipality" == reason
                and handover_to and not force):
            # after a move, who took over is often known later: fill it in (p.7)
            editor.doc["closed"]["handover_to"] = handover_to
            if to_municipality:
                editor.doc["closed"]["to_municipality"] = to_municipality
            editor.changed = True
    if editor.changed and not editor.case.is_open:  # only the details were filled in
        record(ctx, folder, path, action="close", subject=f"{editor.case.id}: handed over "
               "to the new municipality", trailers={"Phase": "closed"})
        return 0
    with edit.editing(folder, path) as editor:
        if reason == "moved_municipality" and not (to_municipality and to_municipality.strip()):
            raise UsageError(_("--reason moved_municipality needs --to-municipality M"),
                             hint=_("and --handover-to WHO: the coordinating adviser who took "
                                    "over in the new municipality (p.7)"))
        step = course.close(method, editor.case, reason, when, lang=lang,
                            force=note if force else None,
                            course_months=folder.config.team.course_months)
        editor.append("phases", {"name": "closed", "start": when})
        # a second date object: ruamel writes one object used twice as an anchor and alias,
        # which case files forbid (E006)
        closed: dict[str, Any] = {"date": date.fromordinal(when.toordinal()), "reason": reason}
        if note and not step.forced:
            closed["note"] = note
        if to_municipality:
            closed["to_municipality"] = to_municipality
        if handover_to:
            closed["handover_to"] = handover_to
        if step.forced:
            closed["forced"] = step.forced
        editor.set("closed", closed)
    trailers = {"Phase": "closed", "Reason": reason}
    if step.forced:
        trailers["Forced"] = "yes"
    record(ctx, folder, path, action="close", subject=f"{step.case_id}: close ({reason})",
           trailers=trailers)
    render.line(_("{case}: closed {day} ({reason})").format(
        case=step.case_id, day=show_date(when), reason=label("close_reason", reason)))
    render.line(method.text(method.ends[reason], lang))
    if reason == "moved_municipality" and not handover_to:
        render.line(_("record who took over later with `--handover-to WHO`"), style="yellow")
    return 0


# -- people and plans -------------------------------------------------------------------------


def transfer(ctx: Ctx, ref: str, *, worker: str, day: str | None, reason: str | None) -> int:
    folder, path, _method, _lang = _setup(ctx, ref)
    when = _past(day)
    if folder.config.workers and worker not in folder.config.workers:
        raise UsageError(_("worker '{worker}' is not in cti.toml").format(worker=worker),
                         hint=_("known workers: {names}").format(
                             names=", ".join(sorted(folder.config.workers))))
    with edit.editing(folder, path) as editor:
        case = editor.case
        if not case.is_open:
            raise RuleViolation(_("case {case} is closed").format(case=case.id))
        if worker == case.worker:
            raise UsageError(_("{worker} is already the worker of {case}").format(
                worker=worker, case=case.id))
        entry: dict[str, Any] = {"date": when, "from": case.worker, "to": worker}
        if reason:
            entry["reason"] = reason
        editor.append("transfers", entry)
        editor.set("worker", worker)
    record(ctx, folder, path, action="transfer", subject=f"{case.id}: transfer to a new worker",
           trailers={"Phase": case.phase, "From": case.worker, "To": worker})
    render.line(f"{case.id}: {folder.config.worker_name(case.worker)} → "
                f"{folder.config.worker_name(worker)} ({when})")
    return 0


def _in_course(case: Case | CaseHead, when: date) -> None:
    """A change dated `when` must fall while the course runs (the file keeps no such date)."""
    if when < case.phases[0].start:
        raise UsageError(_("--date {day} is before case {case} began ({start})").format(
            day=when, case=case.id, start=case.phases[0].start))
    if case.closed is not None and when >= case.closed.date:
        raise RuleViolation(_("case {case} was closed on {day}").format(case=case.id,
                                                                       day=case.closed.date))


def goal_add(ctx: Ctx, ref: str, text: str, *, domain: str, day: str | None = None) -> int:
    domain = _choice(domain, DOMAINS, "--domain")
    if not text.strip():
        raise UsageError(_("a goal needs a text"))
    folder, path, _method, lang = _setup(ctx, ref)
    when = _past(day)
    with edit.editing(folder, path) as editor:
        _in_course(editor.case, when)
        goal_id = course.check_goal(editor.case, lang)
        editor.append("goals", {"id": goal_id, "text": text, "domain": domain})
    record(ctx, folder, path, action="goal", subject=f"{editor.case.id}: goal {goal_id} "
           f"({domain})", trailers={"Phase": editor.case.phase})
    print(goal_id)
    return 0


def network_add(ctx: Ctx, ref: str, name: str, *, role: str, phone: str | None,
                anchor: bool, day: str | None = None, org: str | None = None,
                kind: str | None = None) -> int:
    from cti_cli.commands.plans import network_kind

    if not name.strip():
        raise UsageError(_("a network person needs a name"))
    kind = network_kind(kind)
    folder, path, _method, lang = _setup(ctx, ref)
    when = _past(day)
    with edit.editing(folder, path) as editor:
        _in_course(editor.case, when)
        if anchor:
            course.check_anchor(editor.case, lang)
        if any(p.name == name for p in editor.case.network):
            raise UsageError(_("{name!r} is already in the network of {case}").format(
                name=name, case=editor.case.id),
                hint=_("move the anchor with `cti network anchor CASE NAME`"))
        entry: dict[str, Any] = {"name": name, "role": role}
        if org:
            entry["org"] = org
        if kind:
            entry["kind"] = kind
        if phone:
            entry["phone"] = phone
        if anchor:
            entry["anchor"] = True
        editor.append("network", entry)
    record(ctx, folder, path, action="network", subject=f"{editor.case.id}: network add"
           + (" (anchor)" if anchor else ""), trailers={"Phase": editor.case.phase})
    return 0


def appointment(ctx: Ctx, ref: str, *, at: str, with_: str, place: str | None,
                day: str | None = None) -> int:
    try:
        when = datetime.strptime(at, "%Y-%m-%d %H:%M")
    except ValueError:
        raise UsageError(_("--at '{at}' is not a date and time").format(at=at),
                         hint=_('write it as "YYYY-MM-DD HH:MM", e.g. "2026-03-02 10:00"')
                         ) from None
    agreed = parse_date(day)
    if when.date() < agreed:
        raise UsageError(_("--at {at} is before {day}: an appointment is for what is planned")
                         .format(at=at, day=agreed),
                         hint=_("log a meeting that took place with `cti log`"))
    folder, path, _method, _lang = _setup(ctx, ref)
    entry: dict[str, Any] = {"date": when.date(), "time": when.strftime("%H:%M"),
                             "with": with_}
    if place:
        entry["place"] = place
    case = append.append_entry(folder, path, "appointments", entry,
                              check=lambda case, _entry: _in_course(case, agreed))
    record(ctx, folder, path, action="appointment",
           subject=f"{case.id}: appointment {when:%Y-%m-%d %H:%M}", trailers={"Phase": case.phase})
    return 0


def _open_case(case: Case, _entry: Any) -> None:
    if not case.is_open:
        raise RuleViolation(_("case {case} is closed").format(case=case.id),
                            hint=_("a closed course takes no appointments"))


# -- timeline ---------------------------------------------------------------------------------


def timeline(ctx: Ctx, ref: str, *, day: str | None) -> int:
    folder, path, method, _lang = _setup(ctx, ref)
    case = store.read_case(path).case
    from cti_cli.core.timeline import build
    from cti_cli.render.timeline import print_timeline

    data = build(case, method, parse_date(day), folder.config.team.course_months)
    print_timeline(data)
    return 0
