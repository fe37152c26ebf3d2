"""Where this machine agreed to send its SMTP password.

Anyone who can push can change `[smtp] host/port` or `cafile` in the team's `cti.toml`; a
cron machine that followed would hand its password to their server. So the server that may
receive the password is pinned in the per-user config (`cti mail setup` writes it), and the
password is sent only while `cti.toml` still names that server:

    [[smtp.trusted]]
    host = "smtp.kommune.dk"
    port = 587
    security = "starttls"
    cafile = "/etc/ssl/kommune-ca.pem"      # absent: the system's CAs
    cafile_sha256 = "…"                     # what the CA file held when it was agreed

A CA file inside the team's repository is refused outright: whoever can push could replace it
with their own and read the mail.
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cti_cli.core.settings import SmtpSettings
from cti_cli.locale import _
from cti_cli.mail.errors import MailError
from cti_cli.mail.password import user_config_file

SETUP_COMMAND = "cti mail setup"


@dataclass(frozen=True)
class Pin:
    """One server this machine agreed to: what `[smtp]` named when the password was set up."""

    host: str
    port: int
    security: str
    cafile: str | None
    cafile_sha256: str | None

    def describe(self) -> str:
        ca = f", CA file {self.cafile}" if self.cafile else ", the system's CAs"
        return f"{self.host}:{self.port} ({self.security}{ca})"


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def pin_of(settings: SmtpSettings) -> Pin:
    """The pin `settings` would need: host, port, security, and the CA file's content."""
    cafile = str(settings.cafile) if settings.cafile else None
    digest = _sha256(Path(cafile)) if cafile else None
    return Pin(settings.host.lower(), settings.port, settings.security, cafile, digest)


def _read_table(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            config = tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise MailError(_("{path}: cannot read the per-user config: {reason}").format(
            path=path, reason=exc)) from None
    table = config.get("smtp", {})
    if not isinstance(table, dict):
        raise MailError(_("{path}: [smtp] must be a table").format(path=path))
    return table


def read_pins(path: Path) -> list[Pin]:
    """Every server agreed to in the per-user config, oldest first."""
    entries = _read_table(path).get("trusted", [])
    if not isinstance(entries, list):
        raise MailError(_("{path}: [[smtp.trusted]] must be a list of tables; run `{command}` "
                          "to write it").format(path=path, command=SETUP_COMMAND))
    pins = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("host"), str) \
                or not isinstance(entry.get("port"), int):
            raise MailError(_("{path}: an [[smtp.trusted]] entry needs host and port; run "
                              "`{command}` to write it").format(path=path,
                                                                command=SETUP_COMMAND))
        cafile, digest = entry.get("cafile"), entry.get("cafile_sha256")
        pins.append(Pin(entry["host"].lower(), entry["port"], str(entry.get("security", "")),
                        cafile if isinstance(cafile, str) else None,
                        digest if isinstance(digest, str) else None))
    return pins


def changes(wanted: Pin, agreed: Pin) -> list[str]:
    """What differs between the agreed server and the one cti.toml names now, in words."""
    found = []
    if wanted.host != agreed.host:
        found.append(f"host {agreed.host} → {wanted.host}")
    if wanted.port != agreed.port:
        found.append(f"port {agreed.port} → {wanted.port}")
    if wanted.security != agreed.security:
        found.append(f"security {agreed.security} → {wanted.security}")
    if wanted.cafile != agreed.cafile:
        found.append(f"cafile {agreed.cafile or _('(system CAs)')} → "
                     f"{wanted.cafile or _('(system CAs)')}")
    elif wanted.cafile_sha256 != agreed.cafile_sha256:
        found.append(_("the content of the CA file {file}").format(file=wanted.cafile))
    return found


