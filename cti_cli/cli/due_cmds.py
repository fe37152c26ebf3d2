"""`cti due`: reminders on screen, as JSON, or by mail (for cron)."""

from __future__ import annotations

from typing import Annotated

import typer

from cti_cli.cli.app import CTX, Json, app


@app.command()
def due(
    day: Annotated[str | None, typer.Option(
        "--date", help="Compute as of this day (YYYY-MM-DD); default today.")] = None,
    within: Annotated[int | None, typer.Option(
        "--within", min=0, help="Look this many days ahead (default: [reminders] "
        "horizon_days, 14).")] = None,
    worker: Annotated[str | None, typer.Option(
        "--worker", help="Only this worker's items (worker id from cti.toml).")] = None,
    as_json: Json = False,
    email: Annotated[bool, typer.Option(
        "--email", help="Mail each worker their new items via [smtp] (else to .cti/outbox); "
        "never mails the same reminder twice.")] = False,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="Print nothing when nothing is due (for cron); with --email "
        "only a summary when something was sent.")] = False,
) -> int:
    """What is due soon on the open cases: phase ends, documentation, handover meetings,
    checklists, tomorrow's appointments, missing contact, long contact periods, caseload.

    Exit 0 unless something failed (e.g. a reminder could not be mailed; it goes out on
    the next run).

    \b
    Example:
      cti due --within 7 --worker anna
      cti due --email --quiet        # in cron, see the README
    """
    from cti_cli.commands.due import due as run

    return run(CTX, day=day, within=within, worker=worker, as_json=as_json, email=email,
               quiet=quiet)
