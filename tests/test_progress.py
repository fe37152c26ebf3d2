"""`cti progress`: the example case's development in the terminal and as PNG/SVG pictures."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.fixture
def team(tmp_path: Path) -> Path:
    root = tmp_path / "examples"
    shutil.copytree(EXAMPLES, root)
    return root


def test_the_chart_in_the_terminal(cti: Any, team: Path) -> None:
    r = cti("-C", team, "progress", "2025-031")
    assert r.code == 0, r.output
    lines = r.out.splitlines()
    assert lines[0] == "2025-031 · KL · udvikling ved dokumentationspunkterne"
    assert "start" in lines[1] and "afslutning" in lines[1]
    bolig = next(line for line in lines if line.strip().startswith("Bolig"))
    assert bolig.split()[1::2] == ["2", "2", "3", "3"]  # the ratings at the four points
    assert all(len(line) <= 80 for line in lines)


def test_pictures_are_written_and_readable(cti: Any, team: Path, tmp_path: Path) -> None:
    png, svg = tmp_path / "p.png", tmp_path / "p.svg"
    assert cti("-C", team, "progress", "2026-012", "--png", png).code == 0
    import matplotlib.image

    pixels = matplotlib.image.imread(png)
    assert pixels.shape[0] > 300 and pixels.shape[1] > 500
    assert cti("-C", team, "progress", "2026-012", "--svg", svg).code == 0
    text = svg.read_text("utf-8")
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    # labelled in the team's language, the case id and initials, no name and no goal text
    assert "2026-012 · SH" in text and "vurdering (1-5)" in text and "Økonomi" in text
    case = (team / "cases" / "2026-012.yaml").read_text("utf-8")
    assert "Beholde jobbet" in case and "Beholde jobbet" not in text


def test_no_form_yet_and_wrong_options(cti: Any, team: Path, tmp_path: Path) -> None:
    r = cti("-C", team, "progress", "2026-021")
    assert r.code == 1 and "cti document 2026-021 start" in r.err
    assert cti("-C", team, "progress", "2026-012", "--png", tmp_path / "a.png", "--svg",
               tmp_path / "a.svg").code == 2
    assert cti("-C", team, "progress", "2026-012", "--png", tmp_path / "no" / "a.png").code == 2


def test_matplotlib_is_imported_by_the_drawing_commands_only(cti_proc: Any) -> None:
    import subprocess
    import sys

    code = ("import sys; from cti_cli.cli import main; main(['-C', 'examples', 'list']); "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=EXAMPLES.parent, check=True).stdout
    assert out.strip().endswith("False")
