"""A case file's history, and undo of cti's own last change to it."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from cti_cli.locale import _
from cti_cli.team.commit import (
    ACTION_TRAILER,
    REVERTS_TRAILER,
    UNDO_ACTION,
    CommitResult,
    HistoryEntry,
    commit_paths,
)
from cti_cli.team.run import git, is_clean, nul_list, relative_path, rev, stdout_text

__all__ = ["history", "last_tool_commit", "undo"]

_FIELD = "\x1f"
_LOG_FORMAT = "%H%x1f%aI%x1f%an%x1f%s%x1f%(trailers:only,unfold)%x1f%ae"


def history(repo_root: str | os.PathLike[str], path: str | os.PathLike[str]) -> list[HistoryEntry]:
    """Commits that changed `path` itself, newest first.

    No `--follow`: git's rename and copy detection would count another citizen's similar
    file as this case's past (a history of the wrong person).
    """
    root = Path(repo_root)
    if rev(root, "HEAD") is None:
        return []
    relative = relative_path(root, path)
    done = git(root, "log", "--no-renames", "-z", f"--format={_LOG_FORMAT}", "--", relative)
    entries: list[HistoryEntry] = []
    for record in stdout_text(done).split("\0"):
        parts = record.strip("\n").split(_FIELD)
        if len(parts) != 6:
            continue
        sha, date, author, subject, trailer_text, email = parts
        trailers: dict[str, str] = {}
        for line in trailer_text.splitlines():
            key, sep, value = line.partition(":")
            if sep:
                trailers[key.strip()] = value.strip()
        entries.append(HistoryEntry(sha, datetime.fromisoformat(date), author, subject, trailers,
                                    email))
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
            return _("the last change to {file} ({sha} “{subject}”) was not made by cti; "
                     "undo only takes back cti's own changes (to take this one back use: "
                     "git revert {sha})").format(file=relative, sha=entry.sha[:8],
                                                 subject=entry.subject)
    return _("there is no change made by cti to {file} left to undo").format(file=relative)


def last_tool_commit(
    repo_root: str | os.PathLike[str], path: str | os.PathLike[str]
) -> HistoryEntry | None:
    """The commit `undo` would take back now, if any."""
    target = _undo_target(history(repo_root, path), relative_path(Path(repo_root), path))
    return target if isinstance(target, HistoryEntry) else None


def _my_email(root: Path) -> str:
    """Who commits here: `git var` honours GIT_AUTHOR_EMAIL and the config alike."""
    done = git(root, "var", "GIT_AUTHOR_IDENT", check=False)
    found = re.search(r"<([^<>]*)>", stdout_text(done))
    return found.group(1).strip().lower() if found else ""


def whose(root: Path, entry: HistoryEntry) -> tuple[bool, bool]:
    """(made by someone else, already shared): why undo should not take `entry` back."""
    shared = bool(stdout_text(git(root, "for-each-ref", "--count=1", "--contains", entry.sha,
                                  "refs/remotes", check=False)).strip())
    foreign = bool(entry.email) and entry.email.strip().lower() != _my_email(root)
    return foreign, shared


def undo(
    repo_root: str | os.PathLike[str],
    path: str | os.PathLike[str],
    subject_prefix: str = "Undo:",
    author: str | None = None,
    force: bool = False,
) -> CommitResult:
    """Take back cti's last change to one case file as a new commit.

    The file gets the content it had before that change; the new commit carries
    `Cti-Action: undo` and `Reverts: <sha>`, so the next undo walks back one step further.
    Only a change made here and not yet shared is taken back, unless `force`: a colleague's
    synced note is theirs (the refusal, in `reason`, names who and when; `undone` is set).
    """
    root = Path(repo_root)
    relative = relative_path(root, path)
    if not is_clean(root, relative):
        return CommitResult(
            False,
            reason=_("{file} has changes that are not committed yet; commit or discard them "
                     "before undoing").format(file=relative),
        )
    target = _undo_target(history(root, relative), relative)
    if isinstance(target, str):
        return CommitResult(False, reason=target)
    foreign, shared = whose(root, target)
    if (foreign or shared) and not force:
        when = target.date.strftime("%Y-%m-%d %H:%M")
        reason = (_("the last change to {file} (“{subject}”, {when}, by {author}) was made by "
                    "a colleague; undo only takes back your own changes that are not shared "
                    "yet. To take it back anyway: cti undo --force") if foreign
                  else _("the last change to {file} (“{subject}”, {when}, by {author}) is "
                         "already shared with the team; undo only takes back your own changes "
                         "that are not shared yet. To take it back anyway: cti undo --force"))
        return CommitResult(
            False,
            reason=reason.format(file=relative, subject=target.subject, when=when,
                                 author=target.author),
            undone=target,
        )
    parent = rev(root, f"{target.sha}^")
    if (
        parent is None
        or git(root, "cat-file", "-e", f"{parent}:{relative}", check=False).returncode
    ):
        return CommitResult(
            False,
            reason=_("commit {sha} created {file}; undoing it would delete the case file, so "
                     "cti will not do that").format(sha=target.sha[:8], file=relative),
            undone=target,
        )
    touched = nul_list(
        git(root, "diff-tree", "--no-commit-id", "--name-only", "-r", "-z", "--root", target.sha)
    )
    if touched != [relative]:
        return CommitResult(
            False,
            reason=_("commit {sha} also changed other files ({files}); take it back as a "
                     "whole with: git revert {sha}").format(sha=target.sha[:8],
                                                           files=", ".join(touched)),
            undone=target,
        )
    git(root, "restore", f"--source={parent}", "--staged", "--worktree", "--", relative)
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
        git(root, "restore", "--source=HEAD", "--staged", "--worktree", "--", relative)
    return CommitResult(result.ok, result.sha, result.reason, undone=target)
