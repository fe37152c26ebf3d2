"""The quick paths of issue 14 give what the full ones give: `log` without pydantic (cti.toml
and the case known valid by their proofs, the contact checked plainly), the append checked on
its last item only, and an auto-commit of two git processes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import Runner
from hypothesis import given, settings
from hypothesis import strategies as st

from cti_cli.core import entries, model
from cti_cli.storage import cache
from cti_cli.storage.fastappend import append_locally, insert_entry
from cti_cli.storage.store import open_folder
from cti_cli.storage.yamlread import parse

CASE = """\
id: 2026-001
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
ENTRY = {"id": "c000002", "date": date(2026, 2, 12), "kind": "phone", "minutes": 15,
         "with": ["citizen", "bror"], "note": "Ringede: alt vel # ikke en kommentar"}


def test_contact_kinds_are_the_models() -> None:
    assert entries.CONTACT_KINDS == model.CONTACT_KINDS


def _model_says(entry: dict) -> dict | None:
    try:
        return model.Contact.model_validate(entry).model_dump(exclude_unset=True)
    except Exception:
        return None


texts = st.text(st.characters(codec="utf-8"), max_size=30) | st.sampled_from(
    ["", "x" * 500, "x" * 501, "a\nb", "a\rb", "a\u202eb", "a\x00b", "tab\there"])


@settings(max_examples=300, deadline=None)
@given(day=st.dates(date(1890, 1, 1), date(2210, 1, 1)),
       kind=st.sampled_from([*model.CONTACT_KINDS, "visit"]),
       minutes=st.none() | st.integers(-5, 1500) | st.just(True),
       people=st.lists(texts, max_size=3) | texts,
       place=st.none() | texts, note=texts, entry_id=st.sampled_from(["c12ab34", "bad id", ""]))
def test_the_plain_contact_check_agrees_with_the_model(day, kind, minutes, people, place, note,
                                                       entry_id) -> None:
    entry = {"id": entry_id, "date": day, "kind": kind, "with": people, "note": note}
    if minutes is not None:
        entry["minutes"] = minutes
    if place is not None:
        entry["place"] = place
    plain = entries.plain_contact(entry)
    if plain is not None:  # accepted plainly: exactly what the model makes of it
        assert plain == _model_says(entry)


def test_a_plainly_valid_contact_is_accepted_plainly() -> None:
    assert entries.plain_contact(dict(ENTRY)) == _model_says(dict(ENTRY))
    assert entries.plain_contact({**ENTRY, "note": "to linjer\nher"}) is not None
    assert entries.plain_contact({**ENTRY, "note": "styretegn \x07"}) is None  # the model's
    assert entries.plain_contact({**ENTRY, "minutes": 2000}) is None


def test_the_local_append_writes_what_the_whole_file_check_writes() -> None:
    old = parse(CASE).data
    local = append_locally(CASE, "contacts", dict(ENTRY), old["contacts"][-1])
    assert local is not None and local == insert_entry(CASE, "contacts", dict(ENTRY))
    assert parse(local).data == {**old, "contacts": [*old["contacts"], ENTRY]}


@pytest.mark.parametrize("change", [
    # a last note that keeps its trailing blank lines would lose them to the new entry
    ("  note: Første møde  # skrevet i hånden\n  # hører til første kontakt\n",
     "  note: |+\n    Første møde\n\n"),
    ("id: 2026-001\n", "%YAML 1.2\n---\nid: 2026-001\n"),
    ("contacts:\n", "contacts: # kommentar\n  # mere\n"),
])
def test_the_local_append_declines_what_it_cannot_check(change: tuple[str, str]) -> None:
    text = CASE.replace(*change)
    old = parse(text).data
    local = append_locally(text, "contacts", dict(ENTRY), old["contacts"][-1])
    if local is not None:  # allowed only when it reads back right
        assert parse(local).data == {**old, "contacts": [*old["contacts"], ENTRY]}
    if "|+" in change[1] or "%YAML" in change[1]:
        assert local is None


