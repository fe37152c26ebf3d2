"""All use of git for a team's case folder, in one namespace.

The work lives in smaller modules: `run` (the git subprocess, paths, refs), `repo` (init and
the merge driver), `commit`, `history` (history and undo) and `sync`. Code inside cti
imports the module it needs, so that a command that only commits never loads the merge
code (ruamel); this module gathers them for callers that want everything.
"""

from __future__ import annotations

from cti_cli.team.commit import (
    ACTION_TRAILER,
    REVERTS_TRAILER,
    UNDO_ACTION,
    CommitResult,
    HistoryEntry,
    commit_paths,
)
from cti_cli.team.history import history, last_tool_commit, undo
from cti_cli.team.repo import (
    ATTRIBUTES_LINE,
    _default_driver_command,
    init_repo,
    install_merge_driver,
    merge_driver_installed,
)
from cti_cli.team.run import GitError, git_available, has_remote, is_clean, repo_root
from cti_cli.team.sync import CaseConflict, ChangedCase, SyncReport, SyncState, sync

__all__ = [
    "ACTION_TRAILER",
    "ATTRIBUTES_LINE",
    "REVERTS_TRAILER",
    "UNDO_ACTION",
    "CaseConflict",
    "ChangedCase",
    "CommitResult",
    "GitError",
    "HistoryEntry",
    "SyncReport",
    "SyncState",
    "_default_driver_command",
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
