"""`cti log`, `tick`, `advance` and `new` without typer, when the command line is plainly valid.

A worker runs `log` twenty times a day, and importing typer (with click) is about a third of
its time (BENCHMARKS.md). This parser knows exactly the options typer declares for these
commands (a test compares the two) and gives up on anything else, returning None so that
typer parses the line: help, an unknown, combined or malformed option, a value that looks
like an option, a missing or extra argument. Help texts, usage errors and their wording
therefore stay typer's; a valid line runs the same command function with the same values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Spec:
    """The parameters of one command as typer declares them (see `cli/*_cmds.py`)."""

    arguments: tuple[str, ...]
    options: dict[str, tuple[str, type]] = field(default_factory=dict)  # flag -> (name, type)
    flags: dict[str, str] = field(default_factory=dict)  # flag -> name (a boolean switch)
    defaults: dict[str, Any] = field(default_factory=dict)
    required: tuple[str, ...] = ()  # options typer insists on: missing, typer says so


SPECS: dict[str, Spec] = {
    "log": Spec(
        arguments=("case", "note"),
        options={"--kind": ("kind", str), "-k": ("kind", str),
                 "--minutes": ("minutes", int), "-m": ("minutes", int),
                 "--with": ("with_", list), "-w": ("with_", list),
                 "--place": ("place", str), "-p": ("place", str),
                 "--date": ("day", str)},
        flags={"--no-commit": "no_commit"},
        defaults={"kind": "meeting", "minutes": None, "with_": None, "place": None,
                  "day": None, "no_commit": False},
    ),
    "tick": Spec(
        arguments=("case", "item"),
        options={"--date": ("day", str), "--na": ("na", str), "--reason": ("reason", str)},
        flags={"--undo": "undo", "--force": "force", "--no-commit": "no_commit"},
        defaults={"day": None, "na": None, "undo": False, "force": False, "reason": None,
                  "no_commit": False},
    ),
    "new": Spec(
        arguments=(),
        options={"--initials": ("initials", str), "--worker": ("worker", str),
                 "--group": ("group", str), "--transition-date": ("transition_date", str),
                 "--transition": ("transition", str), "--name": ("name", str),
                 "--id": ("case_id", str), "--municipality": ("municipality", str),
                 "--date": ("day", str)},
        flags={"--no-commit": "no_commit"},
        defaults={"initials": None, "worker": None, "group": None, "transition_date": None,
                  "transition": None, "name": None, "case_id": None, "municipality": None,
                  "day": None, "no_commit": False},
        required=("initials", "worker", "group", "transition_date"),
    ),
    "advance": Spec(
        arguments=("case",),
        options={"--date": ("day", str), "--reason": ("reason", str)},
        flags={"--force": "force", "--no-commit": "no_commit"},
        defaults={"day": None, "force": False, "reason": None, "no_commit": False},
    ),
}
_ROOT_OPTIONS = {"-C": "directory", "--dir": "directory", "--width": "width"}
_ROOT_FLAGS = {"--debug": "debug"}


def _looks_like_option(token: str) -> bool:
    return token.startswith("-") and token != "-"


def _value(kind: type, text: str) -> Any:
    if kind is int and not (text.isascii() and text.isdigit()):
        raise ValueError(text)  # typer words the error (and judges "+5", " 5", "5_0")
    return int(text) if kind is int else text


def parse(args: list[str]) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
    """(command, root values, command values), or None to let typer parse `args`."""
    root: dict[str, Any] = {"directory": None, "debug": False, "width": None}
    i = 0
    while i < len(args) and _looks_like_option(args[i]):
        token = args[i]
        name, eq, inline = token.partition("=")
        if name in _ROOT_OPTIONS:
            if not eq:
                if i + 1 >= len(args) or _looks_like_option(args[i + 1]):
                    return None
                i += 1
                inline = args[i]
            key = _ROOT_OPTIONS[name]
            if key == "width":
                if not (inline.isascii() and inline.isdigit()) or int(inline) < 20:
                    return None  # typer words the error
                root[key] = int(inline)
            elif not inline or Path(inline).is_file():  # typer reports these
                return None
            else:
                root[key] = Path(inline)
        elif token in _ROOT_FLAGS:
            root[_ROOT_FLAGS[token]] = True
        else:
            return None
        i += 1
    if i >= len(args) or args[i] not in SPECS:
        return None
    command, spec = args[i], SPECS[args[i]]
    values = dict(spec.defaults)
    positional: list[str] = []
    rest = iter(args[i + 1:])
    only_arguments = False
    try:
        for token in rest:
            if only_arguments or not _looks_like_option(token):
                positional.append(token)
            elif token == "--":
                only_arguments = True
            elif token in spec.flags:
                values[spec.flags[token]] = True
            else:
                name, eq, text = token.partition("=")
                if name not in spec.options or (eq and not name.startswith("--")):
                    return None
                if not eq:
                    text = next(rest)
                    if _looks_like_option(text):
                        return None
                key, kind = spec.options[name]
                if kind is list:
                    values[key] = [*(values[key] or []), text]
                else:
                    values[key] = _value(kind, text)
    except (StopIteration, ValueError):
        return None
    if len(positional) != len(spec.arguments):
        return None
    if any(values[name] is None for name in spec.required):
        return None
    values.update(zip(spec.arguments, positional, strict=True))
    return command, root, values


def _runner(command: str) -> Callable[..., int]:
    if command == "log":
        from cti_cli.commands.case import log

        def run_log(ctx: Any, v: dict[str, Any]) -> int:
            return log(ctx, v["case"], v["note"], kind=v["kind"], minutes=v["minutes"],
                       with_=v["with_"], place=v["place"], day=v["day"])

        return run_log
    if command == "new":
        from cti_cli.commands.case import new

        def run_new(ctx: Any, v: dict[str, Any]) -> int:
            return new(ctx, initials=v["initials"], worker=v["worker"], group=v["group"],
                       transition_date=v["transition_date"], transition=v["transition"],
                       name=v["name"], case_id=v["case_id"], day=v["day"],
                       municipality=v["municipality"])

        return run_new
    if command == "advance":
        from cti_cli.commands.course import advance

        def run_advance(ctx: Any, v: dict[str, Any]) -> int:
            return advance(ctx, v["case"], day=v["day"], force=v["force"], reason=v["reason"])

        return run_advance
    from cti_cli.commands.course import tick

    def run_tick(ctx: Any, v: dict[str, Any]) -> int:
        return tick(ctx, v["case"], v["item"], day=v["day"], na=v["na"], undo=v["undo"],
                    force=v["force"], reason=v["reason"])

    return run_tick


def run(args: list[str]) -> int | None:
    """Run a plainly valid line of a command in SPECS; None when typer must parse it."""
    parsed = parse(args)
    if parsed is None:
        return None
    command, root, values = parsed
    from cti_cli.cli.policy import guarded
    from cti_cli.commands.context import Ctx
    from cti_cli.render.layout import set_width

    set_width(root["width"])
    ctx = Ctx(directory=root["directory"], debug=root["debug"], no_commit=values["no_commit"])
    return guarded(lambda: _runner(command)(ctx, values), debug=lambda: ctx.debug)
