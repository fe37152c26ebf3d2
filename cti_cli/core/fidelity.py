"""Fidelity to the CTI method, computed from the case files: per course and for the team.

Pure: cases, the method, the team's workers and the period in; plain values out. Each
indicator has a value, a target, whether it is met (None: not yet decidable, or not
applicable to this course) and the manual's page. The ids are a contract of `--json`.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from cti_cli.core.course import MAX_GOALS, MIN_GOALS, phase_spans
from cti_cli.core.method import Method, missing_items
from cti_cli.core.model import Case, Documentation, doc_date
from cti_cli.core.schedule import Schedule, add_months, plan

INDICATOR_IDS: tuple[str, ...] = (
    "course_length", "phase_lengths", "intensity", "first_month_contact", "goals_2_3",
    "one_worker", "one_anchor", "handover_before_end", "documentation_on_time",
    "checklists_complete", "caseload", "meetings_where_citizen_is",
)
FORM_PREFIX = "form."  # the form's own fidelity items: `form.own_wishes`
FALL = 0.8  # intensity: a phase's minutes per week at most this share of the phase before


@dataclass(frozen=True)
class Value:
    """One indicator for one course."""

    id: str
    value: Any
    target: str
    met: bool | None
    page: str


@dataclass(frozen=True)
class CaseResult:
    case: str
    worker: str
    indicators: tuple[Value, ...]


@dataclass(frozen=True)
class TeamValue:
    id: str
    value: Any
    target: str
    share_met: float | None
    cases: int  # courses where the indicator could be decided


@dataclass(frozen=True)
class Report:
    since: date
    until: date
    made: date
    cases: tuple[CaseResult, ...]
    team: tuple[TeamValue, ...]
    skipped: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "period": {"since": self.since.isoformat(), "until": self.until.isoformat(),
                       "date": self.made.isoformat()},
            "cases": [{"case": c.case, "indicators": [
                {"id": v.id, "value": v.value, "target": v.target, "met": v.met,
                 "page": v.page} for v in c.indicators]} for c in self.cases],
            "team": [{"id": t.id, "value": t.value, "target": t.target,
                      "share_met": t.share_met, "cases": t.cases} for t in self.team],
        }


# -- facts about one course ---------------------------------------------------------------------


def course_span(case: Case, today: date) -> tuple[date, date]:
    """First and last day of the course as it ran (the last is today while it is open)."""
    end = case.closed.date if case.closed is not None else today
    return case.phases[0].start, max(end, case.phases[0].start)


def overlaps(case: Case, since: date, until: date, today: date) -> bool:
    start, end = course_span(case, today)
    return start <= until and end >= since


def _months(a: date, b: date) -> float:
    return round((b - a).days / (365.25 / 12), 1)


def _schedule(case: Case, course_months: int) -> Schedule | None:
    d0 = case.phase_start("phase1")
    return None if d0 is None else plan(d0, case.transition.date, course_months)


def _completed(case: Case) -> bool:
    return case.closed is not None and case.closed.reason == "completed"


def worker_on(case: Case, day: date) -> str:
    """Who had the course on a day, from the transfers."""
    who = case.transfers[0].from_ if case.transfers else case.worker
    for t in sorted(case.transfers, key=lambda t: t.date):
        if t.date <= day:
            who = t.to
    return who


def meeting_places(case: Case) -> list[str | None]:
    """The place of every meeting with the citizen: contacts of kind meeting, and handover
    meetings where they record a place."""
    places: list[str | None] = [c.place for c in case.contacts if c.kind == "meeting"]
    if case.handover is not None:
        for m in case.handover.meetings:
            place = getattr(m, "place", None)
            if not isinstance(m, date):
                places.append(place)
    return places


def handover_dates(case: Case) -> list[date]:
    """Handover meetings held: `handover.meetings` (dates or `{date, …}`) and the
    `handover_talks` tick."""
    out: list[date] = []
    if case.handover is not None:
        for m in case.handover.meetings:
            d = m if isinstance(m, date) else getattr(m, "date", None)
            if isinstance(d, date):
                out.append(d)
    tick = case.checklists.get("closure", {}).get("handover_talks")  # type: ignore[call-overload]
    if isinstance(tick, date):
        out.append(tick)
    return out


def forced_steps(case: Case) -> list[str]:
    """The reasons of every step forced past the method's rules (advance or close)."""
    reasons = [p.forced for p in case.phases if p.forced]
    closed_forced = getattr(case.closed, "forced", None) if case.closed else None
    if closed_forced:
        reasons.append(str(closed_forced))
    return reasons


