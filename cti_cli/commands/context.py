"""What every command needs: the folder (found once, lazily), today, and output switches."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cti_cli.core.errors import UsageError
from cti_cli.locale import _, set_language

if TYPE_CHECKING:  # store (and pydantic) load when a command needs the folder, not for --help
    from cti_cli.storage.store import Folder


@dataclass
class Ctx:
    directory: Path | None = None
    debug: bool = False
    no_commit: bool = False
    _folder: Folder | None = field(default=None, repr=False)

    def folder(self) -> Folder:
        if self._folder is None:
            from cti_cli.storage.store import open_folder

            self._folder = open_folder(self.directory, env=os.environ)
            # the team's cti.toml, fully read, has the last word on the language
            set_language(self._folder.team.language)
        return self._folder


def parse_date(value: str | None, option: str = "--date", *, default: date | None = None) -> date:
    """An ISO date from the command line; today when not given (the CLI owns the clock)."""
    if value is None or value == "":
        return default or date.today()
    if value == "today":
        return date.today()
    try:
        if len(value) != 10:
            raise ValueError
        day = date.fromisoformat(value)
        if not 1900 <= day.year <= 2199:  # model.FIRST_YEAR/LAST_YEAR: planning must not overflow
            raise ValueError
        return day
    except ValueError:
        raise UsageError(f"{option} {value!r} is not a date",
                         hint="write dates as YYYY-MM-DD, e.g. 2026-03-02") from None


def progress_bar(total: int) -> Any:
    """A bar on stderr for a long cold read, only on a terminal (rich is imported then)."""
    import sys

    if not sys.stderr.isatty():
        return None
    from cti_cli.render.progress import Progress

    return Progress(total, _("reading case files"))
