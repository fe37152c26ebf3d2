"""The reminder engine: what is due on the open cases of a team, as of a given day.

Pure: no clock, no I/O, no environment. The caller passes `today`, the cases, the team's
config and the method, and gets `DueItem`s back; `cti due` prints them, mails them or
writes JSON. Because mail and JSON copy `DueItem.message` verbatim, messages are built here
from facts only (phase names, dates, counts, checklist ids), never from a name, a note, a
place or anything else a person typed into the case file.

When each kind fires (H = the horizon, `within` or `[reminders] horizon_days`; "near" means
due ≤ today + H, which includes overdue; d0 = the day phase 1 started; closed cases
and cases with a `closed:` record produce nothing):

=================  =================================================  ========================
kind               fires when                                         due date
=================  =================================================  ========================
phase_end          phase1..phase3 and the current phase's planned     planned end of the phase
                   end is near (phase3's end is the course's end)     (d0 + k × course/3)
documentation      a method documentation point not recorded in       d0 + offset_third ×
                   `documentation:` whose planned date is near        course/3; closure: end
                   (needs d0)
handover_meeting   phase1..phase3, no handover meeting on record      planned end − 1 month
                   (`handover.meetings` or the `handover_talks`
                   tick, as W304 counts), and planned end − 1 month
                   is near
checklist          phase1..phase3, the gate that leaves the current   planned end of the phase
                   phase has blocking items, and that end is near
appointment        an appointment dated the next day, or on Fri/Sat   the appointment's date
                   up to Monday (weekday cron), whatever the horizon (one item per case and
                   (the worker reminds the citizen, e.g. by SMS;      day)
                   manual p.13)
no_contact         today − reference > rhythm, where reference is     reference + rhythm
                   the last contact on or before today, or the
                   current phase's start if none; rhythm is the
                   phase's `no_contact_days` from cti.toml, else
                   from the method (7/14/30, contact 14)
contact_period     still in the contact period and its start +        contact start +
                   `contact_period_days` is near                      contact_period_days
caseload           per worker: open cases > caseload_per_fte × fte    start of the case that
                   (fte 1.0 for a worker not in cti.toml); case "-"   took the count over
=================  =================================================  ========================

Deadlines (the first five and contact_period) appear within the horizon and stay until
they are done; states (no_contact, caseload) appear once they hold. A due date is stable
from day to day, so the sent-ledger, keyed by it, mails each reminder once (and once more
when it becomes overdue).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, Final

from cti_cli.core.dueitem import KINDS, NO_CASE, DueItem
from cti_cli.core.facts import CaseFacts, facts_of
from cti_cli.core.formats import show_date, show_number
from cti_cli.core.labels import Kind, label
from cti_cli.core.schedule import Schedule, add_months, plan
from cti_cli.locale import N_, gettext_in

if TYPE_CHECKING:
    from cti_cli.core.method import Method
    from cti_cli.core.model import Case
    from cti_cli.core.settings import TeamConfig

COURSE_PHASES: Final = ("phase1", "phase2", "phase3")

# One line each, facts only: every placeholder is a date, a number, a phase or an id.
_MESSAGES: Final[Mapping[str, str]] = {
    "phase_end": N_("{phase} planned to end {due}; next {next}"),
    "course_end": N_("course planned to end {due} ({months} months after start {d0})"),
    "documentation": N_("documentation point '{point}' planned {due} is not recorded"),
    "handover_meeting": N_("no handover meeting recorded; hold one by {due} (planned end "
                           "{end} minus 1 month)"),
    "checklist": N_("{n} open items on the '{gate}' checklist before {due}: {ids}"),
    "checklist_one": N_("1 open item on the '{gate}' checklist before {due}: {ids}"),
    "appointment": N_("appointment {due}{times}: remind the citizen today, e.g. by SMS"),
    "appointments": N_("{n} appointments {due}{times}: remind the citizen today, e.g. by SMS"),
    "no_contact": N_("no contact logged since {ref} ({days} days; the {phase} rhythm is "
                     "{rhythm} days)"),
    "no_contact_none": N_("no contact logged since {phase} started {ref} ({days} days; rhythm "
                          "{rhythm} days)"),
    "contact_period": N_("in the contact period since {start}; the team's {limit}-day limit "
                         "ends {due}"),
    "caseload": N_("{n} open cases, above {cap} ({per} per FTE × {fte} FTE) since {due}"),
}


def due_items(
    cases: Iterable[CaseFacts | Case],
    today: date,
    *,
    config: TeamConfig,
    method: Method,
    within: int | None = None,
) -> list[DueItem]:
    """Every due item of the open cases as of `today`, most urgent first.

    `within` overrides `[reminders] horizon_days`. Sorted by days left, then case id, then
    kind (in `KINDS` order), so output and mail are stable from run to run.

    Runs on the slim records reports read from the cache; a `Case` is turned into one here.
    A record must not count contacts after `today` (`facts_of(case, as_of=today)`): a
    `--date` in the past shows that day's view.
    """
    horizon = config.reminders.horizon_days if within is None else within
    if horizon < 0:
        raise ValueError(f"the horizon must be 0 or more days, got {horizon}")
    engine = _Engine(today, today + timedelta(days=horizon), config, method)
    records = (c if isinstance(c, CaseFacts) else facts_of(c, as_of=today) for c in cases)
    open_cases = [c for c in records if c.active]
    items: list[DueItem] = []
    for case in open_cases:
        items.extend(engine.for_case(case))
    items.extend(engine.caseload(open_cases))
    return sorted(items, key=_urgency)


def _urgency(item: DueItem) -> tuple[int, str, int, date]:
    return (item.days_left, item.case, KINDS.index(item.kind), item.due)


def remind_days(today: date) -> list[date]:
    """The days whose appointments are reminded today: tomorrow, and on a Friday or Saturday
    also up to Monday, since the morning run is usually on weekdays only (manual p.13:
    remind the citizen the day before)."""
    days = [today + timedelta(days=1)]
    while days[-1].weekday() in (5, 6):  # Saturday, Sunday
        days.append(days[-1] + timedelta(days=1))
    return days


def rhythm_days(phase: str, config: TeamConfig, method: Method) -> int | None:
    """Days without contact before a reminder: cti.toml when the team set it, else the method.

    cti.toml's value has a default; only a value the team wrote overrides the method.
    """
    reminders = config.reminders
    if "no_contact_days" in reminders.model_fields_set:
        days = {str(k): v for k, v in reminders.no_contact_days.items()}.get(phase)
        if days is not None:
            return int(days)
    try:
        return method.phase(phase).no_contact_days
    except KeyError:
        return None


class _Engine:
    """The rules of one run: today, the horizon's last day, and the team's settings."""

    def __init__(self, today: date, limit: date, config: TeamConfig, method: Method) -> None:
        self.today = today
        self.limit = limit
        self.config = config
        self.method = method
        self.lang = config.team.language

    def label(self, kind: Kind, value: str) -> str:
        """An id's label in the team's language (the messages' language)."""
        return label(kind, value, self.lang)

    def number(self, value: float) -> str:
        """A number with the team's decimal mark (`0,5` in Danish), as the board writes it."""
        return show_number(value, lang=self.lang)

    def say(self, text: str, **fields: object) -> str:
        """A message in the team's language, its dates in the team's style."""
        shown = {k: show_date(v) if isinstance(v, date) else v for k, v in fields.items()}
        return gettext_in(self.lang, _MESSAGES[text]).format(**shown)

    def near(self, day: date) -> bool:
        return day <= self.limit

    def item(self, case: CaseFacts, kind: str, due: date, text: str, *, subject: str = "",
             **facts: object) -> DueItem:
        return DueItem(
            case=case.id,
            initials=case.initials,
            worker=case.worker,
            kind=kind,
            due=due,
            days_left=(due - self.today).days,
            message=self.say(text, due=due, **facts),
            subject=subject,
        )

    def for_case(self, case: CaseFacts) -> list[DueItem]:
        items: list[DueItem] = []
        d0 = case.phase_start("phase1")
        if d0 is not None and case.phase in COURSE_PHASES:
            sched = plan(d0, case.transition_date, self.config.team.course_months)
            items += self.phase_end(case, sched)
            items += self.documentation(case, sched)
            items += self.handover_meeting(case, sched)
            items += self.checklist(case, sched)
        if case.phase == "contact":
            items += self.contact_period(case)
        items += self.appointment(case)
        items += self.no_contact(case)
        return items

    # --- deadlines -----------------------------------------------------------------------

    def phase_end(self, case: CaseFacts, sched: Schedule) -> list[DueItem]:
        end = sched.planned_end(case.phase)
        if end is None or not self.near(end):
            return []
        if case.phase == "phase3":
            return [self.item(case, "phase_end", end, "course_end", subject=case.phase,
                              months=sched.course_months, d0=sched.d0)]
        nxt = self.method.next_phase(case.phase) or "closed"
        return [self.item(case, "phase_end", end, "phase_end", subject=case.phase,
                          phase=self.label("phase", case.phase),
                          next=self.label("phase", nxt))]

    def documentation(self, case: CaseFacts, sched: Schedule) -> list[DueItem]:
        items = []
        for point, spec in self.method.documentation.items():
            if point in case.documentation:
                continue
            offset = spec.offset_third
            planned = sched.end if offset is None else add_months(sched.d0, offset * sched.third)
            if self.near(planned):
                items.append(self.item(case, "documentation", planned, "documentation",
                                       subject=point,
                                       point=self.label("documentation_point", point)))
        return items

    def handover_meeting(self, case: CaseFacts, sched: Schedule) -> list[DueItem]:
        # as W304 counts it (course.handover_meetings): a meeting or the handover_talks tick
        talks = dict(dict(case.checklists).get("closure", ())).get("handover_talks")
        days = [*case.handover_meetings, *([talks] if isinstance(talks, date) else [])]
        if any(d <= self.today for d in days) or not self.near(sched.handover_by):
            return []
        return [self.item(case, "handover_meeting", sched.handover_by, "handover_meeting",
                          end=sched.end)]

    def checklist(self, case: CaseFacts, sched: Schedule) -> list[DueItem]:
        end = sched.planned_end(case.phase)
        gate_id = self.method.phase(case.phase).gate
        if end is None or gate_id is None or not self.near(end):
            return []
        from cti_cli.core.method import gate_tally

        missing = gate_tally(self.method, gate_id, case.ticks(gate_id))[2]
        if not missing:
            return []
        text = "checklist" if len(missing) > 1 else "checklist_one"
        return [self.item(case, "checklist", end, text, subject=gate_id, n=len(missing),
                          gate=self.label("checklist", gate_id),
                          ids=", ".join(self.label("checklist_item", i) for i in missing))]

    def contact_period(self, case: CaseFacts) -> list[DueItem]:
        start = case.phase_started
        limit_days = self.config.reminders.contact_period_days
        due = start + timedelta(days=limit_days)
        if not self.near(due):
            return []
        return [self.item(case, "contact_period", due, "contact_period", start=start,
                          limit=limit_days)]

    # --- the day before a meeting --------------------------------------------------------

    def appointment(self, case: CaseFacts) -> list[DueItem]:
        items = []
        for day in remind_days(self.today):
            todays = [(d, t) for d, t in case.appointments if d == day]
            if not todays:
                continue
            # Times only: `with`, `place` and `note` are free text and may be personal.
            times = sorted(t for _d, t in todays if t)
            shown = (" " + ", ".join(times)) if times else ""
            text = "appointment" if len(todays) == 1 else "appointments"
            items.append(self.item(case, "appointment", day, text, subject=day.isoformat(),
                                   n=len(todays), times=shown))
        return items

    # --- states --------------------------------------------------------------------------

    def no_contact(self, case: CaseFacts) -> list[DueItem]:
        rhythm = rhythm_days(case.phase, self.config, self.method)
        if rhythm is None:
            return []
        # Contacts after `today` do not count: `--date` in the past shows that day's view
        # (the record was built as of that day, see `due_items`).
        last = case.last_contact
        ref = last if last is not None else case.phase_started
        days = (self.today - ref).days
        if days <= rhythm:
            return []
        due = ref + timedelta(days=rhythm)
        text = "no_contact" if last is not None else "no_contact_none"
        return [self.item(case, "no_contact", due, text, ref=ref, days=days,
                          phase=self.label("phase", case.phase), rhythm=rhythm)]

    def caseload(self, open_cases: list[CaseFacts]) -> list[DueItem]:
        per_fte = self.config.team.caseload_per_fte
        starts: dict[str, list[date]] = defaultdict(list)
        for case in open_cases:
            starts[case.worker].append(case.started)
        items = []
        for worker, days in sorted(starts.items()):
            known = self.config.workers.get(worker)
            fte = known.fte if known is not None else 1.0
            cap = per_fte * fte
            if len(days) <= cap:
                continue
            # The count went over when the (floor(cap) + 1)-th of today's cases began: a
            # date that stays put, so the ledger mails this once rather than every morning.
            over_since = sorted(days)[math.floor(cap)]
            items.append(DueItem(
                case=NO_CASE,
                initials="",
                worker=worker,
                kind="caseload",
                due=over_since,
                days_left=(over_since - self.today).days,
                message=self.say("caseload", n=len(days), cap=self.number(cap),
                                 per=self.number(per_fte), fte=self.number(fte),
                                 due=over_since),
            ))
        return items
