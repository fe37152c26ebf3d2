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
from cti_cli.core.safetext import json_text
from cti_cli.render import terminal as render
from cti_cli.team.repo import missing_driver, wants_driver  # noqa: F401  (used by commands)

if TYPE_CHECKING:
    from cti_cli.storage.store import Folder
    from cti_cli.team.commit import HistoryEntry
    from cti_cli.team.sync import SyncReport

DRIVER_ENV: Final = "CTI_MERGE_DRIVER_CMD"
_PLACEHOLDERS: Final = " %O %A %B %P"

_TEXTS: Final[dict[str, dict[str, str]]] = {
    "da": {
        "no_driver": "denne klon har ingen merge-driver: kør `cti init --repair` (ellers kan "
                     "to kollegers noter om samme borger give en konflikt)",
        "sync_no_driver": "denne klon har ingen merge-driver, så cti synkroniserer ikke",
        "sync_no_driver_hint": "kør `cti init --repair` én gang i denne mappe, derefter "
                               "`cti sync`",
        "got": "Hentet {n} {changes}: {cases}.",
        "change": "ændring", "changes": "ændringer",
        "nothing_in": "Intet nyt fra kollegerne.",
        "got_other": "Hentet ændringer af holdets fælles filer, ikke af sager ({authors}).",
        "sent": "Sendt {n} {changes}.",
        "conflict_head": "Synkroniseringen stoppede: du og en kollega har ændret det samme:",
        "conflict_field": "  {case}, feltet {field}: delt værdi “{ours}”, din værdi “{theirs}”",
        "conflict_file": "  {case}: filen (se markeringerne i {path})",
        "conflict_todo": "Åbn filen, find linjerne mellem <<<<<<< og >>>>>>>. Over ======= "
                         "står det, der allerede er delt; under står din ændring. Behold den "
                         "rigtige værdi, slet markeringslinjerne, gem, og kør `cti sync` igen.",
        "conflict_abort": "(Vil du opgive denne synkronisering: git rebase --abort)",
        "push_failed": "{n} {changes} er gemt på denne computer, men blev ikke sendt: {why}.",
        "push_refused": "det fælles repository afviste dem ({detail}); kontakt den, der "
                        "driver det, og kør `cti sync` igen bagefter",
        "push_behind": "en kollega delte ændringer i samme øjeblik",
        "push_other": "git svarede: {detail}",
        "again": "Kør `cti sync` igen.",
        "no_remote": "Mappen har ingen fælles (remote) kopi, så der er intet at synkronisere; "
                     "dine ændringer er gemt og committet på denne computer.",
        "undone": "Fortrudt: {what} ({sha})",
        "undone_whose": "Du tager {who}s ændring fra {when} tilbage (den var allerede delt "
                        "eller lavet af en kollega).",
        "no_history": "{case}: ingen ændringer i git endnu",
        "not_by_cti": " (ikke lavet af cti)",
        "check_failed": "Intet blev sendt: {n} sag(er) består ikke `cti check`, og en sag med "
                        "fejl må ikke nå kollegerne (den ville falde ud af påmindelserne):",
        "check_todo": "Ret fejlene med `cti edit SAG` (eller tag ændringen tilbage med "
                      "`cti undo SAG`), og kør `cti sync` igen.",
        "published": "Holdets mappe er nu delt (gren {branch}).",
        "renumbered": "Din nye sag {old} hedder nu {new}: en kollega havde oprettet en sag "
                      "om en anden borger med samme nummer.",
        "course_clash": "  {case}: forløbet blev ændret to steder på én gang (fx rykket til "
                        "næste fase hos den ene og lukket hos den anden). Vælg ét af de to "
                        "forløb: behold den ene sides phases, closed og checklists mellem "
                        "markeringerne, og slet den anden sides.",
        "two_citizens": "  {case}: du og en kollega har oprettet hver jeres borger med samme "
                        "nummer; intet er blandet. Opgiv denne synkronisering (se nederst) og "
                        "kør `cti sync` igen: så får din sag et nyt nummer.",
    },
    "en": {
        "no_driver": "this clone has no merge driver: run `cti init --repair` (otherwise two "
                     "colleagues' notes on one citizen can conflict)",
        "sync_no_driver": "this clone has no merge driver, so cti does not sync",
        "sync_no_driver_hint": "run `cti init --repair` once in this folder, then `cti sync`",
        "got": "Received {n} {changes}: {cases}.",
        "change": "change", "changes": "changes",
        "nothing_in": "Nothing new from colleagues.",
        "got_other": "Received changes to the team's shared files, not to cases ({authors}).",
        "sent": "Sent {n} {changes}.",
        "conflict_head": "Sync stopped: you and a colleague changed the same thing:",
        "conflict_field": "  {case}, field {field}: shared value “{ours}”, your value "
                          "“{theirs}”",
        "conflict_file": "  {case}: the file (see the markers in {path})",
        "conflict_todo": "Open the file and find the lines between <<<<<<< and >>>>>>>. Above "
                         "======= is what is already shared; below is your change. Keep the "
                         "right value, delete the marker lines, save, and run `cti sync` again.",
        "conflict_abort": "(To give up this sync instead: git rebase --abort)",
        "push_failed": "{n} {changes} saved on this computer but not sent: {why}.",
        "push_refused": "the shared repository refused them ({detail}); ask whoever runs it, "
                        "then run `cti sync` again",
        "push_behind": "a colleague shared changes at the same moment",
        "push_other": "git said: {detail}",
        "again": "Run `cti sync` again.",
        "no_remote": "This folder has no shared (remote) copy, so there is nothing to sync; "
                     "your changes are committed on this computer.",
        "undone": "Undone: {what} ({sha})",
        "undone_whose": "You are taking back a change by {who} from {when} (it was already "
                        "shared or made by a colleague).",
        "no_history": "{case}: no changes in git yet",
        "not_by_cti": " (not made by cti)",
        "check_failed": "Nothing was sent: {n} case(s) fail `cti check`, and a case with errors "
                        "must not reach colleagues (it would drop out of reminders):",
        "check_todo": "Fix the errors with `cti edit CASE` (or take the change back with "
                      "`cti undo CASE`), then run `cti sync` again.",
        "published": "The team's folder is now shared (branch {branch}).",
        "renumbered": "Your new case {old} is now {new}: a colleague had created a case for "
                      "another citizen with the same number.",
        "course_clash": "  {case}: the course was changed in two places at once (e.g. moved to "
                        "the next phase by one and closed by the other). Choose one of the two "
                        "courses: keep one side's phases, closed and checklists between the "
                        "markers, and delete the other side's.",
        "two_citizens": "  {case}: you and a colleague each created a different citizen with "
                        "the same number; nothing was mixed. Give up this sync (see below) and "
                        "run `cti sync` again: your case then gets a new number.",
    },
}


