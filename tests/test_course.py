"""A course through the CLI, as a worker drives it: every step dated, `check` clean throughout."""

from __future__ import annotations

import json
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from cti_cli.core.method import load_method


class Course:
    """Runs `cti` in one folder, and after every change asks `cti check` on that day."""

    def __init__(self, cti: Any, root: Path, case_id: str = "c1"):
        self.cti, self.root, self.id = cti, root, case_id

    def run(self, *args: Any) -> Any:
        return self.cti("-C", self.root, *args, cwd=self.root)

    def step(self, *args: Any, day: date) -> Any:
        r = self.run(*args, "--date", day.isoformat())
        assert r.code == 0, (args, r.output)
        c = self.run("check", "--date", day.isoformat())
        assert (c.code, c.out, c.err) == (0, "", ""), (args, day, c.output)
        return r

    def data(self) -> dict[str, Any]:
        return yaml.safe_load((self.root / "cases" / f"{self.id}.yaml").read_text("utf-8"))


def mondays(start: date, end: date, every: int = 1) -> list[date]:
    return [start + timedelta(weeks=k) for k in range(0, (end - start).days // 7 + 1, every)
            if start + timedelta(weeks=k) < end]


def test_complete_nine_month_course_through_the_cli(cti: Any, plain_folder: Path) -> None:
    c = Course(cti, plain_folder)
    c.step("new", "--initials", "MK", "--worker", "anna", "--group", "homelessness",
           "--transition-date", "2025-02-03", "--id", "c1", day=date(2025, 1, 6))
    # the contact period
    c.step("log", "c1", "Første møde på herberget", "--minutes", "60", day=date(2025, 1, 8))
    c.step("tick", "c1", "contact_made", day=date(2025, 1, 8))
    c.step("tick", "c1", "informed", day=date(2025, 1, 8))
    c.step("appointment", "c1", "--at", "2025-01-15 10:00", "--with", "citizen", "--place",
           "herberget", day=date(2025, 1, 8))
    c.step("tick", "c1", "contact_agreement", day=date(2025, 1, 15))
    c.step("advance", "c1", day=date(2025, 2, 3))
    first = plain_folder.parent / "start.yaml"
    first.write_text("domains: {housing: 2, economy: 2}\nfidelity: {own_wishes: yes}\n")
    later = plain_folder.parent / "later.yaml"
    later.write_text("domains: {housing: 4, economy: 3}\ngoals: {g1: 5, g2: 4}\n"
                     "own_view: Det går bedre.\nfidelity: {own_wishes: yes}\n")
    c.step("document", "c1", "start", "--form", first, day=date(2025, 2, 3))
    # phase 1: weekly, an hour; goals, network and checklist as the weeks go
    steps: list[tuple[date, tuple[str, ...]]] = [
        (d, ("log", "c1", "Hjemmebesøg", "--minutes", "60"))
        for d in mondays(date(2025, 2, 3), date(2025, 5, 3))]
    steps += [
        (date(2025, 2, 10), ("assess", "c1", "housing", "--own-view", "Vil gerne blive boende",
                             "--priority", "high")),
        (date(2025, 2, 10), ("assess", "c1", "economy", "--needs", "Budget", "--resources",
                             "Søster hjælper")),
        (date(2025, 2, 18), ("goal", "add", "c1", "Blive boende i lejligheden", "--domain",
                             "housing")),
        (date(2025, 2, 18), ("goal", "add", "c1", "Styr på regningerne", "--domain",
                             "economy")),
        (date(2025, 2, 18), ("plan", "c1", "Bo trygt; styr på økonomien inden sommer")),
        (date(2025, 2, 18), ("goal", "action", "c1", "g2", "Lave budget", "--who", "borger",
                             "--due", "2025-03-01")),
        (date(2025, 3, 3), ("goal", "action", "c1", "g2", "--done", "1")),
        (date(2025, 3, 4), ("network", "add", "c1", "Lis Holm", "--role", "sagsbehandler",
                            "--org", "kommunen", "--kind", "professional", "--anchor")),
        (date(2025, 4, 15), ("tick", "c1", "jobcentre", "--na", "ikke relevant nu")),
    ]
    steps += [(date(2025, 4, 15), ("tick", "c1", item)) for item in (
        "economy", "needs_assessed", "long_term_plan", "network_started", "coordination",
        "meetings_held", "local_offers")]
    for d, args in sorted(steps, key=lambda s: s[0]):
        c.step(*args, day=d)
    c.step("advance", "c1", day=date(2025, 5, 3))
    c.step("document", "c1", "month3", "--form", later, day=date(2025, 5, 3))
    # phase 2: every second week
    steps = [(d, ("log", "c1", "Opfølgning", "--minutes", "60"))
             for d in mondays(date(2025, 5, 5), date(2025, 8, 3), 2)]
    steps += [(date(2025, 7, 15), ("tick", "c1", "evaluated")),
              (date(2025, 7, 15), ("plan", "c1", "Job i efteråret", "--append")),
              (date(2025, 7, 15), ("goal", "set", "c1", "g1", "--status", "done", "--note",
                                   "Lejen betales")),
              (date(2025, 7, 15), ("tick", "c1", "plan_adjusted"))]
    for d, args in sorted(steps, key=lambda s: s[0]):
        c.step(*args, day=d)
    c.step("advance", "c1", day=date(2025, 8, 3))
    c.step("document", "c1", "month6", "--form", later, day=date(2025, 8, 3))
    # phase 3: monthly; handover talks a month before the end
    steps = [(d, ("log", "c1", "Månedligt møde", "--minutes", "60"))
             for d in mondays(date(2025, 8, 4), date(2025, 11, 3), 4)]
    steps += [
        (date(2025, 9, 2), ("network", "add", "c1", "Ole Berg", "--role", "bostøtte",
                            "--kind", "professional")),
        (date(2025, 9, 2), ("network", "anchor", "c1", "Ole Berg")),
        (date(2025, 9, 2), ("tick", "c1", "network_in_place")),
        (date(2025, 9, 30), ("handover", "meeting", "c1", "--with", "borger", "--with",
                             "Ole Berg", "--place", "hjemme")),
        (date(2025, 9, 30), ("tick", "c1", "handover_talks")),
        (date(2025, 10, 6), ("handover", "plan", "c1", "Ole Berg følger op hver måned")),
        (date(2025, 10, 6), ("handover", "follow-on", "c1", "--what", "bostøtte § 85",
                             "--start", "2025-10-20", "--by", "Ole Berg")),
        (date(2025, 10, 6), ("tick", "c1", "handover_plan")),
        (date(2025, 10, 6), ("tick", "c1", "anchored")),
    ]
    for d, args in sorted(steps, key=lambda s: s[0]):
        c.step(*args, day=d)
    c.step("close", "c1", "--reason", "completed", day=date(2025, 11, 3))
    c.step("document", "c1", "closure", "--form", later, day=date(2025, 11, 3))

    data = c.data()
    assert [(p["name"], str(p["start"])) for p in data["phases"]] == [
        ("contact", "2025-01-06"), ("phase1", "2025-02-03"), ("phase2", "2025-05-03"),
        ("phase3", "2025-08-03"), ("closed", "2025-11-03")]
    assert data["closed"] == {"date": date(2025, 11, 3), "reason": "completed"}
    assert [g["id"] for g in data["goals"]] == ["g1", "g2"]
    assert [p.get("anchor", False) for p in data["network"]] == [False, True]
    assert [g.get("status", "open") for g in data["goals"]] == ["done", "open"]
    assert data["goals"][1]["actions"] == [{"text": "Lave budget", "who": "borger",
                                            "due": date(2025, 3, 1), "done": date(2025, 3, 3)}]
    assert data["plan"] == "Bo trygt; styr på økonomien inden sommer\nJob i efteråret\n"
    assert set(data["assessment"]) == {"housing", "economy"}
    assert data["handover"]["meetings"] == [{"date": date(2025, 9, 30),
                                             "with": ["borger", "Ole Berg"], "place": "hjemme"}]
    assert data["handover"]["follow_on"]["start"] == date(2025, 10, 20)
    assert data["checklists"]["phase1"]["jobcentre"] == {"na": "ikke relevant nu"}
    assert set(data["documentation"]) == {"start", "month3", "month6", "closure"}
    assert len(data["contacts"]) == 1 + 13 + 7 + 4
    # a month later nothing has fallen due on the closed course
    assert c.run("check", "--strict", "--date", "2025-12-15").code == 0


def new_case(c: Course, transition: str = "2025-03-03", day: str = "2025-01-06") -> None:
    r = c.run("new", "--initials", "AB", "--worker", "anna", "--group", "psychiatric",
              "--transition-date", transition, "--id", c.id, "--date", day)
    assert r.code == 0, r.output


def tick_all(c: Course, gate: str, day: str) -> None:
    for item in load_method().items(gate):
        r = c.run("tick", c.id, item.id, "--date", day)
        assert r.code == 0, r.output


def test_refused_advance_names_the_missing_items(cti: Any, plain_folder: Path) -> None:
    c = Course(cti, plain_folder)
    new_case(c, transition="2025-01-20")
    assert c.run("tick", "c1", "informed", "--date", "2025-01-10").code == 0
    r = c.run("advance", "c1", "--date", "2025-01-20")
    assert r.code == 1
    method = load_method()
    for item in ("contact_made", "contact_agreement"):
        assert f"  {item}: {method.item('contact', item).da}" in r.err
    assert "informed" not in r.err
    assert c.data()["phases"][-1]["name"] == "contact"  # nothing written


def test_refusal_speaks_the_team_language(cti: Any, plain_folder: Path) -> None:
    toml = plain_folder / "cti.toml"
    toml.write_text(toml.read_text("utf-8").replace('language = "da"', 'language = "en"'))
    c = Course(cti, plain_folder)
    new_case(c, transition="2025-01-20")
    r = c.run("advance", "c1", "--date", "2025-01-20")
    assert r.code == 1
    assert "  contact_made: Contact made and one or more introductory meetings held." in r.err


def test_refused_early_phase1_says_the_earliest_date(cti: Any, plain_folder: Path) -> None:
    c = Course(cti, plain_folder)
    new_case(c, transition="2025-03-31")
    tick_all(c, "contact", "2025-01-20")
    r = c.run("advance", "c1", "--date", "2025-02-27")
    assert r.code == 1
    assert "2025-02-28" in r.err  # Mar 31 − 1 month clips to Feb 28
    assert "contact_made" not in r.err  # only the date is missing
    assert c.run("advance", "c1", "--date", "2025-02-28").code == 0


def test_force_needs_a_reason_and_records_it(cti: Any, plain_folder: Path) -> None:
    c = Course(cti, plain_folder)
    new_case(c)
    assert c.run("advance", "c1", "--force", "--date", "2025-01-20").code == 2
    r = c.run("advance", "c1", "--force", "--reason", "Flytning fremrykket", "--date",
              "2025-01-20")
    assert r.code == 0, r.output
    assert c.data()["phases"][-1] == {"name": "phase1", "start": date(2025, 1, 20),
                                      "forced": "Flytning fremrykket"}


def test_phase1_needs_two_goals_and_phase3_is_left_by_close(cti: Any,
                                                           plain_folder: Path) -> None:
    c = Course(cti, plain_folder)
    new_case(c)
    tick_all(c, "contact", "2025-02-03")
    assert c.run("advance", "c1", "--date", "2025-02-03").code == 0
    tick_all(c, "phase1", "2025-04-01")
    r = c.run("advance", "c1", "--date", "2025-05-03")
    assert r.code == 1 and "goals:" in r.err and "economy" not in r.err
    for text in ("a", "b"):
        assert c.run("goal", "add", "c1", text, "--domain", "housing").code == 0
    assert c.run("advance", "c1", "--date", "2025-05-03").code == 0
    r = c.run("advance", "c1", "--date", "2025-06-03")
    assert r.code == 1 and "evaluated" in r.err and "plan_adjusted" in r.err
    tick_all(c, "phase2", "2025-07-01")
    assert c.run("advance", "c1", "--date", "2025-08-03").code == 0
    r = c.run("advance", "c1", "--date", "2025-11-03")
    assert r.code == 1 and "cti close c1 --reason completed" in r.err
    r = c.run("close", "c1", "--reason", "completed", "--date", "2025-11-03")
    assert r.code == 1
    assert "network_in_place" in r.err and "anchor:" in r.err
    assert c.data()["phases"][-1]["name"] == "phase3"


def test_fourth_goal_refused(cti: Any, plain_folder: Path) -> None:
    c = Course(cti, plain_folder)
    new_case(c)
    for i in range(3):
        r = c.run("goal", "add", "c1", f"mål {i}", "--domain", "economy")
        assert (r.code, r.out.strip()) == (0, f"g{i + 1}")
    r = c.run("goal", "add", "c1", "mål 4", "--domain", "economy")
    assert r.code == 1 and "3" in r.err
    assert len(c.data()["goals"]) == 3
    assert c.run("goal", "add", "c1", "x", "--domain", "housng").code == 2


def test_second_anchor_refused(cti: Any, plain_folder: Path) -> None:
    c = Course(cti, plain_folder)
    new_case(c)
    assert c.run("network", "add", "c1", "Lis", "--role", "sagsbehandler", "--anchor").code == 0
    r = c.run("network", "add", "c1", "Ib", "--role", "bror", "--anchor")
    assert r.code == 1 and "Lis" in r.err
    assert c.run("network", "add", "c1", "Ib", "--role", "bror", "--phone", "12345678").code == 0
    assert [(p["name"], p.get("anchor")) for p in c.data()["network"]] == [
        ("Lis", True), ("Ib", None)]


def test_na_refused_on_a_non_conditional_item(cti: Any, plain_folder: Path) -> None:
    c = Course(cti, plain_folder)
    new_case(c)
    r = c.run("tick", "c1", "informed", "--na", "ikke nødvendigt", "--date", "2025-01-10")
    assert r.code == 1 and "informed" in r.err
    assert "checklists" not in c.data()
    assert c.run("tick", "c1", "informd", "--date", "2025-01-10").code == 2


def test_tick_undo_and_checklist_json(cti: Any, plain_folder: Path) -> None:
    c = Course(cti, plain_folder)
    new_case(c)
    assert c.run("tick", "c1", "informed", "--date", "2025-01-10").code == 0
    rows = json.loads(c.run("checklist", "c1", "--json").out)
    assert [r["id"] for r in rows] == ["contact_made", "informed", "contact_agreement"]
    assert rows[1] == {"id": "informed", "text": load_method().item("contact", "informed").da,
                       "conditional": False, "done": True, "date": "2025-01-10", "na": None}
    assert c.run("tick", "c1", "informed", "--undo").code == 0
    assert not any(r["done"] for r in json.loads(c.run("checklist", "c1", "--json").out))
    assert "checklists" not in c.data()
    assert c.run("tick", "c1", "informed", "--undo").code == 1


def test_tick_keeps_comments(cti: Any, plain_folder: Path) -> None:
    c = Course(cti, plain_folder)
    new_case(c)
    path = plain_folder / "cases" / "c1.yaml"
    path.write_text(path.read_text("utf-8").replace("worker: anna", "worker: anna  # fast"))
    assert c.run("tick", "c1", "informed", "--date", "2025-01-10").code == 0
    assert "worker: anna  # fast" in path.read_text("utf-8")


@pytest.mark.parametrize("reason", ["ended_early", "declined", "moved_municipality", "other"])
def test_close_early_with_each_reason(cti: Any, plain_folder: Path, reason: str) -> None:
    c = Course(cti, plain_folder)
    new_case(c)
    moved = ["--to-municipality", "Aarhus"] if reason == "moved_municipality" else []
    r = c.run("close", "c1", "--reason", reason, "--note", "Flyttet til Aarhus", "--date",
              "2025-01-20", *moved)
    assert r.code == 0, r.output
    data = c.data()
    assert data["phases"][-1] == {"name": "closed", "start": date(2025, 1, 20)}
    assert data["closed"] == {"date": date(2025, 1, 20), "reason": reason,
                              "note": "Flyttet til Aarhus",
                              **({"to_municipality": "Aarhus"} if moved else {})}
    assert c.run("check", "--date", "2025-01-20").code == 0
    assert c.run("close", "c1", "--reason", reason, "--date", "2025-01-21", *moved).code == 1
    assert c.run("advance", "c1", "--date", "2025-01-21").code == 1


def test_close_completed_from_phase1_refused_and_unknown_reason(cti: Any,
                                                               plain_folder: Path) -> None:
    c = Course(cti, plain_folder)
    new_case(c)
    assert c.run("close", "c1", "--reason", "completed", "--date", "2025-01-20").code == 1
    assert c.run("close", "c1", "--reason", "finished", "--date", "2025-01-20").code == 2
    assert "closed" not in c.data()


def test_transfer_recorded_and_shown(cti: Any, plain_folder: Path) -> None:
    c = Course(cti, plain_folder)
    new_case(c)
    r = c.run("transfer", "c1", "--worker", "bo", "--reason", "barsel", "--date", "2025-02-01")
    assert r.code == 0, r.output
    assert "Anna Jensen → Bo Larsen" in r.out
    data = c.data()
    assert data["worker"] == "bo"
    assert data["transfers"] == [{"date": date(2025, 2, 1), "from": "anna", "to": "bo",
                                  "reason": "barsel"}]
    assert c.run("transfer", "c1", "--worker", "nobody").code == 2
    assert c.run("check", "--date", "2025-02-01").code == 0


def test_document_and_appointment(cti: Any, plain_folder: Path) -> None:
    c = Course(cti, plain_folder)
    new_case(c)
    assert c.run("document", "c1", "month3", "--date", "2025-01-10").code == 0
    r = c.run("document", "c1", "month3", "--date", "2025-01-11")
    assert r.code == 0 and "allerede registreret" in r.err  # the folder is Danish
    assert c.data()["documentation"] == {"month3": date(2025, 1, 10)}
    assert c.run("document", "c1", "month4").code == 2
    assert c.run("appointment", "c1", "--at", "2025-13-01 10:00", "--with", "x").code == 2
    assert c.run("appointment", "c1", "--at", "2025-03-02 09:30", "--with", "citizen",
                 "--date", "2025-03-01").code == 0
    assert c.data()["appointments"] == [{"date": date(2025, 3, 2), "time": "09:30",
                                         "with": "citizen"}]


def test_future_dates_refused(cti: Any, plain_folder: Path) -> None:
    c = Course(cti, plain_folder)
    new_case(c)
    tomorrow = (date.today() + timedelta(1)).isoformat()
    assert c.run("tick", "c1", "informed", "--date", tomorrow).code == 2


def test_commits_carry_facts_not_names(cti: Any, folder: Path) -> None:
    c = Course(cti, folder)
    new_case(c)
    assert c.run("network", "add", "c1", "Lis Holm", "--role", "søster", "--anchor").code == 0
    assert c.run("advance", "c1", "--force", "--reason", "Lis Holm bad om det",
                 "--date", "2025-01-20").code == 0
    log = subprocess.run(["git", "log", "--format=%B"], cwd=folder, capture_output=True,
                         text=True, check=True).stdout
    assert "c1: advance to phase1" in log and "c1: network add (anchor)" in log
    assert "Lis" not in log and "søster" not in log
