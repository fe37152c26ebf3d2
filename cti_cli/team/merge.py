"""Three-way merge of case files, run by git as the `cti` merge driver.

Git's line merge sees a case file as text: two workers who each log a contact append at the
same spot and collide, and `merge=union` "succeeds" with duplicate keys. This merge works on
the YAML structure instead: list entries are matched by identity, mappings key by key, and
only a field that both sides changed differently is a conflict. The result is built from
OURS with ruamel round-trip so people's comments, key order and formatting survive.
"""

from __future__ import annotations

import io
import json
import re
import secrets
import subprocess
import sys
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.scalarbool import ScalarBoolean
from ruamel.yaml.scalarfloat import ScalarFloat
from ruamel.yaml.scalarint import ScalarInt
from ruamel.yaml.tokens import CommentToken

from cti_cli.core.safetext import shown
from cti_cli.storage.yamlread import OURS_MARKER, SEP_MARKER, THEIRS_MARKER

__all__ = [
    "COURSE_UNIT",
    "Conflict",
    "MergeError",
    "MergeResult",
    "TwoCitizens",
    "main",
    "merge_texts",
    "parses",
    "take_side",
]


# How entries of the top-level lists are matched across the three versions. Other lists match
# mappings by `id` when they have one and everything else by its whole content.
_KEYED_BY: Final[dict[str, tuple[str, ...]]] = {
    "contacts": ("id",),
    "goals": ("id",),
    "network": ("name",),
    "appointments": ("date", "time", "with"),
    "phases": ("name",),
}
# The course's state: which phase, whether closed, and the gate checklists. A concurrent
# `advance` and `close` merged key by key gives a file `check` rejects (E203, E205), so when
# one side moved the course (phases or closed) and the other changed any of it differently,
# the differing keys are one conflict, explained in words by `cti sync`.
COURSE_UNIT: Final = ("phases", "closed", "checklists")
_COURSE_MOVES: Final = ("phases", "closed")
# What tells two citizens apart in a file both sides added (`cti new` offline, same id).
_CITIZEN_KEYS: Final = ("citizen", "target_group", "transition")
_SORTED_BY: Final[dict[str, tuple[str, ...]]] = {
    "contacts": ("date",),
    "appointments": ("date", "time"),
}


@dataclass(frozen=True)
class Conflict:
    """One field both sides changed differently; `path` is like `goals[g1].status`."""

    path: str
    ours: str
    theirs: str


@dataclass(frozen=True)
class MergeResult:
    """The merged text; with conflicts it holds git-style markers and is not valid YAML."""

    text: str
    conflicts: list[Conflict]

    @property
    def clean(self) -> bool:
        return not self.conflicts


class MergeError(ValueError):
    """A side is not a YAML mapping, so only a line merge can keep everything."""


class TwoCitizens(MergeError):
    """Both sides added the file for different citizens: never merge them into one."""


class _Missing:
    """Marks a key or entry absent on one side (deleted, or never there)."""

    def __repr__(self) -> str:
        return "(missing)"


MISSING: Final = _Missing()


@dataclass
class _Pending:
    token: str
    path: str
    ours: Any
    theirs: Any


# --------------------------------------------------------------------------- loading / dumping


def _yaml_for(text: str) -> YAML:
    """A round-trip YAML that writes the way OURS is written, so unchanged parts stay as-is."""
    yaml = YAML()
    yaml.preserve_quotes = True  # "10:00" must stay quoted: YAML 1.1 readers see 600 otherwise
    mapping, sequence, offset = _detect_indent(text)
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    # Fold long lines only if the file's writer does: refolding would rewrite every long note.
    yaml.width = 4096 if any(len(line) > 80 for line in text.splitlines()) else 80
    yaml.explicit_start = bool(re.match(r"(?:\s*#[^\n]*\n|\s*\n)*---\s*$", text, re.MULTILINE))
    return yaml


def _detect_indent(text: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) as ruamel's `indent()` takes them, from a block list."""
    previous: str | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        dash = re.match(r"( *)- ", line)
        if dash and previous is not None:
            parent = re.match(r"( *)[^\s-][^:]*:\s*(#.*)?$", previous)
            if parent:
                offset = len(dash.group(1)) - len(parent.group(1))
                if offset >= 0:
                    return 2, offset + 2, offset
        previous = line
    return 2, 2, 0


def _load(yaml: YAML, text: str, side: str, *, empty_ok: bool = False) -> CommentedMap:
    try:
        data = yaml.load(text)
    except YAMLError as exc:
        raise MergeError(f"{side} is not valid YAML: {exc.__class__.__name__}") from exc
    if data is None and empty_ok:
        return CommentedMap()
    if not isinstance(data, CommentedMap):
        raise MergeError(f"{side} is not a YAML mapping of case fields")
    return data


