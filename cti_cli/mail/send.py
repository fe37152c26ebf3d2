"""Composing and sending reminder mail.

Settings come from the team's committed `cti.toml`, so they hold no secret; the password
comes from the user's environment or per-user config. Everything that can go wrong while
sending becomes one `MailError` with a short message for a cron log: no traceback and never
the password.
"""

from __future__ import annotations

import contextlib
import html
import mailbox
import os
import re
import smtplib
import socket
import ssl
import stat
import subprocess
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from pathlib import Path
from types import TracebackType
from typing import Final, Literal, Self

import platformdirs

from cti_cli.core.dueitem import NO_CASE, DueItem
from cti_cli.core.errors import CtiError
from cti_cli.core.settings import PASSWORD_ENV, SmtpSettings

Lang = Literal["da", "en"]

CONFIG_HOME_ENV: Final = "CTI_CONFIG_HOME"
PASSWORD_COMMAND_TIMEOUT: Final = 30.0

CPR_LIKE: Final = re.compile(r"\b\d{6}-?\d{4}\b")


class MailError(CtiError, ValueError):
    """Mail could not be configured, composed or sent; the message says what to check.

    A `CtiError`, so the CLI shows it without a traceback and exits 1.
    """


class RecipientRefused(MailError):
    """The server refused one recipient; the connection is still usable for the others."""


class PrivacyError(MailError):
    """The composed text looks like it contains personal data, so it is not sent."""


def user_config_file(env: Mapping[str, str] = os.environ) -> Path:
    """The per-user config: only there may a password file or password command be named."""
    home = env.get(CONFIG_HOME_ENV)
    base = Path(home) if home else platformdirs.user_config_path("cti")
    return base / "config.toml"


# --- the password -----------------------------------------------------------------------


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
        raise MailError(f"{path}: cannot read the per-user config: {exc}") from None
    table = config.get("smtp", {})
    if not isinstance(table, dict):
        raise MailError(f"{path}: [smtp] must be a table")
    unknown = sorted(
        k
        for k in table
        if "password" in k.lower() and k not in {"password_file", "password_command"}
    )
    if unknown:
        raise MailError(
            f"{path}: [smtp] {', '.join(unknown)} is not supported; use password_file "
            f"(a file with mode 0600), password_command, or {PASSWORD_ENV}"
        )
    if "password_file" in table and "password_command" in table:
        raise MailError(f"{path}: [smtp] set either password_file or password_command, not both")
    if "password_file" in table:
        return _read_password_file(path, table["password_file"])
    if "password_command" in table:
        return _run_password_command(path, table["password_command"])
    return None


