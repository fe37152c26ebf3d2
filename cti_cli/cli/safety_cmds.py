"""Safety and data protection: doctor (setup risks) and purge (retention)."""

from __future__ import annotations

from typing import Annotated

import typer

from cti_cli.cli.app import CTX, NoCommit, app
from cti_cli.locale import _l, help_text


@app.command(help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Check this folder's setup for risks to case data: file modes (0600/0700), the git merge "
    "driver, remotes on public hosts, mail without TLS. Exit 1 when something is wrong.",
    "cti doctor"))
def doctor() -> int:
    from cti_cli.commands.doctor import doctor as run

    return run(CTX)


@app.command(help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Delete closed cases past the retention period; their ids are never reused. Prints how to "
    "remove them from git history too.",
    "cti purge --dry-run",
    "cti purge --older-than 5y --yes"))
def purge(
    closed_before: Annotated[str | None, typer.Option(
        "--closed-before", help=_l("Remove cases closed before this date (YYYY-MM-DD)."))] = None,
    older_than: Annotated[str | None, typer.Option(
        "--older-than", help=_l("Remove cases closed longer ago than this, e.g. 5y or 18m "
        "(default: [team] retention_years)."))] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=_l("Only list them."))] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help=_l("Do not ask for confirmation."))]
    = False,
    day: Annotated[str | None, typer.Option("--date", help=_l("Count from this day; default "
                                            "today."))] = None,
    no_commit: NoCommit = False,
) -> int:
    from cti_cli.commands.context import parse_date
    from cti_cli.commands.purge import purge as run

    CTX.no_commit = no_commit
    return run(CTX, closed_before=parse_date(closed_before, "--closed-before")
               if closed_before else None, older_than=older_than, today=parse_date(day),
               dry_run=dry_run, yes=yes)
