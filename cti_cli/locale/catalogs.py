"""The catalog workflow for developers (Babel; at run time cti only compiles, in locale/po.py).

    python -m cti_cli.locale.catalogs update   # extract every string, merge into da/en .po
    python -m cti_cli.locale.catalogs todo     # list Danish messages still to translate
    python -m cti_cli.locale.catalogs check    # what tests/test_locale.py checks; exit 1 on gaps

The `.po` files are written sorted by msgid, without source locations, unwrapped and with a
fixed header, so two people who add messages in parallel touch different lines.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from cti_cli.locale import DOMAIN, LANGUAGES, LOCALE_DIR, catalog_path

PACKAGE_DIR = LOCALE_DIR.parent
# the functions of cti_cli.locale that mark a message, as pybabel's `-k` would name them
KEYWORDS: dict[str, Any] = {
    "_": None,
    "_l": None,
    "N_": None,
    "NP_": ((1, "c"), 2),
    "help_text": (1,),
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
}
_FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)  # a stable header merges cleanly
_FIELD_RE = re.compile(r"\{([^{}]*)\}")


def extract() -> Catalog:
    """Every marked string of the package (what `pybabel extract -k … cti_cli` finds)."""
    template = Catalog(project="cti", domain=DOMAIN, creation_date=_FIXED_DATE,
                       revision_date=_FIXED_DATE, fuzzy=False)
    found = extract_from_dir(str(PACKAGE_DIR), method_map=[("**.py", "python")],
                             keywords=KEYWORDS, comment_tags=("TRANSLATORS:",),
                             strip_comment_tags=True)
    for filename, lineno, message, comments, context in found:
        template.add(message, None, [(filename, lineno)], auto_comments=comments,
                     context=context)
    return template


def _read(lang: str) -> Catalog:
    path = catalog_path(lang)
    if not path.exists():
        return Catalog(locale=lang, domain=DOMAIN, project="cti", fuzzy=False,
                       creation_date=_FIXED_DATE, revision_date=_FIXED_DATE)
    with path.open("rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def _write(lang: str, catalog: Catalog) -> None:
    catalog.creation_date = _FIXED_DATE
    catalog.revision_date = _FIXED_DATE
    catalog.fuzzy = False
    catalog.project = "cti"
    catalog.version = ""
    catalog.last_translator = "cti team"
    catalog.language_team = f"{lang} <cti>"
    catalog.header_comment = (f"# cti messages in {'Danish' if lang == 'da' else 'English'}. "
                              "Fill in msgstr; after adding strings to the code run\n"
                              "# `python -m cti_cli.locale.catalogs update` "
                              "(see cti_cli/locale/README.md).")
    buf = io.BytesIO()
    write_po(buf, catalog, width=0, no_location=True, sort_output=True,
             ignore_obsolete=True, include_previous=False)
    # Babel's version in the header would make every update by another machine a conflict
    text = b"".join(line for line in buf.getvalue().splitlines(keepends=True)
                    if not line.startswith(b'"Generated-By:'))
    path = catalog_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text)


def _singular(msg: Message) -> str:
    return msg.id[0] if isinstance(msg.id, tuple | list) else msg.id


def update(langs: Iterable[str] = LANGUAGES) -> None:
    """Merge the extracted strings into each catalog: new ones added (English filled in from
    the msgid, Danish left empty for a translator), vanished ones dropped, never fuzzy."""
    template = extract()
    for lang in langs:
        catalog = _read(lang)
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        catalog.obsolete.clear()
        for msg in catalog:
            if not msg.id:
                continue
            msg.locations = []
            if lang == "en" and not _has_text(msg):
                msg.string = tuple(msg.id) if isinstance(msg.id, tuple | list) else msg.id
        _write(lang, catalog)


def _has_text(msg: Message) -> bool:
    strings = msg.string if isinstance(msg.string, tuple | list) else (msg.string,)
    return bool(strings) and all(strings)


def _fields(text: str | None) -> set[str]:
    return {m.group(1).split("!")[0].split(":")[0] for m in _FIELD_RE.finditer(text or "")}


def problems(langs: Iterable[str] = LANGUAGES, template: Catalog | None = None,
             sources: dict[str, bytes] | None = None) -> list[str]:
    """What makes a catalog incomplete: a message missing, empty or fuzzy, a stale entry, or a
    translation whose `{fields}` differ from the English (that would fail at run time)."""
    template = extract() if template is None else template
    out: list[str] = []
    for lang in langs:
        path = catalog_path(lang).relative_to(PACKAGE_DIR.parent)
        if sources is not None and lang in sources:  # a catalog's text, for tests
            catalog = read_po(io.BytesIO(sources[lang]), locale=lang, domain=DOMAIN)
        elif not catalog_path(lang).exists():
            out.append(f"{path}: missing (run `python -m cti_cli.locale.catalogs update`)")
            continue
        else:
            catalog = _read(lang)
        for msg in template:
            if not msg.id:
                continue
            where = f"{msg.locations[0][0]}:{msg.locations[0][1]}" if msg.locations else ""
            have = catalog.get(msg.id, context=msg.context)
            label = f"{_singular(msg)!r}" + (f" (context {msg.context!r})" if msg.context
                                             else "")
            if have is None:
                out.append(f"{path}: no entry for {label} from cti_cli/{where}")
            elif have.fuzzy:
                out.append(f"{path}: fuzzy translation of {label}")
            elif not _has_text(have):
                out.append(f"{path}: no translation of {label} from cti_cli/{where}")
            else:
                ids = msg.id if isinstance(msg.id, tuple | list) else (msg.id,)
                strings = have.string if isinstance(have.string, tuple | list) else (
                    have.string,)
                wanted = set().union(*(_fields(i) for i in ids))
                for s in strings:
                    if _fields(s) - wanted:
                        out.append(f"{path}: translation of {label} uses unknown fields "
                                   f"{sorted(_fields(s) - wanted)}")
        for msg in catalog:
            if msg.id and template.get(msg.id, context=msg.context) is None:
                out.append(f"{path}: stale entry {_singular(msg)!r} (no longer in the code; "
                           "run update)")
    return out


def todo(lang: str = "da") -> list[str]:
    """The msgids of `lang` still without a translation."""
    return [_singular(m) for m in _read(lang) if m.id and (m.fuzzy or not _has_text(m))]


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        update()
        left = todo("da")
        print(f"updated {', '.join(LANGUAGES)}; {len(left)} Danish message(s) to translate")
        return 0
    if command == "todo":
        for msgid in todo(argv[1] if len(argv) > 1 else "da"):
            print(msgid)
        return 0
    if command == "check":
        found = problems()
        for line in found:
            print(line)
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
