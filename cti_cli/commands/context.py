"""What every command needs: the folder (found once, lazily), today, and output switches."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cti_cli.core import formats
from cti_cli.locale import _, set_date_format, set_language

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
            set_date_format(self._folder.team.date_format)
        return self._folder


def parse_date(value: str | None, option: str = "--date", *, default: date | None = None) -> date:
    """A date from the command line (ISO, Danish `5/1-2026`, `i dag`, … see
    `core.formats.parse_date`); `default` or today when not given (the CLI owns the clock)."""
    if value is None or value == "":
        return default or date.today()
    return formats.parse_date(value, date.today(), option)


def progress_bar(total: int) -> Any:
    """A bar on stderr for a long cold read, only on a terminal (rich is imported then)."""
    import sys

    if not sys.stderr.isatty():
        return None
    from cti_cli.render.progress import Progress

    return Progress(total, _("reading case files"))
