"""gitops against real git: commits, undo, history and sync between two clones."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from cti_cli.storage.yamlread import has_conflict_markers
from cti_cli.team import git as gitops
from cti_cli.team.git import commit_paths, history, install_merge_driver, sync, undo

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not gitops.git_available(), reason="git is not installed"),
]

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
DRIVER = f"{shlex.quote(sys.executable)} -m cti_cli.team.merge"
CASE = "cases/2026-004.yaml"
TEXT = """\
# yaml-language-server: $schema=../schemas/case.schema.json
id: 2026-004
citizen:
  initials: MK
worker: anna
contacts:
- id: k7f3a2
  date: 2026-02-12
  kind: meeting
  minutes: 45
  with: [citizen]
  note: Første møde på herberget. # a comment a person wrote
plan: Bolig først
"""
TRAILERS = {"Case": "2026-004", "Cti-Action": "log"}


@pytest.fixture(autouse=True)
def git_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Isolated git: no user or system config, a fixed identity, the driver importable."""
    home = tmp_path / "git-home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "EMAIL"):
        monkeypatch.delenv(name, raising=False)
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Anna Test")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "anna@example.org")
    monkeypatch.setenv("PYTHONPATH", str(PACKAGE_ROOT))


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def add_contact(clone: Path, cid: str, day: str, note: str) -> None:
    path = clone / CASE
    text = path.read_text(encoding="utf-8").replace(
        "plan:",
        f"- id: {cid}\n  date: {day}\n  kind: phone\n  minutes: 10\n  with: [citizen]\n"
        f"  note: {note} # {cid}\nplan:",
    )
    path.write_text(text, encoding="utf-8")


def edit(clone: Path, old: str, new: str) -> None:
    path = clone / CASE
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A team folder in git with one committed case."""
    root = tmp_path / "team"
    (root / "cases").mkdir(parents=True)
    assert gitops.init_repo(root)
    (root / CASE).write_text(TEXT, encoding="utf-8")
    (root / "cti.toml").write_text('team = "Nord"\n', encoding="utf-8")
    result = commit_paths(root, [CASE, "cti.toml"], "New case 2026-004", {"Cti-Action": "new"})
    assert result.ok, result.reason
    return root


@pytest.fixture
def clones(tmp_path: Path, repo: Path) -> tuple[Path, Path]:
    """Two clones of a bare remote, each with the merge driver configured."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(remote))
    git(repo, "remote", "add", "origin", str(remote))
    attributes = install_merge_driver(repo, repo, command=DRIVER)
    assert commit_paths(repo, [attributes], "Merge driver", {"Cti-Action": "init"}).ok
    first = sync(repo)
    assert first.state == "synced" and first.pushed, first.message
    other = tmp_path / "other"
    git(tmp_path, "clone", "--quiet", str(remote), str(other))
    install_merge_driver(other, other, command=DRIVER)
    return repo, other


# --------------------------------------------------------------------------- setup


def test_repo_root_and_init(tmp_path: Path, repo: Path) -> None:
    assert gitops.repo_root(repo / "cases") == repo
    assert gitops.repo_root(repo / CASE) == repo
    assert gitops.repo_root(tmp_path) is None
    assert not gitops.init_repo(repo / "cases")  # already inside a repository
    assert git(repo, "symbolic-ref", "--short", "HEAD").strip() == "main"


def test_install_merge_driver_is_idempotent(repo: Path) -> None:
    assert not gitops.merge_driver_installed(repo)
    (repo / ".gitattributes").write_text("*.pdf binary", encoding="utf-8")
    install_merge_driver(repo, repo, command=DRIVER)
    install_merge_driver(repo, repo, command=DRIVER)
    assert (repo / ".gitattributes").read_text() == "*.pdf binary\ncases/*.yaml merge=cti\n"
    assert gitops.merge_driver_installed(repo)
    assert git(repo, "config", "merge.cti.driver").strip() == f"{DRIVER} %O %A %B %P"
    assert git(repo, "check-attr", "merge", "--", CASE).strip().endswith("merge: cti")


