"""The cache of validated cases is used only while it is provably current; the fast append
keeps `log`'s promises (only added lines, valid, concurrent writers safe)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from cti_cli.core.facts import facts_of
from cti_cli.core.model import CASE_ID_PATTERN
from cti_cli.storage import cache, edit, scan, store
from cti_cli.storage.fastappend import insert_entry
from cti_cli.storage.store import open_folder
from cti_cli.storage.yamlread import parse

CASE = """\
# yaml-language-server: $schema=../schemas/case.schema.json
id: {id}
citizen:
  initials: MK
target_group: homelessness
worker: anna
transition:
  kind: move_in
  date: 2026-03-01
phases:
- name: contact
  start: 2026-02-10
contacts:
- id: c000001
  date: 2026-02-11
  kind: meeting
  with: [citizen]
  note: Første møde  # skrevet i hånden
  # hører til første kontakt
# hører til planen
plan: Bolig først.
"""
OLD = 1_700_000_000  # an mtime well in the past: not "racy"


@pytest.fixture(autouse=True)
def _no_racy_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files made by a test are seconds old at most: trust them as if older."""
    monkeypatch.setattr(scan, "RACY_NS", -1)


def _make(root: Path, n: int = 3) -> list[Path]:
    paths = []
    for i in range(1, n + 1):
        p = root / "cases" / f"2026-00{i}.yaml"
        p.write_text(CASE.format(id=f"2026-00{i}"), "utf-8")
        os.utime(p, (OLD, OLD))
        paths.append(p)
    return paths


def _ids(folder: store.Folder, **kw: bool) -> list[tuple[str, int]]:
    return [(e.path.stem, e.facts.contacts if e.facts else -1)
            for e in scan.load_all(folder, **kw)]


def test_case_id_pattern_matches_model() -> None:
    assert store.CASE_ID_RE.pattern == CASE_ID_PATTERN[1:-1]


