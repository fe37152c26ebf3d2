"""Atomic file replacement: the one implementation every writer of the package uses.

Temp file in the same folder (so the rename cannot cross file systems), the final mode set
before the rename, fsync of file and folder, and the temp file removed on any failure: a
crash leaves the old file or the new one, never half of either.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import suppress
from pathlib import Path


def replace(path: Path, data: bytes, *, mode: int = 0o600, durable: bool = True) -> None:
    """Write `data` to `path` atomically; OSError propagates with nothing left behind.

    `durable=False` skips the fsyncs, for caches that may be lost but never half written.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            if hasattr(os, "fchmod"):  # Windows has no fchmod; mkstemp gives 0600 anyway
                os.fchmod(fh.fileno(), mode)
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    if durable:
        fsync_dir(path.parent)


def fsync_dir(directory: Path) -> None:
    """Make a rename durable; not possible (nor needed) where folders cannot be opened."""
    try:
        dfd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)
