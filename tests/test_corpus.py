"""The bad-input corpus: every file gives one golden message, exit 1, in bounded time and memory.

`tests/corpus/NAME.yaml` are committed; the huge or hostile ones (50 MB, 10,000 levels of
nesting, a billion-laughs bomb, symlinks, ids that climb out of cases/) are made at test
time in tmp_path by GENERATED below. Each `NAME.expected` is the exact stdout + stderr of
`cti check --strict --date 2026-02-20 NAME.yaml` (or of the command in GENERATED), run in
the file's folder. Regenerate after a deliberate change of wording with
`CTI_UPDATE_GOLDEN=1 pytest tests/test_corpus.py`, then read the diff.

Bounds, measured per input in a real child process (os.wait4 gives that child's rusage),
under an address-space cap (RLIMIT_AS) so a bomb fails instead of taking the machine down:
CPU time < 2 s, peak RSS < 200 MB, wall time < 20 s (a loaded CI machine).
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from casefiles import minimal_case

CORPUS = Path(__file__).parent / "corpus"
COMMITTED = sorted(p.stem for p in CORPUS.glob("*.yaml"))
DAY = "2026-02-20"
CPU_LIMIT_S = 2.0
RSS_LIMIT_MB = 200
AS_LIMIT = 1 << 30  # 1 GiB of address space: far above need, far below harm
WALL_LIMIT_S = 20.0



@dataclass
class Run:
    code: int
    out: str
    err: str
    cpu_s: float
    rss_mb: float
    wall_s: float


def run_bounded(args: list[str], cwd: Path) -> Run:
    """`python -m cti_cli ARGS` as a child with RLIMIT_AS; its own CPU time and peak RSS."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))

    out_f, err_f = cwd / ".out.txt", cwd / ".err.txt"
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    start = time.monotonic()
    with out_f.open("wb") as out, err_f.open("wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "cti_cli", *args], cwd=cwd, stdout=out,
                                stderr=err, stdin=subprocess.DEVNULL, env=env,
                                preexec_fn=limit)
        deadline = start + WALL_LIMIT_S * 3
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.01)
    wall = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    result = Run(proc.returncode, out_f.read_text("utf-8"), err_f.read_text("utf-8"),
                 usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, wall)
    out_f.unlink()
    err_f.unlink()
    return result


# --- inputs made at test time -------------------------------------------------------------


def _write(d: Path, name: str, data: str | bytes) -> None:
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


def gen_huge_50mb(d: Path) -> list[str]:
    with (d / "huge-50mb.yaml").open("w", encoding="utf-8") as fh:
        fh.write(minimal_case("huge-50mb") + "plan: |\n")
        line = "  " + "x" * 1021 + "\n"
        for _ in range(50 * 1024):
            fh.write(line)
    return ["check", "--strict", "--date", DAY, "huge-50mb.yaml"]


def gen_just_over_limit(d: Path) -> list[str]:
    text = minimal_case("just-over-limit") + "plan: "
    _write(d, "just-over-limit.yaml", text + "x" * (2 * 1024 * 1024 + 1 - len(text)))
    return ["check", "--strict", "--date", DAY, "just-over-limit.yaml"]


def gen_nesting_flow_10000(d: Path) -> list[str]:
    _write(d, "nesting-flow-10000.yaml",
           minimal_case("nesting-flow-10000") + "plan: " + "[" * 10_000 + "]" * 10_000 + "\n")
    return ["check", "--strict", "--date", DAY, "nesting-flow-10000.yaml"]


def gen_nesting_block_10000(d: Path) -> list[str]:
    _write(d, "nesting-block-10000.yaml",
           minimal_case("nesting-block-10000") + "plan:\n" + "- " * 10_000 + "x\n")
    return ["check", "--strict", "--date", DAY, "nesting-block-10000.yaml"]


def gen_nesting_mapping_100(d: Path) -> list[str]:
    lines = [f"{'  ' * i}k{i}:" for i in range(100)]
    _write(d, "nesting-mapping-100.yaml",
           minimal_case("nesting-mapping-100") + "plan:\n" + "\n".join("  " + ln for ln in lines)
           + " x\n")
    return ["check", "--strict", "--date", DAY, "nesting-mapping-100.yaml"]


def gen_alias_bomb(d: Path) -> list[str]:
    lines = ['lol0: &lol0 "lol"']
    for i in range(1, 10):
        refs = ", ".join([f"*lol{i - 1}"] * 10)
        lines.append(f"lol{i}: &lol{i} [{refs}]")
    _write(d, "alias-bomb.yaml",
           minimal_case("alias-bomb") + "plan:\n" + "\n".join("  " + ln for ln in lines) + "\n")
    return ["check", "--strict", "--date", DAY, "alias-bomb.yaml"]


def gen_long_note(d: Path) -> list[str]:
    _write(d, "long-note.yaml", minimal_case("long-note")
           + "contacts:\n- date: 2026-02-12\n  note: " + "ord " * 7_500 + "\n")
    return ["check", "--strict", "--date", DAY, "long-note.yaml"]


def _folder(d: Path) -> Path:
    (d / "cases").mkdir()
    # English, as the committed corpus (run outside a folder): the goldens are about bounds
    (d / "cti.toml").write_text('[team]\nname = "corpus"\nlanguage = "en"\ncommit = false\n',
                                "utf-8")
    return d


def gen_symlink_out_check(d: Path) -> list[str]:
    outside = d / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("ssh_private_key_line: abc\n", "utf-8")
    _folder(d)
    (d / "cases" / "evil.yaml").symlink_to(Path("..") / "outside" / "secret.yaml")
    return ["check", "--strict", "--date", DAY]


