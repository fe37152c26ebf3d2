"""All reading and writing of the case folder: the only module that touches case files.

Writes are atomic (temp file in the same folder, fsync, rename), keep the file's mode,
refuse to overwrite a file that changed since it was read, and are verified by reading the
new text back before it replaces the old one: a file the tool cannot read is never written.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cti_cli.core.errors import (
    CaseFileError,
    CaseNotFound,
    ConcurrentChange,
    CtiError,
    FolderNotFound,
    UsageError,
)
from cti_cli.core.findings import Finding
from cti_cli.core.settings import TeamConfig
from cti_cli.storage import atomic
from cti_cli.storage.config import CONFIG_NAME, load_config

if TYPE_CHECKING:  # imported where used: `list` over a cached folder needs neither
    from cti_cli.core.model import Case
    from cti_cli.storage.yamlread import Parsed

# model.CASE_ID_PATTERN, repeated so naming a case needs no pydantic (a test holds them equal)
CASE_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")

CASES_DIR = "cases"
STATE_DIR = ".cti"
SCHEMA_HEADER = "# yaml-language-server: $schema=../schemas/case.schema.json\n"
LOCK_TIMEOUT = 60.0


# --- the folder ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Folder:
    root: Path
    config: TeamConfig

    @property
    def cases_dir(self) -> Path:
        return self.root / CASES_DIR

    @property
    def state_dir(self) -> Path:
        return self.root / STATE_DIR

    def rel(self, path: Path) -> str:
        return display_path(path)


def display_path(path: Path) -> str:
    """A path as people see it: relative to where they stand, unless that climbs out."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


def find_root(start: Path) -> Path | None:
    """Walk up from `start` to the folder holding cti.toml, as git finds its repository."""
    here = start.resolve()
    for candidate in (here, *here.parents):
        if (candidate / CONFIG_NAME).is_file():
            return candidate
    return None


def open_folder(explicit: Path | None = None, *, cwd: Path | None = None,
                env: Mapping[str, str] = os.environ) -> Folder:
    if explicit is None and env.get("CTI_DIR"):
        explicit = Path(env["CTI_DIR"])
    if explicit is not None:
        root = explicit.resolve()
        if not (root / CONFIG_NAME).is_file():
            raise FolderNotFound(f"{explicit} is not a cti case folder (no {CONFIG_NAME})",
                                 hint="create one with `cti init DIR`")
    else:
        found = find_root(cwd or Path.cwd())
        if found is None:
            raise FolderNotFound(f"no {CONFIG_NAME} here or in any parent folder",
                                 hint="run inside a case folder, pass `-C DIR`, set CTI_DIR, "
                                 "or create one with `cti init`")
        root = found
    return Folder(root, load_config(root / CONFIG_NAME))


def ensure_state_dir(folder: Folder) -> Path:
    path = folder.state_dir
    path.mkdir(mode=0o700, exist_ok=True)
    return path


# --- naming cases -------------------------------------------------------------------------


def valid_id(case_id: str) -> bool:
    # fullmatch: re.match would accept "abc\n"
    return CASE_ID_RE.fullmatch(case_id) is not None


def case_path(folder: Folder, ref: str) -> Path:
    """The file a case id or path names; it must lie inside the folder's cases/."""
    cases = folder.cases_dir.resolve()
    if valid_id(ref):
        path = cases / f"{ref}.yaml"
    elif ref.endswith((".yaml", ".yml")):
        path = Path(ref)
        path = (path if path.is_absolute() else Path.cwd() / path)
    else:
        raise CaseNotFound(f"{ref!r} is neither a case id nor a case file path",
                           hint="ids are letters, digits, '-' and '_'; see `cti list`")
    resolved = path.resolve()
    if resolved.parent != cases:
        raise CaseNotFound(f"{ref} is not in this folder's cases/ ({folder.rel(cases)})",
                           hint="name a case by its id, e.g. `cti show 2026-004`")
    if not resolved.is_file():
        raise CaseNotFound(f"no case {ref!r} in {folder.rel(cases)}",
                           hint="see `cti list` for the cases")
    return resolved


