"""Shared fixtures: a real case folder in tmp_path and the CLI run in-process."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from cti_cli.cli import main
from cti_cli.locale import set_language

WORKERS = """
[workers.anna]
name = "Anna Jensen"
email = "anna@kommune.example"
fte = 1.0

[workers.bo]
name = "Bo Larsen"
email = "bo@kommune.example"
fte = 0.5
"""


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def output(self) -> str:
        return self.out + self.err


Runner = Callable[..., Result]


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's git identity, state or config, or colours."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".state"))
    monkeypatch.setenv("CTI_STATE_DIR", str(home / ".state" / "cti"))
    monkeypatch.setenv("CTI_CONFIG_HOME", str(home / ".config" / "cti"))
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test Worker")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "worker@kommune.example")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test Worker")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "worker@kommune.example")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("CTI_DIR", raising=False)
    # outside a case folder the language comes from the environment: English unless a test
    # says otherwise
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("LANG", "C.UTF-8")
    for var in ("CTI_LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delenv("CTI_SMTP_PASSWORD", raising=False)
    # the language and date style are process state: each test starts in English, ISO
    from cti_cli.locale import set_date_format

    set_language("en")
    set_date_format("iso")


@pytest.fixture
def cti(monkeypatch: pytest.MonkeyPatch) -> Runner:
    """Run `cti ARGS…` in-process, as a user would type it, and capture what it prints."""

    def run(*args: str, cwd: Path | None = None, input: str | None = None) -> Result:
        out, err = io.StringIO(), io.StringIO()
        old = Path.cwd()
        if cwd is not None:
            os.chdir(cwd)
        if input is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(input))
        try:
            with redirect_stdout(out), redirect_stderr(err):
                code = main([str(a) for a in args])
        finally:
            os.chdir(old)
        return Result(code, out.getvalue(), err.getvalue())

    return run


@pytest.fixture
def cti_proc() -> Runner:
    """Run `cti` as a real process (for signals, umask, start-up and concurrency)."""

    def run(*args: str, cwd: Path | None = None, input: str | None = None,
            env: dict[str, str] | None = None, timeout: float = 60) -> Result:
        proc = subprocess.run([sys.executable, "-m", "cti_cli", *map(str, args)], cwd=cwd,
                              input=input, capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, **(env or {})})
        return Result(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture
def folder(tmp_path: Path, cti: Runner) -> Path:
    """A fresh case folder (git repository included) with two workers."""
    root = tmp_path / "team"
    result = cti("init", root)
    assert result.code == 0, result.output
    with (root / "cti.toml").open("a", encoding="utf-8") as fh:
        fh.write(WORKERS)
    return root


@pytest.fixture
def plain_folder(tmp_path: Path, cti: Runner) -> Path:
    """A case folder outside git with committing off: storage behaviour alone."""
    root = tmp_path / "plain"
    root.mkdir()
    result = cti("init", root)
    assert result.code == 0, result.output
    toml = root / "cti.toml"
    toml.write_text(toml.read_text("utf-8").replace("commit = true", "commit = false")
                    + WORKERS, "utf-8")
    return root
