"""A finding: one problem at one place in one file, as `check` and every error report it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

from cti_cli.core.privacy import mask_cpr

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
            text = f"{self.location()}: {self.code} warning: {self.message}"
        return mask_cpr(text)  # a key or value quoted in a message may be a CPR number

    def to_json(self) -> dict[str, object]:
        return {k: mask_cpr(v) if isinstance(v, str) else v for k, v in asdict(self).items()}