def iter_case_paths(folder: Folder) -> list[Path]:
    try:
        entries = list(os.scandir(folder.cases_dir))
    except FileNotFoundError:
        return []
    return sorted(Path(e.path) for e in entries
                  if e.name.endswith(".yaml") and not e.name.startswith("."))


RETIRED = ".retired"


def used_ids(folder: Folder) -> set[str]:
    ids = {p.stem for p in iter_case_paths(folder)}
    retired = folder.cases_dir / RETIRED
    if retired.is_file():
        ids |= {line.strip() for line in retired.read_text("utf-8").splitlines() if line.strip()}
    return ids


def next_id(folder: Folder, year: int) -> str:
    """`YYYY-NNN`, one past the highest of that year ever used (purged ids stay retired)."""
    pattern = re.compile(rf"{year}-(\d+)")
    numbers = [int(m.group(1)) for i in used_ids(folder) if (m := pattern.fullmatch(i))]
    return f"{year}-{max(numbers, default=0) + 1:03d}"


# --- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stamp:
    """What a file looked like when read, to detect a change before we overwrite it."""

    mtime_ns: int
    size: int
    inode: int
    sha256: str

    @classmethod
    def of(cls, st: os.stat_result, raw: bytes) -> Stamp:
        return cls(st.st_mtime_ns, st.st_size, st.st_ino, hashlib.sha256(raw).hexdigest())

    def same_stat(self, st: os.stat_result) -> bool:
        return (st.st_mtime_ns, st.st_size, st.st_ino) == (self.mtime_ns, self.size, self.inode)


@dataclass(frozen=True)
class Loaded:
    path: Path
    text: str
    stamp: Stamp
    case: Case
    parsed: Parsed


def read_bytes(path: Path) -> tuple[bytes, os.stat_result]:
    """At most MAX_BYTES + 1 bytes of a regular file that lies in its own folder.

    A symlink out of the folder is not followed: it could list another team's cases, or
    echo a secret file's keys in error messages. A FIFO or device is not opened (the read
    would block or never end), and a huge file is not read whole (decode refuses it).
    """
    from cti_cli.storage.yamlread import MAX_BYTES

    try:
        if path.is_symlink() and path.resolve().parent != path.absolute().parent.resolve():
            raise CtiError(f"{display_path(path)} is a symbolic link to a file outside its "
                           "folder: not read",
                           hint="replace the link by the file itself, or remove it")
        if path.exists() and not path.is_dir() and not path.is_file():
            raise CtiError(f"{display_path(path)} is not a regular file: not read")
        with path.open("rb") as fh:
            st = os.fstat(fh.fileno())
            return fh.read(MAX_BYTES + 1), st
    except FileNotFoundError:
        raise CaseNotFound(f"{path}: no such case file") from None
    except IsADirectoryError:
        raise CtiError(f"{path} is a folder, not a case file") from None
    except OSError as exc:
        raise CtiError(f"cannot read {path}: {exc.strerror}") from None


def parse_text(text: str, shown: str, *, positions: bool = False) -> tuple[Parsed | None,
                                                                          list[Finding]]:
    from cti_cli.storage.yamlread import ReadError, parse

    try:
        return parse(text, positions=positions), []
    except ReadError as exc:
        return None, [Finding(shown, exc.line, exc.column, exc.code, "error", exc.message,
                              exc.hint)]


def validate_text(text: str, shown: str) -> tuple[Case | None, Parsed | None, list[Finding]]:
    """Parse and validate; on failure parse again with positions so findings have lines."""
    from cti_cli.storage.validate import validate

    parsed, findings = parse_text(text, shown)
    if parsed is None:
        return None, None, findings
    case, findings = validate(parsed, shown)
    if findings:
        parsed, _ = parse_text(text, shown, positions=True)
        assert parsed is not None
        case, findings = validate(parsed, shown)
    return case, parsed, findings


def decode_bytes(raw: bytes, shown: str) -> tuple[str | None, list[Finding]]:
    from cti_cli.storage.yamlread import ReadError, decode

    try:
        return decode(raw), []
    except ReadError as exc:
        return None, [Finding(shown, exc.line, exc.column, exc.code, "error", exc.message,
                              exc.hint)]


