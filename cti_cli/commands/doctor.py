"""`cti doctor`: what in this machine's setup puts case data at risk, and how to fix it.

Case files are GDPR art. 9 data: files readable by other users, a clone without the merge
driver (git then merges case files line by line and can leave invalid YAML), a remote on a
public host, and mail without TLS are each a way to lose or leak them.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from cti_cli.commands.context import Ctx
from cti_cli.core.safetext import shown
from cti_cli.locale import _
from cti_cli.storage.store import (
    Folder,
    display_path,
    iter_case_paths,
    leftover_temps,
    misnamed_case_paths,
)

#: Hosting services outside the municipality: case data must stay on its own server.
PUBLIC_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "sr.ht",
                "dev.azure.com", "ssh.dev.azure.com", "visualstudio.com", "gitee.com")
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    hint: str


def _loose(path: Path, allowed: int) -> int | None:
    """The mode when it grants more than `allowed` (group/other bits), else None."""
    try:
        mode = stat.S_IMODE(path.lstat().st_mode)
    except OSError:
        return None
    return mode if mode & ~allowed & 0o077 else None


def mode_problems(folder: Folder) -> list[Problem]:
    found: list[Problem] = []
    dirs = [folder.root, folder.cases_dir, folder.state_dir]
    for d in dirs:
        mode = _loose(d, 0o700) if d.is_dir() else None
        if mode is not None:
            found.append(Problem("D101", _("{folder}/ has mode {mode}: other users can list the "
                                           "cases").format(folder=display_path(d),
                                                           mode=f"{mode:04o}"),
                                 f"chmod 700 {display_path(d)}"))
    files = [folder.root / "cti.toml", *iter_case_paths(folder), folder.cases_dir / ".retired"]
    loose = [(p, m) for p in files if p.is_file() and not p.is_symlink()
             and (m := _loose(p, 0o600)) is not None]
    for p, m in loose:
        found.append(Problem("D102", _("{file} has mode {mode}: other users can read it").format(
            file=display_path(p), mode=f"{m:04o}"), f"chmod 600 {display_path(p)}"))
    return found


def copy_problems(folder: Folder) -> list[Problem]:
    """Copied case files and in-folder symlinks: reports count each case once, but say so."""
    from cti_cli.storage.scan import load_all

    copies: list[tuple[Path, Path]] = []
    load_all(folder, copies=copies)
    found = []
    for copy, kept in copies:
        if copy.is_symlink():
            msg = _("{file} is a link to a case file: the case is counted once, as {kept}")
        else:
            msg = _("{file} holds the same case id as {kept}: the case is counted once, "
                    "as {kept}")
        found.append(Problem("D103", msg.format(file=display_path(copy),
                                                kept=display_path(kept)),
                             _("remove {file} (or give it its own id)").format(
                                 file=display_path(copy))))
    for path in misnamed_case_paths(folder):
        found.append(Problem("D104", _("{file} is not read: case files end in .yaml").format(
            file=display_path(path)), _("rename it to {name}").format(
                name=path.with_suffix(".yaml").name)))
    return found


def _remote_urls(root: Path) -> list[tuple[str, str]]:
    env = {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"}
    try:
        done = subprocess.run(["git", "-C", str(root), "remote", "-v"], capture_output=True,
                              text=True, env=env, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return []
    pairs = {(p[0], p[1]) for line in done.stdout.splitlines() if len(p := line.split()) >= 2}
    return sorted(pairs)


def url_host(url: str) -> str:
    """The host of a git URL: https://h/…, ssh://u@h:p/…, or scp-like u@h:path."""
    m = re.match(r"^[a-z][a-z0-9+.-]*://(?:[^@/]*@)?(\[[^\]]+\]|[^/:]+)", url, re.I)
    if m is None:
        m = re.match(r"^(?:[^@/]*@)?([^/:]+):", url)
    return m.group(1).strip("[]").lower() if m else ""


def is_public_host(host: str) -> bool:
    return any(host == h or host.endswith("." + h) for h in PUBLIC_HOSTS)


