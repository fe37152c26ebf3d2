"""Checks over one case, as pure functions in one ordered table.

Each rule takes a `RuleContext` (the case, today, the team's facts) and yields `Issue`s that
point at a place in the case (`("contacts", 3, "date")`); `check` turns those places into
lines and columns. Adding a check is one function and one row in `RULES`.

Codes: E0xx/E1xx reading and schema (validate.py); E2xx consistency of the file with itself
and the team; E3xx/W3xx the CTI method (errors break it, warnings drift from it).

    E201  the case id does not match the file name (checking.py)
    E209  a file in cases/ ends in .yml or .YAML: no command reads it (checking.py)
    E202  the case's worker is not in cti.toml          W202  a transfer names an unknown worker
    E203  phases out of order                            E204  phase start dates do not rise
    E205  `closed:` and the last phase disagree          E206  a record dated in the future
    E207  an id used twice in goals or contacts          E208  a contact, checklist tick or
                                                              documentation point before the
                                                              case began
    E301  phase 1 started more than a month before the transition (p.14)
    E302  more than 3 goals (p.14)                       E303  fewer than 2 goals in phase 2+
    E304  a completed course with no anchor person       E305  more than one anchor (p.23)
    E306  a closed case with no reason                   E307  a non-conditional item marked na
    W301  the current phase runs past its planned end (p.17-22)
    W302  contact minutes per week far from the falling 4:2:1 pattern (p.6)
    W303  no contact in the case's first month
    W304  handover meetings not held by planned end - 1 month (p.22)
    W305  a completed course with no handover plan
    W306  a checklist id the method does not know (did-you-mean)
    W307  a documentation point passed without being recorded (p.17, p.20, p.22)
    W308  a documentation point recorded as a bare date, without a form's answers
    W309  form answers that do not fit: unknown form, goal, domain or fidelity item
    W310  a phase that ran shorter than planned minus `advance_early_days` (p.17, p.18, p.20)
    W311  a completed course closed more than a month after its planned end (p.22)
    W312  a completed course with no follow-on answer, or one starting after the planned end
          (p.22)
    I301  a step forced past the method (`--force`): listed by `check --json`, never printed
    W401  text that looks like a CPR number (data minimisation; the number is not shown)

Rules that need the method skip themselves when `ctx.method` is None (`check` always passes
it); none reads the clock: "today" is `ctx.today`.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from cti_cli.core.course import (
    MAX_GOALS,
    MIN_GOALS,
    active_goals,
    forced_steps,
    handover_held,
    phase_spans,
)
from cti_cli.core.findings import Severity
from cti_cli.core.model import DOC_POINTS, PHASES, Case, doc_date
from cti_cli.core.privacy import has_cpr
from cti_cli.core.schedule import Schedule, add_months, earliest_d0, plan
from cti_cli.locale import _, language, ngettext, pgettext

Loc = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Issue:
    loc: Loc
    code: str
    severity: Severity
    message: str
    hint: str | None = None


@dataclass(frozen=True)
class RuleContext:
    case: Case
    today: date
    workers: frozenset[str] = frozenset()
    course_months: int = 9
    method: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


Rule = Callable[[RuleContext], Iterable[Issue]]


def worker_known(ctx: RuleContext) -> Iterator[Issue]:
    if ctx.workers and ctx.case.worker not in ctx.workers:
        yield Issue(("worker",), "E202", "error",
                    _("worker '{worker}' is not in cti.toml").format(worker=ctx.case.worker),
                    _("add [workers.{worker}] to cti.toml or use one of: {workers}").format(
                        worker=ctx.case.worker, workers=", ".join(sorted(ctx.workers))))
    for i, t in enumerate(ctx.case.transfers):
        for key, who in (("from", t.from_), ("to", t.to)):
            if ctx.workers and who not in ctx.workers:
                yield Issue(("transfers", i, key), "W202", "warning",
                            _("transfer names worker '{worker}', who is not in cti.toml")
                            .format(worker=who))


def phases_in_order(ctx: RuleContext) -> Iterator[Issue]:
    phases = ctx.case.phases
    if phases[0].name not in ("contact", "phase1"):
        yield Issue(("phases", 0, "name"), "E203", "error",
                    _("a course starts in 'contact' or 'phase1', not '{phase}'").format(
                        phase=phases[0].name))
    for i in range(1, len(phases)):
        before, now = phases[i - 1], phases[i]
        order_ok = (PHASES.index(now.name) > PHASES.index(before.name)
                    and (now.name == "closed" or PHASES.index(now.name)
                         == PHASES.index(before.name) + 1))
        if not order_ok:
            yield Issue(("phases", i, "name"), "E203", "error",
                        _("'{phase}' cannot follow '{before}'").format(
                            phase=now.name, before=before.name),
                        _("phases run contact → phase1 → phase2 → phase3 → closed, "
                          "and a course may close from any phase"))
        if now.start < before.start:
            yield Issue(("phases", i, "start"), "E204", "error",
                        _("'{phase}' starts {start}, before '{before}' ({before_start})")
                        .format(phase=now.name, start=now.start, before=before.name,
                                before_start=before.start),
                        _("phase start dates must rise"))


def closed_consistent(ctx: RuleContext) -> Iterator[Issue]:
    case = ctx.case
    if case.phase == "closed" and case.closed is None:
        yield Issue(("phases", len(case.phases) - 1), "E205", "error",
                    _("the last phase is 'closed' but there is no 'closed:' section"),
                    _("close a course with `cti close CASE --reason …`"))
    if case.closed is not None and case.phase != "closed":
        yield Issue(("closed",), "E205", "error",
                    _("the case has a 'closed:' section but its last phase is not 'closed'"),
                    _("append {{name: closed, start: DATE}} to phases, or remove 'closed:'")
                    .format())


def _dated_past(case: Case) -> Iterator[tuple[Loc, date, str]]:
    """Every date that records something that has happened."""
    for i, p in enumerate(case.phases):
        yield ("phases", i, "start"), p.start, _("phase '{phase}' start").format(phase=p.name)
    for i, c in enumerate(case.contacts):
        yield ("contacts", i, "date"), c.date, pgettext("dated record", "contact")
    for gate, items in case.checklists.items():
        for item, mark in items.items():
            if isinstance(mark, date):
                yield (("checklists", gate, item), mark,
                       _("checklist item '{item}'").format(item=item))
    for point, entry in case.documentation.items():
        loc: Loc = ("documentation", point) if isinstance(entry, date) else (
            "documentation", point, "date")
        yield loc, doc_date(entry), _("documentation point '{point}'").format(point=point)
    if case.closed is not None:
        yield ("closed", "date"), case.closed.date, pgettext("dated record", "closing")
    for i, t in enumerate(case.transfers):
        yield ("transfers", i, "date"), t.date, pgettext("dated record", "transfer")
    if case.handover is not None:
        for i, m in enumerate(case.handover.meetings):
            where: Loc = ("handover", "meetings", i) if isinstance(m, date) else (
                "handover", "meetings", i, "date")
            yield (where, m if isinstance(m, date) else m.date,
                   pgettext("dated record", "handover meeting"))
    for g, goal in enumerate(case.goals):
        for a, action in enumerate(goal.actions):
            if isinstance(action.done, date):
                yield (("goals", g, "actions", a, "done"), action.done,
                       pgettext("dated record", "action done"))


def no_future_records(ctx: RuleContext) -> Iterator[Issue]:
    for loc, d, what in _dated_past(ctx.case):
        if d > ctx.today:
            # TRANSLATORS: {what} is e.g. "contact", "phase 'phase1' start", "closing"
            yield Issue(loc, "E206", "error",
                        _("{what} is dated {date}, in the future").format(what=what, date=d),
                        _("records of what happened cannot be in the future: fix the date "
                          "(appointments are for what is planned)"))


def unique_ids(ctx: RuleContext) -> Iterator[Issue]:
    for section in ("goals", "contacts"):
        entries = getattr(ctx.case, section)
        counts = Counter(e.id for e in entries if e.id)
        for i, e in enumerate(entries):
            if e.id and counts[e.id] > 1:
                yield Issue((section, i, "id"), "E207", "error",
                            (_("goal id '{id}' is used more than once") if section == "goals"
                             else _("contact id '{id}' is used more than once")).format(id=e.id),
                            _("ids must be unique within a case"))


def contacts_in_course(ctx: RuleContext) -> Iterator[Issue]:
    start = ctx.case.phases[0].start
    for i, c in enumerate(ctx.case.contacts):
        if c.date < start:
            yield Issue(("contacts", i, "date"), "E208", "error",
                        _("contact dated {date}, before the case began ({start})").format(
                            date=c.date, start=start),
                        _("fix the date, or the start of the first phase"))
    for gate, items in ctx.case.checklists.items():
        for item, mark in items.items():
            if isinstance(mark, date) and mark < start:
                yield Issue(("checklists", gate, item), "E208", "error",
                            _("checklist item '{item}' ticked {date}, before the case began "
                              "({start})").format(item=item, date=mark, start=start),
                            _("fix the date, or the start of the first phase"))
    for point, entry in ctx.case.documentation.items():
        d = doc_date(entry)
        if d < start:
            loc: Loc = ("documentation", point) if isinstance(entry, date) else (
                "documentation", point, "date")
            yield Issue(loc, "E208", "error",
                        _("documentation point '{point}' dated {date}, before the case began "
                          "({start})").format(point=point, date=d, start=start),
                        _("fix the date, or the start of the first phase"))


# --- the CTI method -----------------------------------------------------------------------


def _schedule(ctx: RuleContext) -> Schedule | None:
    d0 = ctx.case.phase_start("phase1")
    return None if d0 is None else plan(d0, ctx.case.transition.date, ctx.course_months)


def _phase_index(case: Case, name: str) -> int:
    return next(i for i, p in enumerate(case.phases) if p.name == name)


def _completed(case: Case) -> bool:
    return case.closed is not None and case.closed.reason == "completed"


def phase1_not_too_early(ctx: RuleContext) -> Iterator[Issue]:
    d0 = ctx.case.phase_start("phase1")
    if d0 is not None and d0 < earliest_d0(ctx.case.transition.date):
        yield Issue(("phases", _phase_index(ctx.case, "phase1"), "start"), "E301", "error",
                    _("phase 1 started {start}, more than a month before the transition "
                      "({transition})").format(start=d0, transition=ctx.case.transition.date),
                    _("phase 1 starts at the earliest {earliest} (manual p.14); fix the date "
                      "or the transition date").format(
                        earliest=earliest_d0(ctx.case.transition.date)))


def goal_count(ctx: RuleContext) -> Iterator[Issue]:
    case = ctx.case
    goals = active_goals(case)
    if len(goals) > MAX_GOALS:
        extra = goals[MAX_GOALS]
        yield Issue(("goals", case.goals.index(extra)), "E302", "error",
                    ngettext("{n} goal; the long-term plan has at most {max}",
                             "{n} goals; the long-term plan has at most {max}",
                             len(goals)).format(n=len(goals), max=MAX_GOALS),
                    _("mark one with `cti goal set {case_id} GOAL --status dropped`, or merge "
                      "two (manual p.14)").format(case_id=case.id))
    # a closed course is history: goals dropped at its end were still its goals
    counted = goals if case.is_open else case.goals
    if len(counted) < MIN_GOALS and case.phase_start("phase2") is not None:
        loc: Loc = ("goals",) if case.goals else ("phases", _phase_index(case, "phase2"), "start")
        yield Issue(loc, "E303", "error",
                    ngettext("{n} goal after phase 2 began; the plan has {min}-{max}",
                             "{n} goals after phase 2 began; the plan has {min}-{max}",
                             len(goals)).format(n=len(goals), min=MIN_GOALS, max=MAX_GOALS),
                    _("add goals with `cti goal add CASE TEXT --domain D`"))


def phase_on_time(ctx: RuleContext) -> Iterator[Issue]:
    case, schedule = ctx.case, _schedule(ctx)
    if schedule is None or not case.is_open or case.phase == "contact":
        return
    planned_end = schedule.planned_end(case.phase)
    # the planned end is the first day of the next phase: that day is for moving on
    if planned_end is not None and ctx.today > planned_end:
        late = (ctx.today - planned_end).days
        hint = (_("the phases keep their length (manual p.17-22): close it with "
                  "`cti close CASE --reason completed`") if case.phase == "phase3"
                else _("the phases keep their length (manual p.17-22): move on with "
                       "`cti advance CASE`"))
        yield Issue(("phases", len(case.phases) - 1, "start"), "W301", "warning",
                    ngettext("{phase} was planned to end {end}; it runs {n} day past that",
                             "{phase} was planned to end {end}; it runs {n} days past that",
                             late).format(phase=case.phase, end=planned_end, n=late),
                    hint)


#: W302 in one sentence: a phase whose minutes per week are more than three quarters of the
#: previous phase's (the "omtrent 4:2:1" of p.6 expects about a half), or below a quarter of
#: what the ratio expects, is flagged; averaged over a whole phase, a few weeks of crisis
#: intensity ("intensiteten kan øges igen", p.20) move a falling course too little to trip it.
INTENSITY_FALL = 0.75
#: A running phase is judged only when far off: above twice what the ratio expects.
INTENSITY_ABOVE, INTENSITY_BELOW = 2.0, 4.0
INTENSITY_MIN_DAYS = 28
_DEFAULT_WEIGHTS = {"phase1": 4, "phase2": 2, "phase3": 1}


def intensity(ctx: RuleContext) -> Iterator[Issue]:
    weights = dict(_DEFAULT_WEIGHTS)
    if ctx.method is not None:
        weights |= {p.name: p.weight for p in ctx.method.phases if p.weight}
    spans = [s for s in phase_spans(ctx.case, ctx.today) if s.name in weights]
    for a, b in pairwise(spans):
        too_short = min(a.days, b.days) < INTENSITY_MIN_DAYS
        if too_short or not (a.minutes_known and b.minutes_known) or a.minutes == b.minutes == 0:
            continue
        expected = weights[b.name] / weights[a.name]
        ratio = b.per_week / a.per_week / expected if a.per_week else float("inf")
        # a running phase's average is lumpy (one monthly meeting in a short span), and a
        # phase cut short by an early end says little: judge "does not fall" on a phase the
        # course moved on from, or the last phase of a completed course
        names: list[str] = [p.name for p in ctx.case.phases]
        nxt = names[names.index(b.name) + 1] if names.index(b.name) + 1 < len(names) else None
        ended = nxt is not None and (nxt != "closed" or _completed(ctx.case))
        flat = ended and (b.per_week > INTENSITY_FALL * a.per_week if a.per_week
                          else b.per_week > 0)
        if flat or ratio > INTENSITY_ABOVE or ratio < 1 / INTENSITY_BELOW:
            yield Issue(("phases", _phase_index(ctx.case, b.name), "name"), "W302", "warning",
                        _("{phase}: {minutes} min/week against {before_minutes} in {before}; "
                          "the method expects about {factor}× ({ratio})").format(
                            phase=b.name, minutes=f"{b.per_week:.0f}",
                            before_minutes=f"{a.per_week:.0f}", before=a.name,
                            factor=_number(expected),
                            ratio=":".join(str(w) for w in weights.values())),
                        _("intensity follows the citizen's need and may rise again (p.18-20); "
                          "check the log's minutes, or note why"))


def first_contact(ctx: RuleContext) -> Iterator[Issue]:
    case = ctx.case
    start = case.phases[0].start
    month_end = add_months(start, 1)
    if ctx.today < month_end or (case.closed is not None and case.closed.date < month_end):
        return
    if not any(start <= c.date < month_end for c in case.contacts):
        loc: Loc = ("contacts",) if case.contacts else ("phases", 0, "start")
        yield Issue(loc, "W303", "warning",
                    _("no contact logged in the first month ({start} to {end})").format(
                        start=start, end=month_end),
                    _("log contacts with `cti log CASE NOTE --date D`"))


def _tick_date(case: Case, gate: str, item: str) -> date | None:
    mark = case.checklists.get(gate, {}).get(item)  # type: ignore[call-overload]
    return mark if isinstance(mark, date) else None


def handover_on_time(ctx: RuleContext) -> Iterator[Issue]:
    case, schedule = ctx.case, _schedule(ctx)
    if schedule is None:
        return
    if case.is_open:
        until = ctx.today
    elif case.closed is not None and _completed(case):
        until = case.closed.date
    else:
        return
    by = schedule.handover_by
    if until <= by:
        return
    if not handover_held(case, ctx.today):  # as `due` counts it (handover_meeting)
        loc: Loc = ("handover",) if case.handover else ("phases", len(case.phases) - 1, "start")
        yield Issue(loc, "W304", "warning",
                    _("no handover meeting held by {by} (planned end {end} - 1 month)").format(
                        by=by, end=schedule.end),
                    _("hold the handover talks with the citizen and network and record them "
                      "with `cti handover meeting {case_id} --with …` (manual p.22)").format(
                        case_id=case.id))


def anchor(ctx: RuleContext) -> Iterator[Issue]:
    case = ctx.case
    anchors = [i for i, p in enumerate(case.network) if p.anchor]
    for i in anchors[1:]:
        yield Issue(("network", i, "anchor"), "E305", "error",
                    ngettext("{n} anchor person; responsibility is anchored with one",
                             "{n} anchor persons; responsibility is anchored with one",
                             len(anchors)).format(n=len(anchors)),
                    _("keep `anchor: true` on one person only (manual p.23)"))
    if not anchors and _completed(case):
        yield Issue(("network",) if case.network else ("closed", "reason"), "E304", "error",
                    _("the course is completed but no one in the network is the anchor"),
                    _("set `anchor: true` on the person who holds long-term responsibility"))


def handover_plan(ctx: RuleContext) -> Iterator[Issue]:
    case = ctx.case
    if not _completed(case):
        return
    has_plan = bool(case.handover and case.handover.plan)
    if not has_plan and _tick_date(case, "closure", "handover_plan") is None:
        yield Issue(("closed", "reason"), "W305", "warning",
                    _("the course is completed without a handover plan"),
                    _("write `handover: {{plan: …}}` or tick `handover_plan`").format())


def closed_reason(ctx: RuleContext) -> Iterator[Issue]:
    if ctx.case.closed is not None and ctx.case.closed.reason is None:
        yield Issue(("closed",), "E306", "error", _("the case is closed without a reason"),
                    _("add `reason:` ({reasons})").format(
                        reasons="completed, ended_early, declined, moved_municipality, other"))


def checklist_marks(ctx: RuleContext) -> Iterator[Issue]:
    method = ctx.method
    if method is None:
        return
    for gate, marks in ctx.case.checklists.items():
        items = {it.id: it for it in method.items(gate)}
        for item, mark in marks.items():
            if item not in items:
                close = difflib.get_close_matches(item, list(items), n=1)
                elsewhere = [g for g in method.gates if g != gate
                             and any(it.id == item for it in method.items(g))]
                hint = (_("did you mean '{id}'?").format(id=close[0]) if close
                        else _("'{item}' belongs to gate '{gate}'").format(
                            item=item, gate=elsewhere[0]) if elsewhere
                        else _("items: {items}").format(items=", ".join(items)))
                yield Issue(("checklists", gate, item), "W306", "warning",
                            _("'{item}' is not an item of the {gate} checklist").format(
                                item=item, gate=gate), hint)
            elif not isinstance(mark, date) and not items[item].conditional:
                yield Issue(("checklists", gate, item), "E307", "error",
                            _("'{item}' is marked not applicable, but it is not conditional")
                            .format(item=item),
                            _("only conditional items may be na; tick it with a date when "
                              "done"))


def documentation_points(ctx: RuleContext) -> Iterator[Issue]:
    case, schedule = ctx.case, _schedule(ctx)
    if schedule is None or ctx.method is None:
        return
    end = case.closed.date if case.closed is not None else None
    for point, spec in ctx.method.documentation.items():
        if point not in DOC_POINTS or point in case.documentation:
            continue
        if spec.offset_third is None:
            due = end
        else:
            due = add_months(schedule.d0, spec.offset_third * schedule.third)
            if end is not None and due > end:
                continue  # an early end: the closure point replaces the later ones
        if due is not None and ctx.today > due:
            loc: Loc = ("documentation",) if case.documentation else ("phases", 0, "start")
            yield Issue(loc, "W307", "warning",
                        _("documentation point '{point}' was due {due} and is not recorded")
                        .format(point=point, due=due),
                        _("fill in the forms and run `cti document {case_id} {point}`").format(
                            case_id=case.id, point=point))


def documentation_forms(ctx: RuleContext) -> Iterator[Issue]:
    """A point's form answers: present (W308) and fitting the form and the case (W309)."""
    case, method = ctx.case, ctx.method
    for point, entry in case.documentation.items():
        if isinstance(entry, date) or entry.form is None:
            loc: Loc = ("documentation", point) if isinstance(entry, date) else (
                "documentation", point, "date")
            yield Issue(loc, "W308", "warning",
                        _("documentation point '{point}' has no form's answers").format(
                            point=point),
                        _("fill in the form with `cti document {case_id} {point}` (asks the "
                          "questions; --form FILE reads them from a file)").format(
                            case_id=case.id, point=point))
            continue
        if method is None:
            continue
        try:
            form = method.form(entry.form)
        except KeyError:
            known = ", ".join(f.id for f in method.forms)
            yield Issue(("documentation", point, "form"), "W309", "warning",
                        _("unknown form '{form}'").format(form=entry.form),
                        _("forms: {forms}").format(forms=known))
            continue
        domains = set(method.domains_for(case.target_group))
        for d in entry.domains:
            if d not in domains:
                yield Issue(("documentation", point, "domains", d), "W309", "warning",
                            _("'{domain}' is not a life domain of the target group {group}")
                            .format(domain=d, group=case.target_group),
                            _("domains: {domains}").format(domains=", ".join(sorted(domains))))
        goal_ids = {g.id for g in case.goals}
        for g in entry.goals:
            if g not in goal_ids:
                yield Issue(("documentation", point, "goals", g), "W309", "warning",
                            _("goal '{goal}' is not a goal of this case").format(goal=g),
                            _("goals: {goals}").format(goals=", ".join(sorted(goal_ids)))
                            if goal_ids else _("no goals yet"))
        items = {it.id for it in form.fidelity}
        for item in entry.fidelity:
            if item not in items:
                close = difflib.get_close_matches(item, list(items), n=1)
                yield Issue(("documentation", point, "fidelity", item), "W309", "warning",
                            _("'{item}' is not a fidelity item of form {form}").format(
                                item=item, form=form.id),
                            _("did you mean '{id}'?").format(id=close[0]) if close
                            else _("items: {items}").format(items=", ".join(sorted(items))))


