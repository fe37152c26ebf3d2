"""Planned dates of a CTI course, computed from the day phase 1 starts (``d0``).

Pure: no clock and no I/O; callers pass ``today`` where it matters.

Month arithmetic is ``relativedelta``'s, which clips to the last day of the target month when
the day does not exist there: Jan 31 + 1 month = Feb 28 (Feb 29 in a leap year). Every planned
date is computed from the anchor ``d0`` (``d0 + 6 months``, never ``(d0 + 3) + 3``), so clipping
in a short month does not drift into later dates, and a late transition never moves the end.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from dataclasses import dataclass

#: Course lengths in months; three equal phases, so each must divide by three.
ALLOWED_COURSE_MONTHS: tuple[int, ...] = (6, 9)
DEFAULT_COURSE_MONTHS = 9

# Planned start of each phase in thirds of the course after d0 (``closed`` = planned end).
# Mirrors ``start_third`` in method.yaml; a test keeps the two in step.
PHASE_START_THIRDS: dict[str, int] = {"phase1": 0, "phase2": 1, "phase3": 2, "closed": 3}


def add_months(d: dt.date, n: int) -> dt.date:
    """``d`` plus ``n`` months (negative allowed), clipped to the end of a shorter month.

    What ``d + relativedelta(months=n)`` gives (a property test holds the two equal), in a
    tenth of the time: reports compute several planned dates for each of thousands of cases.
    """
    years, month0 = divmod(d.month - 1 + n, 12)
    year, month = d.year + years, month0 + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


@functools.lru_cache(maxsize=16384)
def _shifted(d0: dt.date, months: int) -> dt.date:
    # planned dates are asked for again and again over a report of thousands of cases
    return add_months(d0, months)


def earliest_d0(transition_date: dt.date) -> dt.date:
    """Phase 1 starts at the earliest a month before the move (manual p.14)."""
    return add_months(transition_date, -1)


def too_early(d0: dt.date, transition_date: dt.date) -> bool:
    """Whether phase 1 started more than a month before the transition."""
    return d0 < earliest_d0(transition_date)


def is_late_transition(transition_date: dt.date, d0: dt.date) -> bool:
    """Whether the transition came after phase 1 started: shown as late; the end stays put."""
    return transition_date > d0


@dataclass(frozen=True)
class Schedule:
    """The planned course: every date anchored to ``d0``."""

    d0: dt.date
    transition_date: dt.date
    course_months: int

    @property
    def third(self) -> int:
        """Months per phase."""
        return self.course_months // 3

    def _at_third(self, k: int) -> dt.date:
        return _shifted(self.d0, k * (self.course_months // 3))

    @property
    def earliest_d0(self) -> dt.date:
        return earliest_d0(self.transition_date)

    @property
    def phase2(self) -> dt.date:
        return self._at_third(1)

    @property
    def phase3(self) -> dt.date:
        return self._at_third(2)

    @property
    def end(self) -> dt.date:
        return self._at_third(3)

    @property
    def handover_by(self) -> dt.date:
        """Handover meetings "senest en måned før forløbets afslutning" (p.22)."""
        return add_months(self.end, -1)

    @property
    def documentation(self) -> dict[str, dt.date]:
        """Dated documentation points; ``closure`` is missing because it is at the actual end."""
        return {"start": self.d0, "month3": self.phase2, "month6": self.phase3}

    @property
    def too_early(self) -> bool:
        return too_early(self.d0, self.transition_date)

    @property
    def late_transition(self) -> bool:
        return is_late_transition(self.transition_date, self.d0)

    def planned_start(self, phase_name: str) -> dt.date | None:
        """Planned first day of a phase; None for ``contact``, which has no fixed start."""
        if phase_name == "contact":
            return None
        return self._at_third(_thirds(phase_name))

    def planned_end(self, phase_name: str) -> dt.date | None:
        """Planned first day after a phase (exclusive end); None for ``closed``."""
        if phase_name == "contact":
            return self.d0
        if phase_name == "closed":
            return None
        return self._at_third(_thirds(phase_name) + 1)

    def phase_at(self, day: dt.date) -> str:
        """The phase the plan puts ``day`` in: ``contact`` before d0, ``closed`` from the end."""
        if day < self.d0:
            return "contact"
        current = "phase1"
        for name, k in PHASE_START_THIRDS.items():
            if day >= self._at_third(k):
                current = name
        return current

    def week_of_phase(self, phase_name: str, actual_start: dt.date, day: dt.date) -> int:
        """1-based week of ``day`` in a phase that actually started on ``actual_start``."""
        if phase_name != "contact":
            _thirds(phase_name)
        if day < actual_start:
            raise ValueError(f"{day} is before {phase_name} started on {actual_start}")
        return (day - actual_start).days // 7 + 1


def _thirds(phase_name: str) -> int:
    try:
        return PHASE_START_THIRDS[phase_name]
    except KeyError:
        known = ", ".join(["contact", *PHASE_START_THIRDS])
        raise ValueError(f"unknown phase {phase_name!r}; known: {known}") from None


def plan(
    d0: dt.date, transition_date: dt.date, course_months: int = DEFAULT_COURSE_MONTHS
) -> Schedule:
    """The planned schedule of a course whose phase 1 started on ``d0``."""
    if course_months not in ALLOWED_COURSE_MONTHS:
        allowed = " or ".join(map(str, ALLOWED_COURSE_MONTHS))
        raise ValueError(f"course_months must be {allowed}, got {course_months}")
    return Schedule(d0=d0, transition_date=transition_date, course_months=course_months)
