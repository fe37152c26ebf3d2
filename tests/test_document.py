"""`cti document`: forms asked on a terminal (a real pseudo-terminal), read from a file, and
refused with the place of a wrong answer."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from cti_cli.core.method import load_method


def _case(cti: Any, root: Path) -> None:
    r = cti("-C", root, "new", "--initials", "AB", "--worker", "anna", "--group",
            "psychiatric", "--transition-date", "2025-03-03", "--id", "c1", "--date",
            "2025-01-06")
    assert r.code == 0, r.output
    for text, domain in (("Blive boende", "housing"), ("Styr på økonomien", "economy")):
        r = cti("-C", root, "goal", "add", "c1", text, "--domain", domain, "--date",
                "2025-02-01")
        assert r.code == 0, r.output


def _data(root: Path) -> dict[str, Any]:
    return yaml.safe_load((root / "cases" / "c1.yaml").read_text("utf-8"))


def _on_terminal(root: Path, args: list[str], answers: list[str]) -> tuple[int, str]:
    """Run cti in a pseudo-terminal, type one answer after each prompt, return the screen."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "cti_cli", "-C", str(root), *args],
                            stdin=slave, stdout=slave, stderr=slave, close_fds=True,
                            env={**os.environ, "COLUMNS": "100"})
    os.close(slave)
    screen = b""
    todo = list(answers)
    deadline = time.monotonic() + 180  # a loaded CI machine starts Python slowly
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            screen += chunk
            if todo and screen.rstrip().endswith(b">"):
                os.write(master, (todo.pop(0) + "\n").encode())
        elif proc.poll() is not None:
            break
    proc.wait(timeout=60)
    os.close(master)
    return proc.returncode, screen.decode("utf-8", "replace").replace("\r\n", "\n")


def test_the_form_is_asked_on_a_terminal_with_the_last_answers_as_defaults(
        cti: Any, plain_folder: Path) -> None:
    _case(cti, plain_folder)
    form = load_method().form("status/1")
    domains = load_method().domains_for("psychiatric")
    # 7 domains (the first answered 7, refused, then 2), 2 goals, own view, 5 fidelity items
    answers = ["7", "2", "3", "", "4", "2", "3", "1", "5", "6", "Det går", "ja", "nej",
               "delvist", "yes", "y"]
    code, screen = _on_terminal(plain_folder, ["document", "c1", "start", "--date",
                                               "2025-03-03"], answers)
    assert code == 0, screen
    assert "svar med 1-5" in screen  # the 7 is refused in the team's language
    assert form.domains.anchors[0].da in screen  # the anchoring texts are shown
    doc = _data(plain_folder)["documentation"]["start"]
    assert doc["date"] == date(2025, 3, 3) and doc["form"] == "status/1"
    assert list(doc["domains"]) == [d for d in domains if d != "physical_health"]
    assert doc["domains"]["housing"] == 2 and doc["domains"]["mental_health"] == 3
    assert doc["goals"] == {"g1": 5, "g2": 6}
    assert doc["own_view"] == "Det går"
    assert doc["fidelity"] == {"own_wishes": "yes", "citizen_defines": "no",
                               "plan_together": "partly", "nothing_imposed": "yes",
                               "coordinated": "yes"}
    # month3: every default is the start's answer, so Enter keeps it; '-' clears one
    code, screen = _on_terminal(plain_folder, ["document", "c1", "month3", "--date",
                                               "2025-06-03"], ["4", *[""] * 8, "-", "",
                                                               "", "", "", ""])
    assert code == 0, screen
    assert "[2] >" in screen  # the last answer is shown as the default
    month3 = _data(plain_folder)["documentation"]["month3"]
    assert month3["domains"]["housing"] == 4 and month3["domains"]["economy"] == 4
    assert month3["goals"] == {"g1": 5, "g2": 6} and "own_view" not in month3
    assert cti("-C", plain_folder, "check", "--date", "2025-06-03").code == 0


def test_answers_from_a_file_are_stored_and_never_asked(cti: Any, plain_folder: Path) -> None:
    _case(cti, plain_folder)
    answers = plain_folder.parent / "answers.yaml"
    answers.write_text("domains:\n  housing: 3\n  network: 2\ngoals: {g1: 6}\n"
                       "own_view: Jeg vil blive boende.\nfidelity: {own_wishes: partly}\n")
    r = cti("-C", plain_folder, "document", "c1", "month3", "--form", answers, "--date",
            "2025-06-03")
    assert r.code == 0 and r.out == "", r.output
    doc = _data(plain_folder)["documentation"]["month3"]
    assert doc == {"date": date(2025, 6, 3), "form": "status/1",
                   "domains": {"housing": 3, "network": 2}, "goals": {"g1": 6},
                   "own_view": "Jeg vil blive boende.", "fidelity": {"own_wishes": "partly"}}
    # read back by the tool: shown as data, no warning about a missing form
    assert "W308" not in cti("-C", plain_folder, "check", "--date", "2025-06-03").out


