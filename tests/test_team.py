"""Team work through the CLI with real git: two clones of one bare remote, sync, the merge
driver, undo, history, and a fresh clone that has not registered the driver yet."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import WORKERS, Result, Runner

from cti_cli.storage.yamlread import has_conflict_markers
from cti_cli.team import git as gitops

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not gitops.git_available(), reason="git is not installed"),
]

DRIVER = f"{shlex.quote(sys.executable)} -m cti_cli merge-driver %O %A %B %P"
CASE = "2026-004"
NAMES = {"anna": "Anna Jensen", "bo": "Bo Larsen"}


def git(cwd: Path, *args: str, check: bool = True) -> str:
    done = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True)
    assert not check or done.returncode == 0, done.stderr
    return done.stdout


class Team:
    """One bare remote and the clones of it, each used by one worker."""

    def __init__(self, cti: Runner, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.cti, self.tmp, self.mp = cti, tmp, monkeypatch
        self.remote = tmp / "shared-drive" / "team.git"
        self.remote.parent.mkdir()
        git(tmp, "init", "--quiet", "--bare", "--initial-branch=main", str(self.remote))

    def run(self, who: str, clone: Path, *args: str) -> Result:
        """`cti -C clone ARGS` as `who`: the git identity is the worker's."""
        for role in ("AUTHOR", "COMMITTER"):
            self.mp.setenv(f"GIT_{role}_NAME", NAMES[who])
            self.mp.setenv(f"GIT_{role}_EMAIL", f"{who}@kommune.example")
        return self.cti("-C", clone, *args)

    def found(self, who: str) -> Path:
        """The first worker creates the folder, commits the workers and shares it."""
        folder = self.tmp / who
        assert self.run(who, folder, "init", folder).code == 0
        with (folder / "cti.toml").open("a", encoding="utf-8") as fh:
            fh.write(WORKERS + '\n[workers.cy]\nname = "Cy Holm"\n')
        git(folder, "commit", "--quiet", "-m", "team: workers", "--", "cti.toml")
        git(folder, "remote", "add", "origin", str(self.remote))
        result = self.run(who, folder, "sync")
        assert result.code == 0, result.output
        return folder

    def join(self, who: str, repair: bool = True) -> Path:
        folder = self.tmp / who
        git(self.tmp, "clone", "--quiet", str(self.remote), str(folder))
        if repair:
            result = self.run(who, folder, "init", "--repair", folder)
            assert result.code == 0, result.output
            assert "merge-driveren er registreret" in result.out  # the team is Danish
        return folder


@pytest.fixture(autouse=True)
def driver(monkeypatch: pytest.MonkeyPatch) -> None:
    """The console script may not be on PATH under pytest: register the module instead."""
    monkeypatch.setenv("CTI_MERGE_DRIVER_CMD", DRIVER)


