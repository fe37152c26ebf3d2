"""`cti calendar`'s memory between runs: `.cti/calendar.json` in the case folder.

Git-ignored and per machine, like the cache: the calendar file a worker subscribes to is
written by one machine's cron, and that machine's memory is what makes SEQUENCE go up when an
event moves (see render/calendar.py). Losing it is harmless: sequences start again at 0 and
calendars that already hold a higher one keep their copy until the next move.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

from filelock import FileLock

from cti_cli.storage.atomic import replace

FILE: Final = "calendar.json"
VERSION: Final = 1


@contextmanager
def locked(state_dir: Path, timeout: float = 60.0) -> Iterator[None]:
    """One run at a time reads and writes the memory (two workers' cron lines may overlap)."""
    state_dir.mkdir(mode=0o700, exist_ok=True)
    with FileLock(str(state_dir / "calendar.lock"), timeout=timeout):
        yield


def load(state_dir: Path) -> dict[str, dict[str, Any]]:
    """The stamps of the previous run by UID; empty when there is none or it is unreadable
    (a damaged memory must not stop the calendar: it only restarts the sequences)."""
    try:
        data = json.loads((state_dir / FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return {}
    events = data.get("events")
    if not isinstance(events, dict):
        return {}
    return {str(k): v for k, v in events.items() if isinstance(v, dict)}


def save(state_dir: Path, events: dict[str, dict[str, Any]]) -> None:
    """Write the stamps atomically (0600: the file names case events, if only by hash)."""
    state_dir.mkdir(mode=0o700, exist_ok=True)
    text = json.dumps({"version": VERSION, "events": events}, indent=1, sort_keys=True)
    replace(state_dir / FILE, (text + "\n").encode("utf-8"), durable=False)
