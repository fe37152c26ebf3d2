"""The course through the method: checklist, tick, advance, close, transfer, goals, network,
appointments, documentation and the timeline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cti_cli.cli.app import CTX, Date, Json, NoCommit, app
from cti_cli.core.labels import with_forms
from cti_cli.locale import _l, help_text

Case = Annotated[str, typer.Argument(metavar=_l("CASE"), help=_l("Case id or path."))]
Force = Annotated[bool, typer.Option("--force", help=_l("Change a closed course anyway (needs "
                                     "--reason)."))]
Reason = Annotated[str | None, typer.Option("--reason", help=_l("Why --force; written into the "
                                            "file."))]

goal_app = typer.Typer(no_args_is_help=True,
                       help=_l("The long-term plan's 2–3 goals."))  # type: ignore[arg-type]  # lazy: translated per run
network_app = typer.Typer(no_args_is_help=True,
                          help=_l("The citizen's support network."))  # type: ignore[arg-type]  # lazy: translated per run
app.add_typer(goal_app, name="goal")
app.add_typer(network_app, name="network")


@app.command(help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "The current gate's checklist: what must be done before the next phase.",
    "cti checklist 2026-004 --json"))
def checklist(case: Case, as_json: Json = False, day: Date = None) -> int:
    from cti_cli.commands.course import checklist as run

    return run(CTX, case, as_json=as_json, day=day)


@app.command(help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Mark a checklist item done (or not applicable, or undo it).",
    "cti tick 2026-004 economy --date 2026-04-02",
    "cti tick 2026-004 jobcentre --na \"i fleksjob allerede\""))
def tick(
    case: Case,
    item: Annotated[str, typer.Argument(
        metavar=_l("ITEM"), help=with_forms(_l("The checklist item."), "checklist_item"))],
    day: Date = None,
    na: Annotated[str | None, typer.Option("--na", help=_l("Not applicable, with the reason "
                                           "(conditional items only)."))] = None,
    undo: Annotated[bool, typer.Option("--undo", help=_l("Remove the answer."))] = False,
    force: Force = False,
    reason: Reason = None,
    no_commit: NoCommit = False,
) -> int:
    from cti_cli.commands.course import tick as run

    CTX.no_commit = no_commit
    return run(CTX, case, item, day=day, na=na, undo=undo, force=force, reason=reason)


@app.command(help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Move to the next phase when the gate checklist and the method's rules allow it.\n\n"
    "Exit 1 lists exactly what is missing.",
    "cti advance 2026-004 --date 2026-06-01"))
def advance(
    case: Case,
    day: Date = None,
    force: Annotated[bool, typer.Option("--force", help=_l("Pass the gate anyway (needs "
                                        "--reason)."))] = False,
    reason: Annotated[str | None, typer.Option("--reason", help=_l("Why the gate is passed "
                                               "with --force; written into the file."))] = None,
    no_commit: NoCommit = False,
) -> int:
    from cti_cli.commands.course import advance as run

    CTX.no_commit = no_commit
    return run(CTX, case, day=day, force=force, reason=reason)


@app.command(help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Close the course; `completed` needs phase 3, the closure checklist and the planned end.",
    "cti close 2026-004 --reason completed --date 2026-12-01"))
def close(
    case: Case,
    reason: Annotated[str, typer.Option("--reason", help=with_forms(
        _l("Why the course ends."), "close_reason"))],
    day: Date = None,
    note: Annotated[str | None, typer.Option("--note", help=_l("Why, in words."))] = None,
    to_municipality: Annotated[str | None, typer.Option(
        "--to-municipality", help=_l("Where the citizen moved (moved_municipality)."))] = None,
    handover_to: Annotated[str | None, typer.Option(
        "--handover-to", help=_l("Who took over in the new municipality."))] = None,
    force: Annotated[bool, typer.Option("--force", help=_l("Close as completed before the "
                                        "planned end or with open items (needs --note)."))]
    = False,
    no_commit: NoCommit = False,
) -> int:
    from cti_cli.commands.course import close as run

    CTX.no_commit = no_commit
    return run(CTX, case, reason=reason, day=day, note=note, force=force,
               to_municipality=to_municipality, handover_to=handover_to)


@app.command(help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Give the course to another CTI worker; the file keeps who had it and when.",
    "cti transfer 2026-004 --worker bo --reason \"barsel\""))
def transfer(
    case: Case,
    worker: Annotated[str, typer.Option("--worker", help=_l("The new CTI worker's id."))],
    day: Date = None,
    reason: Annotated[str | None, typer.Option("--reason", help=_l("Why (optional)."))] = None,
    no_commit: NoCommit = False,
) -> int:
    from cti_cli.commands.course import transfer as run

    CTX.no_commit = no_commit
    return run(CTX, case, worker=worker, day=day, reason=reason)


@goal_app.command("add", help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Add a goal to the long-term plan (at most 3); prints its id.",
    "cti goal add 2026-004 \"Betale husleje til tiden\" --domain economy"))
def goal_add(
    case: Case,
    text: Annotated[str, typer.Argument(
        metavar=_l("TEXT"), help=_l("The goal in the citizen's words."))],
    domain: Annotated[str, typer.Option("--domain", help=_l("Life domain, e.g. housing."))],
    day: Date = None,
    no_commit: NoCommit = False,
) -> int:
    from cti_cli.commands.course import goal_add as run

    CTX.no_commit = no_commit
    return run(CTX, case, text, domain=domain, day=day)


@network_app.command("add", help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Add a person to the support network.",
    "cti network add 2026-004 \"Lis Holm\" --role rådgiver --org jobcentret --anchor"))
def network_add(
    case: Case,
    name: Annotated[str, typer.Argument(metavar=_l("NAME"), help=_l("The person's name."))],
    role: Annotated[str, typer.Option("--role", help=_l("e.g. sagsbehandler, søster."))],
    phone: Annotated[str | None, typer.Option(
        "--phone", help=_l("Phone number (optional)."))] = None,
    anchor: Annotated[bool, typer.Option("--anchor", help=_l("Holds long-term responsibility "
                                         "after the course (one person)."))] = False,
    org: Annotated[str | None, typer.Option("--org", help=_l("Organisation, e.g. jobcentret."))]
    = None,
    kind: Annotated[str | None, typer.Option("--kind", help=_l("professional | private"))] = None,
    day: Date = None,
    no_commit: NoCommit = False,
) -> int:
    from cti_cli.commands.course import network_add as run

    CTX.no_commit = no_commit
    return run(CTX, case, name, role=role, phone=phone, anchor=anchor, day=day, org=org,
               kind=kind)


@app.command(help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Plan a meeting.",
    "cti appointment 2026-004 --at \"2026-03-02 10:00\" --with citizen --place hjemme"))
def appointment(
    case: Case,
    at: Annotated[str, typer.Option("--at", help=_l('Date and time, "YYYY-MM-DD HH:MM".'))],
    with_: Annotated[str, typer.Option("--with", help=_l("Who the meeting is with."))],
    place: Annotated[str | None, typer.Option(
        "--place", help=_l("Where it takes place (optional)."))] = None,
    day: Annotated[str | None, typer.Option("--date", help=_l("The day it is agreed "
                                            "(YYYY-MM-DD); default today."))] = None,
    no_commit: NoCommit = False,
) -> int:
    from cti_cli.commands.course import appointment as run

    CTX.no_commit = no_commit
    return run(CTX, case, at=at, with_=with_, place=place, day=day)


@app.command(help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Fill in a documentation point's form: ratings of the life domains, progress on the goals, "
    "the citizen's own view and the fidelity items.\n\n"
    "On a terminal the questions are asked one by one, with the last answers as defaults.",
    "cti document 2026-004 month3 --date 2026-06-02",
    "cti document 2026-012 month3 --form answers.yaml"))
def document(
    case: Case,
    point: Annotated[str, typer.Argument(
        metavar=_l("POINT"), help=with_forms(_l("The documentation point."),
                                             "documentation_point"))],
    day: Date = None,
    form: Annotated[Path | None, typer.Option(
        "--form", help=_l("Read the form's answers from this YAML file (the keys the case file "
        "stores: domains, goals, own_view, fidelity) instead of asking."), dir_okay=False)]
    = None,
    no_commit: NoCommit = False,
) -> int:
    from cti_cli.commands.document import document as run

    CTX.no_commit = no_commit
    return run(CTX, case, point, day=day, form_file=form)


@app.command(help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "The course on a calendar: phases planned and actual, contacts, gates, deadlines.",
    "cti timeline 2026-004"))
def timeline(
    case: Case,
    day: Annotated[str | None, typer.Option("--date", help=_l("Mark this day as today "
                                            "(YYYY-MM-DD)."))] = None,
) -> int:
    from cti_cli.commands.course import timeline as run

    return run(CTX, case, day=day)
