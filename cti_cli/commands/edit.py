"""`cti edit`: $EDITOR on a copy, checked after saving, like `crontab -e`.

The case file is replaced only by a copy that passes the checks; an invalid draft is kept
beside it and the user is told where, so no edit is lost and no file is left broken.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

from cti_cli.commands.checking import rule_findings
from cti_cli.commands.context import Ctx
from cti_cli.commands.record import record
from cti_cli.core.errors import CtiError, UsageError
from cti_cli.core.safetext import shown
from cti_cli.locale import _
from cti_cli.render import terminal as render
from cti_cli.storage import edit as storage_edit
from cti_cli.storage import scan, store


def _editor() -> list[str]:
    for var in ("VISUAL", "EDITOR"):
        if os.environ.get(var):
            return shlex.split(os.environ[var])
    for fallback in ("sensible-editor", "nano", "vi"):
        if shutil.which(fallback):
            return [fallback]
    raise CtiError(_("no editor found"), hint=_("set EDITOR, e.g. `export EDITOR=nano`"))


def _explanation() -> str:
    """The lines put on top of a conflicted file, in the team's language."""
    import textwrap

    text = _("This file has conflicts: you and a colleague changed the same thing. Between "
             "<<<<<<< and ======= is one side, between ======= and >>>>>>> the other. Keep what "
             "is right, delete the marker lines (and these lines), and save. It is saved only "
             "once valid. `cti resolve CASE --mine|--theirs` picks one side for all.")
    return "\n".join(textwrap.wrap(text, 86, initial_indent="# cti: ",
                                   subsequent_indent="# cti: ", break_on_hyphens=False))


def _strip_explanation(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True)
                   if not line.startswith("# cti: "))


def _current(path: Path) -> tuple[str, store.Stamp, bool]:
    """The file's text, its stamp, and whether it holds conflict markers (read anyway)."""
    from cti_cli.storage.yamlread import has_conflict_markers

    raw, st = store.read_bytes(path)
    text = raw.decode("utf-8", "replace")
    if has_conflict_markers(text):
        return text, store.Stamp.of(st, raw), True
    loaded = store.read_case(path)
    return loaded.text, loaded.stamp, False


def edit(ctx: Ctx, ref: str, *, today: date, use_draft: bool = False,
         discard_draft: bool = False) -> int:
    """Edit a copy; a draft that did not check is kept until it is used or discarded."""
    if use_draft and discard_draft:
        raise UsageError(_("use either --draft or --discard-draft, not both"))
    folder = ctx.folder()
    path = store.case_path(folder, ref)
    current, _stamp, conflicted = _current(path)
    drafts = store.ensure_state_dir(folder) / "drafts"
    drafts.mkdir(mode=0o700, exist_ok=True)
    draft = drafts / path.name
    # the file as the draft's edit began: a change made meanwhile (`cti log` while the editor
    # is open, a colleague's change pulled) is merged in at save, never overwritten
    based_on = drafts / f"{path.name}.base"
    start = base = current
    if draft.exists() and not discard_draft:
        if not use_draft:
            if not sys.stdin.isatty():
                raise CtiError(_("a draft from an earlier `cti edit` of {case} is kept at "
                                 "{draft}").format(case=path.stem, draft=draft),
                               hint=_("continue it with `cti edit {case} --draft`, or drop it "
                                      "with `cti edit {case} --discard-draft`")
                               .format(case=path.stem))
            use_draft = input(_("A draft from an earlier edit of {case} is kept. Continue "
                                "it? [Y/n] ").format(case=path.stem)
                              ).strip().lower() not in ("n", "no", "nej")
            if not use_draft:  # never overwritten unasked
                raise CtiError(_("the draft of {case} is kept at {draft}").format(
                    case=path.stem, draft=draft), hint=_(
                    "drop it with `cti edit {case} --discard-draft`").format(case=path.stem))
        if use_draft:
            start = draft.read_text("utf-8")
            if based_on.exists():
                base = based_on.read_text("utf-8")
    elif use_draft:
        raise CtiError(_("there is no draft of {case} to continue").format(case=path.stem),
                       hint=_("start a new edit with `cti edit {case}`").format(case=path.stem))
    if conflicted and start == current:
        start = _explanation() + "\n" + current
    draft.write_text(start, "utf-8")
    draft.chmod(0o600)
    if not based_on.exists() or not use_draft:
        based_on.write_text(base, "utf-8")
        based_on.chmod(0o600)
    while True:
        result = subprocess.run([*_editor(), str(draft)], check=False)
        if result.returncode != 0:
            raise CtiError(_("the editor exited with status {status}").format(
                status=result.returncode),
                hint=_("nothing was changed; your draft is kept at {draft} (continue it with "
                       "`cti edit {case} --draft`)").format(draft=draft, case=path.stem))
        text = _strip_explanation(draft.read_text("utf-8")) if conflicted else \
            draft.read_text("utf-8")
        if text == current:
            draft.unlink()
            render.line(_("no changes"))
            return 0
        problems = _problems(folder, path, text, today)
        errors = [f for f in problems if f.severity == "error"]
        for f in problems:
            sys.stderr.write(shown(f.format().replace(str(draft), str(path))) + "\n")
            if f.hint:
                sys.stderr.write(shown(f"  hint: {f.hint}") + "\n")
        if not errors:
            break
        if not sys.stdin.isatty() or input(_("The file is not valid. Edit again? [Y/n] ")
                                           ).strip().lower() in ("n", "no", "nej"):
            raise CtiError(_("{file} was not changed: the edit is not valid").format(
                file=path.name),
                hint=_("your draft is kept at {draft}; continue it with `cti edit {case} "
                       "--draft` (or drop it with --discard-draft)").format(draft=draft,
                                                                            case=path.stem))
    with storage_edit.case_lock(folder, path.stem):
        now, now_stamp, _conflicted = _current(path)
        if now != base:
            text = _merge_meanwhile(folder, path, draft, base, text, now, today,
                                    can_merge=not conflicted)
        storage_edit.atomic_write(path, text, expect=now_stamp)
    draft.unlink()
    based_on.unlink(missing_ok=True)
    record(ctx, folder, path, action="edit", subject=f"{path.stem}: edit by hand")
    return 0


