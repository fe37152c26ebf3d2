"""A finding: one problem at one place in one file, as `check` and every error report it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


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
        return text

    def to_json(self) -> dict[str, object]:
        return asdict(self)
