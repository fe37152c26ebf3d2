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
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cti_cli.core.errors import CaseFileError, ConcurrentChange, CtiError, UsageError
from cti_cli.locale import _
from cti_cli.storage import atomic
from cti_cli.storage.store import (
    SCHEMA_HEADER,
    Folder,
    Loaded,
    Stamp,
    decode_bytes,
    display_path,
    ensure_state_dir,
    read_bytes,
    used_ids,
    valid_id,
    validate_text,
    validated,
)

if TYPE_CHECKING:
    from cti_cli.core.model import Case
    from cti_cli.storage.yamlread import Parsed

LOCK_TIMEOUT = 60.0


def not_writable(where: Path, exc: OSError) -> CtiError:
    """A clear message for a folder cti may not write (read-only, full, no permission)."""
    return CtiError(_("cannot change anything in {folder}: {reason}").format(
        folder=where, reason=exc.strerror or type(exc).__name__),
        hint=_("nothing was written; make the folder writable (or free disk space) and run "
               "the command again"))


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
            raise ConcurrentChange(_("{path} was removed while it was being changed").format(
                                       path=path),
                                   hint=_("nothing was written; check `git status`")) from None
        mode = st.st_mode & 0o7777
        if not expect.same_stat(st):
            current = path.read_bytes()
            if hashlib.sha256(current).hexdigest() != expect.sha256:
                raise ConcurrentChange(
                    _("{path} changed on disk while cti was working on it").format(path=path),
                    hint=_("nothing was written and nothing is lost: run the command again"))
    try:
        atomic.replace(path, data, mode=mode)
    except OSError as exc:
        raise CtiError(_("could not write {path}: {reason}").format(
                           path=path, reason=exc.strerror),
                       hint=_("the old file is unchanged; free disk space or fix "
                              "permissions, then run the command again")) from None


