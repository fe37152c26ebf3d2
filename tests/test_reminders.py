"""The reminder engine: each kind from a real `Case`, at its boundary days, and what stays out.

d0 (phase-1 start) is 2026-01-15 throughout: phase 2 is planned for 2026-04-15, phase 3 for
2026-07-15, the end for 2026-10-15, and handover meetings by 2026-09-15.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from cti_cli.core.dueitem import KINDS, NO_CASE, DueItem
from cti_cli.core.method import Method, load_method
from cti_cli.core.model import Case
from cti_cli.core.reminders import due_items, rhythm_days
from cti_cli.core.schedule import add_months
from cti_cli.core.settings import TeamConfig

D0 = date(2026, 1, 15)
PHASE2, PHASE3, END, HANDOVER_BY = (date(2026, 4, 15), date(2026, 7, 15), date(2026, 10, 15),
                                    date(2026, 9, 15))
NAME, NOTE, PLACE = "Mette Kjær", "talte om hendes diagnose", "Nørregade 7"
ALL_DOCS = {"start": "2026-01-15", "month3": "2026-04-15", "month6": "2026-07-15"}
PHASE1_DONE = dict.fromkeys(("economy", "needs_assessed", "long_term_plan", "network_started",
                             "coordination", "meetings_held", "local_offers", "jobcentre"),
                            "2026-03-01")


@pytest.fixture(scope="module")
def method() -> Method:
    return load_method()


def config(**sections: Any) -> TeamConfig:
    data: dict[str, Any] = {"workers": {"anna": {"name": "Anna Jensen", "fte": 1.0},
                                        "bo": {"name": "Bo Larsen", "fte": 0.5}}}
    data.update(sections)
    return TeamConfig.model_validate(data)


def case(phase: str = "phase1", *, case_id: str = "2026-001", worker: str = "anna",
         **extra: Any) -> Case:
    """A course in `phase` that started phase 1 on D0 and moved on exactly as planned."""
    starts = {"contact": D0 - timedelta(days=20), "phase1": D0, "phase2": PHASE2,
              "phase3": PHASE3, "closed": END}
    order = list(starts)
    phases = [{"name": p, "start": starts[p].isoformat()}
              for p in order[: order.index(phase) + 1]]
    data: dict[str, Any] = {
        "id": case_id,
        "citizen": {"initials": "MK", "name": NAME},
        "target_group": "homelessness",
        "worker": worker,
        "transition": {"kind": "move_in", "date": D0.isoformat()},
        "phases": phases,
    }
    if phase == "closed":
        data["closed"] = {"date": END.isoformat(), "reason": "completed"}
    data.update(extra)
    return Case.model_validate(data)


def contacted(day: date) -> list[dict[str, Any]]:
    return [{"id": "c1", "date": day.isoformat(), "place": PLACE, "note": NOTE}]


def run(cases: list[Case], today: date, method: Method, cfg: TeamConfig | None = None,
        within: int | None = None) -> list[DueItem]:
    return due_items(cases, today, config=cfg or config(), method=method, within=within)


def of(items: list[DueItem], kind: str) -> list[DueItem]:
    return [i for i in items if i.kind == kind]


# --- phase_end -------------------------------------------------------------------------


@pytest.mark.parametrize(("today", "fires"), [
    (PHASE2 - timedelta(days=15), False),
    (PHASE2 - timedelta(days=14), True),   # the horizon's last day counts
    (PHASE2, True),
    (PHASE2 + timedelta(days=30), True),   # past and not advanced: stays due, overdue
])  # fmt: skip
def test_phase_end_within_the_horizon_or_past(method: Method, today: date, fires: bool) -> None:
    items = of(run([case("phase1")], today, method), "phase_end")
    assert bool(items) is fires
    if fires:
        (item,) = items
        assert (item.due, item.days_left) == (PHASE2, (PHASE2 - today).days)
        assert "2026-04-15" in item.message


def test_phase3_end_is_the_course_end(method: Method) -> None:
    (item,) = of(run([case("phase3")], END - timedelta(days=3), method), "phase_end")
    assert item.due == END
    assert item.days_left == 3
    assert "forløbet" in item.message


def test_horizon_argument_overrides_the_team_setting(method: Method) -> None:
    today = PHASE2 - timedelta(days=20)
    assert not of(run([case("phase1")], today, method), "phase_end")
    assert of(run([case("phase1")], today, method, within=20), "phase_end")
    assert of(run([case("phase1")], today, method, config(reminders={"horizon_days": 30})),
              "phase_end")
    with pytest.raises(ValueError, match="horizon"):
        run([case("phase1")], today, method, within=-1)


# --- documentation ---------------------------------------------------------------------


def test_documentation_points_not_recorded(method: Method) -> None:
    items = of(run([case("phase1")], PHASE2 - timedelta(days=14), method), "documentation")
    assert [(i.due, i.days_left < 0) for i in items] == [(D0, True), (PHASE2, False)]
    assert "'start'" in items[0].message  # labels in the team's language (da)
    assert "'3 mdr.'" in items[1].message


def test_recorded_documentation_is_silent(method: Method) -> None:
    done = case("phase3", documentation=ALL_DOCS)
    items = of(run([done], END - timedelta(days=1), method), "documentation")
    assert [i.due for i in items] == [END]  # only closure is left
    assert "'afslutning'" in items[0].message


# --- handover_meeting ------------------------------------------------------------------


def test_handover_meeting_by_end_minus_one_month(method: Method) -> None:
    assert not of(run([case("phase3")], HANDOVER_BY - timedelta(days=15), method),
                  "handover_meeting")
    (item,) = of(run([case("phase3")], HANDOVER_BY - timedelta(days=14), method),
                 "handover_meeting")
    assert (item.due, item.days_left) == (HANDOVER_BY, 14)
    held = case("phase3", handover={"meetings": ["2026-09-01"]})
    assert not of(run([held], HANDOVER_BY, method), "handover_meeting")


def test_handover_meeting_needs_a_course_not_a_contact_period(method: Method) -> None:
    assert not of(run([case("contact")], HANDOVER_BY, method), "handover_meeting")


# --- checklist -------------------------------------------------------------------------


def test_checklist_open_items_when_the_phase_end_is_near(method: Method) -> None:
    partly = case("phase1", checklists={"phase1": {
        "economy": "2026-02-01", "jobcentre": {"na": "works already"}}})
    assert not of(run([partly], PHASE2 - timedelta(days=15), method), "checklist")
    (item,) = of(run([partly], PHASE2 - timedelta(days=14), method), "checklist")
    assert item.due == PHASE2
    assert "'fase 1'" in item.message
    assert item.message.startswith("6 ")
    assert "behov afdækket" in item.message
    assert "økonomi" not in item.message
    assert "jobcenter" not in item.message  # conditional and marked not applicable


def test_complete_checklist_is_silent(method: Method) -> None:
    done = case("phase1", checklists={"phase1": PHASE1_DONE})
    assert not of(run([done], PHASE2, method), "checklist")


def test_phase3_uses_the_closure_gate(method: Method) -> None:
    (item,) = of(run([case("phase3")], END, method), "checklist")
    assert "'afslutning'" in item.message
    assert "ansvar forankret" in item.message


# --- appointment -----------------------------------------------------------------------


def test_appointment_tomorrow_only_and_without_personal_text(method: Method) -> None:
    today = date(2026, 2, 10)
    appointments = [
        {"date": "2026-02-11", "time": "14:00", "with": "lægen", "place": PLACE, "note": NOTE},
        {"date": "2026-02-11", "time": "09:30"},
        {"date": "2026-02-12", "time": "10:00"},
        {"date": "2026-02-10", "time": "10:00"},
    ]
    items = of(run([case("phase1", appointments=appointments)], today, method, within=0),
               "appointment")
    (item,) = items  # two tomorrow: one reminder, one ledger key
    assert (item.due, item.days_left) == (date(2026, 2, 11), 1)
    assert "09:30, 14:00" in item.message
    assert "sms" in item.message.lower()
    for text in (PLACE, NOTE, "lægen"):
        assert text not in item.message


def test_appointment_reminders_in_the_contact_period_too(method: Method) -> None:
    c = case("contact", appointments=[{"date": "2026-01-03"}])
    assert of(run([c], date(2026, 1, 2), method), "appointment")


# --- no_contact ------------------------------------------------------------------------


@pytest.mark.parametrize(("phase", "rhythm", "today"), [
    ("phase1", 7, date(2026, 3, 1)),
    ("phase2", 14, date(2026, 5, 1)),
    ("phase3", 30, date(2026, 8, 20)),
])  # fmt: skip
def test_no_contact_after_the_phase_rhythm(method: Method, phase: str, rhythm: int,
                                           today: date) -> None:
    on_time = case(phase, contacts=contacted(today - timedelta(days=rhythm)))
    assert not of(run([on_time], today, method), "no_contact")
    late = case(phase, contacts=contacted(today - timedelta(days=rhythm + 1)))
    (item,) = of(run([late], today, method), "no_contact")
    assert item.due == today - timedelta(days=1)
    assert item.days_left == -1
    assert f"{rhythm} dage" in item.message


def test_no_contact_counts_from_the_phase_start_when_none_logged(method: Method) -> None:
    (item,) = of(run([case("phase2")], PHASE2 + timedelta(days=15), method), "no_contact")
    assert item.due == PHASE2 + timedelta(days=14)


def test_contacts_after_the_given_day_do_not_count(method: Method) -> None:
    later = case("phase1", contacts=contacted(date(2026, 3, 10)))
    assert of(run([later], date(2026, 3, 1), method), "no_contact")


def test_no_contact_rhythm_from_cti_toml_else_method(method: Method) -> None:
    assert rhythm_days("phase1", config(), method) == method.phase("phase1").no_contact_days
    team = config(reminders={"no_contact_days": {"phase1": 3}})
    assert rhythm_days("phase1", team, method) == 3
    assert rhythm_days("phase2", team, method) == 14  # not set by the team: the method's
    today = date(2026, 3, 1)
    c = case("phase1", contacts=contacted(today - timedelta(days=4)))
    assert not of(run([c], today, method), "no_contact")
    assert of(run([c], today, method, team), "no_contact")


# --- contact_period --------------------------------------------------------------------


def test_contact_period_limit(method: Method) -> None:
    start = D0 - timedelta(days=20)
    limit = start + timedelta(days=60)
    in_contact = case("contact", contacts=contacted(limit))
    assert not of(run([in_contact], limit - timedelta(days=15), method), "contact_period")
    (item,) = of(run([in_contact], limit - timedelta(days=14), method), "contact_period")
    assert (item.due, item.days_left) == (limit, 14)
    (item,) = of(run([in_contact], limit + timedelta(days=1), method,
                     config(reminders={"contact_period_days": 30})), "contact_period")
    assert item.due == start + timedelta(days=30)


def test_contact_period_has_only_its_own_kinds(method: Method) -> None:
    kinds = {i.kind for i in run([case("contact", appointments=[{"date": "2026-05-02"}])],
                                 date(2026, 5, 1), method)}
    assert kinds == {"contact_period", "no_contact", "appointment"}


# --- caseload --------------------------------------------------------------------------


def many(worker: str, n: int, *, phase: str = "phase1") -> list[Case]:
    """n courses for `worker`, the k-th started k days after D0's contact period."""
    out = []
    for k in range(n):
        c = case(phase, case_id=f"{worker}-{k}", worker=worker, contacts=contacted(D0))
        phases = [{"name": p.name, "start": (p.start + timedelta(days=k)).isoformat()}
                  for p in c.phases]
        data = c.to_data() | {"phases": phases}
        out.append(Case.model_validate(data))
    return out


