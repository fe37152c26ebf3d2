"""Append one entry to a block list of a case file by inserting text, not re-serialising.

`cti log` runs dozens of times a day on files with hundreds of contacts: the ruamel
round-trip costs the whole file (~200 ms at 50 KB), an insertion costs one libyaml parse.
The caller reads the result back and compares it with the old data plus the entry; any
case this module cannot do plainly returns None and the caller uses the round-trip writer.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import yaml

from cti_cli.storage.yamlread import ReadError, parse

_PLAIN = re.compile(r"[A-Za-zÆØÅæøåÄÖÜäöüÉé0-9(][^\n\r\t#]*")
_FLOW_WORD = re.compile(r"[A-Za-zÆØÅæøåÄÖÜäöüÉé0-9][^\n\r\t#,\[\]{}:]*")


def _plain_ok(text: str, pattern: re.Pattern[str]) -> bool:
    if not pattern.fullmatch(text) or text != text.strip() or ": " in text or text[-1] == ":":
        return False
    try:
        return parse(f"k: {text}\n").data == {"k": text}
    except ReadError:
        return False


def scalar(value: Any, *, flow: bool = False) -> str:
    """One value as YAML text that reads back as the same value (YAML 1.2, as yamlread)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        if value and _plain_ok(value, _FLOW_WORD if flow else _PLAIN):
            return value
        return json.dumps(value, ensure_ascii=False)  # a JSON string is YAML double-quoted
    raise TypeError(f"cannot write {type(value).__name__} by insertion")


def render_item(entry: dict[str, Any], dash_col: int, key_offset: int) -> str:
    """A block-mapping list item in the file's own style (`- ` at `dash_col`)."""
    lines = []
    pad = " " * dash_col
    inner = pad + " " * key_offset
    for n, (key, value) in enumerate(entry.items()):
        if isinstance(value, list):
            if all(isinstance(v, str) and len(v) < 30 for v in value) and len(value) <= 5:
                text = "[" + ", ".join(scalar(v, flow=True) for v in value) + "]"
            else:
                return ""  # long lists: leave to the round-trip writer
        elif isinstance(value, dict):
            return ""
        else:
            text = scalar(value)
        lead = pad + "-" + " " * (key_offset - 1) if n == 0 else inner
        lines.append(f"{lead}{scalar(key)}: {text}\n")
    return "".join(lines)


def _last_leaf(node: yaml.Node) -> yaml.Node:
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(last, tuple) else last
    return node


def insert_entry(text: str, section: str, entry: dict[str, Any]) -> str | None:
    """`text` with `entry` added at the end of the top-level block list `section`.

    None when the list is missing, empty, in flow style, or shaped in a way an insertion
    cannot follow exactly (the caller then uses the round-trip writer).
    """
    loader = yaml.CSafeLoader(text) if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    if not isinstance(root, yaml.MappingNode):
        return None
    seq = next((v for k, v in root.value if isinstance(k, yaml.ScalarNode)
                and k.value == section), None)
    if not isinstance(seq, yaml.SequenceNode) or seq.flow_style or not seq.value:
        return None
    first = seq.value[0]
    if not isinstance(first, yaml.MappingNode) or first.flow_style or not first.value:
        return None
    dash_col = seq.start_mark.column
    key_offset = first.value[0][0].start_mark.column - dash_col
    if key_offset < 2:
        return None
    item = render_item(entry, dash_col, key_offset)
    if not item:
        return None
    lines = text.splitlines(keepends=True)
    leaf = _last_leaf(seq.value[-1])
    end = leaf.end_mark
    at = end.line if end.column == 0 else end.line + 1
    # comment lines indented inside the last item belong to it; anything else stays after
    while at < len(lines):
        stripped = lines[at].lstrip(" ")
        indent = len(lines[at]) - len(stripped)
        if stripped.startswith("#") and indent > dash_col:
            at += 1
        else:
            break
    if at > len(lines):
        return None
    end = text.find("\n")
    newline = "\r\n" if end > 0 and text[end - 1] == "\r" else "\n"  # CRLF files stay CRLF
    head = "".join(lines[:at])
    if head and not head.endswith("\n"):
        head += newline
    return head + item.replace("\n", newline) + "".join(lines[at:])


def _top_key_line(lines: list[str], key: str) -> int | None:
    """The one line `key:` (nothing after but a comment) at column 0, else None."""
    head = f"{key}:"

    def is_key(line: str) -> bool:
        rest = line[len(head):]
        return line.startswith(head) and (not rest.strip() or (
            rest.startswith(" ") and rest.strip().startswith("#")))

    found = [i for i, line in enumerate(lines) if is_key(line)]
    return found[0] if len(found) == 1 else None


def append_locally(text: str, section: str, entry: dict[str, Any],
                   last: Any) -> str | None:
    """`text` with `entry` after the last item of the top-level block list `section`,
    checked by parsing only that last item and the new one, not the whole file.

    `last` is what the last item reads as in the whole file (from the cache's proof of these
    exact bytes). Sound because the file is one block mapping whose keys stand at column 0
    (no directives, no document markers, no tabs or CRs): its entries, and the items of a
    block list, read the same alone as in place, so a file that read as `old` reads as
    `old` plus the entry when this slice reads as `[last, entry]`. An alias to an anchor
    elsewhere fails the slice's parse. None whenever any of it is not so: the caller then
    parses the whole file (`insert_entry`).
    """
    if "\r" in text or "\t" in text or not text.endswith("\n"):
        return None
    lines = text.splitlines(keepends=True)
    if any(line.startswith(("%", "---", "...")) for line in lines):
        return None
    k = _top_key_line(lines, section)
    if k is None:
        return None
    end = k + 1  # the section ends at the next line that starts at column 0 with content
    dash_col = -1
    starts: list[int] = []
    while end < len(lines):
        line = lines[end]
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if stripped.strip() and not stripped.startswith("#"):
            if dash_col < 0:
                if not stripped.startswith("- "):
                    return None
                dash_col = indent
            if indent < dash_col or (indent == 0 and not stripped.startswith("-")):
                break
            if indent == dash_col:
                if not stripped.startswith("- "):
                    return None
                starts.append(end)
        end += 1
    if not starts:
        return None
    first = lines[starts[0]][dash_col + 1:]
    key_offset = len(first) - len(first.lstrip(" ")) + 1
    if key_offset < 2 or first.lstrip(" ")[:1] in ("", "#", "-", "[", "{", "&", "!", "*"):
        return None
    at = end  # trailing blank lines and comments at the list's column stay after the entry
    while at > starts[-1] + 1:
        stripped = lines[at - 1].lstrip(" ")
        indent = len(lines[at - 1]) - len(stripped)
        if stripped.strip() and not (stripped.startswith("#") and indent <= dash_col):
            break
        at -= 1
    item = render_item(entry, dash_col, key_offset)
    if not item:
        return None
    probe = f"{section}:\n" + "".join(lines[starts[-1]:at]) + item
    try:
        if parse(probe).data != {section: [last, entry]}:
            return None
    except ReadError:
        return None
    return "".join(lines[:at]) + item + "".join(lines[at:])
