"""Properties of the reader: any text loads or fails with the tool's own error;
a case written by the tool reads back equal (load(dump(case)) == case)."""

from __future__ import annotations

import contextlib
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cti_cli.core.model import Case
from cti_cli.storage.edit import dump_text, to_yaml
from cti_cli.storage.store import validate_text
from cti_cli.storage.yamlread import ReadError, decode, parse

YAMLISH = st.text(alphabet=st.sampled_from(list("ab:- \n\t'\"[]{}&*!#|>%@`,?~012\\ø\x00\x07")),
                  max_size=200)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.one_of(st.text(max_size=300), YAMLISH))
def test_any_text_loads_or_raises_read_error(text: str) -> None:
    try:
        parse(text, positions=True)
    except ReadError as exc:
        assert exc.line >= 1 and exc.column >= 1 and exc.code.startswith("E")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_decode_or_raise_read_error(raw: bytes) -> None:
    with contextlib.suppress(ReadError):
        parse(decode(raw))


TEXT = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=80),
    st.sampled_from(["no", "yes", "on", "null", "~", "1:30", "012", "0x1F", "2026-02-30",
                     "1e3", ".inf", "- a", "a: b", "#x", "'q'", '"q"', " lead", "trail ",
                     "x\ny", "", "@a", "%b", "!tag", "*ref", "&anc"]),
)
DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))


@st.composite
def cases(draw: st.DrawFn) -> dict:
    start = draw(DAYS)
    data: dict = {
        "id": draw(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,10}", fullmatch=True)),
        "citizen": {"initials": draw(st.from_regex(r"[A-Za-zæøå]{1,6}", fullmatch=True))},
        "target_group": draw(st.sampled_from(["homelessness", "psychiatric", "other"])),
        "worker": draw(TEXT.filter(lambda s: 1 <= len(s) <= 64)),
        "transition": {"kind": "move_in", "date": draw(DAYS)},
        "phases": [{"name": "contact", "start": start}],
    }
    notes = draw(st.lists(st.tuples(DAYS, TEXT, st.none() | st.integers(0, 1440)), max_size=4))
    if notes:
        data["contacts"] = [{"date": d, "note": n, **({"minutes": m} if m is not None else {})}
                            for d, n, m in notes]
    if draw(st.booleans()):
        data["plan"] = draw(TEXT)
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_load_dump_round_trip(data: dict) -> None:
    case = Case.model_validate(data)
    text = dump_text(to_yaml(case.to_data()))
    again, _parsed, findings = validate_text(text, "x.yaml")
    assert not findings, (text, findings)
    assert again == case
