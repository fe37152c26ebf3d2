"""Reading every case of a folder at once, for reports: `list`, `due`, `board`, `purge`.

Reports read thousands of files, so this path leans on the cache (`cache.py`): unchanged
files are not parsed again, every valid case is carried as its slim record (`CaseFacts`),
and cold files are parsed in a process pool when there are enough of them to pay for it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import date
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
    from cti_cli.core.facts import CaseFacts
    from cti_cli.core.model import Case
    from cti_cli.storage.yamlread import Parsed


@dataclass(frozen=True)
class Entry:
    """One case file as a report sees it: its record when valid, its findings when not.

    `case`, `parsed` and `text` are set only where the file itself was just read (a cold
    read, `check`); a report over a cached folder gets `facts` alone.
    """

    path: Path
    case: Case | None
    findings: tuple[Finding, ...]
    parsed: Parsed | None = None
    text: str | None = None
    facts: CaseFacts | None = None  # set for every valid case

    @property
    def valid(self) -> bool:
        return self.facts is not None or self.case is not None


def load_entry(path: Path, *, shown: str | None = None, as_of: date | None = None,
               keep_tree: bool = False) -> Entry:
    """Read, parse and validate one file; its record counts no contact after `as_of`.

    `keep_tree`: the entry's `parsed` keeps the node tree, for positions of later findings.
    """
    shown = shown or display_path(path)
    try:
        raw, _st = read_bytes(path)
    except CtiError as exc:
        return Entry(path, None, (Finding(shown, 0, 0, "E000", "error", exc.message),))
    text, findings = decode_bytes(raw, shown)
    if text is None:
        return Entry(path, None, tuple(findings))
    case, parsed, findings = validate_text(text, shown, keep_tree=keep_tree)
    if case is None:
        return Entry(path, None, tuple(findings), parsed, text)
    from cti_cli.core.facts import facts_of

    return Entry(path, case, tuple(findings), parsed, text, facts_of(case, as_of=as_of))


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
    if entry.facts is None or entry.text is None:
        return entry, None
    if st.st_size != len(entry.text.encode("utf-8")) and not entry.text.startswith("\ufeff"):
        return entry, None  # changed between read and stat: do not vouch for it
    from cti_cli.storage import cache

    return entry, (cache.key(st), entry.facts.to_tuple())


def _cold_batch(paths: list[Path]) -> list[Any]:
    """Worker side of the parallel cold read: plain data only crosses the process line."""
    return [_cold(p)[1] for p in paths]


def _read_cold(paths: list[Path], on_progress: Callable[[int], None] | None
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
                results.append((None, record) if record is not None else _cold(p))
            if on_progress:
                on_progress(len(chunk))
    return results


class ProgressBar(Protocol):
    """What a caller may pass to show a long cold read (a terminal bar, say)."""

    def advance(self, n: int = 1) -> None: ...
    def close(self) -> None: ...


def load_all(folder: Folder, *, open_only: bool = False, as_of: date | None = None,
             progress: Callable[[int], ProgressBar | None] | None = None,
             copies: list[tuple[Path, Path]] | None = None) -> list[Entry]:
    """Every case of the folder as its record, valid or not; reports skip invalid ones.

    `progress(total)` may give a bar for a cold read of at least PROGRESS_MIN files (the
    caller decides whether one is drawn: storage never touches the terminal).

    Records come from `.cti/cache` while their file is unchanged (see cache.py), read back
    without validating again; changed files are read, validated and their record cached.
    `open_only` leaves out valid closed cases (reports about current work need none).
    `as_of`: records count no contact after that day (reports for a past `--date`); the few
    cases with later contacts are read again for that.
    """
    import gc
    import time

    from cti_cli.core.facts import CaseFacts
    from cti_cli.storage import cache

    state = folder.state_dir
    records = cache.load(state)
    paths = iter_case_paths(folder)
    now = time.time_ns()
    entries: list[Entry | None] = []
    cold: list[Path] = []
    cold_at: list[int] = []
    new_records: dict[str, cache.Record] = {}
    make = CaseFacts._make
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
            if rec is not None and st is not None and cache.fresh(rec, st):
                new_records[name] = rec
                facts = make(rec[1])
                if open_only and not facts.is_open:
                    continue
                entries.append(Entry(path, None, (), facts=facts))
            else:
                cold_at.append(len(entries))
                entries.append(None)
                cold.append(path)
        if cold:
            bar = progress(len(cold)) if progress and len(cold) >= PROGRESS_MIN else None
            try:
                done = _read_cold(cold, bar.advance if bar else None)
            finally:
                if bar:
                    bar.close()
            for i, path, (entry, record) in zip(cold_at, cold, done, strict=True):
                if record is not None:
                    if now - max(record[0][1], record[0][3]) > RACY_NS:
                        new_records[path.name] = record
                    if entry is None:
                        entry = Entry(path, None, (), facts=make(record[1]))
                assert entry is not None
                if open_only and entry.facts is not None and not entry.facts.is_open:
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
    out, dropped = once_per_case([e for e in entries if e is not None])
    if copies is not None:
        copies.extend(dropped)
    if as_of is not None:
        out = [_as_of(e, as_of) for e in out]
    return out


def whole_cases(entries: list[Entry]) -> tuple[list[Case], list[Path]]:
    """The whole case of each valid entry, and the paths that cannot be read.

    A report over a cached folder gets slim records (`facts`) only; the few commands that
    need all of a case (fidelity, report, calendar) read those files again in full.
    """
    from cti_cli.storage.store import read_case

    cases: list[Case] = []
    unreadable: list[Path] = []
    for entry in entries:
        case = entry.case
        if case is None and entry.facts is not None:
            try:
                case = read_case(entry.path).case
            except CtiError:
                case = None
        if case is None:
            unreadable.append(entry.path)
        else:
            cases.append(case)
    return cases, unreadable


def once_per_case(entries: list[Entry]) -> tuple[list[Entry], list[tuple[Path, Path]]]:
    """Each case once: a copied file or an in-folder symlink must not double a caseload.

    Of the files holding one id, the regular file named after it is kept; the others are
    returned as (copy, kept) pairs so `doctor` can name them (`check` already reports E201).
    """
    by_id: dict[str, list[Entry]] = {}
    for e in entries:
        if e.facts is not None:
            by_id.setdefault(e.facts.id, []).append(e)
    dropped: dict[Path, Path] = {}
    for cid, group in by_id.items():
        if len(group) < 2:
            continue
        keep = min(group, key=lambda e: (e.path.is_symlink(), e.path.stem != cid, e.path))
        dropped.update((e.path, keep.path) for e in group if e is not keep)
    if not dropped:
        return entries, []
    return [e for e in entries if e.path not in dropped], sorted(dropped.items())


def _as_of(entry: Entry, day: date) -> Entry:
    """The entry as of `day`: a record with later contacts is rebuilt from its file."""
    facts = entry.facts
    if facts is None or facts.last_contact is None or facts.last_contact <= day:
        return entry
    if entry.case is not None:
        from cti_cli.core.facts import facts_of

        return replace(entry, facts=facts_of(entry.case, as_of=day))
    return load_entry(entry.path, as_of=day)
