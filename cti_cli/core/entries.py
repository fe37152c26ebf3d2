"""A new contact entry and the head of its case, checked without pydantic.

`cti log` runs twenty times a day; importing pydantic and building the case models costs more
than the rest of it. When the case file is known to be valid (its proof in the cache), `log`
needs of the case only its head (id, phases, closing date) and of the new entry only what the
command line gave, which these plain checks accept exactly as `model.Contact` does. They give
up (None) on anything less plain, and the caller validates with pydantic: the model stays the
single source of truth (tests hold the two equal).

Pure and stdlib-only, like `facts`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from cti_cli.core.model import Case

# model.CONTACT_KINDS, repeated so `log` needs no pydantic (a test holds them equal)
CONTACT_KINDS: tuple[str, ...] = ("meeting", "phone", "sms", "email", "video", "other")

_ENTRY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
_FIELDS = ("id", "date", "kind", "minutes", "with", "place", "note")  # model.Contact's order
_SHORT, _TEXT = 500, 20_000  # model.ShortText, model.Text


class PhaseHead(NamedTuple):
    name: str
    start: date


class ClosedHead(NamedTuple):
    date: date


class CaseHead(NamedTuple):
    """What a check on a new entry, and the commit message after it, ask of a case."""

    id: str
    phases: tuple[PhaseHead, ...]
    closed: ClosedHead | None

    @property
    def phase(self) -> str:
        return self.phases[-1].name

    @property
    def is_open(self) -> bool:
        return self.phase != "closed"

    @classmethod
    def of_case(cls, case: Case) -> CaseHead:
        return cls(case.id, tuple(PhaseHead(p.name, p.start) for p in case.phases),
                   ClosedHead(case.closed.date) if case.closed is not None else None)

    @classmethod
    def of_data(cls, data: dict[str, Any]) -> CaseHead:
        """From the `model_dump()` of a case that validated (a cache proof)."""
        closed = data.get("closed")
        return cls(data["id"], tuple(PhaseHead(p["name"], p["start"]) for p in data["phases"]),
                   ClosedHead(closed["date"]) if closed is not None else None)


def _plain_text(value: Any, limit: int, *, lines: bool = False) -> bool:
    """A str within `limit` characters of printable text (and line breaks, if `lines`):
    anything else (control or format characters, other types) is left to the model."""
    if type(value) is not str or len(value) > limit:
        return False
    return (value.replace("\n", "") if lines else value).isprintable()


def plain_contact(entry: dict[str, Any]) -> dict[str, Any] | None:
    """`model.Contact.model_validate(entry).model_dump(exclude_unset=True)` for a plainly
    valid entry; None when only the model can say (the caller then asks it)."""
    if not set(entry) <= set(_FIELDS):
        return None
    day = entry.get("date")
    if type(day) is not date or not 1900 <= day.year <= 2199:  # model.in_date_range
        return None
    if "id" in entry and not (type(entry["id"]) is str and _ENTRY_ID.fullmatch(entry["id"])):
        return None
    if "kind" in entry and entry["kind"] not in CONTACT_KINDS:
        return None
    minutes = entry.get("minutes")
    if minutes is not None and not (type(minutes) is int and 0 <= minutes <= 24 * 60):
        return None
    people = entry.get("with", [])
    if type(people) is not list or not all(_plain_text(p, _SHORT) for p in people):
        return None
    if entry.get("place") is not None and not _plain_text(entry["place"], _SHORT):
        return None
    if entry.get("note") is not None and not _plain_text(entry["note"], _TEXT, lines=True):
        return None
    return {("with_" if k == "with" else k): (list(entry[k]) if k == "with" else entry[k])
            for k in _FIELDS if k in entry}
