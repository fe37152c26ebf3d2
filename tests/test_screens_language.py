"""Every human screen in the team's language (issue 12, item 6).

The example team is Danish: every command that prints for people runs on a copy of it and
must show no English word from the list of those seen on Danish screens before, and no raw
id. The same folder switched to English must show none of the Danish words. JSON output is
not checked here: it keeps ids on purpose (tests/test_language.py).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import Runner
from tests.test_language import RAW_IDS

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
DAY = "2026-11-26"

# English words that reached Danish screens before issue 12 (issue text and review); whole
# words, so "plan" (the same in both languages) and data in the cases are not caught
ENGLISH = ("Due", "due", "overdue", "item", "items", "item(s)", "case", "cases", "case(s)",
           "course", "courses", "error", "errors", "error(s)", "warning", "warnings", "hint",
           "closed", "Usage", "Options", "Arguments", "Commands", "Show this message",
           "Missing argument", "No such option", "phase", "Phase", "checklist", "Checklist",
           "contact", "Contact", "contacts", "deadline", "deadlines", "worker", "workers",
           "handover", "Handover", "network", "goal", "goals", "nothing", "today", "tomorrow",
           "weeks", "minutes", "days", "open", "since", "caseload", "Team board", "indicator",
           "met", "Not met", "per course", "left out", "fix", "did not find", "while parsing",
           "not allowed", "expected")
# Danish words an English team must never see (the example cases' own notes are Danish, so
# the English run covers the screens that show no free text of the cases)
DANISH = ("forløb", "sag", "sager", "fejl", "advarsel", "advarsler", "tip", "afsluttet",
          "Brug", "Tilvalg", "Kommandoer", "frist", "frister", "opgave", "opgaver", "kontakt",
          "kontakter", "fase", "tjekliste", "overdragelse", "overdragelsesmøde", "netværk",
          "mål", "i morgen", "dage", "uger", "åben", "åbne", "årsværk", "ingen",
          "målgruppe", "hjemløshed", "kontaktfase", "opfyldt")


def _words(words: tuple[str, ...]) -> re.Pattern[str]:
    alts = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alts})(?![\w-])")


EN_RE, DA_RE = _words(ENGLISH), _words(DANISH)
RAW_RE = _words(RAW_IDS)


def _team(tmp_path: Path, lang: str) -> Path:
    root = tmp_path / f"team-{lang}"
    shutil.copytree(EXAMPLES, root)
    toml = root / "cti.toml"
    toml.write_text(toml.read_text("utf-8").replace('language = "da"', f'language = "{lang}"'),
                    "utf-8")
    env = {"GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path), "GIT_AUTHOR_NAME": "T",
           "GIT_AUTHOR_EMAIL": "t@kommune.example", "GIT_COMMITTER_NAME": "T",
           "GIT_COMMITTER_EMAIL": "t@kommune.example"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "start"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                       env=env)
    return root


def _broken(root: Path) -> None:
    """One file with a syntax error and one with a rule finding, for `check`."""
    (root / "cases" / "2026-099.yaml").write_text(
        "id: 2026-099\nworker: anna\nplan: [\n", "utf-8")
    case = root / "cases" / "2026-021.yaml"
    case.write_text(case.read_text("utf-8").replace("worker: bo", "worker: bob", 1), "utf-8")


# human screens that show no free text of the cases (so both languages are checked)
NEUTRAL: list[tuple[str, ...]] = [
    ("--help",),
    ("board", "--date", DAY),
    ("due", "--date", DAY, "--within", "60"),
    ("list",),
    ("list", "--open"),
    ("checklist", "2026-012", "--date", DAY),
    ("check", "--date", DAY),
    ("fidelity", "--date", DAY),
    ("history", "2026-012"),
    ("doctor",),
    ("log", "--help"),
    ("close", "--help"),
    ("due", "--help"),
    ("board", "--help"),
    ("goal", "--help"),
    ("handover", "--help"),
]
# screens that also print the cases' own (Danish) notes: checked in the Danish team only
DANISH_ONLY: list[tuple[str, ...]] = [
    ("show", "2026-006"),
    ("show", "2025-031"),
    ("show", "2026-021"),
    ("timeline", "2026-012", "--date", DAY),
    ("progress", "2025-031"),
]


def _run(cti: Runner, root: Path, args: tuple[str, ...]) -> str:
    if args[0] == "check":
        _broken(root)
    result = cti("-C", root, "--width", "100", *args)
    assert result.code in (0, 1), result.output
    assert "Traceback" not in result.output
    return _words_of_the_screen(result.output, help="--help" in args)


def _words_of_the_screen(text: str, *, help: bool = False) -> str:
    """The text without what is not a word of the screen's language: case ids, paths,
    commands and options the user types (`cti goal add`, `--reason`), cti.toml tables, and
    in --help the listed accepted input forms (ids, and the date words of both languages)."""
    text = re.sub(r"`[^`]*`|\[[\w.]+\]|\S*/\S*|\b20\d\d-\d{3}\b", "", text)
    text = re.sub(r"\bcti(?: [a-z][\w-]*)+", "", text)
    text = re.sub(r"--[\w-]+", "", text)
    if help:
        text = re.sub(r"(?m)^ {2}[a-z][\w-]+(?= {2})", "", text)  # the command list
        text = re.sub(r"\b[a-z]+(?:_[a-z0-9]+)+\b|\b(?:i dag|i går|today|yesterday)\b", "",
                      text)  # accepted forms
    return text


@pytest.mark.parametrize("args", NEUTRAL + DANISH_ONLY, ids=" ".join)
def test_a_danish_team_sees_no_english(tmp_path: Path, cti: Runner,
                                       args: tuple[str, ...]) -> None:
    text = _run(cti, _team(tmp_path, "da"), args)
    english = sorted(set(EN_RE.findall(text)))
    raw = sorted(set(RAW_RE.findall(text)))
    assert not english and not raw, (english, raw, text)


@pytest.mark.parametrize("args", NEUTRAL, ids=" ".join)
def test_an_english_team_sees_no_danish(tmp_path: Path, cti: Runner,
                                        args: tuple[str, ...]) -> None:
    text = _run(cti, _team(tmp_path, "en"), args)
    danish = sorted(set(DA_RE.findall(text)))
    # English labels may equal their ids ("homelessness"): only ids with a _ or digit count
    raw = sorted({i for i in RAW_RE.findall(text) if re.search(r"[_\d]", i)})
    assert not danish and not raw, (danish, raw, text)


def test_close_speaks_the_team_language(tmp_path: Path, cti: Runner) -> None:
    for lang, words in (("da", EN_RE), ("en", DA_RE)):
        root = _team(tmp_path, lang)
        result = cti("-C", root, "close", "2026-021", "--reason", "declined", "--date", DAY,
                     "--no-commit")
        assert result.code == 0, result.output
        found = sorted(set(words.findall(_words_of_the_screen(result.output))))
        assert not found and not RAW_RE.findall(result.output), (lang, found, result.output)


def test_short_help_is_not_cut_at_an_abbreviation(tmp_path: Path, cti: Runner) -> None:
    """click cuts a command's short help at the first ". ": a Danish "pr. " or "fx " would
    leave "Én række pr." in the command list."""
    result = cti("-C", _team(tmp_path, "da"), "--width", "200", "--help")
    listed = result.out.split("Kommandoer:")[1].splitlines()
    cut = [line for line in listed if re.search(r"\b(?:pr|fx|s|bl\.a|mv|osv)\.$", line)]
    assert not cut, cut


def test_danish_date_style_reaches_the_messages_and_history(tmp_path: Path, cti: Runner) -> None:
    """`date_format = "danish"` applies to the dates inside due messages and to history, not
    only to the date columns."""
    root = _team(tmp_path, "da")
    toml = root / "cti.toml"
    toml.write_text(toml.read_text("utf-8").replace('language = "da"',
                                                    'language = "da"\ndate_format = "danish"'),
                    "utf-8")
    due = cti("-C", root, "--width", "200", "due", "--date", DAY, "--within", "60")
    assert due.code == 0, due.output
    assert "8. dec. 2026" in due.out
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", due.out), due.out
    history = cti("-C", root, "--width", "200", "history", "2026-012")
    assert history.code == 0, history.output
    assert re.search(r"\b\d{1,2}\. \w+\.? 20\d\d \d\d:\d\d\b", history.out), history.out
