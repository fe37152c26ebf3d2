"""The case folder and the everyday commands: init, new, log, show, list, edit, check."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cti_cli.cli.app import CTX, Date, Json, NoCommit, app
from cti_cli.core.labels import with_forms
from cti_cli.locale import _, _l, help_text


@app.command(help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Create a case folder: cti.toml, cases/, .gitignore, git and the merge driver.\n\n"
    "With --remote the folder is published to an empty shared repository, whose default branch "
    "is set to the team's; colleagues then use `cti join URL DIR`.",
    "cti init team-nord --remote /mnt/fællesdrev/team-nord.git"))
def init(
    directory: Annotated[Path, typer.Argument(
        metavar=_l("DIR"), help=_l("Folder to create (default: here)."))]
    = Path(),
    repair: Annotated[bool, typer.Option("--repair", help=_l("In a fresh clone: register the "
                                         "merge driver and refresh the schema."))] = False,
    remote: Annotated[str | None, typer.Option(
        "--remote", metavar="URL", help=_l("Share the new folder through this empty shared "
        "repository (a folder path is created as one)."))] = None,
) -> int:
    from cti_cli.commands.init import init as run

    return run(directory, repair=repair, remote=remote)


@app.command(help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Join a team: get its shared folder, ready to use, in one step.\n\n"
    "Clones the shared repository (whatever branch the team uses), registers the merge driver, "
    "checks the folder and says which team it is and how many cases it has.",
    "cti join /mnt/fællesdrev/team-nord.git team-nord"))
def join(
    url: Annotated[str, typer.Argument(
        metavar=_l("URL"), help=_l("The team's shared repository."))],
    directory: Annotated[Path, typer.Argument(
        metavar=_l("DIR"), help=_l("New folder for your copy."))],
    branch: Annotated[str | None, typer.Option(
        "--branch", help=_l("The team's branch, when the shared repository holds several."))]
    = None,
    name: Annotated[str | None, typer.Option(
        "--name", help=_l("Your name for the team's history (git user.name, this clone)."))] = None,
    email: Annotated[str | None, typer.Option(
        "--email", help=_l("Your e-mail for the team's history (git user.email)."))] = None,
) -> int:
    from cti_cli.commands.init import join as run

    return run(url, directory, branch=branch, name=name, email=email)


@app.command(help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Open a course in the contact period; prints the new case id.",
    "cti new --initials MK --worker anna --group homelessness --transition-date 2026-03-01"))
def new(
    initials: Annotated[str, typer.Option("--initials", help=_l("The citizen's initials."))],
    worker: Annotated[str, typer.Option("--worker", help=_l("Worker id from cti.toml."))],
    group: Annotated[str, typer.Option("--group", help=with_forms(_l("Target group."),
                                                                  "target_group"))],
    transition_date: Annotated[str, typer.Option("--transition-date",
                                                 help=_l("Date of the move/job/release."))],
    transition: Annotated[str | None, typer.Option(
        "--transition", help=with_forms(_l("The transition (default: by group)."),
                                        "transition"))] = None,
    name: Annotated[str | None, typer.Option("--name", help=_l("Full name (optional)."))] = None,
    case_id: Annotated[str | None, typer.Option("--id", help=_l("Case id (default: next "
                                                "YYYY-NNN)."))] = None,
    municipality: Annotated[str | None, typer.Option(
        "--municipality", help=_l("The citizen's municipality (optional)."))] = None,
    day: Date = None,
    no_commit: NoCommit = False,
) -> int:
    from cti_cli.commands.case import new as run

    CTX.no_commit = no_commit
    return run(CTX, initials=initials, worker=worker, group=group,
               transition_date=transition_date, transition=transition, name=name,
               case_id=case_id, day=day, municipality=municipality)


@app.command(help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Add a contact to the case's log (only lines are added to the file).",
    "cti log 2026-004 \"Hjemmebesøg, talte om budget\" --minutes 45 --place hjemme"))
def log(
    case: Annotated[str, typer.Argument(metavar=_l("CASE"), help=_l("Case id or path."))],
    note: Annotated[str, typer.Argument(
        metavar=_l("NOTE"), help=_l("What happened (no CPR numbers)."))],
    kind: Annotated[str, typer.Option("--kind", "-k", help=with_forms(
        _l("What kind of contact."), "contact_kind"))] = "meeting",
    minutes: Annotated[int | None, typer.Option("--minutes", "-m", help=_l("Length in minutes."))]
    = None,
    with_: Annotated[list[str] | None, typer.Option("--with", "-w", help=_l("Who took part "
                                                    "(repeatable; default citizen)."))] = None,
    place: Annotated[str | None, typer.Option(
        "--place", "-p", help=_l("Where it took place (optional)."))] = None,
    day: Date = None,
    no_commit: NoCommit = False,
) -> int:
    from cti_cli.commands.case import log as run

    CTX.no_commit = no_commit
    return run(CTX, case, note, kind=kind, minutes=minutes, with_=with_, place=place, day=day)


@app.command(help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "The page to read before a meeting (phase, deadlines, goals, network, handover); --json "
    "prints the file's data.",
    "cti show 2026-004 --json"))
def show(
    case: Annotated[str, typer.Argument(metavar=_l("CASE"), help=_l("Case id or path."))],
    as_json: Json = False,
    day: Annotated[str | None, typer.Option("--date", help=_l("See the case as of this day "
                                            "(YYYY-MM-DD)."))] = None,
) -> int:
    from cti_cli.commands.case import show as run

    return run(CTX, case, as_json=as_json, day=day)


@app.command("list", help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "One row per case (`--open`: only courses still running).",
    "cti list --worker anna --phase phase1"))
def list_(
    worker: Annotated[str | None, typer.Option("--worker", help=_l("Only this worker's cases."))]
    = None,
    phase: Annotated[str | None, typer.Option("--phase", help=with_forms(
        _l("Only cases in this phase."), "phase"))]
    = None,
    open_: Annotated[bool, typer.Option("--open", help=_l("Only courses still running."))] = False,
    as_json: Json = False,
) -> int:
    from cti_cli.commands.case import list_cases

    return list_cases(CTX, worker=worker, phase=phase, as_json=as_json, open_only=open_)


@app.command(help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Open the case file in $EDITOR; it is checked after saving and never left broken.\n\n"
    "A draft that did not check is kept until it is used (--draft, or yes on a terminal) or "
    "dropped (--discard-draft). A file with conflict markers opens with both sides and a short "
    "explanation at the top, and is saved only once it checks.",
    "EDITOR=nano cti edit 2026-004"))
def edit(case: Annotated[str, typer.Argument(metavar=_l("CASE"), help=_l("Case id or path."))],
         draft: Annotated[bool, typer.Option("--draft", help=_l("Continue the draft an earlier, "
                                             "invalid edit left."))] = False,
         discard_draft: Annotated[bool, typer.Option("--discard-draft", help=_l("Drop that draft "
                                                     "and edit the file itself."))] = False,
         no_commit: NoCommit = False) -> int:
    from cti_cli.commands.context import parse_date
    from cti_cli.commands.edit import edit as run

    CTX.no_commit = no_commit
    return run(CTX, case, today=parse_date(None), use_draft=draft, discard_draft=discard_draft)


@app.command(help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Take one side of every conflict left in a case file, in one step.\n\n"
    "Every contact and appointment of both sides is kept; the result must pass the checks. Then "
    "`cti sync` finishes the stopped sync.",
    "cti resolve 2026-004 --theirs"))
def resolve(case: Annotated[str, typer.Argument(metavar=_l("CASE"), help=_l("Case id or path."))],
            mine: Annotated[bool, typer.Option("--mine", help=_l("Keep your side of every "
                                               "conflict."))] = False,
            theirs: Annotated[bool, typer.Option("--theirs", help=_l("Keep the colleague's side "
                                                 "of every conflict."))] = False,
            no_commit: NoCommit = False) -> int:
    from cti_cli.commands.context import parse_date
    from cti_cli.commands.edit import resolve as run
    from cti_cli.core.errors import UsageError

    if mine == theirs:
        raise UsageError(_("give exactly one of --mine and --theirs"))
    CTX.no_commit = no_commit
    return run(CTX, case, mine=mine, today=parse_date(None))


@app.command(help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Check case files: YAML, schema, consistency and the CTI method's rules.\n\n"
    "Prints `path:line:col: CODE message` per finding; quiet when all is well. Exit 0 without "
    "errors, 1 with errors (or warnings with --strict), 2 on usage errors.",
    "cti check --strict"))
def check(
    paths: Annotated[list[Path] | None, typer.Argument(
        metavar=_l("PATH"), help=_l("Case files or folders "
                                                        "(default: every case)."))] = None,
    as_json: Json = False,
    strict: Annotated[bool, typer.Option("--strict", help=_l("Warnings fail too."))] = False,
    day: Date = None,
) -> int:
    from cti_cli.commands.checking import check as run
    from cti_cli.commands.context import parse_date

    return run(CTX, list(paths or []), as_json=as_json, strict=strict, today=parse_date(day))
