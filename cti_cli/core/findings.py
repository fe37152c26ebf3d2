"""A finding: one problem at one place in one file, as `check` and every error report it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

from cti_cli.core.privacy import mask_cpr
from cti_cli.locale import _, ngettext

#: Findings reported per file: the first 100, then a count (E199). A 2 MB file can hold
#: 75,000 mistakes; listing them all helps nobody, and words, places and lines for each cost
#: seconds and hundreds of MB. Schema errors and rule issues both stop at it.
MAX_FINDINGS = 100

#: `info` is a fact worth counting (a forced step), not a problem: only `check --json` shows it.
Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class Finding:
    path: str
    line: int
    column: int
    code: str
    severity: Severity
    message: str
    hint: str | None = None

    def location(self) -> str:
        return f"{self.path}:{self.line}:{self.column}" if self.line else self.path

    def format(self) -> str:
        """The `path:line:col: CODE message` line editors and grep understand."""
        text = f"{self.location()}: {self.code} {self.message}"
        if self.severity == "warning":
            # TRANSLATORS: a check finding; keep {where} and {code} first, for editors and grep
            text = _("{where}: {code} warning: {message}").format(
                where=self.location(), code=self.code, message=self.message
            )
        return mask_cpr(text)  # a key or value quoted in a message may be a CPR number

    def to_json(self) -> dict[str, object]:
        return {k: mask_cpr(v) if isinstance(v, str) else v for k, v in asdict(self).items()}


def not_shown(last: Finding, more: int) -> Finding:
    """E199 after the first MAX_FINDINGS findings of a file (at the last one's place)."""
    return Finding(last.path, last.line, last.column, "E199", "error",
                   ngettext("{n} more problem in this file is not shown",
                            "{n} more problems in this file are not shown", more).format(n=more),
                   _("fix the first {n} and run `cti check` again").format(n=MAX_FINDINGS))
