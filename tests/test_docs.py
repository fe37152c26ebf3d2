"""Meta-tests against drift: every command has help with an example and a README entry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = (Path(__file__).parent.parent / "README.md").read_text("utf-8")


def _commands() -> list[tuple[str, ...]]:
    import typer

    from cti_cli.cli import commands  # noqa: F401  (registers every command)
    from cti_cli.cli.app import app

    root = typer.main.get_command(app)
    found: list[tuple[str, ...]] = []
    for name, cmd in root.commands.items():  # type: ignore[attr-defined]
        if getattr(cmd, "hidden", False):
            continue
        subs = getattr(cmd, "commands", None)
        if subs:
            found += [(name, sub) for sub, c in subs.items() if not c.hidden]
        else:
            found.append((name,))
    return found


COMMANDS = _commands()


def test_there_are_commands() -> None:
    assert len(COMMANDS) >= 20


@pytest.mark.parametrize("words", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(words: tuple[str, ...], cti) -> None:
    result = cti(*words, "--help")
    assert result.code == 0, result.output
    # "Example:" above one command line, "Examples:" above several
    assert ("Example:" in result.out or "Examples:" in result.out)
    assert f"cti {' '.join(words)}" in result.out


@pytest.mark.parametrize("words", COMMANDS, ids=" ".join)
def test_every_command_is_in_the_readme(words: tuple[str, ...]) -> None:
    assert re.search(rf"`cti {re.escape(' '.join(words))}\b", README), words
