"""Each method rule fires on the case it is about and stays silent on a sound one."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from casefiles import team_language

from cti_cli.core.method import load_method
from cti_cli.core.model import Case
from cti_cli.core.rules import RULES, Issue, RuleContext, run_rules

METHOD = load_method()
D0 = date(2025, 2, 3)  # phase 1 starts on the day of the move


def case(**changes: Any) -> Case:
    """A sound course in phase 1 since D0; `changes` replace top-level keys."""
    data: dict[str, Any] = {
        "id": "c1",
        "citizen": {"initials": "MK"},
        "target_group": "homelessness",
        "worker": "anna",
        "transition": {"kind": "move_in", "date": D0},
        "phases": [{"name": "contact", "start": date(2025, 1, 6)},
                   {"name": "phase1", "start": D0}],
        "contacts": [{"date": date(2025, 1, 8), "minutes": 60}],
        "documentation": {"start": D0},
    }
    data.update(changes)
    # documentation points carry their form's answers (a bare date warns W308)
    data["documentation"] = {p: {"date": v, "form": "status/1"} if isinstance(v, date) else v
                             for p, v in data["documentation"].items()}
    return Case.model_validate(data)


def issues(c: Case, today: date, *, method: Any = METHOD) -> list[Issue]:
    return run_rules(RuleContext(case=c, today=today, method=method))


def codes(c: Case, today: date, **kw: Any) -> list[str]:
    return [i.code for i in issues(c, today, **kw)]


def weekly(start: date, end: date, every: int, minutes: int = 60) -> list[dict[str, Any]]:
    out, d = [], start
    while d < end:
        out.append({"date": d, "minutes": minutes})
        d += timedelta(days=7 * every)
    return out


PHASES3 = [{"name": "contact", "start": date(2025, 1, 6)}, {"name": "phase1", "start": D0},
           {"name": "phase2", "start": date(2025, 5, 3)},
           {"name": "phase3", "start": date(2025, 8, 3)}]
GOALS = [{"id": "g1", "text": "Bo", "domain": "housing"},
         {"id": "g2", "text": "Penge", "domain": "economy"}]
DOCS = {"start": D0, "month3": date(2025, 5, 3), "month6": date(2025, 8, 3)}
CLOSURE_DONE = {"network_in_place": date(2025, 9, 1), "handover_talks": date(2025, 9, 29),
                "handover_plan": date(2025, 10, 6), "anchored": date(2025, 10, 6)}


def completed(**changes: Any) -> Case:
    """A course completed by the book on 2025-11-03."""
    data: dict[str, Any] = {
        "phases": [*PHASES3, {"name": "closed", "start": date(2025, 11, 3)}],
        "closed": {"date": date(2025, 11, 3), "reason": "completed"},
        "goals": GOALS,
        "network": [{"name": "Lis", "role": "sagsbehandler", "anchor": True}],
        "checklists": {"closure": CLOSURE_DONE},
        "documentation": {**DOCS, "closure": date(2025, 11, 3)},
        "handover": {"follow_on": {"what": "bostøtte", "start": date(2025, 10, 20)}},
        "contacts": [{"date": date(2025, 1, 8), "minutes": 60},
                     *weekly(D0, date(2025, 5, 3), 1), *weekly(date(2025, 5, 5),
                                                              date(2025, 8, 3), 2),
                     *weekly(date(2025, 8, 4), date(2025, 11, 3), 4)],
    }
    data.update(changes)
    return case(**data)


def test_sound_cases_are_clean() -> None:
    assert issues(case(), date(2025, 2, 20)) == []
    assert issues(completed(), date(2026, 1, 1)) == []


def test_every_code_is_in_the_docstring_table() -> None:
    import cti_cli.core.rules as rules

    source = Path(rules.__file__).read_text("utf-8")
    used = set(__import__("re").findall(r'"([EWI][23]\d\d)"', source))
    assert used, "no codes found"
    for code in used:
        assert f"{code}  " in rules.__doc__, code  # type: ignore[operator]
    assert len({name for name, _ in RULES}) == len(RULES)


def test_contact_before_case_start() -> None:
    found = issues(case(contacts=[{"date": date(2025, 1, 2)}, {"date": date(2025, 1, 8)}]),
                   date(2025, 2, 20))
    assert [(i.code, i.loc) for i in found] == [("E208", ("contacts", 0, "date"))]


def test_future_contact_is_still_reported() -> None:
    c = case(contacts=[{"date": date(2025, 1, 8)}, {"date": date(2025, 3, 1)}])
    assert codes(c, date(2025, 2, 20)) == ["E206"]


@pytest.mark.parametrize(("d0", "fires"), [
    (date(2025, 1, 2), True),    # a month and a day before the move
    (date(2025, 1, 3), False),   # exactly one month before
    (D0, False),
])
def test_phase1_more_than_a_month_before_transition(d0: date, fires: bool) -> None:
    c = case(phases=[{"name": "contact", "start": date(2024, 12, 20)},
                     {"name": "phase1", "start": d0}],
             contacts=[{"date": date(2024, 12, 22)}], documentation={"start": d0})
    found = [i for i in issues(c, date(2025, 1, 10)) if i.code == "E301"]
    assert bool(found) is fires
    if fires:
        assert found[0].loc == ("phases", 1, "start")
        assert "2025-01-03" in (found[0].hint or "")


def test_phase1_early_at_month_end_clips() -> None:
    # transition Mar 31: a month before is Feb 28 (no Feb 31)
    c = case(transition={"date": date(2025, 3, 31)},
             phases=[{"name": "phase1", "start": date(2025, 2, 28)}],
             contacts=[{"date": date(2025, 2, 28)}], documentation={"start": date(2025, 2, 28)})
    assert codes(c, date(2025, 3, 1)) == []
    c2 = c.model_copy(update={"phases": [c.phases[0].model_copy(
        update={"start": date(2025, 2, 27)})]})
    assert "E301" in codes(c2, date(2025, 3, 1))


def test_more_than_three_goals() -> None:
    goals = [{"id": f"g{i}", "text": "x", "domain": "housing"} for i in range(1, 5)]
    found = [i for i in issues(case(goals=goals), date(2025, 2, 20)) if i.code == "E302"]
    assert [i.loc for i in found] == [("goals", 3)]
    dropped = [*goals[:3], {**goals[3], "status": "dropped"}]
    assert "E302" not in codes(case(goals=dropped), date(2025, 2, 20))


def test_fewer_than_two_goals_once_phase2_began() -> None:
    phases = PHASES3[:3]
    one = case(phases=phases, goals=GOALS[:1], documentation={**DOCS})
    assert "E303" in codes(one, date(2025, 5, 10))
    assert "E303" not in codes(case(phases=phases, goals=GOALS, documentation={**DOCS}),
                               date(2025, 5, 10))
    # in phase 1 one goal is work in progress, not an error
    assert "E303" not in codes(case(goals=GOALS[:1]), date(2025, 3, 1))


def test_phase_running_past_planned_end() -> None:
    c = case(contacts=[{"date": date(2025, 1, 8)}])
    assert "W301" not in codes(c, date(2025, 5, 3))  # the planned day to move on
    found = [i for i in issues(c, date(2025, 5, 4)) if i.code == "W301"]
    assert found and found[0].severity == "warning" and "1 day" in found[0].message
    assert found[0].loc == ("phases", 1, "start")


def test_phase3_past_planned_end_says_close() -> None:
    c = case(phases=PHASES3, goals=GOALS, documentation=DOCS,
             checklists={"closure": {"handover_talks": date(2025, 9, 29)}})
    found = [i for i in issues(c, date(2025, 11, 10)) if i.code == "W301"]
    assert found and "cti close" in (found[0].hint or "")


def test_intensity_falling_4_2_1_is_quiet() -> None:
    assert "W302" not in codes(completed(), date(2026, 1, 1))


def test_intensity_not_falling_warns_on_the_later_phase() -> None:
    contacts = [{"date": date(2025, 1, 8), "minutes": 60}, *weekly(D0, date(2025, 5, 3), 1),
                *weekly(date(2025, 5, 5), date(2025, 6, 20), 1, minutes=90)]
    c = case(phases=PHASES3[:3], goals=GOALS, documentation=DOCS, contacts=contacts)
    found = [i for i in issues(c, date(2025, 6, 20)) if i.code == "W302"]
    assert [i.loc for i in found] == [("phases", 2, "name")]
    assert found[0].severity == "warning"
    assert "phase2: 90 min/week" in found[0].message


def test_intensity_collapse_warns_and_short_phases_are_ignored() -> None:
    contacts = [{"date": date(2025, 1, 8), "minutes": 60}, *weekly(D0, date(2025, 5, 3), 1),
                {"date": date(2025, 5, 5), "minutes": 10}]
    c = case(phases=PHASES3[:3], goals=GOALS, documentation=DOCS, contacts=contacts)
    assert "W302" not in codes(c, date(2025, 5, 20))  # phase 2 not yet four weeks old
    assert "W302" in codes(c, date(2025, 6, 20))


def test_intensity_without_minutes_says_nothing() -> None:
    contacts = [{"date": date(2025, 1, 8)}, *({"date": d["date"]} for d in
                                              weekly(D0, date(2025, 6, 20), 1))]
    c = case(phases=PHASES3[:3], goals=GOALS, documentation=DOCS, contacts=contacts)
    assert "W302" not in codes(c, date(2025, 6, 20))


def test_no_first_contact_within_the_first_month() -> None:
    c = case(contacts=[{"date": date(2025, 2, 10)}])
    assert "W303" not in codes(c, date(2025, 2, 5))   # the month is not over yet
    assert "W303" in codes(c, date(2025, 2, 6))       # 2025-01-06 + 1 month
    assert "W303" not in codes(case(), date(2025, 2, 6))


def test_handover_meetings_by_end_minus_one_month() -> None:
    base = {"phases": PHASES3, "goals": GOALS, "documentation": DOCS}
    late = case(**base, checklists={"closure": {"handover_talks": date(2025, 10, 10)}})
    assert "W304" not in codes(late, date(2025, 10, 3))  # handover_by itself
    assert "W304" in codes(late, date(2025, 10, 4))
    on_time = case(**base, handover={"meetings": [date(2025, 9, 30)]})
    assert "W304" not in codes(on_time, date(2025, 10, 20))
    early_end = case(phases=[*PHASES3[:2], {"name": "closed", "start": date(2025, 4, 1)}],
                     closed={"date": date(2025, 4, 1), "reason": "declined"})
    assert "W304" not in codes(early_end, date(2025, 12, 1))


def test_anchor_at_closure() -> None:
    none = completed(network=[{"name": "Lis", "role": "sagsbehandler"}])
    assert [i.loc for i in issues(none, date(2026, 1, 1)) if i.code == "E304"] == [("network",)]
    two = completed(network=[{"name": "Lis", "anchor": True}, {"name": "Ib", "anchor": True}])
    assert [i.loc for i in issues(two, date(2026, 1, 1)) if i.code == "E305"] == [
        ("network", 1, "anchor")]
    declined = case(phases=[*PHASES3[:2], {"name": "closed", "start": date(2025, 3, 1)}],
                    closed={"date": date(2025, 3, 1), "reason": "declined"},
                    documentation={"start": D0, "closure": date(2025, 3, 1)})
    assert codes(declined, date(2026, 1, 1)) == []


def test_completed_without_handover_plan() -> None:
    no_plan = completed(checklists={"closure": {k: v for k, v in CLOSURE_DONE.items()
                                                if k != "handover_plan"}},
                        handover={"follow_on": {"none": "netværket bærer"}})
    assert codes(no_plan, date(2026, 1, 1)) == ["W305"]
    written = completed(checklists={"closure": {k: v for k, v in CLOSURE_DONE.items()
                                                if k != "handover_plan"}},
                        handover={"plan": "Lis holder møde hver måned",
                                  "follow_on": {"none": "netværket bærer"}})
    assert codes(written, date(2026, 1, 1)) == []


def test_closed_without_reason() -> None:
    c = completed(closed={"date": date(2025, 11, 3)})
    assert [(i.code, i.loc) for i in issues(c, date(2026, 1, 1))] == [("E306", ("closed",))]


def test_unknown_checklist_id_suggests_the_right_one() -> None:
    c = case(checklists={"phase1": {"econmy": date(2025, 2, 10)},
                         "contact": {"economy": date(2025, 1, 20)}})
    found = {i.loc: i for i in issues(c, date(2025, 2, 20))}
    typo = found[("checklists", "phase1", "econmy")]
    assert typo.code == "W306" and typo.hint == "did you mean 'economy'?"
    wrong_gate = found[("checklists", "contact", "economy")]
    assert wrong_gate.code == "W306" and "phase1" in (wrong_gate.hint or "")


def test_na_only_on_conditional_items() -> None:
    c = case(checklists={"phase1": {"economy": {"na": "har job"}, "jobcentre": {"na": "i job"}}})
    found = [i for i in issues(c, date(2025, 2, 20)) if i.code == "E307"]
    assert [i.loc for i in found] == [("checklists", "phase1", "economy")]


def test_documentation_point_passed_without_record() -> None:
    c = case(documentation={})
    assert "W307" not in codes(c, D0)
    found = [i for i in issues(c, D0 + timedelta(1)) if i.code == "W307"]
    assert len(found) == 1 and "'start'" in found[0].message
    # month3 falls due at d0 + 3 months, in phase 2
    c3 = case(phases=PHASES3[:3], goals=GOALS, documentation={"start": D0})
    assert "month3" in " ".join(i.message for i in issues(c3, date(2025, 5, 4)))


def test_documentation_after_an_early_end_needs_only_closure() -> None:
    c = case(phases=[*PHASES3[:2], {"name": "closed", "start": date(2025, 4, 1)}],
             closed={"date": date(2025, 4, 1), "reason": "ended_early"},
             documentation={"start": D0})
    found = [i.message for i in issues(c, date(2026, 1, 1)) if i.code == "W307"]
    assert len(found) == 1 and "'closure'" in found[0]


def test_method_rules_skip_without_a_method() -> None:
    c = case(checklists={"phase1": {"econmy": date(2025, 2, 10)}}, documentation={})
    assert codes(c, date(2025, 3, 1), method=None) == []


def test_check_cli_places_a_rule_finding_on_its_line(cti: Any, plain_folder: Path) -> None:
    text = """\
