"""`cti board`: the team's board of open courses, as a table, JSON, CSV for a spreadsheet, or
a self-contained HTML page for the meeting-room screen."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from cti_cli.commands.context import Ctx, parse_date, progress_bar
from cti_cli.core.errors import CtiError, UsageError
from cti_cli.core.safetext import json_text, shown
from cti_cli.locale import _

if TYPE_CHECKING:
    from cti_cli.core.board import Board
    from cti_cli.core.facts import CaseFacts
    from cti_cli.core.settings import TeamConfig


def board(ctx: Ctx, *, day: str | None, as_json: bool, as_csv: bool,
          html: Path | None = None) -> int:
    """Load the open cases, build the board and print it in the chosen form."""
    from cti_cli.core.board import CSV_COLUMNS, build_board, csv_records
    from cti_cli.core.method import load_method
    from cti_cli.storage import scan

    if sum((as_json, as_csv, html is not None)) > 1:
        raise UsageError(_("--json, --csv and --html cannot be combined"),
                         hint=_("choose one"))
    if html is not None and html.is_dir():
        raise UsageError(_("--html {path}: is a folder").format(path=html),
                         hint=_("name a file, e.g. {example}").format(example="tavle.html"))
    folder = ctx.folder()
    today = parse_date(day)
    method = load_method(folder.root / "method.yaml")  # a MethodError is a CtiError
    entries = scan.load_all(folder, open_only=True, as_of=today, progress=progress_bar)
    for entry in entries:
        if entry.facts is None:
            print(shown("cti board: " + _("{path} cannot be read, so it is not on the board: "
                                          "run `cti check`").format(path=folder.rel(entry.path))),
                  file=sys.stderr)
    records = [e.facts for e in entries if e.facts is not None]
    config = folder.config
    result = build_board(records, today, config=config, method=method)
    if html is not None:
        _write_html(html, result, records, config)
    elif as_json:
        data = {
            "today": today.isoformat(),
            "caseload_per_fte": config.team.caseload_per_fte,
            "workers": [w.to_json() for w in result.workers],
            "rows": [r.to_json() for r in result.rows],
        }
        print(json_text(data))
    elif as_csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(csv_records(result))
    else:
        from cti_cli.render.board import print_board

        print_board(result, team=config.team.name, per_fte=config.team.caseload_per_fte)
    return 0


def _write_html(path: Path, result: Board, records: list[CaseFacts],
                config: TeamConfig) -> None:
    """The page, written atomically (0600 when new: it names cases, if only by id)."""
    from cti_cli import __version__
    from cti_cli.core.bars import axis_for, course_bars
    from cti_cli.render.html import render_board_html
    from cti_cli.storage import atomic

    shown = {r.case for r in result.rows}
    bars = {c.id: course_bars(c, result.today, config) for c in records if c.id in shown}
    page = render_board_html(result, bars, axis_for(bars.values(), result.today),
                             team=config.team.name, lang=config.team.language,
                             version=__version__)
    try:
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o600
        atomic.replace(path, page.encode("utf-8"), mode=mode)
    except OSError as exc:
        raise CtiError(_("cannot write {path}: {reason}").format(
            path=path, reason=exc.strerror),
            hint=_("check that the folder exists and is writable")) from None
