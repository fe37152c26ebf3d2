"""Danish everywhere (issue 12, items 3-4): labels instead of ids, Danish input, dates and
numbers as a Danish team writes them, plural forms.

Runs through the CLI on a copy of examples/ (a Danish team), and through the one label
lookup (core/labels.py) and the formats (core/formats.py) directly.
"""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from conftest import Runner

from cti_cli.core import labels
from cti_cli.core.dueitem import KINDS
from cti_cli.core.errors import UsageError
from cti_cli.core.formats import parse_date, show_date, show_number
from cti_cli.core.method import load_method
from cti_cli.core.model import (
    CLOSE_REASONS,
    CONTACT_KINDS,
    DOC_POINTS,
    TARGET_GROUPS,
    TRANSITION_KINDS,
)
from cti_cli.locale import ngettext, set_date_format, set_language

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
DAY = "2026-11-26"
# ids that must never reach a human screen of a Danish team (issue 12)
RAW_IDS = ("move_in", "ended_early", "homelessness", "substance_use", "crisis_centre",
           "month3", "month6", "phase1", "phase2", "phase3", "no_contact", "phase_end",
           "handover_meeting", "contact_period", "plan_adjusted", "handover_plan")


@pytest.fixture
def danish(tmp_path: Path) -> Path:
    """The example team (Danish) in a folder of its own."""
    root = tmp_path / "team"
    shutil.copytree(EXAMPLES, root)
    return root


# -- one lookup, both languages -----------------------------------------------------------

KNOWN: dict[labels.Kind, tuple[str, ...]] = {
    "phase": ("contact", "phase1", "phase2", "phase3", "closed"),
    "target_group": TARGET_GROUPS,
    "transition": TRANSITION_KINDS,
    "contact_kind": CONTACT_KINDS,
    "close_reason": CLOSE_REASONS,
    "documentation_point": DOC_POINTS,
    "due_kind": KINDS,
}


@pytest.mark.parametrize("kind", sorted(labels.CONTEXTS))
def test_every_id_has_a_label_in_both_languages(kind: labels.Kind) -> None:
    ids = KNOWN.get(kind, labels.ids(kind))
    method = load_method()
    if kind == "checklist":
        ids = tuple(method.gates)
    if kind == "checklist_item":
        ids = tuple(it.id for g in method.gates for it in method.items(g))
    assert set(ids) <= set(labels.ids(kind)), set(ids) - set(labels.ids(kind))
    for lang in ("da", "en"):
        set_language(lang)
        shown = [labels.label(kind, i) for i in ids]
        assert all(shown) and all("_" not in s for s in shown), shown
        # two ids of one kind never share a label: input by label stays unambiguous
        assert len(set(shown)) == len(shown), shown
    set_language("da")
    assert [labels.label(kind, i) for i in ids] != [labels.label(kind, i, "en") for i in ids]


def test_danish_and_english_labels() -> None:
    set_language("da")
    assert labels.label("phase", "phase1") == "fase 1"
    assert labels.label("close_reason", "ended_early") == "afbrudt før tid"
    assert labels.label("documentation_point", "month3") == "3 mdr."
    assert labels.label("target_group", "homelessness") == "hjemløshed"
    assert labels.label("due_kind", "no_contact") == "ingen kontakt"
    assert labels.title("transition", "move_in") == "Indflytning"
    set_language("en")
    assert labels.label("phase", "phase1") == "phase 1"
    assert labels.label("close_reason", "ended_early") == "ended early"
    assert labels.label("documentation_point", "month3") == "3 months"
    # a reminder's message is in the team's language, whatever the run's language is
    assert labels.label("checklist_item", "economy", "da") == "økonomi"
    # an id a team's own method adds has no label: shown readable rather than failing
    assert labels.label("target_group", "young_parents") == "young parents"


# -- input: ids, labels in either language, unambiguous starts ----------------------------

@pytest.mark.parametrize(("kind", "typed", "expected"), [
    ("target_group", "hjemløshed", "homelessness"),
    ("target_group", "HJEMLØS", "homelessness"),
    ("target_group", "homelessness", "homelessness"),
    ("close_reason", "afbrudt", "ended_early"),
    ("close_reason", "Ended early", "ended_early"),
    ("documentation_point", "3mdr", "month3"),
    ("documentation_point", "3 mdr.", "month3"),
    ("documentation_point", "6 months", "month6"),
    ("phase", "Fase 2", "phase2"),
    ("contact_kind", "telefon", "phone"),
    ("transition", "indflytning", "move_in"),
    ("checklist_item", "plan just", "plan_adjusted"),
])
def test_labels_and_starts_are_accepted(kind: labels.Kind, typed: str, expected: str) -> None:
    for lang in ("da", "en"):
        set_language(lang)
        assert labels.resolve(kind, typed, option="--x") == expected


