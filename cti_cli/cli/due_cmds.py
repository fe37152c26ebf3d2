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


mail_app = typer.Typer(help="Mail settings of this machine.", no_args_is_help=True)
app.add_typer(mail_app, name="mail")


@mail_app.command("setup")
def mail_setup() -> int:
    """Agree to the [smtp] server of cti.toml: the SMTP password goes only there.

    Pins host, port, security and the CA file (by content) in the per-user config. When
    someone later changes [smtp] in cti.toml, `cti due --email` refuses to log in and says
    what changed; `cti doctor` and `cti sync` warn.

    \b
    Example:
      cti mail setup
    """
    from cti_cli.commands.mail import setup as run

    return run(CTX)