# -- the indicators ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    method: Method
    today: date
    since: date
    until: date
    course_months: int
    caseload_per_fte: float
    load: Mapping[str, float]  # worker -> highest citizens per FTE in the period


def _page(ctx: Context, ind: str) -> str:
    spec = ctx.method.fidelity.get(ind)
    return spec.page if spec is not None else ""


def _tol(ctx: Context, ind: str, default: int) -> int:
    spec = ctx.method.fidelity.get(ind)
    return spec.tolerance_days if spec is not None and spec.tolerance_days is not None \
        else default


def course_length(ctx: Context, case: Case) -> Value:
    sched = _schedule(case, ctx.course_months)
    tol = _tol(ctx, "course_length", 31)
    target = f"{ctx.course_months}m ± {tol}d"
    if sched is None:
        return Value("course_length", None, target, None, _page(ctx, "course_length"))
    end = case.closed.date if case.closed is not None else ctx.today
    value = _months(sched.d0, end)
    if case.closed is None:
        met = False if end > sched.end + timedelta(days=tol) else None
    elif _completed(case):
        met = abs((case.closed.date - sched.end).days) <= tol
    else:
        met = None  # an early end is counted by its reason (the report's share completed)
    return Value("course_length", value, target, met, _page(ctx, "course_length"))


def phase_lengths(ctx: Context, case: Case) -> Value:
    sched = _schedule(case, ctx.course_months)
    tol = _tol(ctx, "phase_lengths", 14)
    third = ctx.course_months // 3
    target = f"{third}m ± {tol}d each"
    if sched is None:
        return Value("phase_lengths", [], target, None, _page(ctx, "phase_lengths"))
    lengths: list[float] = []
    met: bool | None = None
    for i, p in enumerate(case.phases):
        if p.name not in ("phase1", "phase2", "phase3") or i + 1 >= len(case.phases):
            continue
        nxt = case.phases[i + 1]
        if nxt.name == "closed" and not _completed(case):
            continue  # an early end cuts the phase short: that is the end's story, not this
        lengths.append(_months(p.start, nxt.start))
        planned = (add_months(p.start, third) - p.start).days
        ok = abs((nxt.start - p.start).days - planned) <= tol
        met = ok if met is None else met and ok
    return Value("phase_lengths", lengths, target, met, _page(ctx, "phase_lengths"))


def intensity(ctx: Context, case: Case) -> Value:
    weights = {p.name: p.weight for p in ctx.method.phases if p.weight}
    spans = [s for s in phase_spans(case, min(ctx.today, course_span(case, ctx.today)[1]))
             if s.name in weights and s.days >= 28 and s.minutes_known]
    per_week = [round(s.per_week) for s in spans]
    target = "↓ " + ":".join(str(w) for w in weights.values())
    if len(spans) < 2:
        return Value("intensity", per_week, target, None, _page(ctx, "intensity"))
    # "omtrent 4:2:1" (p.6): each phase clearly below the one before (at most FALL of it);
    # a few weeks of more contact in a crisis move a phase's average little
    met = all(b.per_week <= FALL * a.per_week for a, b in pairwise(spans))
    return Value("intensity", per_week, target, met, _page(ctx, "intensity"))


def first_month_contact(ctx: Context, case: Case) -> Value:
    start = case.phases[0].start
    month_end = add_months(start, 1)
    n = sum(start <= c.date < month_end for c in case.contacts)
    decided = n > 0 or ctx.today >= month_end or (
        case.closed is not None and case.closed.date < month_end)
    return Value("first_month_contact", n, "≥ 1", (n > 0) if decided else None,
                 _page(ctx, "first_month_contact"))