def _dump(yaml: YAML, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


# --------------------------------------------------------------------------- values


def _plain(node: Any) -> Any:
    """Comparable plain data: ruamel's scalar subclasses and ordered maps compare oddly."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, ScalarBoolean):
        return bool(node)
    if isinstance(node, ScalarInt):
        return int(node)
    if isinstance(node, ScalarFloat):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node


def _canon(node: Any) -> str:
    return json.dumps(_plain(node), sort_keys=True, default=str, ensure_ascii=False)


def _same(a: Any, b: Any) -> bool:
    if a is MISSING or b is MISSING:
        return a is b
    return _canon(a) == _canon(b)


def _show(node: Any) -> str:
    if node is MISSING:
        return "(deleted)"
    plain = _plain(node)
    if isinstance(plain, dict | list):
        return json.dumps(plain, ensure_ascii=False, default=str)
    return str(plain)


def _is_block(node: Any) -> bool:
    return isinstance(node, CommentedMap | CommentedSeq) and bool(node) and not node.fa.flow_style()


# --------------------------------------------------------------------------- comments
# ruamel keeps the comment lines that follow a collection on its last scalar, together with
# that scalar's end-of-line comment. When entries are added after it, those lines (often the
# heading of the next section) must move to the new last entry, or they end up mid-list.


def _last_slot(node: Any, create: bool) -> tuple[list[Any], int] | None:
    if not _is_block(node):
        return None
    if isinstance(node, CommentedMap):
        key = next(reversed(node))
        if _is_block(node[key]):
            return _last_slot(node[key], create)
        slots, index = node.ca.items.get(key), 2
        if slots is None and create:
            slots = node.ca.items[key] = [None, None, None, None]
    else:
        key = len(node) - 1
        if _is_block(node[key]):
            return _last_slot(node[key], create)
        slots, index = node.ca.items.get(key), 0
        if slots is None and create:
            slots = node.ca.items[key] = [None, None]
    return None if slots is None else (slots, index)


def _detach_trailing(node: Any) -> str:
    """Cut the lines after node's last line off its comment; returns them."""
    slot = _last_slot(node, create=False)
    if slot is None:
        return ""
    slots, index = slot
    token = slots[index]
    if not isinstance(token, CommentToken):
        return ""
    first, _, rest = token.value.partition("\n")
    token.value = first + "\n"
    return rest


def _attach_trailing(node: Any, rest: str) -> None:
    if not rest:
        return
    slot = _last_slot(node, create=True)
    if slot is None:
        return  # an emptied or flow collection has no line to carry them
    slots, index = slot
    token = slots[index]
    if isinstance(token, CommentToken):
        value = token.value if token.value.endswith("\n") else token.value + "\n"
        token.value = value + rest
    else:
        slots[index] = CommentToken("\n" + rest, CommentMark(0), None)


def _eol_only(slots: list[Any] | None, index: int) -> list[Any] | None:
    """A copy of a comment slot list keeping only the end-of-line comment."""
    if slots is None or not isinstance(slots[index], CommentToken):
        return None
    copy: list[Any] = [None] * len(slots)
    token = slots[index]
    first = token.value.partition("\n")[0]
    if first.strip():
        copy[index] = CommentToken(first + "\n", CommentMark(token.column), None)
        return copy
    return None


# --------------------------------------------------------------------------- merging


def _identity(path: str) -> Callable[[Any], Hashable]:
    fields = _KEYED_BY.get(path, ("id",))

    def key(item: Any) -> Hashable:
        if isinstance(item, dict) and all(f in item for f in fields):
            return ("key", _canon([item[f] for f in fields]))
        return ("content", _canon(item))

    return key


def _label(path: str, item: Any, position: int) -> str:
    fields = _KEYED_BY.get(path, ("id",))
    if isinstance(item, dict) and all(f in item for f in fields):
        return " ".join(str(_plain(item[f])) for f in fields if f != "with")
    return f"#{position + 1}"


def _keyed(items: Sequence[Any], key: Callable[[Any], Hashable]) -> dict[Hashable, int]:
    """Identity → index; repeated identities are numbered so no entry is dropped."""
    seen: dict[Hashable, int] = {}
    out: dict[Hashable, int] = {}
    for index, item in enumerate(items):
        ident = key(item)
        count = seen.get(ident, 0)
        seen[ident] = count + 1
        out[(ident, count)] = index
    return out


class _Merger:
    def __init__(self) -> None:
        self.pending: list[_Pending] = []
        self._nonce = secrets.token_hex(6)

    def conflict(self, path: str, ours: Any, theirs: Any) -> str:
        token = f"CTI-CONFLICT-{self._nonce}-{len(self.pending)}"
        self.pending.append(_Pending(token, path, ours, theirs))
        return token

    def value(self, path: str, base: Any, ours: Any, theirs: Any) -> Any:
        """The merged node: ours (possibly changed in place), theirs, MISSING or a marker."""
        if _same(ours, theirs) or _same(theirs, base):
            return ours
        if _same(ours, base):
            return _adopt(theirs)
        if isinstance(ours, CommentedMap) and isinstance(theirs, CommentedMap):
            self.mapping(path, base if isinstance(base, dict) else {}, ours, theirs)
            return ours
        if isinstance(ours, CommentedSeq) and isinstance(theirs, CommentedSeq):
            self.sequence(path, base if isinstance(base, list) else [], ours, theirs)
            return ours
        return self.conflict(path, ours, theirs)

    def mapping(self, path: str, base: dict[Any, Any], ours: CommentedMap, theirs: Any) -> None:
        trailing = _detach_trailing(ours)
        forced = _course_clash(base, ours, theirs) if not path else set()
        for key in [*ours, *(k for k in theirs if k not in ours)]:
            sub = f"{path}.{key}" if path else str(key)
            old = ours.get(key, MISSING)
            if key in forced:
                merged: Any = self.conflict(sub, old, theirs.get(key, MISSING))
            else:
                merged = self.value(sub, base.get(key, MISSING), old, theirs.get(key, MISSING))
            if merged is MISSING:
                if old is not MISSING:
                    del ours[key]
                    ours.ca.items.pop(key, None)  # type: ignore[attr-defined]
                continue
            if old is MISSING:
                ours.insert(_position(list(theirs), key, list(ours)), key, merged)
            elif merged is not old:
                ours[key] = merged
            comments = ours.ca.items  # type: ignore[attr-defined]
            if merged is not old and key not in comments and isinstance(theirs, dict):
                comment = _eol_only(theirs.ca.items.get(key), 2)  # type: ignore[attr-defined]
                if comment is not None:
                    comments[key] = comment
        _attach_trailing(ours, trailing)

    def sequence(self, path: str, base: list[Any], ours: CommentedSeq, theirs: Any) -> None:
        ident = _identity(path)
        b, o, t = _keyed(base, ident), _keyed(ours, ident), _keyed(theirs, ident)
        trailing = _detach_trailing(ours)
        # (identity, merged item, sort source, comment slots)
        result: list[tuple[Hashable, Any, Any, list[Any] | None]] = []
        for key, index in o.items():
            item = ours[index]
            old = base[b[key]] if key in b else MISSING
            new = theirs[t[key]] if key in t else MISSING
            merged = self.value(f"{path}[{_label(path, item, index)}]", old, item, new)
            if merged is not MISSING:
                result.append((key, merged, item, ours.ca.items.get(index)))
        for key, index in t.items():
            if key in o:
                continue
            item = theirs[index]
            old = base[b[key]] if key in b else MISSING
            merged = self.value(f"{path}[{_label(path, item, index)}]", old, MISSING, item)
            if merged is MISSING:
                continue
            entry = (key, merged, item, _eol_only(theirs.ca.items.get(index), 0))
            result.insert(_after(result, theirs, t, index), entry)
        if path in _SORTED_BY:
            fields = _SORTED_BY[path]
            result.sort(
                key=lambda e: [
                    str(_plain(e[2].get(f, ""))) if isinstance(e[2], dict) else "" for f in fields
                ]
            )
        list.clear(ours)
        ours.ca.items.clear()
        for index, (_, item, _, comment) in enumerate(result):
            list.append(ours, item)
            if comment is not None:
                ours.ca.items[index] = comment
        _attach_trailing(ours, trailing)


def _course_clash(base: Any, ours: Any, theirs: Any) -> set[str]:
    """The course keys that must conflict as one unit (see COURSE_UNIT), else none."""

    def unit(data: Any, keys: Sequence[str]) -> list[Any]:
        return [data.get(k, MISSING) if isinstance(data, dict) else MISSING for k in keys]

    def changed(side: Any, keys: Sequence[str]) -> bool:
        return not all(_same(a, b) for a, b in zip(unit(side, keys), unit(base, keys),
                                                    strict=True))

    if not (changed(ours, _COURSE_MOVES) or changed(theirs, _COURSE_MOVES)):
        return set()
    if not (changed(ours, COURSE_UNIT) and changed(theirs, COURSE_UNIT)):
        return set()
    return {k for k in COURSE_UNIT
            if not _same(ours.get(k, MISSING), theirs.get(k, MISSING))}


def _after(
    result: list[tuple[Hashable, Any, Any, Any]],
    theirs: Sequence[Any],
    t: dict[Hashable, int],
    index: int,
) -> int:
    """Where an entry theirs added goes: after the nearest earlier entry of theirs we kept."""
    by_index = {i: k for k, i in t.items()}
    placed = [e[0] for e in result]
    for earlier in range(index - 1, -1, -1):
        key = by_index.get(earlier)
        if key in placed:
            return placed.index(key) + 1
    return 0


def _position(theirs: list[Any], key: Any, ours: list[Any]) -> int:
    """Where a key theirs added goes: after the nearest earlier key of theirs that ours has."""
    for earlier in reversed(theirs[: theirs.index(key)]):
        if earlier in ours:
            return ours.index(earlier) + 1
    return 0


def _adopt(node: Any) -> Any:
    """Theirs' node moves into ours without the lines that follow it in theirs' file."""
    _detach_trailing(node)
    return node


# --------------------------------------------------------------------------- conflict text


def _fragment(yaml: YAML, lead: str, key_part: str, value: Any) -> list[str]:
    """The YAML lines for one side of a conflict, indented to sit where the marker was."""
    if value is MISSING:
        return []
    if key_part:
        holder = CommentedMap()
        holder["K"] = value
        lines = _dump(yaml, holder).splitlines()
        key = key_part.rstrip()[:-1]  # "worker: " -> "worker"
        first = lead + key + lines[0][1:]
        return [first, *(" " * len(lead) + line for line in lines[1:])]
    lines = _dump(yaml, CommentedSeq([value])).splitlines()
    depth = len(lines[0]) - len(lines[0].lstrip(" "))
    lines = [line[depth:] for line in lines]
    indent = " " * (len(lead) - 2)
    return [lead + lines[0][2:], *(indent + line for line in lines[1:])]


def _write_markers(text: str, yaml: YAML, pending: list[_Pending], labels: tuple[str, str]) -> str:
    by_token = {p.token: p for p in pending}
    pattern = re.compile("|".join(re.escape(p.token) for p in pending))
    out: list[str] = []
    for line in text.splitlines():
        found = pattern.search(line)
        if not found:
            out.append(line)
            continue
        conflict = by_token[found.group(0)]
        lead_match = re.match(r"( *(?:- )*)(.*)$", line[: found.start()])
        assert lead_match is not None
        lead, key_part = lead_match.group(1), lead_match.group(2)
        ours = _fragment(yaml, lead, key_part, conflict.ours)
        theirs = _fragment(yaml, lead, key_part, conflict.theirs)
        suffix = line[found.end() :]
        if suffix.strip():
            (ours or theirs)[0] += suffix  # a conflict has a value on at least one side
        out += [f"{OURS_MARKER} {labels[0]}", *ours, SEP_MARKER, *theirs]
        out.append(f"{THEIRS_MARKER} {labels[1]}")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- public API


def merge_texts(
    base: str, ours: str, theirs: str, labels: tuple[str, str] = ("ours", "theirs")
) -> MergeResult:
    """Merge two edits of one case file; raises MergeError when a side is not a case mapping.

    `base` may be empty (the file was added on both sides). The result keeps OURS' text for
    everything theirs did not change.
    """
    if ours == theirs or base == theirs:
        return MergeResult(ours, [])
    if base == ours:
        return MergeResult(theirs, [])
    yaml = _yaml_for(ours)
    base_data = _load(yaml, base, "the common ancestor", empty_ok=True)
    ours_data = _load(yaml, ours, "our version")
    theirs_data = _load(yaml, theirs, "their version")
    if _same(theirs_data, base_data):
        return MergeResult(ours, [])  # theirs changed comments or layout only
    if not base.strip() and not all(
            _same(ours_data.get(k, MISSING), theirs_data.get(k, MISSING)) for k in _CITIZEN_KEYS):
        raise TwoCitizens("both sides added this case for different citizens (the same id "
                          "given twice); merging would mix two people's data")
    merger = _Merger()
    merger.mapping("", base_data, ours_data, theirs_data)
    text = _dump(yaml, ours_data)
    if merger.pending:
        text = _write_markers(text, yaml, merger.pending, labels)
    if "\r\n" in ours:
        text = text.replace("\n", "\r\n")
    conflicts = [Conflict(p.path, _show(p.ours), _show(p.theirs)) for p in merger.pending]
    return MergeResult(text, conflicts)


def _sides(text: str) -> tuple[str, str, bool]:
    """(first sides, second sides) of every conflict hunk, and whether the second is ours.

    During `cti sync` (a rebase) the second side is labelled "(yours)"; in a plain merge
    the first side is ours.
    """
    first: list[str] = []
    second: list[str] = []
    second_is_mine = False
    state = "out"
    for line in text.splitlines(keepends=True):
        if line.startswith(OURS_MARKER):
            state = "first"
        elif state == "first" and line.rstrip("\r\n") == SEP_MARKER:
            state = "second"
        elif state != "out" and line.startswith("|||||||"):
            state = "base"
        elif state == "base" and line.rstrip("\r\n") == SEP_MARKER:
            state = "second"
        elif state == "second" and line.startswith(THEIRS_MARKER):
            second_is_mine = second_is_mine or "yours" in line
            state = "out"
        elif state == "out":
            first.append(line)
            second.append(line)
        elif state == "first":
            first.append(line)
        elif state == "second":
            second.append(line)
    return "".join(first), "".join(second), second_is_mine


def take_side(text: str, *, mine: bool) -> str:
    """The file with one side of every conflict, plus the other side's contacts and appointments.

    Contacts are never a matter of choosing: a note only one side holds is kept either way.
    """
    first, second, second_is_mine = _sides(text)
    chosen, other = (second, first) if mine == second_is_mine else (first, second)
    try:
        yaml = _yaml_for(chosen)
        data = _load(yaml, chosen, "the chosen side")
        rest = _load(yaml, other, "the other side")
    except MergeError:
        return chosen
    merger = _Merger()
    for key in ("contacts", "appointments"):
        mine_list, other_list = data.get(key), rest.get(key)
        if isinstance(mine_list, CommentedSeq) and isinstance(other_list, CommentedSeq):
            merger.sequence(key, [], mine_list, other_list)
        elif mine_list is None and isinstance(other_list, CommentedSeq) and other_list:
            data[key] = other_list
    if merger.pending:  # the same entry differs on the two sides: keep the chosen one
        return chosen
    out = _dump(yaml, data)
    return out.replace("\n", "\r\n") if "\r\n" in chosen else out


def parses(text: str) -> bool:
    """Whether `text` is well-formed YAML (duplicate keys count as malformed)."""
    try:
        YAML(typ="safe").load(text)
    except YAMLError:
        return False
    return True


def _rebasing() -> bool:
    """During `git pull --rebase` OURS is what is already shared and THEIRS the local change."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--git-path", "rebase-merge", "--git-path", "rebase-apply"],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and any(Path(p).is_dir() for p in done.stdout.splitlines())


def _merge_lines(base: Path, ours: Path, theirs: Path) -> int:
    """Git's own line merge, so nothing is lost when the structure cannot be read."""
    command = ["git", "merge-file", "-L", "ours", "-L", "base", "-L", "theirs"]
    try:
        done = subprocess.run([*command, str(ours), str(base), str(theirs)], check=False)
    except OSError:
        return 1
    return 0 if done.returncode == 0 else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Git merge driver: `cti merge-driver %O %A %B %P`; 0 clean, 1 conflicts (git reports)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) not in (3, 4):
        print("usage: cti merge-driver BASE OURS THEIRS [PATH]", file=sys.stderr)
        return 2
    base, ours, theirs = (Path(a) for a in args[:3])
    name = args[3] if len(args) == 4 else ours.name
    labels = ("ours (already shared)", "theirs (yours)") if _rebasing() else ("ours", "theirs")
    try:
        texts = [p.read_text(encoding="utf-8") for p in (base, ours, theirs)]
        result = merge_texts(texts[0], texts[1], texts[2], labels=labels)
    except TwoCitizens as exc:  # leave OURS as it is: one citizen, no markers, no mix
        print(shown(f"cti merge-driver: {name}: {exc}"), file=sys.stderr)
        return 1
    except (MergeError, UnicodeDecodeError) as exc:
        print(shown(f"cti merge-driver: {name}: {exc}; merging line by line"), file=sys.stderr)
        return _merge_lines(base, ours, theirs)
    with ours.open("w", encoding="utf-8", newline="") as handle:
        handle.write(result.text)
    if result.conflicts:
        fields = ", ".join(c.path for c in result.conflicts)
        print(shown(f"cti merge-driver: {name}: both sides changed {fields}"), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