def test_ambiguous_and_unknown_input_is_refused_with_the_forms() -> None:
    set_language("da")
    with pytest.raises(UsageError) as ambiguous:
        labels.resolve("phase", "fase", option="--phase")
    assert "tvetydig" in ambiguous.value.message and "phase1 (fase 1)" in ambiguous.value.message
    assert "contact (kontaktfase)" in str(ambiguous.value.hint)
    with pytest.raises(UsageError) as unknown:
        labels.resolve("close_reason", "flyttede", option="--reason")
    assert "--reason 'flyttede'" in unknown.value.message
    assert "ended_early (afbrudt før tid)" in str(unknown.value.hint)


def test_the_cli_takes_danish_labels(danish: Path, cti: Runner) -> None:
    new = cti("-C", danish, "new", "--initials", "AB", "--worker", "anna", "--group",
              "hjemløshed", "--transition", "indflyt", "--transition-date", "5/1-2026",
              "--date", "2.1.2026")
    assert new.code == 0, new.output
    case_id = new.out.strip()
    text = (danish / "cases" / f"{case_id}.yaml").read_text("utf-8")
    assert "target_group: homelessness" in text and "kind: move_in" in text
    assert "date: 2026-01-05" in text and "start: 2026-01-02" in text
    logged = cti("-C", danish, "log", case_id, "Telefon om budget", "--kind", "Tele",
                 "--date", "03-01-2026")
    assert logged.code == 0, logged.output
    assert "kind: phone" in (danish / "cases" / f"{case_id}.yaml").read_text("utf-8")
    ticked = cti("-C", danish, "tick", case_id, "kontakt skabt", "--date", "2026-01-03")
    assert ticked.code == 0, ticked.output
    assert "contact_made: 2026-01-03" in (danish / "cases" / f"{case_id}.yaml").read_text(
        "utf-8")
    refused = cti("-C", danish, "close", case_id, "--reason", "a")
    assert refused.code == 2 and "tvetydig" in refused.err
    closed = cti("-C", danish, "close", case_id, "--reason", "afbrudt", "--date", "i går")
    assert closed.code == 0, closed.output
    assert "reason: ended_early" in (danish / "cases" / f"{case_id}.yaml").read_text("utf-8")
    helped = cti("-C", danish, "close", "--help")
    assert "ended_early (afbrudt før tid)" in " ".join(helped.out.split())


def test_document_takes_the_point_by_its_danish_label(danish: Path, cti: Runner) -> None:
    result = cti("-C", danish, "document", "2026-012", "6mdr", "--date", "2026-11-20")
    assert result.code == 0, result.output
    assert "month6: 2026-11-20" in (danish / "cases" / "2026-012.yaml").read_text("utf-8")
    unknown = cti("-C", danish, "document", "2026-012", "7mdr")
    assert unknown.code == 2 and "month3 (3 mdr.)" in unknown.err


# -- no raw ids on a Danish team's screens --------------------------------------------------

@pytest.mark.parametrize("args", [
    ("board", "--date", DAY),
    ("due", "--date", DAY, "--within", "60"),
    ("list",),
    ("show", "2026-006"),
    ("show", "2025-031"),
    ("timeline", "2026-012", "--date", DAY),
    ("checklist", "2026-012", "--date", DAY),
])
def test_no_raw_ids_on_danish_screens(danish: Path, cti: Runner, args: tuple[str, ...]) -> None:
    result = cti("-C", danish, *args)
    assert result.code == 0, result.output
    found = [i for i in RAW_IDS if re.search(rf"\b{i}\b", result.out)]
    assert not found, (found, result.out)


def test_json_keeps_the_ids(danish: Path, cti: Runner) -> None:
    out = cti("-C", danish, "due", "--date", DAY, "--within", "60", "--json").out
    assert '"kind": "phase_end"' in out or '"kind": "handover_meeting"' in out
    assert '"target_group": "homelessness"' in cti("-C", danish, "list", "--json").out


