"""Sending reminder mail: one SMTP connection per run, or a Maildir outbox.

Settings come from the team's committed `cti.toml`, so they hold no secret; the password
comes from the user's environment or per-user config (`mail.password`). Everything that can
go wrong while sending becomes one `MailError` with a short message for a cron log: no
traceback and never the password.
"""

from __future__ import annotations

import contextlib
import mailbox
import smtplib
import socket
import ssl
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType
from typing import Self

from cti_cli.core.settings import PASSWORD_ENV, SmtpSettings
from cti_cli.locale import _
from cti_cli.mail.compose import one_line
from cti_cli.mail.errors import MailError, RecipientRefused
from cti_cli.mail.password import user_config_file


class SmtpMailer:
    """One SMTP connection for a morning run: connect once on enter, send many, quit.

    With "starttls" the session is upgraded before anything else is said, and a server that
    does not offer STARTTLS is refused rather than used in plain text.
    """

    def __init__(self, settings: SmtpSettings, password: str | None = None) -> None:
        self.settings = settings
        self._password = password
        self._smtp: smtplib.SMTP | None = None

    def __repr__(self) -> str:  # never the password
        s = self.settings
        return f"SmtpMailer({s.host}:{s.port}, {s.security})"

    @property
    def sender(self) -> str:
        """The team's `from`, used in the From header and the SMTP envelope."""
        return self.settings.sender

    @property
    def _where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    def _tls_context(self) -> ssl.SSLContext:
        cafile = self.settings.cafile
        try:
            context = ssl.create_default_context(cafile=str(cafile) if cafile else None)
        except (OSError, ssl.SSLError) as exc:
            raise MailError(
                _("cafile {file}: cannot load it as PEM certificates ({error}); check [smtp] "
                  "cafile in cti.toml").format(file=cafile, error=type(exc).__name__)
            ) from None
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        return context

    def __enter__(self) -> Self:
        self.connect()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def connect(self) -> None:
        """Open, secure and log in; every failure becomes a `MailError`."""
        s = self.settings
        context = self._tls_context() if s.security != "none" else None
        smtp: smtplib.SMTP | None = None
        try:
            if s.security == "ssl":
                smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            smtp.ehlo()
            if s.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise MailError(
                        _("{where} does not offer STARTTLS, and cti will not send in plain "
                          'text; check [smtp] port (587 for starttls) or use security = "ssl" '
                          "on port 465").format(where=self._where)
                    )
                smtp.starttls(context=context)
                smtp.ehlo()
            if s.username is not None:
                if self._password is None:
                    raise MailError(
                        _("{where}: [smtp] username is {username} but no password is set; set "
                          "{env}, or password_file / password_command under [smtp] in "
                          "{file}").format(where=self._where, username=repr(s.username),
                                           env=PASSWORD_ENV, file=user_config_file())
                    )
                smtp.login(s.username, self._password)
        except MailError:
            _quietly_close(smtp)
            raise
        except Exception as exc:  # all become one clear message
            _quietly_close(smtp)
            raise MailError(self._explain(exc)) from None
        self._smtp = smtp

    def send(self, msg: EmailMessage) -> str:
        """Send one message; returns its Message-ID for the report."""
        if self._smtp is None:
            raise MailError(_("{where}: not connected (use the mailer in a with block)").format(
                where=self._where))
        try:
            self._smtp.send_message(msg, from_addr=self.settings.sender_address)
        except smtplib.SMTPRecipientsRefused as exc:
            refused = ", ".join(
                f"{addr} ({code} {_decode(text)})" for addr, (code, text) in exc.recipients.items()
            )
            raise RecipientRefused(
                _("{where} refused the recipient {recipient}; check the worker's email in "
                  "cti.toml").format(where=self._where, recipient=refused)
            ) from None
        except Exception as exc:
            raise MailError(self._explain(exc)) from None
        return str(msg["Message-ID"])

    def close(self) -> None:
        """Say goodbye; a server that already hung up is no error after the work is done."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                _quietly_close(smtp)

    def _explain(self, exc: BaseException) -> str:
        where, s = self._where, self.settings
        if isinstance(exc, smtplib.SMTPServerDisconnected) and isinstance(
            exc.__context__, TimeoutError
        ):
            exc = exc.__context__  # smtplib reports a read timeout as a disconnect
        match exc:
            case ssl.SSLCertVerificationError():
                return (
                    _("{where}: the server's certificate could not be verified ({error}); if "
                      "the municipality uses its own CA, set [smtp] cafile to its PEM file")
                    .format(where=where, error=exc.verify_message)
                )
            case ssl.SSLError():
                return (
                    _("{where}: TLS failed ({error}); check [smtp] security: 587 usually "
                      "means starttls, 465 means ssl").format(
                        where=where, error=exc.reason or exc.strerror)
                )
            case ConnectionRefusedError():
                return _("{where}: connection refused; check [smtp] host and port in "
                         "cti.toml").format(where=where)
            case socket.gaierror():
                return _("{where}: unknown host; check [smtp] host in cti.toml and the "
                         "network").format(where=where)
            case TimeoutError():
                return (
                    _("{where}: no answer within {seconds} s; check host, port and firewall, "
                      "and security (starttls against port 465 waits for ever)").format(
                        where=where, seconds=f"{s.timeout:g}")
                )
            case smtplib.SMTPAuthenticationError():
                return (
                    _("{where}: login as {username} refused ({code}); check the username in "
                      "cti.toml and your password").format(
                        where=where, username=repr(s.username), code=exc.smtp_code)
                )
            case smtplib.SMTPNotSupportedError():
                return (
                    _("{where}: the server does not accept a login here; remove [smtp] "
                      "username or check security").format(where=where)
                )
            case smtplib.SMTPSenderRefused():
                return (
                    _("{where}: the sender {sender} was refused ({code} {said}); check "
                      "[smtp] from").format(where=where, sender=exc.sender,
                                            code=exc.smtp_code, said=_decode(exc.smtp_error))
                )
            case smtplib.SMTPServerDisconnected():
                return _("{where}: the server closed the connection; check [smtp] security "
                         "and port").format(where=where)
            case smtplib.SMTPResponseException():
                return _("{where}: the server said {code} {said}").format(
                    where=where, code=exc.smtp_code, said=_decode(exc.smtp_error))
            case OSError():
                return f"{where}: {exc.strerror or type(exc).__name__}"
            case _:
                return f"{where}: {type(exc).__name__}: {exc}"


def _decode(text: bytes | str) -> str:
    raw = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return one_line(raw)[:200]


def _quietly_close(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        with contextlib.suppress(OSError):
            smtp.close()


class OutboxMailer:
    """The default without `[smtp]`: a Maildir that any mail client can open or forward.

    Delivery into a Maildir is atomic (written in tmp/, renamed into new/), so a crash leaves
    no half message for the next run to trip over.
    """

    def __init__(self, folder: Path, sender: str = "CTI <cti@localhost>") -> None:
        self.folder = folder
        self.sender = sender

    def __repr__(self) -> str:
        return f"OutboxMailer({self.folder})"

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    def send(self, msg: EmailMessage) -> str:
        """Deliver into `folder/new/`; returns the path of the message file."""
        try:
            self.folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            box = mailbox.Maildir(self.folder, create=True)
            key = box.add(msg)
            path = self.folder / "new" / key
            path.chmod(0o600)  # names case ids and colleagues' addresses
        except OSError as exc:
            raise MailError(
                _("outbox {folder}: cannot write ({error})").format(
                    folder=self.folder, error=exc.strerror or type(exc).__name__)
            ) from None
        return str(path)