def test_a_wrong_answer_is_an_error_at_its_line_and_column(cti: Any,
                                                          plain_folder: Path) -> None:
    _case(cti, plain_folder)
    before = (plain_folder / "cases" / "c1.yaml").read_text("utf-8")
    bad = plain_folder.parent / "bad.yaml"
    bad.write_text("domains:\n  housing: 3\n  economy: 7\n")
    r = cti("-C", plain_folder, "document", "c1", "month3", "--form", bad)
    assert r.code == 1
    assert "bad.yaml:3:12:" in r.err and "domains.economy" in r.err and "5" in r.err
    bad.write_text("goals: {g1: 4, g9: 2}\nfidelity:\n  own_wishes: maybe\n")
    r = cti("-C", plain_folder, "document", "c1", "month3", "--form", bad)
    assert r.code == 1 and "bad.yaml:3:15:" in r.err, r.err
    bad.write_text("goals: {g1: 4, g9: 2}\n")
    r = cti("-C", plain_folder, "document", "c1", "month3", "--form", bad)
    assert r.code == 1 and "bad.yaml:1:20: goal 'g9' is not a goal of case c1" in r.err
    bad.write_text("domains: {substance_use: 2}\n")  # not a domain of the psychiatric group
    r = cti("-C", plain_folder, "document", "c1", "month3", "--form", bad)
    assert r.code == 1 and "bad.yaml:1:26:" in r.err and "substance_use" in r.err
    bad.write_text("domain: {housing: 2}\n")
    r = cti("-C", plain_folder, "document", "c1", "month3", "--form", bad)
    assert r.code == 1 and "ukendt nøgle 'domain'" in r.err and "domains" in r.err
    assert (plain_folder / "cases" / "c1.yaml").read_text("utf-8") == before


def test_a_bare_date_stays_valid_and_check_warns(cti: Any, plain_folder: Path) -> None:
    _case(cti, plain_folder)
    assert cti("-C", plain_folder, "document", "c1", "start", "--date", "2025-03-03").code == 0
    assert _data(plain_folder)["documentation"] == {"start": date(2025, 3, 3)}
    r = cti("-C", plain_folder, "check", "--date", "2025-03-04")
    assert r.code == 0 and "W308" in r.out and "cti document c1 start" in r.out
    # the answers added later keep the point's date
    answers = plain_folder.parent / "a.yaml"
    answers.write_text("domains: {housing: 2}\n")
    assert cti("-C", plain_folder, "document", "c1", "start", "--form", answers).code == 0
    assert _data(plain_folder)["documentation"]["start"]["date"] == date(2025, 3, 3)
    assert "W308" not in cti("-C", plain_folder, "check", "--date", "2025-03-04").out


def test_check_reports_answers_that_do_not_fit(cti: Any, plain_folder: Path) -> None:
    _case(cti, plain_folder)
    path = plain_folder / "cases" / "c1.yaml"
    path.write_text(path.read_text("utf-8") + "documentation:\n  start:\n    date: 2025-03-03\n"
                    "    form: status/1\n    domains: {housing: 7}\n", "utf-8")
    r = cti("-C", plain_folder, "check", "--date", "2025-03-04")
    assert r.code == 1 and "domains.housing" in r.out
    text = path.read_text("utf-8").replace("{housing: 7}", "{housing: 2}\n    fidelity: "
                                           "{own_wish: yes}")
    path.write_text(text, "utf-8")
    r = cti("-C", plain_folder, "check", "--date", "2025-03-04")
    assert "W309" in r.out and "mente du 'own_wishes'" in r.out, r.out


def test_the_shipped_form_never_changes_meaning() -> None:
    """status/1 is answered in case files: its questions and scale are fixed. A change
    belongs in status/2."""
    form = load_method().form("status/1")
    assert [a.value for a in form.domains.anchors] == [1, 2, 3, 4, 5]
    assert (form.goals.min, form.goals.max) == (0, 10)
    assert [i.id for i in form.fidelity] == ["own_wishes", "citizen_defines", "plan_together",
                                             "nothing_imposed", "coordinated"]


def test_a_team_adds_fidelity_items_in_its_override(cti: Any, plain_folder: Path) -> None:
    _case(cti, plain_folder)
    (plain_folder / "method.yaml").write_text(
        "forms:\n  - id: status/1\n    fidelity:\n      - id: home_visits\n"
        "        da: Holdes møderne hjemme hos borgeren?\n        en: Home meetings?\n"
        "        source: team (p.10)\n", "utf-8")
    answers = plain_folder.parent / "a.yaml"
    answers.write_text("fidelity: {home_visits: yes, own_wishes: yes}\n")
    r = cti("-C", plain_folder, "document", "c1", "start", "--form", answers, "--date",
            "2025-03-03")
    assert r.code == 0, r.output
    assert _data(plain_folder)["documentation"]["start"]["fidelity"] == {
        "own_wishes": "yes", "home_visits": "yes"}
