"""`cti init`: a new case folder, ready for git and for editors that read the schema."""

from __future__ import annotations

import json
import re
from pathlib import Path

from cti_cli.core.errors import CtiError, UsageError
from cti_cli.locale import _, ngettext
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
        return [_("no git found: changes will not be committed")], []
    notes: list[str] = []
    later: list[str] = []
    created = gitrepo.init_repo(directory)
    if created:
        notes.append(_("a new git repository"))
    root = gitrun.repo_root(directory)
    if root is None:
        return notes, later
    had_driver = gitrepo.merge_driver_installed(root)
    gitrepo.install_merge_driver(root, directory, command=driver_command())
    if repair and not had_driver:
        later.append(_("this clone now merges case files with cti (merge driver registered in "
                       ".git/config); `cti sync` can be used"))
    else:
        notes.append(_("the merge driver for case files"))
    if created:
        paths = [directory / n for n in (CONFIG_NAME, ".gitignore", ".gitattributes", "schemas")]
        done = commit_paths(root, paths, "cti init: new case folder",
                            {"Cti-Action": "init"})
        if not done.ok:
            later.append(_("not committed yet: {reason}").format(reason=done.reason))
            later.append(_("then commit the folder once: git add cti.toml .gitignore "
                           ".gitattributes schemas && git commit -m \"cti init\""))
    return notes, later


def _empty_clone_error(directory: Path) -> CtiError | None:
    """In a clone without a case folder: why it is empty and how to get the team's folder."""
    from cti_cli.team import run as gitrun
    from cti_cli.team import sync as gitsync

    if not gitrun.git_available():
        return None
    root = gitrun.repo_root(directory)
    if root is None:
        return None
    remotes = gitrun.list_remotes(root)
    if not remotes:
        return None
    remote = "origin" if "origin" in remotes else remotes[0]
    url = gitsync.remote_url(root, remote)
    teams = gitsync.team_branches(root, gitsync.remote_branches(root, remote))
    where = (_("the shared repository keeps the team's folder on branch {branches}, which this "
               "clone did not check out").format(branches=", ".join(teams)) if teams else
             _("the shared repository is empty: the team's folder has not been shared there "
               "yet"))
    hint = (_("move this folder aside and run `cti join {url} {folder}`; do not create a "
              "second team folder here") if teams else
            _("ask the colleague who made the folder to run `cti sync` in it (or `cti init "
              "FOLDER --remote {url}`), then move this folder aside and run `cti join {url} "
              "{folder}`; do not create a second team folder here"))
    return CtiError(_("{folder} is a clone without a case folder: {where}").format(
        folder=directory, where=where), hint=hint.format(url=url, folder=directory.name))


def _publish(directory: Path, url: str) -> list[str]:
    """Push the new folder to an empty shared repository and make its branch the default."""
    from cti_cli.team import run as gitrun
    from cti_cli.team import sync as gitsync

    root = gitrun.repo_root(directory)
    if root is None:
        raise CtiError(_("--remote needs git, and git is not installed (or not on PATH)"))
    where = gitrun.locate(root)
    branch = where.branch or "main"
    if where.head is None:
        return [_("not shared yet: nothing is committed; fix that, then `cti sync` shares it "
                  "with {url}").format(url=url)]
    if "origin" in gitrun.list_remotes(root):
        gitrun.git(root, "remote", "set-url", "origin", url)
    else:
        gitrun.git(root, "remote", "add", "origin", url)
    done = gitrun.git(root, "push", "--quiet", "--set-upstream", "origin",
                      f"HEAD:refs/heads/{branch}", check=False)
    if done.returncode != 0:
        return [_("not shared yet: git could not send it to {url}: {output}").format(
                    url=url, output=gitrun.output(done, 3)),
                _("run `cti sync` in the folder when the shared repository can be reached")]
    said = [_("shared with {url} (branch {branch}); colleagues join with: cti join {url} "
              "FOLDER").format(url=url, branch=branch)]
    advice = gitsync.point_remote_head(root, "origin", branch)
    return [*said, advice] if advice else said


