"""`cti fidelity`: every indicator met on a course by the book and missed on hand-made ones."""

from __future__ import annotations

import json
import re
import shutil
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from cti_cli.core.fidelity import INDICATOR_IDS
from cti_cli.core.method import load_method
from cti_cli.storage.store import STATE_DIR

METHOD = load_method()
FORM_ITEMS = [i.id for i in METHOD.form("status/1").fidelity]


class NoAliases(yaml.SafeDumper):
    """Case files allow no &anchors; a date used twice is written twice."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def every(start: date, end: date, days: int, place: str) -> list[dict[str, Any]]:
    out, d = [], start
    while d < end:
        out.append({"date": d, "minutes": 60, "place": place})
        d += timedelta(days=days)
    return out


def doc(d: date, answer: str = "yes") -> dict[str, Any]:
    return {"date": d, "form": "status/1", "domains": {"housing": 3},
            "fidelity": dict.fromkeys(FORM_ITEMS, answer)}


def ticks(d: date) -> dict[str, dict[str, date]]:
    return {g: {it.id: d for it in METHOD.items(g)} for g in METHOD.gates}


def write(root: Path, case_id: str, **data: Any) -> None:
    base: dict[str, Any] = {"id": case_id, "citizen": {"initials": "AB"},
                            "target_group": "homelessness", "worker": "anna",
                            "transition": {"kind": "move_in", "date": date(2025, 2, 3)}}
    base.update(data)
    (root / "cases").mkdir(exist_ok=True)
    (root / "cases" / f"{case_id}.yaml").write_text(
        yaml.dump(base, Dumper=NoAliases, sort_keys=False, allow_unicode=True), "utf-8")


def by_the_book(root: Path) -> None:
    d0 = date(2025, 2, 3)
    write(root, "good",
          phases=[{"name": "contact", "start": date(2025, 1, 6)}, {"name": "phase1", "start": d0},
                  {"name": "phase2", "start": date(2025, 5, 3)},
                  {"name": "phase3", "start": date(2025, 8, 3)},
                  {"name": "closed", "start": date(2025, 11, 3)}],
          contacts=[{"date": date(2025, 1, 8), "minutes": 60, "place": "hjemme"},
                    *every(d0, date(2025, 5, 3), 7, "Hjemme hos borgeren"),
                    *every(date(2025, 5, 5), date(2025, 8, 3), 14, "hjemme"),
                    *every(date(2025, 8, 4), date(2025, 11, 3), 28, "Café efter borgerens valg")],
          goals=[{"id": "g1", "text": "Bo", "domain": "housing"},
                 {"id": "g2", "text": "Penge", "domain": "economy"}],
          network=[{"name": "Lis", "role": "sagsbehandler", "anchor": True}],
          handover={"meetings": [date(2025, 9, 29)], "plan": "Lis tager over."},
          checklists=ticks(date(2025, 1, 20)) | {"closure": {it.id: date(2025, 10, 1) for it
                                                             in METHOD.items("closure")}},
          documentation={"start": doc(d0), "month3": doc(date(2025, 5, 5)),
                         "month6": doc(date(2025, 8, 4)), "closure": doc(date(2025, 11, 3))},
          closed={"date": date(2025, 11, 3), "reason": "completed"})


def forced_in_six_weeks(root: Path) -> None:
    """A course advanced and closed as completed six weeks after phase 1 began."""
    write(root, "fast", worker="bo", transition={"kind": "move_in", "date": date(2025, 3, 3)},
          phases=[{"name": "contact", "start": date(2025, 3, 1)},
                  {"name": "phase1", "start": date(2025, 3, 3)},
                  {"name": "phase2", "start": date(2025, 3, 17), "forced": "hast"},
                  {"name": "phase3", "start": date(2025, 3, 31), "forced": "hast"},
                  {"name": "closed", "start": date(2025, 4, 14)}],
          contacts=[{"date": date(2025, 4, 10), "minutes": 30, "place": "Kontoret"}],
          goals=[{"id": f"g{i}", "text": "x", "domain": "housing"} for i in range(1, 5)],
          transfers=[{"date": date(2025, 3, 20), "from": "anna", "to": "bo"}],
          documentation={"start": date(2025, 3, 3)},
          closed={"date": date(2025, 4, 14), "reason": "completed"})
    for i in range(5):  # bo (0.5 FTE) holds six courses at once: 12 per FTE
        write(root, f"open{i}", worker="bo",
              phases=[{"name": "contact", "start": date(2025, 3, 1)}])


def flat(root: Path) -> None:
    """As many minutes a week in phase 2 as in phase 1; the form says the goals are not the
    citizen's own."""
    d0 = date(2025, 2, 3)
    write(root, "flat",
          phases=[{"name": "contact", "start": date(2025, 1, 20)}, {"name": "phase1", "start": d0},
                  {"name": "phase2", "start": date(2025, 5, 3)},
                  {"name": "closed", "start": date(2025, 7, 1)}],
          contacts=every(date(2025, 1, 21), date(2025, 7, 1), 7, "hjemme"),
          goals=[{"id": "g1", "text": "Bo", "domain": "housing"},
                 {"id": "g2", "text": "Penge", "domain": "economy"}],
          documentation={"start": doc(d0, "no")},
          closed={"date": date(2025, 7, 1), "reason": "ended_early"})


