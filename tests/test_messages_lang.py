"""Messages speak the team's language (issue 12): check findings and hints, storage errors,
and the plural forms of counts; a Danish folder gets Danish words, an English one English."""

from __future__ import annotations

from pathlib import Path

from casefiles import minimal_case, team_language
from conftest import Runner

DAY = "2026-04-20"


def _broken_folder(root: Path) -> None:
    """One unknown key (E101) and one method warning (W303, no contact in the first month)."""
    cases = root / "cases"
    (cases / "2026-001.yaml").write_text(minimal_case("2026-001") + "nme: x\n", "utf-8")
    (cases / "2026-002.yaml").write_text(minimal_case("2026-002"), "utf-8")


def test_check_in_a_danish_folder_is_danish(cti: Runner, plain_folder: Path) -> None:
    _broken_folder(plain_folder)
    r = cti("check", "--date", DAY, cwd=plain_folder)
    assert r.code == 1
    assert "cases/2026-001.yaml:10:1: E101 ukendt nøgle 'nme'" in r.out, r.out
    assert "cases/2026-002.yaml:9:10: W303 advarsel: ingen kontakt registreret i den første " \
        "måned (2026-02-10 til 2026-03-10)" in r.out, r.out
    assert "  tip: registrér kontakter med `cti log SAG NOTE --date D`" in r.out
    assert r.err == "1 fejl, 1 advarsel\n"
    for english in ("unknown key", "warning:", "hint:", "no contact", "error"):
        assert english not in r.output, english


def test_check_in_an_english_folder_is_english(cti: Runner, plain_folder: Path) -> None:
    _broken_folder(plain_folder)
    team_language(plain_folder, "en")
    r = cti("check", "--date", DAY, cwd=plain_folder)
    assert "cases/2026-001.yaml:10:1: E101 unknown key 'nme'" in r.out, r.out
    assert "W303 warning: no contact logged in the first month" in r.out
    assert "  hint: log contacts with `cti log CASE NOTE --date D`" in r.out
    assert r.err == "1 error, 1 warning\n"
    for danish in ("ukendt", "advarsel", "tip:", "kontakt", "fejl"):
        assert danish not in r.output, danish


def test_counts_take_the_plural_form(cti: Runner, plain_folder: Path) -> None:
    cases = plain_folder / "cases"
    for n in (1, 2, 3):
        (cases / f"2026-00{n}.yaml").write_text(minimal_case(f"2026-00{n}"), "utf-8")
    r = cti("check", "--date", DAY, cwd=plain_folder)
    assert r.err == "0 fejl, 3 advarsler\n"
    team_language(plain_folder, "en")
    assert cti("check", "--date", DAY, cwd=plain_folder).err == "0 errors, 3 warnings\n"


def test_a_yaml_syntax_error_in_a_danish_folder_is_danish_at_file_line_column(
        cti: Runner, plain_folder: Path) -> None:
    path = plain_folder / "cases" / "2026-003.yaml"
    path.write_text(minimal_case("2026-003") + "goals:\n  - id: g1\n   text: bad indent\n",
                    "utf-8")
    r = cti("check", "--date", DAY, cwd=plain_folder)
    first, hint = r.out.splitlines()[:2]
    assert first.startswith("cases/2026-003.yaml:12:"), first
    assert " E001 YAML-syntaksfejl: " in first
    assert hint == "  tip: punkterne i en liste skal stå præcis under hinanden", hint
    # a command that reads the file says the same, with the file, line and column
    r = cti("show", "2026-003", cwd=plain_folder)
    assert r.code == 1
    assert "cases/2026-003.yaml:12:" in r.err and "YAML-syntaksfejl" in r.err, r.err
    assert "\n  tip: " in r.err


def test_storage_errors_speak_the_team_language(cti: Runner, plain_folder: Path) -> None:
    r = cti("show", "2026-404", cwd=plain_folder)
    assert r.code == 1
    assert "ingen sag '2026-404' i cases" in r.err and "tip: se sagerne med `cti list`" in r.err
    team_language(plain_folder, "en")
    r = cti("show", "2026-404", cwd=plain_folder)
    assert "no case '2026-404' in cases" in r.err and "hint: see `cti list`" in r.err


def test_a_file_with_many_problems_counts_the_rest_in_words(cti: Runner,
                                                            plain_folder: Path) -> None:
    path = plain_folder / "cases" / "2026-001.yaml"
    path.write_text(minimal_case("2026-001") + "nme: x\nfoo: y\n", "utf-8")
    r = cti("show", "2026-001", cwd=plain_folder)
    assert "(og 1 problem mere: kør `cti check" in r.err, r.err
    path.write_text(minimal_case("2026-001") + "nme: x\nfoo: y\nbar: z\n", "utf-8")
    assert "(og 2 problemer mere: kør `cti check" in cti("show", "2026-001",
                                                          cwd=plain_folder).err


def test_doctor_purge_and_close_speak_the_team_language(cti: Runner, plain_folder: Path) -> None:
    case = plain_folder / "cases" / "2026-001.yaml"
    case.write_text(minimal_case("2026-001"), "utf-8")
    case.chmod(0o644)
    r = cti("doctor", cwd=plain_folder)
    assert "D102 cases/2026-001.yaml har rettighederne 0644: andre brugere kan læse den\n" \
        "  løsning: chmod 600 cases/2026-001.yaml" in r.out, r.out
    case.chmod(0o600)
    assert cti("doctor", cwd=plain_folder).out == "ingen problemer fundet\n"
    r = cti("close", "2026-001", "--reason", "ended_early", "--date", "2026-03-02",
            cwd=plain_folder)
    assert r.code == 0, r.output
    assert r.out.startswith("2026-001: afsluttet 2026-03-02"), r.out
    r = cti("purge", "--closed-before", "2026-03-01", cwd=plain_folder)
    assert r.out == "ingen afsluttet sag afsluttet før 2026-03-01\n"
    r = cti("purge", "--closed-before", "2026-04-01", "--dry-run", cwd=plain_folder)
    # the title wraps to the table's width: compare the words
    assert " ".join(r.out.split()).startswith("1 afsluttet sag afsluttet før 2026-04-01"), r.out
    team_language(plain_folder, "en")
    assert cti("doctor", cwd=plain_folder).out == "no problems found\n"
    r = cti("purge", "--closed-before", "2026-04-01", "--dry-run", cwd=plain_folder)
    assert " ".join(r.out.split()).startswith("1 closed case closed before 2026-04-01"), r.out
