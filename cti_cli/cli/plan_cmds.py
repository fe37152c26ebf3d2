"""Goals and actions, the long-term plan, the assessment, the handover and the anchor."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cti_cli.cli.app import CTX, Date, NoCommit, app
from cti_cli.cli.course_cmds import Case, Force, Reason, goal_app, network_app
from cti_cli.locale import _l, help_text

handover_app = typer.Typer(no_args_is_help=True, help=_l(  # type: ignore[arg-type]  # lazy
    "The handover to the network (p.21-23): meetings, plan, follow-on."))
app.add_typer(handover_app, name="handover")

Goal = Annotated[str, typer.Argument(metavar=_l("GOAL"), help=_l("The goal's id, e.g. g1."))]


@goal_app.command("set", help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Change a goal's status, text or note (a dropped goal no longer counts towards 2-3).",
    "cti goal set 2026-004 g2 --status dropped --note \"flyttet til job i stedet\""))
def goal_set(
    case: Case,
    goal: Goal,
    status: Annotated[str | None, typer.Option("--status", help=_l("open | done | dropped | "
                                               "changed"))] = None,
    text: Annotated[str | None, typer.Option("--text", help=_l("The goal's new wording."))] = None,
    note: Annotated[str | None, typer.Option("--note", help=_l("Why, in words."))] = None,
    day: Date = None,
    force: Force = False,
    reason: Reason = None,
    no_commit: NoCommit = False,
) -> int:
    from cti_cli.commands.plans import goal_set as run

    CTX.no_commit = no_commit
    return run(CTX, case, goal, status=status, text=text, note=note, day=day, force=force,
               reason=reason)


@goal_app.command("action", help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Add an action to a goal, or mark one done with --done N.",
    "cti goal action 2026-004 g1 \"Ring til udlejer\" --who borger --due 2026-03-09",
    "cti goal action 2026-004 g1 --done 1"))
def goal_action(
    case: Case,
    goal: Goal,
    text: Annotated[str | None, typer.Argument(
        metavar=_l("TEXT"), help=_l("The action, e.g. who calls whom."))]
    = None,
    who: Annotated[str | None, typer.Option("--who", help=_l("Who does it."))] = None,
    due: Annotated[str | None, typer.Option("--due", help=_l("By when (YYYY-MM-DD)."))] = None,
    done: Annotated[int | None, typer.Option("--done", help=_l("Mark the N-th action done "
                                             "(1-based)."))] = None,
    day: Date = None,
    force: Force = False,
    reason: Reason = None,
    no_commit: NoCommit = False,
) -> int:
    from cti_cli.commands.plans import goal_action as run

    CTX.no_commit = no_commit
    return run(CTX, case, goal, text, who=who, due=due, done=done, day=day, force=force,
               reason=reason)


@app.command("plan", help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Write the long-term plan (p.16), or add to it with --append.",
    "cti plan 2026-004 \"Bo trygt i egen bolig; økonomien styr på inden sommer\""))
def plan(
    case: Case,
    text: Annotated[str, typer.Argument(
        metavar=_l("TEXT"), help=_l("The long-term plan, in the citizen's words."))],
    append: Annotated[bool, typer.Option("--append", help=_l("Add to the plan instead of "
                                         "replacing it."))] = False,
    day: Date = None,
    force: Force = False,
    reason: Reason = None,
    no_commit: NoCommit = False,
) -> int:
    from cti_cli.commands.plans import plan as run

    CTX.no_commit = no_commit
    return run(CTX, case, text, append=append, day=day, force=force, reason=reason)


@app.command("assess", help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Record one life domain of the needs assessment (p.15-16).",
    "cti assess 2026-004 economy --own-view \"regningerne hober sig op\" --priority high"))
def assess(
    case: Case,
    domain: Annotated[str, typer.Argument(
        metavar=_l("DOMAIN"), help=_l("Life domain, e.g. housing, economy."))],
    own_view: Annotated[str | None, typer.Option("--own-view", help=_l("The citizen's own "
                                                 "view."))] = None,
    needs: Annotated[str | None, typer.Option("--needs", help=_l("Support needs."))] = None,
    resources: Annotated[str | None, typer.Option("--resources", help=_l("Resources and "
                                                  "support options."))] = None,
    priority: Annotated[str | None, typer.Option("--priority", help=_l("high | medium | low"))]
    = None,
    day: Date = None,
    force: Force = False,
    reason: Reason = None,
    no_commit: NoCommit = False,
) -> int:
    from cti_cli.commands.plans import assess as run

    CTX.no_commit = no_commit
    return run(CTX, case, domain, own_view=own_view, needs=needs, resources=resources,
               priority=priority, day=day, force=force, reason=reason)


@handover_app.command("meeting", help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Record a handover meeting with the citizen and the network (p.22).",
    "cti handover meeting 2026-004 --with borger --with \"Lis Holm\" --place jobcentret"))
def handover_meeting(
    case: Case,
    with_: Annotated[list[str], typer.Option("--with", help=_l("Who took part (repeat the "
                                             "option for each)."))],
    place: Annotated[str | None, typer.Option(
        "--place", help=_l("Where it took place (optional)."))] = None,
    note: Annotated[str | None, typer.Option("--note", help=_l("What was agreed."))] = None,
    day: Date = None,
    force: Force = False,
    reason: Reason = None,
    no_commit: NoCommit = False,
) -> int:
    from cti_cli.commands.plans import handover_meeting as run

    CTX.no_commit = no_commit
    return run(CTX, case, with_=with_, place=place, note=note, day=day, force=force,
               reason=reason)


@handover_app.command("plan", help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Set the handover plan made with the citizen and the network (p.22).",
    "cti handover plan 2026-004 --file overdragelse.txt"))
def handover_plan(
    case: Case,
    text: Annotated[str | None, typer.Argument(
        metavar=_l("TEXT"), help=_l("The handover plan."))] = None,
    file: Annotated[Path | None, typer.Option("--file", help=_l("Read the plan from a text "
                                              "file."), dir_okay=False)] = None,
    day: Date = None,
    force: Force = False,
    reason: Reason = None,
    no_commit: NoCommit = False,
) -> int:
    from cti_cli.commands.plans import handover_plan as run

    CTX.no_commit = no_commit
    return run(CTX, case, text, file=file, day=day, force=force, reason=reason)


@handover_app.command("follow-on", help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Does the citizen still need individual support after the course (p.22)?",
    "cti handover follow-on 2026-004 --what \"bostøtte § 85\" --start 2026-11-15 --by \"Ole Berg\"",
    "cti handover follow-on 2026-004 --none \"klarer sig med netværket\""))
def handover_follow_on(
    case: Case,
    what: Annotated[str | None, typer.Option("--what", help=_l("The individual support after "
                                             "the course."))] = None,
    start: Annotated[str | None, typer.Option("--start", help=_l("When it starts "
                                              "(YYYY-MM-DD), before the course ends."))]
    = None,
    by: Annotated[str | None, typer.Option("--by", help=_l("Who gives it."))] = None,
    none: Annotated[str | None, typer.Option("--none", help=_l("No follow-on support is needed, "
                                             "with the reason."))] = None,
    day: Date = None,
    force: Force = False,
    reason: Reason = None,
    no_commit: NoCommit = False,
) -> int:
    from cti_cli.commands.plans import handover_follow_on as run

    CTX.no_commit = no_commit
    return run(CTX, case, what=what, start=start, by=by, none=none, day=day, force=force,
               reason=reason)


@network_app.command("anchor", help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Move the anchor (long-term responsibility, p.23) to another person of the network.",
    "cti network anchor 2026-004 \"Ole Berg\""))
def network_anchor(
    case: Case,
    name: Annotated[str, typer.Argument(
        metavar=_l("NAME"), help=_l("The network person who becomes the anchor."))],
    day: Date = None,
    force: Force = False,
    reason: Reason = None,
    no_commit: NoCommit = False,
) -> int:
    from cti_cli.commands.plans import network_anchor as run

    CTX.no_commit = no_commit
    return run(CTX, case, name, day=day, force=force, reason=reason)
