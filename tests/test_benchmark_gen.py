"""The benchmark's folders are real team folders: every generated file passes `cti check`."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import Runner

sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
from gen import make_folder


@pytest.mark.parametrize("share", [0.1, 0.83])
def test_generated_folder_passes_check(tmp_path: Path, cti: Runner, share: float) -> None:
    root = make_folder(tmp_path / "team", 30, open_share=share, seed=7)
    result = cti("-C", root, "check", "--json")
    assert result.code == 0, result.output
    assert [f for f in json.loads(result.out) if f["severity"] == "error"] == []
    listed = json.loads(cti("-C", root, "list", "--json").out)
    assert len(listed) == 30
    assert sum(r["phase"] != "closed" for r in listed) == round(30 * share)


def test_open_cases_follow_the_calendar(tmp_path: Path, cti: Runner) -> None:
    """Open cases sit in every phase of the plan, as a real team's do."""
    root = make_folder(tmp_path / "team", 60, open_share=1.0, seed=3, today=date.today())
    phases = {r["phase"] for r in json.loads(cti("-C", root, "list", "--json").out)}
    assert {"contact", "phase1", "phase2"} <= phases
