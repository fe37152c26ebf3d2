"""Time what users run: the real `cti` console script, as repeated subprocesses (medians of
wall and CPU time, peak memory), beside `python -c pass` and a bare libyaml parse of the same
files, measured in the same run so that ratios hold on a busy machine too.

    python tests/benchmarks/bench.py --sizes 1000,10000 --shares 0.1,0.83 --out BENCHMARKS.md

Rows: start-up; `log` (200 and 20 contacts), `new`, `tick`, `advance` with auto-commit in a
git folder; `sync` with nothing to do beside `git pull --rebase && git push`; per size and
share of open cases: the bare parse, cold `list`/`due` (no cache),
`check`, warm `list`/`due`/`board`; and large single files (99,500 contacts in 2 MB; 75,000
findings). The goals are the issue's (#14); `--goals` prints each with met or its gap.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from gen import case_text, make_folder

BIN = Path(sys.executable).parent
CTI = str(BIN / "cti")
PARSE = ("import sys, glob, yaml\n"
         "for f in sorted(glob.glob(sys.argv[1] + '/cases/*.yaml')):\n"
         "    yaml.load(open(f, encoding='utf-8').read(), Loader=yaml.CSafeLoader)\n")
GIT_ENV = {"GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@kommune.example",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@kommune.example"}


@dataclass
class Row:
    group: str
    what: str
    wall: float
    cpu: float
    kib: int
    ref: str  # "pass", "parse" or "git" (pull --rebase && push)
    ref_wall: float
    ref_cpu: float
    code: int

    @property
    def ratio(self) -> float:
        return self.wall / self.ref_wall

    @property
    def cpu_ratio(self) -> float:
        return self.cpu / self.ref_cpu


def measure(cmd: Sequence[str] | Callable[[int], Sequence[str]], *, runs: int, warmup: int = 1,
            prepare: Callable[[], object] | None = None, cwd: Path | None = None
            ) -> tuple[float, float, int, int]:
    """Median wall and CPU seconds, peak RSS (KiB) and the last exit code over `runs` runs."""
    walls, cpus, peak, code = [], [], 0, 0
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120", **GIT_ENV}
    for i in range(warmup + runs):
        if prepare is not None:
            prepare()
        argv = list(cmd(i) if callable(cmd) else cmd)
        t = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                cwd=cwd, env=env)
        _pid, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t
        code = os.waitstatus_to_exitcode(status)
        if i >= warmup:
            walls.append(elapsed)
            # the child's CPU, with that of the processes it waited for (git)
            cpus.append(usage.ru_utime + usage.ru_stime)
            peak = max(peak, usage.ru_maxrss)
    return statistics.median(walls), statistics.median(cpus), peak, code


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"nproc {os.cpu_count()}, {cpu}, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                   env={**os.environ, **GIT_ENV})


def git_folder(root: Path) -> Path:
    """A team folder in git with auto-commit on, as `cti init` makes it."""
    make_folder(root, 0, commit=True)
    subprocess.run([CTI, "init", "--repair", str(root)], capture_output=True,
                   env={**os.environ, **GIT_ENV})
    if not (root / ".git").exists():
        git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "start", "--allow-empty")
    return root


def big_contacts_file(root: Path, n: int = 99_500) -> str:
    """A valid case file of ~2 MB: `n` short contacts (issue 16, item 6)."""
    today = datetime.date.today()
    start = today - datetime.timedelta(days=400)
    text = case_text("2026-90001", random.Random(5), closed=False, contacts=1, start=start)
    head, sep, tail = text.partition("contacts:\n")
    days = [start + datetime.timedelta(days=1 + i * 390 // n) for i in range(n)]
    body = "".join(f"- date: {d}\n" for d in days)
    (root / "cases" / "2026-90001.yaml").write_text(head + sep + body + tail, "utf-8")
    return "2026-90001"


def many_findings_file(root: Path, n: int = 75_000) -> str:
    """A case file with `n` findings: contacts dated before the case began (E208 each)."""
    today = datetime.date.today()
    start = today - datetime.timedelta(days=100)
    text = case_text("2026-90002", random.Random(6), closed=False, contacts=1, start=start)
    head, sep, tail = text.partition("contacts:\n")
    early = start - datetime.timedelta(days=3)
    body = "".join(f"- date: {early}\n" for _ in range(n))
    (root / "cases" / "2026-90002.yaml").write_text(head + sep + body + tail, "utf-8")
    return "2026-90002"


Add = Callable[..., None]


def one_case(tmp: Path, runs: int, add: Add) -> None:
    """Start-up and the commands on one case, in a git folder with auto-commit on."""
    add("start", "cti --version", measure([CTI, "--version"], runs=runs * 2))
    add("start", "cti --help", measure([CTI, "--help"], runs=runs * 2))
    root = git_folder(tmp / "team")
    today = datetime.date.today()
    for n in (200, 20):
        cid = f"2026-{n:03d}"
        (root / "cases" / f"{cid}.yaml").write_text(case_text(
            cid, random.Random(n), closed=False, contacts=n,
            start=today - datetime.timedelta(days=250)), "utf-8")
    # cases in the contact period with the gate done, one per `advance` run
    k = 2 * runs + 4
    for i in range(k):
        cid = f"2026-5{i:02d}"
        text = case_text(cid, random.Random(i), closed=False, contacts=5,
                         start=today - datetime.timedelta(days=12))
        text += ("checklists:\n  contact:\n" + "".join(
            f"    {item}: {today}\n" for item in
            ("contact_made", "informed", "contact_agreement")))
        (root / "cases" / f"{cid}.yaml").write_text(text, "utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "cases")
    for n in (200, 20):
        add("log", f"cti log, {n} contacts, auto-commit", measure(
            [CTI, "-C", str(root), "log", f"2026-{n:03d}", "Hjemmebesøg, talte om budget "
             "og husleje", "--minutes", "45"], runs=runs * 2, warmup=2))
    add("log", "cti log, 200 contacts, --no-commit", measure(
        [CTI, "-C", str(root), "log", "2026-200", "Telefon", "--minutes", "15",
         "--no-commit"], runs=runs * 2, warmup=2))
    add("commit", "cti new, auto-commit", measure(
        [CTI, "-C", str(root), "new", "--initials", "AB", "--worker", "anna", "--group",
         "homelessness", "--transition-date", str(today + datetime.timedelta(days=30))],
        runs=runs))
    for n in (20, 200):
        add("commit", f"cti tick, {n} contacts, auto-commit", measure(
            lambda i, n=n: [CTI, "-C", str(root), "tick", f"2026-{n:03d}", "evaluated",
                            *(["--undo"] if i % 2 else [])], runs=runs * 2, warmup=2))
    add("commit", "cti advance, auto-commit", measure(
        lambda i: [CTI, "-C", str(root), "advance", f"2026-5{i:02d}"], runs=runs))
    sync_rows(tmp, root, runs, add)


def sync_rows(tmp: Path, root: Path, runs: int, add: Add) -> None:
    """`cti sync` with nothing to do, against `git pull --rebase && git push` in the same
    clone (the issue's reference; bench_git.py also counts the git processes)."""
    shared = tmp / "shared.git"
    git(tmp, "clone", "--quiet", "--bare", str(root), str(shared))
    git(root, "remote", "add", "origin", str(shared))
    git(root, "push", "--quiet", "-u", "origin", "HEAD")
    plain = measure(["sh", "-c", "git pull --quiet --rebase && git push --quiet"], runs=runs * 2,
                    cwd=root)
    add("sync", "git pull --rebase && git push, nothing to do", plain)
    add("sync", "cti sync, nothing to do", measure([CTI, "-C", str(root), "sync"],
                                                    runs=runs * 2, cwd=root), "git", plain)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--shares", default="0.1,0.83")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--big", action=argparse.BooleanOptionalAction, default=True,
                    help="the 99,500-contact and 75,000-finding files")
    ap.add_argument("--one-case", action=argparse.BooleanOptionalAction, default=True,
                    help="start-up, log, new, tick, advance")
    ap.add_argument("--cold-max", type=int, default=10_000,
                    help="cold reads and check only up to this many cases (they take minutes)")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--compile", action=argparse.BooleanOptionalAction, default=True,
                    help="byte-compile the installed cti_cli first, as `pip install .` does "
                    "(an editable install under PYTHONDONTWRITEBYTECODE never is: README)")
    args = ap.parse_args()
    if args.compile:
        import cti_cli

        subprocess.run([sys.executable, "-m", "compileall", "-q",
                        str(Path(cti_cli.__file__).parent)], check=True)
    rows: list[Row] = []
    load_before = os.getloadavg()
    base = measure([sys.executable, "-c", "pass"], runs=max(args.runs * 3, 15), warmup=3)

    def add(group: str, what: str, res: tuple[float, float, int, int], ref: str = "pass",
            ref_res: tuple[float, float, int, int] = base) -> None:
        row = Row(group, what, res[0], res[1], res[2], ref, ref_res[0], ref_res[1], res[3])
        rows.append(row)
        if args.out:
            write(args, rows, load_before)
        print(f"{group:>14} {what:<44} {row.wall * 1000:9.1f} ms {row.ratio:7.2f}x wall "
              f"{row.cpu_ratio:7.2f}x cpu {row.kib / 1024:6.1f} MB rc={row.code}", flush=True)

    add("start", "python -c pass", base)
    runs = args.runs
    with tempfile.TemporaryDirectory() as tmp:
        if args.one_case:
            one_case(Path(tmp), runs, add)
        for size in [int(s) for s in args.sizes.split(",") if s]:
            for share in [float(s) for s in args.shares.split(",") if s]:
                folder = make_folder(Path(tmp) / f"n{size}-{share}", size, open_share=share)
                old = time.time() - 3600  # files written an hour ago, as in a real folder
                for p in (folder / "cases").iterdir():
                    os.utime(p, (old, old))
                cache = folder / ".cti" / "cache"
                g = f"{size} / {share:.0%} open"
                r = runs
                if size <= args.cold_max:
                    parse = measure([sys.executable, "-c", PARSE, str(folder)], runs=r)
                    add(g, "bare libyaml parse (CSafeLoader)", parse)

                def drop(c: Path = cache) -> None:
                    shutil.rmtree(c, ignore_errors=True)

                if size <= args.cold_max:
                    for cmd in ("list", "due"):
                        add(g, f"cti {cmd} (cold: no cache)", measure(
                            [CTI, "-C", str(folder), cmd], runs=r, prepare=drop), "parse",
                            parse)
                    add(g, "cti check (every rule)", measure(
                        [CTI, "-C", str(folder), "check"], runs=max(1, r // 2), warmup=0),
                        "parse", parse)
                else:  # the warm rows need the cache: one cold run fills it
                    measure([CTI, "-C", str(folder), "list"], runs=1, warmup=0)
                for cmd in ("list", "due", "board"):
                    add(g, f"cti {cmd} (warm: cached)", measure(
                        [CTI, "-C", str(folder), cmd], runs=r, warmup=2))
                shutil.rmtree(folder)
        if args.big:
            big = make_folder(Path(tmp) / "big", 0)
            cid = big_contacts_file(big)
            one = [sys.executable, "-c", PARSE, str(big)]
            parse = measure(one, runs=runs)
            g = "99,500 contacts"
            add(g, "bare libyaml parse (2 MB file)", parse)
            add(g, "cti check", measure([CTI, "-C", str(big), "check"], runs=runs, warmup=0),
                "parse", parse)
            add(g, "cti log, --no-commit", measure(
                [CTI, "-C", str(big), "log", cid, "Telefon", "--no-commit"], runs=runs),
                "parse", parse)
            add(g, "cti log, --no-commit, no proof cached", measure(
                [CTI, "-C", str(big), "log", cid, "Telefon", "--no-commit"], runs=runs,
                prepare=lambda b=big: shutil.rmtree(b / ".cti" / "cache", ignore_errors=True)),
                "parse", parse)
            for cmd in ("due", "list"):
                add(g, f"cti {cmd} (cold)", measure(
                    [CTI, "-C", str(big), cmd], runs=runs,
                    prepare=lambda b=big: shutil.rmtree(b / ".cti" / "cache",
                                                        ignore_errors=True)), "parse", parse)
            (big / "cases" / f"{cid}.yaml").unlink()
            cid = many_findings_file(big)
            parse = measure(one, runs=runs)
            g = "75,000 findings"
            add(g, "bare libyaml parse", parse)
            add(g, "cti check", measure([CTI, "-C", str(big), "check"], runs=runs,
                                        warmup=0), "parse", parse)
    if args.out:
        write(args, rows, load_before)


def write(args: argparse.Namespace, rows: list[Row], load_before: tuple[float, ...]) -> None:
    """The table so far (written after every row: a long run may be cut short)."""
    load_after = os.getloadavg()
    lines = ["# Benchmarks", "", f"Machine: {machine()}.", "",
             f"Produced by `python tests/benchmarks/bench.py --sizes {args.sizes} "
             f"--shares {args.shares} --runs {args.runs} --out {args.out}` on "
             f"{datetime.date.today()}: medians of repeated runs of the real `cti` console "
             "script. Ratios are to `python -c pass` (start-up, commands on one case, "
             "warm reports), to a bare libyaml parse of the same files (cold reads, "
             "check) or to `git pull --rebase && git push` (sync), measured in the same "
             "run. Load average before/after: "
             f"{load_before[0]:.1f} / {load_after[0]:.1f} on {os.cpu_count()} cores. "
             + ("cti_cli byte-compiled first (as `pip install .` does)." if args.compile
                else "cti_cli not byte-compiled (`--no-compile`)."),
             "",
             "| group | command | wall ms | × wall | × CPU | of | peak MB |",
             "|---|---|---:|---:|---:|---|---:|"]
    lines += [f"| {r.group} | {r.what} | {r.wall * 1000:.1f} | {r.ratio:.2f}× | "
              f"{r.cpu_ratio:.2f}× | {r.ref} | {r.kib / 1024:.0f} |" for r in rows]
    args.out.write_text("\n".join(lines) + "\n", "utf-8")


if __name__ == "__main__":
    main()
