"""Atomic file replacement: the one implementation every writer of the package uses.

Temp file in the same folder (so the rename cannot cross file systems), the final mode set
before the rename, fsync of file and folder, and the temp file removed on any failure: a
crash leaves the old file or the new one, never half of either.
"""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path


def replace(path: Path, data: bytes, *, mode: int = 0o600, durable: bool = True) -> None:
    """Write `data` to `path` atomically; OSError propagates with nothing left behind.

    `durable=False` skips the fsyncs, for caches that may be lost but never half written.
    """
    fd, tmp = _temp_beside(path)
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


def _temp_beside(path: Path) -> tuple[int, str]:
    """A new file `.NAME.XXXXXXXXXXXX.tmp` in `path`'s folder, opened 0600 for writing, as
    `tempfile.mkstemp` makes it (O_EXCL, a fresh random name on a clash) without importing
    tempfile (with shutil, random, …: a part of every `cti log`)."""
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(
        os, "O_BINARY", 0)
    for _ in range(100):
        name = os.path.join(path.parent, f".{path.name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(name, flags, 0o600), name
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {path}")


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
