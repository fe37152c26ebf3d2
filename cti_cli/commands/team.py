"""Team work over git: `cti sync`, `cti history`, `cti undo` and the merge driver.

Social workers are not git experts: these commands say in plain words (Danish when the team
writes Danish) what came in, what went out, and what to do when two people changed the same
field. The git work itself is in cti_cli.team; this module orchestrates and words it.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Final

from cti_cli.commands.context import Ctx
from cti_cli.core.errors import EXIT_OK, EXIT_USER, CtiError
from cti_cli.core.formats import show_date
from cti_cli.core.safetext import json_text
from cti_cli.locale import _, ngettext, pgettext
from cti_cli.render import terminal as render
from cti_cli.team.repo import missing_driver, wants_driver  # noqa: F401  (used by commands)

if TYPE_CHECKING:
    from cti_cli.storage.store import Folder
    from cti_cli.team.commit import HistoryEntry
    from cti_cli.team.sync import SyncReport

DRIVER_ENV: Final = "CTI_MERGE_DRIVER_CMD"
_PLACEHOLDERS: Final = " %O %A %B %P"

def _push_problem(problem: str | None, detail: str) -> str:
    """Why a push failed, in words (`problem` is sync's id: refused, behind, or other)."""
    if problem == "refused":
        return _("the shared repository refused them ({detail}); ask whoever runs it, then "
                 "run `cti sync` again").format(detail=detail)
    if problem == "behind":
        return _("a colleague shared changes at the same moment")
    return _("git said: {detail}").format(detail=detail)


def driver_command() -> str | None:
    """The merge driver command from $CTI_MERGE_DRIVER_CMD (tests, unusual installs).

    Placeholders are optional: cti_cli.team.repo adds ` %O %A %B %P` itself.
    """
    command = os.environ.get(DRIVER_ENV, "").strip()
    return command.removesuffix(_PLACEHOLDERS.strip()).strip() or None


def no_driver_warning(folder: Folder) -> str:
    """The warning a writing command gives in a clone without the merge driver."""
    return _("this clone has no merge driver: run `cti init --repair` (otherwise two "
             "colleagues' notes on one citizen can conflict)")


def _repo(folder: Folder) -> Path:
    from cti_cli.team.run import repo_root

    root = repo_root(folder.root)
    if root is None:
        raise CtiError(_("{path} is not in a git repository").format(path=folder.root),
                       hint=_("history, undo and sync need git: `git init` the folder, or "
                              "clone the team's shared repository"))
    return root


def _case_id(path: str) -> str:
    return Path(path).stem


def sync_lines(report: SyncReport) -> list[str]:
    """The report in plain words: what came in (case and who), what went out, what to do."""
    from cti_cli.team.merge import COURSE_UNIT

    lines: list[str] = []
    if report.state == "no-remote":
        return [_("This folder has no shared (remote) copy, so there is nothing to sync; "
                  "your changes are committed on this computer.")]
    if report.changed:
        cases = ", ".join(f"{_case_id(c.path)} ({', '.join(c.authors)})" for c in report.changed)
        n = len(report.changed)
        lines.append(ngettext("Received {n} change: {cases}.", "Received {n} changes: {cases}.",
                              n).format(n=n, cases=cases))
    elif report.authors:  # only team files came in (cti.toml, method.yaml, …)
        lines.append(_("Received changes to the team's shared files, not to cases ({authors}).")
                     .format(authors=", ".join(report.authors)))
    elif report.state == "synced":
        lines.append(_("Nothing new from colleagues."))
    for old, new in report.renumbered:
        lines.append(_("Your new case {old} is now {new}: a colleague had created a case for "
                       "another citizen with the same number.").format(old=old, new=new))
    if report.published:
        lines.append(_("The team's folder is now shared (branch {branch}).").format(
            branch=report.published))
        if report.detail:
            lines.append(report.detail)
    if report.state == "synced":
        if report.sent:
            n = report.sent
            lines.append(ngettext("Sent {n} change.", "Sent {n} changes.", n).format(n=n))
    elif report.state == "conflict" and report.conflicts:
        lines.append(_("Sync stopped: you and a colleague changed the same thing:"))
        for conflict in report.conflicts:
            case = _case_id(conflict.path)
            if not conflict.fields:
                lines.append(_("  {case}: the file (see the markers in {path})").format(
                    case=case, path=conflict.path))
            if any(f.path == "citizen" and f.ours == "another citizen" for f in conflict.fields):
                lines.append(_("  {case}: you and a colleague each created a different citizen "
                               "with the same number; nothing was mixed. Give up this sync "
                               "(see below) and run `cti sync` again: your case then gets a "
                               "new number.").format(case=case))
                continue
            if any(f.path in COURSE_UNIT for f in conflict.fields):
                lines.append(_("  {case}: the course was changed in two places at once (e.g. "
                               "moved to the next phase by one and closed by the other). "
                               "Choose one of the two courses: keep one side's phases, closed "
                               "and checklists between the markers, and delete the other "
                               "side's.").format(case=case))
            for field in conflict.fields:
                if field.path in COURSE_UNIT:
                    continue
                lines.append(_("  {case}, field {field}: shared value “{ours}”, your value "
                               "“{theirs}”").format(case=case, field=field.path,
                                                     ours=field.ours, theirs=field.theirs))
        lines += [_("Open the file and find the lines between <<<<<<< and >>>>>>>. Above "
                    "======= is what is already shared; below is your change. Keep the right "
                    "value, delete the marker lines, save, and run `cti sync` again."),
                  _("(To give up this sync instead: git rebase --abort)")]
    elif report.state == "check-failed":
        failing = report.message.splitlines()
        n = sum(1 for x in failing if not x.startswith(" "))
        lines += [ngettext("Nothing was sent: {n} case fails `cti check`, and a case with "
                           "errors must not reach colleagues (it would drop out of reminders):",
                           "Nothing was sent: {n} cases fail `cti check`, and a case with "
                           "errors must not reach colleagues (it would drop out of reminders):",
                           n).format(n=n),
                  *(f"  {x}" for x in failing),
                  _("Fix the errors with `cti edit CASE` (or take the change back with "
                    "`cti undo CASE`), then run `cti sync` again.")]
    elif report.state == "push-failed":
        n = report.unpushed
        why = _push_problem(report.push_problem, report.detail)
        lines += [ngettext("{n} change saved on this computer but not sent: {why}.",
                           "{n} changes saved on this computer but not sent: {why}.",
                           n).format(n=n, why=why)]
        if report.push_problem != "refused":
            lines.append(_("Run `cti sync` again."))
    else:  # blocked, failed, or a conflict git could not name: its own words say what to do
        lines.append(report.message)
    return lines


def _verifier(folder: Folder, root: Path, today: date) -> Callable[[Sequence[str]], str]:
    """What `cti check` says against the case files a sync is about to send ("" when fine)."""

    def verify(relative: Sequence[str]) -> str:
        from cti_cli.commands.checking import collect

        paths = [root / r for r in relative if (root / r).parent == folder.cases_dir]
        lines: list[str] = []
        for path in paths:
            errors = [f for f in collect([path], today) if f.severity == "error"]
            if errors:
                lines.append(path.name)
                lines += [f"  {f.line}:{f.column}: {f.code} {f.message}" for f in errors[:5]]
        return "\n".join(lines)

    return verify


def sync(ctx: Ctx, today: date | None = None) -> int:
    """Pull with rebase through the merge driver, push, and tell what happened.

    What is about to be sent is checked first: a case that fails `cti check` stays here.
    """
    from cti_cli.team import sync as gitsync
    from cti_cli.team.run import has_remote, repo_where

    folder = ctx.folder()
    found = repo_where(folder.root)
    root = found[0] if found else _repo(folder)  # _repo raises the "not in git" error
    if missing_driver(folder.root, root, found[1].git_dir if found else None) \
            and has_remote(root):
        # without the driver git merges case files line by line: two notes become a conflict
        raise CtiError(_("this clone has no merge driver, so cti does not sync"),
                       hint=_("run `cti init --repair` once in this folder, then `cti sync`"))
    inside = folder.root.resolve().relative_to(root.resolve()).as_posix()
    prefix = "" if inside == "." else inside + "/"
    report = gitsync.sync(root, _verifier(folder, root, today or date.today()), prefix.rstrip("/"),
                          team_files=[prefix + "cti.toml", prefix + "method.yaml"],
                          where=found[1] if found else None)
    lines = sync_lines(report)
    from cti_cli.commands.mail import smtp_warnings

    for text in smtp_warnings(folder):  # a pulled cti.toml may name another SMTP server
        render.warn(text)
    if report.ok:
        for text in lines:
            render.line(text)
        return EXIT_OK
    for text in lines:
        render.warn(text)
    return EXIT_USER


def _what(entry: HistoryEntry) -> str:
    """The subject without the leading case id, which the reader already knows."""
    return re.sub(r"^(Undo: )?[A-Za-z0-9_-]+: ", r"\1", entry.subject)


def history(ctx: Ctx, ref: str, *, as_json: bool) -> int:
    """The case's changes from git, newest first, in plain words."""

    from cti_cli.storage import store
    from cti_cli.team import history as githistory

    folder = ctx.folder()
    path = store.case_path(folder, ref)
    root = _repo(folder)
    entries = githistory.history(root, path)
    if as_json:
        data = [{"commit": e.sha, "date": e.date.isoformat(), "author": e.author,
                 "what": _what(e), "subject": e.subject, "trailers": e.trailers}
                for e in entries]
        print(json_text(data))
        return EXIT_OK
    if not entries:
        render.line(_("{case}: no changes in git yet").format(case=path.stem))
        return EXIT_OK
    rows = []
    for e in entries:
        what = _what(e) if e.action else _("{what} (not made by cti)").format(what=_what(e))
        rows.append((f"{show_date(e.date.date())} {e.date:%H:%M}", e.author, what, e.sha[:8]))
    columns = (pgettext("column", "when"), pgettext("column", "who"),
               pgettext("column", "what"), pgettext("column", "commit"))
    from cti_cli.render.layout import Col

    # when, what and the commit are kept; a narrow screen leaves out who before the commit
    fitted = [Col(columns[0]), Col(columns[1], drop=2, wrap=True, min_width=8),
              Col(columns[2], wrap=True, min_width=20), Col(columns[3], drop=1)]
    render.print_table(f"{path.stem}", fitted, rows)
    return EXIT_OK


def undo(ctx: Ctx, ref: str, *, force: bool = False) -> int:
    """Take back cti's last change to the case as a new commit: your own, unshared one."""
    from cti_cli.storage import edit, store
    from cti_cli.team import history as githistory

    folder = ctx.folder()
    path = store.case_path(folder, ref)
    root = _repo(folder)
    with edit.case_lock(folder, path.stem):
        result = githistory.undo(root, path, force=force)
    if not result.ok:
        raise CtiError(_("{case}: nothing was undone: {reason}").format(
            case=path.stem, reason=result.reason))
    assert result.undone is not None and result.sha is not None
    if force:
        foreign, shared = githistory.whose(root, result.undone)
        if foreign or shared:
            render.warn(_("You are taking back a change by {who} from {when} (it was already "
                          "shared or made by a colleague).").format(
                who=result.undone.author,
                when=f"{show_date(result.undone.date.date())} {result.undone.date:%H:%M}"))
    render.line(_("Undone: {what} ({sha})").format(what=result.undone.subject,
                                                  sha=result.sha[:8]))
    return EXIT_OK


def merge_driver(args: Sequence[str]) -> int:
    """Git's merge driver for case files; git passes %O %A %B %P."""
    from cti_cli.team.merge import main

    sys.stdout.flush()
    return main(list(args))
