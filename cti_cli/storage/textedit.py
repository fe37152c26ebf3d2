"""Changing a value nested in block mappings by editing only its lines (`tick`'s checklists).

Loading and dumping a 200-contact case with ruamel is most of a `cti tick`. These functions
set or delete `checklists.<gate>.<item>` (any path of plain keys in block mappings) in the
text itself, leaving every other line as it was. They return None for anything they cannot
do plainly (a flow mapping, a quoted key, tabs, a value they would not write the way ruamel
does); the caller checks that the whole result reads as the old data with the one change,
and otherwise makes the change through ruamel (`storage.edit.Editor`).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from cti_cli.storage.fastappend import scalar

_KEY = re.compile(r"[A-Za-z0-9_]+")
Span = tuple[int, int]  # [first line, end line) of a key and its block


def _content(line: str) -> bool:
    s = line.strip()
    return bool(s) and not s.startswith("#")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _last_content(lines: list[str], start: int, end: int) -> int:
    """One past the last content line in [start, end) (comments deeper than `start`'s line
    count as content: they belong to the entry above them)."""
    base = _indent(lines[start])
    at = end
    while at > start + 1:
        line = lines[at - 1]
        if line.strip() and not (line.lstrip().startswith("#") and _indent(line) <= base):
            break
        at -= 1
    return at


def _find(lines: list[str], start: int, end: int, indent: int, key: str) -> Span | None:
    """The span of `key:` at exactly `indent` within [start, end); None when absent."""
    head = " " * indent + key + ":"
    for i in range(start, end):
        line = lines[i]
        if line.startswith(head) and (line[len(head):].strip() == ""
                                      or line[len(head)] == " "):
            j = i + 1
            while j < end and not (_content(lines[j]) and _indent(lines[j]) <= indent):
                j += 1
            return i, j
    return None


def _children(lines: list[str], span: Span, parent_indent: int) -> int | None:
    """The indent of a block mapping's keys under the key at `span`; -1 when it has none
    (an empty value); None when its value is not a block mapping this module can edit."""
    first = lines[span[0]]
    after = first.split(":", 1)[1].strip()
    if after and not after.startswith("#"):
        return None  # a value on the key's line: a scalar or a flow collection
    for line in lines[span[0] + 1:span[1]]:
        if _content(line):
            ind = _indent(line)
            stripped = line.strip()
            if ind <= parent_indent or stripped.startswith(("-", "?", "[", "{", '"', "'")):
                return None
            return ind
    return -1


def _render(key: str, value: Any, indent: int, step: int) -> str | None:
    pad = " " * indent
    if isinstance(value, date):
        return f"{pad}{key}: {value.isoformat()}\n"
    if isinstance(value, dict) and value and all(_KEY.fullmatch(k) for k in value):
        lines = [f"{pad}{key}:\n"]
        for k, v in value.items():
            if not isinstance(v, (str, date)) or (isinstance(v, str) and "\n" in v):
                return None
            lines.append(f"{pad}{' ' * step}{k}: {scalar(v)}\n")
        return "".join(lines)
    return None


def _nest(path: tuple[str, ...], value: Any, indent: int, step: int) -> str | None:
    """`path` as new nested keys holding `value`, starting at `indent`."""
    if len(path) == 1:
        return _render(path[0], value, indent, step)
    inner = _nest(path[1:], value, indent + step, step)
    return None if inner is None else f"{' ' * indent}{path[0]}:\n{inner}"


def _plain(text: str, path: tuple[str, ...]) -> list[str] | None:
    if "\r" in text or "\t" in text or not text.endswith("\n"):
        return None
    if not all(_KEY.fullmatch(k) for k in path):
        return None
    lines = text.splitlines(keepends=True)
    if any(line.startswith(("%", "---", "...")) for line in lines):
        return None
    return lines


def set_nested(text: str, path: tuple[str, ...], value: Any, step: int = 2) -> str | None:
    """`text` with the value at `path` (nested block mappings, made if missing) replaced."""
    lines = _plain(text, path)
    if lines is None:
        return None
    start, end, indent = 0, len(lines), 0
    for depth, key in enumerate(path):
        span = _find(lines, start, end, indent, key)
        if span is None:
            at = _last_content(lines, start - 1, end) if depth else end
            new = _nest(path[depth:], value, indent, step)
            if new is None:
                return None
            return "".join(lines[:at]) + new + "".join(lines[at:])
        if depth == len(path) - 1:
            new = _render(key, value, indent, step)
            if new is None:
                return None
            stop = _last_content(lines, span[0], span[1])
            return "".join(lines[:span[0]]) + new + "".join(lines[stop:])
        inner = _children(lines, span, indent)
        if inner is None:
            return None
        if inner < 0:  # an empty value: the new keys go right under it
            new = _nest(path[depth + 1:], value, indent + step, step)
            if new is None:
                return None
            at = span[0] + 1
            return "".join(lines[:at]) + new + "".join(lines[at:])
        start, end, indent = span[0] + 1, span[1], inner
    return None  # pragma: no cover - the loop returns


def delete_nested(text: str, path: tuple[str, ...]) -> str | None:
    """`text` without the key at `path`; a mapping left empty goes too, up to the top."""
    lines = _plain(text, path)
    if lines is None:
        return None
    spans: list[Span] = []
    start, end, indent = 0, len(lines), 0
    for depth, key in enumerate(path):
        span = _find(lines, start, end, indent, key)
        if span is None:
            return None
        spans.append(span)
        if depth < len(path) - 1:
            inner = _children(lines, span, indent)
            if inner is None or inner < 0:
                return None
            start, end, indent = span[0] + 1, span[1], inner
    # remove the deepest key; then each parent whose block holds no other key
    cut = spans[-1]
    for parent in reversed(spans[:-1]):
        others = [i for i in range(parent[0] + 1, parent[1])
                  if _content(lines[i]) and not cut[0] <= i < cut[1]]
        if others:
            break
        cut = parent
    stop = _last_content(lines, cut[0], cut[1])
    return "".join(lines[:cut[0]]) + "".join(lines[stop:])


def _span_of(lines: list[str], key: str) -> Span | None:
    """The lines of the top-level `key` (at column 0) and its block; None when absent."""
    return _find(lines, 0, len(lines), 0, key)


def changed_only(old: str, new: str, key: str) -> str | None:
    """The text of top-level `key`'s block in `new` ("" when it has none), provided that
    every line outside that block is as in `old`; None otherwise.

    The file is a block mapping whose keys stand at column 0 (`_plain` holds that), so its
    entries read the same alone as in place: parsing this block alone tells what the whole
    of `new` reads as, given what `old` read as.
    """
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    sa, sb = _span_of(a, key), _span_of(b, key)
    if sa is None:  # a new key: only at the very end
        sa = (len(a), len(a))
    if sb is None:
        sb = (len(b) - (len(a) - sa[1]), len(b) - (len(a) - sa[1]))
        if sb[0] != sa[0]:
            return None
    if a[:sa[0]] != b[:sb[0]] or a[sa[1]:] != b[sb[1]:]:
        return None
    return "".join(b[sb[0]:sb[1]])
