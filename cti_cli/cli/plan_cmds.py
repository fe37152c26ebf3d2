"""Goals and actions, the long-term plan, the assessment, the handover and the anchor."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cti_cli.cli.app import CTX, Date, NoCommit, app
from cti_cli.cli.course_cmds import Case, Force, Reason, goal_app, network_app

handover_app = typer.Typer(help="The handover to the network (p.21-23): meetings, plan, "
                           "follow-on.", no_args_is_help=True)
app.add_typer(handover_app, name="handover")

Goal = Annotated[str, typer.Argument(help="The goal's id, e.g. g1.")]


@goal_app.command("set")
def goal_set(
    case: Case,
    goal: Goal,
    status: Annotated[str | None, typer.Option("--status", help="open | done | dropped | "
                                               "changed")] = None,
    text: Annotated[str | None, typer.Option("--text", help="The goal's new wording.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Why, in words.")] = None,
    day: Date = None,
    force: Force = False,
    reason: Reason = None,
    no_commit: NoCommit = False,
) -> int:
    """Change a goal's status, text or note (a dropped goal no longer counts towards 2-3).

    \b
    Example:
      cti goal set 2026-004 g2 --status dropped --note "flyttet til job i stedet"
    """
    from cti_cli.commands.plans import goal_set as run

    CTX.no_commit = no_commit
    return run(CTX, case, goal, status=status, text=text, note=note, day=day, force=force,
               reason=reason)


@goal_app.command("action")
def goal_action(
    case: Case,
    goal: Goal,
    text: Annotated[str | None, typer.Argument(help="The action, e.g. who calls whom.")]
    = None,
    who: Annotated[str | None, typer.Option("--who", help="Who does it.")] = None,
    due: Annotated[str | None, typer.Option("--due", help="By when (YYYY-MM-DD).")] = None,
    done: Annotated[int | None, typer.Option("--done", help="Mark the N-th action done "
                                             "(1-based).")] = None,
    day: Date = None,
    force: Force = False,
    reason: Reason = None,
    no_commit: NoCommit = False,
) -> int:
    """Add an action to a goal, or mark one done with --done N.

    \b
    Example:
      cti goal action 2026-004 g1 "Ring til udlejer" --who borger --due 2026-03-09
      cti goal action 2026-004 g1 --done 1
    """
    from cti_cli.commands.plans import goal_action as run

    CTX.no_commit = no_commit
    return run(CTX, case, goal, text, who=who, due=due, done=done, day=day, force=force,
               reason=reason)


@app.command("plan")
def plan(
    case: Case,
    text: Annotated[str, typer.Argument(help="The long-term plan, in the citizen's words.")],
    append: Annotated[bool, typer.Option("--append", help="Add to the plan instead of "
                                         "replacing it.")] = False,
    day: Date = None,
    force: Force = False,
    reason: Reason = None,
    no_commit: NoCommit = False,
) -> int:
    """Write the long-term plan (p.16), or add to it with --append.

    \b
    Example:
      cti plan 2026-004 "Bo trygt i egen bolig; økonomien styr på inden sommer"
    """
    from cti_cli.commands.plans import plan as run

    CTX.no_commit = no_commit
    return run(CTX, case, text, append=append, day=day, force=force, reason=reason)


@app.command("assess")
def assess(
    case: Case,
    domain: Annotated[str, typer.Argument(help="Life domain, e.g. housing, economy.")],
    own_view: Annotated[str | None, typer.Option("--own-view", help="The citizen's own "
                                                 "view.")] = None,
    needs: Annotated[str | None, typer.Option("--needs", help="Support needs.")] = None,
    resources: Annotated[str | None, typer.Option("--resources", help="Resources and "
                                                  "support options.")] = None,
    priority: Annotated[str | None, typer.Option("--priority", help="high | medium | low")]
    = None,
    day: Date = None,
    force: Force = False,
    reason: Reason = None,
    no_commit: NoCommit = False,
) -> int:
    """Record one life domain of the needs assessment (p.15-16).

    \b
    Example:
      cti assess 2026-004 economy --own-view "regningerne hober sig op" --priority high
    """
    from cti_cli.commands.plans import assess as run

    CTX.no_commit = no_commit
    return run(CTX, case, domain, own_view=own_view, needs=needs, resources=resources,
               priority=priority, day=day, force=force, reason=reason)


@handover_app.command("meeting")
def handover_meeting(
    case: Case,
    with_: Annotated[list[str], typer.Option("--with", help="Who took part (repeat the "
                                             "option for each).")],
    place: Annotated[str | None, typer.Option("--place")] = None,
    note: Annotated[str | None, typer.Option("--note", help="What was agreed.")] = None,
    day: Date = None,
    force: Force = False,
    reason: Reason = None,
    no_commit: NoCommit = False,
) -> int:
    """Record a handover meeting with the citizen and the network (p.22).

    \b
    Example:
      cti handover meeting 2026-004 --with borger --with "Lis Holm" --place jobcentret
    """
    from cti_cli.commands.plans import handover_meeting as run

    CTX.no_commit = no_commit
    return run(CTX, case, with_=with_, place=place, note=note, day=day, force=force,
               reason=reason)


@handover_app.command("plan")
def handover_plan(
    case: Case,
    text: Annotated[str | None, typer.Argument(help="The handover plan.")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="Read the plan from a text "
                                              "file.", dir_okay=False)] = None,
    day: Date = None,
    force: Force = False,
    reason: Reason = None,
    no_commit: NoCommit = False,
) -> int:
    """Set the handover plan made with the citizen and the network (p.22).

    \b
    Example:
      cti handover plan 2026-004 --file overdragelse.txt
    """
    from cti_cli.commands.plans import handover_plan as run

    CTX.no_commit = no_commit
    return run(CTX, case, text, file=file, day=day, force=force, reason=reason)


@handover_app.command("follow-on")
def handover_follow_on(
    case: Case,
    what: Annotated[str | None, typer.Option("--what", help="The individual support after "
                                             "the course.")] = None,
    start: Annotated[str | None, typer.Option("--start", help="When it starts "
                                              "(YYYY-MM-DD), before the course ends.")]
    = None,
    by: Annotated[str | None, typer.Option("--by", help="Who gives it.")] = None,
    none: Annotated[str | None, typer.Option("--none", help="No follow-on support is needed, "
                                             "with the reason.")] = None,
    day: Date = None,
    force: Force = False,
    reason: Reason = None,
    no_commit: NoCommit = False,
) -> int:
    """Does the citizen still need individual support after the course (p.22)?

    \b
    Example:
      cti handover follow-on 2026-004 --what "bostøtte § 85" --start 2026-11-15 --by "Ole Berg"
      cti handover follow-on 2026-004 --none "klarer sig med netværket"
    """
    from cti_cli.commands.plans import handover_follow_on as run

    CTX.no_commit = no_commit
    return run(CTX, case, what=what, start=start, by=by, none=none, day=day, force=force,
               reason=reason)


@network_app.command("anchor")
def network_anchor(
    case: Case,
    name: Annotated[str, typer.Argument(help="The network person who becomes the anchor.")],
    day: Date = None,
    force: Force = False,
    reason: Reason = None,
    no_commit: NoCommit = False,
) -> int:
    """Move the anchor (long-term responsibility, p.23) to another person of the network.

    \b
    Example:
      cti network anchor 2026-004 "Ole Berg"
    """
    from cti_cli.commands.plans import network_anchor as run

    CTX.no_commit = no_commit
    return run(CTX, case, name, day=day, force=force, reason=reason)
