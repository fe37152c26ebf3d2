"""Changing case files: atomic writes, per-case locks, round-trip edits, new cases.

Writes are atomic (temp file in the same folder, fsync, rename), keep the file's mode,
refuse to overwrite a file that changed since it was read, and are verified by reading the
new text back before it replaces the old one: a file the tool cannot read is never written.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cti_cli.core.errors import ConcurrentChange, CtiError, UsageError
from cti_cli.storage import atomic
from cti_cli.storage.store import (
    SCHEMA_HEADER,
    Folder,
    Loaded,
    Stamp,
    ensure_state_dir,
    read_case,
    used_ids,
    valid_id,
    validate_text,
)

if TYPE_CHECKING:
    from cti_cli.core.model import Case

LOCK_TIMEOUT = 60.0


def atomic_write(path: Path, text: str, *, expect: Stamp | None = None,
                 new_mode: int = 0o600) -> None:
    """Replace `path` with `text` so a crash leaves the old file or the new, never half.

    With `expect`, refuse when the file changed since it was read (another writer, an
    editor, a `git pull`): the stat check is cheap; a hash decides when only the stat moved.
    """
    data = text.encode("utf-8")
    mode = new_mode
    if expect is not None:
        try:
            st = path.stat()
        except FileNotFoundError:
            raise ConcurrentChange(f"{path} was removed while it was being changed",
                                   hint="nothing was written; check `git status`") from None
        mode = st.st_mode & 0o7777
        if not expect.same_stat(st):
            current = path.read_bytes()
            if hashlib.sha256(current).hexdigest() != expect.sha256:
                raise ConcurrentChange(
                    f"{path} changed on disk while cti was working on it",
                    hint="nothing was written and nothing is lost: run the command again")
    try:
        atomic.replace(path, data, mode=mode)
    except OSError as exc:
        raise CtiError(f"could not write {path}: {exc.strerror}",
                       hint="the old file is unchanged; free disk space or fix "
                       "permissions, then run the command again") from None


@contextmanager
def case_lock(folder: Folder, case_id: str, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Serialise writers of one case across processes (the data file itself is not locked:
    after os.replace a lock on it would sit on the old inode).

    On POSIX an flock(2) on the lock file, as filelock's own Unix lock takes it, without
    importing filelock (logging and more: ~5 % of a `cti log`); filelock elsewhere.
    """
    locks = ensure_state_dir(folder) / "locks"
    locks.mkdir(mode=0o700, exist_ok=True)
    busy = CtiError(f"case {case_id} is being changed by another cti process",
                    hint="wait a moment and run the command again")
    try:
        import fcntl
    except ImportError:  # not POSIX
        from filelock import FileLock, Timeout

        try:
            with FileLock(str(locks / f"{case_id}.lock"), timeout=timeout):
                yield
        except Timeout:
            raise busy from None
        return
    import time

    fd = os.open(locks / f"{case_id}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise busy from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _yaml_rt() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a person's long line
    # one date object used twice must not become an &anchor/*alias: the reader refuses those
    yaml.representer.ignore_aliases = lambda *_args: True
    return yaml


_SEQ_STYLE = re.compile(r"^( *)[A-Za-z_][\w-]*:[ \t]*\n\1( +)- ", re.M)


def _configure_indent(yaml: Any, text: str) -> None:
    """Keep the file's list style (`- ` under or indented below its key)."""
    m = _SEQ_STYLE.search(text)
    offset = len(m.group(2)) if m else 0
    yaml.indent(mapping=2, sequence=2 + offset, offset=offset)


def dump_text(doc: Any, like: str = "") -> str:
    yaml = _yaml_rt()
    _configure_indent(yaml, like)
    buf = io.StringIO()
    yaml.dump(doc, buf)
    return buf.getvalue()


class Editor:
    """A case document open for change: the ruamel tree keeps comments and order."""

    def __init__(self, folder: Folder, loaded: Loaded):
        self.folder = folder
        self.loaded = loaded
        self.yaml = _yaml_rt()
        _configure_indent(self.yaml, loaded.text)
        self.doc = self.yaml.load(loaded.text)
        self.changed = False

    @property
    def case(self) -> Case:
        return self.loaded.case

    def section(self, key: str, factory: Callable[[], Any]) -> Any:
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        value = self.doc.get(key)
        if value is None:
            made = factory()
            value = CommentedSeq(made) if isinstance(made, list) else CommentedMap(made)
            self.doc[key] = value
        return value

    def append(self, key: str, entry: Mapping[str, Any]) -> None:
        self.section(key, list).append(to_yaml(entry))
        self.changed = True

    def set(self, key: str, value: Any) -> None:
        self.doc[key] = to_yaml(value)
        self.changed = True

    def text(self) -> str:
        buf = io.StringIO()
        self.yaml.dump(self.doc, buf)
        return keep_wrapping(self.loaded.text, buf.getvalue())


def keep_wrapping(old: str, new: str) -> str:
    """Undo ruamel's re-flowing of text nobody changed.

    ruamel joins a hand-wrapped plain scalar (a note over three lines) into one line when it
    dumps the document, so a `tick` would show in `git diff` as a change to notes it never
    touched. Where a changed run of lines holds the same words before and after, keep the
    person's lines; the result is used only if it reads as exactly the same data.
    """
    from difflib import SequenceMatcher

    from cti_cli.storage.yamlread import ReadError, parse

    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    merged: list[str] = []
    kept = False
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            merged += a[i1:i2]
            continue
        old_words = _words(a[i1:i2])
        # the person's lines may stand before or after lines the command added
        split = next((k for k in range(j1, j2 + 1) if tag == "replace"
                      and _words(b[j1:k]) == old_words), None)
        if split is not None:
            merged += a[i1:i2] + b[split:j2]
            kept = True
            continue
        split = next((k for k in range(j2, j1 - 1, -1) if tag == "replace"
                      and _words(b[k:j2]) == old_words), None)
        if split is not None:
            merged += b[j1:split] + a[i1:i2]
            kept = True
            continue
        merged += b[j1:j2]
    if not kept:
        return new
    text = "".join(merged)
    try:
        same = parse(text).data == parse(new).data
    except ReadError:
        same = False
    return text if same else new


def _words(lines: list[str]) -> list[str]:
    return " ".join(lines).split()


def text_value(text: str) -> Any:
    """A text for the file: several lines as a `|` block people can read and edit."""
    if "\n" not in text:
        return text
    from ruamel.yaml.scalarstring import LiteralScalarString

    return LiteralScalarString(text.rstrip() + "\n")


def to_yaml(value: Any) -> Any:
    """Plain data as ruamel nodes: short lists of words in flow style, like `[citizen]`."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, Mapping):
        return CommentedMap((k, to_yaml(v)) for k, v in value.items())
    if isinstance(value, list):
        seq = CommentedSeq(to_yaml(v) for v in value)
        if all(isinstance(v, str) and len(v) < 30 for v in value) and len(value) <= 5:
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, str) and _yaml11_reads_otherwise(value):
        from ruamel.yaml.scalarstring import DoubleQuotedScalarString

        return DoubleQuotedScalarString(value)
    return value


def _yaml11_reads_otherwise(text: str) -> bool:
    """`10:00` is a string to YAML 1.2 but 600 to YAML 1.1 readers (PyYAML, many editors'
    tools): quote such strings so every reader of the file sees the same text."""
    import yaml

    tag = yaml.resolver.Resolver().resolve(yaml.ScalarNode, text, (True, False))
    return tag != "tag:yaml.org,2002:str"


def verify_text(text: str, path: Path) -> Case:
    """Read new text back exactly as a later command will; refuse to write what fails."""
    case, _parsed, findings = validate_text(text, str(path))
    if case is None:
        first = findings[0]
        raise CtiError(f"refusing to write {path}: the result would not be valid "
                       f"({first.code} {first.message} at line {first.line})",
                       hint="nothing was written; please report this as a bug") from None
    return case


@contextmanager
def editing(folder: Folder, path: Path) -> Iterator[Editor]:
    """Lock, read, let the caller change the tree, verify, write atomically."""
    with case_lock(folder, path.stem):
        loaded = read_case(path)
        editor = Editor(folder, loaded)
        yield editor
        if editor.changed:
            text = editor.text()
            editor.new_case = verify_text(text, path)  # type: ignore[attr-defined]
            atomic_write(path, text, expect=loaded.stamp)


def create_case(folder: Folder, case_id: str, data: Mapping[str, Any]) -> Path:
    """Write a new case file (mode 0600); never overwrite an existing one."""
    if not valid_id(case_id):
        raise CtiError(f"{case_id!r} is not a valid case id",
                       hint="letters, digits, '-' and '_', starting with a letter or digit")
    folder.cases_dir.mkdir(mode=0o700, exist_ok=True)
    path = folder.cases_dir / f"{case_id}.yaml"
    text = SCHEMA_HEADER + dump_text(to_yaml(dict(data)))
    # a new case is made of what the user typed: an invalid value is their mistake to fix,
    # not a bug (as it would be if an edit of a valid file came out invalid)
    made, _parsed, findings = validate_text(text, str(path))
    if made is None:
        first = findings[0]
        raise UsageError(f"the new case would not be valid: {first.message}",
                         hint=first.hint or "check the values given to `cti new`")
    with case_lock(folder, case_id):
        if case_id in used_ids(folder):
            raise CtiError(f"case id {case_id} is already used", hint="choose another --id")
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(text.encode("utf-8"))
                os.fchmod(fh.fileno(), 0o600)
                os.fsync(fh.fileno())
            os.link(tmp, path)  # fails if the path exists: no silent overwrite
        except FileExistsError:
            raise CtiError(f"case id {case_id} is already used",
                           hint="choose another --id") from None
        finally:
            os.unlink(tmp)
        atomic.fsync_dir(path.parent)
    return path


