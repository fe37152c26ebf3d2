"""Committing exactly the files a cti command changed, with trailers that say what it did.

Commit messages live forever in every clone: callers pass case ids and actions, never names
or notes.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Final

from cti_cli.locale import _
from cti_cli.team.run import (
    git,
    git_path,
    operation_in_progress,
    output,
    relative_path,
    rev,
    stdout_text,
)

__all__ = [
    "ACTION_TRAILER",
    "REVERTS_TRAILER",
    "UNDO_ACTION",
    "CommitResult",
    "HistoryEntry",
    "commit_paths",
]

ACTION_TRAILER: Final = "Cti-Action"
REVERTS_TRAILER: Final = "Reverts"
UNDO_ACTION: Final = "undo"
_TRAILER_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
# `git commit -- path` on a path git does not track (LC_ALL=C: see run.py)
_UNKNOWN_PATH = re.compile(r"pathspec .* did not match any file\(s\) known to git")


@dataclass(frozen=True)
class HistoryEntry:
    sha: str
    date: datetime
    author: str
    subject: str
    trailers: dict[str, str] = field(default_factory=dict)
    email: str = ""

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
    configured = stdout_text(git(root, "config", "--get", "core.hooksPath", check=False)).strip()
    folder = Path(configured).expanduser() if configured else git_path(root, "hooks")
    if not folder.is_absolute():
        folder = root / folder
    names = ("pre-commit", "prepare-commit-msg", "commit-msg")
    return [n for n in names if os.access(folder / n, os.X_OK)]


def _commit_failure(root: Path, done: subprocess.CompletedProcess[bytes]) -> str:
    said = output(done)
    if re.search(
        r"tell me who you are|unable to auto-detect email|empty ident name|no email was given",
        said,
        re.IGNORECASE,
    ):
        return (
            _("git does not know who you are, so it cannot record the change. Set it once "
              'with git config --global user.name "Your Name" and '
              "git config --global user.email you@example.org")
        )
    if re.search(r"nothing to commit|no changes added", said):
        return _("nothing to commit: the file has no changes since the last commit")
    hooks = _hooks(root)
    if hooks:
        return _("a git hook ({hooks}) refused the commit:\n{output}").format(
            hooks=", ".join(hooks), output=said)
    return _("git could not commit:\n{output}").format(output=said)


def commit_paths(
    repo_root: str | os.PathLike[str],
    paths: Iterable[str | os.PathLike[str]],
    subject: str,
    trailers: Mapping[str, str],
    author: str | None = None,
    git_dir: Path | None = None,
    *,
    new_files: bool = False,
    want_sha: bool = True,
) -> CommitResult:
    """Commit exactly `paths`; other staged or unstaged changes stay as they are.

    `git_dir` (the work tree's git folder, when the caller knows it) spares a `rev-parse`;
    `new_files` (some path is not yet in git) stages first rather than trying the commit
    alone; without `want_sha` the new commit's id is not asked for (one git process less).

    Failing to commit is reported, not raised: the caller has already saved the file, and
    the change can be committed later.
    """
    root = Path(repo_root)
    relative = [relative_path(root, p) for p in paths]
    if not relative:
        raise ValueError("commit_paths needs at least one path")
    if author is not None and not re.fullmatch(r"[^<>\n]+ <[^<>\n]*>", author):
        raise ValueError("author must look like 'Name <email>'")
    message = _message(subject, trailers)
    busy = operation_in_progress(root, git_dir)
    if busy:
        return CommitResult(
            False,
            reason=_("git is in the middle of a {operation}; finish it first (after a stopped "
                     "sync: cti sync) and the change can be committed then").format(
                operation=busy),
        )
    command = ["commit", "--quiet", "--file=-"]
    if author is not None:
        command.append(f"--author={author}")
    done = None
    if not new_files:
        # A tracked file is committed by `git commit -- path` alone (it takes the file as it
        # is, like `add` then `commit`): one git process for a `log`. git refuses a path it
        # does not know yet; then `add` names an ignored file, and the commit is made after.
        done = git(root, *command, "--", *relative, input=message.encode(), check=False)
        if done.returncode != 0 and _UNKNOWN_PATH.search(output(done)):
            done = None
    if done is None:
        added = git(root, "add", "--all", "--", *relative, check=False)
        if added.returncode != 0:
            if "ignored by one of your .gitignore" in output(added):
                return CommitResult(False, reason=_("the file is ignored by .gitignore, so "
                                                    "git skips it"))
            return CommitResult(False, reason=_("git could not stage the file:\n{output}")
                                .format(output=output(added)))
        done = git(root, *command, "--", *relative, input=message.encode(), check=False)
    if done.returncode != 0:
        if re.search(r"nothing to commit|no changes added", output(done)):
            return CommitResult(False, reason=_("nothing to commit: no changes since the last "
                                                "commit"))
        return CommitResult(False, reason=_commit_failure(root, done))
    if not want_sha:
        return CommitResult(True)
    return CommitResult(True, sha=rev(root, "HEAD"))
