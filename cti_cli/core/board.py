"""The team's board (the manual's "tavle"): every open course as one row, per worker.

The manual asks teams to keep every course in view so that phase durations hold. The
board is that view: where each course is (phase, week of the phase), where the plan says it
should be, what is due next, how long since the last contact, how far the gate's checklist
is, and each worker's caseload against `caseload_per_fte` × fte.

Pure: the caller passes the cases, the config, the method and `today`. Rows hold facts only
(ids, initials, dates, counts), never a name of a citizen or a note.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Final

from cti_cli.core.facts import CaseFacts, facts_of
from cti_cli.core.reminders import COURSE_PHASES, due_items
from cti_cli.core.schedule import plan

if TYPE_CHECKING:
    from cti_cli.core.method import Method
    from cti_cli.core.model import Case
    from cti_cli.core.settings import TeamConfig

# Kinds that are states rather than deadlines: the board shows them in their own columns.
_NOT_DEADLINES: Final = frozenset({"no_contact", "caseload"})
# How far ahead to look for a case's next deadline: past a whole course, so every case has one.
_LOOKAHEAD_DAYS: Final = 400


@dataclass(frozen=True)
class BoardRow:
    """One open course. `deviation_days` > 0: behind the plan; < 0: ahead of it."""

    case: str
    initials: str
    worker: str
    target_group: str
    phase: str
    phase_start: date
    week: int
    planned_weeks: int | None
    planned_phase: str | None
    planned_end: date | None
    deviation_days: int
    next_due: date | None
    next_kind: str | None
    next_message: str | None
    days_since_contact: int | None
    checklist_gate: str | None
    checklist_done: int
    checklist_total: int

    def to_json(self) -> dict[str, Any]:
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in asdict(self).items()}


@dataclass(frozen=True)
class WorkerLoad:
    """A worker's open cases against the team's norm (`caseload_per_fte` × fte)."""

    worker: str
    name: str
    fte: float
    open_cases: int
    capacity: float

    @property
    def over(self) -> bool:
        return self.open_cases > self.capacity

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "over": self.over}


@dataclass(frozen=True)
class Board:
    today: date
    rows: tuple[BoardRow, ...]
    workers: tuple[WorkerLoad, ...]

    def rows_of(self, worker: str) -> list[BoardRow]:
        return [r for r in self.rows if r.worker == worker]


def _weeks(days: int) -> int:
    return max(1, math.ceil(days / 7))


def _row(case: CaseFacts, today: date, config: TeamConfig, method: Method,
         deadlines: dict[str, tuple[date, str, str]]) -> BoardRow:
    start = case.phase_started
    week = max(1, (today - start).days // 7 + 1)
    d0 = case.phase_start("phase1")
    planned_weeks: int | None = None
    planned_phase: str | None = None
    planned_end: date | None = None
    deviation = 0
    if case.phase in COURSE_PHASES and d0 is not None:
        sched = plan(d0, case.transition_date, config.team.course_months)
        planned_phase = sched.phase_at(today)
        planned_end = sched.planned_end(case.phase)
        planned_start = sched.planned_start(case.phase)
        if planned_end is not None and planned_start is not None:
            planned_weeks = _weeks((planned_end - planned_start).days)
            if today > planned_end:  # the day the next phase was planned to begin is on plan
                deviation = (today - planned_end).days
            elif today < planned_start:
                deviation = (today - planned_start).days
    elif case.phase == "contact":
        limit = config.reminders.contact_period_days
        planned_phase = "contact"
        planned_end = start + timedelta(days=limit)
        planned_weeks = _weeks(limit)
        deviation = max(0, (today - planned_end).days)
    from cti_cli.core.method import gate_tally

    last = case.last_contact  # as of `today` (see build_board)
    gate = method.phase(case.phase).gate
    done, applicable = gate_tally(method, gate, case.ticks(gate))[:2] if gate else (0, 0)
    due = deadlines.get(case.id)
    return BoardRow(
        case=case.id,
        initials=case.initials,
        worker=case.worker,
        target_group=case.target_group,
        phase=case.phase,
        phase_start=start,
        week=week,
        planned_weeks=planned_weeks,
        planned_phase=planned_phase,
        planned_end=planned_end,
        deviation_days=deviation,
        next_due=due[0] if due else None,
        next_kind=due[1] if due else None,
        next_message=due[2] if due else None,
        days_since_contact=(today - last).days if last is not None else None,
        checklist_gate=gate,
        checklist_done=done,
        checklist_total=applicable,
    )


def build_board(cases: Iterable[CaseFacts | Case], today: date, *, config: TeamConfig,
                method: Method) -> Board:
    """Rows for the open cases (by worker, then case id) and every worker's caseload.

    Workers come in cti.toml's order, then any worker a case names that cti.toml lacks.
    Records must count no contact after `today`, as `due_items` asks.
    """
    records = (c if isinstance(c, CaseFacts) else facts_of(c, as_of=today) for c in cases)
    open_cases = [c for c in records if c.active]
    deadlines: dict[str, tuple[date, str, str]] = {}
    items = due_items(open_cases, today, config=config, method=method, within=_LOOKAHEAD_DAYS)
    for item in sorted(items, key=lambda i: i.due):
        if item.kind not in _NOT_DEADLINES:
            deadlines.setdefault(item.case, (item.due, item.kind, item.message))
    order = list(config.workers)
    order += sorted({c.worker for c in open_cases} - set(order))
    rows = sorted((_row(c, today, config, method, deadlines) for c in open_cases),
                  key=lambda r: (order.index(r.worker), r.case))
    per_fte = config.team.caseload_per_fte
    loads = []
    for worker in order:
        known = config.workers.get(worker)
        fte = known.fte if known is not None else 1.0
        count = sum(1 for r in rows if r.worker == worker)
        loads.append(WorkerLoad(worker, config.worker_name(worker), fte, count, per_fte * fte))
    return Board(today, tuple(rows), tuple(loads))


CSV_COLUMNS: Final = (
    "worker", "worker_name", "case", "initials", "target_group", "phase", "phase_start",
    "week", "planned_weeks", "planned_phase", "planned_end", "deviation_days", "next_due",
    "next_kind", "days_since_contact", "checklist_gate", "checklist_done", "checklist_total",
)


def csv_records(board: Board) -> list[dict[str, str]]:
    """One flat record per row for the team's spreadsheet: ISO dates, empty for none."""
    names = {w.worker: w.name for w in board.workers}
    records = []
    for row in board.rows:
        data = {**row.to_json(), "worker_name": names.get(row.worker, row.worker)}
        records.append({k: "" if data[k] is None else str(data[k]) for k in CSV_COLUMNS})
    return records
