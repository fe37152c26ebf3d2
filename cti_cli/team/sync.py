"""Sync: pull colleagues' commits (rebasing ours on top, through the merge driver), then push."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

from cti_cli.storage.yamlread import has_conflict_markers
from cti_cli.team.merge import Conflict, MergeError, merge_texts, parses
from cti_cli.team.run import (
    CASE_FILE,
    git,
    git_path,
    list_remotes,
    nul_list,
    operation_in_progress,
    output,
    rev,
    stdout_text,
)

__all__ = ["CaseConflict", "ChangedCase", "SyncReport", "SyncState", "sync"]

_SYNC_STATE: Final = "cti-sync"  # under .git: where a stopped sync remembers where it began


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


def _branch(root: Path) -> str | None:
    done = git(root, "symbolic-ref", "--quiet", "--short", "HEAD", check=False)
    if done.returncode != 0:
        return None
    return stdout_text(done).strip() or None


def _upstream(root: Path, branch: str, remotes: Sequence[str]) -> tuple[str, str]:
    """(remote, branch there): the configured upstream, else origin (or the only remote)."""
    config = ("config", "--get")
    remote = stdout_text(git(root, *config, f"branch.{branch}.remote", check=False)).strip()
    merge = stdout_text(git(root, *config, f"branch.{branch}.merge", check=False)).strip()
    if remote in remotes and merge.startswith("refs/heads/"):
        return remote, merge.removeprefix("refs/heads/")
    return ("origin" if "origin" in remotes else remotes[0]), branch


def _dirty_tracked(root: Path) -> list[str]:
    done = git(root, "status", "--porcelain", "-z", "--untracked-files=no")
    records = nul_list(done)
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
    return nul_list(git(root, "diff", "--name-only", "--diff-filter=U", "-z"))


def _stage(root: Path, stage: int, relative: str) -> str | None:
    done = git(root, "show", f":{stage}:{relative}", check=False)
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None


def _case_conflicts(root: Path) -> list[CaseConflict]:
    """Name the fields in conflict by merging the index stages of each unmerged file again."""
    found: list[CaseConflict] = []
    for relative in _unmerged(root):
        fields: list[Conflict] = []
        base, ours, theirs = (_stage(root, n, relative) for n in (1, 2, 3))
        if CASE_FILE.search(relative) and ours is not None and theirs is not None:
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
    done = git(root, "log", "-z", "--format=%x1e%an", "--name-only", *revisions)
    overall: list[str] = []
    per_file: dict[str, list[str]] = {}
    for chunk in stdout_text(done).split("\x1e"):
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
    new_head = rev(root, "HEAD")
    new_upstream = rev(root, tracking)
    changed: list[ChangedCase] = []
    authors: list[str] = []
    if new_head and new_upstream and new_head != old_head:
        # Files the incoming commits touched, not the tree diff: a colleague's change that
        # this sync's conflict resolution overrode still counts as a change to that case.
        authors, per_file = _authors(root, [new_upstream, *([f"^{old_head}"] if old_head else [])])
        changed = [ChangedCase(n, a) for n, a in per_file.items() if CASE_FILE.search(n)]
    if new_head is None:
        return SyncReport("synced", "Nothing to share yet.", remote, changed, authors, True)
    ahead_range = f"{new_upstream}..HEAD" if new_upstream else "HEAD"
    ahead = int(stdout_text(git(root, "rev-list", "--count", ahead_range)).strip())
    if ahead == 0:
        return SyncReport("synced", "Up to date.", remote, changed, authors, True)
    push = ["push", "--porcelain", remote, f"HEAD:refs/heads/{branch}"]
    upstream_set = git(root, "config", "--get", f"branch.{branch}.remote", check=False)
    if upstream_set.returncode != 0:
        push.insert(1, "--set-upstream")
    done = git(root, *push, check=False)
    if done.returncode != 0:
        text = output(done)
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
            problem, detail = "other", output(done, lines=4)
            why = f"git said: {detail}"
        message = (
            f"Your {ahead} change(s) are saved on this computer but were not sent: {why}. "
            "Run cti sync again."
        )
        return SyncReport("push-failed", message, remote, changed, authors, False, ahead,
                          push_problem=problem, detail=detail)
    return SyncReport("synced", f"Sent {ahead} change(s).", remote, changed, authors, True)


def _read_state(root: Path) -> tuple[str, str, str | None] | None:
    state = git_path(root, _SYNC_STATE)
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
    invalid = [r for r in unmerged if CASE_FILE.search(r) and not _valid_yaml(root / r)]
    if invalid:
        return SyncReport(
            "conflict",
            f"Not valid YAML after the edit: {', '.join(invalid)}. Fix it and run cti sync again.",
            remote,
            conflicts=_case_conflicts(root),
        )
    if unmerged:
        git(root, "add", "--all", "--", *unmerged)
    # A conflict resolved back to the shared version leaves the commit empty: skip it.
    staged = git(root, "diff", "--cached", "--quiet", check=False).returncode != 0
    step = "--skip" if unmerged and not staged else "--continue"
    done = git(root, "rebase", step, check=False, env={"GIT_EDITOR": "true"})
    if operation_in_progress(root) == "rebase":
        if _unmerged(root):  # the next local commit conflicts too
            return _conflict_report(root, remote)
        return SyncReport("failed", f"git rebase stopped:\n{output(done)}", remote)
    if done.returncode != 0:
        return SyncReport("failed", f"git rebase failed:\n{output(done)}", remote)
    git_path(root, _SYNC_STATE).unlink(missing_ok=True)
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
    if operation_in_progress(root) == "rebase":
        return _continue_sync(root)
    remotes = list_remotes(root)
    if not remotes:
        return SyncReport(
            "no-remote",
            "This folder has no shared (remote) repository, so there is nothing to sync; "
            "your changes are committed on this computer.",
        )
    busy = operation_in_progress(root)
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
    old_head = rev(root, "HEAD")
    fetched = git(root, "fetch", "--quiet", remote, check=False)
    if fetched.returncode != 0:
        return SyncReport(
            "failed",
            f"Could not reach {remote!r}: {output(fetched, lines=3)}\n"
            "Your changes are safe on this computer; sync again when online.",
            remote,
        )
    if rev(root, tracking) is not None:
        pulled = git(root, "pull", "--rebase", "--quiet", remote, remote_branch, check=False)
        if pulled.returncode != 0:
            if operation_in_progress(root) == "rebase":
                state = "\n".join([remote, remote_branch, old_head or ""])
                git_path(root, _SYNC_STATE).write_text(state, encoding="utf-8")
                if _unmerged(root):
                    return _conflict_report(root, remote)
                return SyncReport(
                    "failed",
                    f"git stopped the sync:\n{output(pulled)}\nRun cti sync again to go on, "
                    "or cancel with: git rebase --abort",
                    remote,
                )
            return SyncReport("failed", f"git pull failed:\n{output(pulled)}", remote)
    return _finish(root, remote, remote_branch, old_head)
