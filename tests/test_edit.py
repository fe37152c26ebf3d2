"""`cti edit`: the file is replaced only by a checked copy, like `crontab -e` (issue 2)."""

from __future__ import annotations

import stat
import sys
import textwrap
from pathlib import Path

import pytest


def _editor(tmp_path: Path, name: str, body: str) -> str:
    """A real program used as $EDITOR: it changes the file it is given."""
    script = tmp_path / f"{name}.py"
    script.write_text(textwrap.dedent(f"""
        import pathlib, sys
        path = pathlib.Path(sys.argv[1])
        text = path.read_text("utf-8")
        {body}
        path.write_text(text, "utf-8")
    """), "utf-8")
    return f"{sys.executable} {script}"


@pytest.fixture
def case(plain_folder: Path, cti) -> Path:
    made = cti("-C", plain_folder, "new", "--initials", "MK", "--worker", "anna", "--group",
               "homelessness", "--transition-date", "2026-03-01", "--date", "2026-02-10")
    assert made.code == 0, made.output
    return plain_folder / "cases" / f"{made.out.strip()}.yaml"


def test_a_valid_edit_is_saved_and_keeps_the_mode(case: Path, cti, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "ok", 'text += "plan: Egen bolig\\n"'))
    result = cti("-C", case.parent.parent, "edit", case.stem, input="")
    assert result.code == 0, result.output
    assert case.read_text("utf-8").endswith("plan: Egen bolig\n")
    assert stat.S_IMODE(case.stat().st_mode) == 0o600
    assert not list((case.parent.parent / ".cti" / "drafts").glob("*.yaml"))


def test_an_invalid_edit_never_replaces_the_file_and_the_draft_is_kept(
        case: Path, cti, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = case.read_text("utf-8")
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "bad",
                                         'text = text.replace("2026-02-10", "2026-02-30")'))
    result = cti("-C", case.parent.parent, "edit", case.stem, input="n\n")
    assert result.code == 1
    assert "E003" in result.err and "2026-02-30 er ikke en gyldig dato" in result.err
    assert "Traceback" not in result.output
    assert case.read_text("utf-8") == before
    draft = case.parent.parent / ".cti" / "drafts" / case.name
    assert "2026-02-30" in draft.read_text("utf-8")  # the person's work is not lost
    assert str(draft) in result.err


def test_an_edit_that_breaks_a_rule_is_refused_too(case: Path, cti, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    before = case.read_text("utf-8")
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "rule",
                                         'text = text.replace("worker: anna", "worker: nn")'))
    result = cti("-C", case.parent.parent, "edit", case.stem, input="n\n")
    assert result.code == 1 and "E202" in result.err
    assert case.read_text("utf-8") == before


def test_no_change_says_so(case: Path, cti, tmp_path: Path,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    before = case.read_text("utf-8")
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "same", "pass"))
    result = cti("-C", case.parent.parent, "edit", case.stem, input="")
    assert result.code == 0 and "ingen ændringer" in result.out  # the folder is Danish
    assert case.read_text("utf-8") == before


def test_a_failing_editor_changes_nothing(case: Path, cti, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    before = case.read_text("utf-8")
    monkeypatch.setenv("EDITOR", f"{sys.executable} -c 'import sys; sys.exit(3)'")
    result = cti("-C", case.parent.parent, "edit", case.stem, input="")
    assert result.code == 1 and "status 3" in result.err
    assert case.read_text("utf-8") == before


def test_on_a_terminal_an_invalid_edit_is_offered_again(case: Path, tmp_path: Path) -> None:
    """A person at a terminal answers "yes, edit again", fixes it, and it is saved."""
    import os
    import subprocess

    counter = tmp_path / "calls"
    editor = _editor(tmp_path, "twice", textwrap.dedent(f"""\
        calls = pathlib.Path({str(counter)!r})
        n = int(calls.read_text()) + 1 if calls.exists() else 1
        calls.write_text(str(n))
        if n == 1:
            text = text + "plan: [unclosed\\n"
        else:
            text = text.replace("plan: [unclosed", "plan: fixed")
    """).replace("\n", "\n        "))
    master, slave = os.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cti_cli", "-C", str(case.parent.parent), "edit", case.stem],
            stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "EDITOR": editor})
        os.write(master, b"y\n")
        out, err = proc.communicate(timeout=60)
    finally:
        os.close(master)
        os.close(slave)
    assert proc.returncode == 0, err
    assert "Redigér igen?" in out  # the folder is Danish
    assert "E001" in err  # the first, broken save was reported
    assert counter.read_text() == "2"
    assert case.read_text("utf-8").endswith("plan: fixed\n")


def _racing_editor(tmp_path: Path, folder: Path, case: str, command: list[str],
                   body: str) -> str:
    """An $EDITOR that runs another cti command on the same case while the file is open,
    then changes the draft: what happens when `cti log` runs during `cti edit`."""
    cti = str(Path(sys.executable).parent / "cti")
    return _editor(tmp_path, "racing", f"""import subprocess
        subprocess.run([{cti!r}, "-C", {str(folder)!r}, *{command!r}], check=True)
        {body}""")


def test_a_log_during_an_edit_is_kept_with_the_edit(case: Path, cti, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    folder = case.parent.parent
    monkeypatch.setenv("EDITOR", _racing_editor(
        tmp_path, folder, case.stem, ["log", case.stem, "Opkald imens", "--date", "2026-02-12"],
        'text += "plan: Egen bolig\\n"'))
    result = cti("-C", folder, "edit", case.stem, input="")
    assert result.code == 0, result.output
    text = case.read_text("utf-8")
    assert "Opkald imens" in text and "plan: Egen bolig" in text  # both changes kept
    assert not list((folder / ".cti" / "drafts").iterdir())


def test_an_edit_that_clashes_with_a_change_meanwhile_keeps_the_draft(
        case: Path, cti, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = case.parent.parent
    monkeypatch.setenv("EDITOR", _racing_editor(
        tmp_path, folder, case.stem, ["plan", case.stem, "Deres plan"],
        'text += "plan: Mit udkast\\n"'))
    result = cti("-C", folder, "edit", case.stem, input="")
    draft = folder / ".cti" / "drafts" / case.name
    text = case.read_text("utf-8")
    assert result.code == 1 and str(draft) in result.err, result.output
    assert "Deres plan" in text and "Mit udkast" not in text  # the other change stands
    assert "Mit udkast" in draft.read_text("utf-8")  # and the edit is not lost
    # the next edit does not overwrite the kept draft
    again = cti("-C", folder, "edit", case.stem, input="")
    assert again.code == 1 and "Mit udkast" in draft.read_text("utf-8")