def _read_password_file(config_path: Path, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise MailError(f"{config_path}: [smtp] password_file must be a path string")
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = config_path.parent / path
    try:
        st = path.stat()
    except OSError as exc:
        raise MailError(f"password file {path}: {exc.strerror}") from None
    # Windows has no POSIX modes to check; there the file's ACL is the user's business.
    if os.name == "posix" and st.st_mode & 0o077:
        mode = stat.S_IMODE(st.st_mode)
        raise MailError(
            f"password file {path} has mode {mode:04o}, so others on this machine can read "
            f"it; make it private with: chmod 600 {path}"
        )
    try:
        password = path.read_text(encoding="utf-8").rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise MailError(f"password file {path}: cannot read it ({type(exc).__name__})") from None
    if not password:
        raise MailError(f"password file {path} is empty")
    return password


def _run_password_command(config_path: Path, value: object) -> str:
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(part, str) and part for part in value)
    ):
        raise MailError(
            f'{config_path}: [smtp] password_command must be a list such as ["pass", "show", '
            '"smtp"]; it is run without a shell'
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
        raise MailError(f"password_command: program {shown!r} not found") from None
    except subprocess.TimeoutExpired:
        raise MailError(
            f"password_command {shown!r} did not finish within {PASSWORD_COMMAND_TIMEOUT:g} s "
            "(is it waiting for a passphrase? cron has no terminal)"
        ) from None
    except OSError as exc:
        raise MailError(f"password_command {shown!r} could not run: {exc.strerror}") from None
    # Its output is never shown: stdout may be the password, stderr may quote it.
    if result.returncode != 0:
        raise MailError(
            f"password_command {shown!r} failed with exit status {result.returncode}; "
            "run it yourself to see why"
        )
    password = result.stdout.strip()
    if not password:
        raise MailError(f"password_command {shown!r} printed nothing")
    return password


# --- composing --------------------------------------------------------------------------

KIND_WORDS: Final[Mapping[str, Mapping[str, str]]] = {
    "da": {
        "phase_end": "Fase slutter",
        "documentation": "Dokumentation",
        "handover_meeting": "Overdragelsesmøde",
        "checklist": "Tjekliste",
        "appointment": "Aftale",
        "no_contact": "Ingen kontakt",
        "contact_period": "Lang kontaktskabelse",
        "caseload": "Sagsstamme",
    },
    "en": {
        "phase_end": "Phase ends",
        "documentation": "Documentation",
        "handover_meeting": "Handover meeting",
        "checklist": "Checklist",
        "appointment": "Appointment",
        "no_contact": "No contact",
        "contact_period": "Long contact period",
        "caseload": "Caseload",
    },
}

_TEXTS: Final[Mapping[str, Mapping[str, str]]] = {
    "da": {
        "subject": "CTI: {n} ting forfalder ({today})",
        "greeting": "Hej {name}",
        "intro": "Disse ting i {team} venter på dig:",
        "others": "{n} andre ting er stadig åbne, se `cti due`.",
        "other": "1 anden ting er stadig åben, se `cti due`.",
        "footer": "Sendt automatisk af cti. Svar ikke på denne mail.",
        "case": "Sag",
        "kind": "Hvad",
        "due": "Frist",
        "when": "Status",
        "note": "Besked",
    },
    "en": {
        "subject": "CTI: {n} {items} due ({today})",
        "greeting": "Hello {name}",
        "intro": "These items in {team} need you:",
        "others": "{n} other items are still open, see `cti due`.",
        "other": "1 other item is still open, see `cti due`.",
        "footer": "Sent automatically by cti. Please do not reply.",
        "case": "Case",
        "kind": "What",
        "due": "Due",
        "when": "Status",
        "note": "Message",
    },
}


def kind_words(kind: str, lang: Lang) -> str:
    """A kind in human words; an unknown kind is shown as it is rather than dropped."""
    return KIND_WORDS[lang].get(kind, kind)


def days_words(days_left: int, lang: Lang) -> str:
    """`days_left` as a reader says it: today, tomorrow, in 3 days, 2 days overdue."""
    if lang == "da":
        if days_left == 0:
            return "i dag"
        if days_left == 1:
            return "i morgen"
        if days_left > 1:
            return f"om {days_left} dage"
        late = -days_left
        return f"{late} dag{'e' if late != 1 else ''} over fristen"
    if days_left == 0:
        return "today"
    if days_left == 1:
        return "tomorrow"
    if days_left > 1:
        return f"in {days_left} days"
    late = -days_left
    return f"{late} day{'s' if late != 1 else ''} overdue"


def _urgency(item: DueItem) -> tuple[int, date, str, str]:
    return (item.days_left, item.due, item.case, item.kind)


def _case_label(item: DueItem, show_initials: bool) -> str:
    case = item.case or NO_CASE
    if show_initials and item.initials and case != NO_CASE:
        return f"{case} ({item.initials})"
    return case


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _check_privacy(subject: str, body: str, items: Iterable[DueItem]) -> None:
    # Name the item, never the match: the match itself would be the personal data.
    for item in items:
        if any(CPR_LIKE.search(text) for text in (item.case, item.message, item.initials)):
            raise PrivacyError(
                f"refusing to mail the {item.kind} item of case {item.case or NO_CASE}: its "
                "text looks like it contains a CPR number; remove it from the case file"
            )
    if CPR_LIKE.search(subject) or CPR_LIKE.search(body):
        raise PrivacyError(
            "refusing to send a reminder whose text looks like it contains a CPR number; "
            "check the team and worker names in cti.toml"
        )


def compose(
    worker_id: str,
    worker_name: str,
    to_addr: str,
    items: Sequence[DueItem],
    team_name: str,
    today: date,
    sender: str,
    lang: Lang = "da",
    show_initials: bool = False,
    *,
    other_open: int = 0,
) -> EmailMessage:
    """One worker's reminder: plain text plus an HTML alternative, most urgent first.

    `other_open` counts items already mailed earlier that are still open, so the mail stays
    short but says that `cti due` has more. Raises `PrivacyError` if anything in it looks
    like a CPR number, and ValueError if an item belongs to another worker.
    """
    if not items:
        raise ValueError("compose() needs at least one item")
    foreign = sorted({item.worker for item in items if item.worker != worker_id})
    if foreign:
        raise ValueError(f"items for worker(s) {', '.join(foreign)} in {worker_id}'s reminder")
    t = _TEXTS[lang]
    ordered = sorted(items, key=_urgency)
    n = len(ordered)
    subject = t["subject"].format(n=n, items="item" if n == 1 else "items", today=today)

    rows = [
        (
            _case_label(item, show_initials),
            kind_words(item.kind, lang),
            item.due.isoformat(),
            days_words(item.days_left, lang),
            _one_line(item.message),
        )
        for item in ordered
    ]
    greeting = t["greeting"].format(name=_one_line(worker_name))
    intro = t["intro"].format(team=_one_line(team_name))
    if other_open <= 0:
        others = ""
    else:
        others = t["other"] if other_open == 1 else t["others"].format(n=other_open)

    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [f"{greeting},", "", intro, ""]
    for row in rows:
        cells = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
        lines.append(f"  {cells.rstrip()}")
        if row[4]:
            lines.append(f"  {' ' * widths[0]}  {row[4]}")
    if others:
        lines += ["", others]
    lines += ["", "-- ", t["footer"], ""]
    text = "\n".join(lines)

    def esc(value: str) -> str:
        return html.escape(value, quote=True)

    head = "".join(f"<th align='left'>{esc(t[k])}</th>" for k in ("case", "kind", "due", "when"))
    body_rows = "".join(
        "<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row[:4]) + "</tr>"
        f"<tr><td></td><td colspan='3'>{esc(row[4])}</td></tr>"
        for row in rows
    )
    html_text = (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{esc(subject)}</title></head><body>"
        f"<p>{esc(greeting)},</p><p>{esc(intro)}</p>"
        f"<table cellpadding='4'><thead><tr>{head}</tr></thead><tbody>{body_rows}</tbody></table>"
        + (f"<p>{esc(others)}</p>" if others else "")
        + f"<p><small>{esc(t['footer'])}</small></p></body></html>\n"
    )
    _check_privacy(subject, text, ordered)

    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = formataddr((_one_line(worker_name), to_addr))
    msg["Date"] = formatdate(localtime=True)
    domain = parseaddr(sender)[1].rpartition("@")[2] or None
    msg["Message-ID"] = make_msgid(idstring=f"cti-due.{today.isoformat()}", domain=domain)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a robot
    msg["X-Auto-Response-Suppress"] = "All"  # the same for Exchange/Outlook
    # Quoted-printable keeps an outbox .eml readable in any editor.
    msg.set_content(text, cte="quoted-printable")
    msg.add_alternative(html_text, subtype="html", cte="quoted-printable")
    return msg


# --- sending ----------------------------------------------------------------------------


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
                f"cafile {cafile}: cannot load it as PEM certificates ({type(exc).__name__}); "
                "check [smtp] cafile in cti.toml"
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
                        f"{self._where} does not offer STARTTLS, and cti will not send in plain "
                        'text; check [smtp] port (587 for starttls) or use security = "ssl" '
                        "on port 465"
                    )
                smtp.starttls(context=context)
                smtp.ehlo()
            if s.username is not None:
                if self._password is None:
                    raise MailError(
                        f"{self._where}: [smtp] username is {s.username!r} but no password is "
                        f"set; set {PASSWORD_ENV}, or password_file / password_command under "
                        f"[smtp] in {user_config_file()}"
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
            raise MailError(f"{self._where}: not connected (use the mailer in a with block)")
        try:
            self._smtp.send_message(msg, from_addr=self.settings.sender_address)
        except smtplib.SMTPRecipientsRefused as exc:
            refused = ", ".join(
                f"{addr} ({code} {_decode(text)})" for addr, (code, text) in exc.recipients.items()
            )
            raise RecipientRefused(
                f"{self._where} refused the recipient {refused}; check the worker's email in "
                "cti.toml"
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
                    f"{where}: the server's certificate could not be verified "
                    f"({exc.verify_message}); if the municipality uses its own CA, set "
                    "[smtp] cafile to its PEM file"
                )
            case ssl.SSLError():
                return (
                    f"{where}: TLS failed ({exc.reason or exc.strerror}); check [smtp] "
                    "security: 587 usually means starttls, 465 means ssl"
                )
            case ConnectionRefusedError():
                return f"{where}: connection refused; check [smtp] host and port in cti.toml"
            case socket.gaierror():
                return f"{where}: unknown host; check [smtp] host in cti.toml and the network"
            case TimeoutError():
                return (
                    f"{where}: no answer within {s.timeout:g} s; check host, port and "
                    "firewall, and security (starttls against port 465 waits for ever)"
                )
            case smtplib.SMTPAuthenticationError():
                return (
                    f"{where}: login as {s.username!r} refused ({exc.smtp_code}); check the "
                    "username in cti.toml and your password"
                )
            case smtplib.SMTPNotSupportedError():
                return (
                    f"{where}: the server does not accept a login here; remove [smtp] "
                    "username or check security"
                )
            case smtplib.SMTPSenderRefused():
                return (
                    f"{where}: the sender {exc.sender} was refused ({exc.smtp_code} "
                    f"{_decode(exc.smtp_error)}); check [smtp] from"
                )
            case smtplib.SMTPServerDisconnected():
                return f"{where}: the server closed the connection; check [smtp] security and port"
            case smtplib.SMTPResponseException():
                return f"{where}: the server said {exc.smtp_code} {_decode(exc.smtp_error)}"
            case OSError():
                return f"{where}: {exc.strerror or type(exc).__name__}"
            case _:
                return f"{where}: {type(exc).__name__}: {exc}"


def _decode(text: bytes | str) -> str:
    raw = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return _one_line(raw)[:200]


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
                f"outbox {self.folder}: cannot write ({exc.strerror or type(exc).__name__})"
            ) from None
        return str(path)