def test_an_indented_list_is_appended_in_its_own_style() -> None:
    head, _, rest = CASE.partition("contacts:\n")
    items, _, tail = rest.partition("# hører til planen\n")
    text = head + "contacts:\n" + "".join("  " + line for line in items.splitlines(True)) \
        + "# hører til planen\n" + tail
    old = parse(text).data
    local = append_locally(text, "contacts", dict(ENTRY), old["contacts"][-1])
    assert local is not None and local == insert_entry(text, "contacts", dict(ENTRY))
    assert "\n  - id: c000002\n    date: 2026-02-12\n" in local


def test_a_wrong_last_item_is_refused() -> None:
    old = parse(CASE).data
    assert append_locally(CASE, "contacts", dict(ENTRY), {**old["contacts"][-1], "kind": "sms"}
                          ) is None


def _imports_of_a_log(root: Path, case: str, *args: str) -> set[str]:
    script = ("import sys\nfrom cti_cli.cli import main\n"
              f"code = main(['-C', {str(root)!r}, 'log', {case!r}, *{list(args)!r}])\n"
              "print(code, ' '.join(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, timeout=120)
    code, _, modules = done.stdout.strip().partition(" ")
    assert code == "0", done.stderr
    return set(modules.split())


def _new_case(cti: Runner, root: Path) -> str:
    made = cti("-C", root, "new", "--initials", "MK", "--worker", "anna", "--group",
               "homelessness", "--transition-date", "2026-03-01", "--date", "2026-02-10")
    assert made.code == 0, made.output
    return made.out.strip()


def test_a_log_on_a_proven_case_imports_no_pydantic(folder: Path, cti: Runner) -> None:
    case = _new_case(cti, folder)
    # the first run in a fresh home compiles the Danish catalog (Babel) into its cache
    _imports_of_a_log(folder, case, "Første", "--date", "2026-02-11")
    modules = _imports_of_a_log(folder, case, "Anden", "--date", "2026-02-12", "--minutes", "5")
    assert not {m for m in modules if m.split(".")[0] in ("pydantic", "ruamel", "rich", "typer",
                                                          "babel", "filelock")}
    assert "cti_cli.core.model" not in modules and "cti_cli.core.settings" not in modules
    data = parse((folder / "cases" / f"{case}.yaml").read_text("utf-8")).data
    assert [c["note"] for c in data["contacts"]] == ["Første", "Anden"]
    assert cti("-C", folder, "check").code == 0


def test_a_changed_cti_toml_is_validated_again(plain_folder: Path, cti: Runner) -> None:
    case = _new_case(cti, plain_folder)
    assert cti("-C", plain_folder, "log", case, "Første", "--date", "2026-02-11").code == 0
    assert open_folder(plain_folder).team.commit is False
    toml = plain_folder / "cti.toml"
    toml.write_text(toml.read_text("utf-8").replace('language = "da"', 'language = "de"'),
                    "utf-8")
    res = cti("-C", plain_folder, "log", case, "Anden", "--date", "2026-02-12")
    assert res.code == 1 and "team.language" in res.err and "cti.toml:" in res.err
    toml.write_text(toml.read_text("utf-8").replace('language = "de"', 'language = "en"'),
                    "utf-8")
    assert cti("-C", plain_folder, "log", case, "Anden", "--date", "2026-02-12").code == 0
    assert open_folder(plain_folder).team.language == "en"


def test_a_planted_settings_proof_is_not_trusted(plain_folder: Path) -> None:
    state = plain_folder / ".cti"
    state.mkdir(exist_ok=True)
    target = state / cache.CACHE_DIR / cache.SETTINGS_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"cti-settings 1 0.0:forged\n" + b"\0" * 40)
    folder = open_folder(plain_folder)
    team = folder.config.team
    assert folder.team == (team.language, team.commit, team.course_months, team.date_format)


def _git_calls(tmp_path: Path) -> tuple[dict[str, str], Path]:
    real = shutil.which("git")
    assert real is not None
    shim = tmp_path / "shim"
    shim.mkdir()
    log = tmp_path / "git-calls"
    (shim / "git").write_text(f'#!/bin/sh\necho "$*" >> {log}\nexec {real} "$@"\n')
    (shim / "git").chmod(0o755)
    return {"PATH": f"{shim}{os.pathsep}{os.environ['PATH']}"}, log


