"""The typer app: options → one call per command. Error policy lives in `run`.

Command bodies import what they use, so `--help` and completion stay cheap.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from cti_cli.commands.context import Ctx
from cti_cli.locale import _l

app = typer.Typer(
    name="cti",
    help="Critical Time Intervention courses: one YAML case file per citizen.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

CTX = Ctx()

Date = Annotated[str | None, typer.Option("--date", help="The day it happened (YYYY-MM-DD); "
                                          "default today.")]
NoCommit = Annotated[bool, typer.Option("--no-commit", help="Do not commit this change.")]
Json = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def _version(value: bool) -> None:
    if value:
        from cti_cli import __version__

        print(f"cti {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    directory: Annotated[Path | None, typer.Option(
        "-C", "--dir", help="The case folder (default: found upwards from here, or $CTI_DIR).",
        file_okay=False)] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")]
    = False,
    version: Annotated[bool, typer.Option("--version", "-V", callback=_version,
                                          is_eager=True, help="Print the version.")] = False,
    width: Annotated[int | None, typer.Option(
        "--width", min=20, help=_l("Lay out tables for this many columns (default: $COLUMNS, "
                                   "the terminal's width, or no limit when piped).")
    )] = None,
) -> None:
    """Critical Time Intervention courses: one YAML case file per citizen.

    \b
    Example:
      cti -C examples list
    """
    CTX.directory = directory
    CTX.debug = debug
    from cti_cli.render.layout import set_width

    set_width(width)


def _click_exit(exc: BaseException) -> int | None:
    """Exit code of click's own exceptions (typer vendors click in newer releases, so match
    by class name rather than importing one particular click)."""
    for cls in type(exc).__mro__:
        if cls.__name__ == "ClickException":
            exc.show()  # type: ignore[attr-defined]
            return int(exc.exit_code)  # type: ignore[attr-defined]
        if cls.__name__ == "Exit":
            return int(getattr(exc, "exit_code", 0))
        if cls.__name__ == "Abort":
            sys.stderr.write("aborted\n")
            return 130
    return None


def run(args: list[str]) -> int:
    """Parse with typer and run; the error policy is `policy.guarded`."""
    from cti_cli.cli import commands  # noqa: F401  (registers the commands on `app`)
    from cti_cli.cli.policy import guarded

    CTX.__init__()  # type: ignore[misc]  # a fresh context per call (tests run many in-process)
    command = typer.main.get_command(app)
    return guarded(lambda: command.main(args=args, prog_name="cti", standalone_mode=False),
                   debug=lambda: CTX.debug, other=_click_exit)
