"""The course by command and the manual's timing (issue 10), through the CLI on real files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from cti_cli.core.method import load_method


class Case:
    def __init__(self, cti: Any, root: Path, case_id: str = "c1"):
        self.cti, self.root, self.id = cti, root, case_id

    def run(self, *args: Any) -> Any:
        return self.cti("-C", self.root, *args, cwd=self.root)

    def ok(self, *args: Any) -> Any:
        r = self.run(*args)
        assert r.code == 0, (args, r.output)
        return r

    def data(self) -> dict[str, Any]:
        return yaml.safe_load((self.root / "cases" / f"{self.id}.yaml").read_text("utf-8"))

    def codes(self, day: str) -> list[str]:
        return [f["code"] for f in json.loads(self.run("check", "--json", "--date", day).out)]


def english(folder: Path) -> None:
    toml = folder / "cti.toml"
    toml.write_text(toml.read_text("utf-8").replace('language = "da"', 'language = "en"'))


def in_phase1(c: Case, goals: bool = True) -> None:
    """A case in phase 1 since 2025-02-03 (planned: phase 2 2025-05-03, end 2025-11-03)."""
    c.ok("new", "--initials", "MK", "--worker", "anna", "--group", "homelessness",
         "--transition-date", "2025-02-03", "--id", c.id, "--date", "2025-01-06")
    for item in load_method().items("contact"):
        c.ok("tick", c.id, item.id, "--date", "2025-01-08")
    c.ok("advance", c.id, "--date", "2025-02-03")
    if goals:
        c.ok("goal", "add", c.id, "Bolig", "--domain", "housing", "--date", "2025-02-10")
        c.ok("goal", "add", c.id, "Økonomi", "--domain", "economy", "--date", "2025-02-10")
    for item in load_method().items("phase1"):
        c.ok("tick", c.id, item.id, "--date", "2025-02-20")


# -- 1. timing --------------------------------------------------------------------------------


def test_phase2_after_one_month_refused_with_the_date_then_forced_and_warned(
        cti: Any, plain_folder: Path) -> None:
    english(plain_folder)
    c = Case(cti, plain_folder)
    in_phase1(c)
    r = c.run("advance", "c1", "--date", "2025-03-03")
    assert r.code == 1
    assert "2025-05-03" in r.err and "--force --reason" in r.err
    assert c.data()["phases"][-1]["name"] == "phase1"
    assert "W310" not in c.codes("2025-03-03")
    c.ok("advance", "c1", "--date", "2025-03-03", "--force", "--reason", "flytter snart")
    assert c.data()["phases"][-1] == {"name": "phase2", "start": date(2025, 3, 3),
                                      "forced": "flytter snart"}
    r = c.run("check", "--date", "2025-03-04")
    assert "W310" in r.out and "2025-05-03" in r.out
    found = json.loads(c.run("check", "--json", "--date", "2025-03-04").out)
    assert [f["code"] for f in found].count("I301") == 1
    assert "I301" not in r.out  # a forced step is counted in JSON, not printed as a problem


def test_advance_within_the_tolerance_and_team_setting(cti: Any, plain_folder: Path) -> None:
    c = Case(cti, plain_folder)
    in_phase1(c)
    assert c.run("advance", "c1", "--date", "2025-04-18").code == 1  # 15 days early
    c.ok("advance", "c1", "--date", "2025-04-19")                     # 14 days early
    assert "W310" not in c.codes("2025-04-20")
    (plain_folder / "method.yaml").write_text("course:\n  advance_early_days: 30\n", "utf-8")
    assert "W310" not in c.codes("2025-04-20")


def test_close_completed_before_the_end_refused_then_forced_with_a_note(
        cti: Any, plain_folder: Path) -> None:
    c = Case(cti, plain_folder)
    in_phase1(c)
    c.ok("advance", "c1", "--date", "2025-05-03")
    for item in load_method().items("phase2"):
        c.ok("tick", "c1", item.id, "--date", "2025-07-01")
    c.ok("advance", "c1", "--date", "2025-08-03")
    c.ok("network", "add", "c1", "Ole", "--role", "bostøtte", "--anchor", "--date",
         "2025-08-04")
    for item in load_method().items("closure"):
        c.ok("tick", "c1", item.id, "--date", "2025-08-20")
    r = c.run("close", "c1", "--reason", "completed", "--date", "2025-09-01")
    assert r.code == 1 and "2025-11-03" in r.err and "--force --note" in r.err
    assert c.run("close", "c1", "--reason", "completed", "--force", "--date",
                 "2025-09-01").code == 2
    c.ok("close", "c1", "--reason", "completed", "--force", "--note", "mål nået",
         "--date", "2025-09-01")
    assert c.data()["closed"] == {"date": date(2025, 9, 1), "reason": "completed",
                                  "forced": "mål nået"}
    codes = c.codes("2025-09-02")
    assert "W310" in codes and "I301" in codes and "W312" in codes
    show = c.run("show", "c1", "--date", "2025-09-02")
    assert "mål nået" in show.out


def test_completed_long_after_the_planned_end_warns(cti: Any, plain_folder: Path) -> None:
    c = Case(cti, plain_folder)
    in_phase1(c)
    c.ok("advance", "c1", "--date", "2025-05-03")
    for item in load_method().items("phase2"):
        c.ok("tick", "c1", item.id, "--date", "2025-07-01")
    c.ok("advance", "c1", "--date", "2025-08-03")
    c.ok("network", "add", "c1", "Ole", "--role", "bostøtte", "--anchor", "--date",
         "2025-08-04")
    for item in load_method().items("closure"):
        c.ok("tick", "c1", item.id, "--date", "2025-08-20")
    c.ok("close", "c1", "--reason", "completed", "--date", "2025-12-10")
    assert "W311" in c.codes("2025-12-10")


# -- 2. intensity -----------------------------------------------------------------------------


def _logs(c: Case, start: str, end: str, every: int, minutes: int = 60) -> None:
    d, stop = date.fromisoformat(start), date.fromisoformat(end)
    while d < stop:
        c.ok("log", "c1", "møde", "--minutes", str(minutes), "--date", d.isoformat(),
             "--no-commit")
        d = date.fromordinal(d.toordinal() + every)


def test_flat_intensity_is_flagged_a_short_crisis_is_not(cti: Any,
                                                         plain_folder: Path) -> None:
    c = Case(cti, plain_folder)
    in_phase1(c)
    _logs(c, "2025-02-03", "2025-05-03", 7)
    c.ok("advance", "c1", "--date", "2025-05-03")
    _logs(c, "2025-05-03", "2025-06-01", 14)
    _logs(c, "2025-06-01", "2025-06-22", 7)     # three weeks of crisis: back to weekly
    _logs(c, "2025-06-22", "2025-08-03", 14)
    for item in load_method().items("phase2"):
        c.ok("tick", "c1", item.id, "--date", "2025-07-01")
    c.ok("advance", "c1", "--date", "2025-08-03")
    assert "W302" not in c.codes("2025-08-04")
    _logs(c, "2025-05-10", "2025-08-03", 14)     # now weekly all through phase 2: flat
    assert "W302" in c.codes("2025-08-04")


# -- 3. handover ------------------------------------------------------------------------------


def test_handover_meeting_by_command_quiets_check_and_due(cti: Any,
                                                          plain_folder: Path) -> None:
    c = Case(cti, plain_folder)
    in_phase1(c)
    c.ok("advance", "c1", "--date", "2025-05-03")
    for item in load_method().items("phase2"):
        c.ok("tick", "c1", item.id, "--date", "2025-07-01")
    c.ok("advance", "c1", "--date", "2025-08-03")
    due = json.loads(c.run("due", "--json", "--date", "2025-09-25").out)
    assert "handover_meeting" in [d["kind"] for d in due]
    assert "W304" in c.codes("2025-10-05")
    c.ok("handover", "meeting", "c1", "--with", "borger", "--with", "Lis Holm", "--place",
         "hjemme", "--note", "plan aftalt", "--date", "2025-09-25")
    assert c.data()["handover"]["meetings"] == [
        {"date": date(2025, 9, 25), "with": ["borger", "Lis Holm"], "place": "hjemme",
         "note": "plan aftalt"}]
    due = json.loads(c.run("due", "--json", "--date", "2025-09-25").out)
    assert "handover_meeting" not in [d["kind"] for d in due]
    assert "W304" not in c.codes("2025-10-05")
    assert c.run("handover", "meeting", "c1", "--date", "2025-09-25").code == 2


def test_handover_plan_follow_on_and_anchor(cti: Any, plain_folder: Path,
                                           tmp_path: Path) -> None:
    c = Case(cti, plain_folder)
    in_phase1(c)
    plan = tmp_path / "plan.txt"
    plan.write_text("Ole følger op.\nLis har ansvaret.\n", "utf-8")
    c.ok("handover", "plan", "c1", "--file", plan, "--date", "2025-03-01")
    assert c.data()["handover"]["plan"] == "Ole følger op.\nLis har ansvaret.\n"
    assert c.run("handover", "plan", "c1", "x", "--file", plan).code == 2
    c.ok("handover", "follow-on", "c1", "--what", "bostøtte", "--start", "2025-10-20",
         "--by", "Ole", "--date", "2025-03-01")
    assert c.data()["handover"]["follow_on"] == {"what": "bostøtte",
                                                 "start": date(2025, 10, 20), "by": "Ole"}
    assert c.run("handover", "follow-on", "c1", "--what", "x").code == 2
    c.ok("handover", "follow-on", "c1", "--none", "klarer sig", "--date", "2025-03-01")
    assert c.data()["handover"]["follow_on"] == {"none": "klarer sig"}
    c.ok("network", "add", "c1", "Lis", "--role", "sagsbehandler", "--org", "kommunen",
         "--kind", "professional", "--anchor", "--date", "2025-03-01")
    c.ok("network", "add", "c1", "Ole", "--role", "ven", "--kind", "private", "--date",
         "2025-03-01")
    r = c.run("network", "add", "c1", "Ib", "--role", "x", "--anchor")
    assert r.code == 1 and "cti network anchor" in r.err
    c.ok("network", "anchor", "c1", "Ole", "--date", "2025-03-02")
    assert [(p["name"], p.get("anchor")) for p in c.data()["network"]] == [
        ("Lis", None), ("Ole", True)]
    assert c.data()["network"][0]["org"] == "kommunen"
    assert c.run("network", "anchor", "c1", "Olle").code == 2
    assert c.run("network", "add", "c1", "Bo", "--role", "x", "--kind", "friend").code == 2


def test_follow_on_after_the_planned_end_warns(cti: Any, plain_folder: Path) -> None:
    c = Case(cti, plain_folder)
    in_phase1(c)
    c.ok("advance", "c1", "--date", "2025-05-03")
    for item in load_method().items("phase2"):
        c.ok("tick", "c1", item.id, "--date", "2025-07-01")
    c.ok("advance", "c1", "--date", "2025-08-03")
    c.ok("network", "add", "c1", "Ole", "--role", "bostøtte", "--anchor", "--date",
         "2025-08-04")
    for item in load_method().items("closure"):
        c.ok("tick", "c1", item.id, "--date", "2025-08-20")
    c.ok("handover", "follow-on", "c1", "--what", "bostøtte", "--start", "2025-12-01",
         "--date", "2025-09-01")
    c.ok("close", "c1", "--reason", "completed", "--date", "2025-11-03")
    assert "W312" in c.codes("2025-11-03")


# -- 4. goals, plan, assessment ---------------------------------------------------------------


def test_goal_set_and_actions(cti: Any, plain_folder: Path) -> None:
    c = Case(cti, plain_folder)
    in_phase1(c)
    c.ok("goal", "add", "c1", "Job", "--domain", "education_work", "--date", "2025-02-11")
    r = c.run("goal", "add", "c1", "Fjerde", "--domain", "housing")
    assert r.code == 1 and "cti goal set c1 GOAL --status dropped" in r.err
    c.ok("goal", "set", "c1", "g3", "--status", "dropped", "--note", "ikke nu", "--date",
         "2025-02-12")
    c.ok("goal", "add", "c1", "Fjerde", "--domain", "housing", "--date", "2025-02-12")
    assert c.run("goal", "set", "c1", "g3", "--status", "open").code == 1  # would be 4
    assert c.run("goal", "set", "c1", "g9", "--status", "done").code == 2
    assert c.run("goal", "set", "c1", "g1", "--status", "finished").code == 2
    c.ok("goal", "set", "c1", "g1", "--text", "Blive boende", "--date", "2025-02-12")
    c.ok("goal", "action", "c1", "g1", "Ring til udlejer", "--who", "borger", "--due",
         "2025-02-20", "--date", "2025-02-12")
    c.ok("goal", "action", "c1", "g1", "Søg boligstøtte", "--date", "2025-02-12")
    c.ok("goal", "action", "c1", "g1", "--done", "2", "--date", "2025-02-14")
    assert c.run("goal", "action", "c1", "g1", "--done", "3").code == 2
    g1 = c.data()["goals"][0]
    assert g1["text"] == "Blive boende"
    assert g1["actions"] == [
        {"text": "Ring til udlejer", "who": "borger", "due": date(2025, 2, 20)},
        {"text": "Søg boligstøtte", "done": date(2025, 2, 14)}]
    assert c.data()["goals"][2] == {"id": "g3", "text": "Job", "domain": "education_work",
                                    "status": "dropped", "note": "ikke nu"}


def test_plan_and_assessment(cti: Any, plain_folder: Path) -> None:
    c = Case(cti, plain_folder)
    in_phase1(c, goals=False)
    c.ok("plan", "c1", "Bo trygt", "--date", "2025-02-10")
    c.ok("plan", "c1", "Job til efteråret", "--append", "--date", "2025-02-11")
    assert c.data()["plan"] == "Bo trygt\nJob til efteråret\n"
    c.ok("plan", "c1", "Ny plan", "--date", "2025-02-12")
    assert c.data()["plan"] == "Ny plan"
    c.ok("assess", "c1", "economy", "--own-view", "svært", "--priority", "high", "--date",
         "2025-02-10")
    c.ok("assess", "c1", "economy", "--needs", "budget", "--date", "2025-02-11")
    assert c.data()["assessment"] == {"economy": {"own_view": "svært", "priority": "high",
                                                  "needs": "budget"}}
    assert c.run("assess", "c1", "economi", "--needs", "x").code == 2
    assert c.run("assess", "c1", "economy").code == 2
    c.ok("tick", "c1", "needs_assessed", "--undo", "--date", "2025-02-12")
    r = c.run("checklist", "c1", "--date", "2025-02-12")
    line = next(x for x in r.out.splitlines() if x.startswith("needs_assessed: "))
    assert "housing" in line and "economy" not in line


# -- 5. ends ----------------------------------------------------------------------------------


def test_moved_municipality_records_where_and_who(cti: Any, plain_folder: Path) -> None:
    c = Case(cti, plain_folder)
    in_phase1(c)
    assert c.run("close", "c1", "--reason", "moved_municipality", "--date",
                 "2025-03-01").code == 2
    r = c.ok("close", "c1", "--reason", "moved_municipality", "--to-municipality", "Aarhus",
             "--date", "2025-03-01")
    assert "koordinerende rådgiver" in r.out
    assert c.data()["closed"] == {"date": date(2025, 3, 1), "reason": "moved_municipality",
                                  "to_municipality": "Aarhus"}


def test_declined_shows_coordinating_advice(cti: Any, plain_folder: Path) -> None:
    c = Case(cti, plain_folder)
    in_phase1(c)
    r = c.ok("close", "c1", "--reason", "declined", "--date", "2025-03-01")
    assert "koordinerende rådgivning efter SEL § 109, stk. 7" in r.out
    assert "almindelig rådgivning" not in r.out


# -- 6. a closed course -----------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ("tick", "c1", "anchored"),
    ("goal", "set", "c1", "g1", "--status", "done"),
    ("goal", "action", "c1", "g1", "Ring"),
    ("plan", "c1", "Ny plan"),
    ("handover", "plan", "c1", "Plan"),
    ("handover", "meeting", "c1", "--with", "borger"),
])
def test_a_closed_course_takes_changes_only_when_forced(cti: Any, plain_folder: Path,
                                                        args: tuple[str, ...]) -> None:
    c = Case(cti, plain_folder)
    in_phase1(c)
    c.ok("close", "c1", "--reason", "ended_early", "--date", "2025-03-01")
    r = c.run(*args, "--date", "2025-03-02")
    assert r.code == 1 and "--force --reason" in r.err
    c.ok(*args, "--date", "2025-03-02", "--force", "--reason", "glemt")
    forced = c.data()["forced"]
    assert forced[0]["reason"] == "glemt" and forced[0]["date"] == date(2025, 3, 2)
    assert "I301" in c.codes("2025-03-02")


def test_tick_before_the_case_began_refused_and_an_error_in_check(
        cti: Any, plain_folder: Path) -> None:
    c = Case(cti, plain_folder)
    c.ok("new", "--initials", "MK", "--worker", "anna", "--group", "homelessness",
         "--transition-date", "2025-02-03", "--id", "c1", "--date", "2025-01-06")
    assert c.run("tick", "c1", "informed", "--date", "2025-01-01").code == 2
    path = plain_folder / "cases" / "c1.yaml"
    path.write_text(path.read_text("utf-8") + "checklists:\n  contact:\n    informed: "
                    "2025-01-01\ndocumentation:\n  start: 2025-01-02\n", "utf-8")
    r = c.run("check", "--date", "2025-01-10")
    assert r.code == 1 and r.out.count("E208") == 2



def test_close_moved_fills_in_who_took_over_later(cti: Any, plain_folder: Path) -> None:
    c = Case(cti, plain_folder)
    in_phase1(c)
    c.ok("close", "c1", "--reason", "moved_municipality", "--to-municipality", "Aarhus",
         "--date", "2025-03-01")
    c.ok("close", "c1", "--reason", "moved_municipality", "--handover-to", "rådgiver Aarhus",
         "--date", "2025-03-10")
    assert c.data()["closed"] == {"date": date(2025, 3, 1), "reason": "moved_municipality",
                                  "to_municipality": "Aarhus",
                                  "handover_to": "rådgiver Aarhus"}
