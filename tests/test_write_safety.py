"""What `check` accepts, every writing command can write (issue 16, item 7).

A TAB after `worker:` (libyaml reads it, ruamel's scanner did not), a `%YAML 1.1` file (ruamel
would write it by 1.1 rules: `10:00` is 600 there) and a CRLF file with comments: `tick`,
`log` and `transfer` each succeed, and the file keeps its line breaks, comments and
directive. A read-only folder ends `log`, `tick` and `new` with a message and exit 1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from casefiles import minimal_case
from conftest import Runner

CTI = str(Path(sys.executable).parent / "cti")


def _variants() -> dict[str, str]:
    base = minimal_case("X") + ("appointments:\n- date: 2026-03-05\n  time: 10:00\n"
                                "  note: yes\n  place: on\n")
    return {
        "tab": base.replace("worker: anna", "worker:\tanna"),
        "tab-comment": base.replace("worker: anna", "worker: \tanna\t# who"),
        "yaml11": "%YAML 1.1\n# written by hand\n---\n" + base,
        "crlf": ("# top comment\n" + base.replace("phases:", "phases:  # the course")
                 + "contacts:\n- id: c1\n  date: 2026-02-11  # first\n  note: x\n"
                 ).replace("\n", "\r\n"),
    }


VARIANTS = _variants()


@pytest.mark.parametrize("kind", list(VARIANTS))
def test_every_accepted_file_can_be_written(plain_folder: Path, cti: Runner, kind: str) -> None:
    case = f"w-{kind}"
    path = plain_folder / "cases" / f"{case}.yaml"
    path.write_bytes(VARIANTS[kind].replace("id: X", f"id: {case}").encode("utf-8"))
    before = path.read_bytes()
    assert cti("-C", plain_folder, "check", path).code == 0
    for args in (["tick", case, "contact_made", "--date", "2026-02-11"],
                 ["log", case, "Første møde", "--date", "2026-02-12"],
                 ["transfer", case, "--worker", "bo", "--date", "2026-02-13"]):
        result = cti("-C", plain_folder, *args)
        assert result.code == 0, (args, result.output)
        assert "internal error" not in result.output
    after = path.read_bytes()
    check = cti("-C", plain_folder, "check", path)
    assert check.code == 0, check.output
    text = after.decode("utf-8")
    assert "contact_made: 2026-02-11" in text and "Første møde" in text and "to: bo" in text
    if kind == "crlf":
        assert after.count(b"\n") == after.count(b"\r\n") > before.count(b"\r\n")
        for comment in (b"# top comment", b"# the course", b"# first"):
            assert comment in after
    else:
        assert b"\r" not in after
    if kind == "yaml11":
        assert text.startswith("%YAML 1.1\n# written by hand\n---\n")
    if kind == "tab-comment":
        assert "# who" in text
    # the appointment is unchanged as YAML 1.2 reads it (a 1.1 writer makes 10:00 into 600)
    assert "time: 10:00" in text or "time: '10:00'" in text or 'time: "10:00"' in text


def _read_only_runner(root: Path) -> list[str] | None:
    """A command prefix that runs cti with `root` read-only, or None where we cannot.

    As root, permissions do not stop a write: a read-only bind mount in a private mount
    namespace does (real EROFS). Otherwise chmod does.
    """
    if os.geteuid() != 0:
        return []
    if shutil.which("unshare") is None:
        return None
    probe = subprocess.run(["unshare", "-m", "sh", "-c",
                            f"mount --bind {root} {root} && mount -o remount,ro,bind {root} "
                            f"{root} && ! touch {root}/.probe"], capture_output=True)
    if probe.returncode != 0:
        return None
    return ["unshare", "-m", "sh", "-c",
            f'mount --bind {root} {root} && mount -o remount,ro,bind {root} {root} '
            f'&& exec "$0" "$@"']


@pytest.mark.parametrize("args", [
    ["log", "2026-001", "Opkald"],
    ["tick", "2026-001", "contact_made"],
    ["new", "--initials", "AB", "--worker", "anna", "--group", "homelessness",
     "--transition-date", "2026-03-01"],
], ids=["log", "tick", "new"])
def test_a_read_only_folder_is_a_message(plain_folder: Path, cti: Runner,
                                          args: list[str]) -> None:
    (plain_folder / "cases" / "2026-001.yaml").write_text(minimal_case("2026-001"), "utf-8")
    assert cti("-C", plain_folder, "list").code == 0  # state folder and cache made
    prefix = _read_only_runner(plain_folder)
    if prefix is None:
        pytest.skip("no way to make a folder read-only for root here")
    modes = {}
    if not prefix:
        for p in [plain_folder, *plain_folder.rglob("*")]:
            modes[p] = p.stat().st_mode
            p.chmod(p.stat().st_mode & ~0o222)
    try:
        proc = subprocess.run([*prefix, CTI, "-C", str(plain_folder), *args],
                              capture_output=True, text=True, timeout=60)
    finally:
        for p, mode in modes.items():
            p.chmod(mode)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert "OSError" not in proc.stderr and proc.stderr.startswith("cti: "), proc.stderr
    assert "run the command again" in proc.stderr or "kør kommandoen igen" in proc.stderr
