"""Sync: pull colleagues' commits (rebasing ours on top, through the merge driver), then push."""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

from cti_cli.locale import _, ngettext
from cti_cli.storage.yamlread import has_conflict_markers
from cti_cli.team.commit import commit_paths
from cti_cli.team.merge import Conflict, MergeError, TwoCitizens, merge_texts, parses
from cti_cli.team.run import (
    CASE_FILE,
    GitError,
    Where,
    git,
    git_path,
    locate,
    nul_list,
    operation_in_progress,
    output,
    read_config,
    rev,
    stdout_text,
)

__all__ = [
    "CaseConflict",
    "ChangedCase",
    "SyncReport",
    "SyncState",
    "Verify",
    "point_remote_head",
    "remote_branches",
    "remote_url",
    "split_problem",
    "sync",
    "team_branches",
]

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


SyncState = Literal["no-remote", "synced", "push-failed", "conflict", "blocked", "failed",
                    "split", "check-failed"]


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
    published: str = ""  # the branch a first sync created on an empty shared repository
    renumbered: list[tuple[str, str]] = field(default_factory=list)  # (old id, new id)
    sent: int = 0  # commits a successful push sent

    @property
    def ok(self) -> bool:
        return self.state in ("no-remote", "synced")


_SYNC_CONFIG: Final = r"^(remote\..*\.url|branch\..*\.(remote|merge))$"


def _upstream(branch: str, config: dict[str, str], remotes: Sequence[str]) -> tuple[str, str]:
    """(remote, branch there): the configured upstream, else origin (or the only remote)."""
    remote = config.get(f"branch.{branch}.remote", "")
    merge = config.get(f"branch.{branch}.merge", "")
    if remote in remotes and merge.startswith("refs/heads/"):
        return remote, merge.removeprefix("refs/heads/")
    return ("origin" if "origin" in remotes else remotes[0]), branch


def _remotes_of(config: dict[str, str]) -> list[str]:
    names = [k.removeprefix("remote.").removesuffix(".url") for k in config
             if k.startswith("remote.") and k.endswith(".url")]
    return sorted(set(names))


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
            except TwoCitizens:
                fields = [Conflict("citizen", "another citizen", "another citizen")]
            except MergeError:
                fields = []
        found.append(CaseConflict(relative, fields))
    return found


