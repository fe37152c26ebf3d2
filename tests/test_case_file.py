"""The case file and folder, end to end through the CLI and the storage API (issue 2)."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cti_cli.core.errors import ConcurrentChange
from cti_cli.storage import edit, store
from cti_cli.storage.store import Folder, open_folder


def _lines_only_added(before: str, after: str) -> list[str]:
    """The added lines if `after` is `before` with lines inserted, else fail."""
    old, new = before.splitlines(), after.splitlines()
    added, i = [], 0
    for line in new:
        if i < len(old) and line == old[i]:
            i += 1
        else:
            added.append(line)
    assert i == len(old), "a line of the old file was changed or removed"
    return added


def test_init_new_log_check_only_adds_lines(tmp_path: Path, cti) -> None:
    root = tmp_path / "empty"
    assert cti("init", root).code == 0
    (root / "cti.toml").write_text((root / "cti.toml").read_text("utf-8")
                                   + '\n[workers.anna]\nname = "Anna"\n', "utf-8")
    made = cti("-C", root, "new", "--initials", "MK", "--worker", "anna", "--group",
               "homelessness", "--transition-date", "2026-03-01", "--date", "2026-02-10")
    assert made.code == 0, made.output
    case_id = made.out.strip()
    path = root / "cases" / f"{case_id}.yaml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text("utf-8").startswith("# yaml-language-server: $schema=")
    # a person adds comments, including one on a list entry's own line
    text = path.read_text("utf-8").replace("worker: anna", "worker: anna  # aftalt med teamleder")
    path.write_text(text + "# sidste linje: skrevet i hånden\n", "utf-8")
    for n, note in enumerate(["Første møde på herberget", "Telefon: nøgle til bolig",
                              "Besøg i ny bolig"]):
        before = path.read_text("utf-8")
        res = cti("-C", root, "log", case_id, note, "--minutes", "30", "--date",
                  f"2026-02-1{n + 1}")
        assert res.code == 0, res.output
        added = _lines_only_added(before, path.read_text("utf-8"))
        assert any(note in line for line in added)
        assert len(added) <= 8 if n else len(added) <= 9  # the first adds "contacts:" too
    final = path.read_text("utf-8")
    assert "# aftalt med teamleder" in final and "# sidste linje: skrevet i hånden" in final
    checked = cti("-C", root, "check", "--date", "2026-02-20")
    assert checked.code == 0 and checked.out == "", checked.output
    shown = json.loads(cti("-C", root, "show", case_id, "--json").out)
    assert [c["note"] for c in shown["contacts"]] == ["Første møde på herberget",
                                                      "Telefon: nøgle til bolig",
                                                      "Besøg i ny bolig"]
    assert shown["contacts"][0]["with"] == ["citizen"]


def test_ids_are_generated_in_sequence_and_never_reused(plain_folder: Path, cti) -> None:
    args = ["--worker", "anna", "--group", "psychiatric", "--transition-date", "2026-05-01",
            "--date", "2026-04-20"]
    first = cti("-C", plain_folder, "new", "--initials", "AB", *args).out.strip()
    second = cti("-C", plain_folder, "new", "--initials", "CD", *args).out.strip()
    assert (first, second) == ("2026-001", "2026-002")
    (plain_folder / "cases" / f"{second}.yaml").unlink()
    (plain_folder / "cases" / ".retired").write_text(f"{second}\n", "utf-8")
    third = cti("-C", plain_folder, "new", "--initials", "EF", *args).out.strip()
    assert third == "2026-003"
    dup = cti("-C", plain_folder, "new", "--initials", "GH", "--id", first, *args)
    assert dup.code == 1 and "er allerede brugt" in dup.err


def test_folder_found_upwards_and_by_option_and_env(plain_folder: Path, cti,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path) -> None:
    sub = plain_folder / "cases"
    assert cti("list", "--json", cwd=sub).code == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    lost = cti("list", cwd=elsewhere)
    assert lost.code == 1 and "cti.toml" in lost.err and "Traceback" not in lost.err
    assert cti("-C", plain_folder, "list", cwd=elsewhere).code == 0
    monkeypatch.setenv("CTI_DIR", str(plain_folder))
    assert cti("list", cwd=elsewhere).code == 0


def test_case_refs_cannot_leave_cases_folder(plain_folder: Path, cti) -> None:
    for ref in ("../cti.toml", "../../x.yaml", "/etc/passwd.yaml", "2026-001\n", "a/b"):
        res = cti("-C", plain_folder, "show", ref)
        assert res.code == 1, ref
        assert "Traceback" not in res.output


def _new_case(cti, root: Path) -> Path:
    out = cti("-C", root, "new", "--initials", "MK", "--worker", "anna", "--group",
              "homelessness", "--transition-date", "2026-03-01", "--date", "2026-02-10")
    assert out.code == 0, out.output
    return root / "cases" / f"{out.out.strip()}.yaml"


def test_concurrent_change_is_detected_and_nothing_lost(plain_folder: Path, cti) -> None:
    path = _new_case(cti, plain_folder)
    folder = open_folder(plain_folder)
    with pytest.raises(ConcurrentChange), edit.editing(folder, path) as editor:
        editor.append("contacts", {"date": __import__("datetime").date(2026, 2, 11),
                                   "note": "ours"})
        # someone else saves the file while we hold it
        path.write_text(path.read_text("utf-8") + "plan: theirs\n", "utf-8")
    text = path.read_text("utf-8")
    assert "plan: theirs" in text and "ours" not in text


def test_identical_rewrite_is_not_a_false_alarm(plain_folder: Path, cti) -> None:
    path = _new_case(cti, plain_folder)
    loaded = store.read_case(path)
    raw = path.read_bytes()
    path.unlink()
    path.write_bytes(raw)  # new inode and mtime, same bytes (as `git checkout` does)
    edit.atomic_write(path, loaded.text + "plan: ok\n", expect=loaded.stamp)
    assert path.read_text("utf-8").endswith("plan: ok\n")


def test_interrupted_write_leaves_old_file_whole(plain_folder: Path, cti) -> None:
    path = _new_case(cti, plain_folder)
    before = path.read_bytes()
    script = textwrap.dedent(f"""
        import os, signal
        from cti_cli.storage import edit, store
        real_fsync = os.fsync
        def dying_fsync(fd):
            real_fsync(fd)
            os.kill(os.getpid(), signal.SIGKILL)   # power cut after the temp file is written
        os.fsync = dying_fsync
        loaded = store.read_case(store.Path({str(path)!r}))
        edit.atomic_write(loaded.path, loaded.text + "plan: half written\\n",
                           expect=loaded.stamp)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert proc.returncode == -9
    assert path.read_bytes() == before
    assert cti("-C", plain_folder, "check", "--date", "2026-03-01").code == 0