def _merge_meanwhile(folder: store.Folder, path: Path, draft: Path, base: str, mine: str,
                     now: str, today: date, *, can_merge: bool = True) -> str:
    """The edit with what changed in the file while the editor was open (a `cti log`, a
    pull), or CtiError keeping the draft when the two touch the same thing."""
    from cti_cli.team.merge import MergeError, merge_texts

    keep = CtiError(
        _("{case} changed while you edited it, in the same place as your edit: nothing was "
          "written, and your edit is kept at {draft}").format(case=path.stem, draft=draft),
        hint=_("see the other change with `cti show {case}` or `git diff`; then continue your "
               "edit with `cti edit {case} --draft` (it is merged again when you save)"
               ).format(case=path.stem))
    if not can_merge:  # a file with conflict markers is not merged again
        raise keep
    try:
        merged = merge_texts(base, mine, now, labels=("yours", "meanwhile"))
    except MergeError:
        raise keep from None
    if merged.conflicts or any(f.severity == "error"
                               for f in _problems(folder, path, merged.text, today)):
        raise keep
    render.line(_("{case} changed while you edited it; your edit is saved together with that "
                  "change").format(case=path.stem))
    return merged.text


def resolve(ctx: Ctx, ref: str, *, mine: bool, today: date) -> int:
    """Take one side of every conflict left in a case file, keeping both sides' entries."""
    from cti_cli.team.merge import take_side

    folder = ctx.folder()
    path = store.case_path(folder, ref)
    current, stamp, conflicted = _current(path)
    if not conflicted:
        raise CtiError(_("{case} has no conflict markers: nothing to resolve").format(
            case=path.stem))
    text = take_side(current, mine=mine)
    errors = [f for f in _problems(folder, path, text, today) if f.severity == "error"]
    if errors:
        for f in errors:
            sys.stderr.write(shown(f.format()) + "\n")
        raise CtiError(_("{file} was not changed: taking that side leaves a file that does not "
                         "check").format(file=path.name),
                       hint=_("take the other side, or fix it by hand with `cti edit {case}`")
                       .format(case=path.stem))
    with storage_edit.case_lock(folder, path.stem):
        storage_edit.atomic_write(path, text, expect=stamp)
    said = (_("{case}: took your side of every conflict, kept every contact of both; run "
              "`cti sync` to finish") if mine else
            _("{case}: took the colleague's side of every conflict, kept every contact of both; "
              "run `cti sync` to finish"))
    render.line(said.format(case=path.stem))
    record(ctx, folder, path, action="edit", subject=f"{path.stem}: resolve conflict")
    return 0


def _problems(folder: store.Folder, path: Path, text: str, today: date) -> list:
    shown = store.display_path(path)
    case, parsed, findings = store.validate_text(text, shown)
    if case is None:
        return findings
    entry = scan.Entry(path, case, (), parsed, text)
    return [f for f in rule_findings(entry, folder.config, today, folder.root)
            if f.severity != "info"]
