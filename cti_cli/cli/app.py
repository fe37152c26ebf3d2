"""The typer app: options → one call per command. Error policy lives in `run`.

Command bodies import what they use, so `--help` and completion stay cheap.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from cti_cli.commands.context import Ctx
from cti_cli.locale import _, _l, help_text

app = typer.Typer(
    name="cti",
    help=_l("Critical Time Intervention courses: one YAML case file per citizen."),  # type: ignore[arg-type]  # lazy: translated per run
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

CTX = Ctx()

Date = Annotated[str | None, typer.Option("--date", help=_l(
    "The day it happened, default today: 2026-01-05, 5/1-2026, 05-01-2026, 5.1.2026, "
    "today, yesterday, i dag or i går."))]
NoCommit = Annotated[bool, typer.Option("--no-commit", help=_l("Do not commit this change."))]
Json = Annotated[bool, typer.Option("--json", help=_l("Machine-readable output."))]


def _version(value: bool) -> None:
    if value:
        from cti_cli import __version__

        print(f"cti {__version__}")
        raise typer.Exit()


@app.callback(help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Critical Time Intervention courses: one YAML case file per citizen.",
    "cti -C examples list"))
def _root(
    directory: Annotated[Path | None, typer.Option(
        "-C", "--dir", help=_l("The case folder (default: found upwards from here, or $CTI_DIR)."),
        file_okay=False)] = None,
    debug: Annotated[bool, typer.Option("--debug", help=_l("Show tracebacks of internal errors."))]
    = False,
    version: Annotated[bool, typer.Option("--version", "-V", callback=_version,
                                          is_eager=True, help=_l("Print the version."))] = False,
    width: Annotated[int | None, typer.Option(
        "--width", min=20, help=_l("Lay out tables for this many columns (default: $COLUMNS, "
                                   "the terminal's width, or no limit when piped).")
    )] = None,
) -> None:
    CTX.directory = directory
    CTX.debug = debug
    from cti_cli.render.layout import set_width

    set_width(width)


def _click_exit(exc: BaseException) -> int | None:
    """Exit code of click's own exceptions (typer vendors click in newer releases, so match
    by class name rather than importing one particular click)."""
    from cti_cli.cli.language import click_text, usage_error

    for cls in type(exc).__mro__:
        if cls.__name__ == "NoArgsIsHelpError":  # the help page, drawn in our language
            exc.show()  # type: ignore[attr-defined]
            return int(exc.exit_code)  # type: ignore[attr-defined]
        if cls.__name__ == "UsageError":
            sys.stderr.write(usage_error(exc))
            return int(exc.exit_code)  # type: ignore[attr-defined]
        if cls.__name__ == "ClickException":
            message = click_text(exc.format_message())  # type: ignore[attr-defined]
            sys.stderr.write(_("Error: {message}").format(message=message) + "\n")
            return int(exc.exit_code)  # type: ignore[attr-defined]
        if cls.__name__ == "Exit":
            return int(getattr(exc, "exit_code", 0))
        if cls.__name__ == "Abort":
            sys.stderr.write(_("aborted") + "\n")
            return 130
    return None


def run(args: list[str]) -> int:
    """Parse with typer and run; the error policy is `policy.guarded`."""
    from cti_cli.cli import commands  # noqa: F401  (registers the commands on `app`)
    from cti_cli.cli.language import localize
    from cti_cli.cli.policy import guarded

    CTX.__init__()  # type: ignore[misc]  # a fresh context per call (tests run many in-process)
    command = typer.main.get_command(app)
    localize(command)  # click's own texts (usage, headings, errors) in the team's language
    return guarded(lambda: command.main(args=args, prog_name="cti", standalone_mode=False),
                   debug=lambda: CTX.debug, other=_click_exit)
