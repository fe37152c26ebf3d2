"""The team's settings (`cti.toml`) as values: who works here and how the team runs CTI.

Plain pydantic models with no I/O; `storage.config` reads and validates the file. The file is
committed and shared, so it may hold no secrets and nothing that runs code (see `SmtpSettings`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from email.utils import parseaddr
from pathlib import Path
from typing import Annotated, Any, Final, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Security = Literal["starttls", "ssl", "none"]
DEFAULT_PORTS: Final[Mapping[str, int]] = {"starttls": 587, "ssl": 465, "none": 25}
PASSWORD_ENV: Final = "CTI_SMTP_PASSWORD"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True,
                              defer_build=True)


class TeamSettings(_Model):
    name: str = "CTI-team"
    language: Literal["da", "en"] = "da"
    date_format: Literal["iso", "danish"] = Field(
        default="iso",
        description="How dates are shown on screens: `iso` (2026-01-05) or `danish` "
        "(5. jan. 2026). JSON, CSV, mail dates and the case files stay ISO.")
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


class CalendarSettings(_Model):
    """`cti calendar`: what its events may say beyond case id, initials and kind."""

    personal_details: bool = Field(
        default=False,
        description="Put the citizen's name and an appointment's place, people and note in "
        "the calendar. A calendar is synced to phones and mail servers: opt in explicitly.",
    )
    appointment_minutes: Annotated[int, Field(ge=5, le=720)] = 60


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
    calendar: CalendarSettings = Field(default_factory=CalendarSettings)
    workers: dict[Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")], Worker] = Field(
        default_factory=dict)
    smtp: dict[str, Any] | None = Field(
        default=None, description="Mail server; validated by SmtpSettings.")

    def worker_name(self, worker_id: str) -> str:
        w = self.workers.get(worker_id)
        return w.name if w else worker_id



def _password_refusal(keys: Sequence[str]) -> str:
    return (
        f"cti.toml [smtp] must not contain {', '.join(keys)}: the team folder is shared "
        "through git, so anyone who can read it could read a password, and anyone who can "
        "push could make a password_command run code on every colleague's machine. "
        f"Remove it and instead set {PASSWORD_ENV}, or in your own per-user cti config.toml "
        "(~/.config/cti/config.toml on Linux; `cti doctor` names it) write "
        '[smtp] password_file = "<file with mode 0600>" or '
        'password_command = ["pass", "show", "smtp"].'
    )


class SmtpSettings(BaseModel):
    """The `[smtp]` table of the team's `cti.toml`: where to send, never a secret."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True, hide_input_in_errors=True
    )

    host: str = Field(min_length=1)
    port: int = Field(ge=1, le=65535)
    security: Security = "starttls"
    username: str | None = None
    sender: str = Field(alias="from", min_length=3)
    timeout: float = Field(default=30.0, gt=0, le=600)
    cafile: Path | None = None

    @model_validator(mode="before")
    @classmethod
    def _refuse_secrets_and_default_port(cls, data: Any) -> Any:
        # Before validation, so a password is refused even next to other mistakes and never
        # reaches a model (or an error message).
        if not isinstance(data, Mapping):
            return data
        secret = sorted(k for k in data if isinstance(k, str) and "password" in k.lower())
        if secret:
            raise ValueError(_password_refusal(secret))
        if data.get("port") is None:
            security = data.get("security", "starttls")
            if isinstance(security, str) and security in DEFAULT_PORTS:
                data = {**data, "port": DEFAULT_PORTS[security]}
        return data

    @field_validator("sender")
    @classmethod
    def _sender_is_an_address(cls, value: str) -> str:
        if "@" not in parseaddr(value)[1]:
            raise ValueError('must be a mail address, e.g. "CTI <cti@kommune.dk>"')
        return value

    @model_validator(mode="after")
    def _no_login_in_plain_text(self) -> Self:
        if self.security == "none" and self.username is not None:
            raise ValueError(
                'security = "none" with a username would send the password unencrypted; '
                'use "starttls" or "ssl"'
            )
        return self

    @property
    def sender_address(self) -> str:
        """The bare address of `from`, for the SMTP envelope and the Message-ID domain."""
        return parseaddr(self.sender)[1]
