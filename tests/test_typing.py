"""The type hints hold: mypy (with the pydantic plugin) over the package, as configured in
pyproject.toml. Skipped where mypy is not installed (it is in the `test` extra)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.mark.slow
def test_mypy_is_clean(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    cache = tmp_path / "mypy-cache"
    proc = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(cache)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    shutil.rmtree(cache, ignore_errors=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
