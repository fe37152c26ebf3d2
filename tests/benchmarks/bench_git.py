"""Time the git side of team work: `cti sync` with nothing to do against
`git pull --rebase && git push`, and `cti log` with auto-commit against `python -c pass`;
count the git processes each one starts (through a logging `git` first on PATH).

    python tests/benchmarks/bench_git.py --runs 9

Kept apart from bench.py (owned with issue 14's rows) so both can grow without conflicts;
its rows go in BENCHMARKS.md's "Team work over git" section.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from gen import make_folder

CTI = str(Path(sys.executable).parent / "cti")


def median_seconds(cmd: list[str], env: dict[str, str], runs: int, cwd: Path,
                   prepare: object = None) -> float:
    times = []
    for i in range(runs + 1):
        if callable(prepare):
            prepare()
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
        if i:  # the first run warms the caches
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def git_processes(cmd: list[str], env: dict[str, str], cwd: Path, log: Path) -> int:
    log.unlink(missing_ok=True)
    subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
    return len(log.read_text().splitlines()) if log.exists() else 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--cases", type=int, default=200)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="cti-bench-git-"))
    try:
        real_git = shutil.which("git") or "/usr/bin/git"
        shim = tmp / "bin"
        shim.mkdir()
        log = tmp / "git-calls"
        (shim / "git").write_text(f'#!/bin/sh\necho "$*" >> {log}\nexec {real_git} "$@"\n')
        (shim / "git").chmod(0o755)
        home = tmp / "home"
        home.mkdir()
        env = {**os.environ, "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1",
               "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@kommune.example",
               "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@kommune.example",
               "CTI_MERGE_DRIVER_CMD": f"{CTI} merge-driver", "NO_COLOR": "1"}
        counted = {**env, "PATH": f"{shim}{os.pathsep}{env.get('PATH', '')}"}
        folder = tmp / "team"
        make_folder(folder, args.cases)
        toml = folder / "cti.toml"
        toml.write_text(toml.read_text("utf-8").replace("commit = false", "commit = true"))
        subprocess.run([CTI, "init", "--remote", str(tmp / "shared.git"), str(tmp / "pub")],
                       env=env, check=True, capture_output=True)
        # the generated folder becomes the shared one's content: copy it in and sync
        pub = tmp / "pub"
        shutil.copytree(folder / "cases", pub / "cases", dirs_exist_ok=True)
        (pub / "cti.toml").write_text(toml.read_text("utf-8"))
        subprocess.run(["git", "-C", str(pub), "add", "-A"], env=env, check=True)
        subprocess.run(["git", "-C", str(pub), "commit", "-qm", "cases"], env=env, check=True)
        # plain git: the generator's files need not pass `check`, which sync would insist on
        subprocess.run(["git", "-C", str(pub), "push", "--quiet"], env=env, check=True)

        base = median_seconds([sys.executable, "-c", "pass"], env, args.runs, pub)
        plain = median_seconds(["sh", "-c", "git pull --quiet --rebase && git push --quiet"],
                               env, args.runs, pub)
        sync = median_seconds([CTI, "sync"], env, args.runs, pub)
        case = sorted((pub / "cases").glob("*.yaml"))[-1].stem
        counter = iter(range(10**6))

        def log_cmd() -> list[str]:
            return [CTI, "log", case, f"bench {next(counter)}", "--date", "2026-12-01"]

        times = []
        for i in range(args.runs + 1):
            cmd = log_cmd()
            start = time.perf_counter()
            subprocess.run(cmd, cwd=pub, env=env, capture_output=True, check=False)
            if i:
                times.append(time.perf_counter() - start)
        log_time = statistics.median(times)
        subprocess.run([CTI, "sync"], cwd=pub, env=env, capture_output=True, check=False)
        sync_git = git_processes([CTI, "sync"], counted, pub, log)
        plain_git = git_processes(["sh", "-c", "git pull --quiet --rebase && git push --quiet"],
                                  counted, pub, log)
        log_git = git_processes(log_cmd(), counted, pub, log)
        print("| what | median ms | ratio | git processes |")
        print("|---|---:|---:|---:|")
        print(f"| `python -c pass` | {base * 1000:.1f} | 1.00× | |")
        print(f"| `git pull --rebase && git push`, nothing to do | {plain * 1000:.1f} | 1.00× "
              f"(reference) | {plain_git} |")
        print(f"| `cti sync`, nothing to do | {sync * 1000:.1f} | {sync / plain:.2f}× of the "
              f"git pair | {sync_git} |")
        print(f"| `cti log` with auto-commit ({args.cases}-case folder) | {log_time * 1000:.1f} "
              f"| {log_time / base:.2f}× of `python -c pass` | {log_git} |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
