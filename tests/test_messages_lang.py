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


def test_due_and_list_speak_the_team_language(cti: Runner, plain_folder: Path) -> None:
    for n in (1, 2):
        (plain_folder / "cases" / f"2026-00{n}.yaml").write_text(minimal_case(f"2026-00{n}"),
                                                                  "utf-8")
    r = cti("due", "--date", "2026-05-01", cwd=plain_folder)
    assert r.code == 0, r.output
    assert r.out.startswith("Frist senest 2026-05-15 (pr. 2026-05-01): "), r.out
    assert "opgaver" in r.out and "dage for sent" in r.out and "item" not in r.out
    assert "frist" in r.out.splitlines()[3]  # the column headers
    words = " ".join(cti("list", cwd=plain_folder).out.split())
    assert words.startswith("plain: 2 sager sag initialer medarbejder"), words
    (plain_folder / "cases" / "2026-002.yaml").unlink()
    assert cti("list", cwd=plain_folder).out.startswith("plain: 1 sag\n")
    assert cti("due", "--date", "2026-02-11", "--within", "0",
               cwd=plain_folder).out == "intet med frist senest 2026-02-11\n"
    team_language(plain_folder, "en")
    r = cti("due", "--date", "2026-05-01", cwd=plain_folder)
    assert r.out.startswith("Due by 2026-05-15 (as of 2026-05-01): "), r.out
    assert "d overdue" in r.out and "for sent" not in r.out
    assert cti("list", cwd=plain_folder).out.startswith("plain: 1 case\n")


def test_a_reminder_mail_is_written_in_the_teams_language() -> None:
    from datetime import date, timedelta

    from cti_cli.core.dueitem import DueItem
    from cti_cli.locale import language
    from cti_cli.mail.compose import compose

    today = date(2026, 3, 2)

    def item(case: str, days_left: int) -> DueItem:
        return DueItem(case=case, initials="XY", worker="anna", kind="phase_end",
                       due=today + timedelta(days=days_left), days_left=days_left,
                       message="phase1 ends")

    items = [item("2026-001", 1), item("2026-002", -3)]
    da = compose("anna", "Anna", "anna@kommune.example", items, "Team Nord", today,
                 "cti@kommune.example", "da", other_open=1)
    body = da.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert da["Subject"] == "CTI: 2 ting forfalder (2026-03-02)"
    assert "Hej Anna," in body and "i morgen" in body and "3 dage over fristen" in body
    assert "1 anden ting er stadig åben" in body and "Sendt automatisk af cti" in body
    en = compose("anna", "Anna", "anna@kommune.example", items[:1], "Team Nord", today,
                 "cti@kommune.example", "en")
    assert en["Subject"] == "CTI: 1 item due (2026-03-02)"
    assert "tomorrow" in en.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert language() == "en"  # composing in Danish left the run's language alone
