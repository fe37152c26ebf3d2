"""The worker's calendar as plain events: appointments and every deadline `cti due` knows.

Pure: the caller passes the cases, the config, the method and `today`. Deadlines come from
the reminder engine (`due_items`), so the calendar and `cti due` can never disagree about
what is due when; the engine's states (no contact, caseload) are not days in a calendar,
and its appointment reminders are replaced by the appointments themselves.

Each event has a key that names *which* thing it is (case, kind, subject), never its date,
so that the same deadline keeps its UID when its date moves and a calendar that re-reads the
file updates the event instead of adding a second one. Summaries hold case id, initials and
the kind; the citizen's name, an appointment's place, people and note only when the team
sets `[calendar] personal_details = true` in cti.toml.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final

from cti_cli.core.labels import label
from cti_cli.core.method import Method
from cti_cli.core.model import Case
from cti_cli.core.reminders import due_items
from cti_cli.core.settings import TeamConfig

# The engine's kinds that are a day to act by; the rest are states or day-before reminders.
_NOT_DEADLINES: Final = frozenset({"no_contact", "caseload", "appointment"})

# The short name of each kind in a summary; translated where it is shown.
@dataclass(frozen=True)
class AgendaEvent:
    """One calendar event. `start`/`end` are dates (all day; `end` exclusive, as iCalendar
    wants) or naive datetimes in the team's local time (Europe/Copenhagen)."""

    key: str
    case: str
    worker: str
    kind: str
    summary: str
    description: str
    location: str | None
    start: date | datetime
    end: date | datetime

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)


def kind_word(kind: str) -> str:
    """The short name of a due kind in the run's language (one lookup: core.labels)."""
    return label("due_kind", kind)


def agenda(
    cases: Iterable[Case],
    today: date,
    *,
    config: TeamConfig,
    method: Method,
    within: int,
    worker: str | None = None,
) -> list[AgendaEvent]:
    """Deadlines due by today + `within` (overdue ones included, until done) and the
    appointments from today to today + `within`, sorted by start, then key."""
    open_cases = [c for c in cases if c.is_open and c.closed is None
                  and (worker is None or c.worker == worker)]
    details = config.calendar.personal_details
    by_id = {c.id: c for c in open_cases}
    events: list[AgendaEvent] = []
    items = [i for i in due_items(open_cases, today, config=config, method=method,
                                  within=within) if i.kind not in _NOT_DEADLINES]
    # An engine kind without a subject that fires twice for one case (none does today)
    # falls back to the due date, so that two events never share a key.
    repeats = Counter((i.case, i.kind, i.subject) for i in items)
    for item in items:
        case = by_id[item.case]
        subject = item.subject
        if repeats[(item.case, item.kind, subject)] > 1:
            subject = f"{subject}@{item.due.isoformat()}"
        events.append(AgendaEvent(
            key=f"{item.case}/{item.kind}/{subject}",
            case=item.case,
            worker=item.worker,
            kind=item.kind,
            summary=_summary(case, kind_word(item.kind), details, item.subject),
            description=item.message,
            location=None,
            start=item.due,
            end=item.due + timedelta(days=1),
        ))
    last = today + timedelta(days=within)
    minutes = timedelta(minutes=config.calendar.appointment_minutes)
    for case in open_cases:
        seen: Counter[date] = Counter()
        for appt in sorted(case.appointments, key=lambda a: (a.date, a.time or "")):
            seen[appt.date] += 1
            if not today <= appt.date <= last:
                continue
            # An appointment has no id: the n-th one of its day is the same event when
            # only its time changes (a new day is a new event).
            key = f"{case.id}/appointment/{appt.date.isoformat()}#{seen[appt.date]}"
            start: date | datetime
            end: date | datetime
            if appt.time:
                hour, minute = (int(part) for part in appt.time.split(":"))
                start = datetime.combine(appt.date, time(hour, minute))
                end = start + minutes
            else:
                start, end = appt.date, appt.date + timedelta(days=1)
            text = ""
            if details:
                parts = [", ".join(appt.with_) if appt.with_ else "", appt.note or ""]
                text = "\n".join(p for p in parts if p)
            events.append(AgendaEvent(
                key=key,
                case=case.id,
                worker=case.worker,
                kind="appointment",
                summary=_summary(case, kind_word("appointment"), details),
                description=text,
                location=appt.place if details and appt.place else None,
                start=start,
                end=end,
            ))
    return sorted(events, key=_order)


def _order(event: AgendaEvent) -> tuple[date, str, str]:
    start = event.start
    day = start.date() if isinstance(start, datetime) else start
    clock = start.strftime("%H:%M") if isinstance(start, datetime) else ""
    return (day, clock, event.key)


def _summary(case: Case, what: str, details: bool, subject: str = "") -> str:
    who = case.citizen.initials
    if details and case.citizen.name:
        who = f"{who}, {case.citizen.name}"
    which = f" ({subject})" if subject else ""
    return f"{case.id} {who}: {what}{which}"