@pytest.mark.skipif(shutil.which("git") is None or os.name != "posix", reason="needs git, sh")
def test_an_auto_commit_of_log_runs_two_git_processes(folder: Path, cti: Runner,
                                                      cti_proc: Runner, tmp_path: Path) -> None:
    case = _new_case(cti, folder)
    env, log = _git_calls(tmp_path)
    res = cti_proc("-C", folder, "log", case, "Første", "--date", "2026-02-11", env=env)
    assert res.code == 0, res.output
    calls = log.read_text().splitlines()
    assert len(calls) == 2, calls
    assert "rev-parse" in calls[0] and "commit" in calls[1]
    shown = subprocess.run(["git", "-C", str(folder), "show", "--stat", "--format=%B", "HEAD"],
                           capture_output=True, text=True, check=True).stdout
    assert f"{case}: log meeting 2026-02-11" in shown and f"cases/{case}.yaml" in shown
    status = subprocess.run(["git", "-C", str(folder), "status", "--porcelain", "cases"],
                            capture_output=True, text=True, check=True).stdout
    assert status == ""


def _case_with(plain_folder: Path, cti: Runner, extra: str) -> Path:
    case = _new_case(cti, plain_folder)
    path = plain_folder / "cases" / f"{case}.yaml"
    path.write_text(path.read_text("utf-8") + extra, "utf-8")
    return path


@pytest.mark.parametrize("extra", [
    "contacts:\n- date: 2026-02-11\n  note: en lang note skrevet\n    over to linjer  # hånd\n"
    "checklists:\n  contact:\n    contact_made: 2026-02-11  # ringede\n# slut\nplan: Bolig.\n",
    "checklists: {contact: {contact_made: 2026-02-11}}\n",  # flow style: through ruamel
    "checklists:\n",  # empty
    "",
])
def test_tick_and_untick_change_only_the_checklist(plain_folder: Path, cti: Runner,
                                                   extra: str) -> None:
    path = _case_with(plain_folder, cti, extra)
    before = path.read_text("utf-8")
    old = parse(before).data
    res = cti("-C", plain_folder, "tick", path.stem, "informed", "--date", "2026-02-12")
    assert res.code == 0, res.output
    ticked = path.read_text("utf-8")
    data = parse(ticked).data
    assert data["checklists"]["contact"]["informed"] == date(2026, 2, 12)
    assert {k: v for k, v in data.items() if k != "checklists"} == {
        k: v for k, v in old.items() if k != "checklists"}
    if "#" in extra:  # edited in place: every other line as it was
        assert ticked.replace("    informed: 2026-02-12\n", "") == before
    res = cti("-C", plain_folder, "tick", path.stem, "informed", "--undo")
    assert res.code == 0, res.output
    after = parse(path.read_text("utf-8")).data
    if not (old.get("checklists") or {}).get("contact"):
        assert "checklists" not in after  # the emptied gate and list go too
    else:
        assert after == old
    assert cti("-C", plain_folder, "check").code == 0


def test_a_text_edit_is_made_again_through_the_tree_when_it_reads_wrong() -> None:
    from cti_cli.storage.textedit import changed_only, delete_nested, set_nested

    text = "id: x\nchecklists:\n  contact:\n    informed: 2026-02-11\nplan: p\n"
    new = set_nested(text, ("checklists", "contact", "contact_made"), date(2026, 2, 12))
    assert new == text.replace("plan:", "    contact_made: 2026-02-12\nplan:")
    assert delete_nested(text, ("checklists", "contact", "informed")) == "id: x\nplan: p\n"
    assert set_nested(text, ("checklists", "phase1", "economy"), {"na": "i job"}) == text.replace(
        "plan:", "  phase1:\n    economy:\n      na: i job\nplan:")
    assert changed_only(text, text.replace("id: x", "id: y"), "checklists") is None
    # a quoted key: left to the tree (a second, unquoted `contact:` would be a duplicate)
    assert set_nested(text.replace("  contact:\n", "  'contact':\n"),
                      ("checklists", "contact", "x"), date(2026, 2, 12)) is None
    assert set_nested("a: {b: 1}\n", ("a", "b"), date(2026, 2, 12)) is None


