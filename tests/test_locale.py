"""The catalogs and the choice of language (issue 12)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from cti_cli.locale import (
    LazyText,
    _,
    _l,
    choose_language,
    help_text,
    language,
    language_from_env,
    ngettext,
    set_language,
)
from cti_cli.locale.catalogs import extract, problems
from cti_cli.locale.po import load_translations


@pytest.fixture(autouse=True)
def _english_after() -> object:
    yield
    set_language("en")


@pytest.fixture(scope="module")
def template() -> Catalog:
    return extract()  # ~1 s: once


def test_every_message_has_a_danish_and_an_english_translation(template: Catalog) -> None:
    """Fails when a string is wrapped in _() (etc.) but a catalog lacks it, has it empty or
    fuzzy, or keeps an entry the code no longer has: run
    `python -m cti_cli.locale.catalogs update`, then translate (see cti_cli/locale/README.md)."""
    assert problems(template=template) == []


def test_a_new_message_without_translation_is_reported(template: Catalog) -> None:
    template.add("A brand-new message", locations=[("commands/new.py", 7)])
    found = problems(template=template)
    template.delete("A brand-new message")
    assert any("da/LC_MESSAGES/cti.po: no entry for 'A brand-new message' from "
               "cti_cli/commands/new.py:7" in p for p in found), found
    assert any("en/LC_MESSAGES/cti.po: no entry for 'A brand-new message'" in p for p in found)


def test_empty_fuzzy_and_wrong_field_translations_are_reported() -> None:
    template = Catalog()
    template.add("Case {case_id}", locations=[("x.py", 1)])
    template.add("Closed", locations=[("x.py", 2)])
    template.add("Open", locations=[("x.py", 3)])
    po = (b'msgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\n"\n\n'
          b'msgid "Case {case_id}"\nmsgstr "Sag {sag}"\n\n'
          b'#, fuzzy\nmsgid "Closed"\nmsgstr "Lukket"\n\n'
          b'msgid "Open"\nmsgstr ""\n')
    found = problems(["da"], template=template, sources={"da": po})
    assert any("'Case {case_id}' uses unknown fields ['sag']" in p for p in found)
    assert any("fuzzy translation of 'Closed'" in p for p in found)
    assert any("no translation of 'Open'" in p for p in found)
    assert len(found) == 3


def test_a_catalog_compiles_with_plurals_context_fuzzy_and_continuations(tmp_path: Path) -> None:
    po = tmp_path / "da" / "LC_MESSAGES" / "cti.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgid "{n} open course"\nmsgid_plural "{n} open courses"\n'
        'msgstr[0] "{n} åbent forløb"\nmsgstr[1] "{n} åbne forløb"\n\n'
        'msgctxt "phase"\nmsgid "Contact"\nmsgstr "Kontaktfase"\n\n'
        '#, fuzzy\nmsgid "Due"\nmsgstr "Forfalden"\n\n'
        'msgid ""\n"Long "\n"text"\nmsgstr "Lang "\n"tekst \\"citeret\\""\n',
        encoding="utf-8")
    tr = load_translations(po)
    assert tr.ngettext("{n} open course", "{n} open courses", 1) == "{n} åbent forløb"
    assert tr.ngettext("{n} open course", "{n} open courses", 0) == "{n} åbne forløb"
    assert tr.ngettext("{n} open course", "{n} open courses", 2) == "{n} åbne forløb"
    assert tr.pgettext("phase", "Contact") == "Kontaktfase"
    assert tr.gettext("Contact") == "Contact"
    assert tr.gettext("Due") == "Due"  # fuzzy: not used
    assert tr.gettext("Long text") == 'Lang tekst "citeret"'
    # compiled once into the cache; the next load reads the .mo from there
    cached = list((Path.home() / ".cache" / "cti" / "locale").glob("da-*.mo"))
    assert len(cached) == 1
    assert load_translations(po).gettext("Long text") == 'Lang tekst "citeret"'


def test_translations_switch_with_the_language() -> None:
    set_language("da")
    assert language() == "da"
    assert _("Example:") == "Eksempel:"
    lazy = _l("Example:")
    assert str(lazy) == "Eksempel:"
    set_language("en")
    assert str(lazy) == "Example:"  # lazy: translated when used
    assert isinstance(help_text("Do it.", "cti x"), LazyText)
    set_language("xx")
    assert language() == "en"
    assert ngettext("{n} case", "{n} cases", 1) == "{n} case"


def test_help_text_keeps_examples_unwrapped_and_translates_the_heading() -> None:
    set_language("da")
    text = str(help_text("Some help.", "cti due --within 7"))
    assert text.endswith("\b\nEksempel:\n  cti due --within 7")


@pytest.mark.parametrize(("env", "expected"), [
    ({}, "en"),
    ({"LANG": "da_DK.UTF-8"}, "da"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LC_MESSAGES": "da_DK.UTF-8", "LANG": "en_GB.UTF-8"}, "da"),
    ({"CTI_LANG": "en", "LANG": "da_DK.UTF-8"}, "en"),
    ({"CTI_LANG": "da", "LC_ALL": "C"}, "da"),
    ({"LANG": "de_DE.UTF-8"}, "en"),
])
def test_language_outside_a_folder_comes_from_the_environment(env: dict[str, str],
                                                               expected: str) -> None:
    assert language_from_env(env) == expected


def test_language_inside_a_folder_is_the_teams(tmp_path: Path) -> None:
    en_team = tmp_path / "en-team"
    (en_team / "cases" / "deep").mkdir(parents=True)
    (en_team / "cti.toml").write_text('[team]\nname = "x"\nlanguage = "en"\n', encoding="utf-8")
    da_team = tmp_path / "da-team"
    da_team.mkdir()
    (da_team / "cti.toml").write_text('[team]\nname = "x"\n\n[reminders]\nlanguage = "en"\n',
                                      encoding="utf-8")
    env = {"LANG": "da_DK.UTF-8"}
    assert choose_language([], en_team / "cases" / "deep", env) == "en"  # found upwards
    assert choose_language([], da_team, {"LANG": "C"}) == "da"  # the default of [team]
    assert choose_language(["-C", str(da_team), "list"], en_team, env) == "da"
    assert choose_language([f"--dir={en_team}", "list"], da_team, env) == "en"
    assert choose_language(["list"], tmp_path, {"CTI_DIR": str(en_team), "LANG": "da"}) == "en"
    assert choose_language(["list"], tmp_path, env) == "da"  # no folder: the environment