def test_caseload_with_half_time_worker(method: Method) -> None:
    today = date(2026, 3, 1)
    assert not of(run(many("bo", 5), today, method), "caseload")  # 10 × 0.5 = 5 is fine
    six = many("bo", 6) + many("anna", 10)
    (item,) = of(run(six, today, method), "caseload")
    assert (item.case, item.initials, item.worker) == (NO_CASE, "", "bo")
    assert item.due == D0 - timedelta(days=20) + timedelta(days=5)  # the sixth case's start
    assert item.message.startswith("6 åbne sager, over 5 (10 pr. årsværk × 0,5")


def test_closed_cases_do_not_count_towards_caseload(method: Method) -> None:
    cases = many("bo", 5) + many("bo", 3, phase="closed")
    assert not of(run(cases, date(2026, 11, 1), method), "caseload")


def test_caseload_of_a_worker_missing_from_cti_toml_uses_one_fte(method: Method) -> None:
    team = config(team={"caseload_per_fte": 2})
    (item,) = of(run(many("carl", 3), date(2026, 3, 1), method, team), "caseload")
    assert item.worker == "carl"
    assert "over 2 " in item.message


# --- the whole run ---------------------------------------------------------------------


def test_closed_cases_are_silent(method: Method) -> None:
    closed = case("closed", appointments=[{"date": "2026-11-02"}],
                  documentation={"closure": END.isoformat()})
    assert run([closed], date(2026, 11, 1), method, within=366) == []
    ended_early = case("phase2", closed={"date": "2026-05-01", "reason": "ended_early"})
    assert run([ended_early], date(2026, 11, 1), method) == []


