"""Texts in the team's language: stdlib gettext over the package's own `da`/`en` catalogs.

Every user-visible string is written in English in the code and wrapped:

- `_("…")` translates now (messages built while a command runs);
- `ngettext("1 case", "{n} cases", n)` picks the plural form of the language;
- `_l("…")` is a lazy text that translates when it is used as a string: for texts defined at
  import time (typer's `help=`, module-level tables), so the language chosen for *this* run
  applies even when the module was imported earlier;
- `N_("…")` only marks a string for extraction; translate it later with `_(value)`.

The catalogs are `.po` sources (`cti_cli/locale/<lang>/LC_MESSAGES/cti.po`); they are compiled
lazily by `cti_cli.locale.po` into a per-user cache, so nothing compiled is committed and no
Babel import is ever on the path of a command. See `cti_cli/locale/README.md`.

This is the bottom layer: it imports nothing else of cti.
"""

from __future__ import annotations

import gettext as _gettext
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

LANGUAGES = ("da", "en")
DATE_FORMATS = ("iso", "danish")
DEFAULT_LANGUAGE = "en"
DOMAIN = "cti"
LOCALE_DIR = Path(__file__).resolve().parent

_loaded: dict[str, _gettext.NullTranslations] = {}
_state: dict[str, Any] = {"lang": DEFAULT_LANGUAGE, "tr": _gettext.NullTranslations()}


def catalog_path(lang: str) -> Path:
    """The `.po` source of one language."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _translations(lang: str) -> _gettext.NullTranslations:
    if lang not in _loaded:
        from cti_cli.locale.po import load_translations

        _loaded[lang] = load_translations(catalog_path(lang))
    return _loaded[lang]


def set_language(lang: str) -> None:
    """Switch every later `_`, `ngettext` and lazy text to `lang` (unknown → English)."""
    if lang not in LANGUAGES:
        lang = DEFAULT_LANGUAGE
    if lang != _state["lang"] or lang not in _loaded:
        _state["tr"] = _translations(lang)
        _state["lang"] = lang


def set_date_format(fmt: str) -> None:
    """How later `show_date` calls write a date: `iso` (2026-01-05) or `danish` (5. jan. 2026);
    the team's `[team] date_format`, set when the folder opens."""
    _state["date_format"] = fmt if fmt in DATE_FORMATS else "iso"


def date_format() -> str:
    """The date style of this run (`iso` until a team folder says otherwise)."""
    return str(_state.get("date_format", "iso"))


def language() -> str:
    """The language texts are translated into now (`da` or `en`)."""
    return str(_state["lang"])


def _(message: str) -> str:
    """The message in the current language (the English msgid when it has no translation)."""
    return str(_state["tr"].gettext(message))


def ngettext(singular: str, plural: str, n: int) -> str:
    """The plural form for `n` in the current language; format `{n}` in the result yourself."""
    return str(_state["tr"].ngettext(singular, plural, n))


def pgettext(context: str, message: str) -> str:
    """A message whose English text is ambiguous, told apart by `context`."""
    return str(_state["tr"].pgettext(context, message))


def N_(message: str) -> str:
    """Mark a string for extraction only; translate it where it is shown, with `_(value)`."""
    return message


def NP_(context: str, message: str) -> str:
    """Mark a message with a context for extraction only; translate it with `pgettext`."""
    return message


