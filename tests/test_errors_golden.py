"""Every kind of broken case file gives its golden message: path:line:col, code, hint.

Each `tests/errors/NAME.yaml` has `NAME.expected`, the exact output of
`cti check --date 2026-11-26 NAME.yaml` run inside tests/errors. Regenerate after a deliberate
change of wording with `CTI_UPDATE_GOLDEN=1 pytest tests/test_errors_golden.py`, then read the
diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ERRORS = Path(__file__).parent / "errors"
CASES = sorted(p.stem for p in ERRORS.glob("*.yaml"))


@pytest.mark.parametrize("name", CASES)
def test_error_message_is_golden(name: str, cti) -> None:
    result = cti("check", "--date", "2026-11-26", f"{name}.yaml", cwd=ERRORS)
    assert result.code == 1, result.output
    assert "Traceback" not in result.output
    expected_file = ERRORS / f"{name}.expected"
    if os.environ.get("CTI_UPDATE_GOLDEN"):
        expected_file.write_text(result.out, "utf-8")
    assert result.out == expected_file.read_text("utf-8")
    first = result.out.splitlines()[0]
    # the location is always file:line:col with a real line of the file
    location, _, _ = first.partition(": ")
    path, line, col = location.rsplit(":", 2)
    assert path == f"{name}.yaml"
    n_lines = max(1, len((ERRORS / path).read_text("utf-8", errors="replace").splitlines()))
    assert 1 <= int(line) <= n_lines and int(col) >= 1


def test_every_error_file_has_a_golden_file() -> None:
    missing = [n for n in CASES if not (ERRORS / f"{n}.expected").exists()]
    assert not missing
