"""`cti purge`: remove closed cases past the retention period (GDPR art. 5(1)(e)).

The ids go to `cases/.retired` first, so they are never given out again even if the
command stops half-way; then the files go, and the removal is committed. A deleted file
stays in git history and in every clone: we print the administrator's steps to rewrite
history, which cti does not do itself (it needs every colleague to re-clone).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dateutil.relativedelta import relativedelta

from cti_cli.commands.context import Ctx, progress_bar
from cti_cli.core.errors import UsageError
from cti_cli.core.safetext import shown
from cti_cli.locale import _, ngettext, pgettext
from cti_cli.render import terminal as render
from cti_cli.storage import cache, edit, scan, store


@dataclass(frozen=True)
class Expired:
    case_id: str
    closed: date
    path: Path


def parse_period(text: str) -> relativedelta:
    """`5y`, `18m` or `90d`."""
    m = re.fullmatch(r"\s*(\d{1,3})\s*([ymd])\s*", text)
    if m is None:
        raise UsageError(_("--older-than {value} is not a period").format(value=repr(text)),
                         hint=_("write a number and y, m or d, e.g. 5y or 18m"))
    n, unit = int(m.group(1)), m.group(2)
    return relativedelta(**{{"y": "years", "m": "months", "d": "days"}[unit]: n})


def expired(entries: list[scan.Entry], cutoff: date) -> list[Expired]:
    """Closed cases whose closing date lies before `cutoff` (pure)."""
    out = [Expired(e.facts.id, e.facts.closed_date, e.path) for e in entries
           if e.facts is not None and e.facts.closed_date is not None
           and e.facts.closed_date < cutoff]
    return sorted(out, key=lambda x: (x.closed, x.case_id))


def history_steps(paths: list[str]) -> str:
    joined = " ".join(f"--path {p}" for p in paths)
    return _(
        "The files are gone from the folder, but git history still holds them. To remove them\n"
        "there too, the repository's administrator must (with a backup made first):\n"
        "  1. git filter-repo --invert-paths {paths}\n"
        "  2. force-push the rewritten history to the municipality's git server\n"
        "  3. have every colleague delete their clone and clone again (an old clone still\n"
        "     holds the data and would push it back), and purge backups per local policy.\n"
    ).format(paths=joined)


def purge(ctx: Ctx, *, closed_before: date | None, older_than: str | None, today: date,
          dry_run: bool, yes: bool) -> int:
    folder = ctx.folder()
    if closed_before is not None and older_than is not None:
        raise UsageError(_("give --closed-before or --older-than, not both"))
    if closed_before is not None:
        cutoff = closed_before
    else:
        period = (parse_period(older_than) if older_than
                  else relativedelta(years=folder.config.team.retention_years))
        cutoff = today - period
    entries = scan.load_all(folder, progress=progress_bar)
    unreadable = [e for e in entries if e.facts is None]
    found = expired(entries, cutoff)
    if unreadable:
        n = len(unreadable)
        render.warn(ngettext("{n} case file could not be read and is not considered: run "
                             "`cti check`",
                             "{n} case files could not be read and are not considered: run "
                             "`cti check`", n).format(n=n))
    if not found:
        render.line(_("no closed case closed before {date}").format(date=cutoff))
        return 0
    from cti_cli.render.layout import Col

    render.print_table(ngettext("{n} closed case closed before {date}",
                                "{n} closed cases closed before {date}",
                                len(found)).format(n=len(found), date=cutoff),
                       [Col(pgettext("column", "case")), Col(pgettext("column", "closed"))],
                       [[x.case_id, x.closed] for x in found])
    if dry_run:
        return 0
    if not yes:
        sys.stdout.write(ngettext("Delete this {n} case file? [y/N] ",
                                  "Delete these {n} case files? [y/N] ",
                                  len(found)).format(n=len(found)))
        sys.stdout.flush()
        answer = sys.stdin.readline().strip().lower()
        if answer not in ("y", "yes", "j", "ja"):
            render.line(_("nothing deleted"))
            return 1
    retired = folder.cases_dir / store.RETIRED
    old = retired.read_text("utf-8") if retired.is_file() else ""
    if old and not old.endswith("\n"):
        old += "\n"
    edit.atomic_write(retired, old + "".join(f"{x.case_id}\n" for x in found))
    for x in found:
        x.path.unlink(missing_ok=True)
    cache.forget(folder.state_dir, [x.case_id for x in found])
    rel = [f"{store.CASES_DIR}/{x.path.name}" for x in found]
    _commit(ctx, folder, [*(x.path for x in found), retired], len(found))
    render.line(ngettext("deleted {n} case file; its id is retired in {file}",
                         "deleted {n} case files; their ids are retired in {file}",
                         len(found)).format(n=len(found),
                                            file=f"{store.CASES_DIR}/{store.RETIRED}"))
    sys.stdout.write("\n" + shown(history_steps(rel)))
    return 0


def _commit(ctx: Ctx, folder: store.Folder, paths: list[Path], n: int) -> None:
    if ctx.no_commit or not folder.config.team.commit:
        return
    from cti_cli.team.commit import commit_paths
    from cti_cli.team.run import repo_root

    root = repo_root(folder.root)
    if root is None:
        return
    result = commit_paths(root, paths, f"purge: {n} closed case(s) past retention",
                                 {"Cti-Action": "purge",
                                  "Cases": " ".join(p.stem for p in paths[:-1])})
    if not result.ok:
        render.warn(_("deleted, but not committed: {reason}").format(reason=result.reason))