def pgettext_in(lang: str, context: str, message: str) -> str:
    """`pgettext` in a given language, whatever the current one (to accept input typed in
    either language)."""
    return str(_translations(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
               .pgettext(context, message))


def gettext_in(lang: str, message: str) -> str:
    """`_` in a given language, whatever the current one: texts that go to a team whose
    language is not this run's (reminders mailed by one cron job for several teams)."""
    return str(_translations(lang if lang in LANGUAGES else DEFAULT_LANGUAGE).gettext(message))


class LazyText:
    """A text translated each time it is used as a string (see `_l`).

    typer and click call string methods on help texts (`inspect.cleandoc` → `expandtabs`) when
    the command tree is built for a run; any str method delegates to the translated text.
    """

    __slots__ = ("_message", "_suffix")

    def __init__(self, message: str, suffix: str = "") -> None:
        self._message = message
        self._suffix = suffix

    def __str__(self) -> str:
        return _(self._message) + self._suffix

    def __repr__(self) -> str:
        return f"_l({self._message!r})"

    def __getattr__(self, name: str) -> Any:
        return getattr(str(self), name)

    def __len__(self) -> int:
        return len(str(self))

    def __bool__(self) -> bool:
        return bool(self._message or self._suffix)

    def __eq__(self, other: object) -> bool:
        return str(self) == (str(other) if isinstance(other, LazyText) else other)

    def __hash__(self) -> int:
        return hash(str(self))

    def __add__(self, other: str) -> LazyText:
        return LazyText(self._message, self._suffix + str(other))

    def __radd__(self, other: str) -> str:
        return str(other) + str(self)

    def __mod__(self, other: Any) -> str:
        return str(self) % other

    def __contains__(self, item: str) -> bool:
        return item in str(self)

    def __iter__(self) -> Any:
        return iter(str(self))

    def __getitem__(self, key: Any) -> str:
        return str(self)[key]


def _l(message: str) -> LazyText:
    """A lazily translated text, for strings defined at import time (help texts, tables)."""
    return LazyText(message)


def help_text(message: str, *examples: str) -> LazyText:
    """A command's `--help` text: the translated description, then its examples verbatim.

    Examples are command lines, never translated; click's `\\b` keeps them unwrapped.
    """
    if not examples:
        return LazyText(message)
    return _ExampleHelp(message, examples)


class _ExampleHelp(LazyText):
    __slots__ = ("_examples",)

    def __init__(self, message: str, examples: Sequence[str]) -> None:
        super().__init__(message)
        self._examples = tuple(examples)

    def __str__(self) -> str:
        head = _("Example:") if len(self._examples) == 1 else _("Examples:")
        lines = "\n".join(f"  {e}" for e in self._examples)
        return f"{_(self._message)}\n\n\b\n{head}\n{lines}"


# --- which language -------------------------------------------------------------------------

_LANG_RE = re.compile(r"^\s*language\s*=\s*[\"']([A-Za-z_]+)[\"']", re.M)
_TABLE_RE = re.compile(r"^\s*\[([^\]]*)\]", re.M)


def language_from_env(env: Mapping[str, str]) -> str:
    """Outside a case folder: CTI_LANG, then the POSIX locale (LC_ALL, LC_MESSAGES, LANG)."""
    for var in ("CTI_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            code = value.split(".")[0].split("_")[0].split("-")[0].lower()
            return code if code in LANGUAGES else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def folder_language(root: Path) -> str | None:
    """`[team] language` of a folder's cti.toml, read without tomllib or pydantic (start-up
    must stay cheap); the full reader (`storage.config`) confirms it when the folder opens."""
    try:
        text = (root / "cti.toml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    tables = list(_TABLE_RE.finditer(text))
    for i, table in enumerate(tables):
        if table.group(1).strip() != "team":
            continue
        end = tables[i + 1].start() if i + 1 < len(tables) else len(text)
        m = _LANG_RE.search(text, table.end(), end)
        if m:
            return m.group(1) if m.group(1) in LANGUAGES else None
    return "da"  # the default of [team] language (core.settings.TeamSettings)


def _explicit_dir(argv: Sequence[str]) -> str | None:
    """The value of `-C`/`--dir` among the arguments, if given."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg in ("-C", "--dir"):
            return argv[i + 1] if i + 1 < len(argv) else None
        if arg.startswith("--dir="):
            return arg[len("--dir="):]
        if arg.startswith("-C") and len(arg) > 2 and not arg.startswith("--"):
            return arg[2:]
    return None


def find_folder(argv: Sequence[str], cwd: Path, env: Mapping[str, str]) -> Path | None:
    """The case folder a command will use (as `storage.store.open_folder` finds it), or None."""
    explicit = _explicit_dir(argv) or env.get("CTI_DIR") or None
    if explicit is not None:
        root = Path(explicit)
        root = root if root.is_absolute() else cwd / root
        return root if (root / "cti.toml").is_file() else None
    for candidate in (cwd, *cwd.parents):
        if (candidate / "cti.toml").is_file():
            return candidate
    return None


def choose_language(argv: Sequence[str], cwd: Path | None = None,
                    env: Mapping[str, str] | None = None) -> str:
    """The language of this run: the team's inside a case folder, else the environment's."""
    env = os.environ if env is None else env
    try:
        here = cwd if cwd is not None else Path.cwd()
    except OSError:  # the working folder was removed
        return language_from_env(env)
    folder = find_folder(argv, here, env)
    if folder is not None:
        lang = folder_language(folder)
        if lang is not None:
            return lang
    return language_from_env(env)
