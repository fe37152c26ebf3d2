"""Odd objects in `cases/` (issue 16, item 7): copies, symlinks, wrong suffixes, stale temps."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from casefiles import minimal_case


def test_copy_and_symlink_are_counted_once_and_named(folder: Path, cti) -> None:
    cases = folder / "cases"
    (cases / "2026-001.yaml").write_text(minimal_case("2026-001"), "utf-8")
    (cases / "2026-001.yaml").chmod(0o600)
    (cases / "2026-001 copy.yaml").write_text(minimal_case("2026-001"), "utf-8")
    (cases / "2026-001 copy.yaml").chmod(0o600)
    (cases / "link.yaml").symlink_to("2026-001.yaml")
    listed = cti("-C", folder, "list", "--json")
    assert listed.code == 0, listed.output
    assert [c["id"] for c in json.loads(listed.out)] == ["2026-001"]
    due = cti("-C", folder, "due", "--date", "2026-12-02", "--json")
    assert due.code == 0, due.output
    kinds = [(r["case"], r["kind"]) for r in json.loads(due.out)]
    assert len(kinds) == len(set(kinds)) > 0
    board = cti("-C", folder, "board", "--date", "2026-12-02")
    assert board.code == 0, board.output
    assert board.out.count("2026-001") == 1
    check = cti("-C", folder, "check")
    assert check.code == 1
    assert "2026-001 copy.yaml:1:5: E201" in check.out and "link.yaml:1:5: E201" in check.out
    doctor = cti("-C", folder, "doctor")
    assert doctor.code == 1
    lines = [line for line in doctor.out.splitlines() if line.startswith("D103")]
    assert len(lines) == 2, doctor.out
    assert "cases/2026-001 copy.yaml " in lines[0] and "cases/link.yaml " in lines[1]
    assert doctor.out.count("D103 ") == 2 and "D102" not in doctor.out


def test_yml_files_are_reported_not_ignored(folder: Path, cti) -> None:
    cases = folder / "cases"
    for name, cid in (("2026-001.yml", "2026-001"), ("2026-002.YAML", "2026-002")):
        (cases / name).write_text(minimal_case(cid), "utf-8")
        (cases / name).chmod(0o600)
    check = cti("-C", folder, "check")
    assert check.code == 1
    assert "2026-001.yml: E209" in check.out and "2026-002.YAML: E209" in check.out
    assert "2026-001.yaml" in check.out and "2026-002.yaml" in check.out  # the rename hint
    doctor = cti("-C", folder, "doctor")
    assert doctor.code == 1
    assert doctor.out.count("D104 ") == 2 and "2026-002.yaml" in doctor.out


def test_doctor_reports_leftover_tmp_and_removes_day_old_ones(folder: Path, cti) -> None:
    cases = folder / "cases"
    old = cases / ".2026-001.yaml.k2j3h4.tmp"
    young = cases / ".2026-002.yaml.a1b2c3.tmp"
    for tmp in (old, young):
        tmp.write_text("id: 2026-0", "utf-8")
        tmp.chmod(0o600)
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    doctor = cti("-C", folder, "doctor")
    assert doctor.code == 1
    assert not old.exists() and young.exists()
    assert doctor.out.count(old.name) == 1 and doctor.out.startswith(("removed", "fjernet"))
    assert f"D105 {young}" in doctor.out or "D105 cases/" + young.name in doctor.out
    young.unlink()
    assert cti("-C", folder, "doctor").code == 0
