"""Time what users run: the real `cti` console script, as repeated subprocesses (hyperfine-
style medians), beside `python -c pass`, a bare libyaml parse and `check-jsonschema`.

    python tests/benchmarks/bench.py --sizes 100,1000,10000 --out BENCHMARKS.md
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from gen import case_text, make_folder

BIN = Path(sys.executable).parent
CTI = str(BIN / "cti")
REPO = Path(__file__).resolve().parents[2]
PARSE = ("import sys, glob, yaml\n"
         "for f in sorted(glob.glob(sys.argv[1] + '/cases/*.yaml')):\n"
         "    yaml.load(open(f, encoding='utf-8').read(), Loader=yaml.CSafeLoader)\n")


def run(cmd: list[str], *, runs: int, warmup: int = 1, prepare: object = None,
        cwd: Path | None = None) -> tuple[float, int]:
    """Median wall seconds and peak RSS (KiB) of `cmd` over `runs` runs."""
    times, peak = [], 0
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120"}
    for i in range(warmup + runs):
        if callable(prepare):
            prepare()
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                cwd=cwd, env=env)
        _pid, _status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t
        if i >= warmup:
            times.append(elapsed)
            peak = max(peak, usage.ru_maxrss)
    return statistics.median(times), peak


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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100,1000")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--jsonschema-max", type=int, default=1000,
                    help="skip check-jsonschema above this many files (it needs minutes)")
    args = ap.parse_args()
    rows: list[tuple[str, str, float, float, int]] = []  # (group, what, secs, ratio, KiB)
    base, _ = run([sys.executable, "-c", "pass"], runs=max(args.runs, 15), warmup=3)

    def add(group: str, what: str, res: tuple[float, int], ref: float = base) -> None:
        rows.append((group, what, res[0], res[0] / ref, res[1]))
        print(f"{group:>8} {what:<44} {res[0] * 1000:8.1f} ms {res[0] / ref:6.2f}x "
              f"{res[1] / 1024:6.1f} MB", flush=True)

    add("start", "python -c pass", (base, 0))
    add("start", "cti --version", run([CTI, "--version"], runs=args.runs * 2))
    add("start", "cti --help", run([CTI, "--help"], runs=args.runs * 2))
    with tempfile.TemporaryDirectory() as tmp:
        root = make_folder(Path(tmp) / "log", 0)
        import datetime
        import random
        for n in (20, 200):
            start = datetime.date.today() - datetime.timedelta(days=300)
            (root / "cases" / f"2026-{n:03d}.yaml").write_text(
                case_text(f"2026-{n:03d}", random.Random(n), closed=False, contacts=n,
                          start=start), "utf-8")
        for n in (20, 200):
            add("log", f"cti log (case with {n} contacts)",
                run([CTI, "-C", str(root), "log", f"2026-{n:03d}", "Hjemmebesøg, talte om "
                     "budget og husleje", "--minutes", "45", "--no-commit"],
                    runs=args.runs * 2, warmup=2))
        for size in [int(s) for s in args.sizes.split(",")]:
            root = make_folder(Path(tmp) / f"n{size}", size)
            old = time.time() - 3600  # files written an hour ago, as in a real folder
            for p in (root / "cases").iterdir():
                os.utime(p, (old, old))
            cache = root / ".cti" / "cache"
            g = f"N={size}"
            runs = max(3, args.runs if size <= 1000 else 3)
            parse = run([sys.executable, "-c", PARSE, str(root)], runs=runs)
            add(g, "bare libyaml parse (CSafeLoader)", parse)
            add(g, "cti list (cold: no cache)", run(
                [CTI, "-C", str(root), "list"], runs=runs,
                prepare=lambda c=cache: shutil.rmtree(c, ignore_errors=True)), parse[0])
            add(g, "cti due (cold: no cache)", run(
                [CTI, "-C", str(root), "due"], runs=runs,
                prepare=lambda c=cache: shutil.rmtree(c, ignore_errors=True)), parse[0])
            add(g, "cti check (cold, every rule)", run(
                [CTI, "-C", str(root), "check"], runs=max(3, runs // 2)), parse[0])
            for cmd in ("list", "due", "board"):
                res = run([CTI, "-C", str(root), cmd], runs=runs, warmup=2)
                add(g, f"cti {cmd} (warm: cached)", res)
            if size <= args.jsonschema_max:
                files = sorted(str(p) for p in (root / "cases").iterdir())
                add(g, "check-jsonschema (schema only)", run(
                    [str(BIN / "check-jsonschema"), "--schemafile",
                     str(REPO / "schemas" / "case.schema.json"), *files], runs=1, warmup=0),
                    parse[0])
    if args.out:
        lines = ["# Benchmarks", "", f"Machine: {machine()}.", "",
                 "Produced by `python tests/benchmarks/bench.py --sizes "
                 f"{args.sizes} --out {args.out}`: medians of repeated runs of the real "
                 "`cti` console script. Ratio: against `python -c pass` for start-up, log "
                 "and warm rows; against the bare libyaml parse of the same files for cold "
                 "rows and check-jsonschema.", "",
                 "| group | command | median ms | ratio | peak MB |",
                 "|---|---|---:|---:|---:|"]
        lines += [f"| {g} | {w} | {s * 1000:.1f} | {r:.2f}× | {k / 1024:.0f} |"
                  for g, w, s, r, k in rows]
        args.out.write_text("\n".join(lines) + "\n", "utf-8")


if __name__ == "__main__":
    main()