def _number(x: float) -> str:
    """A factor like 0.5 with the language's decimal sign (`0,5` in Danish)."""
    text = f"{x:g}"
    return text.replace(".", ",") if language() == "da" else text


def _short_phase(phase: str, ended: date, days: int, planned_end: date, forced: str | None) -> str:
    """W310's message, with or without the reason a step was forced."""
    if forced:
        return ngettext("{phase} ended {ended}, {n} day before its planned end {end} "
                        "(forced: {reason})",
                        "{phase} ended {ended}, {n} days before its planned end {end} "
                        "(forced: {reason})", days).format(
            phase=phase, ended=ended, n=days, end=planned_end, reason=forced)
    return ngettext("{phase} ended {ended}, {n} day before its planned end {end}",
                    "{phase} ended {ended}, {n} days before its planned end {end}",
                    days).format(phase=phase, ended=ended, n=days, end=planned_end)


def _tolerance(ctx: RuleContext) -> int:
    return int(ctx.method.course.advance_early_days) if ctx.method is not None else 14


def phases_full_length(ctx: RuleContext) -> Iterator[Issue]:
    """A phase left before its planned end minus the tolerance, as `advance` refuses it."""
    case, schedule = ctx.case, _schedule(ctx)
    if schedule is None:
        return
    tol = _tolerance(ctx)
    for i, p in enumerate(case.phases[:-1]):
        nxt = case.phases[i + 1]
        if p.name not in ("phase1", "phase2", "phase3"):
            continue
        if nxt.name == "closed" and not _completed(case):
            continue  # an early end is not a short phase: the course stopped
        planned_end = schedule.planned_end(p.name)
        if planned_end is None or nxt.start >= planned_end - timedelta(days=tol):
            continue
        forced = nxt.forced or (case.closed.forced if nxt.name == "closed" and case.closed
                                else None)
        yield Issue(("phases", i + 1, "start"), "W310", "warning",
                    _short_phase(p.name, nxt.start, (planned_end - nxt.start).days,
                                 planned_end, forced),
                    _("the phases keep their length: phase 2 after three months (p.17), "
                      "phase 3 after six (p.20), the end after nine (p.22)"))


