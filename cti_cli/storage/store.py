"""The case folder and its files: finding the folder, naming cases, reading a case.

Writing lives next door: `storage.edit` (change a case through its YAML tree, create a
case, atomic writes and locks) and `storage.append` (the fast path for the contact log).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from cti_cli.core.errors import (
    CaseFileError,
    CaseNotFound,
    CtiError,
    FolderNotFound,
)
from cti_cli.core.findings import Finding
from cti_cli.locale import _
from cti_cli.storage.config import CONFIG_NAME, config_from_bytes, read_config_bytes

if TYPE_CHECKING:  # imported where used: `list` over a cached folder needs neither
    from cti_cli.core.model import Case
    from cti_cli.core.settings import TeamConfig
    from cti_cli.storage.yamlread import Parsed

# model.CASE_ID_PATTERN, repeated so naming a case needs no pydantic (a test holds them equal)
CASE_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")

CASES_DIR = "cases"
STATE_DIR = ".cti"
SCHEMA_HEADER = "# yaml-language-server: $schema=../schemas/case.schema.json\n"


# --- the folder ---------------------------------------------------------------------------


class TeamBasics(NamedTuple):
    """What every command asks of cti.toml's validated `[team]` table, without pydantic."""

    language: Literal["da", "en"]
    commit: bool
    course_months: int
    date_format: Literal["iso", "danish"] = "iso"


@dataclass(frozen=True)
class Folder:
    """A case folder. `team` is always at hand; the whole validated `config` (pydantic's
    models) is built on first use when cti.toml is known to be valid (see `open_folder`)."""

    root: Path
    team: TeamBasics
    _config: list[TeamConfig] = field(default_factory=list, compare=False, repr=False)

    @property
    def config(self) -> TeamConfig:
        if not self._config:
            self._config.append(config_from_bytes(read_config_bytes(self.root / CONFIG_NAME),
                                                  self.root / CONFIG_NAME))
        return self._config[0]

    @property
    def cases_dir(self) -> Path:
        return self.root / CASES_DIR

    @property
    def state_dir(self) -> Path:
        return self.root / STATE_DIR

    def rel(self, path: Path) -> str:
        return display_path(path)


def display_path(path: Path) -> str:
    """A path as people see it: relative to where they stand, unless that climbs out."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


def find_root(start: Path) -> Path | None:
    """Walk up from `start` to the folder holding cti.toml, as git finds its repository."""
    here = start.resolve()
    for candidate in (here, *here.parents):
        if (candidate / CONFIG_NAME).is_file():
            return candidate
    return None


def open_folder(explicit: Path | None = None, *, cwd: Path | None = None,
                env: Mapping[str, str] = os.environ) -> Folder:
    if explicit is None and env.get("CTI_DIR"):
        explicit = Path(env["CTI_DIR"])
    if explicit is not None:
        root = explicit.resolve()
        if not (root / CONFIG_NAME).is_file():
            raise FolderNotFound(_("{path} is not a cti case folder (no {config})").format(
                                     path=explicit, config=CONFIG_NAME),
                                 hint=_("create one with `cti init DIR`"))
    else:
        found = find_root(cwd or Path.cwd())
        if found is None:
            raise FolderNotFound(_("no {config} here or in any parent folder").format(
                                     config=CONFIG_NAME),
                                 hint=_("run inside a case folder, pass `-C DIR`, set CTI_DIR, "
                                        "or create one with `cti init`"))
        root = found
    return _open(root)


def _open(root: Path) -> Folder:
    """The folder with cti.toml validated: by pydantic, or by a proof that these very bytes
    validated before (cache.load_settings_proof), which spares importing pydantic."""
    from cti_cli.storage import cache

    path = root / CONFIG_NAME
    raw = read_config_bytes(path)
    sha = hashlib.sha256(raw).hexdigest()
    state = root / STATE_DIR
    known = cache.load_settings_proof(state, sha)
    if known is not None and known.get("language") in ("da", "en"):
        with suppress(KeyError, TypeError):
            return Folder(root, TeamBasics(known["language"], bool(known["commit"]),
                                           int(known["course_months"]),
                                           "danish" if known.get("date_format") == "danish"
                                           else "iso"))
    config = config_from_bytes(raw, path)
    cache.save_settings_proof(state, sha, config.team.model_dump())
    team = config.team
    return Folder(root, TeamBasics(team.language, team.commit, team.course_months,
                                   team.date_format), [config])


def ensure_state_dir(folder: Folder) -> Path:
    path = folder.state_dir
    path.mkdir(mode=0o700, exist_ok=True)
    return path


# --- naming cases -------------------------------------------------------------------------


def valid_id(case_id: str) -> bool:
    # fullmatch: re.match would accept "abc\n"
    return CASE_ID_RE.fullmatch(case_id) is not None


def case_path(folder: Folder, ref: str) -> Path:
    """The file a case id or path names; it must lie inside the folder's cases/."""
    cases = folder.cases_dir.resolve()
    if valid_id(ref):
        path = cases / f"{ref}.yaml"
    elif ref.endswith((".yaml", ".yml")):
        path = Path(ref)
        path = (path if path.is_absolute() else Path.cwd() / path)
    else:
        raise CaseNotFound(_("{ref} is neither a case id nor a case file path").format(
                               ref=repr(ref)),
                           hint=_("ids are letters, digits, '-' and '_'; see `cti list`"))
    resolved = resolve(path)
    if resolved.parent != cases:
        raise CaseNotFound(_("{ref} is not in this folder's cases/ ({cases})").format(
                               ref=ref, cases=folder.rel(cases)),
                           hint=_("name a case by its id, e.g. `cti show 2026-004`"))
    if not resolved.is_file():
        raise CaseNotFound(_("no case {ref} in {cases}").format(ref=repr(ref),
                                                                 cases=folder.rel(cases)),
                           hint=_("see `cti list` for the cases"))
    return resolved