def test_advance_takes_the_fast_path_and_appends_the_phase(plain_folder: Path, cti: Runner,
                                                           ) -> None:
    from cti_cli.cli import fast

    path = _case_with(plain_folder, cti, "")
    line = ["-C", str(plain_folder), "advance", path.stem, "--force", "--reason", "flytter",
            "--date", "2026-02-20"]
    assert fast.parse(line) is not None
    res = cti(*line)
    assert res.code == 0, res.output
    assert "kontaktfase → fase 1 (2026-02-20) (tvunget)" in res.out
    phases = parse(path.read_text("utf-8")).data["phases"]
    assert phases[-1] == {"name": "phase1", "start": date(2026, 2, 20), "forced": "flytter"}


def _check_folder(plain_folder: Path) -> Path:
    """Case files with every kind of finding: schema errors, rule warnings, a CPR number in
    a note, a syntax error, an id that does not match its file name."""
    cases = plain_folder / "cases"
    for n in range(6):
        cid = f"2026-{n + 1:03d}"
        text = CASE.replace("2026-001", cid)
        if n == 1:
            text = text.replace("  kind: meeting\n", "  kind: meeting\n  minutes: -5\n")
        if n == 2:
            text = text.replace("Første møde", "Første møde, cpr 010190-1234")
        if n == 3:
            text = text.replace("worker: anna", "worker: nobody")
        if n == 4:
            text = text.replace("plan: Bolig først.", "plan: [Bolig først.")
        (cases / f"{cid}.yaml").write_text(text, "utf-8")
    (cases / "2026-099.yaml").write_text(CASE, "utf-8")  # id 2026-001 in 2026-099's file
    return plain_folder


def test_check_parses_each_file_once_and_places_every_finding(
        plain_folder: Path, cti: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from cti_cli.storage import yamlread

    root = _check_folder(plain_folder)
    calls: list[str] = []
    real = yamlread.parse

    def counting(text: str, **kw: object) -> yamlread.Parsed:
        calls.append(text)
        return real(text, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(yamlread, "parse", counting)
    result = cti("-C", root, "check", "--json")
    found = json.loads(result.out)
    assert len(calls) == len(list((root / "cases").glob("*.yaml"))) == 7
    placed = {(f["path"].rsplit("/", 1)[-1], f["code"], f["line"], f["column"]) for f in found}
    assert placed == {("2026-002.yaml", "E103", 16, 12), ("2026-003.yaml", "W401", 17, 9),
                      ("2026-004.yaml", "E202", 5, 9), ("2026-005.yaml", "E001", 21, 1),
                      ("2026-099.yaml", "E201", 1, 5)}
    assert all(f["line"] >= 1 and f["column"] >= 1 for f in found)


def test_check_over_the_process_pool_reports_what_one_process_reports(
        plain_folder: Path, cti: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    from cti_cli.storage import scan

    root = _check_folder(plain_folder)
    one = cti("-C", root, "check", "--json")
    monkeypatch.setattr(scan, "PARALLEL_MIN", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    pooled = cti("-C", root, "check", "--json")
    assert (pooled.code, pooled.out) == (one.code, one.out)
    assert one.code == 1 and one.out.count('"code"') == 5


@pytest.mark.skipif(shutil.which("git") is None or os.name != "posix", reason="needs git, sh")
def test_sync_with_nothing_to_do_runs_one_fetch_and_five_git_processes(
        folder: Path, cti_proc: Runner, tmp_path: Path) -> None:
    shared = tmp_path / "shared.git"
    for args in (["-C", str(folder), "commit", "--quiet", "-am", "workers"],
                 ["clone", "--quiet", "--bare", str(folder), str(shared)],
                 ["-C", str(folder), "remote", "add", "origin", str(shared)],
                 ["-C", str(folder), "push", "--quiet", "-u", "origin", "HEAD"]):
        subprocess.run(["git", *args], check=True, capture_output=True)
    env, log = _git_calls(tmp_path)
    res = cti_proc("-C", folder, "sync", env=env)
    assert res.code == 0, res.output
    calls = [c.split()[2] for c in log.read_text().splitlines()]  # -C DIR command …
    assert calls == ["rev-parse", "config", "status", "fetch", "for-each-ref"], calls