def _check_remote_is_empty(url: str, base: Path) -> bool:
    """True when `url` is a new local path (cti creates it); error when it holds anything."""
    from cti_cli.team import run as gitrun

    if not gitrun.git_available():
        raise CtiError(_("--remote needs git, and git is not installed (or not on PATH)"))
    local = not re.match(r"^[\w+.-]+://|^[^/]+@[^/]+:|^[^/:]{2,}:[^/]", url)
    path = Path(url.removeprefix("file://")).expanduser()
    if (local or url.startswith("file://")) and (
            not path.exists() or (path.is_dir() and not any(path.iterdir()))):
        return True
    done = gitrun.git(base, "ls-remote", "--heads", url, check=False)
    if done.returncode != 0:
        raise CtiError(_("cannot reach the shared repository {url}: {output}").format(
            url=url, output=gitrun.output(done, 3)),
                       hint=_("check the address; it must be an empty repository (a bare one "
                              "on a shared drive, or a new one made on the git server)"))
    if gitrun.stdout_text(done).strip():
        raise CtiError(_("the shared repository {url} is not empty: it already holds a folder")
                       .format(url=url),
                       hint=_("to work in the team's folder, join it: `cti join {url} FOLDER`")
                       .format(url=url))
    return False


def _create_bare(url: str, branch: str) -> None:
    from cti_cli.team import run as gitrun

    path = Path(url.removeprefix("file://")).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    gitrun.git(path, "init", "--quiet", "--bare", f"--initial-branch={branch}")


def init(directory: Path, *, repair: bool, git: bool = True, remote: str | None = None) -> int:
    directory = directory.resolve()
    if remote is not None and repair:
        raise UsageError(_("--remote publishes a new folder; it cannot be used with --repair"))
    create_remote = False
    if remote is not None:
        if (directory / CONFIG_NAME).exists():
            raise CtiError(_("{folder} is already a case folder").format(folder=directory),
                           hint=_("to share it, run `cti sync` after adding the shared "
                                  "repository, or make a new folder with --remote"))
        base = directory.parent if directory.parent.exists() else Path.cwd()
        create_remote = _check_remote_is_empty(remote, base)
    if directory.exists() and not directory.is_dir():
        raise CtiError(_("{folder} is a file, not a folder").format(folder=directory),
                       hint=_("name a new or existing folder: `cti init team-nord`"))
    config = directory / CONFIG_NAME
    if config.exists() and not repair:
        raise CtiError(_("{folder} is already a case folder").format(folder=directory),
                       hint=_("use `cti init --repair` in a fresh clone to register the merge "
                              "driver and refresh the schema"))
    if repair and not config.exists():
        empty = _empty_clone_error(directory) if git else None
        if empty is not None:
            raise empty
        raise CtiError(_("{folder} is not a case folder (no {file})").format(
            folder=directory, file=CONFIG_NAME),
                       hint=_("run `cti init` without --repair to create one"))
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
    if remote is not None and git:
        if create_remote:
            from cti_cli.team import run as gitrun

            root = gitrun.repo_root(directory)
            branch = (gitrun.locate(root).branch if root else None) or "main"
            _create_bare(remote, branch)
        later += _publish(directory, remote)
    said = (_("repaired case folder {folder}") if repair else
            _("created case folder {folder}")).format(folder=directory)
    render.line(said + (f" ({', '.join(notes)})" if notes else ""))
    for text in later:
        render.line(text)
    if not repair:
        render.line(_("next: add your workers to cti.toml, then `cti new --initials AB "
                      "--worker W --group G --transition-date YYYY-MM-DD`"))
    return 0


