"""The heart of the method by command: goals and actions, the long-term plan, the life-domain
assessment, the handover (meetings, plan, follow-on) and the network's anchor.

Each is store → decision → change the YAML tree → record. A closed course is history: a change
to it needs `--force --reason`, and the override is written under `forced:` (listed by `show`,
counted by `check --json`).
"""

from __future__ import annotations

import difflib
from datetime import date
from pathlib import Path
from typing import Any

from cti_cli.commands.case import _choice
from cti_cli.commands.context import Ctx, parse_date
from cti_cli.commands.course import _past, _setup
from cti_cli.commands.record import record
from cti_cli.core import course
from cti_cli.core.errors import RuleViolation, UsageError
from cti_cli.core.model import DOMAINS, NETWORK_KINDS, Case, Goal
from cti_cli.locale import _
from cti_cli.render import deferred as render  # rich only when something is printed
from cti_cli.storage import edit
from cti_cli.storage.edit import Editor

#: What `goal set --status` offers; `achieved` (older files) stays readable.
SET_STATUSES = ("open", "done", "dropped", "changed")
PRIORITIES = ("high", "medium", "low")


def _day(when: date) -> date:
    """A fresh date object: ruamel writes one object used twice as an anchor (E006)."""
    return date.fromordinal(when.toordinal())


def force_reason(force: bool, reason: str | None) -> str | None:
    """The override's reason, or None; `--force` without a reason is a usage error."""
    if force and not (reason and reason.strip()):
        raise UsageError(_("--force needs --reason"),
                         hint=_("the reason is written into the file"))
    if reason and not force:
        raise UsageError(_("--reason is only for --force"))
    return reason if force else None


def guard_closed(editor: Editor, when: date, forced: str | None, step: str) -> None:
    """Refuse a change to a closed course unless forced; record the forced change."""
    case = editor.case
    if case.is_open:
        return
    if forced is None:
        day = case.closed.date if case.closed else case.phases[-1].start
        raise RuleViolation(_("case {case} was closed on {day}").format(case=case.id, day=day),
                            hint=_("a closed course is history; to change it anyway add "
                                   "--force --reason …"))
    editor.append("forced", {"date": _day(when), "step": step, "reason": forced})


def _goal(case: Case, ref: str) -> tuple[int, Goal]:
    for i, g in enumerate(case.goals):
        if g.id == ref:
            return i, g
    ids = [g.id for g in case.goals]
    close = difflib.get_close_matches(ref, ids, n=1)
    raise UsageError(_("{case} has no goal {goal!r}").format(case=case.id, goal=ref),
                     hint=_("did you mean '{id}'?").format(id=close[0]) if close else
                     (_("goals: {ids}").format(ids=", ".join(ids)) if ids else
                      _("add one with `cti goal add CASE TEXT --domain D`")))


def _text(value: str | None, what: str) -> str | None:
    if value is not None and not value.strip():
        raise UsageError(_("{what} is empty").format(what=what))
    return value


# -- goals --------------------------------------------------------------------------------------


def goal_set(ctx: Ctx, ref: str, goal: str, *, status: str | None, text: str | None,
             note: str | None, day: str | None, force: bool = False,
             reason: str | None = None) -> int:
    forced = force_reason(force, reason)
    if status is not None:
        status = _choice(status, SET_STATUSES, "--status")
    _text(text, "--text")
    _text(note, "--note")
    if status is None and text is None and note is None:
        raise UsageError(_("nothing to set"), hint=_("give --status, --text or --note"))
    folder, path, _method, lang = _setup(ctx, ref)
    when = _past(day)
    with edit.editing(folder, path) as editor:
        case = editor.case
        i, g = _goal(case, goal)
        guard_closed(editor, when, forced, f"goal {g.id}")
        if (status not in (None, "dropped") and g.status == "dropped"
                and len(course.active_goals(case)) >= course.MAX_GOALS):
            raise RuleViolation(course.msg("fourth_goal", lang, case=case.id,
                                           n=len(course.active_goals(case))),
                                hint=course.msg("h_fourth_goal", lang, case=case.id))
        entry = editor.doc["goals"][i]
        for key, value in (("status", status), ("text", text), ("note", note)):
            if value is not None:
                entry[key] = value
        editor.changed = True
    record(ctx, folder, path, action="goal", subject=f"{case.id}: goal {g.id} "
           + (status or "edited"), trailers={"Phase": case.phase})
    return 0