def goals_2_3(ctx: Context, case: Case) -> Value:
    counted = [g for g in case.goals if g.status != "dropped"] if case.is_open else case.goals
    decided = case.phase_start("phase2") is not None
    n = len(counted)
    return Value("goals_2_3", n, f"{MIN_GOALS}–{MAX_GOALS}",
                 (MIN_GOALS <= n <= MAX_GOALS) if decided else None, _page(ctx, "goals_2_3"))


def one_worker(ctx: Context, case: Case) -> Value:
    n = len(case.transfers)
    return Value("one_worker", n, "0", n == 0, _page(ctx, "one_worker"))


def one_anchor(ctx: Context, case: Case) -> Value:
    n = sum(p.anchor for p in case.network)
    decided = _completed(case) or (case.is_open and case.phase == "phase3")
    return Value("one_anchor", n, "1", (n == 1) if decided else None, _page(ctx, "one_anchor"))


def handover_before_end(ctx: Context, case: Case) -> Value:
    sched = _schedule(case, ctx.course_months)
    if sched is None:
        return Value("handover_before_end", None, "", None, _page(ctx, "handover_before_end"))
    by = sched.handover_by
    held = sorted(handover_dates(case))
    first = held[0].isoformat() if held else None
    ok = any(d <= by for d in held)
    decided = ok or _completed(case) or (case.is_open and ctx.today > by)
    return Value("handover_before_end", first, "≤ end − 1m", ok if decided else None,
                 _page(ctx, "handover_before_end"))


def documentation_on_time(ctx: Context, case: Case) -> Value:
    sched = _schedule(case, ctx.course_months)
    spec = ctx.method.fidelity.get("documentation_on_time")
    days = spec.days if spec is not None and spec.days is not None else 14
    target = f"≤ {days}d + form"
    if sched is None:
        return Value("documentation_on_time", None, target, None,
                     _page(ctx, "documentation_on_time"))
    end = case.closed.date if case.closed is not None else None
    due: dict[str, date] = {}
    for point, planned in sched.documentation.items():
        if end is None or planned <= end:
            due[point] = planned
    if end is not None:
        due["closure"] = end
    on_time = decided = 0
    for point, when in due.items():
        entry = case.documentation.get(point)  # type: ignore[call-overload]
        if entry is None and ctx.today <= when + timedelta(days=days):
            continue  # not late yet
        decided += 1
        if entry is not None and isinstance(entry, Documentation) and entry.form and abs(
                (doc_date(entry) - when).days) <= days:
            on_time += 1
    value = f"{on_time}/{decided}"
    return Value("documentation_on_time", value, target,
                 (on_time == decided) if decided else None, _page(ctx, "documentation_on_time"))


def checklists_complete(ctx: Context, case: Case) -> Value:
    """Every gate passed without --force, and with its items done when it was passed."""
    forced = forced_steps(case)
    open_items = 0
    gates_passed = [p.gate for p in ctx.method.phases if p.gate and case.phase_start(
        ctx.method.next_phase(p.name) or "") is not None]
    for gate in gates_passed:
        if gate == "closure" and not _completed(case):
            continue  # only a completed course passes the closure checklist
        ticks = case.checklists.get(gate, {})  # type: ignore[call-overload]
        open_items += len(missing_items(ctx.method, gate, ticks))
    value = len(forced) + open_items
    return Value("checklists_complete", value, "0",
                 value == 0 if gates_passed else None, _page(ctx, "checklists_complete"))


def caseload(ctx: Context, case: Case) -> Value:
    load = ctx.load.get(case.worker)
    target = f"≤ {ctx.caseload_per_fte:g}/FTE"
    if load is None:
        return Value("caseload", None, target, None, _page(ctx, "caseload"))
    return Value("caseload", round(load, 1), target, load <= ctx.caseload_per_fte,
                 _page(ctx, "caseload"))


