"""One error policy: user errors exit 1 with a message, bugs exit 3, Ctrl-C 130."""

from __future__ import annotations

from pathlib import Path

from cti_cli.locale import _, ngettext

EXIT_OK = 0
EXIT_USER = 1
EXIT_USAGE = 2
EXIT_BUG = 3
EXIT_INTERRUPTED = 130


class CtiError(Exception):
    """A problem the user can fix; shown without a traceback.

    `where` is a `path:line:col` prefix (or just a path) so editors and people can jump
    to it; `hint` says what to do next.
    """

    exit_code = EXIT_USER

    def __init__(self, message: str, *, hint: str | None = None, where: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.where = where

    def __str__(self) -> str:
        head = f"{self.where}: {self.message}" if self.where else self.message
        return f"{head}\n  " + _("hint: {hint}").format(hint=self.hint) if self.hint else head


class UsageError(CtiError):
    """Wrong arguments: exit 2 like click's own usage errors."""

    exit_code = EXIT_USAGE


class FolderNotFound(CtiError):
    """No `cti.toml` above the current directory."""


class CaseNotFound(CtiError):
    """A case id or path that names no case file."""


class CaseFileError(CtiError):
    """A case file that cannot be read or is not valid; carries every finding."""

    def __init__(self, path: Path, findings: list, *, message: str | None = None):
        self.path = path
        self.findings = findings
        first = findings[0] if findings else None
        text = message or (first.message if first else _("invalid case file"))
        where = first.location() if first else str(path)
        hint = first.hint if first else None
        if len(findings) > 1:
            more = len(findings) - 1
            text += " " + ngettext("(and {n} more problem: run `cti check {path}`)",
                                   "(and {n} more problems: run `cti check {path}`)",
                                   more).format(n=more, path=path)
        super().__init__(text, hint=hint, where=where)


class ConcurrentChange(CtiError):
    """The file changed on disk after we read it: we refuse to overwrite it."""


class RuleViolation(CtiError):
    """The CTI method does not allow this step (e.g. a fourth goal)."""