@pytest.fixture
def report(cti: Any, plain_folder: Path) -> dict[str, Any]:
    by_the_book(plain_folder)
    forced_in_six_weeks(plain_folder)
    flat(plain_folder)
    r = cti("-C", plain_folder, "fidelity", "--since", "2025-01-01", "--until", "2025-12-31",
            "--date", "2025-12-31", "--json")
    assert r.code == 0, r.output
    return json.loads(r.out)


def met(report: dict[str, Any], case: str) -> dict[str, Any]:
    rows = next(c["indicators"] for c in report["cases"] if c["case"] == case)
    return {i["id"]: i["met"] for i in rows}


def test_the_json_has_the_contract_shape(report: dict[str, Any]) -> None:
    assert set(report) == {"period", "cases", "team"}
    assert report["period"] == {"since": "2025-01-01", "until": "2025-12-31",
                                "date": "2025-12-31"}
    for case in report["cases"]:
        assert set(case) == {"case", "indicators"}
        for ind in case["indicators"]:
            assert set(ind) == {"id", "value", "target", "met", "page"}
            assert ind["page"].startswith("p.")
    ids = [i["id"] for i in report["cases"][0]["indicators"]]
    assert ids == [*INDICATOR_IDS, *(f"form.{i}" for i in FORM_ITEMS)]
    for row in report["team"]:
        assert set(row) == {"id", "value", "target", "share_met", "cases"}


def test_a_course_by_the_book_meets_every_indicator(report: dict[str, Any]) -> None:
    every_id = [*INDICATOR_IDS, *(f"form.{i}" for i in FORM_ITEMS)]
    assert met(report, "good") == dict.fromkeys(every_id, True)


def test_a_course_forced_through_in_six_weeks_misses_them(report: dict[str, Any]) -> None:
    fast = met(report, "fast")
    missed = {"course_length", "phase_lengths", "checklists_complete", "first_month_contact",
              "goals_2_3", "one_worker", "one_anchor", "handover_before_end",
              "documentation_on_time", "caseload", "meetings_where_citizen_is"}
    assert {k for k, v in fast.items() if v is False} == missed
    assert fast["intensity"] is None  # two-week phases say nothing about intensity
    assert all(fast[f"form.{i}"] is None for i in FORM_ITEMS)  # no form was filled in


def test_a_flat_course_misses_intensity_and_the_form_items(report: dict[str, Any]) -> None:
    flat = met(report, "flat")
    assert flat["intensity"] is False
    assert all(flat[f"form.{i}"] is False for i in FORM_ITEMS)
    assert flat["course_length"] is None  # ended early: the end reason tells that story
    assert flat["one_anchor"] is None and flat["caseload"] is True


