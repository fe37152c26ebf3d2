"""`.po` → gettext translations with the standard library only, compiled once into a cache.

Why not ship `.mo` files: seven people add messages in parallel, and a committed binary
conflicts on every merge. Why not Babel at run time: importing it costs more than a whole
`cti log`. So the `.po` source is parsed here (the format is small) and the compiled `.mo`
is kept in the user's cache, keyed by the source's path, size and mtime; the next run only
stats two files and lets stdlib `gettext` read the `.mo`.
"""

from __future__ import annotations

import ast
import gettext
import hashlib
import io
import os
import struct
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    """One message of a catalog."""

    msgid: str
    msgstr: list[str] = field(default_factory=list)  # one string, or one per plural form
    msgid_plural: str | None = None
    msgctxt: str | None = None
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr)


def _unquote(token: str, path: Path, line: int) -> str:
    token = token.strip()
    if not (len(token) >= 2 and token[0] == token[-1] == '"'):
        raise ValueError(f"{path}:{line}: expected a quoted string, got {token[:40]!r}")
    # the .po escapes (\" \\ \n \t) are a subset of Python's
    return str(ast.literal_eval(token))


def parse_po(text: str, path: Path = Path("<po>")) -> list[Entry]:
    """Every entry of a `.po` file, the header (msgid "") included; obsolete (#~) skipped."""
    entries: list[Entry] = []
    cur: Entry | None = None
    flags: set[str] = set()
    target: tuple[str, int] | None = None  # which field continuation lines extend

    def finish() -> None:
        nonlocal cur
        if cur is not None:
            entries.append(cur)
        cur = None

    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if line.startswith("#,"):
                if cur is not None and cur.msgstr:
                    finish()
                flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        key, _, rest = line.partition(" ")
        if line.startswith('"'):
            if cur is None or target is None:
                raise ValueError(f"{path}:{n}: a string continues nothing")
            value = _unquote(line, path, n)
            name, index = target
            if name == "msgid":
                cur.msgid += value
            elif name == "msgid_plural":
                cur.msgid_plural = (cur.msgid_plural or "") + value
            elif name == "msgctxt":
                cur.msgctxt = (cur.msgctxt or "") + value
            else:
                cur.msgstr[index] += value
            continue
        if key == "msgctxt" or (key == "msgid" and (cur is None or cur.msgstr)):
            finish()
        if key == "msgctxt":
            cur = Entry(msgid="", msgctxt=_unquote(rest, path, n), flags=flags, line=n)
            flags = set()
            target = ("msgctxt", 0)
        elif key == "msgid":
            if cur is None:
                cur = Entry(msgid="", flags=flags, line=n)
                flags = set()
            cur.msgid = _unquote(rest, path, n)
            target = ("msgid", 0)
        elif key == "msgid_plural" and cur is not None:
            cur.msgid_plural = _unquote(rest, path, n)
            target = ("msgid_plural", 0)
        elif key.startswith("msgstr") and cur is not None:
            index = int(key[7:-1]) if key.startswith("msgstr[") else 0
            while len(cur.msgstr) <= index:
                cur.msgstr.append("")
            cur.msgstr[index] = _unquote(rest, path, n)
            target = ("msgstr", index)
        else:
            raise ValueError(f"{path}:{n}: cannot read {line[:40]!r}")
    finish()
    return entries


def compile_mo(entries: list[Entry]) -> bytes:
    """GNU `.mo` bytes of the translated, non-fuzzy entries (as `msgfmt` writes them)."""
    pairs: dict[bytes, bytes] = {}
    for e in entries:
        if e.msgid and (e.fuzzy or not e.translated):
            continue  # gettext falls back to the English msgid
        key = e.msgid if e.msgid_plural is None else f"{e.msgid}\0{e.msgid_plural}"
        if e.msgctxt is not None:
            key = f"{e.msgctxt}\x04{key}"
        pairs[key.encode()] = "\0".join(e.msgstr).encode()
    keys = sorted(pairs)
    ids = b"".join(k + b"\0" for k in keys)
    strs = b"".join(pairs[k] + b"\0" for k in keys)
    start = 7 * 4 + 16 * len(keys)  # header + two tables of (length, offset)
    offsets: list[int] = []
    pos = 0
    for k in keys:
        offsets += [len(k), start + pos]
        pos += len(k) + 1
    str_start = start + len(ids)
    pos = 0
    for k in keys:
        offsets += [len(pairs[k]), str_start + pos]
        pos += len(pairs[k]) + 1
    header = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + 8 * len(keys), 0, 0)
    return header + struct.pack(f"{len(offsets)}i", *offsets) + ids + strs


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cti" / "locale"


def load_translations(po_path: Path) -> gettext.NullTranslations:
    """The translations of one catalog, compiled into the cache on first use."""
    try:
        st = po_path.stat()
    except OSError:
        return gettext.NullTranslations()
    key = hashlib.sha1(f"{po_path}\0{st.st_size}\0{st.st_mtime_ns}".encode()).hexdigest()[:16]
    cached = _cache_dir() / f"{po_path.parent.parent.name}-{key}.mo"
    try:
        with cached.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    except (OSError, ValueError, struct.error):  # none yet, or damaged: compile again
        pass
    mo = compile_mo(parse_po(po_path.read_text(encoding="utf-8"), po_path))
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cached.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(mo)
            os.replace(tmp, cached)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a read-only home: compile in memory each run, still correct
    return gettext.GNUTranslations(io.BytesIO(mo))
