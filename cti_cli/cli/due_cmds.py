"""`cti due`: reminders on screen, as JSON, or by mail (for cron)."""

from __future__ import annotations

from typing import Annotated

import typer

from cti_cli.cli.app import CTX, Json, app
from cti_cli.locale import _l, help_text


@app.command(help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "What is due soon on the open cases: phase ends, documentation, handover meetings, "
    "checklists, tomorrow's appointments, missing contact, long contact periods, caseload.\n\n"
    "Exit 0 unless something failed (e.g. a reminder could not be mailed; it goes out on the "
    "next run).",
    "cti due --within 7 --worker anna",
    "cti due --email --quiet        # in cron, see the README"))
def due(
    day: Annotated[str | None, typer.Option(
        "--date", help=_l("Compute as of this day (YYYY-MM-DD); default today."))] = None,
    within: Annotated[int | None, typer.Option(
        "--within", min=0, help=_l("Look this many days ahead (default: [reminders] "
        "horizon_days, 14)."))] = None,
    worker: Annotated[str | None, typer.Option(
        "--worker", help=_l("Only this worker's items (worker id from cti.toml)."))] = None,
    as_json: Json = False,
    email: Annotated[bool, typer.Option(
        "--email", help=_l("Mail each worker their new items via [smtp] (else to .cti/outbox); "
        "never mails the same reminder twice."))] = False,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help=_l("Print nothing when nothing is due (for cron); with --email "
        "only a summary when something was sent."))] = False,
) -> int:
    from cti_cli.commands.due import due as run

    return run(CTX, day=day, within=within, worker=worker, as_json=as_json, email=email,
               quiet=quiet)


mail_app = typer.Typer(no_args_is_help=True,
                       help=_l("Mail settings of this machine."))  # type: ignore[arg-type]  # lazy: translated per run
app.add_typer(mail_app, name="mail")


@mail_app.command("setup", help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Agree to the [smtp] server of cti.toml: the SMTP password goes only there.\n\n"
    "Pins host, port, security and the CA file (by content) in the per-user config. When someone "
    "later changes [smtp] in cti.toml, `cti due --email` refuses to log in and says what "
    "changed; `cti doctor` and `cti sync` warn.",
    "cti mail setup"))
def mail_setup() -> int:
    from cti_cli.commands.mail import setup as run

    return run(CTX)