def test_the_team_shares(report: dict[str, Any]) -> None:
    team = {t["id"]: t for t in report["team"]}
    assert team["course_length"]["share_met"] == 0.5 and team["course_length"]["cases"] == 2
    assert team["one_worker"]["cases"] == 8  # every course that overlaps the period


def test_period_worker_and_one_case(cti: Any, plain_folder: Path) -> None:
    by_the_book(plain_folder)
    forced_in_six_weeks(plain_folder)
    r = cti("-C", plain_folder, "fidelity", "--since", "2026-01-01", "--until", "2026-12-31",
            "--date", "2026-12-31", "--json")
    # only the courses still open ran then
    assert {c["case"] for c in json.loads(r.out)["cases"]} == {f"open{i}" for i in range(5)}
    r = cti("-C", plain_folder, "fidelity", "--worker", "bo", "--date", "2025-12-31", "--json")
    assert {c["case"] for c in json.loads(r.out)["cases"]} == {"fast", *(f"open{i}" for i in
                                                                        range(5))}
    r = cti("-C", plain_folder, "fidelity", "fast", "--date", "2025-12-31")
    # a Danish team's screen: the indicators by their words, not their ids
    assert r.code == 0 and "Forløbet varer ni måneder" in r.out and "nej" in r.out, r.output
    assert "course_length" not in r.out
    r = cti("-C", plain_folder, "--width", "200", "fidelity", "--date", "2025-12-31")
    assert r.code == 0, r.output
    assert re.search(r"^fast +bo +Forløbet varer ni måneder; Hver fase varer omkring tre "
                     r"måneder", r.out, re.M), r.output
    # at 80 columns the long indicator words wrap instead of running past the screen
    r = cti("-C", plain_folder, "--width", "80", "fidelity", "--date", "2025-12-31")
    assert r.code == 0 and max(map(len, r.out.splitlines())) <= 80, r.output
    assert cti("-C", plain_folder, "fidelity", "--worker", "nobody").code == 2
    assert cti("-C", plain_folder, "fidelity", "--since", "2025-12-01", "--until",
               "2025-01-01").code == 2


def test_the_picture_of_the_team(cti: Any, plain_folder: Path, tmp_path: Path) -> None:
    by_the_book(plain_folder)
    forced_in_six_weeks(plain_folder)
    png, svg = tmp_path / "f.png", tmp_path / "f.svg"
    assert cti("-C", plain_folder, "fidelity", "--date", "2025-12-31", "--png", png).code == 0
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert cti("-C", plain_folder, "fidelity", "--date", "2025-12-31", "--svg", svg).code == 0
    text = svg.read_text("utf-8")
    assert "<svg" in text and "Forløbet varer ni måneder" in text
    assert cti("-C", plain_folder, "fidelity", "--png", png, "--json").code == 2


def test_a_warm_cache_gives_the_same_report(cti: Any, tmp_path: Path) -> None:
    """The first run fills `.cti/cache` with slim records; later runs must still read every
    course in full rather than call them unreadable (a bug seen before this test)."""
    team = tmp_path / "team"
    shutil.copytree(Path(__file__).parent.parent / "examples", team)
    shutil.rmtree(team / STATE_DIR, ignore_errors=True)
    time.sleep(2.1)  # the cache keeps no record of a file changed in the last 2 s (scan.RACY_NS)
    for command in (["fidelity"], ["report", "--since", "2026-01-01", "--until", "2026-11-30"]):
        runs = [cti("-C", team, *command, "--date", "2026-11-26", "--json") for _ in range(2)]
        for r in runs:
            assert r.code == 0, r.output
            assert "cases/" not in r.err, r.err
        assert (team / STATE_DIR / "cache").is_dir()
        cold, warm = (json.loads(r.out) for r in runs)
        assert cold["courses" if "courses" in cold else "cases"]
        assert warm == cold
