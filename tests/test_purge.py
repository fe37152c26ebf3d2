"""`cti purge`: closed cases past retention go, ids stay retired, history steps are printed."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from casefiles import minimal_case

from cti_cli.storage.store import next_id, open_folder


def _case(folder: Path, case_id: str, closed: str | None) -> None:
    text = minimal_case(case_id, transition="2019-03-01", start="2019-02-10")
    if closed:
        text += (f"- name: closed\n  start: {closed}\n"
                 f"closed:\n  date: {closed}\n  reason: declined\n")
    (folder / "cases" / f"{case_id}.yaml").write_text(text, "utf-8")


def _setup(folder: Path) -> None:
    _case(folder, "2019-001", "2019-06-01")
    _case(folder, "2019-002", "2025-06-01")
    _case(folder, "2019-003", None)
    subprocess.run(["git", "-C", str(folder), "add", "cases"], check=True)
    subprocess.run(["git", "-C", str(folder), "commit", "-qm", "cases"], check=True)


def test_dry_run_lists_and_deletes_nothing(folder: Path, cti) -> None:
    _setup(folder)
    result = cti("-C", folder, "purge", "--dry-run", "--date", "2026-01-01")
    assert result.code == 0, result.output
    assert "2019-001" in result.out and "2019-002" not in result.out
    assert (folder / "cases" / "2019-001.yaml").exists()


def test_purge_removes_retires_commits_and_explains(folder: Path, cti) -> None:
    _setup(folder)
    result = cti("-C", folder, "purge", "--older-than", "5y", "--yes", "--date", "2026-01-01")
    assert result.code == 0, result.output
    assert not (folder / "cases" / "2019-001.yaml").exists()
    assert (folder / "cases" / "2019-002.yaml").exists()
    assert (folder / "cases" / ".retired").read_text("utf-8") == "2019-001\n"
    assert "git filter-repo --invert-paths --path cases/2019-001.yaml" in result.out
    assert "klone igen" in result.out  # the team is Danish
    log = subprocess.run(["git", "-C", str(folder), "log", "-1", "--name-status",
                          "--format=%s"], capture_output=True, text=True, check=True).stdout
    assert "purge: 1 closed case(s)" in log and "D\tcases/2019-001.yaml" in log
    status = subprocess.run(["git", "-C", str(folder), "status", "--porcelain"],
                            capture_output=True, text=True, check=True).stdout
    assert "cases/" not in status
    # the id is never given out again
    assert next_id(open_folder(folder), 2019) == "2019-004"


def test_default_period_and_confirmation(folder: Path, cti) -> None:
    _setup(folder)
    no = cti("-C", folder, "purge", "--date", "2026-01-01", input="n\n")
    assert no.code == 1 and (folder / "cases" / "2019-001.yaml").exists()
    yes = cti("-C", folder, "purge", "--date", "2026-01-01", input="y\n")
    assert yes.code == 0 and not (folder / "cases" / "2019-001.yaml").exists()


def test_closed_before_and_nothing_to_do(folder: Path, cti) -> None:
    _setup(folder)
    result = cti("-C", folder, "purge", "--closed-before", "2019-01-01", "--yes")
    assert result.code == 0 and "ingen afsluttet sag" in result.out
    bad = cti("-C", folder, "purge", "--older-than", "five years")
    assert bad.code == 2


def test_purge_removes_cache_records_proofs_and_drafts(folder: Path, cti) -> None:
    from cti_cli.storage import cache

    _setup(folder)
    time.sleep(2.1)  # files changed in the last 2 s are not cached (scan.RACY_NS)
    assert cti("-C", folder, "list").code == 0  # fills .cti/cache
    state = folder / ".cti"
    cache.save_proof(state, "2019-001", "0" * 64, {"id": "2019-001"})
    cache.save_proof(state, "2019-002", "0" * 64, {"id": "2019-002"})
    drafts = state / "drafts"
    drafts.mkdir(exist_ok=True)
    for name in ("2019-001.yaml", "2019-001.yaml~", ".2019-001.yaml.swp", "2019-002.yaml"):
        (drafts / name).write_text("notes: Mette\n", "utf-8")
    records = (state / "cache" / "cases.v2").read_bytes()
    assert b"2019-001" in records and b"2019-002" in records
    result = cti("-C", folder, "purge", "--older-than", "5y", "--yes", "--date", "2026-01-01")
    assert result.code == 0, result.output
    derived = [p for p in state.rglob("*") if p.is_file()]
    assert not [p for p in derived if b"2019-001" in p.read_bytes() or "2019-001" in p.name]
    assert sorted(p.name for p in drafts.iterdir()) == ["2019-002.yaml"]
    assert (state / "cache" / "proof" / "2019-002.v1").is_file()
    assert b"2019-002" in (state / "cache" / "cases.v2").read_bytes()
