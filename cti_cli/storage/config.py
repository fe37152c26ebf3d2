"""Reading the team's `cti.toml` into `core.settings` values, with file:line errors.

pydantic (and tomllib) load when a file is validated, not on import: a folder whose cti.toml
validated before opens without them (`storage.store.open_folder`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cti_cli.core.errors import CtiError
from cti_cli.locale import _, ngettext

if TYPE_CHECKING:
    from pydantic import BaseModel

    from cti_cli.core.settings import TeamConfig

CONFIG_NAME = "cti.toml"


def _line_of(text: str, loc: tuple[Any, ...]) -> int:
    """tomllib gives no positions: find the table header or key a location names."""
    lines = text.splitlines()
    wanted_table = None
    if len(loc) >= 2 and loc[0] == "workers":
        wanted_table = f"workers.{loc[1]}"
    elif loc:
        wanted_table = str(loc[0])
    key = str(loc[-1]) if loc else ""
    table_line = 0
    current = ""
    for n, raw in enumerate(lines, 1):
        line = raw.strip()
        m = re.fullmatch(r"\[\s*([^\]]+?)\s*\]", line)
        if m:
            current = m.group(1).replace('"', "")
            if current == wanted_table and not table_line:
                table_line = n
            continue
        if current == wanted_table and re.match(rf"{re.escape(key)}\s*=", line):
            return n
    return table_line or 1


def _validate(model: type[BaseModel], raw: Any, prefix: tuple[str, ...], text: str,
              path: Path) -> Any:
    from pydantic import ValidationError

    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = (*prefix, *err["loc"])
        dotted = ".".join(str(p) for p in loc) or "cti.toml"
        more = exc.error_count() - 1
        # TRANSLATORS: {problem} is pydantic's own English description
        message = (ngettext("{where}: {problem} (and {n} more)",
                            "{where}: {problem} (and {n} more)", more)
                   if more else _("{where}: {problem}")).format(
            where=dotted, problem=err["msg"], n=more)
        raise CtiError(message, where=f"{path}:{_line_of(text, loc)}:1",
                       hint=_("compare with the comments of a fresh `cti init` cti.toml")) \
            from None


def parse_config(text: str, path: Path) -> TeamConfig:
    import tomllib

    from cti_cli.core.settings import SmtpSettings, TeamConfig

    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        lines = text.splitlines() or [""]
        where = (f"{path}:{m.group(1)}:{m.group(2)}" if m  # at the end: point at the last line
                 else f"{path}:{len(lines)}:{len(lines[-1]) + 1}")
        msg = re.sub(r"\s*\((at line \d+, column \d+|at end of document)\)", "", str(exc))
        # TRANSLATORS: {problem} is tomllib's own English description
        raise CtiError(_("TOML syntax error: {problem}").format(problem=msg), where=where,
                       hint=_("see https://toml.io; strings need quotes")) from None
    config = _validate(TeamConfig, raw, (), text, path)
    if config.smtp is not None:
        _validate(SmtpSettings, config.smtp, ("smtp",), text, path)
    return config


#: cti.toml is a few kilobytes; a bigger file is a mistake (or an attack), not read whole.
MAX_CONFIG_BYTES = 1024 * 1024


def read_config_bytes(path: Path) -> bytes:
    """The bytes of cti.toml, refusing a file too big to be one."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise CtiError(_("cannot read {path}: {reason}").format(path=path, reason=exc)) \
            from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise CtiError(_("{path} is larger than {kib} KiB: not read").format(
                           path=path, kib=MAX_CONFIG_BYTES // 1024),
                       hint=_("cti.toml holds a few settings; restore it from git"))
    return raw


def config_from_bytes(raw: bytes, path: Path) -> TeamConfig:
    try:
        text = raw.decode("utf-8-sig")  # a BOM from a Windows editor is no mistake
    except UnicodeDecodeError as exc:
        raise CtiError(_("cannot read {path}: {reason}").format(path=path, reason=exc)) \
            from None
    return parse_config(text, path)


def load_config(path: Path) -> TeamConfig:
    return config_from_bytes(read_config_bytes(path), path)


TEMPLATE = """\
# cti.toml: the team's settings for `cti`. Committed and shared: never put a password,
# a token or a command here (see README, "Mail").

[team]
name = "{name}"
language = "da"            # "da" or "en": texts in reports and mail
date_format = "iso"        # dates on screens: "iso" (2026-01-05) or "danish" (5. jan. 2026)
caseload_per_fte = 10      # citizens per full-time CTI worker (the manual: 10)
course_months = 9          # 9 (the Danish manuals) or 6 (CACTI's short programme)
show_initials_in_mail = false  # initials identify people in small municipalities
commit = true              # commit every change when the folder is in a git repository
retention_years = 5        # `cti purge` removes closed cases older than this

[reminders]
horizon_days = 14          # `cti due` looks this far ahead
contact_period_days = 60   # warn when a case stays in the contact period longer
# days without logged contact before `cti due` reminds, per phase (about 4:2:1)
no_contact_days = {{ contact = 14, phase1 = 7, phase2 = 14, phase3 = 30 }}

# One table per CTI worker; the id (after "workers.") is what case files use.
# [workers.anna]
# name = "Anna Jensen"
# email = "anna@kommune.example"
# fte = 1.0

# Mail for `cti due --email`; without [smtp] messages go to .cti/outbox as .eml files.
# [smtp]
# host = "smtp.kommune.example"
# port = 587
# security = "starttls"    # starttls | ssl | none
# username = "cti-team"
# from = "cti@kommune.example"
"""
