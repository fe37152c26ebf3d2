"""Faults with real processes: SIGKILL mid-save, a full disk, two writers at once.

(Tests of `cti due --email` overlap, SMTP failures and a rejected push live with those
commands: tests/test_mail.py and the gitops tests.)
"""

from __future__ import annotations

import os
import random
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

from cti_cli.storage.store import iter_case_paths, open_folder, read_case

NEW = ("new", "--initials", "MK", "--worker", "anna", "--group", "homelessness",
       "--transition-date", "2026-03-01", "--date", "2026-02-10", "--no-commit")

WRITER = """
import sys
from pathlib import Path
from cti_cli.storage.edit import atomic_write
path = Path(sys.argv[1])
texts = [Path(sys.argv[2]).read_text("utf-8"), Path(sys.argv[3]).read_text("utf-8")]
print("ready", flush=True)
i = 0
while True:
    atomic_write(path, texts[i % 2])
    i += 1
"""

APPENDER = """
import sys
from datetime import date
from pathlib import Path
from cti_cli.storage.append import append_entry, new_entry_id
from cti_cli.storage.store import case_path, open_folder
folder = open_folder(Path(sys.argv[1]))
path = case_path(folder, "2026-001")
for n in range(100):
    append_entry(folder, path, "contacts", {"id": new_entry_id(), "date": date(2026, 2, 12),
                 "kind": "phone", "note": f"{sys.argv[2]} {n}"})
"""


def _case(plain_folder: Path, cti) -> Path:
    assert cti("-C", plain_folder, *NEW).code == 0
    return plain_folder / "cases" / "2026-001.yaml"


def test_sigkill_mid_save_leaves_a_whole_file(plain_folder: Path, cti, tmp_path: Path) -> None:
    path = _case(plain_folder, cti)
    old = path.read_text("utf-8")
    # ~1.4 MB, so a write takes long enough to be caught half-way (comments keep it valid)
    new = old + "".join(f"# linje {i} " + "x" * 60 + "\n" for i in range(20000))
    (tmp_path / "a").write_text(old, "utf-8")
    (tmp_path / "b").write_text(new, "utf-8")
    rng = random.Random(4)
    for _ in range(5):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(tmp_path / "a"),
                                 str(tmp_path / "b")], stdout=subprocess.PIPE)
        assert proc.stdout is not None and proc.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0.05, 0.4))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert path.read_text("utf-8") in (old, new)  # whole: the old text or the new
    # a stray temp file may be left by SIGKILL; check and list do not trip over it
    assert [p.name for p in iter_case_paths(open_folder(plain_folder))] == ["2026-001.yaml"]
    result = cti("-C", plain_folder, "check", "--date", "2026-02-20")
    assert result.code == 0, result.output


def test_full_disk_loses_nothing_and_says_so(plain_folder: Path, cti) -> None:
    path = _case(plain_folder, cti)
    before = path.read_bytes()
    limit = len(before) + 100

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.run([sys.executable, "-m", "cti_cli", "-C", str(plain_folder), "log",
                           "2026-001", "x" * 2000, "--date", "2026-02-12", "--no-commit"],
                          capture_output=True, text=True, preexec_fn=small_disk, timeout=60)
    assert proc.returncode == 1, proc.stderr
    assert "kunne ikke skrive" in proc.stderr and "den gamle fil er uændret" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert path.read_bytes() == before
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_two_processes_append_100_contacts_each(plain_folder: Path, cti) -> None:
    path = _case(plain_folder, cti)
    procs = [subprocess.Popen([sys.executable, "-c", APPENDER, str(plain_folder), who],
                              stderr=subprocess.PIPE) for who in ("a", "b")]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()
    case = read_case(path).case
    notes = sorted(c.note or "" for c in case.contacts)
    assert len(case.contacts) == 200
    assert notes == sorted([f"a {n}" for n in range(100)] + [f"b {n}" for n in range(100)])
    assert len({c.id for c in case.contacts}) == 200


def test_new_files_are_private_in_a_real_process(plain_folder: Path, cti_proc) -> None:
    os.umask(0o022)  # a typical user umask: cti must still write 0600 / 0700
    result = cti_proc("-C", plain_folder, *NEW)
    assert result.code == 0, result.output
    path = plain_folder / "cases" / "2026-001.yaml"
    assert path.stat().st_mode & 0o777 == 0o600
