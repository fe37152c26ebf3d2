"""Commit a changed case file when the folder lives in git (issue: team work over git).

Commit messages live forever in every clone, so they carry the case id and what happened,
never a name or a note.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from cti_cli.commands.context import Ctx
from cti_cli.locale import _
from cti_cli.storage.store import Folder


def record(ctx: Ctx, folder: Folder, path: Path, *, action: str, subject: str,
           trailers: Mapping[str, str] | None = None) -> bool:
    """Commit exactly `path`; say why when a commit cannot be made (the change stays saved)."""
    if ctx.no_commit or not folder.team.commit:
        return False
    from cti_cli.team.commit import commit_paths
    from cti_cli.team.run import repo_and_git_dir

    found = repo_and_git_dir(folder.root)
    if found is None:
        return False
    root, git_dir = found
    from cti_cli.team.repo import missing_driver

    if missing_driver(folder.root, root, git_dir):  # a fresh clone: a later sync would conflict
        from cti_cli.commands.team import no_driver_warning
        from cti_cli.render import terminal as render

        render.warn(no_driver_warning(folder))
    all_trailers = {"Case": path.stem, "Cti-Action": action, **(trailers or {})}
    # `new` adds a file git does not know yet; other actions change a tracked one, which
    # `git commit -- path` takes alone. The commit's id is not needed here.
    result = commit_paths(root, [path], subject, all_trailers, git_dir=git_dir,
                          new_files=action == "new", want_sha=False)
    if not result.ok:
        from cti_cli.render import terminal as render

        render.warn(_("saved, but not committed: {reason}").format(reason=result.reason))
    return result.ok
