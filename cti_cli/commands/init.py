"""`cti init`: a new case folder, ready for git and for editors that read the schema."""

from __future__ import annotations

import json
from pathlib import Path

from cti_cli.core.errors import CtiError
from cti_cli.render import terminal as render
from cti_cli.storage.config import CONFIG_NAME, TEMPLATE
from cti_cli.storage.store import CASES_DIR, STATE_DIR

GITIGNORE_LINES = (f"{STATE_DIR}/", "*.tmp", "*.corrupt-*")


def schema_text() -> str:
    from cti_cli.core.model import case_json_schema

    return json.dumps(case_json_schema(), indent=2, ensure_ascii=False) + "\n"


def _ensure_lines(path: Path, lines: tuple[str, ...]) -> None:
    existing = path.read_text("utf-8").splitlines() if path.exists() else []
    missing = [line for line in lines if line not in existing]
    if missing:
        with path.open("a", encoding="utf-8") as fh:
            if existing and existing[-1] != "":
                fh.write("\n")
            fh.write("\n".join(missing) + "\n")


def _git_setup(directory: Path, repair: bool) -> tuple[list[str], list[str]]:
    """Repository, merge driver and first commit; (notes for the summary, lines after it).

    Git never carries config to a clone, so `--repair` registers the driver there. The
    first commit is made only in a repository cti itself created, never in someone's repo.
    """
    from cti_cli.commands.team import driver_command
    from cti_cli.team import repo as gitrepo
    from cti_cli.team import run as gitrun
    from cti_cli.team.commit import commit_paths

    if not gitrun.git_available():
        return ["no git found: changes will not be committed"], []
    notes: list[str] = []
    later: list[str] = []
    created = gitrepo.init_repo(directory)
    if created:
        notes.append("a new git repository")
    root = gitrun.repo_root(directory)
    if root is None:
        return notes, later
    had_driver = gitrepo.merge_driver_installed(root)
    gitrepo.install_merge_driver(root, directory, command=driver_command())
    if repair and not had_driver:
        later.append("this clone now merges case files with cti (merge driver registered in "
                     ".git/config); `cti sync` can be used")
    else:
        notes.append("the merge driver for case files")
    if created:
        paths = [directory / n for n in (CONFIG_NAME, ".gitignore", ".gitattributes", "schemas")]
        done = commit_paths(root, paths, "cti init: new case folder",
                            {"Cti-Action": "init"})
        if not done.ok:
            later.append(f"not committed yet: {done.reason}")
            later.append("then commit the folder once: git add cti.toml .gitignore "
                         ".gitattributes schemas && git commit -m \"cti init\"")
    return notes, later


def init(directory: Path, *, repair: bool, git: bool = True) -> int:
    directory = directory.resolve()
    if directory.exists() and not directory.is_dir():
        raise CtiError(f"{directory} is a file, not a folder",
                       hint="name a new or existing folder: `cti init team-nord`")
    config = directory / CONFIG_NAME
    if config.exists() and not repair:
        raise CtiError(f"{directory} is already a case folder",
                       hint="use `cti init --repair` in a fresh clone to register the merge "
                       "driver and refresh the schema")
    if repair and not config.exists():
        raise CtiError(f"{directory} is not a case folder (no {CONFIG_NAME})",
                       hint="run `cti init` without --repair to create one")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not config.exists():
        fd_path = config
        fd_path.write_text(TEMPLATE.format(name=directory.name.replace('"', "")), "utf-8")
        fd_path.chmod(0o600)
    (directory / CASES_DIR).mkdir(mode=0o700, exist_ok=True)
    schemas = directory / "schemas"
    schemas.mkdir(mode=0o700, exist_ok=True)
    (schemas / "case.schema.json").write_text(schema_text(), "utf-8")
    _ensure_lines(directory / ".gitignore", GITIGNORE_LINES)
    notes: list[str] = []
    later: list[str] = []
    if git:
        notes, later = _git_setup(directory, repair)
    verb = "repaired" if repair else "created"
    render.line(f"{verb} case folder {directory}" + (f" ({', '.join(notes)})" if notes else ""))
    for text in later:
        render.line(text)
    if not repair:
        render.line("next: add your workers to cti.toml, then `cti new --initials AB "
                    "--worker W --group G --transition-date YYYY-MM-DD`")
    return 0
