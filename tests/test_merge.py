"""The structural three-way merge of case files and its git merge-driver entry point."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from cti_cli.storage.yamlread import has_conflict_markers
from cti_cli.team.merge import main, merge_texts, parses

BASE = """\
# yaml-language-server: $schema=../../schemas/case.schema.json
id: 2026-004
citizen:
  initials: MK
  phone: '12345678'
target_group: homelessness
worker: anna
transition: {kind: move_in, date: 2026-03-01}
phases:
- name: contact
  start: 2026-02-10
contacts:
- id: k7f3a2
  date: 2026-02-12
  kind: meeting
  minutes: 45
  with: [citizen]
  note: Første møde på herberget. # a comment a person wrote

# Aftaler herunder
appointments:
- date: 2026-03-01
  time: "10:00"
  with: citizen
goals:
- id: g1
  text: Egen bolig
  domain: housing
  status: open
network:
- name: Jens
  role: bror
  phone: '87654321'
"""


def contact(cid: str, day: str, note: str, comment: str = "") -> str:
    tail = f" # {comment}" if comment else ""
    return (
        f"- id: {cid}\n  date: {day}\n  kind: phone\n  minutes: 10\n"
        f"  with: [citizen]\n  note: {note}{tail}\n"
    )


def add_contact(text: str, entry: str) -> str:
    """Append a contact at the end of the contact list, as `cti log` does."""
    return text.replace("\n# Aftaler herunder\n", entry + "\n# Aftaler herunder\n")


def load(text: str) -> Any:
    return YAML(typ="safe").load(text)


def test_both_sides_add_contacts_union_sorted_by_date() -> None:
    ours = add_contact(BASE, contact("a11111", "2026-02-20", "Ours", "ours comment"))
    theirs = add_contact(BASE, contact("b22222", "2026-02-15", "Theirs", "theirs comment"))
    result = merge_texts(BASE, ours, theirs)
    assert result.clean
    data = load(result.text)
    assert [c["id"] for c in data["contacts"]] == ["k7f3a2", "b22222", "a11111"]
    assert "# a comment a person wrote" in result.text
    assert "# ours comment" in result.text
    assert "# theirs comment" in result.text
    assert result.text.startswith("# yaml-language-server:")
    # the heading comment still sits before its section, not in the middle of the list
    assert "  note: Ours # ours comment\n\n# Aftaler herunder\nappointments:" in result.text
    assert 'time: "10:00"' in result.text


def test_contacts_without_ids_are_keyed_by_content() -> None:
    plain = "- date: 2026-02-{d}\n  kind: phone\n  note: {n}\n"
    ours = add_contact(BASE, plain.format(d=20, n="x"))
    theirs = add_contact(BASE, plain.format(d=21, n="y") + plain.format(d=20, n="x"))
    data = load(merge_texts(BASE, ours, theirs).text)
    assert [c.get("note") for c in data["contacts"][1:]] == ["x", "y"]


def test_same_contact_added_on_both_sides_is_kept_once() -> None:
    entry = contact("a11111", "2026-02-20", "Same")
    ours = add_contact(BASE, entry)
    theirs = add_contact(BASE, entry).replace("worker: anna", "worker: bo")
    result = merge_texts(BASE, ours, theirs)
    data = load(result.text)
    assert [c["id"] for c in data["contacts"]] == ["k7f3a2", "a11111"]
    assert data["worker"] == "bo"


def test_deletion_on_one_side_of_an_unchanged_entry() -> None:
    theirs = BASE.replace("- name: Jens\n  role: bror\n  phone: '87654321'\n", "")
    theirs = theirs.replace("network:\n", "network: []\n")
    ours = BASE.replace("status: open", "status: active")
    data = load(merge_texts(BASE, ours, theirs).text)
    assert data["network"] == []
    assert data["goals"][0]["status"] == "active"


def test_deleted_on_one_side_changed_on_the_other_is_a_conflict() -> None:
    ours = BASE.replace("role: bror", "role: storebror")
    theirs = BASE.replace("- name: Jens\n  role: bror\n  phone: '87654321'\n", "")
    theirs = theirs.replace("network:\n", "network: []\n")
    result = merge_texts(BASE, ours, theirs)
    assert [c.path for c in result.conflicts] == ["network[Jens]"]
    assert result.conflicts[0].theirs == "(deleted)"
    assert "storebror" in result.text


def test_mappings_merge_key_by_key() -> None:
    ours = BASE.replace("phone: '12345678'", "phone: '11111111'")
    theirs = BASE.replace("  initials: MK\n", "  initials: MK\n  name: Mads\n")
    result = merge_texts(BASE, ours, theirs)
    assert result.clean
    citizen = load(result.text)["citizen"]
    assert citizen == {"initials": "MK", "name": "Mads", "phone": "11111111"}
    assert list(citizen) == ["initials", "name", "phone"]


def test_nested_field_changed_on_one_side_each() -> None:
    ours = BASE.replace("status: open", "status: done")
    theirs = BASE.replace("text: Egen bolig", "text: Egen lejlighed")
    goal = load(merge_texts(BASE, ours, theirs).text)["goals"][0]
    assert (goal["status"], goal["text"]) == ("done", "Egen lejlighed")


def test_conflicting_scalar_gets_markers_and_both_values() -> None:
    ours = BASE.replace("worker: anna", "worker: bo # vikar")
    theirs = BASE.replace("worker: anna", "worker: carl")
    result = merge_texts(BASE, ours, theirs)
    assert [(c.path, c.ours, c.theirs) for c in result.conflicts] == [("worker", "bo", "carl")]
    block = "<<<<<<< ours\nworker: bo # vikar\n=======\nworker: carl\n>>>>>>> theirs\n"
    assert block in result.text
    assert not parses(result.text)
    start = result.text.splitlines().index("<<<<<<< ours") + 1
    assert has_conflict_markers(result.text) == [start, start + 2, start + 4]


def test_conflict_inside_a_list_entry_names_it_and_each_side_is_valid() -> None:
    ours = BASE.replace("status: open", "status: done")
    theirs = BASE.replace("status: open", "status: dropped")
    result = merge_texts(BASE, ours, theirs)
    assert [c.path for c in result.conflicts] == ["goals[g1].status"]
    assert "<<<<<<< ours\n  status: done\n=======\n  status: dropped\n>>>>>>> theirs" in result.text
    # keeping either side (dropping the markers) yields a valid case file
    assert load(resolve(result.text, keep="ours"))["goals"][0]["status"] == "done"
    assert load(resolve(result.text, keep="theirs"))["goals"][0]["status"] == "dropped"


def test_conflict_on_a_first_key_and_a_whole_collection() -> None:
    ours = BASE.replace("- name: Jens\n  role: bror", "- name: Jens\n  role: far").replace(
        "transition: {kind: move_in, date: 2026-03-01}",
        "transition:\n  kind: release\n  date: 2026-03-02",
    )
    theirs = BASE.replace("role: bror", "role: onkel").replace(
        "transition: {kind: move_in, date: 2026-03-01}", "transition: later"
    )
    result = merge_texts(BASE, ours, theirs)
    assert sorted(c.path for c in result.conflicts) == ["network[Jens].role", "transition"]
    for keep in ("ours", "theirs"):
        data = load(resolve(result.text, keep=keep))
        assert data["network"][0]["role"] == ("far" if keep == "ours" else "onkel")


def resolve(text: str, keep: str) -> str:
    """Resolve every conflict by keeping one side, as a person would by hand."""
    out: list[str] = []
    side = None
    for line in text.splitlines(keepends=True):
        if line.startswith("<<<<<<<"):
            side = "ours"
        elif line.startswith("=======") and side:
            side = "theirs"
        elif line.startswith(">>>>>>>"):
            side = None
        elif side is None or side == keep:
            out.append(line)
    return "".join(out)


def test_merge_with_identical_sides_is_identity() -> None:
    ours = add_contact(BASE, contact("a11111", "2026-02-20", "x"))
    assert merge_texts(BASE, ours, ours).text == ours
    assert merge_texts(ours, ours, ours).text == ours
    assert merge_texts(BASE, BASE, ours).text == ours
    assert merge_texts(BASE, ours, BASE).text == ours


def test_comment_only_change_in_theirs_keeps_ours_text() -> None:
    ours = BASE.replace("status: open", "status: done")
    theirs = BASE.replace("worker: anna", "worker: anna # fast")
    assert merge_texts(BASE, ours, theirs).text == ours


def test_added_on_both_sides_without_base() -> None:
    ours = add_contact(BASE, contact("a11111", "2026-02-20", "x"))
    theirs = add_contact(BASE, contact("b22222", "2026-02-21", "y"))
    data = load(merge_texts("", ours, theirs).text)
    assert [c["id"] for c in data["contacts"]] == ["k7f3a2", "a11111", "b22222"]


def test_block_sequence_indent_of_ours_is_kept() -> None:
    base = "id: x\ncontacts:\n  - id: a\n    date: 2026-01-01\nplan: p\n"
    ours = base.replace("plan: p", "plan: q")
    theirs = base.replace("plan: p", "  - id: b\n    date: 2026-01-02\nplan: p")
    assert merge_texts(base, ours, theirs).text == (
        "id: x\ncontacts:\n  - id: a\n    date: 2026-01-01\n  - id: b\n    date: 2026-01-02\n"
        "plan: q\n"
    )


def test_has_conflict_markers_ignores_lone_separator() -> None:
    assert has_conflict_markers("plan: |\n  Mål\n  =======\n") == []
    assert has_conflict_markers("a: 1\n<<<<<<< ours\nb: 1\n=======\nb: 2\n>>>>>>> theirs\n") == [
        2,
        4,
        6,
    ]


# --------------------------------------------------------------------------- driver


def write_sides(tmp_path: Path, base: str, ours: str, theirs: str) -> list[str]:
    names = []
    for name, text in (("O", base), ("A", ours), ("B", theirs)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        names.append(str(tmp_path / name))
    return [*names, "cases/2026-004.yaml"]


def test_driver_writes_clean_merge_and_returns_0(tmp_path: Path) -> None:
    ours = add_contact(BASE, contact("a11111", "2026-02-20", "x"))
    theirs = add_contact(BASE, contact("b22222", "2026-02-21", "y"))
    args = write_sides(tmp_path, BASE, ours, theirs)
    assert main(args) == 0
    merged = (tmp_path / "A").read_text(encoding="utf-8")
    assert [c["id"] for c in load(merged)["contacts"]] == ["k7f3a2", "a11111", "b22222"]


def test_driver_returns_1_on_conflict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = write_sides(tmp_path, BASE, BASE.replace("anna", "bo"), BASE.replace("anna", "carl"))
    assert main(args) == 1
    assert has_conflict_markers((tmp_path / "A").read_text(encoding="utf-8"))
    assert "worker" in capsys.readouterr().err


def test_driver_falls_back_to_line_merge_for_invalid_yaml(tmp_path: Path) -> None:
    broken = BASE.replace("worker: anna", "worker: anna\nworker: dup")  # duplicate key
    theirs = BASE.replace("target_group: homelessness", "target_group: psychiatry")
    args = write_sides(tmp_path, BASE, broken, theirs)
    assert main(args) == 0  # git merge-file: non-overlapping line changes merge cleanly
    merged = (tmp_path / "A").read_text(encoding="utf-8")
    assert "worker: dup" in merged and "psychiatry" in merged


def test_driver_line_merge_conflict_keeps_both(tmp_path: Path) -> None:
    ours = BASE.replace("worker: anna", "worker: [")
    theirs = BASE.replace("worker: anna", "worker: carl")
    args = write_sides(tmp_path, BASE, ours, theirs)
    assert main(args) == 1
    merged = (tmp_path / "A").read_text(encoding="utf-8")
    assert "worker: [" in merged and "worker: carl" in merged
    assert has_conflict_markers(merged)


def test_python_dash_m_runs_the_driver(tmp_path: Path) -> None:
    args = write_sides(tmp_path, BASE, BASE.replace("anna", "bo"), BASE)
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-m", "cti_cli.team.merge", *args], cwd=root,
                          check=False)
    assert done.returncode == 0
    assert "worker: bo" in (tmp_path / "A").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- property

ids = st.text(alphabet="abcdef0123456789", min_size=6, max_size=6)
days = st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 31))


def entries(draw: st.DrawFn, used: set[str], count: int) -> list[dict[str, Any]]:
    out = []
    for _ in range(count):
        cid = draw(ids.filter(lambda i: i not in used))
        used.add(cid)
        out.append(
            {
                "id": cid,
                "date": draw(days),
                "kind": draw(st.sampled_from(["meeting", "phone", "sms"])),
                "minutes": draw(st.integers(0, 240)),
                "note": draw(
                    st.text(st.characters(categories=("L", "N", "P", "S", "Zs")), max_size=20)
                ),
            }
        )
    return out


@st.composite
def contact_lists(draw: st.DrawFn) -> tuple[list[Any], list[Any], list[Any]]:
    used: set[str] = set()
    base = sorted(entries(draw, used, draw(st.integers(0, 4))), key=lambda c: c["date"])
    ours = entries(draw, used, draw(st.integers(0, 4)))
    theirs = entries(draw, used, draw(st.integers(0, 4)))
    return base, ours, theirs


def dump(contacts: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    YAML().dump({"id": "2026-004", "worker": "anna", "contacts": contacts}, out)
    return out.getvalue()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contact_lists())
def test_merged_contacts_are_the_union(lists: tuple[list[Any], list[Any], list[Any]]) -> None:
    base, added_ours, added_theirs = lists
    by_date = lambda c: c["date"]  # noqa: E731 - the tool keeps each side's log in date order
    ours, theirs = sorted(base + added_ours, key=by_date), sorted(base + added_theirs, key=by_date)
    result = merge_texts(dump(base), dump(ours), dump(theirs))
    assert result.clean
    merged = load(result.text)["contacts"] or []
    expected = base + added_ours + added_theirs
    key = lambda c: c["id"]  # noqa: E731
    assert sorted(merged, key=key) == sorted(expected, key=key)
    assert [c["date"] for c in merged] == sorted(c["date"] for c in expected)
