"""All use of git: commits per action, undo, history and sync for a team's case folder.

We call the `git` executable rather than a library because only real git honours the
team's merge driver, hooks, credential helpers and SSH config. Every call runs with
`LC_ALL=C` (messages we recognise stay English) and `GIT_TERMINAL_PROMPT=0` (never hang on
a password prompt); output we parse is `-z` porcelain so any file name survives.

Commit messages live forever in every clone: callers pass case ids and actions, never names
or notes.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Final, Literal

from cti_cli.storage import atomic
from cti_cli.storage.yamlread import has_conflict_markers
from cti_cli.team.merge import Conflict, MergeError, merge_texts, parses

__all__ = [
    "CaseConflict",
    "ChangedCase",
    "CommitResult",
    "GitError",
    "HistoryEntry",
    "SyncReport",
    "commit_paths",
    "git_available",
    "has_remote",
    "history",
    "init_repo",
    "install_merge_driver",
    "is_clean",
    "last_tool_commit",
    "merge_driver_installed",
    "repo_root",
    "sync",
    "undo",
]

ACTION_TRAILER: Final = "Cti-Action"
REVERTS_TRAILER: Final = "Reverts"
UNDO_ACTION: Final = "undo"
ATTRIBUTES_LINE: Final = "cases/*.yaml merge=cti"
_CASE_FILE = re.compile(r"(?:^|/)cases/[^/]+\.ya?ml$")
_TRAILER_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
_SYNC_STATE: Final = "cti-sync"  # under .git: where a stopped sync remembers where it began
_TIMEOUT: Final = 600


class GitError(ValueError):
    """Git is missing or a git command failed; the message is meant for the user."""


@dataclass(frozen=True)
class HistoryEntry:
    sha: str
    date: datetime
    author: str
    subject: str
    trailers: dict[str, str] = field(default_factory=dict)

    @property
    def action(self) -> str | None:
        return self.trailers.get(ACTION_TRAILER)


@dataclass(frozen=True)
class CommitResult:
    """ok=False is an expected outcome (no identity, hook, nothing to commit): see `reason`."""

    ok: bool
    sha: str | None = None
    reason: str = ""
    undone: HistoryEntry | None = None


@dataclass(frozen=True)
class ChangedCase:
    path: str
    authors: list[str]


@dataclass(frozen=True)
class CaseConflict:
    """A case file a sync could not merge.

    In `fields`, `ours` is the version already shared on the remote and `theirs` is the
    local change being replayed on top of it (that is how a rebase names the sides).
    """

    path: str
    fields: list[Conflict]


SyncState = Literal["no-remote", "synced", "push-failed", "conflict", "blocked", "failed"]


@dataclass(frozen=True)
class SyncReport:
    state: SyncState
    message: str
    remote: str | None = None
    changed: list[ChangedCase] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    pushed: bool = False
    unpushed: int = 0
    conflicts: list[CaseConflict] = field(default_factory=list)
    push_problem: str = ""  # "refused" | "behind" | "other" when a push failed
    detail: str = ""  # the remote's or git's own words about it

    @property
    def ok(self) -> bool:
        return self.state in ("no-remote", "synced")


# --------------------------------------------------------------------------- running git


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


def _git(
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
            timeout=_TIMEOUT,
        )
    except OSError as exc:  # FileNotFoundError, or a PATH entry that is not a folder
        raise GitError("git is not installed (or not on PATH); install git first") from exc
    except subprocess.TimeoutExpired as exc:
        raise GitError(f"git {args[0]} did not finish within {_TIMEOUT} seconds") from exc
    if check and done.returncode != 0:
        raise GitError(f"git {args[0]} failed: {_output(done) or 'no message'}")
    return done


def _output(done: subprocess.CompletedProcess[bytes], lines: int = 8) -> str:
    text = (done.stderr + b"\n" + done.stdout).decode("utf-8", "replace")
    kept = [line.strip() for line in text.splitlines() if line.strip()]
    return "\n".join(kept[-lines:])


def _text(done: subprocess.CompletedProcess[bytes]) -> str:
    return done.stdout.decode("utf-8", "surrogateescape")


def _nul_list(done: subprocess.CompletedProcess[bytes]) -> list[str]:
    return [p for p in _text(done).split("\0") if p]


def _rev(root: Path, ref: str) -> str | None:
    done = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
    if done.returncode != 0:
        return None
    return _text(done).strip() or None


def _git_path(root: Path, name: str) -> Path:
    path = Path(_text(_git(root, "rev-parse", "--git-path", name)).strip())
    return path if path.is_absolute() else root / path


def _relative(root: Path, path: str | os.PathLike[str]) -> str:
    """Repo-relative posix path; a relative `path` is taken relative to the repo root."""
    absolute = Path(path) if Path(path).is_absolute() else root / path
    try:
        return absolute.resolve().relative_to(root.resolve()).as_posix()
    except ValueError as exc:
        raise GitError(f"{path} is not inside the repository at {root}") from exc


def _operation_in_progress(root: Path) -> str | None:
    for name, operation in (
        ("rebase-merge", "rebase"),
        ("rebase-apply", "rebase"),
        ("MERGE_HEAD", "merge"),
        ("CHERRY_PICK_HEAD", "cherry-pick"),
        ("REVERT_HEAD", "revert"),
    ):
        if _git_path(root, name).exists():
            return operation
    return None


# --------------------------------------------------------------------------- repository setup


def git_available() -> bool:
    return shutil.which("git") is not None


def repo_root(path: str | os.PathLike[str]) -> Path | None:
    """The top of the work tree holding `path`; None outside a repository or without git."""
    start = Path(path)
    while not start.is_dir() and start != start.parent:
        start = start.parent
    try:
        done = _git(start, "rev-parse", "--show-toplevel", check=False)
    except GitError:
        return None
    top = _text(done).strip()
    return Path(top) if done.returncode == 0 and top else None


def init_repo(folder: str | os.PathLike[str]) -> bool:
    """`git init` the team folder; False when git is missing or it is already in a repo."""
    if not git_available() or repo_root(folder) is not None:
        return False
    folder = Path(folder)
    configured = _git(folder, "config", "--get", "init.defaultBranch", check=False)
    branch = [] if configured.returncode == 0 else ["--initial-branch=main"]
    _git(folder, "init", "--quiet", *branch)
    return True


def _default_driver_command() -> str:
    """The absolute path of the running `cti`, else plain `cti`.

    Git runs a merge driver through the shell with git's own PATH, and a GUI, an editor or
    cron often lacks the virtualenv/pipx folder `cti` lives in. A driver that cannot start
    leaves a conflict without any merge. The absolute path pins this clone to the install
    that wrote it; after moving or reinstalling cti, installing the driver again fixes it.
    """
    argv0 = sys.argv[0] if sys.argv and sys.argv[0] else ""
    found = argv0 if os.sep in argv0 else (shutil.which(argv0) if argv0 else None)
    if found:
        exe = Path(found).resolve()
        if exe.is_file() and os.access(exe, os.X_OK) and exe.name.startswith("cti"):
            return f"{shlex.quote(str(exe))} merge-driver"
    return "cti merge-driver"


def _attribute_is_set(text: str) -> bool:
    """Whether the last `merge` attribute given for `cases/*.yaml` is `merge=cti`."""
    merge: str | None = None
    for line in text.splitlines():
        parts = line.split()
        if parts and parts[0] == "cases/*.yaml":
            for part in parts[1:]:
                name = part.lstrip("-!").split("=", 1)[0]
                if name == "merge":
                    merge = part
    return merge == "merge=cti"


def _write_atomically(path: Path, text: str) -> None:
    atomic.replace(path, text.encode("utf-8"), mode=0o644)


def install_merge_driver(
    repo_root: str | os.PathLike[str],
    case_folder: str | os.PathLike[str],
    command: str | None = None,
) -> Path:
    """Route case files through `cti merge-driver`; returns the `.gitattributes` to commit.

    `.gitattributes` travels with the repository, but git never carries config: every clone
    needs this call (an unconfigured driver silently falls back to a line merge).
    `command` replaces `cti merge-driver`, e.g. `python -m cti_cli.team.merge` in tests.
    """
    root = Path(repo_root)
    attributes = Path(case_folder) / ".gitattributes"
    text = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
    if not _attribute_is_set(text):
        if text and not text.endswith("\n"):
            text += "\n"
        _write_atomically(attributes, text + ATTRIBUTES_LINE + "\n")
    driver = f"{command or _default_driver_command()} %O %A %B %P"
    _git(root, "config", "merge.cti.name", "cti: merge case files entry by entry")
    _git(root, "config", "merge.cti.driver", driver)
    return attributes


def merge_driver_installed(repo_root: str | os.PathLike[str]) -> bool:
    done = _git(Path(repo_root), "config", "--get", "merge.cti.driver", check=False)
    return done.returncode == 0 and bool(_text(done).strip())


def has_remote(repo_root: str | os.PathLike[str]) -> bool:
    return bool(_remotes(Path(repo_root)))


def _remotes(root: Path) -> list[str]:
    return _text(_git(root, "remote")).split()


def is_clean(repo_root: str | os.PathLike[str], path: str | os.PathLike[str]) -> bool:
    """No staged, unstaged or untracked change to `path`."""
    root = Path(repo_root)
    done = _git(root, "status", "--porcelain", "-z", "--", _relative(root, path))
    return not _nul_list(done)


# --------------------------------------------------------------------------- commits


def _message(subject: str, trailers: Mapping[str, str]) -> str:
    if not subject.strip() or "\n" in subject.strip():
        raise ValueError("a commit subject is one non-empty line")
    lines = [subject.strip(), ""]
    for key, value in trailers.items():
        if not _TRAILER_KEY.fullmatch(key) or "\n" in value or not value.strip():
            raise ValueError(f"bad commit trailer {key!r}")
        lines.append(f"{key}: {value.strip()}")
    return "\n".join(lines).rstrip() + "\n"


def _hooks(root: Path) -> list[str]:
    configured = _text(_git(root, "config", "--get", "core.hooksPath", check=False)).strip()
    folder = Path(configured).expanduser() if configured else _git_path(root, "hooks")
    if not folder.is_absolute():
        folder = root / folder
    names = ("pre-commit", "prepare-commit-msg", "commit-msg")
    return [n for n in names if os.access(folder / n, os.X_OK)]


def _commit_failure(root: Path, done: subprocess.CompletedProcess[bytes]) -> str:
    said = _output(done)
    if re.search(
        r"tell me who you are|unable to auto-detect email|empty ident name|no email was given",
        said,
        re.IGNORECASE,
    ):
        return (
            "git does not know who you are, so it cannot record the change. Set it once with "
            'git config --global user.name "Your Name" and '
            "git config --global user.email you@example.org"
        )
    if re.search(r"nothing to commit|no changes added", said):
        return "nothing to commit: the file has no changes since the last commit"
    hooks = _hooks(root)
    if hooks:
        return f"a git hook ({', '.join(hooks)}) refused the commit:\n{said}"
    return f"git could not commit:\n{said}"


def commit_paths(
    repo_root: str | os.PathLike[str],
    paths: Iterable[str | os.PathLike[str]],
    subject: str,
    trailers: Mapping[str, str],
    author: str | None = None,
) -> CommitResult:
    """Commit exactly `paths`; other staged or unstaged changes stay as they are.

    Failing to commit is reported, not raised: the caller has already saved the file, and
    the change can be committed later.
    """
    root = Path(repo_root)
    relative = [_relative(root, p) for p in paths]
    if not relative:
        raise ValueError("commit_paths needs at least one path")
    if author is not None and not re.fullmatch(r"[^<>\n]+ <[^<>\n]*>", author):
        raise ValueError("author must look like 'Name <email>'")
    message = _message(subject, trailers)
    busy = _operation_in_progress(root)
    if busy:
        return CommitResult(
            False,
            reason=f"git is in the middle of a {busy}; finish it first "
            f"(after a stopped sync: cti sync) and the change can be committed then",
        )
    changes = _git(root, "status", "--porcelain", "-z", "--untracked-files=all", "--", *relative)
    if not _nul_list(changes):
        ignored = _git(root, "check-ignore", "-q", "--", *relative, check=False)
        if ignored.returncode == 0:
            return CommitResult(False, reason="the file is ignored by .gitignore, so git skips it")
        return CommitResult(False, reason="nothing to commit: no changes since the last commit")
    added = _git(root, "add", "--all", "--", *relative, check=False)
    if added.returncode != 0:
        return CommitResult(False, reason=f"git could not stage the file:\n{_output(added)}")
    command = ["commit", "--quiet", "--file=-"]
    if author is not None:
        command.append(f"--author={author}")
    done = _git(root, *command, "--", *relative, input=message.encode(), check=False)
    if done.returncode != 0:
        return CommitResult(False, reason=_commit_failure(root, done))
    return CommitResult(True, sha=_rev(root, "HEAD"))


# --------------------------------------------------------------------------- history and undo

_FIELD = "\x1f"
_LOG_FORMAT = "%H%x1f%aI%x1f%an%x1f%s%x1f%(trailers:only,unfold)"


def history(repo_root: str | os.PathLike[str], path: str | os.PathLike[str]) -> list[HistoryEntry]:
    """Commits that changed `path`, newest first, following renames."""
    root = Path(repo_root)
    if _rev(root, "HEAD") is None:
        return []
    relative = _relative(root, path)
    done = _git(root, "log", "--follow", "-z", f"--format={_LOG_FORMAT}", "--", relative)
    entries: list[HistoryEntry] = []
    for record in _text(done).split("\0"):
        parts = record.strip("\n").split(_FIELD)
        if len(parts) != 5:
            continue
        sha, date, author, subject, trailer_text = parts
        trailers: dict[str, str] = {}
        for line in trailer_text.splitlines():
            key, sep, value = line.partition(":")
            if sep:
                trailers[key.strip()] = value.strip()
        entries.append(HistoryEntry(sha, datetime.fromisoformat(date), author, subject, trailers))
    return entries


def _undo_target(entries: Sequence[HistoryEntry], relative: str) -> HistoryEntry | str:
    """The commit the next undo takes back, or why there is none.

    Undo commits cancel tool commits by position (each undo took back the newest one still
    standing) rather than by their `Reverts:` sha, because a sync rebases local commits and
    so changes their shas.
    """
    pending = 0
    for entry in entries:
        if entry.action == UNDO_ACTION:
            pending += 1
        elif entry.action and pending:
            pending -= 1
        elif entry.action:
            return entry
        else:
            return (
                f"the last change to {relative} ({entry.sha[:8]} “{entry.subject}”) was not "
                f"made by cti; undo only takes back cti's own changes "
                f"(to take this one back use: git revert {entry.sha[:8]})"
            )
    return f"there is no change made by cti to {relative} left to undo"


def last_tool_commit(
    repo_root: str | os.PathLike[str], path: str | os.PathLike[str]
) -> HistoryEntry | None:
    """The commit `undo` would take back now, if any."""
    target = _undo_target(history(repo_root, path), _relative(Path(repo_root), path))
    return target if isinstance(target, HistoryEntry) else None


def undo(
    repo_root: str | os.PathLike[str],
    path: str | os.PathLike[str],
    subject_prefix: str = "Undo:",
    author: str | None = None,
) -> CommitResult:
    """Take back cti's last change to one case file as a new commit.

    The file gets the content it had before that change; the new commit carries
    `Cti-Action: undo` and `Reverts: <sha>`, so the next undo walks back one step further.
    """
    root = Path(repo_root)
    relative = _relative(root, path)
    if not is_clean(root, relative):
        return CommitResult(
            False,
            reason=f"{relative} has changes that are not committed yet; "
            "commit or discard them before undoing",
        )
    target = _undo_target(history(root, relative), relative)
    if isinstance(target, str):
        return CommitResult(False, reason=target)
    parent = _rev(root, f"{target.sha}^")
    if (
        parent is None
        or _git(root, "cat-file", "-e", f"{parent}:{relative}", check=False).returncode
    ):
        return CommitResult(
            False,
            reason=f"commit {target.sha[:8]} created {relative}; undoing it would delete "
            "the case file, so cti will not do that",
            undone=target,
        )
    touched = _nul_list(
        _git(root, "diff-tree", "--no-commit-id", "--name-only", "-r", "-z", "--root", target.sha)
    )
    if touched != [relative]:
        return CommitResult(
            False,
            reason=f"commit {target.sha[:8]} also changed other files ({', '.join(touched)}); "
            f"take it back as a whole with: git revert {target.sha[:8]}",
            undone=target,
        )
    _git(root, "restore", f"--source={parent}", "--staged", "--worktree", "--", relative)
    trailers = {k: v for k, v in target.trailers.items() if k == "Case"}
    trailers |= {ACTION_TRAILER: UNDO_ACTION, REVERTS_TRAILER: target.sha}
    # keep the `<case>: <what>` shape so `git log --oneline` reads alike for every change
    case, sep, what = target.subject.partition(": ")
    if sep and "Case" in target.trailers and case == target.trailers["Case"]:
        subject = f"{case}: {subject_prefix.rstrip().rstrip(':').lower()} {what}"
    else:
        subject = f"{subject_prefix.rstrip()} {target.subject}".strip()
    result = commit_paths(root, [relative], subject, trailers, author=author)
    if not result.ok:  # put the file back as it was: it was clean, so HEAD has it all
        _git(root, "restore", "--source=HEAD", "--staged", "--worktree", "--", relative)
    return CommitResult(result.ok, result.sha, result.reason, undone=target)


# --------------------------------------------------------------------------- sync


def _branch(root: Path) -> str | None:
    done = _git(root, "symbolic-ref", "--quiet", "--short", "HEAD", check=False)
    if done.returncode != 0:
        return None
    return _text(done).strip() or None


def _upstream(root: Path, branch: str, remotes: Sequence[str]) -> tuple[str, str]:
    """(remote, branch there): the configured upstream, else origin (or the only remote)."""
    remote = _text(_git(root, "config", "--get", f"branch.{branch}.remote", check=False)).strip()
    merge = _text(_git(root, "config", "--get", f"branch.{branch}.merge", check=False)).strip()
    if remote in remotes and merge.startswith("refs/heads/"):
        return remote, merge.removeprefix("refs/heads/")
    return ("origin" if "origin" in remotes else remotes[0]), branch


def _dirty_tracked(root: Path) -> list[str]:
    done = _git(root, "status", "--porcelain", "-z", "--untracked-files=no")
    records = _nul_list(done)
    paths: list[str] = []
    skip = False
    for record in records:
        if skip:  # the origin of a rename
            skip = False
            continue
        paths.append(record[3:])
        skip = record[0] in "RC"
    return paths


def _unmerged(root: Path) -> list[str]:
    return _nul_list(_git(root, "diff", "--name-only", "--diff-filter=U", "-z"))


def _stage(root: Path, stage: int, relative: str) -> str | None:
    done = _git(root, "show", f":{stage}:{relative}", check=False)
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None


def _case_conflicts(root: Path) -> list[CaseConflict]:
    """Name the fields in conflict by merging the index stages of each unmerged file again."""
    found: list[CaseConflict] = []
    for relative in _unmerged(root):
        fields: list[Conflict] = []
        base, ours, theirs = (_stage(root, n, relative) for n in (1, 2, 3))
        if _CASE_FILE.search(relative) and ours is not None and theirs is not None:
            try:
                fields = merge_texts(base or "", ours, theirs).conflicts
            except MergeError:
                fields = []
        found.append(CaseConflict(relative, fields))
    return found


def _conflict_report(root: Path, remote: str, still: bool = False) -> SyncReport:
    conflicts = _case_conflicts(root)
    lines = []
    for conflict in conflicts:
        names = ", ".join(f.path for f in conflict.fields) or "the file"
        lines.append(f"  {conflict.path}: {names}")
    opening = (
        "These files still have conflict markers:"
        if still
        else "Sync stopped: you and a colleague changed the same thing in:"
    )
    message = "\n".join(
        [
            opening,
            *lines,
            "Open each file and find the lines between <<<<<<< and >>>>>>>. The part above "
            "======= is what is already shared, the part below is your change. Keep the "
            "right value, delete the marker lines, save, and run cti sync again.",
            "(To give up this sync instead: git rebase --abort)",
        ]
    )
    return SyncReport("conflict", message, remote=remote, conflicts=conflicts)


def _authors(root: Path, revisions: Sequence[str]) -> tuple[list[str], dict[str, list[str]]]:
    """Authors of the incoming commits, overall and per file, in log order."""
    done = _git(root, "log", "-z", "--format=%x1e%an", "--name-only", *revisions)
    overall: list[str] = []
    per_file: dict[str, list[str]] = {}
    for chunk in _text(done).split("\x1e"):
        if not chunk:
            continue
        author, _, names = chunk.partition("\0")
        if author not in overall:
            overall.append(author)
        for name in names.strip("\n").split("\0"):
            name = name.strip("\n")
            if name and author not in per_file.setdefault(name, []):
                per_file[name].append(author)
    return overall, per_file


def _finish(root: Path, remote: str, branch: str, old_head: str | None) -> SyncReport:
    """After the pull: report what came in (upstream commits old HEAD lacked), then push."""
    tracking = f"refs/remotes/{remote}/{branch}"
    new_head = _rev(root, "HEAD")
    new_upstream = _rev(root, tracking)
    changed: list[ChangedCase] = []
    authors: list[str] = []
    if new_head and new_upstream and new_head != old_head:
        # Files the incoming commits touched, not the tree diff: a colleague's change that
        # this sync's conflict resolution overrode still counts as a change to that case.
        authors, per_file = _authors(root, [new_upstream, *([f"^{old_head}"] if old_head else [])])
        changed = [ChangedCase(n, a) for n, a in per_file.items() if _CASE_FILE.search(n)]
    if new_head is None:
        return SyncReport("synced", "Nothing to share yet.", remote, changed, authors, True)
    ahead_range = f"{new_upstream}..HEAD" if new_upstream else "HEAD"
    ahead = int(_text(_git(root, "rev-list", "--count", ahead_range)).strip())
    if ahead == 0:
        return SyncReport("synced", "Up to date.", remote, changed, authors, True)
    push = ["push", "--porcelain", remote, f"HEAD:refs/heads/{branch}"]
    upstream_set = _git(root, "config", "--get", f"branch.{branch}.remote", check=False)
    if upstream_set.returncode != 0:
        push.insert(1, "--set-upstream")
    done = _git(root, *push, check=False)
    if done.returncode != 0:
        text = _output(done)
        detail = ""
        if re.search(r"\[remote rejected\]", text):
            # a hook or a protected branch said no: its words matter, a retry will not help
            problem = "refused"
            detail = "; ".join([ln.removeprefix("remote:").strip() for ln in text.splitlines()
                                if ln.startswith("remote:")
                                and ln.removeprefix("remote:").strip()][:3])
            why = "the shared repository refused them" + (f" ({detail})" if detail else "")
        elif re.search(r"\[rejected\]|non-fast-forward", text):
            problem, why = "behind", "a colleague shared changes a moment ago"
        else:
            problem, detail = "other", _output(done, lines=4)
            why = f"git said: {detail}"
        message = (
            f"Your {ahead} change(s) are saved on this computer but were not sent: {why}. "
            "Run cti sync again."
        )
        return SyncReport("push-failed", message, remote, changed, authors, False, ahead,
                          push_problem=problem, detail=detail)
    return SyncReport("synced", f"Sent {ahead} change(s).", remote, changed, authors, True)


def _read_state(root: Path) -> tuple[str, str, str | None] | None:
    state = _git_path(root, _SYNC_STATE)
    if not state.exists():
        return None
    remote, branch, old_head = [*state.read_text(encoding="utf-8").split("\n"), "", ""][:3]
    return remote, branch, old_head or None


def _continue_sync(root: Path) -> SyncReport:
    """After the user resolved a stopped sync: stage the files and continue the rebase."""
    saved = _read_state(root)
    if saved is None:
        return SyncReport(
            "blocked",
            "git is in the middle of a rebase that cti did not start. Finish it with "
            "git rebase --continue, or cancel it with git rebase --abort, then sync again.",
        )
    remote, branch, old_head = saved
    unmerged = _unmerged(root)
    for relative in unmerged:
        file = root / relative
        if file.exists() and has_conflict_markers(file.read_text("utf-8", "replace")):
            return _conflict_report(root, remote, still=True)
    invalid = [r for r in unmerged if _CASE_FILE.search(r) and not _valid_yaml(root / r)]
    if invalid:
        return SyncReport(
            "conflict",
            f"Not valid YAML after the edit: {', '.join(invalid)}. Fix it and run cti sync again.",
            remote,
            conflicts=_case_conflicts(root),
        )
    if unmerged:
        _git(root, "add", "--all", "--", *unmerged)
    # A conflict resolved back to the shared version leaves the commit empty: skip it.
    staged = _git(root, "diff", "--cached", "--quiet", check=False).returncode != 0
    step = "--skip" if unmerged and not staged else "--continue"
    done = _git(root, "rebase", step, check=False, env={"GIT_EDITOR": "true"})
    if _operation_in_progress(root) == "rebase":
        if _unmerged(root):  # the next local commit conflicts too
            return _conflict_report(root, remote)
        return SyncReport("failed", f"git rebase stopped:\n{_output(done)}", remote)
    if done.returncode != 0:
        return SyncReport("failed", f"git rebase failed:\n{_output(done)}", remote)
    _git_path(root, _SYNC_STATE).unlink(missing_ok=True)
    return _finish(root, remote, branch, old_head)


def _valid_yaml(file: Path) -> bool:
    try:
        return not file.exists() or parses(file.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return False


def sync(repo_root: str | os.PathLike[str]) -> SyncReport:
    """Pull colleagues' commits (rebasing ours on top, through the merge driver), then push.

    Never raises for the expected outcomes (no remote, offline, rejected push, conflict):
    the report says what happened and what to do. A conflict leaves the rebase stopped;
    calling sync again after fixing the files continues it.
    """
    root = Path(repo_root)
    if _operation_in_progress(root) == "rebase":
        return _continue_sync(root)
    remotes = _remotes(root)
    if not remotes:
        return SyncReport(
            "no-remote",
            "This folder has no shared (remote) repository, so there is nothing to sync; "
            "your changes are committed on this computer.",
        )
    busy = _operation_in_progress(root)
    branch = _branch(root)
    if busy or branch is None:
        why = f"git is in the middle of a {busy}" if busy else "git is not on a branch"
        return SyncReport("blocked", f"Cannot sync: {why}. Finish that first.")
    remote, remote_branch = _upstream(root, branch, remotes)
    dirty = _dirty_tracked(root)
    if dirty:
        return SyncReport(
            "blocked",
            "Cannot sync while these files have changes that are not committed: "
            f"{', '.join(dirty)}. Commit or discard them, then sync again.",
            remote,
        )
    tracking = f"refs/remotes/{remote}/{remote_branch}"
    old_head = _rev(root, "HEAD")
    fetched = _git(root, "fetch", "--quiet", remote, check=False)
    if fetched.returncode != 0:
        return SyncReport(
            "failed",
            f"Could not reach {remote!r}: {_output(fetched, lines=3)}\n"
            "Your changes are safe on this computer; sync again when online.",
            remote,
        )
    if _rev(root, tracking) is not None:
        pulled = _git(root, "pull", "--rebase", "--quiet", remote, remote_branch, check=False)
        if pulled.returncode != 0:
            if _operation_in_progress(root) == "rebase":
                state = "\n".join([remote, remote_branch, old_head or ""])
                _git_path(root, _SYNC_STATE).write_text(state, encoding="utf-8")
                if _unmerged(root):
                    return _conflict_report(root, remote)
                return SyncReport(
                    "failed",
                    f"git stopped the sync:\n{_output(pulled)}\nRun cti sync again to go on, "
                    "or cancel with: git rebase --abort",
                    remote,
                )
            return SyncReport("failed", f"git pull failed:\n{_output(pulled)}", remote)
    return _finish(root, remote, remote_branch, old_head)
