"""Running git for a team's case folder: the subprocess, its environment, paths and refs.

We call the `git` executable rather than a library because only real git honours the
team's merge driver, hooks, credential helpers and SSH config. Every call runs with
`LC_ALL=C` (messages we recognise stay English) and `GIT_TERMINAL_PROMPT=0` (never hang on
a password prompt); output we parse is `-z` porcelain so any file name survives.
This module imports nothing heavy, so a command that only commits starts fast.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

__all__ = [
    "CASE_FILE",
    "GitError",
    "Where",
    "git",
    "git_available",
    "git_dir",
    "git_path",
    "has_remote",
    "is_clean",
    "list_remotes",
    "locate",
    "nul_list",
    "operation_in_progress",
    "output",
    "read_config",
    "relative_path",
    "repo_and_git_dir",
    "repo_root",
    "rev",
    "stdout_text",
]

CASE_FILE = re.compile(r"(?:^|/)cases/[^/]+\.ya?ml$")
TIMEOUT: Final = 600


class GitError(ValueError):
    """Git is missing or a git command failed; the message is meant for the user."""



def _env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        LC_ALL="C",
        GIT_TERMINAL_PROMPT="0",
        GIT_LITERAL_PATHSPECS="1",  # a path is a path, never a glob
        GIT_OPTIONAL_LOCKS="0",  # status must not fight a user's git over index.lock
        GIT_MERGE_AUTOEDIT="no",
    )
    env.update(extra or {})
    return env


def git(
    root: Path,
    *args: str,
    check: bool = True,
    input: bytes | None = None,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args],
            input=input,
            capture_output=True,
            env=_env(env),
            check=False,
            timeout=TIMEOUT,
        )
    except OSError as exc:  # FileNotFoundError, or a PATH entry that is not a folder
        raise GitError("git is not installed (or not on PATH); install git first") from exc
    except subprocess.TimeoutExpired as exc:
        raise GitError(f"git {args[0]} did not finish within {TIMEOUT} seconds") from exc
    if check and done.returncode != 0:
        raise GitError(f"git {args[0]} failed: {output(done) or 'no message'}")
    return done


def output(done: subprocess.CompletedProcess[bytes], lines: int = 8) -> str:
    text = (done.stderr + b"\n" + done.stdout).decode("utf-8", "replace")
    kept = [line.strip() for line in text.splitlines() if line.strip()]
    return "\n".join(kept[-lines:])


def stdout_text(done: subprocess.CompletedProcess[bytes]) -> str:
    return done.stdout.decode("utf-8", "surrogateescape")


def nul_list(done: subprocess.CompletedProcess[bytes]) -> list[str]:
    return [p for p in stdout_text(done).split("\0") if p]


def rev(root: Path, ref: str) -> str | None:
    done = git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
    if done.returncode != 0:
        return None
    return stdout_text(done).strip() or None


def git_path(root: Path, name: str) -> Path:
    path = Path(stdout_text(git(root, "rev-parse", "--git-path", name)).strip())
    return path if path.is_absolute() else root / path


def relative_path(root: Path, path: str | os.PathLike[str]) -> str:
    """Repo-relative posix path; a relative `path` is taken relative to the repo root."""
    absolute = Path(path) if Path(path).is_absolute() else root / path
    try:
        return absolute.resolve().relative_to(root.resolve()).as_posix()
    except ValueError as exc:
        raise GitError(f"{path} is not inside the repository at {root}") from exc


_OPERATIONS: Final = (
    ("rebase-merge", "rebase"),
    ("rebase-apply", "rebase"),
    ("MERGE_HEAD", "merge"),
    ("CHERRY_PICK_HEAD", "cherry-pick"),
    ("REVERT_HEAD", "revert"),
)


def git_dir(root: Path) -> Path:
    """This work tree's own git folder (per worktree: where a rebase or merge keeps state)."""
    return Path(stdout_text(git(root, "rev-parse", "--absolute-git-dir")).strip())


def operation_in_progress(root: Path, where: Path | None = None) -> str | None:
    """The rebase, merge, cherry-pick or revert git is in the middle of, if any.

    All these state files live in the work tree's own git folder, so one `rev-parse` (or
    none, when the caller knows the folder as `where`) answers for all of them.
    """
    folder = where if where is not None else git_dir(root)
    for name, operation in _OPERATIONS:
        if (folder / name).exists():
            return operation
    return None


