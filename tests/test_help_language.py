"""`--help` and argument errors in the team's language, click's and typer's own texts included
(issue 12): a Danish team folder shows no English, an English one no Danish."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import Runner

from cti_cli.locale import _, set_language

# English that click, typer and cti showed on Danish screens before issue 12
ENGLISH = ("Usage", "Options", "OPTIONS", "Arguments", "Commands", "COMMAND", "Show this message",
           "Missing argument", "Missing option", "No such option", "No such command",
           "Invalid value", "Try '", "for help", "Error:", "required", "default:", "Example",
           "Install completion", "Show completion", "Case id", "case folder", "citizen",
           " the ", "<str>", "<int>")
# Danish that must not reach an English team
DANISH = ("Brug:", "Tilvalg", "TILVALG", "Argumenter", "Kommandoer", "Vis denne hjælp",
          "Mangler", "Ukendt", "Ugyldig", "Prøv", "Fejl:", "skal angives", "standard",
          "Eksempel", "sag", "borger", " og ", "<tekst>", "<tal>")
# Danish msgstr that may equal the English msgid: names, formats and ids the manual keeps
SAME_IN_DANISH = {"URL", "NOTE", "Organisation, e.g. jobcentret.", "e.g. sagsbehandler, søster."}


def _team(tmp_path: Path, language: str) -> Path:
    """A team folder whose cti.toml asks for `language` (only the language matters to --help)."""
    root = tmp_path / f"team-{language}"
    root.mkdir()
    (root / "cti.toml").write_text(f'[team]\nname = "Team"\nlanguage = "{language}"\n', "utf-8")
    return root


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command of the typer app's tree (hidden ones too), with its path of names."""
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _commands(sub, (*path, name))


def _tree(language: str) -> list[tuple[tuple[str, ...], Any]]:
    import typer

    from cti_cli.cli import commands  # noqa: F401  (registers the commands)
    from cti_cli.cli.app import app

    set_language(language)
    return list(_commands(typer.main.get_command(app)))


def _words(text: str, words: tuple[str, ...]) -> list[str]:
    # the examples of a help page are command lines, quoted verbatim in any language
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("cti "))
    def pattern(w: str) -> str:
        left = r"\b" if w[0].isalnum() else ""
        right = r"\b" if w[-1].isalnum() else ""
        return left + re.escape(w) + right

    return [w for w in words if re.search(pattern(w), text)]


def test_cti_help_in_a_danish_team_is_danish(cti: Runner, tmp_path: Path) -> None:
    team = _team(tmp_path, "da")
    result = cti("--help", cwd=team)
    assert result.code == 0
    assert result.out.startswith("Brug: cti [TILVALG] KOMMANDO [ARGUMENTER]...")
    for heading in ("Tilvalg:", "Kommandoer:", "Vis denne hjælp og afslut."):
        assert heading in result.out
    assert _words(result.out, ENGLISH) == []


def test_cti_help_in_an_english_team_is_english(cti: Runner, tmp_path: Path) -> None:
    result = cti("--help", cwd=_team(tmp_path, "en"))
    assert result.out.startswith("Usage: cti [OPTIONS] COMMAND [ARGS]...")
    assert "Show this message and exit." in result.out
    assert _words(result.out, DANISH) == []


def test_every_commands_help_is_in_the_teams_language(cti: Runner, tmp_path: Path) -> None:
    """Each command's and sub-command's `--help`, as a user asks for it, in both languages."""
    teams = {"da": (_team(tmp_path, "da"), ENGLISH), "en": (_team(tmp_path, "en"), DANISH)}
    paths = [path for path, _cmd in _tree("en") if path]
    assert len(paths) > 40  # the whole tree, not an empty walk
    for lang, (team, foreign) in teams.items():
        for path in paths:
            result = cti(*path, "--help", cwd=team)
            assert result.code == 0, (path, result.output)
            assert _words(result.out, foreign) == [], (lang, path, result.out)


def test_an_argument_error_in_a_danish_team_is_danish(cti: Runner, tmp_path: Path) -> None:
    team = _team(tmp_path, "da")
    missing = cti("show", cwd=team)
    assert missing.code == 2
    assert missing.err == ("Brug: cti show [TILVALG] {SAG}\n"
                           "Prøv 'cti show -h' for at få hjælp.\n\n"
                           "Fejl: Mangler argumentet 'SAG'.\n")
    unknown = cti("log", "2026-001", "x", "--minu", "3", cwd=team)
    assert "Fejl: Ukendt tilvalg: --minu (mente du --kind, --minutes?)" in unknown.err
    bad = cti("due", "--within", "nogle", cwd=team)
    assert "Fejl: Ugyldig værdi for '--within': der skal stå et helt tal" in bad.err
    negative = cti("due", "--within", "-3", cwd=team)
    assert "Fejl: Ugyldig værdi for '--within': værdien skal være mindst 0" in negative.err
    assert "Fejl: Ukendt kommando 'tavle'." in cti("tavle", cwd=team).err
    assert "Fejl: For mange argumenter: b" in cti("show", "a", "b", cwd=team).err
    for result in (missing, unknown, bad, negative):
        assert _words(result.err, ENGLISH) == [], result.err