def read_case(path: Path, shown: str | None = None) -> Loaded:
    """A validated case, or CaseFileError carrying every finding with line and column."""
    shown = shown or display_path(path)
    raw, st = read_bytes(path)
    text, findings = decode_bytes(raw, shown)
    if text is None:
        raise CaseFileError(path, findings)
    case, parsed = _validated(path, text, shown)
    return Loaded(path, text, Stamp.of(st, raw), case, parsed)


def _validated(path: Path, text: str, shown: str) -> tuple[Case, Parsed]:
    case, parsed, findings = validate_text(text, shown)
    if case is None or parsed is None:
        raise CaseFileError(path, findings)
    if case.id != path.stem:
        line, col = parsed.position(("id",))
        raise CaseFileError(path, [Finding(shown, line, col, "E201", "error",
                                           f"id '{case.id}' does not match the file name",
                                           f"rename the file to {case.id}.yaml or fix the id")])
    return case, parsed


# --- writing ------------------------------------------------------------------------------


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
    after os.replace a lock on it would sit on the old inode)."""
    from filelock import FileLock, Timeout

    locks = ensure_state_dir(folder) / "locks"
    locks.mkdir(mode=0o700, exist_ok=True)
    lock = FileLock(str(locks / f"{case_id}.lock"), timeout=timeout)
    try:
        with lock:
            yield
    except Timeout:
        raise CtiError(f"case {case_id} is being changed by another cti process",
                       hint="wait a moment and run the command again") from None


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


def new_entry_id() -> str:
    """A short stable id for a contact entry, so merges can tell entries apart."""
    return "c" + secrets.token_hex(3)  # a letter first: YAML never reads it as a number


_ENTRY_MODELS = {"contacts": "Contact", "appointments": "Appointment"}


def append_entry(folder: Folder, path: Path, section: str, entry: Mapping[str, Any], *,
                 check: Callable[[Case, Any], None] | None = None) -> Case:
    """Append one entry to a list section (the contact log, appointments) and save.

    `check` sees the current case before anything is written and may refuse the entry.
    Fast path: the entry's text is inserted at the end of its list (fastappend), and the
    file must read back as the old data plus the entry. The old file is trusted without
    re-validation only when `.cti/cache/proof` holds its validated data under the SHA-256
    of its exact bytes (cti wrote or checked it); otherwise it is validated in full.
    """
    from cti_cli.core import model
    from cti_cli.core.model import construct_case
    from cti_cli.storage import cache
    from cti_cli.storage.fastappend import insert_entry
    from cti_cli.storage.yamlread import parse

    model_name = _ENTRY_MODELS.get(section)
    with case_lock(folder, path.stem):
        raw, st = read_bytes(path)
        stamp = Stamp.of(st, raw)
        shown = display_path(path)
        text, findings = decode_bytes(raw, shown)
        if text is None:
            raise CaseFileError(path, findings)
        data = cache.load_proof(folder.state_dir, path.stem, stamp.sha256)
        proven = data is not None
        if data is not None:
            case = construct_case(data)
        else:
            case = _validated(path, text, shown)[0]
            data = case.model_dump(exclude_unset=True)
        if check is not None:
            check(case, entry)
        new_text = None
        if model_name is not None:
            item = getattr(model, model_name).model_validate(dict(entry))
            new_text = insert_entry(text, section, dict(entry))
            if new_text is not None:
                old = parse(text).data
                expected = {**old, section: [*old[section], dict(entry)]}
                if parse(new_text).data != expected:
                    new_text = None  # pragma: no cover - insert_entry is held to this in tests
        if new_text is not None:
            new_data = {**data, section: [*data.get(section, []),
                                          item.model_dump(exclude_unset=True)]}
            new_case = construct_case(new_data)
            if not proven:
                new_case = verify_text(new_text, path)
        else:
            editor = Editor(folder, Loaded(path, text, stamp, case, _no_positions()))
            editor.append(section, entry)
            new_text = editor.text()
            new_case = verify_text(new_text, path)
            new_data = new_case.model_dump(exclude_unset=True)
        atomic_write(path, new_text, expect=stamp)
        cache.save_proof(folder.state_dir, path.stem,
                         hashlib.sha256(new_text.encode("utf-8")).hexdigest(), new_data)
    return new_case


def _no_positions() -> Any:
    from cti_cli.storage.yamlread import Parsed

    return Parsed(None)
