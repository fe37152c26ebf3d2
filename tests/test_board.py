"""The team's board: pure rows from cases, and `cti board` as table, JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

from conftest import Runner

from cti_cli.core.board import CSV_COLUMNS, Board, build_board, csv_records
from cti_cli.core.method import load_method
from cti_cli.storage import scan, store

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
DAY = "2026-11-26"

# The examples' board as a terminal shows it (NO_COLOR, 100 columns); also in the README.
EXPECTED = """\
Tavle for Team Nord – CTI, 2026-11-26: 6 åbne forløb

anna (Anna Kjærgaard)
2 åbne sager af 10 (10 pr. årsværk × 1 årsværk)
sag       init.  målgruppe   fase    uge    plan    næste frist          kontakt  tjekliste
2026-006  PJ     misbrug     fase 3  12/13  i plan  2026-12-09 faseslut      8 d        3/4
2026-018  JT     hjemløshed  fase 1  5/14   i plan  2027-01-26 faseslut      2 d        3/8

bo (Bo Østergaard)
2 åbne sager af 10 (10 pr. årsværk × 1 årsværk)
sag       init.  målgruppe  fase         uge    plan    næste frist             kontakt  tjekliste
2026-012  SH     ledige     fase 2       12/13  i plan  2026-12-08 faseslut         9 d        1/2
2026-021  EK     psykiatri  kontaktfase  3/9    i plan  2027-01-08                  2 d        2/3
                                                        kontaktfrist

sara (Sara Søndergaard)
2 åbne sager af 5 (10 pr. årsværk × 0,5 årsværk)
sag       init.  målgruppe    fase    uge   plan    næste frist             kontakt  tjekliste
2026-009  NA     krisecenter  fase 3  8/14  i plan  2026-12-06                  9 d        1/4
                                                    overdragelsesmøde
2026-015  SV     efterværn    fase 1  9/13  i plan  2026-11-27 aftale           9 d        4/7
"""


def example_board(**team: object) -> Board:
    folder = store.open_folder(EXAMPLES)
    config = folder.config
    if team:
        config = config.model_copy(update={"team": config.team.model_copy(update=team)})
    cases = [e.facts for e in scan.load_all(folder) if e.facts is not None]
    return build_board(cases, date.fromisoformat(DAY), config=config,
                       method=load_method(EXAMPLES / "method.yaml"))


def test_rows_are_the_open_cases_by_worker_in_cti_toml_order() -> None:
    board = example_board()
    assert [(r.worker, r.case) for r in board.rows] == [
        ("anna", "2026-006"), ("anna", "2026-018"), ("bo", "2026-012"), ("bo", "2026-021"),
        ("sara", "2026-009"), ("sara", "2026-015")]
    assert [(w.worker, w.open_cases, w.capacity, w.over) for w in board.workers] == [
        ("anna", 2, 10, False), ("bo", 2, 10, False), ("sara", 2, 5, False)]
    row = board.rows[0]
    assert (row.phase, row.week, row.planned_weeks, row.deviation_days) == ("phase3", 12, 13, 0)
    assert (row.next_due, row.next_kind) == (date(2026, 12, 9), "phase_end")
    assert (row.checklist_gate, row.checklist_done, row.checklist_total) == ("closure", 3, 4)


def test_caseload_over_the_norm_is_flagged() -> None:
    board = example_board(caseload_per_fte=1.5)
    assert [w.over for w in board.workers] == [True, True, True]
    assert board.workers[2].capacity == 0.75


def test_a_course_behind_its_plan_and_one_ahead(cti: Runner, plain_folder: Path) -> None:
    def run(*args: str) -> None:
        result = cti("-C", plain_folder, *args)
        assert result.code == 0, result.output

    for case_id in ("late", "early"):
        run("new", "--initials", "MK", "--worker", "anna", "--group", "homelessness",
            "--transition-date", "2025-02-03", "--id", case_id, "--date", "2025-01-06")
        run("advance", case_id, "--force", "--reason", "test", "--date", "2025-02-03")
    run("advance", "early", "--force", "--reason", "test", "--date", "2025-03-03")
    folder = store.open_folder(plain_folder)
    cases = [e.facts for e in scan.load_all(folder) if e.facts is not None]
    board = build_board(cases, date(2025, 5, 13), config=folder.config,
                        method=load_method(plain_folder / "method.yaml"))
    rows = {r.case: r for r in board.rows}
    assert (rows["late"].phase, rows["late"].planned_phase) == ("phase1", "phase2")
    assert rows["late"].deviation_days == 10  # phase 1 was planned to end 2025-05-03
    assert rows["early"].deviation_days == 0  # now in phase 2, as planned
    assert rows["late"].days_since_contact is None
    assert [(r["case"], r["deviation_days"]) for r in csv_records(board)] == [
        ("early", "0"), ("late", "10")]
    result = cti("-C", plain_folder, "board", "--date", "2025-04-01")
    assert "early" in result.out and "d foran" in result.out


def test_board_in_a_terminal_is_golden_and_fits_100_columns(cti: Runner) -> None:
    result = cti("-C", EXAMPLES, "board", "--date", DAY)
    assert (result.code, result.err) == (0, "")
    assert result.out == EXPECTED
    assert max(len(line) for line in result.out.splitlines()) <= 100


def test_board_csv_for_the_spreadsheet(cti: Runner) -> None:
    result = cti("-C", EXAMPLES, "board", "--date", DAY, "--csv")
    assert result.code == 0
    records = list(csv.DictReader(io.StringIO(result.out)))
    assert tuple(records[0]) == CSV_COLUMNS
    assert [r["case"] for r in records] == ["2026-006", "2026-018", "2026-012", "2026-021",
                                            "2026-009", "2026-015"]
    assert records[3]["phase"] == "contact" and records[3]["days_since_contact"] == "2"


def test_board_json(cti: Runner) -> None:
    data = json.loads(cti("-C", EXAMPLES, "board", "--date", DAY, "--json").out)
    assert data["today"] == DAY
    assert data["workers"][2] == {"worker": "sara", "name": "Sara Søndergaard", "fte": 0.5,
                                  "open_cases": 2, "capacity": 5.0, "over": False}
    assert data["rows"][0]["next_due"] == "2026-12-09"


def test_board_options_and_english(cti: Runner, plain_folder: Path) -> None:
    assert cti("-C", EXAMPLES, "board", "--json", "--csv").code == 2
    toml = plain_folder / "cti.toml"
    toml.write_text(toml.read_text("utf-8").replace('language = "da"', 'language = "en"'))
    result = cti("-C", plain_folder, "board", "--date", DAY)
    assert result.out.startswith("Board of plain, 2026-11-26: 0 open courses")
    assert "anna (Anna Jensen)\n0 open cases of 10 (10 per FTE × 1 FTE)" in result.out
    assert "bo (Bo Larsen)\n0 open cases of 5 (10 per FTE × 0.5 FTE)" in result.out