def resolve(path: Path) -> Path:
    """`path.resolve()`, with a symbolic-link loop (`a.yaml -> b.yaml -> a.yaml`, which a
    colleague can commit) as a user's problem rather than a RuntimeError."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):
        raise CtiError(_("{path} is a symbolic link that leads in a circle: not read").format(
                           path=display_path(path)),
                       hint=_("replace the link by the case file itself, or remove it "
                              "(`git rm`)")) from None


def iter_case_paths(folder: Folder) -> list[Path]:
    try:
        entries = list(os.scandir(folder.cases_dir))
    except FileNotFoundError:
        return []
    return sorted(Path(e.path) for e in entries
                  if e.name.endswith(".yaml") and not e.name.startswith("."))


def misnamed_case_paths(folder: Folder) -> list[Path]:
    """Files in `cases/` ending in `.yml` or `.YAML`: cti reads only `.yaml`, so say so."""
    try:
        entries = list(os.scandir(folder.cases_dir))
    except FileNotFoundError:
        return []
    return sorted(Path(e.path) for e in entries if not e.name.startswith(".")
                  and e.name.lower().endswith((".yml", ".yaml")) and not e.name.endswith(".yaml"))


STALE_TMP_SECONDS = 24 * 3600  # no write takes a day: a temp file this old was left by a kill


def leftover_temps(folder: Folder, now: float) -> tuple[list[Path], list[Path]]:
    """`*.tmp` copies in `cases/` of interrupted writes: (removed, kept).

    Those older than a day are removed (their case file is whole: writes replace it only
    after the copy is complete); younger ones may belong to a write still running.
    """
    try:
        entries = [e for e in os.scandir(folder.cases_dir) if e.name.endswith(".tmp")]
    except FileNotFoundError:
        return [], []
    removed: list[Path] = []
    kept: list[Path] = []
    for e in sorted(entries, key=lambda e: e.name):
        try:
            old = now - e.stat(follow_symlinks=False).st_mtime > STALE_TMP_SECONDS
            if old:
                os.unlink(e.path)
        except OSError:
            old = False
        (removed if old else kept).append(Path(e.path))
    return removed, kept


RETIRED = ".retired"


def used_ids(folder: Folder) -> set[str]:
    ids = {p.stem for p in iter_case_paths(folder)}
    retired = folder.cases_dir / RETIRED
    if retired.is_file():
        ids |= {line.strip() for line in retired.read_text("utf-8").splitlines() if line.strip()}
    return ids


def next_id(folder: Folder, year: int) -> str:
    """`YYYY-NNN`, one past the highest of that year ever used (purged ids stay retired)."""
    pattern = re.compile(rf"{year}-(\d+)")
    numbers = [int(m.group(1)) for i in used_ids(folder) if (m := pattern.fullmatch(i))]
    return f"{year}-{max(numbers, default=0) + 1:03d}"


# --- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stamp:
    """What a file looked like when read, to detect a change before we overwrite it."""

    mtime_ns: int
    size: int
    inode: int
    sha256: str

    @classmethod
    def of(cls, st: os.stat_result, raw: bytes) -> Stamp:
        return cls(st.st_mtime_ns, st.st_size, st.st_ino, hashlib.sha256(raw).hexdigest())

    def same_stat(self, st: os.stat_result) -> bool:
        return (st.st_mtime_ns, st.st_size, st.st_ino) == (self.mtime_ns, self.size, self.inode)


@dataclass(frozen=True)
class Loaded:
    path: Path
    text: str
    stamp: Stamp
    case: Case
    parsed: Parsed


def read_bytes(path: Path) -> tuple[bytes, os.stat_result]:
    """At most MAX_BYTES + 1 bytes of a regular file that lies in its own folder.

    A symlink out of the folder is not followed: it could list another team's cases, or
    echo a secret file's keys in error messages. A FIFO or device is not opened (the read
    would block or never end), and a huge file is not read whole (decode refuses it).
    """
    from cti_cli.storage.yamlread import MAX_BYTES

    try:
        if path.is_symlink() and resolve(path).parent != path.absolute().parent.resolve():
            raise CtiError(_("{path} is a symbolic link to a file outside its folder: not "
                             "read").format(path=display_path(path)),
                           hint=_("replace the link by the file itself, or remove it"))
        if path.exists() and not path.is_dir() and not path.is_file():
            raise CtiError(_("{path} is not a regular file: not read").format(
                path=display_path(path)))
        with path.open("rb") as fh:
            st = os.fstat(fh.fileno())
            return fh.read(MAX_BYTES + 1), st
    except FileNotFoundError:
        raise CaseNotFound(_("{path}: no such case file").format(path=path)) from None
    except IsADirectoryError:
        raise CtiError(_("{path} is a folder, not a case file").format(path=path)) from None
    except OSError as exc:
        # TRANSLATORS: {reason} is the operating system's words (English)
        raise CtiError(_("cannot read {path}: {reason}").format(
            path=path, reason=exc.strerror)) from None


def parse_text(text: str, shown: str, *,
               positions: bool | frozenset[tuple[str | int, ...]] = False,
               keep_tree: bool = False) -> tuple[Parsed | None, list[Finding]]:
    from cti_cli.storage.yamlread import ReadError, parse

    try:
        return parse(text, positions=positions, keep_tree=keep_tree), []
    except ReadError as exc:
        return None, [Finding(shown, exc.line, exc.column, exc.code, "error", exc.message,
                              exc.hint)]


def validate_text(text: str, shown: str, *, keep_tree: bool = False
                  ) -> tuple[Case | None, Parsed | None, list[Finding]]:
    """Parse once and validate; findings get their lines from the parse's node tree.

    The tree stays on the returned `Parsed` only with `keep_tree` (check's rules place their
    findings with it): reports holding many entries must not hold every file's nodes.
    """
    from cti_cli.storage.validate import validate

    parsed, findings = parse_text(text, shown, keep_tree=True)
    if parsed is None:
        return None, None, findings
    case, findings = validate(parsed, shown)
    if not keep_tree:
        parsed.tree = None
    return case, parsed, findings


def decode_bytes(raw: bytes, shown: str) -> tuple[str | None, list[Finding]]:
    from cti_cli.storage.yamlread import ReadError, decode

    try:
        return decode(raw), []
    except ReadError as exc:
        return None, [Finding(shown, exc.line, exc.column, exc.code, "error", exc.message,
                              exc.hint)]


def read_case(path: Path, shown: str | None = None) -> Loaded:
    """A validated case, or CaseFileError carrying every finding with line and column."""
    shown = shown or display_path(path)
    raw, st = read_bytes(path)
    text, findings = decode_bytes(raw, shown)
    if text is None:
        raise CaseFileError(path, findings)
    case, parsed = validated(path, text, shown)
    return Loaded(path, text, Stamp.of(st, raw), case, parsed)


def validated(path: Path, text: str, shown: str) -> tuple[Case, Parsed]:
    case, parsed, findings = validate_text(text, shown, keep_tree=True)
    if case is None or parsed is None:
        raise CaseFileError(path, findings)
    line, col = parsed.position(("id",))
    parsed.tree = None
    if case.id != path.stem:
        raise CaseFileError(path, [Finding(shown, line, col, "E201", "error",
                                           _("id '{id}' does not match the file name")
                                           .format(id=case.id),
                                           _("rename the file to {name} or fix the id").format(
                                               name=f"{case.id}.yaml"))])
    return case, parsed
