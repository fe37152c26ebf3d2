"""Numbers and dates as a person reads them in the team's language and style.

One place for the decimal comma (`0,5 årsværk`), the team's date style (`[team]
date_format`: ISO, or Danish `5. jan. 2026`) and the date forms a user may type. Babel knows
the Danish forms; it is imported only when a Danish form is needed, so a command that prints
ISO dates and whole numbers never pays for it.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from cti_cli.core.errors import UsageError
from cti_cli.locale import _, date_format, language

#: The years a date may have (model.FIRST_YEAR/LAST_YEAR): planning must not overflow.
FIRST_YEAR, LAST_YEAR = 1900, 2199


def show_number(value: float, places: int = 2, *, fixed: bool = False,
                lang: str | None = None) -> str:
    """A number with the decimal mark of the current language, or of `lang` (`0,5` in
    Danish): at most `places` decimals with trailing zeros dropped, or exactly `places` when
    `fixed` (table columns)."""
    lang = lang or language()
    if not fixed and float(value).is_integer():
        return str(int(value))
    if lang == "en":
        return f"{value:.{places}f}" if fixed else f"{round(value, places):g}"
    from babel.numbers import format_decimal

    decimals = "0" * places if fixed else "#" * places
    return str(format_decimal(value, format=f"0.{decimals}", locale=lang))


def show_date(day: date | None, empty: str = "") -> str:
    """A date on a human screen, in the team's style (`[team] date_format`); JSON, file
    names and case files keep ISO."""
    if day is None:
        return empty
    if date_format() != "danish":
        return day.isoformat()
    from babel.dates import format_date

    return str(format_date(day, "d. MMM y", locale="da"))


_WORDS = {"today": 0, "idag": 0, "yesterday": -1, "igår": -1, "igar": -1,
          "tomorrow": 1, "imorgen": 1}
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# Danish day-month-year: 5/1-2026, 05-01-2026, 5.1.2026 (one separator kind per part)
_DANISH = re.compile(r"^(\d{1,2})([./-])(\d{1,2})([./-])(\d{4})$")


def date_forms() -> str:
    """The accepted date forms, for help texts and refusals."""
    return _("YYYY-MM-DD (2026-01-05), D/M-YYYY (5/1-2026), DD-MM-YYYY (05-01-2026), "
             "D.M.YYYY (5.1.2026), today, yesterday, i dag, i går")


def parse_date(value: str, today: date, option: str = "--date") -> date:
    """A date a user typed: ISO, a Danish day-month-year form, or a word (`i dag`, `i går`,
    `today`, `yesterday`). `today` is the caller's clock. Anything else is refused with the
    accepted forms; a two-digit year or a month-first date is never guessed."""
    text = value.strip()
    word = re.sub(r"\s+", "", text.casefold())
    if word in _WORDS:
        return today + timedelta(days=_WORDS[word])
    iso = _ISO.match(text)
    danish = _DANISH.match(text)
    parts: tuple[int, int, int] | None = None
    if iso:
        parts = (int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    elif danish and (danish.group(2) == danish.group(4) or
                     (danish.group(2), danish.group(4)) == ("/", "-")):
        parts = (int(danish.group(5)), int(danish.group(3)), int(danish.group(1)))
    if parts is not None:
        try:
            day = date(*parts)
        except ValueError:
            day = None
        if day is not None and FIRST_YEAR <= day.year <= LAST_YEAR:
            return day
    raise UsageError(_("{option} '{value}' is not a date").format(option=option, value=value),
                     hint=_("write one of: {forms}").format(forms=date_forms()))