def test_cache_is_used_and_equals_a_fresh_read(plain_folder: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    _make(plain_folder)
    folder = open_folder(plain_folder)
    first = scan.load_all(folder)
    assert cache.load(folder.state_dir).keys() == {f"2026-00{i}.yaml" for i in (1, 2, 3)}
    monkeypatch.setattr(scan, "load_entry", lambda *a, **k: pytest.fail("not cached"))
    again = scan.load_all(folder, open_only=True)
    assert [e.facts for e in again] == [e.facts for e in first]
    assert all(e.case is None for e in again)  # no model is built from the cache
    fresh = store.read_case(plain_folder / "cases" / "2026-001.yaml").case
    assert again[0].facts == facts_of(fresh)
    assert again[0].facts is not None and again[0].facts.last_contact == date(2026, 2, 11)


def test_cache_size_grows_with_cases_not_contacts(plain_folder: Path) -> None:
    """A case with 400 contacts costs the cache what a case with one does."""
    p = _make(plain_folder, 1)[0]
    folder = open_folder(plain_folder)
    scan.load_all(folder)
    cache_file = folder.state_dir / cache.CACHE_DIR / cache.CACHE_FILE
    small = cache_file.stat().st_size
    many = "".join(f"- date: 2026-02-{11 + i % 15}\n  minutes: 30\n" for i in range(400))
    p.write_text(CASE.format(id=p.stem).replace("# hører til planen", many), "utf-8")
    os.utime(p, (OLD, OLD))
    (entry,) = scan.load_all(folder)
    assert entry.facts is not None and entry.facts.contacts == 401
    assert cache_file.stat().st_size - small < 20


def test_a_past_day_counts_no_later_contact(plain_folder: Path) -> None:
    """Reports for a past `--date` see the last contact on or before it, cached or not."""
    p = _make(plain_folder, 1)[0]
    p.write_text(CASE.format(id=p.stem).replace(
        "# hører til planen", "- date: 2026-03-20\n  minutes: 30\n"), "utf-8")
    os.utime(p, (OLD, OLD))
    folder = open_folder(plain_folder)
    for _run in ("cold", "warm"):
        (entry,) = scan.load_all(folder, as_of=date(2026, 3, 1))
        assert entry.facts is not None
        assert (entry.facts.last_contact, entry.facts.contacts) == (date(2026, 2, 11), 1)
    (entry,) = scan.load_all(folder)
    assert entry.facts is not None and entry.facts.last_contact == date(2026, 3, 20)


@pytest.mark.parametrize("change", ["byte", "touch", "same_size", "delete", "corrupt",
                                    "version", "truncate"])
def test_any_change_rebuilds(plain_folder: Path, change: str,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _make(plain_folder)
    folder = open_folder(plain_folder)
    assert _ids(folder) == [(p.stem, 1) for p in paths]
    target = paths[1]
    cache_file = folder.state_dir / cache.CACHE_DIR / cache.CACHE_FILE
    expected = [(p.stem, 1) for p in paths]
    if change == "byte":  # one more contact, same mtime as before
        target.write_text(CASE.format(id=target.stem).replace(
            "# hører til planen", "- date: 2026-02-12\n# hører til planen"), "utf-8")
        os.utime(target, (OLD, OLD))
        expected[1] = (target.stem, 2)
    elif change == "touch":
        os.utime(target, (OLD + 5, OLD + 5))
    elif change == "same_size":  # replaced (new inode), same size and mtime, invalid now
        text = target.read_text("utf-8").replace("worker: anna", "worker: 4nna")
        target.unlink()
        target.write_text(text.replace("target_group: homelessness",
                                       "target_group: homelessnesz"), "utf-8")
        os.utime(target, (OLD, OLD))
        expected[1] = (target.stem, -1)
    elif change == "delete":
        target.unlink()
        del expected[1]
    elif change == "corrupt":
        data = bytearray(cache_file.read_bytes())
        data[-5] ^= 0xFF
        cache_file.write_bytes(bytes(data))
    elif change == "truncate":
        cache_file.write_bytes(cache_file.read_bytes()[:40])
    elif change == "version":
        monkeypatch.setattr(cache, "fingerprint", lambda: "9.9.9:other-schema")
    reads: list[Path] = []
    real = scan.load_entry
    monkeypatch.setattr(scan, "load_entry", lambda p, **k: reads.append(p) or real(p, **k))
    assert _ids(folder) == expected
    if change in ("corrupt", "truncate", "version"):
        assert len(reads) == 3  # nothing trusted
    elif change == "delete":
        assert reads == []
    else:
        assert reads == [target]
    reads.clear()
    assert _ids(folder) == expected  # and the rebuilt cache is right
    assert reads == ([target] if change == "same_size" else [])  # invalid files: never cached


def test_planted_cache_cannot_run_code(plain_folder: Path) -> None:
    import hashlib
    import pickle

    folder = open_folder(plain_folder)
    body = pickle.dumps({"x.yaml": os.system})
    path = folder.state_dir / cache.CACHE_DIR / cache.CACHE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(cache._header() + hashlib.blake2b(body, digest_size=32).digest() + body)
    assert cache.load(folder.state_dir) == {}


def test_insert_keeps_comments_and_places(tmp_path: Path) -> None:
    text = CASE.format(id="2026-001")
    entry = {"id": "c000002", "date": date(2026, 2, 12), "kind": "phone", "minutes": 15,
             "with": ["citizen", "bror"], "note": "Ringede: alt vel # ikke en kommentar"}
    new = insert_entry(text, "contacts", entry)
    assert new is not None
    old_data = parse(text).data
    assert parse(new).data == {**old_data, "contacts": [*old_data["contacts"], entry]}
    added = new.replace("  # hører til første kontakt\n", "  # hører til første kontakt\nX", 1)
    assert added.split("X", 1)[1].startswith("- id: c000002\n")
    assert new.index("# hører til planen") > new.index("c000002")
    assert insert_entry(text.replace("contacts:\n- id", "contacts: [{id").replace(
        "  # hører til første kontakt\n", ""), "contacts", entry) is None
    assert insert_entry(text, "appointments", entry) is None  # missing: round-trip writer


def test_log_falls_back_when_list_is_flow_style(plain_folder: Path, cti) -> None:
    path = plain_folder / "cases" / "2026-001.yaml"
    path.write_text(CASE.format(id="2026-001").split("contacts:")[0]
                    + "contacts: [{date: 2026-02-11, note: kort}]\n", "utf-8")
    res = cti("-C", plain_folder, "log", "2026-001", "Nyt", "--date", "2026-02-12")
    assert res.code == 0, res.output
    data = parse(path.read_text("utf-8")).data
    assert [c["note"] for c in data["contacts"]] == ["kort", "Nyt"]


def test_log_trusts_only_proof_of_the_exact_bytes(plain_folder: Path, cti) -> None:
    path = _make(plain_folder, 1)[0]
    assert cti("-C", plain_folder, "log", path.stem, "a", "--date", "2026-02-12").code == 0
    # a hand edit that breaks the file: the proof no longer matches, full check refuses
    path.write_text(path.read_text("utf-8").replace("initials: MK", "initials: 1234567"),
                    "utf-8")
    before = path.read_bytes()
    res = cti("-C", plain_folder, "log", path.stem, "b", "--date", "2026-02-13")
    assert res.code == 1 and path.read_bytes() == before


@pytest.mark.slow
def test_two_processes_append_100_contacts_each(plain_folder: Path) -> None:
    path = _make(plain_folder, 1)[0]
    script = textwrap.dedent(f"""
        import sys
        from datetime import date
        from cti_cli.storage import append, store
        folder = store.open_folder(store.Path({str(plain_folder)!r}))
        path = store.Path({str(path)!r})
        for i in range(100):
            append.append_entry(folder, path, "contacts",
                               {{"id": f"{{sys.argv[1]}}{{i:03d}}", "date": date(2026, 2, 12),
                                "kind": "meeting", "with": ["citizen"],
                                "note": f"proces {{sys.argv[1]}} nr {{i}}"}})
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script, name]) for name in ("a", "b")]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    case = store.read_case(path).case
    ids = [c.id for c in case.contacts]
    assert len(ids) == 201 and len(set(ids)) == 201
    assert {f"a{i:03d}" for i in range(100)} | {f"b{i:03d}" for i in range(100)} <= set(ids)
    text = path.read_text("utf-8")
    assert "# hører til første kontakt" in text and "# hører til planen" in text


@pytest.mark.parametrize("on_terminal", [True, False])
def test_progress_bar_only_on_a_terminal(plain_folder: Path, cti, on_terminal: bool) -> None:
    """Many cold files show a bar on stderr when it is a terminal, and nothing in a pipe."""
    import os
    import subprocess
    import sys

    made = cti("-C", plain_folder, "new", "--initials", "MK", "--worker", "anna", "--group",
               "homelessness", "--transition-date", "2026-03-01", "--date", "2026-02-10")
    template = (plain_folder / "cases" / f"{made.out.strip()}.yaml").read_text("utf-8")
    for n in range(2, 40):
        (plain_folder / "cases" / f"2026-{n:03d}.yaml").write_text(
            template.replace("id: 2026-001", f"id: 2026-{n:03d}"), "utf-8")
    script = ("import sys; import cti_cli.storage.scan as s; s.PROGRESS_MIN = 10\n"
              "from cti_cli.cli import main\n"
              f"sys.exit(main(['-C', {str(plain_folder)!r}, 'list', '--json']))")
    master, slave = os.openpty()
    try:
        proc = subprocess.run([sys.executable, "-c", script], stdout=subprocess.PIPE,
                              stderr=slave if on_terminal else subprocess.PIPE, timeout=60,
                              env={**os.environ, "TERM": "xterm", "COLUMNS": "80"})
        os.close(slave)
        err = b""
        if on_terminal:
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                err += chunk
        else:
            err = proc.stderr
    finally:
        os.close(master)
    assert proc.returncode == 0
    assert len(__import__("json").loads(proc.stdout)) == 39
    assert ("læser sagsfiler".encode() in err) is on_terminal  # the folder is Danish


def test_case_lock_serialises_writers(plain_folder: Path) -> None:
    """A second writer of the same case waits, then gives up with a user error; others pass."""
    from cti_cli.core.errors import CtiError

    folder = open_folder(plain_folder)
    with edit.case_lock(folder, "2026-001"):
        with pytest.raises(CtiError, match="being changed by another cti process"), \
                edit.case_lock(folder, "2026-001", timeout=0.2):
            pass
        with edit.case_lock(folder, "2026-002", timeout=0.2):
            pass
    with edit.case_lock(folder, "2026-001", timeout=0.2):
        pass  # released
