"""`log` and `tick` skip typer when the line is plainly valid: same options, same results,
and typer's own help and errors for everything else."""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
import typer
from conftest import Result, Runner

from cti_cli.cli import (
    commands,  # noqa: F401  (registers the commands)
    fast,
)
from cti_cli.cli.app import app


def _typer_params(name: str) -> tuple[list[str], dict[str, tuple[str, bool, bool]]]:
    group = typer.main.get_command(app)
    command = group.commands[name]  # type: ignore[attr-defined]
    arguments, options = [], {}
    for p in command.params:
        if p.param_type_name == "argument":
            arguments.append(p.name)
        else:
            for flag in [*p.opts, *p.secondary_opts]:
                options[flag] = (p.name, p.is_flag, p.multiple)
    return arguments, options


@pytest.mark.parametrize("name", sorted(fast.SPECS))
def test_the_fast_parser_knows_exactly_typers_parameters(name: str) -> None:
    spec = fast.SPECS[name]
    arguments, options = _typer_params(name)
    assert list(spec.arguments) == arguments
    ours = {flag: (key, False, kind is list) for flag, (key, kind) in spec.options.items()}
    ours |= {flag: (key, True, False) for flag, key in spec.flags.items()}
    assert ours == options
    group = typer.main.get_command(app)
    defaults = {p.name: p.default for p in group.commands[name].params  # type: ignore[attr-defined]
                if p.param_type_name == "option"}
    assert spec.defaults == defaults


@pytest.mark.parametrize("line", [
    ["--help"], ["log", "--help"], ["log", "-h"], ["log", "X"], ["log", "X", "a", "b"],
    ["log", "X", "n", "--minutes", "4_5"], ["log", "X", "n", "--minutes", "-5"],
    ["log", "X", "n", "-m45"], ["log", "X", "n", "--bogus"], ["log", "X", "n", "--kind"],
    ["--version", "log", "X", "n"], ["tick", "X", "it", "--undo=yes"], ["list"],
    ["new", "--initials", "AB", "--worker", "anna", "--group", "homelessness"],
])
def test_anything_unusual_is_left_to_typer(line: list[str]) -> None:
    assert fast.parse(line) is None


def test_a_plain_line_is_parsed_as_typer_would(tmp_path: Path) -> None:
    assert fast.parse(["-C", str(tmp_path), "--debug", "log", "X", "a note", "-m", "45", "-w",
                       "citizen", "--with=bror", "--", "--no-commit"]) is None  # 3 arguments
    parsed = fast.parse(["-C", str(tmp_path), "log", "X", "a note", "-m", "45", "-w",
                         "citizen", "--with=bror", "--no-commit", "--place", "hjemme"])
    assert parsed == ("log", {"directory": tmp_path, "debug": False, "width": None},
                      {"case": "X", "note": "a note", "kind": "meeting", "minutes": 45,
                       "with_": ["citizen", "bror"], "place": "hjemme", "day": None,
                       "no_commit": True})


LINES = [
    ["log", "{case}", "Hjemmebesøg", "--minutes", "45", "-w", "citizen", "-w", "bror"],
    ["log", "{case}", "Telefon", "--kind", "phone", "--date", "2026-02-20"],
    ["log", "{case}", "Telefon", "--kind", "fone"],
    ["log", "{case}", "   "],
    ["log", "{case}", "x", "--minutes", "2000"],
    ["log", "nope", "x"],
    ["tick", "{case}", "contact_made", "--date", "2026-02-20"],
    ["tick", "{case}", "jobcentre", "--na", "i fleksjob"],
    ["tick", "{case}", "no_such_item"],
    ["advance", "{case}"],
    ["advance", "{case}", "--force", "--reason", "borgeren flytter i morgen", "--date",
     "2026-02-20"],
    ["advance", "{case}", "--reason", "uden force"],
    ["new", "--initials", "AB", "--worker", "anna", "--group", "homelessness",
     "--transition-date", "2026-03-01", "--date", "2026-02-10", "--municipality", "Aarhus"],
    ["new", "--initials", "AB", "--worker", "anna", "--group", "hjemløs",
     "--transition-date", "2026-03-01"],
]


@pytest.mark.parametrize("line", LINES, ids=[" ".join(x[:1] + x[2:]) for x in LINES])
def test_fast_and_typer_give_the_same_result(tmp_path: Path, plain_folder: Path, cti: Runner,
                                             line: list[str]) -> None:
    assert cti("-C", plain_folder, "new", "--initials", "MK", "--worker", "anna", "--group",
               "homelessness", "--transition-date", "2026-03-01", "--date", "2026-02-10",
               "--id", "2026-001").code == 0
    twin = tmp_path / "twin"
    shutil.copytree(plain_folder, twin)
    args = [a.format(case="2026-001") for a in line]
    from cti_cli.cli.app import run as typer_run

    fast_full = ["-C", str(plain_folder), *args]
    assert fast.parse(fast_full) is not None  # this line takes the fast path
    first = cti(*fast_full)
    second = _capture(lambda: typer_run(["-C", str(twin), *args]))
    assert (second.code, _norm(second.out, twin), _norm(second.err, twin)) == (
        first.code, _norm(first.out, plain_folder), _norm(first.err, plain_folder))
    ids = re.compile(r"id: c\w+")
    assert (ids.sub("", (plain_folder / "cases" / "2026-001.yaml").read_text("utf-8"))
            == ids.sub("", (twin / "cases" / "2026-001.yaml").read_text("utf-8")))


def _norm(text: str, root: Path) -> str:
    return text.replace(str(root), "ROOT")


def _capture(call: Callable[[], int]) -> Result:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = call()
    return Result(code, out.getvalue(), err.getvalue())
