"""Each open course as bars on one calendar axis, for the board page (`cti board --html`).

The manual's board (p.17–18) shows where each course is against its plan. Per course: the
phases as they happened (contact period, phase 1–3, from `phases:`) and as planned (the
contact period's limit from cti.toml, then d0 + thirds of the course from `schedule.plan`),
the gates passed (each move into a new phase) and the axis that all rows share.

Pure: the caller passes the cases, the config and `today`. Dates only, no text from a file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from cti_cli.core.facts import CaseFacts
from cti_cli.core.reminders import COURSE_PHASES
from cti_cli.core.schedule import add_months, plan
from cti_cli.core.settings import TeamConfig


@dataclass(frozen=True)
class Span:
    """One phase from `start` up to (not including) `end`."""

    phase: str
    start: date
    end: date


@dataclass(frozen=True)
class CourseBars:
    case: str
    actual: tuple[Span, ...]
    planned: tuple[Span, ...]
    gates: tuple[tuple[str, date], ...]
    """(phase entered, day) for each gate passed, in order."""


@dataclass(frozen=True)
class Axis:
    """The shared time axis: first day, last day (exclusive) and the first of each month."""

    start: date
    end: date
    months: tuple[date, ...]

    @property
    def days(self) -> int:
        return max(1, (self.end - self.start).days)

    def percent(self, day: date) -> float:
        """Where `day` falls on the axis, 0–100, clamped (a bar never leaves its row)."""
        return round(min(100.0, max(0.0, (day - self.start).days * 100 / self.days)), 3)


def course_bars(case: CaseFacts, today: date, config: TeamConfig) -> CourseBars:
    """The actual and planned phases of one open course, as of `today`."""
    actual = []
    for i, (name, start) in enumerate(case.phases):
        end = case.phases[i + 1][1] if i + 1 < len(case.phases) else today + timedelta(1)
        if name != "closed":
            actual.append(Span(name, start, max(end, start + timedelta(1))))
    gates = tuple(case.phases[1:])
    contact = case.phase_start("contact")
    d0 = case.phase_start("phase1")
    planned: list[Span] = []
    if contact is not None:
        limit = contact + timedelta(days=config.reminders.contact_period_days)
        planned.append(Span("contact", contact, d0 if d0 is not None else limit))
    if d0 is not None:
        sched = plan(d0, case.transition_date, config.team.course_months)
        for name in COURSE_PHASES:
            begin, until = sched.planned_start(name), sched.planned_end(name)
            if begin is not None and until is not None:
                planned.append(Span(name, begin, until))
    return CourseBars(case.id, tuple(actual), tuple(planned), gates)


def axis_for(bars: Iterable[CourseBars], today: date) -> Axis:
    """From the first month any row starts in to the month after the last planned end (at
    least three months past today), so that every row fits and today is always on it."""
    starts = [today]
    ends = [add_months(today, 3)]
    for row in bars:
        for span in (*row.actual, *row.planned):
            starts.append(span.start)
            ends.append(span.end)
    first = min(starts).replace(day=1)
    last = add_months(max(ends).replace(day=1), 1)
    months = []
    day = first
    while day < last:
        months.append(day)
        day = add_months(day, 1)
    return Axis(first, last, tuple(months))