id: c9
citizen: {initials: AB}
target_group: psychiatric
worker: anna
transition: {date: 2025-02-03}
phases:
  - {name: contact, start: 2025-01-06}
  - {name: phase1, start: 2025-02-03}
contacts:
  - {date: 2025-01-08, minutes: 60}
goals:
  - {id: g1, text: a, domain: housing}
  - {id: g2, text: b, domain: economy}
  - {id: g3, text: c, domain: network}
  - {id: g4, text: d, domain: mental_health}
documentation: {start: {date: 2025-02-03, form: status/1}}
"""
    (plain_folder / "cases" / "c9.yaml").write_text(text, "utf-8")
    team_language(plain_folder, "en")  # the placement is the point: English words
    r = cti("-C", plain_folder, "check", "--date", "2025-02-20", cwd=plain_folder)
    assert r.code == 1, r.output
    assert r.out.startswith("cases/c9.yaml:15:5: E302 4 goals"), r.out
    assert "1 error, 0 warnings" in r.err
    r = cti("-C", plain_folder, "check", "--date", "2025-05-10", cwd=plain_folder)
    assert "cases/c9.yaml:8:27: W301 warning: phase1 was planned to end 2025-05-03" in r.out
    assert "cases/c9.yaml:16:16: W307 warning: documentation point 'month3'" in r.out


@pytest.mark.parametrize(("d0", "phase2_due"), [
    (date(2023, 11, 30), date(2024, 2, 29)),  # leap year: Feb 29 exists
    (date(2024, 11, 30), date(2025, 2, 28)),  # common year: clipped to Feb 28
    (date(2024, 10, 31), date(2025, 1, 31)),
])
def test_month_ends_and_leap_years(d0: date, phase2_due: date) -> None:
    c = case(transition={"date": d0}, phases=[{"name": "phase1", "start": d0}],
             contacts=[{"date": d0}], documentation={"start": d0})
    assert "W301" not in codes(c, phase2_due)
    assert "W301" in codes(c, phase2_due + timedelta(1))
    assert "W307" not in codes(c, phase2_due)  # month3 falls due with phase 2
    missing = [i.message for i in issues(c, phase2_due + timedelta(1)) if i.code == "W307"]
    assert missing == [f"documentation point 'month3' was due {phase2_due} and is not recorded"]


def test_leap_day_transition_allows_phase1_from_jan_29() -> None:
    c = case(transition={"date": date(2024, 2, 29)},
             phases=[{"name": "phase1", "start": date(2024, 1, 29)}],
             contacts=[{"date": date(2024, 1, 29)}], documentation={"start": date(2024, 1, 29)})
    assert codes(c, date(2024, 2, 1)) == []
    early = c.model_copy(update={"phases": [c.phases[0].model_copy(
        update={"start": date(2024, 1, 28)})]})
    assert codes(early, date(2024, 2, 1)) == ["E301"]


def test_future_handover_meeting_and_action_done_are_errors() -> None:
    from datetime import date as _date

    from cti_cli.core.model import Case
    from cti_cli.core.rules import RuleContext, no_future_records

    case = Case.model_validate({
        "id": "x", "citizen": {"initials": "AB"}, "target_group": "other", "worker": "anna",
        "transition": {"date": "2026-03-01"},
        "phases": [{"name": "contact", "start": "2026-02-01"}],
        "handover": {"meetings": ["2026-12-01"]},
        "goals": [{"id": "g1", "text": "t", "domain": "housing",
                   "actions": [{"text": "a", "done": "2026-12-02"}]}],
    })
    issues = list(no_future_records(RuleContext(case=case, today=_date(2026, 11, 26))))
    assert [(i.code, i.loc) for i in issues] == [
        ("E206", ("handover", "meetings", 0)),
        ("E206", ("goals", 0, "actions", 0, "done")),
    ]


def test_goals_dropped_when_a_course_closed_still_count() -> None:
    from datetime import date as _date

    from cti_cli.core.model import Case
    from cti_cli.core.rules import RuleContext, goal_count

    data = {
        "id": "x", "citizen": {"initials": "AB"}, "target_group": "other", "worker": "anna",
        "transition": {"date": "2026-03-01"},
        "phases": [{"name": "phase1", "start": "2026-02-01"},
                   {"name": "phase2", "start": "2026-05-01"}],
        "goals": [{"id": "g1", "text": "t", "domain": "housing", "status": "dropped"},
                  {"id": "g2", "text": "u", "domain": "economy", "status": "dropped"}],
    }
    today = _date(2026, 8, 1)
    running = Case.model_validate(data)
    assert [i.code for i in goal_count(RuleContext(case=running, today=today))] == ["E303"]
    data["phases"].append({"name": "closed", "start": "2026-07-01"})
    data["closed"] = {"date": "2026-07-01", "reason": "ended_early"}
    closed = Case.model_validate(data)
    assert list(goal_count(RuleContext(case=closed, today=today))) == []
