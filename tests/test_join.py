"""Joining a team without git knowledge, whatever git's default branch is (issue 13 items 1–2).

Real git throughout: a bare shared repository, two or three clones, and a sandboxed HOME whose
`.gitconfig` sets `init.defaultBranch` (or leaves git's own default, `master` for a bare one).
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import WORKERS, Result, Runner

from cti_cli.team import run as gitrun

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not gitrun.git_available(), reason="git is not installed"),
]

DRIVER = f"{shlex.quote(sys.executable)} -m cti_cli merge-driver %O %A %B %P"
NAMES = {"anna": "Anna Jensen", "bo": "Bo Larsen", "cy": "Cy Holm"}
README = (Path(__file__).parent.parent / "README.md").read_text("utf-8")


def git(cwd: Path, *args: str, check: bool = True) -> str:
    done = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True)
    assert not check or done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(params=["master", "main", None], ids=["master", "main", "git-default"])
def home(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A HOME whose git config sets `init.defaultBranch` (or not); returns that branch."""
    gitconfig = tmp_path / "home" / ".gitconfig"
    gitconfig.write_text(f"[init]\n\tdefaultBranch = {request.param}\n" if request.param else "")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("CTI_MERGE_DRIVER_CMD", DRIVER)
    return request.param or "master"


