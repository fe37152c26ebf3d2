"""Writing the monitoring export: a folder of CSV files, or one SQLite file.

Each file is written whole or not at all (atomic replace); the SQLite file is built beside
its target and renamed into place, so a reader never opens half an export.
"""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import tempfile
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any, Protocol

from cti_cli.storage import atomic


class TableLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def columns(self) -> tuple[str, ...]: ...
    @property
    def rows(self) -> tuple[tuple[Any, ...], ...]: ...


def write_csv_dir(folder: Path, tables: Sequence[TableLike]) -> list[Path]:
    folder.mkdir(mode=0o700, parents=False, exist_ok=True)
    written = []
    for t in tables:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(t.columns)
        w.writerows(["" if v is None else v for v in row] for row in t.rows)
        path = folder / f"{t.name}.csv"
        atomic.replace(path, buf.getvalue().encode("utf-8"), mode=0o600)
        written.append(path)
    return written


def _sql_type(values: list[Any]) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "INTEGER"
    if present and all(isinstance(v, int | float) and not isinstance(v, bool)
                       for v in present):
        return "REAL"
    return "TEXT"


def write_sqlite(path: Path, tables: Sequence[TableLike]) -> None:
    """One table per CSV; a column mixing numbers and `<5` is TEXT-free: SQLite keeps each
    value's own type (declared type affinity decides only where it can)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        con = sqlite3.connect(tmp)
        try:
            for t in tables:
                types = [_sql_type([r[i] for r in t.rows]) for i in range(len(t.columns))]
                cols = ", ".join(f'"{c}" {ty}' for c, ty in zip(t.columns, types, strict=True))
                con.execute(f'CREATE TABLE "{t.name}" ({cols})')
                marks = ", ".join("?" for _ in t.columns)
                con.executemany(f'INSERT INTO "{t.name}" VALUES ({marks})', t.rows)
            con.commit()
        finally:
            con.close()
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
