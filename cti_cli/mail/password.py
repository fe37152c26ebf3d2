"""The SMTP password, from the user's side only: the environment, a 0600 file, or a command
named in the per-user config, never from the team's repository."""

from __future__ import annotations

import os
import stat
import subprocess
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Final

import platformdirs

from cti_cli.core.settings import PASSWORD_ENV, SmtpSettings
from cti_cli.locale import _
from cti_cli.mail.errors import MailError

CONFIG_HOME_ENV: Final = "CTI_CONFIG_HOME"
PASSWORD_COMMAND_TIMEOUT: Final = 30.0


def user_config_file(env: Mapping[str, str] = os.environ) -> Path:
    """The per-user config: only there may a password file or password command be named."""
    home = env.get(CONFIG_HOME_ENV)
    base = Path(home) if home else platformdirs.user_config_path("cti")
    return base / "config.toml"



def resolve_password(
    settings: SmtpSettings,
    env: Mapping[str, str] = os.environ,
    user_config_path: Path | None = None,
) -> str | None:
    """The SMTP password from the user's side only: env, a 0600 file, or a command.

    None when no login is configured (no username) or no source is set; the mailer then
    says what to set if the server does want a login.
    """
    if settings.username is None:
        return None
    from_env = env.get(PASSWORD_ENV)
    if from_env:
        return from_env
    path = user_config_path if user_config_path is not None else user_config_file(env)
    try:
        with path.open("rb") as fh:
            config = tomllib.load(fh)
    except FileNotFoundError:
        return None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise MailError(_("{path}: cannot read the per-user config: {reason}").format(
            path=path, reason=exc)) from None
    table = config.get("smtp", {})
    if not isinstance(table, dict):
        raise MailError(_("{path}: [smtp] must be a table").format(path=path))
    unknown = sorted(
        k
        for k in table
        if "password" in k.lower() and k not in {"password_file", "password_command"}
    )
    if unknown:
        raise MailError(
            _("{path}: [smtp] {keys} is not supported; use password_file (a file with mode "
              "0600), password_command, or {env}").format(path=path, keys=", ".join(unknown),
                                                          env=PASSWORD_ENV)
        )
    if "password_file" in table and "password_command" in table:
        raise MailError(_("{path}: [smtp] set either password_file or password_command, not "
                          "both").format(path=path))
    if "password_file" in table:
        return _read_password_file(path, table["password_file"])
    if "password_command" in table:
        return _run_password_command(path, table["password_command"])
    return None


def _read_password_file(config_path: Path, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise MailError(_("{path}: [smtp] password_file must be a path string").format(
            path=config_path))
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = config_path.parent / path
    try:
        st = path.stat()
    except OSError as exc:
        raise MailError(_("password file {path}: {reason}").format(
            path=path, reason=exc.strerror)) from None
    # Windows has no POSIX modes to check; there the file's ACL is the user's business.
    if os.name == "posix" and st.st_mode & 0o077:
        mode = stat.S_IMODE(st.st_mode)
        raise MailError(
            _("password file {path} has mode {mode}, so others on this machine can read it; "
              "make it private with: chmod 600 {path}").format(path=path, mode=f"{mode:04o}")
        )
    try:
        password = path.read_text(encoding="utf-8").rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise MailError(_("password file {path}: cannot read it ({reason})").format(
            path=path, reason=type(exc).__name__)) from None
    if not password:
        raise MailError(_("password file {path} is empty").format(path=path))
    return password


def _run_password_command(config_path: Path, value: object) -> str:
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(part, str) and part for part in value)
    ):
        raise MailError(
            _('{path}: [smtp] password_command must be a list such as ["pass", "show", '
              '"smtp"]; it is run without a shell').format(path=config_path)
        )
    # Only the program: its arguments might hold what the user thinks of as secret.
    shown = value[0]
    try:
        result = subprocess.run(  # the user's own config; no shell
            value,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=PASSWORD_COMMAND_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise MailError(_("password_command: program {program} not found").format(
            program=repr(shown))) from None
    except subprocess.TimeoutExpired:
        raise MailError(
            _("password_command {program} did not finish within {seconds} s (is it waiting "
              "for a passphrase? cron has no terminal)").format(
                program=repr(shown), seconds=f"{PASSWORD_COMMAND_TIMEOUT:g}")
        ) from None
    except OSError as exc:
        raise MailError(_("password_command {program} could not run: {reason}").format(
            program=repr(shown), reason=exc.strerror)) from None
    # Its output is never shown: stdout may be the password, stderr may quote it.
    if result.returncode != 0:
        raise MailError(
            _("password_command {program} failed with exit status {status}; run it yourself "
              "to see why").format(program=repr(shown), status=result.returncode)
        )
    password = result.stdout.strip()
    if not password:
        raise MailError(_("password_command {program} printed nothing").format(
            program=repr(shown)))
    return password