def git_problems(folder: Folder) -> list[Problem]:
    from cti_cli.team import repo as gitrepo
    from cti_cli.team import run as gitrun

    if not gitrun.git_available():
        return []
    root = gitrun.repo_root(folder.root)
    if root is None:
        return []
    found: list[Problem] = []
    if not gitrepo.merge_driver_installed(root):
        found.append(Problem("D201", _("the cti merge driver is not registered in this clone: "
                                       "git would merge case files line by line and can break "
                                       "them"),
                             _("run `cti init --repair` in this folder")))
    for name, url in _remote_urls(root):
        host = url_host(url)
        if is_public_host(host):
            found.append(Problem("D202", _("remote '{name}' is on {host}, a public hosting "
                                           "service: case data must stay on the "
                                           "municipality's own server").format(name=name,
                                                                              host=host),
                                 _("move the repository to the municipality's git server "
                                   "(reached over SSH) and `git remote remove {name}`").format(
                                     name=name)))
        elif url.startswith("http://"):
            found.append(Problem("D203", _("remote '{name}' uses plain http: case data would "
                                           "travel unencrypted").format(name=name),
                                 _("use an ssh:// or https:// URL")))
    return found + split_problems(folder, root)


def split_problems(folder: Folder, root: Path) -> list[Problem]:
    """A team split in two: from what the last `cti sync` fetched, no network here."""
    from cti_cli.team import run as gitrun
    from cti_cli.team import sync as gitsync

    remotes = gitrun.list_remotes(root)
    where = gitrun.locate(root)
    if not remotes or where.branch is None:
        return []
    config = gitrun.read_config(root, rf"^branch\.{re.escape(where.branch)}\.(remote|merge)$")
    remote = config.get(f"branch.{where.branch}.remote", "")
    if remote not in remotes:
        remote = "origin" if "origin" in remotes else remotes[0]
    merge = config.get(f"branch.{where.branch}.merge", "")
    remote_branch = merge.removeprefix("refs/heads/") if merge else where.branch
    branches = gitsync.remote_branches(root, remote)
    if not branches:
        return []  # never synced: nothing known about the shared repository yet
    inside = folder.root.resolve().relative_to(root.resolve()).as_posix()
    split = gitsync.split_problem(root, remote, where.branch, remote_branch, branches,
                                  "" if inside == "." else inside)
    found = []
    if split:
        found.append(Problem("D204", split, _("do as it says; until then, colleagues do not "
                                              "see each other's changes")))
    elif remote_branch in branches:
        head = gitsync.point_remote_head(root, remote, remote_branch, mend=False)
        if head:  # without mend, only a shared repository on a disk is looked at: sync mends it
            found.append(Problem("D205", head, _("run `cti sync`")))
    return found


def smtp_problems(folder: Folder) -> list[Problem]:
    from cti_cli.core.settings import SmtpSettings
    from cti_cli.mail import pin

    smtp = folder.config.smtp
    if not smtp:
        return []
    found = []
    host = str(smtp.get("host", "")).lower()
    if smtp.get("security") == "none" and host not in LOCAL_HOSTS:
        found.append(Problem("D301", _('[smtp] security = "none" to {host}: reminders would '
                                       "travel unencrypted").format(host=host),
                             _('set security = "starttls" (port 587) or "ssl" (465)')))
    settings = SmtpSettings.model_validate(smtp)  # already checked when cti.toml was read
    ca = pin.cafile_problem(settings, folder.root)
    if ca is not None:
        found.append(Problem("D302", ca, _("move the CA file out of the folder and name its "
                                           "absolute path in [smtp] cafile")))
    refused = next((w for w in pin.warnings(settings, folder.root) if w != ca), None)
    if refused is not None:
        found.append(Problem("D303", refused, _("compare [smtp] with `git log -p cti.toml`; "
                                                "only if the change is right, run "
                                                "`cti mail setup`")))
    return found


def diagnose(folder: Folder) -> list[Problem]:
    """Every problem, in a fixed order: files, git, mail."""
    return [*mode_problems(folder), *copy_problems(folder), *git_problems(folder),
            *smtp_problems(folder)]


def doctor(ctx: Ctx) -> int:
    """Print each problem with its fix; exit 1 when there is any."""
    folder = ctx.folder()
    removed, kept = leftover_temps(folder, time.time())
    for path in removed:
        sys.stdout.write(_("removed {file}: a copy left by an interrupted write more than a day "
                           "ago").format(file=shown(display_path(path))) + "\n")
    problems = diagnose(folder)
    for path in kept:
        problems.append(Problem("D105", _("{file} is a copy left by an interrupted write (or "
                                          "one still running)").format(file=display_path(path)),
                                _("if no cti command is running, delete it; doctor removes it "
                                  "once it is a day old")))
    for p in problems:
        sys.stdout.write(shown(f"{p.code} {p.message}\n  " + _("fix: {hint}").format(hint=p.hint))
                         + "\n")
    if not problems:
        sys.stdout.write(_("no problems found") + "\n")
    return 1 if problems else 0
