"""CPR numbers in free text: find them (for `check`) and mask them (in every output).

Pure functions, no I/O. A CPR number is DDMMYY-SSSS; we accept it with "-" (or another
dash, a slash), a space or nothing between the halves, and count it only when DDMMYY is a
real date under the CPR century rule (7th digit), so dates, phone numbers and amounts
are rarely taken for one.
No mod-11 check: CPR numbers issued since 2007 need not pass it.

Why not `python-stdnum` (`stdnum.dk.cpr`): its validation is these same two checks (digits
and birth date), and a tool holding art. 9 data is better off with one dependency fewer.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final

MASK: Final = "DDMMYY-XXXX"

# Not part of a longer run of digits (an account number, a phone number with prefix).
# between the halves: nothing, a hyphen, a space, or what word processors and phones put
# there instead: non-breaking hyphen U+2011, figure dash, en and em dash, minus sign, slash,
# no-break and thin spaces
_CPR: Final = re.compile(
    r"(?<!\d)(\d{2})(\d{2})(\d{2})[-\u2010\u2011\u2012\u2013\u2014\u2212/ \u00a0\u2009\u202f]?"
    r"(\d)(\d{3})(?!\d)")


_DIGIT: Final = re.compile(r"\d")


def _century(yy: int, seventh: int) -> int:
    """The CPR rule: the 7th digit and the year together give the century of birth."""
    if seventh <= 3:
        return 1900
    if seventh in (4, 9):
        return 2000 if yy <= 36 else 1900
    return 2000 if yy <= 57 else 1800


def _is_cpr(m: re.Match[str]) -> bool:
    dd, mm, yy, seventh = int(m[1]), int(m[2]), int(m[3]), int(m[4])
    try:
        date(_century(yy, seventh) + yy, mm, dd)
    except ValueError:
        return False
    return True


def find_cpr(text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of every CPR-like number in `text`."""
    return [m.span() for m in _CPR.finditer(text) if _is_cpr(m)]


def has_cpr(text: str) -> bool:
    return any(_is_cpr(m) for m in _CPR.finditer(text))


def mask_cpr(text: str) -> str:
    """`text` with every CPR-like number replaced by DDMMYY-XXXX (nothing of it is kept:
    the birth date half identifies a person as well)."""
    if _DIGIT.search(text) is None:
        return text  # the common case, cheaply (one C scan, not a Python loop per character)
    return _CPR.sub(lambda m: MASK if _is_cpr(m) else m[0], text)


_ID_PARTS: Final = re.compile(r"[-_.\s]+")


def looks_like_name(token: str) -> bool:
    """A case id that reads as a person's name: two words of letters (`mette-kristensen`,
    `anne.marie`) or a capitalised word (`Mette`, `Mette_K`). Codes such as `2026-004`,
    `c1`, `late` or `n12` do not."""
    parts = [p for p in _ID_PARTS.split(token) if p]
    words = [p for p in parts if len(p) >= 2 and p.isalpha()]
    capitalised = any(len(p) >= 3 and p.isalpha() and p[0].isupper() and p[1:].islower()
                      for p in parts)
    return len(words) >= 2 or capitalised