def test_default_driver_command_uses_the_running_cti(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exe = tmp_path / "bin dir" / "cti"
    exe.parent.mkdir()
    exe.write_text("#!/bin/sh\n", encoding="utf-8")
    exe.chmod(0o755)
    monkeypatch.setattr(sys, "argv", [str(exe), "init"])
    assert gitops._default_driver_command() == f"'{exe}' merge-driver"
    monkeypatch.setattr(sys, "argv", ["/usr/lib/python3/pytest"])
    assert gitops._default_driver_command() == "cti merge-driver"


# --------------------------------------------------------------------------- commits


def test_commit_paths_commits_only_the_named_file(repo: Path) -> None:
    (repo / "cti.toml").write_text('team = "Syd"\n', encoding="utf-8")
    git(repo, "add", "cti.toml")
    (repo / "notes.txt").write_text("untracked\n", encoding="utf-8")
    add_contact(repo, "a11111", "2026-02-20", "Telefon")
    result = commit_paths(repo, [repo / CASE], "Log contact 2026-004", TRAILERS)
    assert result.ok and result.sha == git(repo, "rev-parse", "HEAD").strip()
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == [CASE]
    assert git(repo, "diff", "--cached", "--name-only").split() == ["cti.toml"]
    assert git(repo, "log", "-1", "--format=%B").strip() == (
        "Log contact 2026-004\n\nCase: 2026-004\nCti-Action: log"
    )


def test_commit_paths_adds_a_new_file_with_author(repo: Path) -> None:
    (repo / "cases/2026-005.yaml").write_text("id: 2026-005\n", encoding="utf-8")
    result = commit_paths(
        repo, ["cases/2026-005.yaml"], "New case", {"Cti-Action": "new"}, author="Bo <bo@x.dk>"
    )
    assert result.ok, result.reason
    assert git(repo, "log", "-1", "--format=%an|%cn").strip() == "Bo|Anna Test"


def test_nothing_to_commit_is_reported(repo: Path) -> None:
    result = commit_paths(repo, [CASE], "Log contact 2026-004", TRAILERS)
    assert not result.ok and "nothing to commit" in result.reason


def test_no_identity_is_reported_not_raised(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.delenv(f"GIT_{role}_NAME")
        monkeypatch.delenv(f"GIT_{role}_EMAIL")
    git(repo, "config", "user.useConfigOnly", "true")  # no guessing from the host name
    add_contact(repo, "a11111", "2026-02-20", "Telefon")
    result = commit_paths(repo, [CASE], "Log contact 2026-004", TRAILERS)
    assert not result.ok
    assert "does not know who you are" in result.reason
    assert "a11111" in (repo / CASE).read_text(encoding="utf-8")  # the edit stays saved


def test_refusing_hook_is_reported(repo: Path) -> None:
    hook = repo / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\necho 'cti check: 1 error' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    add_contact(repo, "a11111", "2026-02-20", "Telefon")
    result = commit_paths(repo, [CASE], "Log contact 2026-004", TRAILERS)
    assert not result.ok
    assert "pre-commit" in result.reason and "cti check: 1 error" in result.reason
    assert len(history(repo, CASE)) == 1


def test_bad_trailer_is_a_programming_error(repo: Path) -> None:
    with pytest.raises(ValueError, match="trailer"):
        commit_paths(repo, [CASE], "x", {"Case": "a\nb"})


# --------------------------------------------------------------------------- history and undo


def test_history_is_newest_first_with_trailers(repo: Path) -> None:
    add_contact(repo, "a11111", "2026-02-20", "Telefon")
    commit_paths(repo, [CASE], "Log contact 2026-004", TRAILERS)
    edit(repo, "Bolig først", "Bolig og job")
    commit_paths(repo, [CASE], "Plan 2026-004", {"Case": "2026-004", "Cti-Action": "plan"})
    entries = history(repo, CASE)
    assert [e.subject for e in entries] == [
        "Plan 2026-004",
        "Log contact 2026-004",
        "New case 2026-004",
    ]
    assert entries[0].trailers == {"Case": "2026-004", "Cti-Action": "plan"}
    assert entries[0].author == "Anna Test"
    assert entries[0].date >= entries[-1].date


def test_undo_walks_back_one_tool_commit_at_a_time(repo: Path) -> None:
    states = [TEXT]
    add_contact(repo, "a11111", "2026-02-20", "Telefon")
    commit_paths(repo, [CASE], "Log contact 2026-004", TRAILERS)
    states.append((repo / CASE).read_text(encoding="utf-8"))
    edit(repo, "worker: anna", "worker: bo")
    logged = commit_paths(repo, [CASE], "Worker 2026-004", TRAILERS)
    assert gitops.last_tool_commit(repo, CASE).sha == logged.sha  # type: ignore[union-attr]

    first = undo(repo, CASE, "Undo:")
    assert first.ok and first.undone and first.undone.sha == logged.sha
    assert (repo / CASE).read_text(encoding="utf-8") == states[1]
    top = history(repo, CASE)[0]
    assert top.subject == "Undo: Worker 2026-004"
    assert top.trailers == {"Case": "2026-004", "Cti-Action": "undo", "Reverts": logged.sha}

    assert undo(repo, CASE).ok
    assert (repo / CASE).read_text(encoding="utf-8") == states[0]
    refused = undo(repo, CASE)  # what is left created the file
    assert not refused.ok and "delete" in refused.reason
    assert gitops.is_clean(repo, CASE)


def test_undo_refuses_uncommitted_changes_and_foreign_commits(repo: Path) -> None:
    add_contact(repo, "a11111", "2026-02-20", "Telefon")
    commit_paths(repo, [CASE], "Log contact 2026-004", TRAILERS)
    edit(repo, "plan: Bolig først", "plan: hand edit")
    refused = undo(repo, CASE)
    assert not refused.ok and "not committed" in refused.reason
    git(repo, "commit", "-qam", "hand edit")
    refused = undo(repo, CASE)
    assert not refused.ok and "not made by cti" in refused.reason
    assert (repo / CASE).read_text(encoding="utf-8").count("hand edit") == 1


def test_undo_refuses_a_commit_that_touched_other_files(repo: Path) -> None:
    edit(repo, "worker: anna", "worker: bo")
    (repo / "cti.toml").write_text('team = "Syd"\n', encoding="utf-8")
    commit_paths(repo, [CASE, "cti.toml"], "Transfer 2026-004", TRAILERS)
    refused = undo(repo, CASE)
    assert not refused.ok and "cti.toml" in refused.reason


# --------------------------------------------------------------------------- sync


def test_sync_without_remote_does_nothing(repo: Path) -> None:
    before = git(repo, "rev-parse", "HEAD")
    report = sync(repo)
    assert report.state == "no-remote" and report.ok
    assert "no shared" in report.message
    assert git(repo, "rev-parse", "HEAD") == before


def test_two_clones_log_contacts_and_sync_without_conflict(clones: tuple[Path, Path]) -> None:
    anna, bo = clones
    add_contact(anna, "a11111", "2026-02-20", "Anna ringede")
    assert commit_paths(anna, [CASE], "Log contact 2026-004", TRAILERS).ok
    add_contact(bo, "b22222", "2026-02-15", "Bo mødtes")
    assert commit_paths(bo, [CASE], "Log", TRAILERS, author="Bo Berg <bo@example.org>").ok

    assert sync(anna).state == "synced"
    report = sync(bo)
    assert report.state == "synced" and report.pushed, report.message
    assert [c.path for c in report.changed] == [CASE]
    assert report.changed[0].authors == ["Anna Test"]
    assert report.authors == ["Anna Test"]

    text = (bo / CASE).read_text(encoding="utf-8")
    data = YAML(typ="safe").load(text)
    assert [c["id"] for c in data["contacts"]] == ["k7f3a2", "b22222", "a11111"]
    assert "# a comment a person wrote" in text and "# a11111" in text and "# b22222" in text
    assert text.startswith("# yaml-language-server:")

    back = sync(anna)
    assert back.state == "synced" and back.authors == ["Bo Berg"]
    assert (anna / CASE).read_text(encoding="utf-8") == text


def test_conflicting_worker_change_stops_and_continues(clones: tuple[Path, Path]) -> None:
    anna, bo = clones
    edit(anna, "worker: anna", "worker: carl")
    commit_paths(anna, [CASE], "Worker 2026-004", TRAILERS)
    edit(bo, "worker: anna", "worker: dora")
    add_contact(bo, "b22222", "2026-02-15", "Bo mødtes")
    commit_paths(bo, [CASE], "Worker 2026-004", TRAILERS)
    assert sync(anna).state == "synced"

    report = sync(bo)
    assert report.state == "conflict" and not report.ok
    assert [c.path for c in report.conflicts] == [CASE]
    assert [(f.path, f.ours, f.theirs) for f in report.conflicts[0].fields] == [
        ("worker", "carl", "dora")
    ]
    assert "cti sync again" in report.message
    text = (bo / CASE).read_text(encoding="utf-8")
    assert "worker: carl" in text and "worker: dora" in text and has_conflict_markers(text)
    assert "b22222" in text  # the rest merged
    # meanwhile no commits, and a second sync says it is still unresolved
    assert not commit_paths(bo, [CASE], "x", TRAILERS).ok
    assert sync(bo).state == "conflict"

    resolved = "\n".join(
        line
        for line in text.splitlines()
        if not line.startswith(("<<<<<<<", "=======", ">>>>>>>", "worker: carl"))
    )
    (bo / CASE).write_text(resolved + "\n", encoding="utf-8")
    done = sync(bo)
    assert done.state == "synced" and done.pushed, done.message
    assert [c.path for c in done.changed] == [CASE]
    assert sync(anna).state == "synced"
    data = YAML(typ="safe").load((anna / CASE).read_text(encoding="utf-8"))
    assert data["worker"] == "dora" and data["contacts"][-1]["id"] == "b22222"


def test_rejected_push_keeps_the_local_commit(tmp_path: Path, clones: tuple[Path, Path]) -> None:
    anna, _ = clones
    hook = tmp_path / "remote.git/hooks/pre-receive"
    hook.write_text("#!/bin/sh\necho 'closed for maintenance' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    add_contact(anna, "a11111", "2026-02-20", "Telefon")
    local = commit_paths(anna, [CASE], "Log contact 2026-004", TRAILERS)
    report = sync(anna)
    assert report.state == "push-failed" and not report.pushed and report.unpushed == 1
    assert "cti sync again" in report.message
    assert git(anna, "rev-parse", "HEAD").strip() == local.sha
    hook.unlink()
    assert sync(anna).pushed


def test_sync_refuses_with_uncommitted_changes(clones: tuple[Path, Path]) -> None:
    anna, _ = clones
    edit(anna, "worker: anna", "worker: bo")
    report = sync(anna)
    assert report.state == "blocked" and CASE in report.message


def test_sync_when_remote_unreachable(clones: tuple[Path, Path], tmp_path: Path) -> None:
    anna, _ = clones
    git(anna, "remote", "set-url", "origin", str(tmp_path / "gone.git"))
    report = sync(anna)
    assert report.state == "failed" and "safe on this computer" in report.message


def test_git_missing_is_a_plain_error(monkeypatch: pytest.MonkeyPatch, repo: Path) -> None:
    monkeypatch.setenv("PATH", os.devnull)
    assert not gitops.git_available()
    assert gitops.repo_root(repo) is None
    with pytest.raises(gitops.GitError, match="git is not installed"):
        history(repo, CASE)


def test_resolving_to_the_shared_version_skips_the_empty_commit(
    clones: tuple[Path, Path],
) -> None:
    anna, bo = clones
    edit(anna, "worker: anna", "worker: carl")
    commit_paths(anna, [CASE], "Worker 2026-004", TRAILERS)
    edit(bo, "worker: anna", "worker: dora")
    commit_paths(bo, [CASE], "Worker 2026-004", TRAILERS)
    assert sync(anna).state == "synced"
    assert sync(bo).state == "conflict"
    git(bo, "show", f"origin/main:{CASE}")
    (bo / CASE).write_text(git(bo, "show", f"origin/main:{CASE}"), encoding="utf-8")
    done = sync(bo)
    assert done.state == "synced" and done.message == "Up to date.", done.message
    assert git(bo, "rev-parse", "HEAD") == git(bo, "rev-parse", "origin/main")


def test_without_the_driver_conflicts_are_still_named(clones: tuple[Path, Path]) -> None:
    anna, bo = clones
    git(bo, "config", "--remove-section", "merge.cti")  # a clone set up by plain git
    edit(anna, "worker: anna", "worker: carl")
    commit_paths(anna, [CASE], "Worker 2026-004", TRAILERS)
    edit(bo, "worker: anna", "worker: dora")
    commit_paths(bo, [CASE], "Worker 2026-004", TRAILERS)
    assert sync(anna).state == "synced"
    report = sync(bo)
    assert report.state == "conflict", report.message
    assert [f.path for f in report.conflicts[0].fields] == ["worker"]
