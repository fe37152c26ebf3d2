"""`cti report`: the anonymous monitoring export a municipality may send on.

Pseudonyms are HMAC-SHA256 of the case id with a key in the user's config directory (beside
the per-user mail config, `CTI_CONFIG_HOME`), created on first use and never in git: the
same key gives the same pseudonyms in every export, and without it they cannot be turned
back into case ids. Reads whole cases through the folder scan (issue 14 may give reports
slimmer per-case records).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from cti_cli.commands.context import Ctx, parse_date
from cti_cli.commands.fidelity import load_cases, period
from cti_cli.core.errors import CtiError, UsageError
from cti_cli.locale import _

KEY_NAME = "report.key"


def key_path(env: Mapping[str, str] = os.environ) -> Path:
    from cti_cli.mail.password import user_config_file  # the one per-user config directory

    return user_config_file(env).parent / KEY_NAME


def pseudonymiser(path: Path) -> Callable[[str], str]:
    """HMAC of case ids with the key at `path`, made (0600, in a 0700 folder) if missing."""
    try:
        key = path.read_text("ascii").strip()
    except FileNotFoundError:
        key = secrets.token_hex(32)
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(key + "\n")
                fh.flush()
                os.fsync(fh.fileno())
        except FileExistsError:  # another export made it a moment ago: use theirs
            key = path.read_text("ascii").strip()
        except OSError as exc:
            raise CtiError(_("cannot create the pseudonym key {path}: {reason}").format(
                path=path, reason=exc.strerror),
                           hint=_("set CTI_CONFIG_HOME to a folder you can write")) from None
    except OSError as exc:
        raise CtiError(_("cannot read the pseudonym key {path}: {reason}").format(
            path=path, reason=exc.strerror)) from None
    if len(key) < 32:
        raise CtiError(_("the pseudonym key {path} is too short").format(path=path),
                       hint=_("remove it to make a new one (pseudonyms will then change)"))
    secret = key.encode("ascii")

    def pseudonym(case_id: str) -> str:
        return hmac.new(secret, case_id.encode("utf-8"), hashlib.sha256).hexdigest()[:16]

    return pseudonym


def report(ctx: Ctx, *, since: str | None, until: str | None, day: str | None,
           csv_dir: Path | None, as_json: bool, sqlite: Path | None) -> int:
    from cti_cli.core import fidelity as fid
    from cti_cli.core import monitoring
    from cti_cli.core.method import MethodError, load_method
    from cti_cli.storage import export

    chosen = [x for x in (csv_dir, sqlite) if x is not None] + ([True] if as_json else [])
    if len(chosen) != 1:
        raise UsageError(_("give exactly one of --csv DIR, --json, --sqlite FILE"))
    if since is None or until is None:
        raise UsageError(_("--since and --until are required"),
                         hint=_("e.g. --since 2026-01-01 --until 2026-06-30"))
    today = parse_date(day)
    start, end = period(since, until, today)
    for target in (csv_dir, sqlite):
        if target is not None and not target.parent.resolve().is_dir():
            raise UsageError(_("{path}: the folder {folder} does not exist").format(
                path=target, folder=target.parent))
    if csv_dir is not None and csv_dir.exists() and not csv_dir.is_dir():
        raise UsageError(_("--csv {path} is a file").format(path=csv_dir),
                         hint=_("name a folder"))
    if sqlite is not None and sqlite.is_dir():
        raise UsageError(_("--sqlite {path} is a folder").format(path=sqlite),
                         hint=_("name a file"))
    folder = ctx.folder()
    try:
        method = load_method(folder.root / "method.yaml")
    except MethodError as exc:
        raise CtiError(str(exc), hint=_("fix the team's method.yaml")) from None
    cases = load_cases(ctx, "report")
    config = folder.config
    fte = {w: getattr(spec, "fte", 1.0) for w, spec in config.workers.items()}
    fidelity = fid.report(cases, method, since=start, until=end, today=today,
                          course_months=config.team.course_months,
                          caseload_per_fte=config.team.caseload_per_fte, fte=fte)
    pseudonym = pseudonymiser(key_path())
    tables = monitoring.export(cases, method, fidelity, since=start, until=end, today=today,
                               pseudonym=pseudonym)
    tables.append(monitoring.readme(tables))
    try:
        if csv_dir is not None:
            export.write_csv_dir(csv_dir, tables)
        elif sqlite is not None:
            export.write_sqlite(sqlite, tables)
        else:
            data = {t.name: [dict(zip(t.columns, row, strict=True)) for row in t.rows]
                    for t in tables}
            json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
    except OSError as exc:
        raise CtiError(_("could not write the export: {reason}").format(
            reason=exc.strerror)) from None
    return 0