def completed_on_time(ctx: RuleContext) -> Iterator[Issue]:
    case, schedule = ctx.case, _schedule(ctx)
    if schedule is None or not _completed(case) or case.closed is None:
        return
    limit = add_months(schedule.end, 1)
    if case.closed.date > limit:
        yield Issue(("closed", "date"), "W311", "warning",
                    _("the course was completed {date}, more than a month after its planned "
                      "end {end}").format(date=case.closed.date, end=schedule.end),
                    _("\"Efter ni måneder afsluttes CTI-forløbet\" (p.22): close on time, or "
                      "note why it ran longer"))


def follow_on(ctx: RuleContext) -> Iterator[Issue]:
    """p.22: clarify whether individual support continues, and start it before the end."""
    case, schedule = ctx.case, _schedule(ctx)
    if schedule is None or not _completed(case):
        return
    answer = case.handover.follow_on if case.handover is not None else None
    if answer is None:
        yield Issue(("handover",) if case.handover else ("closed", "reason"), "W312", "warning",
                    _("the course is completed without an answer on follow-on support"),
                    _("record it with `cti handover follow-on {case_id} --what … --start D` "
                      "or `--none REASON` (manual p.22)").format(case_id=case.id))
    elif answer.start is not None and answer.start > schedule.end:
        yield Issue(("handover", "follow_on", "start"), "W312", "warning",
                    _("the follow-on support starts {start}, after the planned end {end}")
                    .format(start=answer.start, end=schedule.end),
                    _("the manual: coordinate that it starts before the course ends (p.22)"))


