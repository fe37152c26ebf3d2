"""Team work: sync, history, undo, the merge driver for git, and the team's board."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cti_cli.cli.app import CTX, Json, app
from cti_cli.locale import _l, help_text


@app.command(help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Share your changes and get your colleagues': pull (rebase), then push.\n\n"
    "Says which cases came in and who changed them. Exit 0 when synced or when the folder has no "
    "remote; 1 on a conflict or a failed push (your commits stay on this computer).",
    "cti sync"))
def sync() -> int:
    from cti_cli.commands.team import sync as run

    return run(CTX)


@app.command(help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "A case's changes from git history, newest first.",
    "cti history 2026-004"))
def history(
    case: Annotated[str, typer.Argument(metavar=_l("CASE"), help=_l("Case id or path."))],
    as_json: Json = False,
) -> int:
    from cti_cli.commands.team import history as run

    return run(CTX, case, as_json=as_json)


@app.command(help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Take back your last change to a case, as a new commit (run again to go further back).\n\n"
    "Only a change made on this computer and not yet shared is taken back; for a colleague's or "
    "an already synced change it refuses and says who made it and when, unless --force.",
    "cti undo 2026-004"))
def undo(
    case: Annotated[str, typer.Argument(metavar=_l("CASE"), help=_l("Case id or path."))],
    force: Annotated[bool, typer.Option(
        "--force", help=_l("Also take back a colleague's or an already shared change."))] = False,
) -> int:
    from cti_cli.commands.team import undo as run

    return run(CTX, case, force=force)


@app.command("merge-driver", hidden=True, help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Git's merge driver for case files, registered in .git/config by `cti init` (or "
    "`cti init --repair`) as in the example.",
    "driver = cti merge-driver %O %A %B %P"))
def merge_driver(
    files: Annotated[list[str], typer.Argument(
        metavar=_l("FILE"), help=_l("%O %A %B [%P], as git passes them."))],
) -> int:
    from cti_cli.commands.team import merge_driver as run

    return run(files)


@app.command(help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "The team's board (tavle): every open course by worker, with caseload per worker.\n\n"
    "Shows phase, week of the phase against the plan, next deadline, days since the last contact "
    "and checklist progress. `--html FILE` draws it as a page: each course's phases as bars on a "
    "shared calendar with today marked.",
    "cti board",
    "cti board --csv > tavle.csv",
    "cti board --html tavle.html"))
def board(
    day: Annotated[str | None, typer.Option(
        "--date", help=_l("The board as of this day (YYYY-MM-DD); default today."))] = None,
    as_json: Json = False,
    as_csv: Annotated[bool, typer.Option("--csv", help=_l("CSV for the team's spreadsheet."))]
    = False,
    html: Annotated[Path | None, typer.Option(
        "--html", dir_okay=False, help=_l("Write the board as one self-contained HTML page "
                                          "(meeting-room screen; prints on A4 landscape)."))]
    = None,
) -> int:
    from cti_cli.commands.board import board as run

    return run(CTX, day=day, as_json=as_json, as_csv=as_csv, html=html)


@app.command(help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Appointments and deadlines as an iCalendar (.ics) file for Outlook, Google, Apple or "
    "Thunderbird.\n\nAppointments are timed events (Europe/Copenhagen); every deadline `cti due` "
    "knows is an all-day event. The same event keeps its UID from run to run, so a calendar "
    "that subscribes to the file (or re-imports it) updates events instead of doubling them. "
    "Summaries hold case id, initials and kind only, unless cti.toml says [calendar] "
    "personal_details = true.",
    "cti calendar --worker anna --out ~/Kalender/cti-anna.ics"))
def calendar(
    worker: Annotated[str | None, typer.Option(
        "--worker", help=_l("Only this worker's cases (worker id from cti.toml)."))] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", dir_okay=False, help=_l("Write the .ics file here (atomically); default: "
                                         "print it."))] = None,
    within: Annotated[int | None, typer.Option(
        "--within", min=0, help=_l("Deadlines and appointments this many days ahead (default "
                                   "366); overdue deadlines are always in."))] = None,
    day: Annotated[str | None, typer.Option(
        "--date", help=_l("Compute as of this day (YYYY-MM-DD); default today."))] = None,
) -> int:
    from cti_cli.commands.calendar import calendar as run

    return run(CTX, worker=worker, out=out, within=within, day=day)