@dataclass(frozen=True)
class Where:
    """Where a work tree stands, from one `git rev-parse` when HEAD has a commit."""

    git_dir: Path
    head: str | None
    branch: str | None  # the short branch name; None when HEAD is detached


def locate(root: Path) -> Where:
    done = git(root, "rev-parse", "--absolute-git-dir", "HEAD", "--symbolic-full-name", "HEAD",
               check=False)
    lines = stdout_text(done).split("\n")
    if done.returncode == 0 and len(lines) >= 3:
        ref = lines[2].strip()
        branch = ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else None
        return Where(Path(lines[0].strip()), lines[1].strip() or None, branch)
    # no commit yet (a new folder or a clone of an empty repository)
    symbolic = git(root, "symbolic-ref", "--quiet", "--short", "HEAD", check=False)
    branch = stdout_text(symbolic).strip() if symbolic.returncode == 0 else None
    return Where(git_dir(root), None, branch or None)


def repo_and_git_dir(path: str | os.PathLike[str]) -> tuple[Path, Path] | None:
    """(top of the work tree, its git folder) from one `rev-parse`; None outside git."""
    start = Path(path)
    while not start.is_dir() and start != start.parent:
        start = start.parent
    try:
        done = git(start, "rev-parse", "--show-toplevel", "--absolute-git-dir", check=False)
    except GitError:
        return None
    lines = stdout_text(done).splitlines()
    if done.returncode != 0 or len(lines) < 2 or not lines[0]:
        return None
    return Path(lines[0]), Path(lines[1])


def repo_where(path: str | os.PathLike[str]) -> tuple[Path, Where] | None:
    """(top of the work tree, where it stands) from one `rev-parse` when HEAD has a commit
    (`sync` needs both: a process fewer than `repo_and_git_dir` then `locate`); None
    outside git."""
    start = Path(path)
    while not start.is_dir() and start != start.parent:
        start = start.parent
    try:
        done = git(start, "rev-parse", "--show-toplevel", "--absolute-git-dir", "HEAD",
                   "--symbolic-full-name", "HEAD", check=False)
    except GitError:
        return None
    lines = stdout_text(done).split("\n")
    if done.returncode == 0 and len(lines) >= 4 and lines[0]:
        ref = lines[3].strip()
        branch = ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else None
        return Path(lines[0]), Where(Path(lines[1].strip()), lines[2].strip() or None, branch)
    found = repo_and_git_dir(start)  # no commit yet, or not in a work tree
    return (found[0], locate(found[0])) if found else None


def read_config(root: Path, pattern: str) -> dict[str, str]:
    """Config entries whose (lower-case) key matches the regex `pattern`, from one `git config`."""
    done = git(root, "config", "-z", "--get-regexp", pattern, check=False)
    found: dict[str, str] = {}
    for record in stdout_text(done).split("\0"):
        key, _, value = record.partition("\n")
        if key:
            found[key] = value
    return found


def git_available() -> bool:
    import shutil

    return shutil.which("git") is not None


def repo_root(path: str | os.PathLike[str]) -> Path | None:
    """The top of the work tree holding `path`; None outside a repository or without git."""
    start = Path(path)
    while not start.is_dir() and start != start.parent:
        start = start.parent
    try:
        done = git(start, "rev-parse", "--show-toplevel", check=False)
    except GitError:
        return None
    top = stdout_text(done).strip()
    return Path(top) if done.returncode == 0 and top else None


def has_remote(repo_root: str | os.PathLike[str]) -> bool:
    return bool(list_remotes(Path(repo_root)))


def list_remotes(root: Path) -> list[str]:
    return stdout_text(git(root, "remote")).split()


def is_clean(repo_root: str | os.PathLike[str], path: str | os.PathLike[str]) -> bool:
    """No staged, unstaged or untracked change to `path`."""
    root = Path(repo_root)
    done = git(root, "status", "--porcelain", "-z", "--", relative_path(root, path))
    return not nul_list(done)
