"""The method's decisions about one course: may it advance, close, take a goal or an anchor?

Pure: values in, values out, `RuleViolation` when the method says no. Commands do the I/O,
rules (`rules.py`) report the same facts about files people edited by hand, so both share the
counting helpers here. Refusals list what is missing by id *and* text, in the team language.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final, Literal

from cti_cli.core.errors import RuleViolation, UsageError
from cti_cli.core.method import ItemState, Method, gate_progress, missing_items
from cti_cli.core.model import Case, Contact, Goal
from cti_cli.core.schedule import earliest_d0, plan
from cti_cli.locale import N_, _, gettext_in

Lang = Literal["da", "en"]

#: The method's goal count for the long-term plan (p.14).
MIN_GOALS, MAX_GOALS = 2, 3

# Messages as English msgids, translated into the team's language through the catalogs;
# `{}` fields are filled by the caller.
_MSG: Final[dict[str, str]] = {
    "closed": N_("case {case} is closed ({day})"),
    "use_close": N_("phase 3 ends with `cti close {case} --reason completed`"),
    "refused": N_("{case} cannot advance to {target}:"),
    "too_early": N_("phase 1 may start at the earliest one month before the transition "
                    "({moved}): earliest {earliest}"),
    "goals": N_("the long-term plan needs 2–3 goals, it has {n}"),
    "fourth_goal": N_("{case} already has {n} goals; the method says 2–3"),
    "second_anchor": N_("{case} already has an anchor person ({name})"),
    "not_done": N_("the closure checklist is not complete:"),
    "no_anchor": N_("anchor: no anchor person in the network (`cti network add … --anchor`)"),
    "complete_phase3": N_("a completed course closes from phase 3 (the case is in {phase})"),
    "before": N_("{day} is before the current phase started ({start})"),
    "na_only": N_("{item} cannot be marked not applicable: only conditional items can"),
    "not_ticked": N_("{item} is not ticked"),
    "h_na_only": N_("tick it when it is done, or advance with --force --reason"),
    "h_refused": N_("see `cti checklist {case}`; tick items with `cti tick`, or override with "
                    "`--force --reason …`"),
    "h_complete_phase3": N_("close early with --reason ended_early (or another reason)"),
    "h_not_done": N_("tick items with `cti tick`, or close with another --reason"),
    "h_fourth_goal": N_("mark a goal dropped or changed first with `cti goal set {case} GOAL "
                        "--status dropped`"),
    "h_second_anchor": N_("add the person without --anchor, then move the anchor with `cti "
                          "network anchor {case} NAME`"),
}


def msg(key: str, lang: Lang, **fields: object) -> str:
    return gettext_in(lang, _MSG[key]).format(**fields)


def _listing(states: list[ItemState], lang: Lang) -> list[str]:
    return [f"  {s.id}: {s.text_da if lang == 'da' else s.text_en}" for s in states]


# -- gates ------------------------------------------------------------------------------------


def gate_of_phase(method: Method, phase: str) -> str | None:
    """The checklist that must be complete to leave `phase`; None once closed."""
    return method.phase(phase).gate


def checklist(method: Method, case: Case, gate: str | None = None) -> list[ItemState]:
    """The items of `gate` (default: the current phase's gate) with the case's answers."""
    gate = gate or gate_of_phase(method, case.phase)
    if gate is None:
        return []
    return gate_progress(method, gate, _ticks(case, gate))


def _ticks(case: Case, gate: str) -> Mapping[str, Any]:
    return case.checklists.get(gate, {})  # type: ignore[call-overload, no-any-return]


def find_item(method: Method, case: Case, item: str) -> str:
    """The gate that defines `item`: the current gate first, then any other."""
    current = gate_of_phase(method, case.phase)
    gates = ([current] if current else []) + [g for g in method.gates if g != current]
    for gate in gates:
        if any(it.id == item for it in method.items(gate)):
            return gate
    known = [it.id for g in method.gates for it in method.items(g)]
    close = difflib.get_close_matches(item, known, n=1)
    raise UsageError(f"{item!r} is not a checklist item of the method",
                     hint=f"did you mean '{close[0]}'?" if close else
                     "see `cti checklist CASE` for the current gate's items")


def check_tick(method: Method, case: Case, item: str, *, na: str | None, undo: bool,
               lang: Lang = "da") -> str:
    """The gate an answer to `item` goes under; refuses na on a non-conditional item."""
    gate = find_item(method, case, item)
    if undo:
        if item not in case.checklists.get(gate, {}):  # type: ignore[call-overload]
            raise RuleViolation(msg("not_ticked", lang, item=item))
        return gate
    if na is not None and not method.item(gate, item).conditional:
        raise RuleViolation(msg("na_only", lang, item=item),
                            hint=msg("h_na_only", lang))
    return gate


# -- advancing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """A move the method allows: to `target` on `day`, `forced` with a reason or not."""

    case_id: str
    source: str
    target: str
    day: date
    forced: str | None = None


def active_goals(case: Case) -> list[Goal]:
    """Goals that count towards 2–3: a dropped goal no longer does."""
    return [g for g in case.goals if g.status != "dropped"]


def _open(case: Case, lang: Lang) -> None:
    if not case.is_open:
        day = case.closed.date if case.closed else case.phases[-1].start
        raise RuleViolation(msg("closed", lang, case=case.id, day=day))


def _not_before_phase(case: Case, day: date, lang: Lang) -> None:
    if day < case.phases[-1].start:
        raise RuleViolation(msg("before", lang, day=day, start=case.phases[-1].start))


def advance(method: Method, case: Case, day: date, *, force: str | None = None,
            lang: Lang = "da", course_months: int = 9) -> Step:
    """The next phase if the gate is complete and the move's rules hold; else RuleViolation.

    `force` (a reason) overrides the gate and the method's rules, never the order of phases:
    the reason is written into the file so the exception stays visible.
    """
    _open(case, lang)
    source = case.phase
    if source == "phase3":
        raise RuleViolation(msg("use_close", lang, case=case.id))
    target = method.next_phase(source)
    assert target is not None
    _not_before_phase(case, day, lang)
    if force:
        return Step(case.id, source, target, day, forced=force)
    problems = advance_problems(method, case, day, lang, course_months)
    if problems:
        head = msg("refused", lang, case=case.id, target=target)
        raise RuleViolation("\n".join([head, *problems]),
                            hint=msg("h_refused", lang, case=case.id))
    return Step(case.id, source, target, day)


def advance_problems(method: Method, case: Case, day: date, lang: Lang = "da",
                     course_months: int = 9) -> list[str]:
    """Every reason the current phase cannot be left on `day`, one line each."""
    problems: list[str] = []
    target = method.next_phase(case.phase)
    early = too_soon(method, case, target or "", day, course_months)
    if early is not None:
        problems.append("  " + early)
    gate = gate_of_phase(method, case.phase)
    if gate is not None:
        problems += _listing(missing_items(method, gate, _ticks(case, gate)), lang)
    if case.phase == "contact" and day < earliest_d0(case.transition.date):
        problems.append("  " + msg("too_early", lang, moved=case.transition.date,
                                   earliest=earliest_d0(case.transition.date)))
    if case.phase == "phase1":
        n = len(active_goals(case))
        if not MIN_GOALS <= n <= MAX_GOALS:
            problems.append("  goals: " + msg("goals", lang, n=n))
    return problems


def planned_step(case: Case, target: str, course_months: int) -> date | None:
    """The planned day of a step: phase 2 at +3 months, phase 3 at +6, the close at +9."""
    d0 = case.phase_start("phase1")
    if d0 is None or target not in ("phase2", "phase3", "closed"):
        return None
    return plan(d0, case.transition.date, course_months).planned_start(target) if (
        target != "closed") else plan(d0, case.transition.date, course_months).end


def too_soon(method: Method, case: Case, target: str, day: date,
             course_months: int) -> str | None:
    """Why moving to `target` on `day` is too early for the method's time frame, or None.

    The manual: phase 2 "efter tre måneder" (p.17), phase 3 "seks måneder efter opstart"
    (p.20), the end "efter ni måneder" (p.22); `course.advance_early_days` is the tolerance.
    """
    planned = planned_step(case, target, course_months)
    if planned is None:
        return None
    earliest = planned - timedelta(days=method.course.advance_early_days)
    if day >= earliest:
        return None
    if target == "closed":
        return _("the course is planned to end {planned}; a completed close is possible from "
                 "{earliest} ({days} days before)").format(
                     planned=planned, earliest=earliest, days=method.course.advance_early_days)
    return _("{target} is planned to start {planned}; the earliest is {earliest} "
             "({days} days before)").format(target=target, planned=planned, earliest=earliest,
                                            days=method.course.advance_early_days)


# -- closing ----------------------------------------------------------------------------------


def close(method: Method, case: Case, reason: str, day: date, lang: Lang = "da", *,
          force: str | None = None, course_months: int = 9) -> Step:
    """Close on `day`; `completed` needs phase 3, the closure checklist, one anchor and the
    planned end (minus the tolerance). `force` (a note) passes the checklist and the timing."""
    _open(case, lang)
    if reason not in method.ends:
        close_match = difflib.get_close_matches(reason, list(method.ends), n=1)
        raise UsageError(_("--reason {reason} is not allowed").format(reason=repr(reason)),
                         hint=_("did you mean '{id}'?").format(id=close_match[0]) if close_match
                         else _("one of: {values}").format(values=", ".join(method.ends)))
    _not_before_phase(case, day, lang)
    if method.ends[reason].closure_checklist:
        if case.phase != "phase3":
            raise RuleViolation(msg("complete_phase3", lang, phase=case.phase),
                                hint=msg("h_complete_phase3", lang))
        if force:
            return Step(case.id, case.phase, "closed", day, forced=force)
        early = too_soon(method, case, "closed", day, course_months)
        if early is not None:
            raise RuleViolation(early, hint=_(
                "close early with another --reason (ended_early, …), or record why it ends "
                "as completed with `--force --note …`"))
        problems = _listing(missing_items(method, "closure", _ticks(case, "closure")), lang)
        if not any(p.anchor for p in case.network):
            problems.append("  " + msg("no_anchor", lang))
        if problems:
            raise RuleViolation("\n".join([msg("not_done", lang), *problems]),
                                hint=msg("h_not_done", lang))
    return Step(case.id, case.phase, "closed", day)


# -- goals and network ------------------------------------------------------------------------


def new_goal_id(case: Case) -> str:
    """`g1`, `g2`, … one past the highest used, so a dropped goal's id is never reused."""
    numbers = [int(g.id[1:]) for g in case.goals if g.id[:1] == "g" and g.id[1:].isdigit()]
    return f"g{max(numbers, default=0) + 1}"


def check_goal(case: Case, lang: Lang = "da") -> str:
    """The new goal's id; refuses a fourth goal (the plan has 2–3, p.14)."""
    _open(case, lang)
    n = len(active_goals(case))
    if n >= MAX_GOALS:
        raise RuleViolation(msg("fourth_goal", lang, case=case.id, n=n),
                            hint=msg("h_fourth_goal", lang, case=case.id))
    return new_goal_id(case)


def check_anchor(case: Case, lang: Lang = "da") -> None:
    """Long-term responsibility is anchored with exactly one person (p.23)."""
    anchors = [p.name for p in case.network if p.anchor]
    if anchors:
        raise RuleViolation(msg("second_anchor", lang, case=case.id, name=anchors[0]),
                            hint=msg("h_second_anchor", lang, case=case.id))


# -- intensity --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhaseSpan:
    """What actually happened in one phase: its dates and the contact minutes logged."""

    name: str
    start: date
    end: date  # exclusive: the next phase's start, or the day after `today`
    contacts: int
    minutes: int
    timed: int  # contacts with minutes logged

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def per_week(self) -> float:
        """Minutes per week; what 4:2:1 is about."""
        return self.minutes * 7 / self.days if self.days > 0 else 0.0

    @property
    def minutes_known(self) -> bool:
        """Whether the minutes say something: none untimed, or no contacts at all."""
        return self.timed == self.contacts


def phase_spans(case: Case, today: date) -> list[PhaseSpan]:
    """Each phase the case has been in (not `closed`), up to today or the closure."""
    spans: list[PhaseSpan] = []
    for i, p in enumerate(case.phases):
        if p.name == "closed":
            break
        end = case.phases[i + 1].start if i + 1 < len(case.phases) else today + timedelta(1)
        inside: list[Contact] = [c for c in case.contacts if p.start <= c.date < end]
        spans.append(PhaseSpan(p.name, p.start, max(end, p.start), len(inside),
                               sum(c.minutes or 0 for c in inside),
                               sum(c.minutes is not None for c in inside)))
    return spans


# -- handover and forced steps ----------------------------------------------------------------


def handover_meetings(case: Case) -> list[date]:
    """The days handover talks were held: `handover.meetings` and the `handover_talks` tick.

    `check` (W304), `due` (handover_meeting) and the timeline all count these, so they agree.
    """
    days = case.handover.meeting_dates() if case.handover is not None else []
    talks = case.checklists.get("closure", {}).get("handover_talks")  # type: ignore[call-overload]
    if isinstance(talks, date):
        days.append(talks)
    return sorted(days)


def handover_held(case: Case, today: date) -> bool:
    """Whether a handover meeting was held by `today` (a late one still counts as held)."""
    return any(d <= today for d in handover_meetings(case))


@dataclass(frozen=True)
class Forced:
    """One step taken past the method with `--force`: where it is in the file, and why."""

    day: date
    step: str
    reason: str
    loc: tuple[str | int, ...]


def forced_steps(case: Case) -> list[Forced]:
    """Every forced step of a case: phases, the close, and changes to a closed course."""
    found = [Forced(p.start, f"advance {p.name}", p.forced, ("phases", i, "forced"))
             for i, p in enumerate(case.phases) if p.forced]
    if case.closed is not None and case.closed.forced:
        found.append(Forced(case.closed.date, f"close {case.closed.reason}",
                            case.closed.forced, ("closed", "forced")))
    found += [Forced(f.date, f.step, f.reason, ("forced", i))
              for i, f in enumerate(case.forced)]
    return sorted(found, key=lambda f: f.day)
