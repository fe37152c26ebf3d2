"""Setting up a team repository: `git init` and the merge driver every clone needs."""

from __future__ import annotations

import os
import re
import shlex
import sys
from pathlib import Path
from typing import Final

from cti_cli.storage import atomic
from cti_cli.team.run import git, git_available, repo_root, stdout_text

__all__ = ["ATTRIBUTES_LINE", "init_repo", "install_merge_driver", "merge_driver_installed"]

ATTRIBUTES_LINE: Final = "cases/*.yaml merge=cti"


def init_repo(folder: str | os.PathLike[str]) -> bool:
    """`git init` the team folder; False when git is missing or it is already in a repo."""
    if not git_available() or repo_root(folder) is not None:
        return False
    folder = Path(folder)
    configured = git(folder, "config", "--get", "init.defaultBranch", check=False)
    branch = [] if configured.returncode == 0 else ["--initial-branch=main"]
    git(folder, "init", "--quiet", *branch)
    return True


def _default_driver_command() -> str:
    """The absolute path of the running `cti`, else plain `cti`.

    Git runs a merge driver through the shell with git's own PATH, and a GUI, an editor or
    cron often lacks the virtualenv/pipx folder `cti` lives in. A driver that cannot start
    leaves a conflict without any merge. The absolute path pins this clone to the install
    that wrote it; after moving or reinstalling cti, installing the driver again fixes it.
    """
    import shutil

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
    git(root, "config", "merge.cti.name", "cti: merge case files entry by entry")
    git(root, "config", "merge.cti.driver", driver)
    return attributes


def merge_driver_installed(repo_root: str | os.PathLike[str]) -> bool:
    done = git(Path(repo_root), "config", "--get", "merge.cti.driver", check=False)
    return done.returncode == 0 and bool(stdout_text(done).strip())


def wants_driver(folder_root: Path) -> bool:
    """Whether the folder's committed `.gitattributes` routes case files to `merge=cti`."""
    attributes = folder_root / ".gitattributes"
    try:
        text = attributes.read_text(encoding="utf-8")
    except OSError:
        return False
    return any(line.split()[:1] == ["cases/*.yaml"] and "merge=cti" in line.split()
               for line in text.splitlines())


def missing_driver(folder_root: Path, repo_root: Path, git_dir: Path | None = None) -> bool:
    """A fresh clone: `.gitattributes` asks for the cti driver, but git config lacks it.

    With the clone's git folder known, a driver in its own `config` file is found without
    starting git (the common case on every auto-commit); otherwise git is asked.
    """
    if not wants_driver(folder_root):
        return False
    if git_dir is not None:
        try:
            text = (git_dir / "config").read_text("utf-8", "replace")
        except OSError:
            text = ""
        if re.search(r'^\s*\[merge\s+"cti"\]\s*$(?:\n(?!\s*\[).*)*?^\s*driver\s*=\s*\S', text,
                     re.MULTILINE):
            return False
    return not merge_driver_installed(repo_root)
