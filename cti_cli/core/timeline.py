"""The facts behind `cti timeline`: planned and actual phases, weekly contact, gates, deadlines.

Pure (no clock, no terminal) so `render_timeline.py` only draws, and other views (`cti show`)
can use the same numbers. Weeks are calendar weeks starting Monday, as a worker's diary is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from cti_cli.core.course import PhaseSpan, gate_of_phase, handover_held, phase_spans
from cti_cli.core.method import Method, gate_progress
from cti_cli.core.model import DOC_POINTS, Case
from cti_cli.core.schedule import Schedule, add_months, earliest_d0, plan

PHASE_ROWS = ("contact", "phase1", "phase2", "phase3")


@dataclass(frozen=True)
class Bar:
    """A phase on the calendar from `start` up to (not including) `end`."""

    phase: str
    start: date
    end: date
    running: bool = False  # the actual bar of the current phase ends today, not for good


@dataclass(frozen=True)
class Week:
    start: date  # a Monday
    phase: str | None  # the actual phase on the week's first day of the course; None: future
    contacts: int
    minutes: int


@dataclass(frozen=True)
class Intensity:
    phase: str
    days: int
    contacts: int
    minutes: int
    per_week: float
    weight: int | None  # the method's share (4, 2, 1)
    minutes_known: bool


@dataclass(frozen=True)
class GateStatus:
    gate: str
    done: int
    total: int
    missing: tuple[str, ...]
    current: bool
    passed: bool  # the course has left this gate's phase


@dataclass(frozen=True)
class Deadline:
    """`kind` is a key the renderer words: phase2, phase3, handover_by, end, earliest_phase1,
    doc:POINT, appointment."""

    day: date
    kind: str
    days: int  # from today; negative when overdue
    detail: str | None = None

    @property
    def overdue(self) -> bool:
        return self.days < 0


@dataclass(frozen=True)
class Timeline:
    case_id: str
    phase: str
    phase_since: date
    today: date
    first: date  # the calendar's first and last day
    last: date
    tentative: bool  # phase 1 has not started: the plan assumes it starts at the transition
    transition: date
    planned: tuple[Bar, ...]
    actual: tuple[Bar, ...]
    weeks: tuple[Week, ...]
    intensity: tuple[Intensity, ...]
    gates: tuple[GateStatus, ...]
    deadlines: tuple[Deadline, ...]


def monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def schedule_of(case: Case, today: date, course_months: int) -> tuple[Schedule | None, bool]:
    """The course's plan, and whether it is tentative (phase 1 not begun, case still open)."""
    d0 = case.phase_start("phase1")
    if d0 is not None:
        return plan(d0, case.transition.date, course_months), False
    if not case.is_open:
        return None, False
    guess = max(case.transition.date, today, earliest_d0(case.transition.date))
    return plan(guess, case.transition.date, course_months), True


def _actual_bars(case: Case, today: date) -> list[Bar]:
    bars = []
    for i, p in enumerate(case.phases):
        if p.name == "closed":
            break
        if i + 1 < len(case.phases):
            bars.append(Bar(p.name, p.start, case.phases[i + 1].start))
        else:
            bars.append(Bar(p.name, p.start, max(today + timedelta(1), p.start), running=True))
    return bars


def _weeks(case: Case, first: date, last: date, today: date) -> list[Week]:
    by_week: dict[date, list[int]] = {}
    for c in case.contacts:
        counts = by_week.setdefault(monday(c.date), [0, 0])
        counts[0] += 1
        counts[1] += c.minutes or 0
    weeks = []
    start = monday(first)
    while start <= last:
        day = max(start, case.phases[0].start)
        phase = None
        if day <= today:
            phase = case.phases[0].name
            for p in case.phases:
                if p.start <= day:
                    phase = p.name
        n, minutes = by_week.get(start, [0, 0])
        weeks.append(Week(start, phase, n, minutes))
        start += timedelta(7)
    return weeks


def _intensity(spans: list[PhaseSpan], method: Method) -> list[Intensity]:
    weights = {p.name: p.weight for p in method.phases}
    return [Intensity(s.name, s.days, s.contacts, s.minutes, s.per_week, weights.get(s.name),
                      s.minutes_known) for s in spans]


def _gates(method: Method, case: Case) -> list[GateStatus]:
    current = gate_of_phase(method, case.phase)
    left = [gate_of_phase(method, p.name) for p in case.phases[:-1]]
    out = []
    for gate in method.gates:
        states = gate_progress(method, gate, case.checklists.get(gate, {}))  # type: ignore[call-overload]
        out.append(GateStatus(gate, sum(not s.blocking for s in states), len(states),
                              tuple(s.id for s in states if s.blocking), gate == current,
                              gate in left))
    return out


def _deadlines(case: Case, schedule: Schedule | None, tentative: bool, method: Method,
               today: date) -> list[Deadline]:
    if not case.is_open:
        return []
    found: list[tuple[date, str, str | None]] = []
    order = method.phase_order()
    now = order.index(case.phase)
    if case.phase == "contact":
        earliest = earliest_d0(case.transition.date)
        if earliest > today:
            found.append((earliest, "earliest_phase1", None))
    if schedule is not None and not tentative:
        for name in ("phase2", "phase3"):
            if order.index(name) > now:
                found.append((schedule.planned_start(name) or schedule.end, name, None))
        if not handover_held(case, today):  # as `check` and `due` count it
            found.append((schedule.handover_by, "handover_by", None))
        found.append((schedule.end, "end", None))
        for point in DOC_POINTS:
            spec = method.documentation.get(point)
            if point in case.documentation or spec is None or spec.offset_third is None:
                continue
            found.append((add_months(schedule.d0, spec.offset_third * schedule.third),
                          f"doc:{point}", None))
    for a in case.appointments:
        if a.date >= today:
            who = a.with_ if isinstance(a.with_, str) else ", ".join(a.with_)
            found.append((a.date, "appointment", " ".join(x for x in (a.time, who) if x)))
    found.sort(key=lambda f: f[0])
    return [Deadline(d, kind, (d - today).days, detail) for d, kind, detail in found]


def build(case: Case, method: Method, today: date, course_months: int = 9) -> Timeline:
    """Everything the timeline shows, for `today` (which the caller chooses)."""
    schedule, tentative = schedule_of(case, today, course_months)
    actual = _actual_bars(case, today)
    planned: list[Bar] = []
    if schedule is not None:
        for name in ("phase1", "phase2", "phase3"):
            start, end = schedule.planned_start(name), schedule.planned_end(name)
            assert start is not None and end is not None
            planned.append(Bar(name, start, end))
    dates = [case.phases[0].start, today, *(c.date for c in case.contacts),
             *(b.end - timedelta(1) for b in actual), *(b.start for b in planned),
             *(b.end for b in planned)]
    first, last = min(dates), max(dates)
    if case.closed is not None:
        last = max(last, case.closed.date)
    spans = phase_spans(case, today)
    return Timeline(
        case_id=case.id, phase=case.phase, phase_since=case.phases[-1].start, today=today,
        first=first, last=last, tentative=tentative, transition=case.transition.date,
        planned=tuple(planned), actual=tuple(actual),
        weeks=tuple(_weeks(case, first, last, today)),
        intensity=tuple(_intensity(spans, method)),
        gates=tuple(_gates(method, case)),
        deadlines=tuple(_deadlines(case, schedule, tentative, method, today)),
    )