def test_failed_write_reports_and_keeps_file(plain_folder: Path, cti) -> None:
    """A disk that is full (here: a file-size limit) loses nothing and says so."""
    path = _new_case(cti, plain_folder)
    before = path.read_bytes()
    script = textwrap.dedent(f"""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, ({len(before) + 20}, {len(before) + 20}))
        from cti_cli.cli import main
        sys.exit(main(["-C", {str(plain_folder)!r}, "log", {path.stem!r},
                       "a long note " * 20, "--date", "2026-02-11"]))
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 1, proc.stderr
    assert "kunne ikke skrive" in proc.stderr and "Traceback" not in proc.stderr
    assert path.read_bytes() == before
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_mode_is_kept_on_rewrite(plain_folder: Path, cti) -> None:
    path = _new_case(cti, plain_folder)
    path.chmod(0o640)
    assert cti("-C", plain_folder, "log", path.stem, "x", "--date", "2026-02-11").code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_broken_file_is_never_rewritten(plain_folder: Path, cti) -> None:
    path = _new_case(cti, plain_folder)
    broken = path.read_text("utf-8").replace("initials: MK", "initials: MK\n  nme: x")
    path.write_text(broken, "utf-8")
    res = cti("-C", plain_folder, "log", path.stem, "note", "--date", "2026-02-11")
    assert res.code == 1
    assert f"{path.stem}.yaml:5:3" in res.err and "mente du 'name'?" in res.err
    assert path.read_text("utf-8") == broken


def test_check_json_lists_every_finding_of_every_file(plain_folder: Path, cti) -> None:
    a, b = _new_case(cti, plain_folder), _new_case(cti, plain_folder)
    a.write_text(a.read_text("utf-8").replace("worker: anna", "worker: nobody"), "utf-8")
    b.write_text(b.read_text("utf-8").replace("2026-02-10", "2026-02-30"), "utf-8")
    res = cti("-C", plain_folder, "check", "--json", "--date", "2026-03-01")
    assert res.code == 1
    findings = json.loads(res.out)
    assert {f["code"] for f in findings} == {"E202", "E003"}
    for f in findings:
        assert set(f) == {"path", "line", "column", "code", "severity", "message", "hint"}
        assert f["line"] > 1


def test_check_warnings_fail_only_with_strict(plain_folder: Path, cti) -> None:
    path = _new_case(cti, plain_folder)
    text = path.read_text("utf-8") + ("transfers:\n- {date: 2026-02-11, from: anna, "
                                      "to: someone}\n")
    path.write_text(text, "utf-8")
    res = cti("-C", plain_folder, "check", "--date", "2026-03-01")
    assert res.code == 0 and "W202" in res.out
    assert cti("-C", plain_folder, "check", "--strict", "--date", "2026-03-01").code == 1


def test_usage_errors_exit_2(plain_folder: Path, cti) -> None:
    path = _new_case(cti, plain_folder)
    res = cti("-C", plain_folder, "log", path.stem, "x", "--date", "2026-13-01")
    assert res.code == 2 and "ÅÅÅÅ-MM-DD (2026-01-05)" in res.err
    assert cti("-C", plain_folder, "log").code == 2
    assert cti("-C", plain_folder, "frobnicate").code == 2


def test_schema_file_is_current() -> None:
    from cti_cli.commands.init import schema_text

    repo = Path(__file__).parent.parent
    assert (repo / "schemas" / "case.schema.json").read_text("utf-8") == schema_text()
    examples = repo / "examples" / "schemas" / "case.schema.json"
    if examples.exists():
        assert examples.read_text("utf-8") == schema_text()


def test_schema_serves_third_party_validators(tmp_path: Path) -> None:
    repo = Path(__file__).parent.parent
    cases = sorted((repo / "examples" / "cases").glob("*.yaml"))
    if not cases:
        pytest.skip("no examples yet")
    exe = Path(sys.executable).parent / "check-jsonschema"
    proc = subprocess.run([str(exe), "--schemafile", str(repo / "schemas/case.schema.json"),
                           *map(str, cases)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text(cases[0].read_text("utf-8").replace("initials:", "initialz:"), "utf-8")
    proc = subprocess.run([str(exe), "--schemafile", str(repo / "schemas/case.schema.json"),
                           str(bad)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1


def test_internal_bug_says_please_report(plain_folder: Path, cti,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from cti_cli.commands import case as case_cmd

    def boom(*a: object, **k: object) -> int:
        raise ZeroDivisionError

    monkeypatch.setattr(case_cmd, "list_cases", boom)
    res = cti("-C", plain_folder, "list")
    assert res.code == 3 and "meld den venligst" in res.err and "Traceback" not in res.err
    res = cti("--debug", "-C", plain_folder, "list")
    assert res.code == 3 and "Traceback" in res.err


def test_folder_api_opens_without_cli(plain_folder: Path) -> None:
    folder = open_folder(plain_folder)
    assert isinstance(folder, Folder) and folder.config.workers["anna"].name == "Anna Jensen"


def test_list_shows_every_case_and_open_filters(plain_folder: Path, cti) -> None:
    """A municipality's archive: hundreds of closed cases are listed as plain columns."""
    template = _new_case(cti, plain_folder).read_text("utf-8")
    closed = template.replace("  start: 2026-02-10\n", "  start: 2026-02-10\n- name: closed\n"
                              "  start: 2026-02-20\n") + ("closed:\n  date: 2026-02-20\n"
                                                          "  reason: declined\n")
    for n in range(2, 312):
        case_id = f"2025-{n:03d}"
        (plain_folder / "cases" / f"{case_id}.yaml").write_text(
            closed.replace("id: 2026-001", f"id: {case_id}"), "utf-8")
    every = cti("-C", plain_folder, "list")
    assert every.code == 0, every.output
    lines = every.out.splitlines()
    # a Danish team: labels, not ids (`closed`, `contact`), and the plural form
    assert lines[0].endswith("311 sager") and lines[1].split()[:2] == ["sag", "initialer"]
    assert sum(" afsluttet " in line for line in lines) == 310
    assert lines[-1].startswith("2026-001") and "kontaktfase" in lines[-1]
    assert cti("-C", plain_folder, "list", "--open").out.count("\n2026-001") == 1
    rows = json.loads(cti("-C", plain_folder, "list", "--json").out)
    assert len(rows) == 311 and {r["phase"] for r in rows} == {"closed", "contact"}


def test_edits_keep_hand_wrapped_text_and_comments(plain_folder: Path, cti) -> None:
    """ruamel re-flows a note wrapped over lines; the tool puts the person's lines back."""
    path = _new_case(cti, plain_folder)
    path.write_text(path.read_text("utf-8") + textwrap.dedent("""\
        contacts:
        - date: 2026-02-11
          kind: meeting
          note: Første møde på herberget. Vi talte om hvad
            hun ønsker sig af forløbet.   # aftalt: sms dagen før
        plan: Egen bolig
          inden sommer.
        """), "utf-8")
    for args in (("tick", path.stem, "contact_made"), ("tick", path.stem, "informed"),
                 ("document", path.stem, "start")):
        before = path.read_text("utf-8")
        res = cti("-C", plain_folder, *args, "--date", "2026-02-12")
        assert res.code == 0, res.output
        added = _lines_only_added(before, path.read_text("utf-8"))
        assert added and all("2026-02-12" in line or line.endswith(":") for line in added)
    text = path.read_text("utf-8")
    assert "    hun ønsker sig af forløbet.   # aftalt: sms dagen før\n" in text
    assert "plan: Egen bolig\n  inden sommer.\n" in text


def test_check_of_a_missing_path_is_a_usage_error(plain_folder: Path, cti) -> None:
    res = cti("-C", plain_folder, "check", "no-such-file.yaml")
    assert res.code == 2 and "no-such-file.yaml: filen eller mappen findes ikke" in res.err


def test_user_mistakes_in_new_log_init_and_cti_toml_are_clear(plain_folder: Path, cti,
                                                              tmp_path: Path) -> None:
    bad = cti("-C", plain_folder, "new", "--initials", "M K 1", "--worker", "anna", "--group",
              "homelessness", "--transition-date", "2026-03-01", "--date", "2026-02-10")
    assert bad.code == 2 and "initials" in bad.err and "report" not in bad.err
    assert not list((plain_folder / "cases").glob("*.yaml"))
    path = _new_case(cti, plain_folder)
    empty = cti("-C", plain_folder, "log", path.stem, "  ", "--date", "2026-02-11")
    assert empty.code == 2 and "en kontakt kræver en note" in empty.err  # a Danish folder
    assert "contacts:" not in path.read_text("utf-8")
    not_a_dir = cti("init", plain_folder / "cti.toml")
    assert not_a_dir.code == 1 and "is a file, not a folder" in not_a_dir.err
    toml = plain_folder / "cti.toml"
    toml.write_text(toml.read_text("utf-8") + "team = [\n", "utf-8")
    broken = cti("-C", plain_folder, "list")
    n_lines = len(toml.read_text("utf-8").splitlines())
    assert broken.code == 1 and f"cti.toml:{n_lines}:" in broken.err
