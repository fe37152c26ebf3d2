"""Odd objects in `cases/` (issue 16, item 7): copies, symlinks, wrong suffixes, stale temps."""

from __future__ import annotations

import json
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
    assert "cases/2026-001 copy.yaml holds the same case id as /" in doctor.out
    assert "cases/link.yaml is a link to a case file: the case is counted once" in doctor.out
    assert doctor.out.count("D103 ") == 2 and "D102" not in doctor.out
