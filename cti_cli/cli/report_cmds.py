"""What the files show: the citizen's progress, the team's fidelity, the monitoring export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cti_cli.cli.app import CTX, app
from cti_cli.locale import _l, help_text

Case = Annotated[str, typer.Argument(metavar=_l("CASE"), help=_l("Case id or path."))]
Png = Annotated[Path | None, typer.Option("--png", help=_l("Draw a PNG picture to this file."),
                                          dir_okay=False)]
Svg = Annotated[Path | None, typer.Option("--svg", help=_l("Draw an SVG picture to this file."),
                                          dir_okay=False)]


@app.command(help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "The citizen's development: each life domain's rating and each goal's progress at the "
    "documentation points, as a chart in the terminal or a picture (case id and initials only).",
    "cti progress 2026-012",
    "cti progress 2026-012 --png p.png"))
def progress(case: Case, png: Png = None, svg: Svg = None) -> int:
    from cti_cli.commands.progress import progress as run

    return run(CTX, case, png=png, svg=svg)


@app.command(help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "Fidelity to the method, per course and for the team: each indicator's value, target, "
    "whether it is met and the manual's page. Courses that overlap the period count.",
    "cti fidelity --since 2026-01-01 --until 2026-06-30",
    "cti fidelity --json",
    "cti fidelity --png fidelity.png"))
def fidelity(
    case: Annotated[str | None, typer.Argument(
        metavar=_l("CASE"), help=_l("One case only (default: the team)."))]
    = None,
    since: Annotated[str | None, typer.Option("--since", help=_l("First day of the period "
                                              "(YYYY-MM-DD); default a year before --until."))]
    = None,
    until: Annotated[str | None, typer.Option("--until", help=_l("Last day of the period; "
                                              "default --date."))] = None,
    worker: Annotated[str | None, typer.Option("--worker", help=_l("Only this worker's "
                                               "courses."))] = None,
    day: Annotated[str | None, typer.Option("--date", help=_l("The day the report is made "
                                            "(YYYY-MM-DD); default today."))] = None,
    as_json: Annotated[bool, typer.Option("--json", help=_l("Machine-readable output."))] = False,
    png: Png = None,
    svg: Svg = None,
) -> int:
    from cti_cli.commands.fidelity import fidelity as run

    return run(CTX, case, since=since, until=until, worker=worker, day=day, as_json=as_json,
               png=png, svg=svg)


@app.command(help=help_text(  # type: ignore[arg-type]  # lazy: translated per run
    "The anonymous monitoring export: one row per course that overlaps the period, and aggregate "
    "tables. Pseudonyms instead of case ids, months instead of dates, no initials, names, phone "
    "numbers, free text or worker ids; counts of 1-4 are written <5.",
    "cti report --since 2026-01-01 --until 2026-06-30 --csv out/",
    "cti report --since 2026-01-01 --until 2026-12-31 --sqlite cti.sqlite"))
def report(
    since: Annotated[str | None, typer.Option("--since", help=_l("First day of the period "
                                              "(YYYY-MM-DD)."))] = None,
    until: Annotated[str | None, typer.Option("--until", help=_l("Last day of the period."))]
    = None,
    csv_dir: Annotated[Path | None, typer.Option("--csv", help=_l("Write one CSV file per "
                                                 "table into this folder."), file_okay=False)]
    = None,
    as_json: Annotated[bool, typer.Option("--json", help=_l("Print the tables as JSON."))] = False,
    sqlite: Annotated[Path | None, typer.Option("--sqlite", help=_l("Write one SQLite file with "
                                                "a table per CSV and a readme table."),
                                                dir_okay=False)] = None,
    day: Annotated[str | None, typer.Option("--date", help=_l("The day the export is made "
                                            "(YYYY-MM-DD); default today."))] = None,
) -> int:
    from cti_cli.commands.report import report as run

    return run(CTX, since=since, until=until, day=day, csv_dir=csv_dir, as_json=as_json,
               sqlite=sqlite)