def goal_action(ctx: Ctx, ref: str, goal: str, text: str | None, *, who: str | None,
                due: str | None, done: int | None, day: str | None, force: bool = False,
                reason: str | None = None) -> int:
    forced = force_reason(force, reason)
    if (text is None) == (done is None):
        raise UsageError(_("give the action's TEXT, or --done N to mark the N-th action done"),
                         hint=_('e.g. cti goal action 2026-004 g1 "Ring til udlejer" --due '
                                '2026-03-09'))
    if done is not None and (who or due):
        raise UsageError(_("--who and --due belong to a new action, not to --done"))
    _text(text, "TEXT")
    due_day = parse_date(due, "--due") if due else None
    folder, path, _method, _lang = _setup(ctx, ref)
    when = _past(day)
    with edit.editing(folder, path) as editor:
        case = editor.case
        i, g = _goal(case, goal)
        guard_closed(editor, when, forced, f"goal {g.id} action")
        goal_doc = editor.doc["goals"][i]
        if done is not None:
            if not 1 <= done <= len(g.actions):
                raise UsageError(
                    _("goal {goal} has no action {n}").format(goal=g.id, n=done),
                    hint=_("its actions are numbered 1 to {n}").format(n=len(g.actions))
                    if g.actions else _("add one with `cti goal action CASE GOAL TEXT`"))
            if g.actions[done - 1].done not in (None, False):
                render.warn(_("{goal}: action {n} is already done").format(goal=g.id, n=done))
                return 0
            goal_doc["actions"][done - 1]["done"] = _day(when)
            verb = f"action {done} done"
        else:
            entry: dict[str, Any] = {"text": text}
            if who:
                entry["who"] = who
            if due_day:
                entry["due"] = due_day
            if goal_doc.get("actions") is None:  # a list of mappings: block style
                goal_doc["actions"] = edit.to_yaml([entry])
            else:
                goal_doc["actions"].append(edit.to_yaml(entry))
            verb = "action added"
        editor.changed = True
    record(ctx, folder, path, action="goal", subject=f"{case.id}: goal {g.id} {verb}",
           trailers={"Phase": case.phase})
    return 0


# -- plan and assessment ------------------------------------------------------------------------


def plan(ctx: Ctx, ref: str, text: str, *, append: bool, day: str | None, force: bool = False,
         reason: str | None = None) -> int:
    forced = force_reason(force, reason)
    if not text.strip():
        raise UsageError(_("the plan's text is empty"))
    folder, path, _method, _lang = _setup(ctx, ref)
    when = _past(day)
    with edit.editing(folder, path) as editor:
        case = editor.case
        guard_closed(editor, when, forced, "plan")
        new = f"{case.plan.rstrip()}\n{text}" if append and case.plan else text
        editor.doc["plan"] = edit.text_value(new)
        editor.changed = True
    record(ctx, folder, path, action="plan", subject=f"{case.id}: long-term plan "
           + ("appended" if append else "set"), trailers={"Phase": case.phase})
    return 0


def assess(ctx: Ctx, ref: str, domain: str, *, own_view: str | None, needs: str | None,
           resources: str | None, priority: str | None, day: str | None, force: bool = False,
           reason: str | None = None) -> int:
    forced = force_reason(force, reason)
    domain = _choice(domain, DOMAINS, "DOMAIN")
    if priority is not None:
        priority = _choice(priority, PRIORITIES, "--priority")
    fields = {"own_view": _text(own_view, "--own-view"), "needs": _text(needs, "--needs"),
              "resources": _text(resources, "--resources"), "priority": priority}
    if all(v is None for v in fields.values()):
        raise UsageError(_("nothing to record"),
                         hint=_("give --own-view, --needs, --resources or --priority"))
    folder, path, _method, _lang = _setup(ctx, ref)
    when = _past(day)
    with edit.editing(folder, path) as editor:
        case = editor.case
        guard_closed(editor, when, forced, f"assess {domain}")
        section = editor.section("assessment", dict)
        if section.get(domain) is None:
            section[domain] = edit.to_yaml({})
        for key, value in fields.items():
            if value is not None:
                section[domain][key] = value
        editor.changed = True
    record(ctx, folder, path, action="assess", subject=f"{case.id}: assessment {domain}",
           trailers={"Phase": case.phase})
    return 0


# -- handover -----------------------------------------------------------------------------------


def _handover(editor: Editor) -> Any:
    return editor.section("handover", dict)