def cafile_problem(settings: SmtpSettings, repo_root: Path) -> str | None:
    """Why the `cafile` may not be used, or None: it must be an absolute path outside the
    team's folder (a relative one would be found inside it, or wherever cron happens to run)."""
    if settings.cafile is None:
        return None
    cafile = Path(settings.cafile)
    if not cafile.is_absolute():
        return _("[smtp] cafile {file} is a relative path: cti only trusts a CA file named "
                 "by an absolute path outside the team's folder").format(file=cafile)
    try:
        real = cafile.resolve()
        inside = real.is_relative_to(repo_root.resolve())
    except (OSError, RuntimeError):
        inside = False
    if inside:
        return _("[smtp] cafile {file} lies inside the team's folder, where anyone who can "
                 "push could replace it with their own and read the mail; keep the "
                 "municipality's CA file outside (e.g. /etc/ssl/…) and name that path").format(
            file=cafile)
    return None


def refusal(settings: SmtpSettings, env: Mapping[str, str] = os.environ,
            config_path: Path | None = None) -> str | None:
    """Why the password must not go to the server `settings` name, or None when it may.

    Only a login needs a pin: without `username` no password is sent at all.
    """
    if settings.username is None:
        return None
    path = config_path if config_path is not None else user_config_file(env)
    pins = read_pins(path)
    wanted = pin_of(settings)
    if wanted in pins:
        return None
    if not pins:
        return _("this machine has not agreed to send the SMTP password to {server}; check "
                 "that this is the municipality's mail server, then run `{command}`").format(
            server=wanted.describe(), command=SETUP_COMMAND)
    diff = changes(wanted, pins[-1])
    return _("[smtp] in cti.toml changed since this machine agreed to send its SMTP password "
             "({changes}): the password was not sent. If the change is right, run `{command}` "
             "to agree to the new server").format(changes="; ".join(diff),
                                                  command=SETUP_COMMAND)


def check(settings: SmtpSettings, repo_root: Path, env: Mapping[str, str] = os.environ,
          config_path: Path | None = None) -> None:
    """Raise MailError when the CA file or the server is not one this machine agreed to."""
    problem = cafile_problem(settings, repo_root) or refusal(settings, env, config_path)
    if problem is not None:
        raise MailError(problem)


def add_pin(settings: SmtpSettings, path: Path) -> Pin:
    """Agree to the server `settings` name: append an [[smtp.trusted]] entry (mode 0600).

    Appended as text so the person's own lines and comments stay; the result is read back
    and nothing is written when it would not parse.
    """
    pin = pin_of(settings)
    if settings.cafile is not None and pin.cafile_sha256 is None:
        raise MailError(_("cafile {file}: cannot read it; nothing was pinned").format(
            file=settings.cafile))
    if pin in read_pins(path):
        return pin
    lines = ["", "[[smtp.trusted]]  # written by `cti mail setup`",
             f"host = {json.dumps(pin.host)}", f"port = {pin.port}",
             f"security = {json.dumps(pin.security)}"]
    if pin.cafile:
        lines += [f"cafile = {json.dumps(pin.cafile)}",
                  f"cafile_sha256 = {json.dumps(pin.cafile_sha256)}"]
    try:
        old = path.read_text("utf-8")
    except FileNotFoundError:
        old = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise MailError(_("{path}: cannot read the per-user config ({reason})").format(
            path=path, reason=type(exc).__name__)) from None
    new = old + ("" if not old or old.endswith("\n") else "\n") + "\n".join(lines) + "\n"
    try:
        tomllib.loads(new)
    except tomllib.TOMLDecodeError as exc:
        raise MailError(_("{path}: cannot add the pin to this file ({reason}); add the "
                          "[[smtp.trusted]] entry by hand").format(path=path, reason=exc)) \
            from None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(new)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise MailError(_("{path}: cannot write the per-user config ({reason})").format(
            path=path, reason=exc.strerror)) from None
    return pin


def warnings(settings: SmtpSettings, repo_root: Path, env: Mapping[str, str] = os.environ,
             config_path: Path | None = None) -> list[str]:
    """What `doctor` and `sync` say about `[smtp]`: a CA file in the folder, or a server
    other than the one this machine agreed to (only where a password would be sent)."""
    found = [p for p in (cafile_problem(settings, repo_root),) if p]
    try:
        refused = refusal(settings, env, config_path)
    except MailError as exc:
        refused = str(exc)
    if refused is not None:
        found.append(refused)
    return found