@contextmanager
def case_lock(folder: Folder, case_id: str, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Serialise writers of one case across processes (the data file itself is not locked:
    after os.replace a lock on it would sit on the old inode).

    On POSIX an flock(2) on the lock file, as filelock's own Unix lock takes it, without
    importing filelock (logging and more: ~5 % of a `cti log`); filelock elsewhere.
    """
    try:
        locks = ensure_state_dir(folder) / "locks"
        locks.mkdir(mode=0o700, exist_ok=True)
        fd = os.open(locks / f"{case_id}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:  # a read-only folder or file system, a full disk
        raise not_writable(folder.root, exc) from None
    busy = CtiError(_("case {case_id} is being changed by another cti process").format(
                        case_id=case_id),
                    hint=_("wait a moment and run the command again"))
    try:
        import fcntl
    except ImportError:  # not POSIX
        from filelock import FileLock, Timeout

        os.close(fd)
        try:
            with FileLock(str(locks / f"{case_id}.lock"), timeout=timeout):
                yield
        except Timeout:
            raise busy from None
        return
    import time

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


def newline_of(text: str) -> str:
    """The file's line break, by its first line: CRLF files stay CRLF when cti writes."""
    end = text.find("\n")
    return "\r\n" if end > 0 and text[end - 1] == "\r" else "\n"


def with_newline(text: str, newline: str) -> str:
    """`text` with every line break `newline` (a CRLF file read, changed and written)."""
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    return text if newline == "\n" else text.replace("\n", newline)


_DIRECTIVES = re.compile(r"\A((?:(?:%[^\n]*|#[^\n]*|[ \t]*)\n)*?---[^\n]*\n)", re.M)


def _split_directives(text: str) -> tuple[str, str]:
    """(`%YAML 1.1` … `---` lines, the rest). cti reads every file as YAML 1.2 whatever its
    directive says; ruamel would load and write a 1.1 file by 1.1 rules (`10:00` is 600),
    so it gets the document alone and the directive lines are written back unchanged."""
    if not text.lstrip("\ufeff").startswith(("%", "#")) or "\n%" not in "\n" + text:
        return "", text
    m = _DIRECTIVES.match(text)
    if m is None or not any(ln.startswith("%") for ln in m.group(1).splitlines()):
        return "", text
    return m.group(1), text[m.end():]


def _load_rt(yaml: Any, text: str) -> tuple[Any, str]:
    """Load with ruamel what cti's reader (libyaml) accepted; (tree, the text it loaded).

    libyaml takes a TAB after `key:` as white space, ruamel's scanner refuses it: such a
    TAB becomes a space (the one change made to lines the command did not touch). Anything
    else ruamel cannot load is a clear message, never an internal error.
    """
    from ruamel.yaml.error import MarkedYAMLError

    for _attempt in range(200):
        try:
            return yaml.load(text), text
        except MarkedYAMLError as exc:
            mark = exc.problem_mark
            at = getattr(mark, "index", None)
            if at is not None and 0 <= at < len(text) and text[at] == "\t":
                text = text[:at] + " " + text[at + 1:]
                continue
            raise CtiError(_("cti cannot change this file: line {line} is written in a way "
                             "its writer does not follow").format(
                                 line=mark.line + 1 if mark is not None else 1),
                           hint=_("change it by hand with `cti edit`, or write that line "
                                  "plainly (spaces, not tabs; no directives)")) from None
    raise CtiError(_("cti cannot change this file: too many tabs between keys and values"),
                   hint=_("replace the tabs with spaces (`cti edit`)"))


class Editor:
    """A case document open for change.

    Appends to a list and changes of a nested value (`set_in`, `delete_in`) are made in the
    text when that can be done plainly (`fastappend`, `textedit`), each recorded together
    with the data the file must then read as; anything else, or any of those the text cannot
    take, goes through the ruamel tree (`doc`), which keeps comments and order: asking for
    `doc` loads the original text and replays the changes made so far.

    Whatever `check` accepts can be written: CRLF files stay CRLF, a `%YAML` directive and
    the comments before `---` stay as they were, a TAB after `key:` is read.
    """

    def __init__(self, folder: Folder, loaded: Loaded):
        self.folder = folder
        self.loaded = loaded
        self.changed = False
        self._doc: Any = None
        self.yaml: Any = None
        self.head, self.source = "", loaded.text  # set again when the tree is loaded
        self._ops: list[tuple[str, tuple[Any, ...]]] = []
        # text mode: the edited text and the data it must read as (None: tree mode)
        data = loaded.parsed.data
        self._text: str | None = loaded.text if isinstance(data, dict) else None
        self._expect: dict[str, Any] | None = data if isinstance(data, dict) else None

    @property
    def case(self) -> Case:
        return self.loaded.case

    @property
    def doc(self) -> Any:
        if self._doc is None:
            self.head, body = _split_directives(with_newline(self.loaded.text, "\n"))
            self.yaml = _yaml_rt()
            _configure_indent(self.yaml, body)
            self._doc, self.source = _load_rt(self.yaml, body)
            ops, self._ops = self._ops, []
            self._text = self._expect = None
            for name, args in ops:
                getattr(self, f"_tree_{name}")(*args)
        return self._doc

    @property
    def text_mode(self) -> bool:
        return self._text is not None

    def expected(self) -> dict[str, Any] | None:
        """In text mode, the data the edited text must read as."""
        return self._expect

    def section(self, key: str, factory: Callable[[], Any]) -> Any:
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        value = self.doc.get(key)
        if value is None:
            made = factory()
            value = CommentedSeq(made) if isinstance(made, list) else CommentedMap(made)
            self.doc[key] = value
        return value

    def append(self, key: str, entry: Mapping[str, Any]) -> None:
        self.changed = True
        if self._text is not None and self._expect is not None:
            from cti_cli.storage.fastappend import append_locally

            listed = self._expect.get(key)
            plain = dict(entry)
            if isinstance(listed, list) and listed and not _needs_quotes(plain):
                new = append_locally(self._text, key, plain, listed[-1])
                if new is not None:
                    self._text = new
                    self._expect = {**self._expect, key: [*listed, plain]}
                    self._ops.append(("append", (key, entry)))
                    return
        self.doc  # noqa: B018 - the tree from here on
        self._tree_append(key, entry)

    def _tree_append(self, key: str, entry: Mapping[str, Any]) -> None:
        self.section(key, list).append(to_yaml(entry))

    def set_in(self, path: tuple[str, ...], value: Any) -> None:
        """Set a value in nested mappings (made when missing), e.g. a checklist answer."""
        self.changed = True
        if self._text is not None and self._expect is not None:
            from cti_cli.storage.textedit import set_nested

            new = None if _needs_quotes(value) else set_nested(self._text, path, value)
            expect = _set_plain(self._expect, path, value)
            if new is not None and _reads_as(self._text, new, path[0], expect):
                self._text, self._expect = new, expect
                self._ops.append(("set_in", (path, value)))
                return
        self.doc  # noqa: B018
        self._tree_set_in(path, value)

    def _tree_set_in(self, path: tuple[str, ...], value: Any) -> None:
        node = self.section(path[0], dict)
        for key in path[1:-1]:
            if node.get(key) is None:
                node[key] = to_yaml({})
            node = node[key]
        node[path[-1]] = to_yaml(value)

    def delete_in(self, path: tuple[str, ...]) -> None:
        """Remove a value from nested mappings, and every mapping that it leaves empty."""
        self.changed = True
        if self._text is not None and self._expect is not None:
            from cti_cli.storage.textedit import delete_nested

            new = delete_nested(self._text, path)
            expect = _delete_plain(self._expect, path)
            if new is not None and _reads_as(self._text, new, path[0], expect):
                self._text, self._expect = new, expect
                self._ops.append(("delete_in", (path,)))
                return
        self.doc  # noqa: B018
        self._tree_delete_in(path)

    def _tree_delete_in(self, path: tuple[str, ...]) -> None:
        nodes = [self.doc]
        for key in path[:-1]:
            nodes.append(nodes[-1][key])
        del nodes[-1][path[-1]]
        for depth in range(len(path) - 1, 0, -1):
            if nodes[depth]:
                break
            del nodes[depth - 1][path[depth - 1]]

    def set(self, key: str, value: Any) -> None:
        self.doc[key] = to_yaml(value)
        self.changed = True

    def text(self) -> str:
        newline = newline_of(self.loaded.text)
        if self._text is not None:
            return with_newline(self._text, newline) if newline != "\n" else self._text
        buf = io.StringIO()
        self.yaml.dump(self.doc, buf)
        return with_newline(self.head + keep_wrapping(self.source, buf.getvalue()), newline)


def _reads_as(old: str, new: str, key: str, expect: dict[str, Any]) -> bool:
    """Whether `new`, which differs from `old` only in top-level `key`'s block, reads as
    `expect` there: that block alone is parsed, not the whole file (`textedit`)."""
    from cti_cli.storage.textedit import changed_only
    from cti_cli.storage.yamlread import ReadError, parse

    block = changed_only(old, new, key)
    if block is None:
        return False
    try:
        data = parse(block).data if block.strip() else None
    except ReadError:
        return False
    if key not in expect:
        return data is None or data == {}
    return isinstance(data, dict) and data == {key: expect[key]}


def _needs_quotes(value: Any) -> bool:
    """A string `to_yaml` would quote for YAML 1.1 readers: leave it to the tree."""
    if isinstance(value, str):
        return _yaml11_reads_otherwise(value)
    if isinstance(value, Mapping):
        return any(_needs_quotes(v) for v in value.values())
    if isinstance(value, list):
        return any(_needs_quotes(v) for v in value)
    return False


def _set_plain(data: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    """A copy of `data` with `path` set, as `Editor._tree_set_in` sets it in the tree."""
    if len(path) == 1:
        return {**data, path[0]: value}
    inner = data.get(path[0])
    return {**data, path[0]: _set_plain(inner if isinstance(inner, dict) else {}, path[1:],
                                        value)}


def _delete_plain(data: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    """A copy of `data` without `path`, and without the mappings that leaves empty."""
    copy = dict(data)
    if len(path) == 1:
        del copy[path[0]]
    else:
        inner = _delete_plain(data[path[0]], path[1:])
        if inner:
            copy[path[0]] = inner
        else:
            del copy[path[0]]
    return copy


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
    # lines equal at both ends are kept as they are: the diff below sees only the middle.
    # SequenceMatcher is quadratic in runs of equal lines (75,000 `- date: …` lines took
    # over ten minutes), and a command changes a few lines in one place.
    lo = 0
    while lo < len(a) and lo < len(b) and a[lo] == b[lo]:
        lo += 1
    hi = 0
    while hi < len(a) - lo and hi < len(b) - lo and a[-1 - hi] == b[-1 - hi]:
        hi += 1
    merged: list[str] = a[:lo]
    tail = a[len(a) - hi:]
    a, b = a[lo:len(a) - hi], b[lo:len(b) - hi]
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
    text = "".join(merged + tail)
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
        raise CtiError(_("refusing to write {path}: the result would not be valid "
                         "({code} {message} at line {line})").format(
                           path=path, code=first.code, message=first.message,
                           line=first.line),
                       hint=_("nothing was written; please report this as a bug")) from None
    return case


def read_for_edit(folder: Folder, path: Path) -> Loaded:
    """The case as `read_case` gives it; from the cache's proof when it holds these exact
    bytes (cti wrote or checked them), which spares parsing and validating the file again."""
    from cti_cli.storage import cache
    from cti_cli.storage.yamlread import Parsed

    shown = display_path(path)
    raw, st = read_bytes(path)
    stamp = Stamp.of(st, raw)
    text, findings = decode_bytes(raw, shown)
    if text is None:
        raise CaseFileError(path, findings)
    proof = cache.load_proof(folder.state_dir, path.stem, stamp.sha256)
    if proof is not None and proof[1] is not None:
        from cti_cli.core.model import construct_case

        return Loaded(path, text, stamp, construct_case(proof[0]), Parsed(proof[1]))
    case, parsed = validated(path, text, shown)
    return Loaded(path, text, stamp, case, parsed)


def remember(folder: Folder, path: Path, text: str, case: Case, data: Any) -> None:
    """Keep the proof that `text` validated (as `case`, read as `data`) for the next edit."""
    from cti_cli.storage import cache

    cache.save_proof(folder.state_dir, path.stem,
                     hashlib.sha256(text.encode("utf-8")).hexdigest(),
                     case.model_dump(exclude_unset=True), data if isinstance(data, dict) else None)


@contextmanager
def editing(folder: Folder, path: Path) -> Iterator[Editor]:
    """Lock, read, let the caller change the tree, verify, write atomically."""
    with case_lock(folder, path.stem):
        loaded = read_for_edit(folder, path)
        editor = Editor(folder, loaded)
        yield editor
        if editor.changed:
            text = editor.text()
            parsed: Parsed | None
            if editor.text_mode:
                # each change was checked to read as expected, the rest of the file read as
                # before (the proof, or the read): validate the data, no need to parse it
                from cti_cli.storage.validate import validate
                from cti_cli.storage.yamlread import Parsed as Plain

                parsed = Plain(editor.expected())
                case, findings = validate(parsed, str(path))
            else:
                case, parsed, findings = validate_text(text, str(path))
            if editor.text_mode and (case is None or parsed is None):
                editor.doc  # noqa: B018 - edited in place wrongly: through the tree after all
                text = editor.text()
                case, parsed, findings = validate_text(text, str(path))
            if case is None or parsed is None:
                first = findings[0]
                raise CtiError(_("refusing to write {path}: the result would not be valid "
                                 "({code} {message} at line {line})").format(
                                   path=path, code=first.code, message=first.message,
                                   line=first.line),
                               hint=_("nothing was written; please report this as a bug"))
            editor.new_case = case  # type: ignore[attr-defined]
            atomic_write(path, text, expect=loaded.stamp)
            remember(folder, path, text, case, parsed.data)


def create_case(folder: Folder, case_id: str, data: Mapping[str, Any]) -> Path:
    """Write a new case file (mode 0600); never overwrite an existing one."""
    if not valid_id(case_id):
        raise CtiError(_("{case_id} is not a valid case id").format(case_id=repr(case_id)),
                       hint=_("letters, digits, '-' and '_', starting with a letter or digit"))
    folder.cases_dir.mkdir(mode=0o700, exist_ok=True)
    path = folder.cases_dir / f"{case_id}.yaml"
    text = SCHEMA_HEADER + dump_text(to_yaml(dict(data)))
    # a new case is made of what the user typed: an invalid value is their mistake to fix,
    # not a bug (as it would be if an edit of a valid file came out invalid)
    made, _parsed, findings = validate_text(text, str(path))
    if made is None:
        first = findings[0]
        raise UsageError(_("the new case would not be valid: {problem}").format(
                             problem=first.message),
                         hint=first.hint or _("check the values given to `cti new`"))
    with case_lock(folder, case_id):
        if case_id in used_ids(folder):
            raise CtiError(_("case id {case_id} is already used").format(case_id=case_id),
                           hint=_("choose another --id"))
        import tempfile

        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        except OSError as exc:
            raise not_writable(path.parent, exc) from None
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(text.encode("utf-8"))
                os.fchmod(fh.fileno(), 0o600)
                os.fsync(fh.fileno())
            os.link(tmp, path)  # fails if the path exists: no silent overwrite
        except FileExistsError:
            raise CtiError(_("case id {case_id} is already used").format(case_id=case_id),
                           hint=_("choose another --id")) from None
        finally:
            os.unlink(tmp)
        atomic.fsync_dir(path.parent)
        remember(folder, path, text, made, _parsed.data if _parsed is not None else None)
    return path


