"""Screens that fit: at 60, 80 and 120 columns no case id, date or number is cut, no line is
longer than the screen, and a table that leaves out columns says so in one line.

The example folder of the README, read as of `--date 2026-11-26` as the README does.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import Result, Runner

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CASE_IDS = {p.stem for p in (EXAMPLES / "cases").glob("*.yaml")}
WIDTHS = (60, 80, 120)
# a cut id or date: the start of one followed by an ellipsis, or an id/date broken by a fold
CUT = re.compile(r"\b20\d\d-[\d-]*…|…")
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