def handover_meeting(ctx: Ctx, ref: str, *, with_: list[str], place: str | None,
                     note: str | None, day: str | None, force: bool = False,
                     reason: str | None = None) -> int:
    forced = force_reason(force, reason)
    people = [w for w in with_ if w.strip()]
    if not people:
        raise UsageError(_("a handover meeting needs --with WHO"),
                         hint=_('e.g. --with borger --with "Lis Holm"'))
    folder, path, _method, _lang = _setup(ctx, ref)
    when = _past(day)
    with edit.editing(folder, path) as editor:
        case = editor.case
        if when < case.phases[0].start:
            raise UsageError(_("--date {day} is before case {case} began ({start})").format(
                day=when, case=case.id, start=case.phases[0].start))
        guard_closed(editor, when, forced, "handover meeting")
        entry: dict[str, Any] = {"date": when, "with": people}
        if place:
            entry["place"] = place
        if note:
            entry["note"] = note
        handover = _handover(editor)
        if handover.get("meetings") is None:
            handover["meetings"] = edit.to_yaml([entry])
        else:
            handover["meetings"].append(edit.to_yaml(entry))
        editor.changed = True
    record(ctx, folder, path, action="handover", subject=f"{case.id}: handover meeting {when}",
           trailers={"Phase": case.phase})
    return 0


def handover_plan(ctx: Ctx, ref: str, text: str | None, *, file: Path | None,
                  day: str | None, force: bool = False, reason: str | None = None) -> int:
    forced = force_reason(force, reason)
    if (text is None) == (file is None):
        raise UsageError(_("give the plan as TEXT or with --file F, one of them"))
    if file is not None:
        try:
            text = file.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(_("{file}: cannot read it ({why})").format(
                file=file, why=getattr(exc, "strerror", None) or "not UTF-8 text")) from None
    assert text is not None
    if not text.strip():
        raise UsageError(_("the handover plan is empty"))
    folder, path, _method, _lang = _setup(ctx, ref)
    when = _past(day)
    with edit.editing(folder, path) as editor:
        case = editor.case
        guard_closed(editor, when, forced, "handover plan")
        _handover(editor)["plan"] = edit.text_value(text.strip())
        editor.changed = True
    record(ctx, folder, path, action="handover", subject=f"{case.id}: handover plan",
           trailers={"Phase": case.phase})
    return 0


def handover_follow_on(ctx: Ctx, ref: str, *, what: str | None, start: str | None,
                       by: str | None, none: str | None, day: str | None,
                       force: bool = False, reason: str | None = None) -> int:
    forced = force_reason(force, reason)
    if none is not None:
        if what or start or by:
            raise UsageError(_("--none cannot be combined with --what, --start or --by"))
        if not none.strip():
            raise UsageError(_("--none needs the reason"),
                             hint=_('e.g. --none "klarer sig med netværket"'))
        entry: dict[str, Any] = {"none": none}
    else:
        if not (what and what.strip()) or not start:
            raise UsageError(_("a follow-on needs --what TEXT and --start D (or --none "
                               "REASON)"),
                             hint=_('e.g. --what "bostøtte § 85" --start 2026-09-01 --by '
                                    '"Lis Holm"'))
        entry = {"what": what, "start": parse_date(start, "--start")}
        if by:
            entry["by"] = by
    folder, path, _method, _lang = _setup(ctx, ref)
    when = _past(day)
    with edit.editing(folder, path) as editor:
        case = editor.case
        guard_closed(editor, when, forced, "handover follow-on")
        _handover(editor)["follow_on"] = edit.to_yaml(entry)
        editor.changed = True
    record(ctx, folder, path, action="handover", subject=f"{case.id}: handover follow-on",
           trailers={"Phase": case.phase})
    return 0


# -- network ------------------------------------------------------------------------------------


def network_anchor(ctx: Ctx, ref: str, name: str, *, day: str | None, force: bool = False,
                   reason: str | None = None) -> int:
    forced = force_reason(force, reason)
    folder, path, _method, _lang = _setup(ctx, ref)
    when = _past(day)
    with edit.editing(folder, path) as editor:
        case = editor.case
        names = [p.name for p in case.network]
        if name not in names:
            close = difflib.get_close_matches(name, names, n=1)
            raise UsageError(
                _("{name!r} is not in the network of {case}").format(name=name, case=case.id),
                hint=_("did you mean '{id}'?").format(id=close[0]) if close else
                _("add the person first with `cti network add CASE NAME --role R`"))
        guard_closed(editor, when, forced, "network anchor")
        for i, person in enumerate(case.network):
            entry = editor.doc["network"][i]
            if person.name == name:
                entry["anchor"] = True
            elif "anchor" in entry:
                del entry["anchor"]
        editor.changed = True
    record(ctx, folder, path, action="network", subject=f"{case.id}: network anchor moved",
           trailers={"Phase": case.phase})
    return 0


def network_kind(kind: str | None) -> str | None:
    return None if kind is None else _choice(kind, NETWORK_KINDS, "--kind")
