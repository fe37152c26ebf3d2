"""`cti report`: the anonymous export holds no personal data, suppresses small cells, and
opens in sqlite3 with a readme table."""

from __future__ import annotations

import csv
import json
import re
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import yaml

EXAMPLES = Path(__file__).parent.parent / "examples"
PERIOD = ("--since", "2025-06-01", "--until", "2026-11-30", "--date", "2026-11-30")


@pytest.fixture
def team(tmp_path: Path) -> Path:
    root = tmp_path / "examples"
    shutil.copytree(EXAMPLES, root)
    return root


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


def personal(team: Path) -> tuple[set[str], set[str]]:
    """(texts that must not appear anywhere, values no cell may equal) of the example files."""
    texts: set[str] = set()
    cells: set[str] = set()
    for path in (team / "cases").glob("*.yaml"):
        case = yaml.safe_load(path.read_text("utf-8"))
        cit = case["citizen"]
        cells.add(cit["initials"])
        cells.add(case["id"])
        cells.add(case["worker"])
        if cit.get("birth_year"):
            cells.add(str(cit["birth_year"]))
        texts |= {cit[k] for k in ("name", "phone") if cit.get(k)}
        for p in case.get("network") or []:
            texts |= {p[k] for k in ("name", "phone", "email") if p.get(k)}
        for c in [*(case.get("contacts") or []), *(case.get("appointments") or [])]:
            if c.get("note"):
                texts.add(c["note"])
        for g in case.get("goals") or []:
            texts |= set(_texts(g.get("text"))) | set(_texts(g.get("actions")))
        texts |= set(_texts(case.get("plan"))) | set(_texts(case.get("assessment")))
        texts |= set(_texts(case.get("handover"))) | set(_texts(case.get("closed")))
        for point in (case.get("documentation") or {}).values():
            if isinstance(point, dict) and point.get("own_view"):
                texts.add(point["own_view"])
    texts = {t.strip() for t in texts if len(t.strip()) >= 4 and t.strip() not in {
        "completed", "ended_early", "declined", "moved_municipality", "other", "yes", "no",
        "partly", "status/1", "high", "medium", "low"}}
    return texts, cells


def test_the_csv_export_has_no_personal_data(cti: Any, team: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = cti("-C", team, "report", *PERIOD, "--csv", out)
    assert r.code == 0, r.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["by_end_reason.csv", "by_target_group.csv", "courses.csv",
                     "fidelity.csv", "period.csv", "readme.csv", "summary.csv"]
    texts, cells = personal(team)
    assert len(texts) > 50 and len(cells) > 10  # the search has something to find
    for path in out.iterdir():
        content = path.read_text("utf-8")
        for t in texts:
            assert t not in content, (path.name, t)
        assert not re.search(r"\d{4}-\d{2}-\d{2}", content), path.name  # no exact dates
        for row in csv.reader(content.splitlines()):
            assert not cells & set(row), (path.name, cells & set(row))
    rows = list(csv.DictReader((out / "courses.csv").open(encoding="utf-8")))
    assert len(rows) == 8 and all(re.fullmatch(r"[0-9a-f]{16}", r["pseudonym"]) for r in rows)
    sh = next(r for r in rows if r["target_group"] == "unemployed")
    assert sh["start_month"] == "2026-05" and sh["age_band"] == "30-39"
    assert sh["month3_economy"] == "3" and sh["doc_month3"] == "form"


def test_small_cells_are_suppressed(cti: Any, team: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert cti("-C", team, "report", *PERIOD, "--csv", out).code == 0
    groups = list(csv.DictReader((out / "by_target_group.csv").open(encoding="utf-8")))
    assert {g["courses"] for g in groups} <= {"<5"}  # every group has 1-4 courses
    summary = dict(csv.reader((out / "summary.csv").open(encoding="utf-8")))
    assert summary["courses"] == "8" and summary["ended"] == "<5"
    assert summary["share_completed"] == "<5"  # a share of fewer than 5 courses
    # five new homelessness courses: that group's count is published as it is
    for i in range(5):
        r = cti("-C", team, "new", "--initials", "XY", "--worker", "anna", "--group",
                "homelessness", "--transition-date", "2026-11-20", "--id", f"n{i}", "--date",
                "2026-11-02", "--no-commit")
        assert r.code == 0, r.output
    shutil.rmtree(out)
    assert cti("-C", team, "report", *PERIOD, "--csv", out).code == 0
    groups = {g["target_group"]: g for g in csv.DictReader(
        (out / "by_target_group.csv").open(encoding="utf-8"))}
    assert groups["homelessness"]["courses"] == "7" and groups["homelessness"]["ended"] == "<5"
    assert groups["psychiatric"]["courses"] == "<5"


def test_sqlite_opens_with_a_readme_table(cti: Any, team: Path, tmp_path: Path) -> None:
    db = tmp_path / "cti.sqlite"
    assert cti("-C", team, "report", *PERIOD, "--sqlite", db).code == 0
    con = sqlite3.connect(db)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"period", "courses", "by_target_group", "by_end_reason", "summary",
                      "fidelity", "readme"}
    meaning = dict(con.execute("SELECT column_name, meaning FROM readme WHERE table_name="
                               "'courses' AND column_name != ''"))
    cols = [r[1] for r in con.execute("PRAGMA table_info(courses)")]
    assert cols == list(meaning) and all(meaning.values())
    assert con.execute("SELECT count(*) FROM courses").fetchone() == (8,)
    con.close()


def test_pseudonyms_are_stable_and_need_the_key(cti: Any, team: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def pseudonyms() -> list[str]:
        r = cti("-C", team, "report", *PERIOD, "--json")
        assert r.code == 0, r.output
        return sorted(row["pseudonym"] for row in json.loads(r.out)["courses"])

    first = pseudonyms()
    assert pseudonyms() == first
    key = Path(str(tmp_path / "home" / ".config" / "cti" / "report.key"))
    assert key.is_file() and key.stat().st_mode & 0o777 == 0o600
    assert not list(team.rglob("report.key"))  # never in the case folder (git)
    monkeypatch.setenv("CTI_CONFIG_HOME", str(tmp_path / "other"))
    assert set(pseudonyms()).isdisjoint(first)


def test_usage(cti: Any, team: Path, tmp_path: Path) -> None:
    assert cti("-C", team, "report", "--csv", tmp_path / "o").code == 2  # no period
    assert cti("-C", team, "report", *PERIOD).code == 2  # no output
    assert cti("-C", team, "report", *PERIOD, "--json", "--csv", tmp_path / "o").code == 2
