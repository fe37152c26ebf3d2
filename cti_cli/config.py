"""The team's `cti.toml`: who works here and how the team runs CTI.

Read with tomllib and validated by pydantic. The file is committed and shared, so it may
hold no secrets and nothing that runs code (see `mail.SmtpSettings`).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import CtiError

CONFIG_NAME = "cti.toml"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True,
                              defer_build=True)


class TeamSettings(_Model):
    name: str = "CTI-team"
    language: Literal["da", "en"] = "da"
    caseload_per_fte: Annotated[float, Field(gt=0, le=50)] = 10
    course_months: Literal[6, 9] = 9
    show_initials_in_mail: bool = Field(
        default=False,
        description="Initials identify a person in a small municipality: opt in explicitly.",
    )
    commit: bool = Field(default=True, description="Commit each change when in a git repo.")
    retention_years: Annotated[int, Field(ge=1, le=50)] = 5


RhythmPhase = Literal["contact", "phase1", "phase2", "phase3"]


_DEFAULT_RHYTHM: dict[RhythmPhase, int] = {"contact": 14, "phase1": 7, "phase2": 14,
                                            "phase3": 30}


class ReminderSettings(_Model):
    horizon_days: Annotated[int, Field(ge=0, le=366)] = 14
    no_contact_days: dict[RhythmPhase, Annotated[int, Field(ge=1, le=366)]] = Field(
        default_factory=lambda: _DEFAULT_RHYTHM.copy())
    contact_period_days: Annotated[int, Field(ge=1, le=366)] = 60


class Worker(_Model):
    name: str
    email: str | None = None
    fte: Annotated[float, Field(gt=0, le=1.5)] = 1.0

    @field_validator("email")
    @classmethod
    def _email_shape(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            raise ValueError("not an email address")
        return value


class TeamConfig(_Model):
    team: TeamSettings = Field(default_factory=TeamSettings)
    reminders: ReminderSettings = Field(default_factory=ReminderSettings)
    workers: dict[Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")], Worker] = Field(
        default_factory=dict)
    smtp: dict[str, Any] | None = Field(
        default=None, description="Mail server; validated by cti_cli.mail.SmtpSettings.")

    def worker_name(self, worker_id: str) -> str:
        w = self.workers.get(worker_id)
        return w.name if w else worker_id


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
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = (*prefix, *err["loc"])
        dotted = ".".join(str(p) for p in loc) or "cti.toml"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise CtiError(f"{dotted}: {err['msg']}{more}", where=f"{path}:{_line_of(text, loc)}:1",
                       hint="compare with the comments of a fresh `cti init` cti.toml") from None


def parse_config(text: str, path: Path) -> TeamConfig:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        lines = text.splitlines() or [""]
        where = (f"{path}:{m.group(1)}:{m.group(2)}" if m  # at the end: point at the last line
                 else f"{path}:{len(lines)}:{len(lines[-1]) + 1}")
        msg = re.sub(r"\s*\((at line \d+, column \d+|at end of document)\)", "", str(exc))
        raise CtiError(f"TOML syntax error: {msg}", where=where,
                       hint="see https://toml.io; strings need quotes") from None
    config = _validate(TeamConfig, raw, (), text, path)
    if config.smtp is not None:
        from .mail import SmtpSettings

        _validate(SmtpSettings, config.smtp, ("smtp",), text, path)
    return config


def load_config(path: Path) -> TeamConfig:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CtiError(f"cannot read {path}: {exc}") from None
    return parse_config(text, path)


TEMPLATE = """\
# cti.toml: the team's settings for `cti`. Committed and shared: never put a password,
# a token or a command here (see README, "Mail").

[team]
name = "{name}"
language = "da"            # "da" or "en": texts in reports and mail
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