def meetings_where_citizen_is(ctx: Context, case: Case) -> Value:
    spec = ctx.method.fidelity.get("meetings_where_citizen_is")
    share_target = spec.share if spec is not None and spec.share is not None else 0.5
    words = [w.lower() for w in (spec.places if spec is not None else ())]
    places = [p for p in meeting_places(case) if p]
    target = f"≥ {share_target:.0%}"
    if not places:
        return Value("meetings_where_citizen_is", None, target, None,
                     _page(ctx, "meetings_where_citizen_is"))
    at_citizen = sum(any(w in p.lower() for w in words) for p in places)
    share = round(at_citizen / len(places), 2)
    return Value("meetings_where_citizen_is", share, target, share >= share_target,
                 _page(ctx, "meetings_where_citizen_is"))


def form_items(ctx: Context, case: Case) -> list[Value]:
    """The form's own fidelity items: the latest answer of each; met when it is "yes"."""
    latest: dict[str, tuple[date, str]] = {}
    for entry in case.documentation.values():
        if isinstance(entry, Documentation):
            for item, given in entry.fidelity.items():
                if item not in latest or latest[item][0] <= entry.date:
                    latest[item] = (entry.date, given)
    out = []
    seen: set[str] = set()
    for form in ctx.method.forms:
        for it in form.fidelity:
            if it.id in seen:
                continue
            seen.add(it.id)
            answer: str | None = latest[it.id][1] if it.id in latest else None
            page = it.source.split(":", 1)[0] if it.source.startswith("p.") else it.source
            out.append(Value(FORM_PREFIX + it.id, answer, "yes",
                             None if answer is None else answer == "yes", page))
    return out


INDICATORS = (course_length, phase_lengths, intensity, first_month_contact, goals_2_3,
              one_worker, one_anchor, handover_before_end, documentation_on_time,
              checklists_complete, caseload, meetings_where_citizen_is)


def case_result(ctx: Context, case: Case) -> CaseResult:
    values = [f(ctx, case) for f in INDICATORS] + form_items(ctx, case)
    return CaseResult(case.id, case.worker, tuple(values))


def worker_loads(cases: Iterable[Case], fte: Mapping[str, float], since: date, until: date,
                 today: date) -> dict[str, float]:
    """Each worker's highest number of running courses per FTE on the first of each month
    of the period (and its last day)."""
    days = []
    d = date(since.year, since.month, 1)
    while d <= until:
        if d >= since:
            days.append(d)
        d = add_months(d, 1)
    days.append(until)
    cases = list(cases)
    peak: dict[str, float] = {}
    for day in days:
        counts: dict[str, int] = {}
        for c in cases:
            start, end = course_span(c, today)
            if start <= day <= end and (c.closed is None or day < c.closed.date):
                who = worker_on(c, day)
                counts[who] = counts.get(who, 0) + 1
        for who, n in counts.items():
            peak[who] = max(peak.get(who, 0.0), n / fte.get(who, 1.0))
    return peak


def report(cases: Sequence[Case], method: Method, *, since: date, until: date, today: date,
           course_months: int, caseload_per_fte: float, fte: Mapping[str, float],
           worker: str | None = None) -> Report:
    """Per course (all that overlap the period) and for the team."""
    running = [c for c in cases if overlaps(c, since, until, today)]
    load = worker_loads(running, fte, since, until, today)
    ctx = Context(method, today, since, until, course_months, caseload_per_fte, load)
    chosen = [c for c in running if worker is None or c.worker == worker]
    results = tuple(case_result(ctx, c) for c in sorted(chosen, key=lambda c: c.id))
    return Report(since, until, today, results, team_rows(results))


def team_rows(results: Sequence[CaseResult]) -> tuple[TeamValue, ...]:
    if not results:
        return ()
    rows = []
    for k, first in enumerate(results[0].indicators):
        values = [r.indicators[k] for r in results]
        decided = [v for v in values if v.met is not None]
        share = round(sum(bool(v.met) for v in decided) / len(decided), 2) if decided else None
        numbers = [v.value for v in decided if isinstance(v.value, int | float)
                   and not isinstance(v.value, bool)]
        value = round(statistics.median(numbers), 1) if numbers else None
        rows.append(TeamValue(first.id, value, first.target, share, len(decided)))
    return tuple(rows)
