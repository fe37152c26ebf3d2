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
from cti_cli.core.errors import CtiError
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
    raise CtiError("no editor found", hint="set EDITOR, e.g. `export EDITOR=nano`")


def edit(ctx: Ctx, ref: str, *, today: date) -> int:
    folder = ctx.folder()
    path = store.case_path(folder, ref)
    loaded = store.read_case(path)
    drafts = store.ensure_state_dir(folder) / "drafts"
    drafts.mkdir(mode=0o700, exist_ok=True)
    draft = drafts / path.name
    draft.write_text(loaded.text, "utf-8")
    draft.chmod(0o600)
    while True:
        result = subprocess.run([*_editor(), str(draft)], check=False)
        if result.returncode != 0:
            raise CtiError(f"the editor exited with status {result.returncode}",
                           hint=f"nothing was changed; your draft is kept at {draft}")
        text = draft.read_text("utf-8")
        if text == loaded.text:
            draft.unlink()
            render.line("no changes")
            return 0
        problems = _problems(folder, path, text, today)
        errors = [f for f in problems if f.severity == "error"]
        for f in problems:
            sys.stderr.write(f.format().replace(str(draft), str(path)) + "\n")
            if f.hint:
                sys.stderr.write(f"  hint: {f.hint}\n")
        if not errors:
            break
        if not sys.stdin.isatty() or input("The file is not valid. Edit again? [Y/n] ").strip(
        ).lower() in ("n", "no", "nej"):
            raise CtiError(f"{path.name} was not changed: the edit is not valid",
                           hint=f"your draft is kept at {draft}; fix it and copy it over with "
                           "`cti edit` again")
    with storage_edit.case_lock(folder, path.stem):
        storage_edit.atomic_write(path, text, expect=loaded.stamp)
    draft.unlink()
    record(ctx, folder, path, action="edit", subject=f"{path.stem}: edit by hand")
    return 0


def _problems(folder: store.Folder, path: Path, text: str, today: date) -> list:
    shown = store.display_path(path)
    case, parsed, findings = store.validate_text(text, shown)
    if case is None:
        return findings
    entry = scan.Entry(path, case, (), parsed, text)
    return rule_findings(entry, folder.config, today, folder.root)