def _clone(url: str, directory: Path, branch: str | None) -> None:
    from cti_cli.team import run as gitrun

    if not gitrun.git_available():
        raise CtiError(_("joining a team needs git, and git is not installed (or not on PATH)"),
                       hint=_("install git, then run `cti join` again"))
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise CtiError(_("{folder} already exists and is not empty").format(folder=directory),
                       hint=_("name a new folder: `cti join URL team-nord`"))
    directory.parent.mkdir(parents=True, exist_ok=True)
    command = ["clone", "--quiet", *(["--branch", branch] if branch else []), "--", url,
               str(directory)]
    done = gitrun.git(directory.parent, *command, check=False)
    if done.returncode != 0:
        if directory.exists() and not any(directory.iterdir()):
            directory.rmdir()
        raise CtiError(_("cannot get the team's folder from {url}: {output}").format(
            url=url, output=gitrun.output(done, 3)),
                       hint=_("check the address (ask the colleague who shared the folder)"))


def _team_branch(directory: Path, url: str, branch: str | None) -> list[str]:
    """Check out the branch that holds the team's folder; words about a split, if any."""
    import shutil

    from cti_cli.team import run as gitrun
    from cti_cli.team import sync as gitsync

    where = gitrun.locate(directory)
    branches = gitsync.remote_branches(directory, "origin")
    teams = gitsync.team_branches(directory, branches)
    if where.head is not None and (directory / CONFIG_NAME).is_file():
        current = where.branch or ""
        split = gitsync.split_problem(directory, "origin", current, current, branches)
        return [split] if split else []
    if not teams:
        shutil.rmtree(directory)
        raise CtiError(_("the shared repository {url} holds no team folder yet (it is empty)")
                       .format(url=url),
                       hint=_("the colleague who made the folder runs `cti sync` in it (or "
                              "`cti init FOLDER --remote {url}`); then run `cti join` again")
                       .format(url=url))
    if len(teams) > 1 and branch is None:
        shutil.rmtree(directory)
        raise CtiError(_("the shared repository {url} holds case folders on several branches "
                         "({branches}): a split team").format(url=url,
                                                               branches=", ".join(teams)),
                       hint=_("ask the team which one is theirs, then join it with "
                              "`cti join {url} FOLDER --branch NAME`").format(url=url))
    pick = branch if branch in teams else teams[0]
    gitrun.git(directory, "checkout", "--quiet", "-B", pick, "--track", f"origin/{pick}")
    said = gitsync.point_remote_head(directory, "origin", pick)
    return [said] if said else []


def join(url: str, directory: Path, *, branch: str | None = None, name: str | None = None,
         email: str | None = None) -> int:
    """Clone the team's shared folder, register what a clone needs, check it, say who."""
    from datetime import date

    from cti_cli.commands.checking import collect
    from cti_cli.commands.team import driver_command
    from cti_cli.storage import store
    from cti_cli.team import repo as gitrepo
    from cti_cli.team import run as gitrun

    directory = directory.resolve()
    _clone(url, directory, branch)
    later = _team_branch(directory, url, branch)
    gitrepo.install_merge_driver(directory, directory, command=driver_command())
    for key, value in (("user.name", name), ("user.email", email)):
        if value:
            gitrun.git(directory, "config", key, value)
    who = gitrun.git(directory, "config", "user.name", check=False)
    if not gitrun.stdout_text(who).strip():
        later.append(_("git does not know your name yet, so your changes cannot be recorded: "
                       "run `cti join` with --name and --email, or set them once with "
                       'git config --global user.name "Your Name" (and user.email)'))
    folder = store.open_folder(directory)
    paths = store.iter_case_paths(folder)
    failing = {f.path for f in collect(paths, date.today()) if f.severity == "error"}
    team = folder.config.team.name
    cases = ngettext("{n} case", "{n} cases", len(paths)).format(n=len(paths))
    state = (_("all pass `cti check`") if not failing else
             ngettext("{n} fails `cti check` (see `cti check`)",
                      "{n} fail `cti check` (see `cti check`)", len(failing)).format(
                          n=len(failing)))
    render.line(_("joined team {team} in {folder}: {cases}, {state}").format(
        team=team, folder=directory, cases=cases, state=state))
    render.line(_("this clone merges case files with cti; `cti sync` shares your changes"))
    for text in later:
        render.warn(text)
    return 0
