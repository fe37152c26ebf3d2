"""`cti mail setup`: agree, on this machine, to the server that may receive the SMTP password."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from cti_cli.commands.context import Ctx
from cti_cli.core.errors import EXIT_OK, CtiError
from cti_cli.core.safetext import shown

if TYPE_CHECKING:
    from cti_cli.storage.store import Folder


def setup(ctx: Ctx) -> int:
    """Pin the `[smtp]` server of cti.toml (host, port, security, CA file) in the per-user
    config; from then on `cti due --email` sends the password only while cti.toml names it."""
    from cti_cli.core.settings import PASSWORD_ENV, SmtpSettings
    from cti_cli.mail import pin
    from cti_cli.mail.password import user_config_file

    folder = ctx.folder()
    if folder.config.smtp is None:
        raise CtiError("cti.toml has no [smtp] table: reminders go to the outbox "
                       "(.cti/outbox) and no password is needed",
                       hint="add [smtp] host, port, security and from to cti.toml first")
    settings = SmtpSettings.model_validate(folder.config.smtp)
    problem = pin.cafile_problem(settings, folder.root)
    if problem is not None:
        raise CtiError(problem, hint="nothing was pinned")
    path = user_config_file(os.environ)
    agreed = pin.add_pin(settings, path)
    print(shown(f"this machine sends its SMTP password only to {agreed.describe()}"))
    print(f"  (pinned in {path}; if [smtp] in cti.toml changes, `cti due --email` "
          "refuses to log in until you run `cti mail setup` again)")
    if settings.username is not None and not os.environ.get(PASSWORD_ENV):
        print(f"  the password: set {PASSWORD_ENV}, or password_file / password_command "
              f"under [smtp] in {path} (see the README, \"The password\")")
    return EXIT_OK


def smtp_warnings(folder: Folder) -> list[str]:
    """For `cti sync`: what a pulled change of `[smtp]` means for this machine's password
    (nothing when the folder has no [smtp], or it still names the server agreed to)."""
    from cti_cli.core.settings import SmtpSettings
    from cti_cli.mail import pin
    from cti_cli.mail.errors import MailError

    if folder.config.smtp is None:
        return []
    try:
        settings = SmtpSettings.model_validate(folder.config.smtp)
        return [f"warning: {text}" for text in pin.warnings(settings, folder.root)]
    except (MailError, ValueError) as exc:
        return [f"warning: [smtp]: {exc}"]