@pytest.fixture
def team(cti: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Team:
    return Team(cti, tmp_path, monkeypatch)


def new_case(team: Team, who: str, clone: Path) -> None:
    result = team.run(who, clone, "new", "--initials", "MK", "--worker", "anna", "--group",
                      "homelessness", "--transition-date", "2026-03-01", "--id", CASE,
                      "--date", "2026-02-10")
    assert result.code == 0, result.output


def case_data(clone: Path) -> dict:
    text = (clone / "cases" / f"{CASE}.yaml").read_text("utf-8")
    assert not has_conflict_markers(text)
    return yaml.safe_load(text)


def notes(clone: Path) -> list[str]:
    return [c["note"] for c in case_data(clone).get("contacts", [])]


def test_two_clones_log_the_same_case_and_both_entries_are_kept(team: Team) -> None:
    a = team.found("anna")
    new_case(team, "anna", a)
    assert team.run("anna", a, "sync").out == "Intet nyt fra kollegerne.\nSendt 1 ændring.\n"
    b = team.join("bo")

    assert team.run("anna", a, "log", CASE, "Hjemmebesøg", "--date", "2026-03-02").code == 0
    assert team.run("bo", b, "log", CASE, "Telefon om budget", "--date", "2026-03-03",
                    "--kind", "phone").code == 0
    assert team.run("anna", a, "sync").code == 0

    result = team.run("bo", b, "sync")
    assert result.code == 0, result.output
    assert result.out == ("Hentet 1 ændring: 2026-004 (Anna Jensen).\nSendt 1 ændring.\n")
    result = team.run("anna", a, "sync")
    assert (result.code, result.out) == (0, "Hentet 1 ændring: 2026-004 (Bo Larsen).\n")

    assert sorted(notes(a)) == sorted(notes(b)) == ["Hjemmebesøg", "Telefon om budget"]
    assert (a / "cases" / f"{CASE}.yaml").read_text() == (b / "cases" / f"{CASE}.yaml").read_text()
    assert team.run("anna", a, "show", CASE).code == 0
    # one commit per change, with a message and trailers a script can read
    log = git(a, "log", "--format=%an|%s|%(trailers:only,separator=%x3B)",
              "--", f"cases/{CASE}.yaml")
    trailers = "Case: 2026-004;Cti-Action: log;Phase: contact"
    assert log.splitlines()[:2] == [f"Bo Larsen|2026-004: log phone 2026-03-03|{trailers}",
                                    f"Anna Jensen|2026-004: log meeting 2026-03-02|{trailers}"]


def test_both_change_the_worker_conflict_is_reported_and_nothing_lost(team: Team) -> None:
    a = team.found("anna")
    new_case(team, "anna", a)
    team.run("anna", a, "sync")
    b = team.join("bo")
    assert team.run("anna", a, "transfer", CASE, "--worker", "bo", "--date", "2026-03-05",
                    "--reason", "ferie").code == 0
    assert team.run("bo", b, "transfer", CASE, "--worker", "cy", "--date", "2026-03-06").code == 0
    assert team.run("anna", a, "sync").code == 0

    result = team.run("bo", b, "sync")
    assert result.code == 1
    assert "2026-004, feltet worker: delt værdi “bo”, din værdi “cy”" in result.err
    assert "cti sync" in result.err
    text = (b / "cases" / f"{CASE}.yaml").read_text("utf-8")
    assert has_conflict_markers(text)
    assert "worker: bo" in text and "worker: cy" in text  # neither side's value is lost
    # the loader says what is wrong instead of failing on YAML syntax
    shown = team.run("bo", b, "show", CASE)
    assert shown.code == 1 and "2026-004.yaml:6:1: uløst sammenfletningskonflikt" in shown.err

    # keep the shared value, remove the markers, sync again
    kept = [line for line in text.splitlines()
            if not line.startswith(("<<<<<<<", "=======", ">>>>>>>", "worker: cy"))]
    (b / "cases" / f"{CASE}.yaml").write_text("\n".join(kept) + "\n", "utf-8")
    result = team.run("bo", b, "sync")
    assert result.code == 0, result.output
    assert team.run("anna", a, "sync").code == 0
    for clone in (a, b):
        data = case_data(clone)
        assert data["worker"] == "bo"
        assert sorted(t["to"] for t in data["transfers"]) == ["bo", "cy"]


def test_undo_after_advance_restores_the_phase_and_history_tells_it(team: Team) -> None:
    a = team.found("anna")
    new_case(team, "anna", a)
    result = team.run("anna", a, "advance", CASE, "--force", "--reason", "Flytning fremrykket",
                      "--date", "2026-02-20")
    assert result.code == 0, result.output
    assert case_data(a)["phases"][-1]["name"] == "phase1"
    subject, body = git(a, "log", "-1", "--format=%s%n%b").split("\n", 1)
    assert subject == "2026-004: advance to phase1"
    assert "Case: 2026-004" in body and "Phase: phase1" in body

    result = team.run("anna", a, "undo", CASE)
    assert result.code == 0, result.output
    assert result.out.startswith("Fortrudt: 2026-004: advance to phase1")
    assert [p["name"] for p in case_data(a)["phases"]] == ["contact"]
    assert git(a, "status", "--porcelain") == ""

    history = team.run("anna", a, "history", CASE)
    assert history.code == 0, history.output
    lines = history.out.splitlines()
    whats = [line for line in lines if "Anna Jensen" in line]
    assert "undo advance to phase1" in whats[0]
    assert "advance to phase1" in whats[1]
    assert "new case (homelessness)" in whats[-1]
    # what is left is the creation: undo refuses rather than deleting the case
    refused = team.run("anna", a, "undo", CASE)
    assert refused.code == 1 and "intet blev fortrudt" in refused.err


def test_fresh_clone_without_repair_gets_a_clear_message_not_a_broken_file(team: Team) -> None:
    a = team.found("anna")
    new_case(team, "anna", a)
    team.run("anna", a, "sync")
    b = team.join("bo", repair=False)
    assert team.run("anna", a, "log", CASE, "Hjemmebesøg", "--date", "2026-03-02").code == 0
    team.run("anna", a, "sync")

    logged = team.run("bo", b, "log", CASE, "Telefon", "--date", "2026-03-03")
    assert logged.code == 0
    assert "ingen merge-driver: kør `cti init --repair`" in logged.err
    synced = team.run("bo", b, "sync")
    assert synced.code == 1
    assert "ingen merge-driver" in synced.err and "cti init --repair" in synced.err
    assert notes(b) == ["Telefon"]  # untouched, valid

    assert team.run("bo", b, "init", "--repair", b).code == 0
    assert team.run("bo", b, "sync").code == 0
    assert sorted(notes(b)) == ["Hjemmebesøg", "Telefon"]


def test_sync_without_remote_says_so(folder: Path, cti: Runner) -> None:
    result = cti("-C", folder, "sync")
    assert result.code == 0
    assert "ingen fælles (remote) kopi" in result.out


def test_no_commit_and_the_config_switch_leave_the_change_uncommitted(
        folder: Path, cti: Runner) -> None:
    git(folder, "commit", "--quiet", "-m", "workers", "--", "cti.toml")
    assert cti("-C", folder, "new", "--initials", "MK", "--worker", "anna", "--group",
               "homelessness", "--transition-date", "2026-03-01", "--id", CASE,
               "--no-commit").code == 0
    assert f"cases/{CASE}.yaml" in git(folder, "status", "--porcelain", "--untracked-files=all")
    (folder / "notes.txt").write_text("staged, not ours\n")
    git(folder, "add", "notes.txt")
    assert cti("-C", folder, "log", CASE, "Møde").code == 0  # commits the case file only
    assert git(folder, "diff", "--cached", "--name-only") == "notes.txt\n"


def test_a_refusing_hook_keeps_the_change_and_says_why(folder: Path, cti: Runner) -> None:
    hook = folder / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'nej tak' >&2\nexit 1\n")
    hook.chmod(0o755)
    result = cti("-C", folder, "new", "--initials", "MK", "--worker", "anna", "--group",
                 "homelessness", "--transition-date", "2026-03-01", "--id", CASE)
    assert result.code == 0
    assert "gemt, men ikke committet" in result.err and "pre-commit" in result.err
    assert (folder / "cases" / f"{CASE}.yaml").exists()


def test_init_commits_the_folder_or_says_how(tmp_path: Path, cti: Runner,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    result = cti("init", tmp_path / "t1")
    assert result.code == 0
    assert git(tmp_path / "t1", "log", "--format=%s") == "cti init: new case folder\n"
    assert git(tmp_path / "t1", "status", "--porcelain") == ""
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME",
                 "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("EMAIL", "")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "empty-gitconfig"))
    result = cti("init", tmp_path / "t2")
    assert result.code == 0
    if "not committed yet" in result.out:  # git could not guess an identity on this machine
        assert "git config --global user.name" in result.out
        assert "git commit" in result.out


def test_merge_driver_command_merges_two_contact_logs(tmp_path: Path, cti: Runner) -> None:
    base = "id: x\ncontacts:\n- id: c1\n  note: a\n"
    ours = base + "- id: c2\n  note: b # mine\n"
    theirs = base + "- id: c3\n  note: c\n"
    paths = []
    for name, text in (("O", base), ("A", ours), ("B", theirs)):
        (tmp_path / name).write_text(text)
        paths.append(str(tmp_path / name))
    result = cti("merge-driver", *paths, "cases/x.yaml")
    assert result.code == 0, result.output
    merged = (tmp_path / "A").read_text()
    assert "# mine" in merged
    assert sorted(c["id"] for c in yaml.safe_load(merged)["contacts"]) == ["c1", "c2", "c3"]


def test_sync_report_in_plain_words_in_both_languages() -> None:
    from cti_cli.commands.team import sync_lines
    from cti_cli.locale import set_language
    from cti_cli.team.git import ChangedCase, SyncReport

    came = [ChangedCase("cases/2026-004.yaml", ["Bo Larsen"]),
            ChangedCase("cases/2026-009.yaml", ["Anna Jensen"])]
    report = SyncReport("synced", "Sent 1 change(s).", "origin", came, ["Bo Larsen"], True,
                        sent=1)
    set_language("da")
    assert sync_lines(report) == [
        "Hentet 2 ændringer: 2026-004 (Bo Larsen), 2026-009 (Anna Jensen).", "Sendt 1 ændring."]
    one = SyncReport("synced", "", "origin", came[:1], ["Bo Larsen"], True, sent=2)
    assert sync_lines(one) == ["Hentet 1 ændring: 2026-004 (Bo Larsen).", "Sendt 2 ændringer."]
    set_language("en")
    assert sync_lines(report) == [
        "Received 2 changes: 2026-004 (Bo Larsen), 2026-009 (Anna Jensen).", "Sent 1 change."]
    settings = SyncReport("synced", "Up to date.", "origin", [], ["Anna Jensen"], True)
    assert sync_lines(settings) == [
        "Received changes to the team's shared files, not to cases (Anna Jensen)."]
    failed = SyncReport("push-failed", "git said: no", "origin", [], [], False, 2,
                        push_problem="behind")
    assert sync_lines(failed) == [
        "2 changes saved on this computer but not sent: a colleague shared changes at the "
        "same moment.", "Run `cti sync` again."]