def _words(folder: Folder) -> dict[str, str]:
    return _TEXTS[folder.config.team.language]


def driver_command() -> str | None:
    """The merge driver command from $CTI_MERGE_DRIVER_CMD (tests, unusual installs).

    Placeholders are optional: cti_cli.team.repo adds ` %O %A %B %P` itself.
    """
    command = os.environ.get(DRIVER_ENV, "").strip()
    return command.removesuffix(_PLACEHOLDERS.strip()).strip() or None


def no_driver_warning(folder: Folder) -> str:
    return _words(folder)["no_driver"]


def _repo(folder: Folder) -> Path:
    from cti_cli.team.run import repo_root

    root = repo_root(folder.root)
    if root is None:
        raise CtiError(f"{folder.root} is not in a git repository",
                       hint="history, undo and sync need git: `git init` the folder, or "
                       "clone the team's shared repository")
    return root


def _case_id(path: str) -> str:
    return Path(path).stem


def _plural(n: int, w: dict[str, str]) -> str:
    return w["change"] if n == 1 else w["changes"]


def sync_lines(report: SyncReport, w: dict[str, str]) -> list[str]:
    """The report in plain words: what came in (case and who), what went out, what to do."""
    from cti_cli.team.merge import COURSE_UNIT

    lines: list[str] = []
    if report.state == "no-remote":
        return [w["no_remote"]]
    if report.changed:
        cases = ", ".join(f"{_case_id(c.path)} ({', '.join(c.authors)})" for c in report.changed)
        n = len(report.changed)
        lines.append(w["got"].format(n=n, changes=_plural(n, w), cases=cases))
    elif report.authors:  # only team files came in (cti.toml, method.yaml, …)
        lines.append(w["got_other"].format(authors=", ".join(report.authors)))
    elif report.state == "synced":
        lines.append(w["nothing_in"])
    for old, new in report.renumbered:
        lines.append(w["renumbered"].format(old=old, new=new))
    if report.published:
        lines.append(w["published"].format(branch=report.published))
        if report.detail:
            lines.append(report.detail)
    if report.state == "synced":
        sent = re.search(r"Sent (\d+) change", report.message)
        if sent:
            n = int(sent.group(1))
            lines.append(w["sent"].format(n=n, changes=_plural(n, w)))
    elif report.state == "conflict" and report.conflicts:
        lines.append(w["conflict_head"])
        for conflict in report.conflicts:
            case = _case_id(conflict.path)
            if not conflict.fields:
                lines.append(w["conflict_file"].format(case=case, path=conflict.path))
            if any(f.path == "citizen" and f.ours == "another citizen" for f in conflict.fields):
                lines.append(w["two_citizens"].format(case=case))
                continue
            if any(f.path in COURSE_UNIT for f in conflict.fields):
                lines.append(w["course_clash"].format(case=case))
            for field in conflict.fields:
                if field.path in COURSE_UNIT:
                    continue
                lines.append(w["conflict_field"].format(case=case, field=field.path,
                                                        ours=field.ours, theirs=field.theirs))
        lines += [w["conflict_todo"], w["conflict_abort"]]
    elif report.state == "check-failed":
        failing = report.message.splitlines()
        lines += [w["check_failed"].format(n=sum(1 for x in failing if not x.startswith(" "))),
                  *(f"  {x}" for x in failing), w["check_todo"]]
    elif report.state == "push-failed":
        n = report.unpushed
        why = w[f"push_{report.push_problem or 'other'}"].format(detail=report.detail)
        lines += [w["push_failed"].format(n=n, changes=_plural(n, w), why=why)]
        if report.push_problem != "refused":
            lines.append(w["again"])
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
    from cti_cli.team.run import has_remote, repo_and_git_dir

    folder = ctx.folder()
    found = repo_and_git_dir(folder.root)
    root = found[0] if found else _repo(folder)  # _repo raises the "not in git" error
    w = _words(folder)
    if missing_driver(folder.root, root, found[1] if found else None) and has_remote(root):
        # without the driver git merges case files line by line: two notes become a conflict
        raise CtiError(w["sync_no_driver"], hint=w["sync_no_driver_hint"])
    inside = folder.root.resolve().relative_to(root.resolve()).as_posix()
    prefix = "" if inside == "." else inside + "/"
    report = gitsync.sync(root, _verifier(folder, root, today or date.today()), prefix.rstrip("/"),
                          team_files=[prefix + "cti.toml", prefix + "method.yaml"])
    lines = sync_lines(report, w)
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
    w = _words(folder)
    if as_json:
        data = [{"commit": e.sha, "date": e.date.isoformat(), "author": e.author,
                 "what": _what(e), "subject": e.subject, "trailers": e.trailers}
                for e in entries]
        print(json_text(data))
        return EXIT_OK
    if not entries:
        render.line(w["no_history"].format(case=path.stem))
        return EXIT_OK
    rows = []
    for e in entries:
        what = _what(e) + ("" if e.action else w["not_by_cti"])
        rows.append((e.date.strftime("%Y-%m-%d %H:%M"), e.author, what, e.sha[:8]))
    columns = (("når", "hvem", "hvad", "commit") if folder.config.team.language == "da"
               else ("when", "who", "what", "commit"))
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
        raise CtiError(f"{path.stem}: nothing was undone: {result.reason}")
    assert result.undone is not None and result.sha is not None
    w = _words(folder)
    if force:
        foreign, shared = githistory.whose(root, result.undone)
        if foreign or shared:
            render.warn(w["undone_whose"].format(
                who=result.undone.author, when=result.undone.date.strftime("%Y-%m-%d %H:%M")))
    render.line(w["undone"].format(what=result.undone.subject, sha=result.sha[:8]))
    return EXIT_OK


def merge_driver(args: Sequence[str]) -> int:
    """Git's merge driver for case files; git passes %O %A %B %P."""
    from cti_cli.team.merge import main

    sys.stdout.flush()
    return main(list(args))
