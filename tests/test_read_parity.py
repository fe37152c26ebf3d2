"""The fast read path (yamlread, libyaml) gives exactly the values of the editing path
(ruamel round-trip): for generated scalars incl. YAML 1.1/1.2 trouble values, nested
structures, case-like documents, and every file in examples/ and tests/errors/."""

from __future__ import annotations

import io
import math
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from cti_cli.storage.yamlread import ReadError, parse

ROOT = Path(__file__).resolve().parents[1]
TROUBLE = ["no", "No", "NO", "yes", "on", "off", "On", "y", "n", "~", "null", "Null", "true",
           "False", "012", "0o12", "0x1F", "0b101", "1_000", "1:30", "12:30:00", "+1", "-0",
           ".5", "1.", "1e3", "1.5e-3", ".inf", "-.Inf", ".nan", "2026-03-01", "2026-3-1",
           "2026-03-01 10:30:00", "2026-03-01T10:30:00Z", "2026-03-01t10:30:00.5+01:00",
           "2026-02-30", "0", "00", "09", "0.1.2", "=", "<<", "~x", "NaN", "-", "1,5",
           "Ærø", "§ 85", "c0a4b7f", "2026-004", "20260302", "1e", "0x", "+.inf", "+12_3"]


def ruamel_plain(text: str) -> Any:
    yaml = YAML(typ="rt")
    return plain(yaml.load(io.StringIO(text)))


def plain(value: Any) -> Any:
    """ruamel's round-trip types as plain python (what yamlread returns)."""
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, datetime):
        return value  # ruamel's TimeStamp is a datetime subclass
    if isinstance(value, date):
        return date(value.year, value.month, value.day)
    return value


def same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, datetime) and isinstance(b, datetime):
        return (a.replace(tzinfo=None), a.utcoffset()) == (b.replace(tzinfo=None), b.utcoffset())
    return type(a) is type(b) and a == b


def both(text: str) -> tuple[Any, Any]:
    """(fast, ruamel) values, or the exception class name where a reader refuses."""
    try:
        fast: Any = parse(text).data
    except ReadError:
        fast = "error"
    try:
        slow: Any = ruamel_plain(text)
    except Exception:
        slow = "error"
    return fast, slow


def assert_parity(text: str) -> None:
    fast, slow = both(text)
    if fast == "error":
        return  # the fast reader may refuse more (tags, aliases, duplicates): never less
    assert slow != "error", f"fast read accepted what ruamel refuses:\n{text}"
    assert same(fast, slow), f"{text!r}: fast {fast!r} != ruamel {slow!r}"


@pytest.mark.parametrize("word", TROUBLE)
def test_trouble_scalars_read_as_ruamel_reads_them(word: str) -> None:
    assert_parity(f"k: {word}\n")
    assert_parity(f"k: [{word}]\n")
    assert_parity(f"- {word}\n")


scalars = st.one_of(
    st.sampled_from(TROUBLE),
    st.integers(-10**6, 10**6).map(str),
    st.from_regex(r"[0-9]{1,4}(:[0-9]{1,2}){0,2}", fullmatch=True),
    st.from_regex(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}", fullmatch=True),
    st.from_regex(r"[+-]?(0[xob])?[0-9a-fA-F_.]{1,6}([eE][+-]?[0-9]{1,2})?", fullmatch=True),
    st.from_regex(r"[A-Za-zæøåÆØÅ][A-Za-zæøåÆØÅ0-9 ,.§-]{0,20}[A-Za-z0-9]", fullmatch=True),
)
keys = st.from_regex(r"[a-z_]{1,8}", fullmatch=True)


def render(value: Any, indent: int = 0) -> str:
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return pad + "{}\n"
        out = []
        for k, v in value.items():
            if isinstance(v, (dict, list)) and v:
                out.append(f"{pad}{k}:\n{render(v, indent + 2)}")
            else:
                out.append(f"{pad}{k}: {render(v).strip()}\n")
        return "".join(out)
    if isinstance(value, list):
        if not value:
            return pad + "[]\n"
        return "".join(f"{pad}- {render(v, indent + 2).strip()}\n" if not isinstance(v, dict)
                       or not v else f"{pad}-\n{render(v, indent + 2)}" for v in value)
    return pad + value + "\n"


trees = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)), max_leaves=12)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(keys, trees, min_size=1, max_size=5))
def test_generated_documents_read_alike(doc: dict[str, Any]) -> None:
    assert_parity(render(doc))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(scalars, scalars, scalars), min_size=1, max_size=6), scalars)
def test_case_like_documents_read_alike(contacts: list[tuple[str, str, str]], plan: str) -> None:
    lines = ["# yaml-language-server: $schema=../schemas/case.schema.json\n", "id: 2026-004\n",
             "citizen:\n  initials: MK\n", "transition: {kind: move_in, date: 2026-03-01}\n",
             "phases:\n- name: contact\n  start: 2026-02-10\n", "contacts:\n"]
    for when, minutes, note in contacts:
        lines.append(f"- date: {when}\n  minutes: {minutes}  # a comment\n  with: [citizen, "
                     f"{note}]\n  note: {note}\n")
    lines.append(f"plan: {plan}\nclosed:\n")
    assert_parity("".join(lines))


FILES = sorted([*(ROOT / "examples" / "cases").glob("*.yaml"),
                *(ROOT / "tests" / "errors").glob("*.yaml")])


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_example_and_error_file_reads_alike(path: Path) -> None:
    text = path.read_bytes().decode("utf-8", errors="replace")
    fast, slow = both(text)
    if fast == "error" or slow == "error":
        # the fast reader refuses all that ruamel refuses, and more (tags, aliases, dups)
        assert fast == "error", f"{path.name}: ruamel refuses, the fast reader accepts"
        return
    assert same(fast, slow)
