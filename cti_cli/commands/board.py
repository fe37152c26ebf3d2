"""`cti board`: the team's board of open courses, as a table, JSON or CSV for a spreadsheet."""

from __future__ import annotations

import csv
import json
import sys

from cti_cli.commands.context import Ctx, parse_date, progress_bar
from cti_cli.core.errors import UsageError


def board(ctx: Ctx, *, day: str | None, as_json: bool, as_csv: bool) -> int:
    """Load the open cases, build the board and print it in the chosen form."""
    from cti_cli.core.board import CSV_COLUMNS, build_board, csv_records
    from cti_cli.core.method import load_method
    from cti_cli.storage import scan

    if as_json and as_csv:
        raise UsageError("--json and --csv cannot be combined", hint="choose one")
    folder = ctx.folder()
    today = parse_date(day)
    method = load_method(folder.root / "method.yaml")  # a MethodError is a CtiError
    entries = scan.load_all(folder, open_only=True, as_of=today, progress=progress_bar)
    for entry in entries:
        if entry.facts is None:
            print(f"cti board: {folder.rel(entry.path)} cannot be read, so it is not on the "
                  "board: run `cti check`", file=sys.stderr)
    records = [e.facts for e in entries if e.facts is not None]
    config = folder.config
    result = build_board(records, today, config=config, method=method)
    if as_json:
        data = {
            "today": today.isoformat(),
            "caseload_per_fte": config.team.caseload_per_fte,
            "workers": [w.to_json() for w in result.workers],
            "rows": [r.to_json() for r in result.rows],
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
    elif as_csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(csv_records(result))
    else:
        from cti_cli.render.board import print_board

        print_board(result, team=config.team.name, per_fte=config.team.caseload_per_fte,
                    lang=config.team.language)
    return 0