def forced(ctx: RuleContext) -> Iterator[Issue]:
    for step in forced_steps(ctx.case):
        yield Issue(step.loc, "I301", "info",
                    _("{step} on {date} was forced: {reason}").format(
                        step=step.step, date=step.day, reason=step.reason))


def _strings(value: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, (*loc, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, (*loc, i))


def _all_strings(value: Any, out: list[str]) -> list[str]:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for v in value.values():
            _all_strings(v, out)
    elif isinstance(value, list):
        for v in value:
            _all_strings(v, out)
    return out


def no_cpr_in_text(ctx: RuleContext) -> Iterator[Issue]:
    """Every text of the file, not only notes: a CPR pasted anywhere is one too many."""
    data = ctx.case.to_data()
    # one scan of all texts (NUL between them: no match spans two) before the walk that
    # names places; almost every file has no CPR and `check` runs this on every case
    if not has_cpr("\x00".join(_all_strings(data, []))):
        return
    for loc, text in _strings(data, ()):
        if has_cpr(text):
            yield Issue(loc, "W401", "warning",
                        _("{where} looks like it holds a CPR number").format(
                            where=".".join(map(str, loc))),
                        _("remove it: a case file needs no CPR number (data minimisation); "
                          "it also stays in git history, see the README, \"Retention\""))


RULES: list[tuple[str, Rule]] = [
    ("worker-known", worker_known),
    ("phases-in-order", phases_in_order),
    ("closed-consistent", closed_consistent),
    ("no-future-records", no_future_records),
    ("unique-ids", unique_ids),
    ("contacts-in-course", contacts_in_course),
    ("phase1-not-too-early", phase1_not_too_early),
    ("goal-count", goal_count),
    ("phase-on-time", phase_on_time),
    ("intensity", intensity),
    ("first-contact", first_contact),
    ("handover-on-time", handover_on_time),
    ("anchor", anchor),
    ("handover-plan", handover_plan),
    ("closed-reason", closed_reason),
    ("checklist-marks", checklist_marks),
    ("documentation-points", documentation_points),
    ("documentation-forms", documentation_forms),
    ("no-cpr-in-text", no_cpr_in_text),
    ("phases-full-length", phases_full_length),
    ("completed-on-time", completed_on_time),
    ("follow-on", follow_on),
    ("forced", forced),
]


def run_rules(ctx: RuleContext, rules: list[tuple[str, Rule]] | None = None) -> list[Issue]:
    """Every issue of every rule, in table order: report all problems, not the first."""
    issues: list[Issue] = []
    for _name, rule in rules if rules is not None else RULES:
        issues.extend(rule(ctx))
    return issues


def first_issues(ctx: RuleContext, limit: int) -> tuple[list[Issue], int]:
    """The first `limit` issues in table order and how many more there are: a file with
    75,000 mistakes keeps `limit` issues, not 75,000 (only counted past the cap)."""
    kept: list[Issue] = []
    more = 0
    for _name, rule in RULES:
        for issue in rule(ctx):
            if len(kept) < limit:
                kept.append(issue)
            else:
                more += 1
    return kept, more
