"""Fast, safe reading of case files: libyaml parses, we construct plain values.

Reports read every file, so this path must be fast; the editing path (ruamel round-trip)
keeps comments. Both must give the same values, so scalars are resolved with YAML 1.2 core
rules exactly as ruamel.yaml resolves them (`no` and `on` are strings, `012` is 12, `1:30` is
a string, `2026-02-30` is an error). `tests/test_read_parity.py` holds the two paths equal.

Anything a case file does not need is refused rather than half-supported: tags, anchors
and aliases (the billion-laughs bomb), duplicate keys, non-string keys, and documents that
are not a single mapping.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, ClassVar, Final

import yaml

from cti_cli.locale import N_, _

try:
    _BaseLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing: still correct, just slower
    _BaseLoader = yaml.SafeLoader

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"

Path_ = tuple[str | int, ...]


class ReadError(ValueError):
    """A problem at a place in the text: 1-based line and column."""

    def __init__(self, message: str, line: int, column: int, hint: str | None = None,
                 code: str = "E001"):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint
        self.code = code


class _Resolver12(_BaseLoader):  # type: ignore[misc, valid-type]
    """libyaml's parser with YAML 1.2 core-schema resolution, as ruamel.yaml does it."""

    yaml_implicit_resolvers: ClassVar[dict[str | None, list[tuple[str, re.Pattern[str]]]]] = {}


