"""One thing a worker must act on, as produced by the reminder engine.

A plain immutable value so that the engine (pure) and the mailer, board and JSON output
(I/O) agree on one shape without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

KINDS: Final[tuple[str, ...]] = (
    "phase_end",
    "documentation",
    "handover_meeting",
    "checklist",
    "appointment",
    "no_contact",
    "contact_period",
    "caseload",
)
"""Known kinds, in the order a human would read them; `kind` must be one of these."""

NO_CASE: Final[str] = "-"
"""What a `caseload` item (about a worker, not a case) may carry as its case id."""


@dataclass(frozen=True, slots=True)
class DueItem:
    """Something due for one worker on one case (or on the worker's caseload).

    `message` is one line that is already free of personal data: mail and JSON output copy
    it verbatim, so the engine is where names, notes and CPR numbers must stay out.
    """

    case: str
    initials: str
    worker: str
    kind: str
    due: date
    days_left: int
    message: str
    subject: str = ""
    """Which one of the case's items of this kind (a phase, documentation point, gate or
    day), so that a calendar can give the same deadline the same UID when its date moves."""

    def __post_init__(self) -> None:
        # Fail where the item is made, not later inside a cron job's mail loop.
        if self.kind not in KINDS:
            raise ValueError(f"unknown due item kind {self.kind!r}; expected one of {KINDS}")
        if "\n" in self.message or "\r" in self.message:
            raise ValueError(f"due item message for case {self.case} must be one line")

    @property
    def overdue(self) -> bool:
        """True once the due date has passed (a reminder is mailed once more then)."""
        return self.days_left < 0

    def to_json(self) -> dict[str, str | int]:
        """The stable JSON shape of `cti due --json`; dates as ISO 8601."""
        return {
            "case": self.case,
            "initials": self.initials,
            "worker": self.worker,
            "kind": self.kind,
            "due": self.due.isoformat(),
            "days_left": self.days_left,
            "message": self.message,
        }