def _conflict_report(root: Path, remote: str, still: bool = False) -> SyncReport:
    conflicts = _case_conflicts(root)
    lines = []
    for conflict in conflicts:
        names = ", ".join(f.path for f in conflict.fields) or _("the file")
        lines.append(f"  {conflict.path}: {names}")
    opening = (
        _("These files still have conflict markers:")
        if still
        else _("Sync stopped: you and a colleague changed the same thing in:")
    )
    message = "\n".join(
        [
            opening,
            *lines,
            _("Open each file and find the lines between <<<<<<< and >>>>>>>. The part above "
              "======= is what is already shared, the part below is your change. Keep the "
              "right value, delete the marker lines, save, and run cti sync again."),
            _("(To give up this sync instead: git rebase --abort)"),
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


Verify = Callable[[Sequence[str]], str]
"""Given the repo-relative case files a push would send, the reason not to send them, or ""."""


def _finish(root: Path, remote: str, branch: str, old_head: str | None,
            verify: Verify | None = None, *,
            known: tuple[str | None, str | None, int] | None = None,
            upstream_set: bool | None = None) -> SyncReport:
    """After the pull: report what came in (upstream commits old HEAD lacked), then push.

    `known` is (HEAD, upstream, commits ahead) when the caller already knows them, which
    spares three git processes on the common path.
    """
    tracking = f"refs/remotes/{remote}/{branch}"
    if known is not None:
        new_head, new_upstream, ahead = known
    else:
        new_head = rev(root, "HEAD")
        new_upstream = rev(root, tracking)
        ahead = -1
    changed: list[ChangedCase] = []
    authors: list[str] = []
    if new_head and new_upstream and new_head != old_head:
        # Files the incoming commits touched, not the tree diff: a colleague's change that
        # this sync's conflict resolution overrode still counts as a change to that case.
        authors, per_file = _authors(root, [new_upstream, *([f"^{old_head}"] if old_head else [])])
        changed = [ChangedCase(n, a) for n, a in per_file.items() if CASE_FILE.search(n)]
    if new_head is None:
        return SyncReport("synced", "Nothing to share yet.", remote, changed, authors, True)
    if ahead < 0:
        ahead_range = f"{new_upstream}..HEAD" if new_upstream else "HEAD"
        ahead = int(stdout_text(git(root, "rev-list", "--count", ahead_range)).strip())
    if ahead == 0:
        return SyncReport("synced", "Up to date.", remote, changed, authors, True)
    if verify is not None:
        sending = nul_list(git(root, "diff", "--name-only", "-z", "--diff-filter=AMR",
                               new_upstream, "HEAD")) if new_upstream else \
            nul_list(git(root, "ls-files", "-z"))
        refused = verify([n for n in sending if CASE_FILE.search(n)])
        if refused:
            return SyncReport("check-failed", refused, remote, changed, authors, False, ahead)
    push = ["push", "--porcelain", remote, f"HEAD:refs/heads/{branch}"]
    if upstream_set is None:
        upstream_set = git(root, "config", "--get", f"branch.{branch}.remote",
                           check=False).returncode == 0
    if not upstream_set:
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
            why = (_("the shared repository refused them ({detail})").format(detail=detail)
                   if detail else _("the shared repository refused them"))
        elif re.search(r"\[rejected\]|non-fast-forward", text):
            problem, why = "behind", _("a colleague shared changes a moment ago")
        else:
            problem, detail = "other", output(done, lines=4)
            why = _("git said: {detail}").format(detail=detail)
        message = ngettext(
            "Your {n} change is saved on this computer but was not sent: {why}. "
            "Run cti sync again.",
            "Your {n} changes are saved on this computer but were not sent: {why}. "
            "Run cti sync again.", ahead).format(n=ahead, why=why)
        return SyncReport("push-failed", message, remote, changed, authors, False, ahead,
                          push_problem=problem, detail=detail)
    return SyncReport("synced", f"Sent {ahead} change(s).", remote, changed, authors, True,
                      sent=ahead)


def _read_state(root: Path) -> tuple[str, str, str | None] | None:
    state = git_path(root, _SYNC_STATE)
    if not state.exists():
        return None
    remote, branch, old_head = [*state.read_text(encoding="utf-8").split("\n"), "", ""][:3]
    return remote, branch, old_head or None


def _continue_sync(root: Path, verify: Verify | None = None) -> SyncReport:
    """After the user resolved a stopped sync: stage the files and continue the rebase."""
    saved = _read_state(root)
    if saved is None:
        return SyncReport(
            "blocked",
            _("git is in the middle of a rebase that cti did not start. Finish it with "
              "git rebase --continue, or cancel it with git rebase --abort, then sync again."),
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
            _("Not valid YAML after the edit: {files}. Fix it and run cti sync again.").format(
                files=", ".join(invalid)),
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
        return SyncReport("failed", _("git rebase stopped:\n{output}").format(
            output=output(done)), remote)
    if done.returncode != 0:
        return SyncReport("failed", _("git rebase failed:\n{output}").format(
            output=output(done)), remote)
    git_path(root, _SYNC_STATE).unlink(missing_ok=True)
    return _finish(root, remote, branch, old_head, verify)


def _valid_yaml(file: Path) -> bool:
    try:
        return not file.exists() or parses(file.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return False


def remote_branches(root: Path, remote: str) -> dict[str, str]:
    """Branch name → sha of what the last fetch saw on `remote` (one `for-each-ref`)."""
    prefix = f"refs/remotes/{remote}/"
    done = git(root, "for-each-ref", "--format=%(refname)%00%(objectname)%00%(symref)", prefix)
    found: dict[str, str] = {}
    for line in stdout_text(done).splitlines():
        name, sha, symref = [*line.split("\0"), "", ""][:3]
        if not symref:  # refs/remotes/origin/HEAD only points at another branch
            found[name.removeprefix(prefix)] = sha
    return found


def team_branches(root: Path, branches: dict[str, str], folder: str = "") -> list[str]:
    """The remote branches that hold a case folder (a `cti.toml`) where ours lies."""
    config = f"{folder}/cti.toml" if folder else "cti.toml"
    return [name for name, sha in sorted(branches.items())
            if git(root, "cat-file", "-e", f"{sha}:{config}", check=False).returncode == 0]


def split_problem(root: Path, remote: str, branch: str, remote_branch: str,
                  branches: dict[str, str], folder: str = "") -> str:
    """Plain words for a shared repository that holds the team somewhere else, or "".

    A split is two folders that each think they are the team: the remote has no branch of
    ours but keeps a case folder on another, or ours shares no history with the remote's
    (a second `cti init`), or the remote keeps case folders on more branches than ours.
    """
    others = team_branches(root, {k: v for k, v in branches.items() if k != remote_branch},
                            folder)
    url = remote_url(root, remote)
    rejoin = _("If this folder was made by mistake, move it aside and join the team with: "
               "cti join {url} FOLDER").format(url=url)
    if remote_branch not in branches:
        if not others:
            return ""
        return _("The shared repository ({url}) keeps the team's case folder on branch "
                 "{others}, but this folder is on {branch}, which the shared repository does "
                 "not have: you are not working in the same folder as your colleagues. "
                 "Nothing was sent, so no second team was made. {rejoin}").format(
            url=url, others=", ".join(repr(o) for o in others), branch=repr(branch),
            rejoin=rejoin)
    ours = branches[remote_branch]
    if git(root, "merge-base", "HEAD", ours, check=False).returncode == 1 and rev(root, "HEAD"):
        return _("The shared repository ({url}) holds a different case folder (made by "
                 "another `cti init`) on branch {branch}: the two have nothing in common, and "
                 "mixing them would mix two teams. Nothing was sent. {rejoin}; your cases "
                 "here stay in the moved folder.").format(url=url, branch=repr(remote_branch),
                                                           rejoin=rejoin)
    if others:
        return _("The shared repository ({url}) also keeps a case folder on branch "
                 "{others} besides the team's {branch}: whoever works there does not see "
                 "your changes, and you do not see theirs. They should move their folder "
                 "aside and join with: cti join {url} FOLDER (with --branch {name}), then "
                 "redo their changes there.").format(
            url=url, others=", ".join(repr(o) for o in others), branch=repr(remote_branch),
            name=remote_branch)
    return ""


def remote_url(root: Path, remote: str) -> str:
    done = git(root, "remote", "get-url", remote, check=False)
    return stdout_text(done).strip() or remote


def _local_bare(url: str) -> Path | None:
    """The folder of a shared repository given as a path (or file:// URL), if it is one."""
    if re.match(r"^[\w+.-]+://", url) and not url.startswith("file://"):
        return None
    if re.match(r"^[^/]+@[^/]+:|^[^/:]{2,}:[^/]", url):  # scp-like ssh: host:path
        return None
    path = Path(url.removeprefix("file://")).expanduser()
    return path if (path / "HEAD").is_file() and (path / "objects").is_dir() else None


def point_remote_head(root: Path, remote: str, branch: str, mend: bool = True) -> str:
    """Make the shared repository name `branch` as its default branch; "" when it does.

    A clone checks out the branch the shared repository's HEAD names; when that branch does
    not exist (a bare repository made with git's default `master`, a team on `main`), every
    new clone comes out empty. A repository on a disk or share is mended directly (with
    `mend`); for a hosted one the words returned say what to change there.
    """
    url = remote_url(root, remote)
    bare = _local_bare(url)
    if bare is not None:
        head = (bare / "HEAD").read_text("utf-8", "replace").strip()
        if head == f"ref: refs/heads/{branch}":
            return ""
        if mend:
            git(root, "--git-dir", str(bare), "symbolic-ref", "HEAD", f"refs/heads/{branch}",
                check=False)
            return ""
        named = head.removeprefix("ref: refs/heads/")
        return _("the shared repository {url} names {named} as its default branch, but the "
                 "team works on {branch}: new colleagues would get an empty folder (a sync "
                 "mends this)").format(url=url, named=repr(named), branch=repr(branch))
    if not mend:  # no network for a look only (doctor)
        return ""
    done = git(root, "ls-remote", "--symref", remote, "HEAD", check=False)
    match = re.search(r"^ref: refs/heads/(\S+)\s+HEAD", stdout_text(done), re.MULTILINE)
    if done.returncode == 0 and match and match.group(1) != branch:
        return _("the shared repository's default branch is {named}, but the team works on "
                 "{branch}: set the default branch to {branch} in the hosting service's "
                 "settings, or new colleagues get an empty folder").format(
            named=repr(match.group(1)), branch=repr(branch))
    return ""


def _renumber_clashes(root: Path, tracking: str, branch: str) -> list[tuple[str, str]]:
    """Give our new cases a free id where a colleague's new case (another citizen) took it.

    Two workers offline both ran `cti new` and got the same id. Our commits are not shared
    yet, so they are rewritten before the rebase as if our case had had the next free id
    all along (file, `id:`, commit subjects and `Case:` trailers); a rebase could not do
    it later without replaying our notes onto the colleague's citizen.
    """
    base = stdout_text(git(root, "merge-base", "HEAD", tracking, check=False)).strip()
    if not base:
        return []
    added = ("diff", "--name-only", "-z", "--diff-filter=A", base)
    mine = [p for p in nul_list(git(root, *added, "HEAD")) if CASE_FILE.search(p)]
    if not mine:
        return []
    theirs = set(nul_list(git(root, *added, tracking)))
    clashes = []
    for path in (p for p in mine if p in theirs):
        ours_text = stdout_text(git(root, "show", f"{tracking}:{path}", check=False))
        my_text = stdout_text(git(root, "show", f"HEAD:{path}", check=False))
        try:
            merge_texts("", ours_text, my_text)
        except TwoCitizens:
            clashes.append(path)
        except MergeError:
            continue
    if not clashes:
        return []
    taken: set[str] = set()
    for ref in ("HEAD", tracking):
        names = nul_list(git(root, "ls-tree", "-z", "--name-only", ref, "--",
                             *{str(Path(p).parent) + "/" for p in clashes}))
        taken |= {Path(n).stem for n in names}
    mapping: list[tuple[str, str, str]] = []
    for path in clashes:
        old = Path(path).stem
        year, _, number = old.partition("-")
        width = max(len(number), 3)
        numbers = [int(t.partition("-")[2]) for t in taken
                   if t.startswith(f"{year}-") and t.partition("-")[2].isdigit()]
        new = f"{year}-{max(numbers, default=0) + 1:0{width}d}"
        taken.add(new)
        mapping.append((path, old, new))
    steps = []
    for path, old, new in mapping:
        renamed = str(Path(path).with_name(new + ".yaml"))
        expr = r"s/^id:\(.*\)" + old + r"/id:\1" + new + "/"
        steps.append(f"if [ -f {shlex.quote(path)} ]; then sed -i {shlex.quote(expr)} "
                     f"{shlex.quote(path)} && mv {shlex.quote(path)} {shlex.quote(renamed)}; fi")
    tree = "; ".join(steps)
    message = "sed " + " ".join(f"-e {shlex.quote(f's/{old}/{new}/g')}" for _, old, new in mapping)
    done = git(root, "filter-branch", "-f", "--tree-filter", tree, "--msg-filter", message,
               "--", f"{base}..HEAD", check=False, env={"FILTER_BRANCH_SQUELCH_WARNING": "1"})
    git(root, "update-ref", "-d", f"refs/original/refs/heads/{branch}", check=False)
    if done.returncode != 0:
        raise GitError(f"could not give the new case a free id: {output(done)}")
    return [(old, new) for _, old, new in mapping]


def sync(repo_root: str | os.PathLike[str], verify: Verify | None = None,
         folder: str = "", team_files: Sequence[str] = (), *,
         where: Where | None = None) -> SyncReport:
    """Pull colleagues' commits (rebasing ours on top, through the merge driver), then push.

    Never raises for the expected outcomes (no remote, offline, rejected push, conflict,
    a split): the report says what happened and what to do. A conflict leaves the rebase
    stopped; calling sync again after fixing the files continues it. `verify` may refuse
    to send case files (e.g. ones that fail `cti check`); `folder` is the case folder's
    path inside the repository; changed `team_files` (repo-relative: cti.toml, method.yaml)
    are committed first, so a team edits its settings without git. One fetch; with nothing
    to do, five git processes in all (`where`, when the caller has it from `repo_where`,
    spares one more): rev-parse, config, status, fetch, for-each-ref.
    """
    root = Path(repo_root)
    where = where if where is not None else locate(root)
    busy = operation_in_progress(root, where.git_dir)
    if busy == "rebase":
        return _continue_sync(root, verify)
    config = read_config(root, _SYNC_CONFIG)
    remotes = _remotes_of(config)
    if not remotes:
        return SyncReport(
            "no-remote",
            _("This folder has no shared (remote) repository, so there is nothing to sync; "
              "your changes are committed on this computer."),
        )
    branch = where.branch
    if busy or branch is None:
        # TRANSLATORS: {operation} is git's word: rebase, merge, cherry-pick, revert, bisect
        why = (_("git is in the middle of a {operation}").format(operation=busy) if busy
               else _("git is not on a branch"))
        return SyncReport("blocked", _("Cannot sync: {why}. Finish that first.").format(why=why))
    remote, remote_branch = _upstream(branch, config, remotes)
    dirty = _dirty_tracked(root)
    if dirty and set(dirty) <= set(team_files):
        done = commit_paths(root, dirty, "team settings changed", {"Cti-Action": "settings"})
        if not done.ok:
            return SyncReport("blocked", _("Cannot sync: {files} changed but could not be "
                                           "committed: {reason}").format(
                files=", ".join(dirty), reason=done.reason), remote)
        where, dirty = locate(root), []
    if dirty:
        return SyncReport(
            "blocked",
            _("Cannot sync while these files have changes that are not committed: "
              "{files}. Commit or discard them, then sync again.").format(
                files=", ".join(dirty)),
            remote,
        )
    old_head = where.head
    fetched = git(root, "fetch", "--quiet", remote, check=False)
    if fetched.returncode != 0:
        return SyncReport(
            "failed",
            _("Could not reach {remote}: {output}\nYour changes are safe on this computer; "
              "sync again when online.").format(remote=repr(remote),
                                                output=output(fetched, lines=3)),
            remote,
        )
    upstream_set = f"branch.{branch}.remote" in config
    branches = remote_branches(root, remote)
    tracking = branches.get(remote_branch)
    if tracking is None or len(branches) > 1:
        split = split_problem(root, remote, branch, remote_branch, branches, folder)
        if split:
            return SyncReport("split", split, remote)
    if tracking is None:  # an empty shared repository: this sync publishes the folder
        report = _finish(root, remote, remote_branch, old_head, verify, upstream_set=False)
        if report.pushed and old_head is not None:
            advice = point_remote_head(root, remote, remote_branch)
            return SyncReport(report.state, report.message, remote, pushed=True,
                              published=remote_branch, detail=advice, sent=report.sent)
        return report
    if old_head is None:  # a clone of an empty repository that a colleague filled since
        git(root, "reset", "--quiet", "--keep", tracking, check=False)
        return _finish(root, remote, remote_branch, old_head, verify,
                       upstream_set=upstream_set)
    if tracking == old_head:  # the shared branch is where we stand: nothing to pull or send
        return _finish(root, remote, remote_branch, old_head, verify,
                       known=(old_head, tracking, 0), upstream_set=upstream_set)
    counted = git(root, "rev-list", "--left-right", "--count", f"HEAD...{tracking}")
    ahead, behind = (int(n) for n in stdout_text(counted).split())
    if behind == 0:
        return _finish(root, remote, remote_branch, old_head, verify,
                       known=(old_head, tracking, ahead), upstream_set=upstream_set)
    if ahead and len(branches) == 1:  # diverged: from the same folder at all?
        split = split_problem(root, remote, branch, remote_branch, branches, folder)
        if split:
            return SyncReport("split", split, remote)
    renumbered = _renumber_clashes(root, tracking, branch) if ahead else []
    if renumbered:
        report = sync(root, verify, folder, team_files)
        return SyncReport(report.state, report.message, report.remote, report.changed,
                          report.authors, report.pushed, report.unpushed, report.conflicts,
                          report.push_problem, report.detail, report.published, renumbered,
                          report.sent)
    rebased = git(root, "rebase", "--quiet", tracking, check=False,
                  env={"GIT_EDITOR": "true", "GIT_REFLOG_ACTION": "cti sync"})
    if rebased.returncode != 0:
        if operation_in_progress(root, where.git_dir) == "rebase":
            state = "\n".join([remote, remote_branch, old_head or ""])
            (where.git_dir / _SYNC_STATE).write_text(state, encoding="utf-8")
            if _unmerged(root):
                return _conflict_report(root, remote)
            return SyncReport(
                "failed",
                _("git stopped the sync:\n{output}\nRun cti sync again to go on, or cancel "
                  "with: git rebase --abort").format(output=output(rebased)),
                remote,
            )
        return SyncReport("failed", _("git rebase failed:\n{output}").format(
            output=output(rebased)), remote)
    if ahead == 0:  # a fast-forward: HEAD is now the shared commit, nothing to send
        return _finish(root, remote, remote_branch, old_head, verify, upstream_set=upstream_set,
                       known=(tracking, tracking, 0))
    return _finish(root, remote, remote_branch, old_head, verify, upstream_set=upstream_set)