class People:
    def __init__(self, cti: Runner, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.cti, self.tmp, self.mp = cti, tmp, monkeypatch

    def __call__(self, who: str, *args: str | Path, cwd: Path | None = None) -> Result:
        for role in ("AUTHOR", "COMMITTER"):
            self.mp.setenv(f"GIT_{role}_NAME", NAMES[who])
            self.mp.setenv(f"GIT_{role}_EMAIL", f"{who}@kommune.example")
        return self.cti(*(str(a) for a in args), cwd=cwd)


@pytest.fixture
def person(cti: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> People:
    return People(cti, tmp_path, monkeypatch)


def notes(folder: Path, case: str) -> list[str]:
    data = yaml.safe_load((folder / "cases" / f"{case}.yaml").read_text("utf-8"))
    return sorted(c["note"] for c in data.get("contacts", []))


def readme_commands() -> list[str]:
    """The `cti …` lines of the README's team walkthrough, as typed."""
    section = README.split("### Walkthrough: two workers, one shared folder", 1)[1]
    section = section.split("####", 1)[0]
    return [m.group(1) for m in re.finditer(r"^\w*\$ (cti .*?)(?:\s+#.*)?$", section, re.M)]


def test_readme_walkthrough_replayed_with_default_branch_master(
        home: str, person: People, tmp_path: Path) -> None:
    """The README's walkthrough, command by command: each sees the other's contact."""
    shared = tmp_path / "fællesdrev" / "team-nord.git"
    anna, bo = tmp_path / "anna" / "team-nord", tmp_path / "bo" / "team-nord"
    (tmp_path / "anna").mkdir()
    (tmp_path / "bo").mkdir()
    typed = readme_commands()
    assert typed[:2] == ["cti init team-nord --remote /mnt/fællesdrev/team-nord.git",
                         "cti sync"], typed
    assert any(t.startswith("cti join /mnt/fællesdrev/team-nord.git team-nord") for t in typed)
    assert not re.search(r"^\w*\$ git ", README.split("## Team work over git", 1)[1]
                         .split("\n## ", 1)[0], re.M), "the team section uses no raw git"

    result = person("anna", "init", "team-nord", "--remote", shared, cwd=anna.parent)
    assert result.code == 0, result.output
    assert f"shared with {shared}" in result.out
    with (anna / "cti.toml").open("a", encoding="utf-8") as fh:  # $EDITOR cti.toml
        fh.write(WORKERS)
    result = person("anna", "sync", cwd=anna)
    assert (result.code, result.out) == (0, "Intet nyt fra kollegerne.\nSendt 1 ændring.\n"), \
        result.output
    result = person("anna", "new", "--initials", "MK", "--worker", "anna", "--group",
                    "homelessness", "--transition-date", "2026-03-01", "--date", "2026-02-10",
                    cwd=anna)
    assert result.code == 0, result.output
    case = result.out.strip()
    assert person("anna", "sync", cwd=anna).code == 0

    result = person("bo", "join", shared, "team-nord", cwd=bo.parent)
    assert result.code == 0, result.output
    assert "1 case," in result.out and "joined team" in result.out
    assert (bo / "cases" / f"{case}.yaml").is_file()

    assert person("anna", "log", case, "Hjemmebesøg", "--date", "2026-03-02", cwd=anna).code == 0
    assert person("anna", "sync", cwd=anna).code == 0
    assert person("bo", "log", case, "Telefon om budget", "--kind", "phone", "--date",
                  "2026-03-03", cwd=bo).code == 0
    result = person("bo", "sync", cwd=bo)
    assert result.code == 0, result.output
    assert "Anna Jensen" in result.out
    result = person("anna", "sync", cwd=anna)
    assert result.code == 0, result.output
    assert "Bo Larsen" in result.out
    assert notes(anna, case) == notes(bo, case) == ["Hjemmebesøg", "Telefon om budget"]
    # the shared repository names the team's branch, so a plain clone is not empty either
    plain = tmp_path / "plain"
    git(tmp_path, "clone", "--quiet", str(shared), str(plain))
    assert (plain / "cti.toml").is_file()


def test_join_mends_a_bare_repository_that_points_at_a_missing_branch(
        home: str, person: People, tmp_path: Path) -> None:
    """A bare repository made by git (HEAD → master) and a team on another branch."""
    shared = tmp_path / "team.git"
    git(tmp_path, "init", "--quiet", "--bare", str(shared))
    anna = tmp_path / "anna"
    assert person("anna", "init", anna).code == 0
    git(anna, "branch", "-m", "team")  # whatever the branch is called
    git(anna, "remote", "add", "origin", str(shared))
    result = person("anna", "sync", cwd=anna)
    assert result.code == 0, result.output
    assert "(gren team)" in result.out
    result = person("bo", "join", shared, tmp_path / "bo")
    assert result.code == 0, result.output
    assert git(tmp_path / "bo", "symbolic-ref", "--short", "HEAD").strip() == "team"
    assert git(shared, "symbolic-ref", "HEAD").strip() == "refs/heads/team"


def test_join_an_empty_repository_explains_and_leaves_nothing(
        home: str, person: People, tmp_path: Path) -> None:
    shared = tmp_path / "team.git"
    git(tmp_path, "init", "--quiet", "--bare", str(shared))
    result = person("bo", "join", shared, tmp_path / "bo")
    assert result.code == 1
    assert "holds no team folder yet" in result.err and "cti init" not in result.err.split(
        "hint")[0]
    assert not (tmp_path / "bo").exists()


def test_init_remote_refuses_a_repository_that_holds_a_team(
        home: str, person: People, tmp_path: Path) -> None:
    shared = tmp_path / "team.git"
    assert person("anna", "init", tmp_path / "anna", "--remote", shared).code == 0
    result = person("bo", "init", tmp_path / "bo", "--remote", shared)
    assert result.code == 1
    assert "not empty" in result.err and f"cti join {shared}" in result.err
    assert not (tmp_path / "bo").exists()


def test_repair_in_an_empty_clone_says_why_and_never_suggests_a_second_team(
        home: str, person: People, tmp_path: Path) -> None:
    shared = tmp_path / "team.git"
    git(tmp_path, "init", "--quiet", "--bare", str(shared))
    bo = tmp_path / "bo"
    git(tmp_path, "clone", "--quiet", str(shared), str(bo))
    result = person("bo", "init", "--repair", bo)
    assert result.code == 1
    assert "clone without a case folder" in result.err
    assert "shared repository is empty" in result.err
    assert "without --repair" not in result.err and "second team" in result.err


def test_a_second_init_never_makes_a_second_branch_and_sync_says_so(
        home: str, person: People, tmp_path: Path) -> None:
    """The trial's split: Bo's clone came out empty and he made a folder of his own."""
    shared = tmp_path / "team.git"
    anna = tmp_path / "anna"
    assert person("anna", "init", anna, "--remote", shared).code == 0
    bo = tmp_path / "bo"
    assert person("bo", "init", bo).code == 0
    if git(bo, "symbolic-ref", "--short", "HEAD").strip() == git(
            anna, "symbolic-ref", "--short", "HEAD").strip():
        git(bo, "branch", "-m", "other")
    git(bo, "remote", "add", "origin", str(shared))
    before = git(shared, "for-each-ref")
    result = person("bo", "sync", cwd=bo)
    assert result.code == 1
    assert "du arbejder ikke i samme mappe" in result.err + result.out
    assert f"cti join {shared}" in result.output
    assert git(shared, "for-each-ref") == before  # no new branch on the remote
    doctor = person("bo", "doctor", cwd=bo)
    assert doctor.code == 1 and "D204" in doctor.out


def test_same_branch_name_but_another_team_is_refused(
        home: str, person: People, tmp_path: Path) -> None:
    shared = tmp_path / "team.git"
    assert person("anna", "init", tmp_path / "anna", "--remote", shared).code == 0
    bo = tmp_path / "bo"
    assert person("bo", "init", bo).code == 0
    branch = git(tmp_path / "anna", "symbolic-ref", "--short", "HEAD").strip()
    git(bo, "branch", "-m", branch)
    git(bo, "remote", "add", "origin", str(shared))
    before = git(shared, "for-each-ref")
    result = person("bo", "sync", cwd=bo)
    assert result.code == 1, result.output
    assert "har en anden sagsmappe" in result.output
    assert git(shared, "for-each-ref") == before


@pytest.fixture
def driver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CTI_MERGE_DRIVER_CMD", DRIVER)


def two_workers(person: People, tmp_path: Path) -> tuple[Path, Path, str]:
    """Anna's folder shared with a case, and Bo's joined copy."""
    shared, anna, bo = tmp_path / "team.git", tmp_path / "anna", tmp_path / "bo"
    assert person("anna", "init", anna, "--remote", shared).code == 0
    with (anna / "cti.toml").open("a", encoding="utf-8") as fh:
        fh.write(WORKERS)
    made = person("anna", "new", "--initials", "MK", "--worker", "anna", "--group",
                  "homelessness", "--transition-date", "2026-03-01", "--date", "2026-02-10",
                  cwd=anna)
    assert made.code == 0, made.output
    assert person("anna", "sync", cwd=anna).code == 0
    assert person("bo", "join", shared, bo).code == 0
    return anna, bo, made.out.strip()


def test_undo_refuses_a_colleagues_change_and_names_them(
        driver: None, person: People, tmp_path: Path) -> None:
    anna, bo, case = two_workers(person, tmp_path)
    assert person("bo", "log", case, "Telefon om budget", "--date", "2026-03-03", cwd=bo).code == 0
    assert person("bo", "sync", cwd=bo).code == 0
    assert person("anna", "sync", cwd=anna).code == 0
    before = (anna / "cases" / f"{case}.yaml").read_text("utf-8")

    refused = person("anna", "undo", case, cwd=anna)
    assert refused.code == 1
    assert "Bo Larsen" in refused.err and "er lavet af en kollega" in refused.err
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", refused.err)  # and when
    assert "--force" in refused.err
    assert (anna / "cases" / f"{case}.yaml").read_text("utf-8") == before

    # her own change, not yet shared, is hers to take back
    assert person("anna", "log", case, "Hjemmebesøg", "--date", "2026-03-04", cwd=anna).code == 0
    mine = person("anna", "undo", case, cwd=anna)
    assert mine.code == 0, mine.output
    assert "Bo Larsen" not in mine.output
    assert notes(anna, case) == ["Telefon om budget"]

    # with --force it takes Bo's back (the undo above is hers, so step past it first)
    forced = person("anna", "undo", case, "--force", cwd=anna)
    assert forced.code == 0, forced.output
    assert "Anna Jensen" in forced.err or "Bo Larsen" in forced.err


def test_undo_refuses_own_change_once_shared(driver: None, person: People,
                                             tmp_path: Path) -> None:
    anna, _, case = two_workers(person, tmp_path)
    assert person("anna", "log", case, "Hjemmebesøg", "--date", "2026-03-04", cwd=anna).code == 0
    assert person("anna", "sync", cwd=anna).code == 0
    refused = person("anna", "undo", case, cwd=anna)
    assert refused.code == 1 and "er allerede delt" in refused.err


def test_history_follows_the_file_only_and_names_authors(
        driver: None, person: People, tmp_path: Path) -> None:
    anna, bo, case = two_workers(person, tmp_path)
    # one commit removes Anna's citizen and adds another whose file is nearly the same:
    # git's rename detection would call it a rename and hand the new case Anna's past
    third = "2026-777"
    text = (bo / "cases" / f"{case}.yaml").read_text("utf-8")
    git(bo, "rm", "--quiet", f"cases/{case}.yaml")
    (bo / "cases").mkdir(exist_ok=True)
    (bo / "cases" / f"{third}.yaml").write_text(text.replace(case, third), "utf-8")
    git(bo, "add", ".")
    git(bo, "commit", "--quiet", "-m", f"{third}: by hand")
    shown = person("bo", "history", third, "--json", cwd=bo)
    assert shown.code == 0, shown.output
    entries = json.loads(shown.out)
    assert [(e["author"], e["subject"]) for e in entries] == [("Bo Larsen", f"{third}: by hand")]
    table = person("anna", "history", case, cwd=anna)
    assert "Anna Jensen" in table.out


def test_two_machines_mail_each_reminder_once(driver: None, person: People, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Both clones run the documented cron line `cti sync && cti due --email`."""
    from smtp_server import SmtpServer

    server = SmtpServer().start()
    try:
        shared, anna, bo = tmp_path / "team.git", tmp_path / "anna", tmp_path / "bo"
        assert person("anna", "init", anna, "--remote", shared).code == 0
        with (anna / "cti.toml").open("a", encoding="utf-8") as fh:
            fh.write(WORKERS + f'\n[smtp]\nhost = "127.0.0.1"\nport = {server.port}\n'
                     'security = "none"\nfrom = "CTI <cti@kommune.example>"\ntimeout = 5\n')
        for args in (["new", "--initials", "MK", "--worker", "anna", "--group", "homelessness",
                      "--transition-date", "2026-02-01", "--date", "2026-01-05"],
                     ["new", "--initials", "JV", "--worker", "bo", "--group", "psychiatric",
                      "--transition-date", "2026-04-01", "--date", "2026-03-01"]):
            assert person("anna", *args, cwd=anna).code == 0
        assert person("anna", "sync", cwd=anna).code == 0
        assert person("bo", "join", shared, bo).code == 0

        def cron(who: str, folder: Path) -> None:
            monkeypatch.setenv("CTI_STATE_DIR", str(tmp_path / f"state-{who}"))  # per machine
            assert person(who, "sync", cwd=folder).code == 0
            result = person(who, "due", "--email", "--date", "2026-06-01", cwd=folder)
            assert result.code == 0, result.output

        cron("anna", anna)
        first = len(server.handler.envelopes)
        assert first >= 2  # a message to each worker
        cron("bo", bo)
        assert len(server.handler.envelopes) == first  # Bo's machine mailed nothing again
        cron("anna", anna)
        assert len(server.handler.envelopes) == first
        lines = (bo / "sent-reminders.log").read_text("utf-8").splitlines()
        assert lines and len(lines) == len(set(lines))
        assert "sent-reminders.log merge=union" in (bo / ".gitattributes").read_text("utf-8")
    finally:
        server.stop()


def test_same_id_offline_two_citizens_stay_two_cases(driver: None, person: People,
                                                     tmp_path: Path) -> None:
    """Issue 16: both run `cti new` offline and get the same id; sync renumbers ours."""
    anna, bo, _ = two_workers(person, tmp_path)
    made_a = person("anna", "new", "--initials", "AA", "--worker", "anna", "--group",
                    "homelessness", "--transition-date", "2026-03-01", "--date", "2026-02-11",
                    cwd=anna)
    made_b = person("bo", "new", "--initials", "BB", "--worker", "bo", "--group",
                    "psychiatric", "--transition-date", "2026-04-01", "--date", "2026-02-12",
                    cwd=bo)
    same = made_a.out.strip()
    assert same == made_b.out.strip()
    assert person("bo", "log", same, "Bos note", "--date", "2026-03-03", cwd=bo).code == 0
    assert person("anna", "sync", cwd=anna).code == 0
    result = person("bo", "sync", cwd=bo)
    assert result.code == 0, result.output
    new = re.search(r"hedder nu (\S+):", result.out)
    assert new, result.out
    renamed = new.group(1)
    mine = yaml.safe_load((bo / "cases" / f"{renamed}.yaml").read_text("utf-8"))
    theirs = yaml.safe_load((bo / "cases" / f"{same}.yaml").read_text("utf-8"))
    assert (mine["id"], mine["citizen"]["initials"]) == (renamed, "BB")
    assert [c["note"] for c in mine["contacts"]] == ["Bos note"]
    assert (theirs["citizen"]["initials"], theirs.get("contacts", [])) == ("AA", [])
    assert person("anna", "sync", cwd=anna).code == 0
    assert (anna / "cases" / f"{renamed}.yaml").is_file()
    assert person("anna", "check", cwd=anna).code == 0
    assert f"{renamed}: log" in git(bo, "log", "-3", "--format=%s")


def test_merge_driver_refuses_two_citizens_in_one_file() -> None:
    from cti_cli.team.merge import TwoCitizens, merge_texts

    one = "id: 2026-005\ncitizen:\n  initials: AA\ntarget_group: homelessness\n"
    two = "id: 2026-005\ncitizen:\n  initials: BB\ntarget_group: homelessness\n"
    with pytest.raises(TwoCitizens):
        merge_texts("", one, two)
    assert merge_texts("", one, one + "plan: x\n").clean  # the same citizen merges


def test_concurrent_advance_and_close_is_a_conflict_in_words(driver: None, person: People,
                                                             tmp_path: Path) -> None:
    """Issue 16: never a silently invalid file, never pushed."""
    anna, bo, case = two_workers(person, tmp_path)
    advanced = person("anna", "advance", case, "--force", "--reason", "Flytning fremrykket",
                      "--date", "2026-02-20", cwd=anna)
    assert advanced.code == 0, advanced.output
    assert person("anna", "sync", cwd=anna).code == 0
    closed = person("bo", "close", case, "--reason", "declined", "--date", "2026-02-21",
                    cwd=bo)
    assert closed.code == 0, closed.output
    before = git(tmp_path / "team.git", "rev-parse", "HEAD")
    result = person("bo", "sync", cwd=bo)
    assert result.code == 1
    assert "ændret to steder på én gang" in result.err
    assert git(tmp_path / "team.git", "rev-parse", "HEAD") == before  # nothing pushed
    assert person("bo", "check", cwd=bo).code == 1  # the markers keep the file unreadable


def test_sync_refuses_to_send_a_case_that_fails_check(driver: None, person: People,
                                                      tmp_path: Path) -> None:
    anna, _, case = two_workers(person, tmp_path)
    path = anna / "cases" / f"{case}.yaml"
    path.write_text(path.read_text("utf-8").replace("worker: anna", "worker: nobody"), "utf-8")
    git(anna, "commit", "--quiet", "-am", f"{case}: by hand")
    before = git(tmp_path / "team.git", "rev-parse", "HEAD")
    result = person("anna", "sync", cwd=anna)
    assert result.code == 1
    assert "består ikke `cti check`" in result.err and f"{case}.yaml" in result.err
    assert git(tmp_path / "team.git", "rev-parse", "HEAD") == before


def _editor(tmp_path: Path, name: str, body: str) -> str:
    script = tmp_path / f"{name}.py"
    script.write_text("import pathlib, sys\npath = pathlib.Path(sys.argv[1])\n"
                      "text = path.read_text('utf-8')\n" + body +
                      "\npath.write_text(text, 'utf-8')\n", "utf-8")
    return f"{sys.executable} {script}"


def test_edit_keeps_the_draft_until_used_or_discarded(
        driver: None, person: People, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    anna = tmp_path / "anna"
    assert person("anna", "init", anna).code == 0
    with (anna / "cti.toml").open("a", encoding="utf-8") as fh:
        fh.write(WORKERS)
    case = person("anna", "new", "--initials", "MK", "--worker", "anna", "--group",
                  "homelessness", "--transition-date", "2026-03-01", "--date", "2026-02-10",
                  cwd=anna).out.strip()
    path = anna / "cases" / f"{case}.yaml"
    before = path.read_text("utf-8")
    bad = "text += 'plan: Egen bolig\\nworker: x\\n'"
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "bad", bad))
    assert person("anna", "edit", case, cwd=anna).code == 1
    draft = anna / ".cti" / "drafts" / f"{case}.yaml"
    assert "plan: Egen bolig" in draft.read_text("utf-8")
    # the next edit does not overwrite it: without a terminal it asks for --draft/--discard-draft
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "noop", ""))
    refused = person("anna", "edit", case, cwd=anna)
    assert refused.code == 1 and "--draft" in refused.err
    assert "plan: Egen bolig" in draft.read_text("utf-8")
    # --draft continues it: the editor removes the duplicate key, and the draft is used
    fix = "text = text.replace('worker: x\\n', '')"
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "fix", fix))
    assert person("anna", "edit", case, "--draft", cwd=anna).code == 0
    assert "plan: Egen bolig" in path.read_text("utf-8") and not draft.exists()
    # --discard-draft drops one
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "bad2", "text += 'worker: y\\n'"))
    assert person("anna", "edit", case, cwd=anna).code == 1
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "noop2", ""))
    assert person("anna", "edit", case, "--discard-draft", cwd=anna).code == 0
    assert not draft.exists() and path.read_text("utf-8") != before


def _conflicted(person: People, tmp_path: Path) -> tuple[Path, str]:
    """Bo's sync stopped on a transfer both made, after each logged a contact."""
    anna, bo, case = two_workers(person, tmp_path)
    with (anna / "cti.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[workers.cy]\nname = "Cy Holm"\n')
    assert person("anna", "sync", cwd=anna).code == 0
    assert person("bo", "sync", cwd=bo).code == 0
    assert person("anna", "log", case, "Annas note", "--date", "2026-03-02", cwd=anna).code == 0
    assert person("anna", "transfer", case, "--worker", "cy", "--date", "2026-03-09",
                  cwd=anna).code == 0
    assert person("anna", "sync", cwd=anna).code == 0
    assert person("bo", "log", case, "Bos note", "--date", "2026-03-03", cwd=bo).code == 0
    assert person("bo", "transfer", case, "--worker", "bo", "--date", "2026-03-10",
                  cwd=bo).code == 0
    stopped = person("bo", "sync", cwd=bo)
    assert stopped.code == 1, stopped.output
    return bo, case


@pytest.mark.parametrize("side", ["--mine", "--theirs"])
def test_resolve_takes_one_side_and_keeps_every_contact(
        driver: None, person: People, tmp_path: Path, side: str) -> None:
    bo, case = _conflicted(person, tmp_path)
    result = person("bo", "resolve", case, side, cwd=bo)
    assert result.code == 0, result.output
    data = yaml.safe_load((bo / "cases" / f"{case}.yaml").read_text("utf-8"))
    assert data["worker"] == ("bo" if side == "--mine" else "cy")
    assert sorted(c["note"] for c in data["contacts"]) == ["Annas note", "Bos note"]
    done = person("bo", "sync", cwd=bo)
    assert done.code == 0, done.output


def test_edit_opens_a_conflicted_file_with_an_explanation(
        driver: None, person: People, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bo, case = _conflicted(person, tmp_path)
    seen = tmp_path / "seen.txt"
    keep_shared = "\n".join([  # keep the first side of every hunk, drop the markers
        f"pathlib.Path({str(seen)!r}).write_text(text, 'utf-8')",
        "out, side = [], 'out'",
        "for line in text.splitlines(keepends=True):",
        "    if line.startswith('<<<<<<<'): side = 'first'",
        "    elif line.startswith('=======') and side == 'first': side = 'second'",
        "    elif line.startswith('>>>>>>>'): side = 'out'",
        "    elif side != 'second': out.append(line)",
        "text = ''.join(out)",
    ])
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "keep", keep_shared))
    result = person("bo", "edit", case, cwd=bo)
    assert result.code == 0, result.output
    opened = seen.read_text("utf-8")
    assert opened.startswith("# cti: Filen har konflikter") and "<<<<<<<" in opened
    text = (bo / "cases" / f"{case}.yaml").read_text("utf-8")
    assert "# cti:" not in text and "<<<<<<<" not in text
    assert person("bo", "sync", cwd=bo).code == 0
