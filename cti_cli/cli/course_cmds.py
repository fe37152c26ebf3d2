"""The course through the method: checklist, tick, advance, close, transfer, goals, network,
appointments, documentation and the timeline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cti_cli.cli.app import CTX, Date, Json, NoCommit, app

Case = Annotated[str, typer.Argument(help="Case id or path.")]
Force = Annotated[bool, typer.Option("--force", help="Change a closed course anyway (needs "
                                     "--reason).")]
Reason = Annotated[str | None, typer.Option("--reason", help="Why --force; written into the "
                                            "file.")]

goal_app = typer.Typer(help="The long-term plan's 2–3 goals.", no_args_is_help=True)
network_app = typer.Typer(help="The citizen's support network.", no_args_is_help=True)
app.add_typer(goal_app, name="goal")
app.add_typer(network_app, name="network")


@app.command()
def checklist(case: Case, as_json: Json = False, day: Date = None) -> int:
    """The current gate's checklist: what must be done before the next phase.

    \b
    Example:
      cti checklist 2026-004 --json
    """
    from cti_cli.commands.course import checklist as run

    return run(CTX, case, as_json=as_json, day=day)


@app.command()
def tick(
    case: Case,
    item: Annotated[str, typer.Argument(help="Checklist item id, e.g. economy.")],
    day: Date = None,
    na: Annotated[str | None, typer.Option("--na", help="Not applicable, with the reason "
                                           "(conditional items only).")] = None,
    undo: Annotated[bool, typer.Option("--undo", help="Remove the answer.")] = False,
    force: Force = False,
    reason: Reason = None,
    no_commit: NoCommit = False,
) -> int:
    """Mark a checklist item done (or not applicable, or undo it).

    \b
    Example:
      cti tick 2026-004 economy --date 2026-04-02
      cti tick 2026-004 jobcentre --na "i fleksjob allerede"
    """
    from cti_cli.commands.course import tick as run

    CTX.no_commit = no_commit
    return run(CTX, case, item, day=day, na=na, undo=undo, force=force, reason=reason)


@app.command()
def advance(
    case: Case,
    day: Date = None,
    force: Annotated[bool, typer.Option("--force", help="Pass the gate anyway (needs "
                                        "--reason).")] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="Why the gate is passed "
                                               "with --force; written into the file.")] = None,
    no_commit: NoCommit = False,
) -> int:
    """Move to the next phase when the gate checklist and the method's rules allow it.

    Exit 1 lists exactly what is missing.

    \b
    Example:
      cti advance 2026-004 --date 2026-06-01
    """
    from cti_cli.commands.course import advance as run

    CTX.no_commit = no_commit
    return run(CTX, case, day=day, force=force, reason=reason)


@app.command()
def close(
    case: Case,
    reason: Annotated[str, typer.Option("--reason", help="completed | ended_early | declined "
                                        "| moved_municipality | other")],
    day: Date = None,
    note: Annotated[str | None, typer.Option("--note", help="Why, in words.")] = None,
    to_municipality: Annotated[str | None, typer.Option(
        "--to-municipality", help="Where the citizen moved (moved_municipality).")] = None,
    handover_to: Annotated[str | None, typer.Option(
        "--handover-to", help="Who took over in the new municipality.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Close as completed before the "
                                        "planned end or with open items (needs --note).")]
    = False,
    no_commit: NoCommit = False,
) -> int:
    """Close the course; `completed` needs phase 3, the closure checklist and the planned end.

    \b
    Example:
      cti close 2026-004 --reason completed --date 2026-12-01
    """
    from cti_cli.commands.course import close as run

    CTX.no_commit = no_commit
    return run(CTX, case, reason=reason, day=day, note=note, force=force,
               to_municipality=to_municipality, handover_to=handover_to)


@app.command()
def transfer(
    case: Case,
    worker: Annotated[str, typer.Option("--worker", help="The new CTI worker's id.")],
    day: Date = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why (optional).")] = None,
    no_commit: NoCommit = False,
) -> int:
    """Give the course to another CTI worker; the file keeps who had it and when.

    \b
    Example:
      cti transfer 2026-004 --worker bo --reason "barsel"
    """
    from cti_cli.commands.course import transfer as run

    CTX.no_commit = no_commit
    return run(CTX, case, worker=worker, day=day, reason=reason)


@goal_app.command("add")
def goal_add(
    case: Case,
    text: Annotated[str, typer.Argument(help="The goal in the citizen's words.")],
    domain: Annotated[str, typer.Option("--domain", help="Life domain, e.g. housing.")],
    day: Date = None,
    no_commit: NoCommit = False,
) -> int:
    """Add a goal to the long-term plan (at most 3); prints its id.

    \b
    Example:
      cti goal add 2026-004 "Betale husleje til tiden" --domain economy
    """
    from cti_cli.commands.course import goal_add as run

    CTX.no_commit = no_commit
    return run(CTX, case, text, domain=domain, day=day)


@network_app.command("add")
def network_add(
    case: Case,
    name: Annotated[str, typer.Argument(help="The person's name.")],
    role: Annotated[str, typer.Option("--role", help="e.g. sagsbehandler, søster.")],
    phone: Annotated[str | None, typer.Option("--phone")] = None,
    anchor: Annotated[bool, typer.Option("--anchor", help="Holds long-term responsibility "
                                         "after the course (one person).")] = False,
    org: Annotated[str | None, typer.Option("--org", help="Organisation, e.g. jobcentret.")]
    = None,
    kind: Annotated[str | None, typer.Option("--kind", help="professional | private")] = None,
    day: Date = None,
    no_commit: NoCommit = False,
) -> int:
    """Add a person to the support network.

    \b
    Example:
      cti network add 2026-004 "Lis Holm" --role rådgiver --org jobcentret --anchor
    """
    from cti_cli.commands.course import network_add as run

    CTX.no_commit = no_commit
    return run(CTX, case, name, role=role, phone=phone, anchor=anchor, day=day, org=org,
               kind=kind)


@app.command()
def appointment(
    case: Case,
    at: Annotated[str, typer.Option("--at", help='"YYYY-MM-DD HH:MM"')],
    with_: Annotated[str, typer.Option("--with", help="Who the meeting is with.")],
    place: Annotated[str | None, typer.Option("--place")] = None,
    day: Annotated[str | None, typer.Option("--date", help="The day it is agreed "
                                            "(YYYY-MM-DD); default today.")] = None,
    no_commit: NoCommit = False,
) -> int:
    """Plan a meeting.

    \b
    Example:
      cti appointment 2026-004 --at "2026-03-02 10:00" --with citizen --place hjemme
    """
    from cti_cli.commands.course import appointment as run

    CTX.no_commit = no_commit
    return run(CTX, case, at=at, with_=with_, place=place, day=day)


@app.command()
def document(
    case: Case,
    point: Annotated[str, typer.Argument(help="start | month3 | month6 | closure")],
    day: Date = None,
    form: Annotated[Path | None, typer.Option(
        "--form", help="Read the form's answers from this YAML file (the keys the case file "
        "stores: domains, goals, own_view, fidelity) instead of asking.", dir_okay=False)]
    = None,
    no_commit: NoCommit = False,
) -> int:
    """Fill in a documentation point's form: ratings of the life domains, progress on the
    goals, the citizen's own view and the fidelity items.

    On a terminal the questions are asked one by one, with the last answers as defaults.

    \b
    Example:
      cti document 2026-004 month3 --date 2026-06-02
      cti document 2026-012 month3 --form answers.yaml
    """
    from cti_cli.commands.document import document as run

    CTX.no_commit = no_commit
    return run(CTX, case, point, day=day, form_file=form)


@app.command()
def timeline(
    case: Case,
    day: Annotated[str | None, typer.Option("--date", help="Mark this day as today "
                                            "(YYYY-MM-DD).")] = None,
) -> int:
    """The course on a calendar: phases planned and actual, contacts, gates, deadlines.

    \b
    Example:
      cti timeline 2026-004
    """
    from cti_cli.commands.course import timeline as run

    return run(CTX, case, day=day)