def test_every_kind_sorted_most_urgent_first_and_free_of_personal_text(method: Method) -> None:
    today = END - timedelta(days=3)
    cases = [
        case("phase3", case_id="a", appointments=[{"date": (today + timedelta(days=1))
                                                  .isoformat(), "place": PLACE, "note": NOTE}],
             contacts=contacted(PHASE3)),
        case("contact", case_id="b", worker="bo", contacts=contacted(D0)),
        *many("bo", 5),
    ]
    items = run(cases, today, method)
    assert {i.kind for i in items} == set(KINDS)
    keys = [(i.days_left, i.case) for i in items]
    assert keys == sorted(keys)
    for item in items:
        for text in (NAME, NOTE, PLACE, "Mette", "Kjær"):
            assert text not in item.message
        assert "MK" not in item.message  # initials travel in their own field only


def test_messages_follow_the_team_language(method: Method) -> None:
    team = config(team={"language": "en"})
    (item,) = of(run([case("phase1")], PHASE2, method, team), "phase_end")
    assert item.message == "phase 1 planned to end 2026-04-15; next phase 2"


def test_six_month_courses(method: Method) -> None:
    team = config(team={"course_months": 6})
    (item,) = of(run([case("phase1")], D0 + timedelta(days=50), method, team), "phase_end")
    assert item.due == add_months(D0, 2)


def test_friday_run_reminds_of_monday_appointments() -> None:
    from cti_cli.core.reminders import remind_days

    friday = date(2026, 11, 27)
    assert friday.weekday() == 4
    assert remind_days(friday) == [date(2026, 11, 28), date(2026, 11, 29), date(2026, 11, 30)]
    assert remind_days(date(2026, 11, 25)) == [date(2026, 11, 26)]