_RESOLVERS: list[tuple[str, str, str]] = [
    (_BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    (
        _FLOAT,
        r"""^(?:
         [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
        "-+0123456789.",
    ),
    (
        _INT,
        r"""^(?:[-+]?0b[0-1_]+
        |[-+]?0o?[0-7_]+
        |[-+]?[0-9_]+
        |[-+]?0x[0-9a-fA-F_]+)$""",
        "-+0123456789",
    ),
    (_NULL, r"^(?: ~ |null|Null|NULL | )$", "~nN\0"),
    (
        _TIMESTAMP,
        r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
        |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
        (?:[Tt]|[ \t]+)[0-9][0-9]?
        :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
        (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
        "0123456789",
    ),
]
for _tag, _rx, _first in _RESOLVERS:
    _pattern = re.compile(_rx, re.X)
    for _ch in _first:
        _key = "" if _ch == "\0" else _ch
        _Resolver12.yaml_implicit_resolvers.setdefault(_key, []).append((_tag, _pattern))
_Resolver12.yaml_implicit_resolvers.setdefault(None, [])


_TS_RE = re.compile(
    r"""^(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})
    (?:(?:[Tt]|[ \t]+)(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})
    (?:\.(?P<fraction>[0-9]*))?
    (?:[ \t]*(?P<tz>Z|(?P<tz_sign>[-+])(?P<tz_hour>[0-9]{1,2})
    (?::(?P<tz_minute>[0-9]{2}))?))?)?$""",
    re.X,
)


def _timestamp(value: str) -> date | datetime:
    m = _TS_RE.match(value)
    if m is None:  # pragma: no cover - the resolver only passes matching text
        raise ValueError(value)
    year, month, day = int(m["year"]), int(m["month"]), int(m["day"])
    if m["hour"] is None:
        return date(year, month, day)
    fraction = int((m["fraction"] or "0")[:6].ljust(6, "0"))
    result = datetime(year, month, day, int(m["hour"]), int(m["minute"]), int(m["second"]),
                      fraction)
    if m["tz_sign"]:
        delta = timedelta(hours=int(m["tz_hour"]), minutes=int(m["tz_minute"] or 0))
        name = m["tz"][:1] + m["tz"][1:].rjust(2, "0") if ":" not in m["tz"] else m["tz"]
        result = result.replace(tzinfo=timezone(delta if m["tz_sign"] == "+" else -delta, name))
    elif m["tz"] == "Z":
        result = result.replace(tzinfo=timezone(timedelta(0), "Z"))
    return result


def _int(value: str) -> int:
    text = value.replace("_", "")
    sign = -1 if text[0] == "-" else 1
    if text[0] in "+-":
        text = text[1:]
    for prefix, base in (("0b", 2), ("0x", 16), ("0o", 8)):
        if text.startswith(prefix):
            return sign * int(text[2:], base)
    return sign * int(text)


def _float(value: str) -> float:
    text = value.replace("_", "").lower()
    sign = -1.0 if text[0] == "-" else 1.0
    if text[0] in "+-":
        text = text[1:]
    if text == ".inf":
        return sign * math.inf
    if text == ".nan":
        return math.nan
    return sign * float(text)


@dataclass
class Parsed:
    """The plain value of a document and, when asked for, where each part stands."""

    data: Any
    value_pos: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_pos: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    #: the composed node tree (`parse(keep_tree=True)`): positions looked up in it when a
    #: finding needs one, so a file is parsed once whether or not it has findings
    tree: yaml.Node | None = field(default=None, repr=False, compare=False)

    def position(self, loc: Path_, *, key: bool = False) -> tuple[int, int]:
        """Best position for a location: the deepest part of it that exists in the file."""
        if self.tree is not None and not self.value_pos:
            return _tree_position(self.tree, loc, key)
        for n in range(len(loc), -1, -1):
            part = tuple(loc[:n])
            if key and part in self.key_pos:
                return self.key_pos[part]
            if part in self.value_pos:
                return self.value_pos[part]
            if part in self.key_pos:
                return self.key_pos[part]
        return (1, 1)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _tree_position(node: yaml.Node, loc: Path_, key: bool) -> tuple[int, int]:
    """`Parsed.position` on the node tree: the same answer the position maps give."""
    key_node: yaml.Node | None = None
    for part in loc:
        found: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if _TREE_KEYS.scalar(k) == part:
                    found, key_node = v, k
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) \
                and 0 <= part < len(node.value):
            found, key_node = node.value[part], None
        if found is None:
            break
        node = found
    if key and key_node is not None:
        return _mark(key_node)
    return _mark(node)


class _Builder:
    def __init__(self, positions: bool | frozenset[Path_]):
        self.positions = bool(positions)
        # only these paths (a few findings' places in a huge file), or every path
        self.wanted = positions if isinstance(positions, frozenset) else None
        self.value_pos: dict[Path_, tuple[int, int]] = {}
        self.key_pos: dict[Path_, tuple[int, int]] = {}
        self.seen: set[int] = set()

    def build(self, node: yaml.Node, path: Path_) -> Any:
        if id(node) in self.seen:
            raise ReadError(_("anchors and aliases (&name, *name) are not allowed in case "
                              "files"), *_mark(node), hint=_("write the value out in full"),
                            code="E006")
        if len(path) > MAX_DEPTH:
            raise ReadError(_too_deep(), *_mark(node), code="E007")
        if self.positions and (self.wanted is None or path in self.wanted):
            self.value_pos[path] = _mark(node)
        self.seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            if node.value in ("=", "<<") and not node.style and node.tag == _STR:
                # ruamel resolves a plain `=` / `<<` value to YAML 1.1 `!!value` / `!!merge`
                raise ReadError(_("a bare '{value}' is not a value").format(value=node.value),
                                *_mark(node),
                                hint=_("quote it: '{value}'").format(value=node.value),
                                code="E003")
            return self.scalar(node)
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP:
                raise self.tag_error(node)
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if id(key_node) in self.seen:
                    raise ReadError(_("anchors and aliases are not allowed in case files"),
                                    *_mark(key_node), code="E006")
                if not isinstance(key_node, yaml.ScalarNode):
                    raise ReadError(_("a key must be a plain word, not a list or mapping"),
                                    *_mark(key_node), code="E005")
                key = self.scalar(key_node)
                if key_node.tag == "tag:yaml.org,2002:merge" or key_node.value == "<<":
                    raise ReadError(_("merge keys (<<) are not allowed in case files"),
                                    *_mark(key_node), code="E006")
                if key in result:
                    raise ReadError(_("duplicate key {key}").format(key=repr(key)),
                                    *_mark(key_node),
                                    hint=_("a key may appear only once in a mapping: merge the "
                                           "two entries or remove one"), code="E004")
                here = (*path, key)
                if self.positions and (self.wanted is None or here in self.wanted):
                    self.key_pos[here] = _mark(key_node)
                result[key] = self.build(value_node, here)
            return result
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                raise self.tag_error(node)
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        raise self.tag_error(node)  # pragma: no cover

    def tag_error(self, node: yaml.Node) -> ReadError:
        tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
        return ReadError(_("YAML tag '{tag}' is not allowed in case files").format(tag=tag),
                         *_mark(node), hint=_("remove the tag (the part starting with '!')"),
                         code="E006")

    def scalar(self, node: yaml.ScalarNode) -> Any:
        tag, value = node.tag, node.value
        if tag == _STR:
            return value
        if node.style is not None and node.style not in ("", None):
            # quoted or block scalars are strings whatever they look like; an explicit tag
            # on them is what we refuse
            raise self.tag_error(node)
        try:
            if tag == _NULL:
                return None
            if tag == _BOOL:
                return value.lower() == "true"
            if tag == _INT:
                return _int(value)
            if tag == _FLOAT:
                return _float(value)
            if tag == _TIMESTAMP:
                return _timestamp(value)
        except ValueError:
            raise ReadError(_("{value} is not a real date").format(value=value)
                            if tag == _TIMESTAMP
                            else _("{value} is not a valid number").format(value=repr(value)),
                            *_mark(node),
                            hint=_("dates are written YYYY-MM-DD and must exist in the "
                                   "calendar") if tag == _TIMESTAMP else None,
                            code="E003") from None
        raise self.tag_error(node)


_TREE_KEYS = _Builder(False)  # resolves key nodes for tree lookups (valid trees only)

#: libyaml's problem (English, from the parser) → a hint in the user's language.
_HINTS = (
    ("mapping values are not allowed", N_("check this line's indentation against the line "
                                          "above; a value containing ': ' must be quoted")),
    ("did not find expected key", N_("check the indentation: keys of one mapping line up "
                                     "exactly")),
    ("found unexpected end of stream", N_("a quote or bracket was opened and never closed")),
    ("did not find expected '-' indicator", N_("list items of one list line up exactly")),
    ("found unknown escape character", N_("inside double quotes a backslash starts an escape: "
                                          "use single quotes or write \\\\")),
    ("special characters are not allowed", N_("the file holds control or binary bytes: "
                                              "is it really a case file?")),
    ("expected <document start>", N_("check the indentation of this line")),
    ("could not find expected ':'", N_("a key needs a ':' after it, or a quote was never "
                                       "closed")),
)


# libyaml's own words for the common syntax errors, so a Danish team reads them in Danish;
# a problem not listed here is shown in libyaml's English
_LIBYAML_WORDS = frozenset((
    N_("mapping values are not allowed here"),
    N_("mapping values are not allowed in this context"),
    N_("could not find expected ':'"),
    N_("did not find expected key"),
    N_("did not find expected node content"),
    N_("did not find expected ',' or ']'"),
    N_("did not find expected ',' or '}'"),
    N_("did not find expected '-' indicator"),
    N_("found character that cannot start any token"),
    N_("found unexpected end of stream"),
    N_("found a tab character that violates indentation"),
    N_("found unknown escape character"),
    N_("while parsing a block mapping"),
    N_("while parsing a block collection"),
    N_("while parsing a block node"),
    N_("while parsing a flow node"),
    N_("while parsing a flow sequence"),
    N_("while parsing a flow mapping"),
    N_("while scanning a simple key"),
    N_("while scanning a quoted scalar"),
    N_("while scanning a plain scalar"),
    N_("while scanning a block scalar"),
    N_("while scanning an alias"),
    N_("while scanning an anchor"),
    N_("while scanning a tag"),
))


def _libyaml(words: str | None) -> str | None:
    return _(words) if words in _LIBYAML_WORDS else words


def _too_deep() -> str:
    return _("the data is nested more than {n} levels deep").format(n=MAX_DEPTH)


def _syntax_error(exc: yaml.YAMLError, text: str) -> ReadError:
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if "end of stream" in problem and getattr(exc, "context_mark", None) is not None:
        mark = exc.context_mark  # type: ignore[attr-defined]  # where the quote was opened
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    if isinstance(exc, yaml.reader.ReaderError):
        # a control character: libyaml gives a UTF-8 byte offset and no mark
        before = text.encode("utf-8")[: exc.position].decode("utf-8", "ignore")
        line, column = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        problem = _("control character {char} in the text").format(
            char=f"U+{exc.character:04X}")
    problem, context = _libyaml(problem) or problem, _libyaml(context)
    # TRANSLATORS: {problem} and {context} are libyaml's words (translated where listed)
    message = (_("YAML syntax error: {problem} ({context})").format(
        problem=problem, context=context) if context
        else _("YAML syntax error: {problem}").format(problem=problem))
    lines = text.splitlines()
    if any(ln.startswith(("<<<<<<< ", ">>>>>>> ")) for ln in lines):
        hint = _("the file holds git conflict markers (<<<<<<<, =======, >>>>>>>): finish "
                 "the merge (`cti sync`) or keep one side in an editor")
    elif isinstance(exc, yaml.reader.ReaderError):
        hint = _("remove the character (often pasted from another program)")
    elif 0 < line <= len(lines) and "\t" in lines[line - 1]:
        hint = _("YAML indents with spaces, never tabs: replace the tab by spaces")
    else:
        hint = next((_(h) for needle, h in _HINTS if needle in str(exc)),
                    _("fix the YAML syntax here"))
    return ReadError(message, line, column, hint=hint, code="E001")


def decode(raw: bytes) -> str:
    """UTF-8 text or a ReadError naming the line and column of the first bad byte."""
    if len(raw) > MAX_BYTES:
        # the reader stops after MAX_BYTES + 1 bytes, so only "more than" is known
        raise ReadError(_("the file is larger than {kib} KiB, the most a case file may be")
                        .format(kib=MAX_BYTES // 1024), 1, 1, code="E008",
                        hint=_("is this really a case file? move attachments out of the "
                               "folder"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise ReadError(_("the file is not UTF-8 text (byte {byte})").format(
                            byte=f"0x{raw[exc.start]:02X}"), line, column,
                        hint=_("save the file as UTF-8 (æ, ø, å must be UTF-8)"),
                        code="E002") from None
    if "\x00" in text:
        i = text.index("\x00")
        raise ReadError(_("the file holds NUL bytes: it is binary, not a case file"),
                        text.count("\n", 0, i) + 1, i - text.rfind("\n", 0, i), code="E002")
    if "<<<<<<<" in text:  # cheap test first: merge (and ruamel) load only for such files
        markers = has_conflict_markers(text)
        if markers:
            shown = ", ".join(map(str, markers[:6])) + (" …" if len(markers) > 6 else "")
            raise ReadError(_("unresolved merge conflict (marker lines {lines})").format(
                                lines=shown), markers[0], 1, code="E009",
                            hint=_("for a value keep one side; in contacts and other lists "
                                   "keep both sides' entries (each has its own id); delete "
                                   "the lines <<<<<<<, ======= and >>>>>>>, save, then run "
                                   "`cti sync`"))
    return text


def _max_flow_depth(text: str) -> int:
    """An upper bound of the flow nesting: every bracket counts, also those in quotes,
    comments and plain text (cheap; `_max_depth` decides when this one is too high)."""
    depth = best = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            best = max(best, depth)
        elif ch in "]}":
            depth -= 1
    return best


def _max_depth(text: str) -> int:
    """The real nesting of collections, from libyaml's event stream: its parser keeps an
    explicit stack (no recursion), so it can measure what the composer must not be given.
    70 `[` inside a quoted note are text, not nesting."""
    depth = best = 0
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > best:
                    best = depth
                    if best > MAX_DEPTH:
                        break
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as exc:
        # libyaml's own limit (1000 levels) is nesting too; any other error is reported
        # by the parse that follows
        return MAX_DEPTH + 1 if "nesting depth" in str(exc) else 0
    return best


def parse(text: str, *, positions: bool | frozenset[Path_] = False,
          keep_tree: bool = False) -> Parsed:
    """Parse one YAML document into plain Python values (dict, list, str, int, date …).

    `positions`: where each part stands (True), or only the parts named in the set;
    `keep_tree`: keep the node tree instead, for the few positions findings need (no map
    of every node, and no second parse).
    """
    if (text.count("[") + text.count("{") > MAX_DEPTH and _max_flow_depth(text) > MAX_DEPTH
            and _max_depth(text) > MAX_DEPTH):
        # libyaml recurses per level: refuse absurd nesting before it can exhaust the stack
        raise ReadError(_too_deep(), 1, 1, code="E007")
    loader = _Resolver12(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, text) from None
    except RecursionError:
        raise ReadError(_too_deep(), 1, 1, code="E007") from None
    finally:
        loader.dispose()
    builder = _Builder(positions)
    data = None if node is None else builder.build(node, ())
    return Parsed(data, builder.value_pos, builder.key_pos,
                  node if keep_tree and not positions else None)


OURS_MARKER: Final = "<<<<<<<"
SEP_MARKER: Final = "======="
THEIRS_MARKER: Final = ">>>>>>>"


def has_conflict_markers(text: str) -> list[int]:
    """1-based numbers of lines that are conflict markers, for a loader's clear error."""
    found: list[int] = []
    inside = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(OURS_MARKER):
            inside = True
            found.append(number)
        elif line.startswith(THEIRS_MARKER):
            inside = False
            found.append(number)
        elif inside and (line.rstrip() == SEP_MARKER or line.startswith("|||||||")):
            found.append(number)
    return found