def gen_symlink_out_show(d: Path) -> list[str]:
    gen_symlink_out_check(d)
    return ["show", "evil"]


def gen_id_dotdot(d: Path) -> list[str]:
    _folder(d)
    return ["show", "../x"]


def gen_id_dotdot_yaml(d: Path) -> list[str]:
    _folder(d)
    _write(d, "x.yaml", minimal_case("x"))
    return ["show", "cases/../x.yaml"]


def gen_id_absolute(d: Path) -> list[str]:
    _folder(d)
    return ["show", "/etc/passwd"]


def gen_id_trailing_newline(d: Path) -> list[str]:
    _folder(d)
    _write(d / "cases", "2026-001.yaml", minimal_case("2026-001"))
    return ["show", "2026-001\n"]


def gen_fifo(d: Path) -> list[str]:
    os.mkfifo(d / "fifo.yaml")
    return ["check", "--strict", "--date", DAY, "fifo.yaml"]


def gen_symlink_loop_check(d: Path) -> list[str]:
    _folder(d)
    (d / "cases" / "a.yaml").symlink_to("b.yaml")
    (d / "cases" / "b.yaml").symlink_to("a.yaml")
    (d / "cases" / "self.yaml").symlink_to("self.yaml")
    return ["check", "--strict", "--date", DAY]


def gen_symlink_loop_show(d: Path) -> list[str]:
    gen_symlink_loop_check(d)
    return ["show", "a"]


def gen_method_typo(d: Path) -> list[str]:
    _folder(d)
    _write(d / "cases", "2026-001.yaml", minimal_case("2026-001"))
    _write(d, "method.yaml", "gates:\n  contact:\n    items:\n    - id: housing\n"
           "      conditonal: true\n")
    return ["checklist", "2026-001"]


GENERATED: dict[str, Callable[[Path], list[str]]] = {
    "huge-50mb": gen_huge_50mb,
    "just-over-limit": gen_just_over_limit,
    "nesting-flow-10000": gen_nesting_flow_10000,
    "nesting-block-10000": gen_nesting_block_10000,
    "nesting-mapping-100": gen_nesting_mapping_100,
    "alias-bomb": gen_alias_bomb,
    "long-note": gen_long_note,
    "symlink-out-check": gen_symlink_out_check,
    "symlink-out-show": gen_symlink_out_show,
    "id-dotdot": gen_id_dotdot,
    "id-dotdot-yaml": gen_id_dotdot_yaml,
    "id-absolute": gen_id_absolute,
    "id-trailing-newline": gen_id_trailing_newline,
    "fifo": gen_fifo,
    "symlink-loop-check": gen_symlink_loop_check,
    "symlink-loop-show": gen_symlink_loop_show,
    "method-typo": gen_method_typo,
}

# Inputs named by a command-line argument, or not a file: no line to point at.
NO_LINE = {"symlink-out-check", "symlink-out-show", "id-dotdot", "id-dotdot-yaml", "id-absolute",
           "id-trailing-newline", "fifo", "symlink-loop-check", "symlink-loop-show",
           "method-typo"}

FINDING = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<code>[EW]\d{3}) ")


def _golden(expected: Path, result: Run) -> None:
    text = result.out + result.err
    if os.environ.get("CTI_UPDATE_GOLDEN"):
        expected.write_text(text, "utf-8")
    assert text == expected.read_text("utf-8")


def _common(result: Run, name: str) -> None:
    assert result.code == 1, result.out + result.err
    assert "Traceback" not in result.out + result.err
    assert "internal error" not in result.err
    assert result.cpu_s < CPU_LIMIT_S, f"{name}: {result.cpu_s:.2f} s CPU"
    assert result.rss_mb < RSS_LIMIT_MB, f"{name}: {result.rss_mb:.0f} MB"
    assert result.wall_s < WALL_LIMIT_S, f"{name}: {result.wall_s:.1f} s"


@pytest.mark.parametrize("name", COMMITTED)
def test_committed_input(name: str, tmp_path: Path) -> None:
    work = tmp_path / "c"
    work.mkdir()
    (work / f"{name}.yaml").write_bytes((CORPUS / f"{name}.yaml").read_bytes())
    result = run_bounded(["check", "--strict", "--date", DAY, f"{name}.yaml"], work)
    _common(result, name)
    _golden(CORPUS / f"{name}.expected", result)
    findings = [m for ln in result.out.splitlines() if (m := FINDING.match(ln))]
    assert len(findings) == 1, f"{name}: one clear message, got {result.out}"
    m = findings[0]
    assert m["path"] == f"{name}.yaml"
    # a line of the file, or the end of it (where an unclosed bracket is noticed)
    n_lines = (CORPUS / f"{name}.yaml").read_bytes().count(b"\n") + 1
    assert 1 <= int(m["line"]) <= n_lines and int(m["col"]) >= 1


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_input(name: str, tmp_path: Path) -> None:
    work = tmp_path / "g"
    work.mkdir()
    args = GENERATED[name](work)
    result = run_bounded(args, work)
    _common(result, name)
    _golden(CORPUS / "generated" / f"{name}.expected", result)
    if name not in NO_LINE:
        findings = [m for ln in result.out.splitlines() if (m := FINDING.match(ln))]
        assert len(findings) == 1, result.out
        assert findings[0]["path"] == f"{name}.yaml"
    else:
        # one message naming what was refused, and none of the outside file's content
        assert "ssh_private_key_line" not in result.out + result.err


def test_corpus_has_at_least_50_inputs() -> None:
    assert len(COMMITTED) + len(GENERATED) >= 50
    assert all((CORPUS / f"{n}.expected").exists() for n in COMMITTED)
    assert all((CORPUS / "generated" / f"{n}.expected").exists() for n in GENERATED)