# -- dates -----------------------------------------------------------------------------------

TODAY = date(2026, 3, 2)


@pytest.mark.parametrize("typed", ["2026-01-05", "5/1-2026", "05-01-2026", "5.1.2026",
                                   "05.01.2026", " 5/1-2026 "])
def test_danish_date_forms(typed: str) -> None:
    assert parse_date(typed, TODAY) == date(2026, 1, 5)


@pytest.mark.parametrize(("typed", "expected"), [
    ("i dag", TODAY), ("I DAG", TODAY), ("idag", TODAY), ("today", TODAY),
    ("i går", date(2026, 3, 1)), ("yesterday", date(2026, 3, 1)),
])
def test_date_words(typed: str, expected: date) -> None:
    assert parse_date(typed, TODAY) == expected


@pytest.mark.parametrize("typed", ["5/1/26", "1/5", "2026-1-5", "2026-13-01", "31.2.2026",
                                   "5-1.2026", "01/05/2026x", "i forgårs", ""])
def test_ambiguous_or_wrong_dates_are_refused_with_the_forms(typed: str) -> None:
    set_language("da")
    with pytest.raises(UsageError) as refused:
        parse_date(typed, TODAY, "--date")
    assert "5/1-2026" in str(refused.value.hint) and "i går" in str(refused.value.hint)


def test_dates_shown_as_the_team_prefers(danish: Path, cti: Runner) -> None:
    set_language("da")
    assert show_date(date(2026, 1, 5)) == "2026-01-05"
    set_date_format("danish")
    assert show_date(date(2026, 1, 5)) == "5. jan. 2026"
    assert show_date(date(2026, 5, 1)) == "1. maj 2026"
    toml = danish / "cti.toml"
    toml.write_text(toml.read_text("utf-8").replace("[team]\n", '[team]\ndate_format = "danish"\n'),
                    "utf-8")
    board = cti("-C", danish, "board", "--date", DAY)
    assert board.code == 0, board.output
    assert "26. nov. 2026" in board.out and "2026-11-26" not in board.out
    assert "9. dec. 2026" in cti("-C", danish, "show", "2026-006").out
    # JSON keeps ISO
    assert '"today": "2026-11-26"' in cti("-C", danish, "board", "--date", DAY, "--json").out


# -- numbers and plurals -----------------------------------------------------------------------

def test_decimal_comma_in_danish() -> None:
    set_language("da")
    assert (show_number(0.5), show_number(10), show_number(2.25)) == ("0,5", "10", "2,25")
    assert show_number(4, 1, fixed=True) == "4,0"
    set_language("en")
    assert (show_number(0.5), show_number(10), show_number(4, 1, fixed=True)) == (
        "0.5", "10", "4.0")


def test_board_and_due_write_the_same_decimal_comma(danish: Path, cti: Runner) -> None:
    toml = danish / "cti.toml"
    toml.write_text(toml.read_text("utf-8").replace("caseload_per_fte = 10",
                                                    "caseload_per_fte = 1.5"), "utf-8")
    board = cti("-C", danish, "board", "--date", DAY).out
    assert "1,5 pr. årsværk × 0,5 årsværk" in board
    due = cti("-C", danish, "due", "--date", DAY).out
    assert "1,5 pr. årsværk" in " ".join(due.split()) and "1.5" not in due


@pytest.mark.parametrize(("lang", "forms"), [
    ("da", ("0 åbne forløb", "1 åbent forløb", "2 åbne forløb")),
    ("en", ("0 open courses", "1 open course", "2 open courses")),
])
def test_plurals_0_1_2(lang: str, forms: tuple[str, str, str]) -> None:
    set_language(lang)
    got = tuple(ngettext("Board of {team}, {today}: {n} open course",
                         "Board of {team}, {today}: {n} open courses", n)
                .format(team="T", today="d", n=n).split(": ")[1] for n in (0, 1, 2))
    assert got == forms


def test_plurals_on_the_board(danish: Path, cti: Runner) -> None:
    for case_id in ("2026-018", "2026-009", "2026-015"):
        (danish / "cases" / f"{case_id}.yaml").unlink()
    out = cti("-C", danish, "board", "--date", DAY).out
    assert "1 åben sag af 10" in out  # anna: one left
    assert "2 åbne sager af 10" in out  # bo
    assert "0 åbne sager af 5" in out  # sara
    assert "3 åbne forløb" in out
