"""Reading every case of a folder at once, for reports: `list`, `due`, `board`, `purge`.

Reports read thousands of files, so this path leans on the cache (`cache.py`): unchanged
files are not parsed again, closed cases are carried as small summaries, and cold files
are parsed in a process pool when there are enough of them to pay for it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from cti_cli.core.errors import CtiError
from cti_cli.core.findings import Finding
from cti_cli.storage.store import (
    Folder,
    decode_bytes,
    display_path,
    ensure_state_dir,
    iter_case_paths,
    read_bytes,
    validate_text,
)

if TYPE_CHECKING:
    from cti_cli.core.model import Case
    from cti_cli.storage.yamlread import Parsed


@dataclass(frozen=True)
class Entry:
    path: Path
    case: Case | None
    findings: tuple[Finding, ...]
    parsed: Parsed | None = None
    text: str | None = None
    summary: dict[str, Any] | None = None  # what listings need; set for every valid case


def summarize(case: Case) -> dict[str, Any]:
    """The few values reports over every case need, as plain data (see `cti list`)."""
    last = max((c.date for c in case.contacts), default=None)
    return {
        "id": case.id,
        "initials": case.citizen.initials,
        "worker": case.worker,
        "target_group": case.target_group,
        "phase": case.phase,
        "phase_start": case.phases[-1].start,
        "transition_date": case.transition.date,
        "contacts": len(case.contacts),
        "last_contact": last,
        "open": case.is_open,
        "closed": case.closed is not None,
    }


def load_entry(path: Path, *, shown: str | None = None) -> Entry:
    shown = shown or display_path(path)
    try:
        raw, _st = read_bytes(path)
    except CtiError as exc:
        return Entry(path, None, (Finding(shown, 0, 0, "E000", "error", exc.message),))
    text, findings = decode_bytes(raw, shown)
    if text is None:
        return Entry(path, None, tuple(findings))
    case, parsed, findings = validate_text(text, shown)
    summary = summarize(case) if case is not None else None
    return Entry(path, case, tuple(findings), parsed, text, summary)


RACY_NS = 2_000_000_000  # a file changed this recently may change again within one mtime tick
PARALLEL_MIN = 400  # fewer cold files than this parse faster in one process (pool start-up)
PROGRESS_MIN = 2000  # show a progress bar on a terminal when this many files are read


def _cold(path: Path) -> tuple[Entry, Any]:
    """Read one file the slow way; return its entry and a cache record (None: do not cache)."""
    entry = load_entry(path)
    try:
        st = path.stat()
    except OSError:
        return entry, None
    if entry.case is None or entry.summary is None or entry.text is None:
        return entry, None
    if st.st_size != len(entry.text.encode("utf-8")) and not entry.text.startswith("\ufeff"):
        return entry, None  # changed between read and stat: do not vouch for it
    # full data only for open cases: years of closed ones would make every read slow
    data = entry.case.model_dump(exclude_unset=True) if entry.case.is_open else None
    from cti_cli.storage import cache

    return entry, (cache.key(st), entry.summary, data)


def _cold_batch(paths: list[Path]) -> list[Any]:
    """Worker side of the parallel cold read: plain data only crosses the process line."""
    return [_cold(p)[1] for p in paths]


def _read_cold(paths: list[Path], closed_cases: bool, on_progress: Callable[[int], None] | None
               ) -> list[tuple[Entry | None, Any]]:
    """Entries (or None, meaning: build from the record) for files not in the cache."""
    workers = min(os.cpu_count() or 1, 4)
    if len(paths) < PARALLEL_MIN or workers < 2 or os.name != "posix":
        results: list[tuple[Entry | None, Any]] = []
        for p in paths:
            results.append(_cold(p))
            if on_progress:
                on_progress(1)
        return results
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = max(50, len(paths) // (workers * 8))
    chunks = [paths[i:i + size] for i in range(0, len(paths), size)]
    results = []
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        for chunk, done in zip(chunks, pool.map(_cold_batch, chunks), strict=True):
            for p, record in zip(chunk, done, strict=True):
                # files the worker could not vouch for are read again here, with findings
                usable = record is not None and (record[2] is not None or not closed_cases)
                results.append((None, record) if usable else _cold(p))
            if on_progress:
                on_progress(len(chunk))
    return results


class ProgressBar(Protocol):
    """What a caller may pass to show a long cold read (a terminal bar, say)."""

    def advance(self, n: int = 1) -> None: ...
    def close(self) -> None: ...


def load_all(folder: Folder, *, open_only: bool = False, cases: bool = True,
             progress: Callable[[int], ProgressBar | None] | None = None) -> list[Entry]:
    """Every case of the folder, valid or not; reports skip the invalid ones with a note.

    `progress(total)` may give a bar for a cold read of at least PROGRESS_MIN files (the
    caller decides whether one is drawn: storage never touches the terminal).

    Validated cases come from `.cti/cache` while their file is unchanged (see cache.py).
    `open_only` leaves out valid closed cases (reports about current work need none);
    `cases=False` gives summaries without building `Case` models (listings).
    """
    import gc
    import time

    from cti_cli.storage import cache

    state = folder.state_dir
    records = cache.load(state)
    paths = iter_case_paths(folder)
    now = time.time_ns()
    entries: list[Entry | None] = []
    cold: list[Path] = []
    cold_at: list[int] = []
    new_records: dict[str, cache.Record] = {}
    gc_was = gc.isenabled()
    gc.disable()  # bulk building of many small objects: the collector only slows it down
    try:
        for path in paths:
            name = path.name
            try:
                st = os.stat(path)
            except OSError:
                st = None
            rec = records.get(name)
            usable = (rec is not None and st is not None and cache.fresh(rec, st)
                      and (rec[2] is not None or not cases
                           or (open_only and not rec[1]["open"])))
            if usable:
                assert rec is not None
                new_records[name] = rec
                if open_only and not rec[1]["open"]:
                    continue
                entries.append(_from_record(path, rec, cases))
            else:
                cold_at.append(len(entries))
                entries.append(None)
                cold.append(path)
        if cold:
            bar = progress(len(cold)) if progress and len(cold) >= PROGRESS_MIN else None
            try:
                done = _read_cold(cold, cases and not open_only,
                                  bar.advance if bar else None)
            finally:
                if bar:
                    bar.close()
            for i, path, (entry, record) in zip(cold_at, cold, done, strict=True):
                if record is not None:
                    if now - max(record[0][1], record[0][3]) > RACY_NS:
                        new_records[path.name] = record
                    if entry is None or not cases:
                        entry = _from_record(path, record, cases)
                assert entry is not None
                if open_only and entry.summary is not None and not entry.summary["open"]:
                    continue
                entries[i] = entry
    finally:
        if gc_was:
            gc.enable()
    if records.keys() != new_records.keys() or any(
            records[k][0] != r[0] for k, r in new_records.items()):
        with suppress(OSError):
            ensure_state_dir(folder)
            cache.save(state, new_records)
    return [e for e in entries if e is not None]


def _from_record(path: Path, rec: Any, with_case: bool) -> Entry:
    summary, data = rec[1], rec[2]
    from cti_cli.core.model import construct_case

    case = construct_case(data) if with_case and data is not None else None
    return Entry(path, case, (), summary=summary)
