"""Screens that fit: at 60, 80 and 120 columns no case id, date or number is cut, no line is
longer than the screen, and a table that leaves out columns says so in one line.

The example folder of the README, read as of `--date 2026-11-26` as the README does.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import Result, Runner

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CASE_IDS = {p.stem for p in (EXAMPLES / "cases").glob("*.yaml")}
WIDTHS = (60, 80, 120)
# a word, id, date or number cut: an ellipsis right after it (a page may end a line " …")
CUT = re.compile(r"\S…")
CASE_ID = re.compile(r"\b20\d\d-\d{3}\b")
DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")
NOTE = {"da": "Ikke vist ved {w} tegns bredde:", "en": "Not shown at {w} columns:"}


@pytest.fixture
def team(tmp_path: Path) -> Path:
    root = tmp_path / "examples"
    shutil.copytree(EXAMPLES, root)
    return root


def _at(cti: Runner, monkeypatch: pytest.MonkeyPatch, width: int, *args: str) -> Result:
    monkeypatch.setenv("COLUMNS", str(width))
    result = cti(*args)
    assert result.code in (0, 1), result.output
    return result


def _fits(text: str, width: int) -> None:
    for line in text.splitlines():
        assert len(line) <= width, f"{len(line)} > {width}: {line!r}"
        assert line == line.rstrip(), f"trailing spaces: {line!r}"
        assert not CUT.search(line), f"cut: {line!r}"


def _ids_whole(text: str, expected: set[str]) -> None:
    """Every expected case id appears whole, and nothing that starts like an id is cut."""
    assert expected <= set(CASE_ID.findall(text)), text
    for m in re.finditer(r"\b20\d\d-\d*", text):  # every id or date start is complete
        assert CASE_ID.match(text, m.start()) or DATE.match(text, m.start()), (
            f"cut at {text[m.start():m.start() + 12]!r}:\n{text}")


def _note(text: str, width: int, lang: str = "da") -> list[str]:
    return [line for line in text.splitlines() if line.startswith(NOTE[lang].format(w=width))]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_board_keeps_every_case_id_whole(cti: Runner, team: Path, width: int,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    out = _at(cti, monkeypatch, width, "-C", team, "board", "--date", "2026-11-26").out
    _fits(out, width)
    open_ids = {"2026-006", "2026-009", "2026-012", "2026-015", "2026-018", "2026-021"}
    _ids_whole(out, open_ids)
    assert "2026-12-09" in out  # the next deadline of 2026-006 stays, as a whole date
    notes = _note(out, width)
    if width == 120:
        assert notes == [] and "tjekliste" in out
    else:
        assert len(notes) == 1, out
        # what the note names is really gone from the header line
        header = next(line for line in out.splitlines() if line.startswith("sag "))
        for column in notes[0].split(":", 1)[1].split(","):
            assert column.strip() not in header.split()


@pytest.mark.parametrize("width", WIDTHS)
def test_due_keeps_every_case_id_and_date_whole(cti: Runner, team: Path, width: int,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    out = _at(cti, monkeypatch, width, "-C", team, "due", "--date", "2026-11-26").out
    _fits(out, width)
    _ids_whole(out, {"2026-006", "2026-009", "2026-012", "2026-015"})
    assert out.count("2026-12-08") >= 3  # the due column, never folded
    assert len(_note(out, width)) == (0 if width == 120 else 1), out


def test_width_overrides_columns(cti: Runner, team: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    wide = _at(cti, monkeypatch, 200, "-C", team, "--width", "60", "board",
               "--date", "2026-11-26").out
    _fits(wide, 60)
    assert len(_note(wide, 60)) == 1
    narrow = _at(cti, monkeypatch, 60, "-C", team, "--width", "120", "board",
                 "--date", "2026-11-26").out
    assert _note(narrow, 120) == [] and max(map(len, narrow.splitlines())) > 60


def test_piped_output_without_columns_has_no_fixed_width(cti: Runner, team: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS")
    out = cti("-C", team, "due", "--date", "2026-11-26").out
    lines = out.splitlines()
    assert all(line == line.rstrip() for line in lines)
    # every message on one line: nothing folded at 80 or 100 columns
    assert max(map(len, lines)) > 100
    assert "(planlagt slut 2027-01-06 minus 1 måned)" in out


@pytest.mark.parametrize("width", WIDTHS)
def test_list_keeps_ids_and_dates_whole(cti: Runner, team: Path, width: int,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    out = _at(cti, monkeypatch, width, "-C", team, "list").out
    _fits(out, width)
    _ids_whole(out, CASE_IDS)
    assert "2026-11-24" in out  # a last contact, whole, in every width
    assert len(_note(out, width)) == (0 if width == 120 else 1), out


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("args", [("checklist", "2026-009"), ("show", "2026-009"),
                                  ("show", "2025-031")], ids=" ".join)
def test_pages_fit_and_cut_only_between_words(cti: Runner, team: Path, width: int,
                                              args: tuple[str, str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    out = _at(cti, monkeypatch, width, "-C", team, *args, "--date", "2026-11-26").out
    _fits(out, width)
    _ids_whole(out, {args[1]})
    if args[0] == "show" and args[1] == "2026-009":
        # the plan line keeps its three dates whole, wrapped or not
        assert {"2026-07-06", "2026-10-06", "2027-01-06"} <= set(DATE.findall(out))


@pytest.mark.parametrize("width", WIDTHS)
def test_check_names_each_file_whole(cti: Runner, team: Path, width: int,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    case = team / "cases" / "2026-009.yaml"
    case.write_text(case.read_text("utf-8").replace("worker: sara", "worker: nobody"), "utf-8")
    result = _at(cti, monkeypatch, width, "-C", team, "check", "--date", "2026-11-26")
    assert result.code == 1
    # a finding is one line that starts with its place, as an editor reads it: never cut
    first = result.out.splitlines()[0]
    assert re.match(r".*cases/2026-009\.yaml:\d+:\d+: E202 ", first), result.out
    assert all(line == line.rstrip() and not CUT.search(line)
               for line in result.output.splitlines())


@pytest.mark.parametrize("width", WIDTHS)
def test_history_and_purge_fit(cti: Runner, team: Path, width: int,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "the example folder"]):
        subprocess.run(["git", *args], cwd=team, check=True)
    assert cti("-C", team, "log", "2026-009", "Telefon om mødet 3/12", "--date",
               "2026-11-25").code == 0
    history = _at(cti, monkeypatch, width, "-C", team, "history", "2026-009").out
    _fits(history, width)
    assert len(re.findall(r"\b20\d\d-\d\d-\d\d \d\d:\d\d\b", history)) == 2, history
    assert len(re.findall(r"\b[0-9a-f]{8}\b", history)) == 2, history  # commits, whole
    purge = _at(cti, monkeypatch, width, "-C", team, "purge", "--older-than", "1m",
                "--dry-run", "--date", "2026-11-26").out
    _fits(purge, width)
    _ids_whole(purge, {"2025-031", "2026-003"})
    assert "2026-10-12" in purge and "2026-07-20" in purge


def test_width_is_a_global_option_of_the_fast_path_too(cti: Runner, team: Path) -> None:
    from cti_cli.cli import fast

    parsed = fast.parse(["--width", "60", "-C", str(team), "log", "2026-009", "note"])
    assert parsed is not None and parsed[1]["width"] == 60
    assert fast.parse(["--width", "5", "log", "2026-009", "note"]) is None  # typer refuses it
    refused = cti("--width", "5", "-C", team, "board")
    assert refused.code == 2 and "--width" in refused.err


@pytest.mark.parametrize("width", WIDTHS)
def test_long_lists_in_plain_columns_leave_out_columns_too(cti: Runner, team: Path, width: int,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # a region's hundreds of rows are printed without rich; the threshold is lowered so the
    # example folder takes that path
    monkeypatch.setattr("cti_cli.render.board.PLAIN_ROWS", 0)
    monkeypatch.setattr("cti_cli.render.due.PLAIN_ITEMS", 0)
    monkeypatch.setattr("cti_cli.commands.case.PLAIN_ROWS", 0)
    board = _at(cti, monkeypatch, width, "-C", team, "board", "--date", "2026-11-26").out
    _fits(board, width)
    _ids_whole(board, {"2026-006", "2026-021"})
    assert len(_note(board, width)) == (0 if width == 120 else 1), board
    listed = _at(cti, monkeypatch, width, "-C", team, "list").out
    _fits(listed, width)
    _ids_whole(listed, CASE_IDS)
    due = _at(cti, monkeypatch, width, "-C", team, "due", "--date", "2026-11-26").out
    _ids_whole(due, {"2026-006", "2026-009", "2026-012", "2026-015"})
    # plain columns wrap nothing: only the message, the last column, runs past the width
    for line in due.splitlines():
        assert line == line.rstrip() and not CUT.search(line)
        if len(line) > width:
            assert re.match(r"20\d\d-\d{3}  .*20\d\d-\d\d-\d\d ", line), line


@pytest.mark.parametrize("command", ["board", "due", "list"])
def test_below_the_narrowest_table_lines_run_on_rather_than_cut(
        cti: Runner, team: Path, command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # at 30 columns not even the columns that are never left out fit: rich would squeeze
    # them and fold the ids; the table is printed at the width it needs instead
    out = _at(cti, monkeypatch, 100, "--width", "30", "-C", team, command,
              *(["--date", "2026-11-26"] if command != "list" else [])).out
    _ids_whole(out, {"2026-006", "2026-009"})
    assert not CUT.search(out) and all(line == line.rstrip() for line in out.splitlines())