def test_an_argument_error_in_an_english_team_is_english(cti: Runner, tmp_path: Path) -> None:
    team = _team(tmp_path, "en")
    missing = cti("show", cwd=team)
    assert missing.err == ("Usage: cti show [OPTIONS] {CASE}\n"
                           "Try 'cti show -h' for help.\n\n"
                           "Error: Missing argument 'CASE'.\n")
    bad = cti("due", "--within", "some", cwd=team)
    assert "Error: Invalid value for '--within': a whole number is needed" in bad.err
    assert "Error: No such command 'board2'." in cti("board2", cwd=team).err


def test_a_group_without_its_sub_command_shows_its_help_in_danish(
        cti: Runner, tmp_path: Path) -> None:
    result = cti("goal", cwd=_team(tmp_path, "da"))
    assert "Brug: cti goal [TILVALG] KOMMANDO [ARGUMENTER]..." in result.output
    assert "Kommandoer:" in result.output


def _help_texts(language: str) -> dict[str, str]:
    """Every help text and metavar of the command tree as drawn in `language`, by a key that
    names the command and option. typer turns most help texts into plain strings when it
    builds the tree, so the texts are compared as drawn, not as lazy texts."""
    from cti_cli.cli.language import help_column

    texts = {}
    try:
        for path, command in _tree(language):
            name = " ".join(("cti", *path))
            if path:
                # a help's examples are verbatim command lines: compare the description
                texts[f"{name}: help"] = str(command.help or "").split("\n\n\b\n")[0]
            for param in command.params:
                where = f"{name} {'/'.join(param.opts) or param.name}"
                # as drawn: click's and typer's own option texts are translated then
                texts[f"{where}: help"] = help_column(str(param.help or ""))
                if param.metavar is not None:
                    texts[f"{where}: metavar"] = str(param.metavar)
    finally:
        set_language("en")
    return texts


def _gaps(english: dict[str, str], danish: dict[str, str]) -> list[str]:
    """Keys whose text is empty, or the same in Danish as in English (not translated) unless
    it is one of the words kept as they are."""
    return [f"{key} {english[key]!r}" for key in english
            if not danish.get(key, "").strip()
            or (danish[key] == english[key] and english[key] not in SAME_IN_DANISH)]


def test_every_command_and_option_has_a_danish_help_text() -> None:
    """Walks the typer app's command tree: a command, argument or option without help, or
    whose help is not translated into Danish, fails here with its name."""
    english, danish = _help_texts("en"), _help_texts("da")
    assert len(english) > 200 and english.keys() == danish.keys()
    assert _gaps(english, danish) == []


def test_the_untranslated_check_catches_a_missing_translation() -> None:
    """The walk above fails on a help text with no Danish: gettext then gives the English."""
    from cti_cli.locale import _l

    set_language("da")
    try:
        untranslated = str(_l("A help text no translator has seen."))
        translated = str(_l("Case id or path."))
    finally:
        set_language("en")
    english = {"new": "A help text no translator has seen.", "old": "Case id or path.",
               "none": "Help.", "kept": "URL"}
    danish = {"new": untranslated, "old": translated, "none": " ", "kept": "URL"}
    assert _gaps(english, danish) == ["new 'A help text no translator has seen.'",
                                      "none 'Help.'"]


@pytest.mark.parametrize("text", ["Missing argument 'CASE'.", "No such command 'x'.",
                                  "Got unexpected extra argument(s) (b)"])
def test_click_texts_stay_english_in_english(text: str) -> None:
    from cti_cli.cli.language import click_text

    set_language("en")
    assert click_text(text) == text.replace("Got unexpected extra argument(s) (b)",
                                            "Too many arguments: b")
    assert re.search(r"[æøå]", _("Options")) is None


def test_a_path_error_in_a_danish_team_is_danish(cti: Runner, tmp_path: Path) -> None:
    team = _team(tmp_path, "da")
    folder_given = cti("board", "--html", tmp_path, cwd=team)
    assert folder_given.code == 2
    assert f"Fejl: Ugyldig værdi for '--html': '{tmp_path}' er en mappe, ikke en fil." \
        in folder_given.err
    a_file = team / "cti.toml"
    file_given = cti("report", "--csv", a_file, "--since", "2026-01-01", cwd=team)
    assert f"'{a_file}' er en fil, ikke en mappe." in file_given.err


def test_outside_a_team_folder_cti_lang_chooses(cti: Runner, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CTI_LANG", "da")
    result = cti("--help", cwd=tmp_path)
    assert result.out.startswith("Brug: cti [TILVALG]")
    assert _words(result.out, ENGLISH) == []
