"""What reports need of one case, as a slim immutable record: `CaseFacts`.

`due`, `board` and `list` run over every case of a folder, thousands of them. They compute
from this record rather than from the pydantic `Case`: it is built once, where a file is
read from disk and validated (`facts_of`), kept in the cache as a plain tuple, and read back
without validating again (`CaseFacts._make`). It holds what the reports ask (dates, counts,
ids, checklist answers), nothing a person wrote at length, so its size grows with the number
of cases and not with their contacts. Single-case callers build it from a `Case`.

Pure, and importable without pydantic: a report over a cached folder never builds a model.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from cti_cli.core.model import Case

FORMAT = 1
"""Bumped whenever the fields change, so that a cache of older records is rebuilt."""


class Na(NamedTuple):
    """A checklist answer "not applicable" with its reason (duck-types the model's class)."""

    na: str


class CaseFacts(NamedTuple):
    """The facts of one validated case that reports use; every date is a `datetime.date`."""

    id: str
    initials: str
    worker: str
    target_group: str
    phases: tuple[tuple[str, date], ...]
    """(name, start) in file order; the last is the current phase."""
    transition_date: date
    closed_date: date | None
    """The `closed:` record's date (None while the case has none)."""
    close_reason: str | None
    contacts: int
    last_contact: date | None
    phase_contacts: tuple[tuple[str, int, int, int], ...]
    """Per phase the case has been in: (name, contacts, minutes, contacts with minutes)."""
    appointments: tuple[tuple[date, str | None], ...]
    """(date, "HH:MM" or None) of every appointment."""
    documentation: tuple[str, ...]
    """The documentation points recorded."""
    handover_meetings: tuple[date, ...]
    checklists: tuple[tuple[str, tuple[tuple[str, date | str], ...]], ...]
    """(gate, ((item, date done or the na reason), …))."""
    goals: int
    open_goals: int

    @property
    def phase(self) -> str:
        return self.phases[-1][0]

    @property
    def phase_started(self) -> date:
        """When the current phase began."""
        return self.phases[-1][1]

    @property
    def started(self) -> date:
        """When the case began (its first phase)."""
        return self.phases[0][1]

    @property
    def is_open(self) -> bool:
        return self.phases[-1][0] != "closed"

    @property
    def active(self) -> bool:
        """Open and without a `closed:` record: what reminders and the board are about."""
        return self.phases[-1][0] != "closed" and self.closed_date is None

    def phase_start(self, name: str) -> date | None:
        for phase, start in self.phases:
            if phase == name:
                return start
        return None

    def ticks(self, gate: str) -> dict[str, Any]:
        """The answers given on `gate`'s checklist, in the shape `gate_progress` takes (a
        date, or an object whose `na` is the reason, duck-typed like the model's class)."""
        for g, items in self.checklists:
            if g == gate:
                return {k: v if isinstance(v, date) else Na(v) for k, v in items}
        return {}

    def to_tuple(self) -> tuple[Any, ...]:
        """Plain data for the cache (its unpickler admits no classes but dates)."""
        return tuple(self)


def _day(value: Any) -> date:
    """A date, or the `date` of a record that carries one (e.g. a handover meeting)."""
    return value if isinstance(value, date) else value.date  # type: ignore[no-any-return]


def facts_of(case: Case, *, as_of: date | None = None) -> CaseFacts:
    """The record of a validated case; `as_of` leaves out contacts after that day.

    Reports for a past day (`--date`) need the last contact on or before it: the cache keeps
    the record of the whole file, and the reader builds this one for the few cases whose last
    contact lies after the day asked about.
    """
    phases: tuple[tuple[str, date], ...] = tuple((p.name, p.start) for p in case.phases)
    starts = [s for _n, s in phases]
    counts = [0] * len(phases)
    minutes = [0] * len(phases)
    timed = [0] * len(phases)
    last: date | None = None
    count = 0
    for c in case.contacts:
        day = c.date
        if as_of is not None and day > as_of:
            continue
        count += 1
        if last is None or day > last:
            last = day
        i = bisect_right(starts, day) - 1
        if i >= 0:
            counts[i] += 1
            if c.minutes is not None:
                minutes[i] += c.minutes
                timed[i] += 1
    checklists = tuple(
        (str(gate), tuple((str(item), mark if isinstance(mark, date) else str(mark.na))
                          for item, mark in items.items()))
        for gate, items in case.checklists.items())
    handover = case.handover
    return CaseFacts(
        id=case.id,
        initials=case.citizen.initials,
        worker=case.worker,
        target_group=case.target_group,
        phases=phases,
        transition_date=case.transition.date,
        closed_date=case.closed.date if case.closed is not None else None,
        close_reason=case.closed.reason if case.closed is not None else None,
        contacts=count,
        last_contact=last,
        phase_contacts=tuple((name, counts[i], minutes[i], timed[i])
                             for i, (name, _s) in enumerate(phases) if name != "closed"),
        appointments=tuple((a.date, a.time) for a in case.appointments),
        documentation=tuple(str(k) for k in case.documentation),
        handover_meetings=tuple(_day(m) for m in handover.meetings) if handover else (),
        checklists=checklists,
        goals=len(case.goals),
        open_goals=sum(1 for g in case.goals if g.status == "open"),
    )
