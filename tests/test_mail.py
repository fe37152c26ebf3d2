"""Reminder mail end to end against a real SMTP server (aiosmtpd) on 127.0.0.1.

No mocks of smtplib: what is tested is what cron will do, TLS and certificates included.
"""

from __future__ import annotations

import email
import email.policy
import json
import shutil
import socket
import ssl
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from pydantic import ValidationError

from cti_cli.core.dueitem import DueItem
from cti_cli.core.settings import SmtpSettings
from cti_cli.mail.compose import compose
from cti_cli.mail.errors import MailError, PrivacyError
from cti_cli.mail.ledger import Ledger, LedgerBusy, folder_key, key
from cti_cli.mail.password import resolve_password
from cti_cli.mail.run import SendReport, send_due
from cti_cli.mail.send import OutboxMailer, SmtpMailer

TODAY = date(2026, 3, 2)
SENDER = "CTI Team Nord <cti@kommune.example>"
WORKERS: dict[str, tuple[str, str | None]] = {
    "anna": ("Anna Holm", "anna@kommune.example"),
    "bo": ("Bo Æbelø", "bo@kommune.example"),
    "carl": ("Carl Nielsen", None),
}


# --- helpers and fixtures -------------------------------------------------------------


def item(case: str, worker: str, kind: str = "phase_end", days_left: int = 3, **kw: Any) -> DueItem:
    values: dict[str, Any] = {
        "case": case,
        "initials": "XY",
        "worker": worker,
        "kind": kind,
        "due": TODAY + timedelta(days=days_left),
        "days_left": days_left,
        "message": f"{kind} for case {case}",
    }
    values.update(kw)
    return DueItem(**values)


def free_port() -> int:
    # aiosmtpd cannot bind port 0 itself; ask the OS for a free port first.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def parse(content: bytes) -> EmailMessage:
    msg = email.message_from_bytes(content, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def plain(msg: EmailMessage) -> str:
    part = msg.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def html_part(msg: EmailMessage) -> str:
    part = msg.get_body(("html",))
    assert part is not None
    return str(part.get_content())


@dataclass
class Collector:
    """aiosmtpd handler: keeps envelopes; can refuse chosen recipients or data."""

    envelopes: list[Envelope] = field(default_factory=list)
    refuse_rcpt: set[str] = field(default_factory=set)
    fail_data_for: set[str] = field(default_factory=set)

    async def handle_RCPT(
        self, server: Any, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refuse_rcpt:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        if set(envelope.rcpt_tos) & self.fail_data_for:
            return "554 5.3.0 transaction failed"
        self.envelopes.append(envelope)
        return "250 OK"

    def messages(self) -> list[EmailMessage]:
        return [parse(bytes(e.content or b"")) for e in self.envelopes]  # type: ignore[arg-type]


@dataclass
class Server:
    port: int
    handler: Collector
    logins: list[tuple[str, str]]


@pytest.fixture(scope="session")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (cert, key), made with openssl."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    d = tmp_path_factory.mktemp("tls")
    crt, key_file = d / "cert.pem", d / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key_file), "-out", str(crt), "-days", "2",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return crt, key_file


@pytest.fixture
def smtp_server(cert: tuple[Path, Path]) -> Iterator[Callable[..., Server]]:
    """Start real SMTP servers: plain, STARTTLS or implicit TLS, optionally with AUTH."""
    controllers: list[Controller] = []

    def start(
        security: str = "none",
        port: int | None = None,
        password: str | None = None,
        handler: Collector | None = None,
    ) -> Server:
        handler = handler or Collector()
        logins: list[tuple[str, str]] = []

        def authenticator(
            server: Any, session: Session, envelope: Envelope, mechanism: str, data: Any
        ) -> AuthResult:
            assert isinstance(data, LoginPassword)
            login, secret = data.login.decode(), data.password.decode()
            logins.append((login, secret))
            return AuthResult(success=secret == password, handled=False)  # handled=False: reply 535

        kwargs: dict[str, Any] = {}
        if password is not None:
            kwargs["authenticator"] = authenticator
        if security != "none":
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*cert)
            if security == "starttls":
                kwargs.update(tls_context=context, require_starttls=True)
            else:
                kwargs.update(ssl_context=context, auth_require_tls=False)
        port = port or free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        controllers.append(controller)
        return Server(port, handler, logins)

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CTI_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("CTI_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("CTI_SMTP_PASSWORD", raising=False)


def settings(port: int, **kw: Any) -> SmtpSettings:
    data: dict[str, Any] = {"host": "127.0.0.1", "port": port, "security": "none", "from": SENDER}
    data["timeout"] = 5
    data.update(kw)
    return SmtpSettings.model_validate(data)


def run(
    items: list[DueItem],
    smtp: SmtpSettings,
    today: date = TODAY,
    password: str | None = None,
    **kw: Any,
) -> SendReport:
    """One morning run as `cti due --email` does it: a fresh process, lock, connect, send."""
    ledger = Ledger.open(folder_key(Path("/teams/nord")))
    with ledger.lock(timeout=5), SmtpMailer(smtp, password) as mailer:
        return send_due(items, WORKERS, mailer, ledger, today, "Team Nord", **kw)


def ledger_entries() -> dict[str, str]:
    ledger = Ledger.open(folder_key(Path("/teams/nord")))
    return {} if not ledger.path.exists() else json.loads(ledger.path.read_text())["sent"]


# --- DueItem --------------------------------------------------------------------------


def test_due_item_json_shape_and_kind_check() -> None:
    it = item("2026-004", "anna", "documentation", -2)
    assert it.to_json() == {
        "case": "2026-004",
        "initials": "XY",
        "worker": "anna",
        "kind": "documentation",
        "due": "2026-02-28",
        "days_left": -2,
        "message": "documentation for case 2026-004",
    }
    assert it.overdue
    with pytest.raises(ValueError, match="unknown due item kind"):
        item("2026-004", "anna", "birthday")


# --- sending ----------------------------------------------------------------------------


def test_one_message_per_worker_with_both_parts(smtp_server: Callable[..., Server]) -> None:
    server = smtp_server()
    items = [
        item("2026-004", "anna", "appointment", 5),
        item("2026-001", "anna", "phase_end", -1),
        item("-", "anna", "caseload", 0, initials="", message="12 active courses (target 10)"),
        item("2026-007", "bo", "handover_meeting", 2),
        item("2026-009", "carl", "checklist", 1),
    ]
    report = run(items, settings(server.port))

    assert sorted(report.delivered) == ["anna", "bo"]
    assert report.no_address == ["carl"]
    assert not report.ok  # carl's reminder went nowhere: the command must say so
    assert report.items_sent == 4
    envelopes = sorted(server.handler.envelopes, key=lambda e: e.rcpt_tos)
    assert [e.rcpt_tos for e in envelopes] == [["anna@kommune.example"], ["bo@kommune.example"]]
    assert all(e.mail_from == "cti@kommune.example" for e in envelopes)

    anna = parse(envelopes[0].content)  # type: ignore[arg-type]
    assert anna["Subject"] == "CTI: 3 ting forfalder (2026-03-02)"
    assert anna["Auto-Submitted"] == "auto-generated"
    assert anna["X-Auto-Response-Suppress"] == "All"
    assert anna["Message-ID"].endswith("@kommune.example>")
    assert anna["Date"]
    assert anna["To"].addresses[0].display_name == "Anna Holm"
    assert anna.get_content_type() == "multipart/alternative"
    text = plain(anna)
    # Most urgent first: overdue, today, then later.
    assert text.index("2026-001") < text.index("Sagsstamme") < text.index("2026-004")
    assert "1 dag over fristen" in text and "i dag" in text and "om 5 dage" in text
    assert "Faseslut" in text and "Aftale" in text
    assert "XY" not in text and "XY" not in html_part(anna)  # initials are opt-in
    assert "<table" in html_part(anna) and "2026-001" in html_part(anna)
    bo = parse(envelopes[1].content)  # type: ignore[arg-type]
    assert "2026-004" not in plain(bo)  # nobody sees another worker's cases
    assert bo["Subject"] == "CTI: 1 ting forfalder (2026-03-02)"


def test_second_run_sends_nothing(smtp_server: Callable[..., Server]) -> None:
    server = smtp_server()
    items = [item("2026-001", "anna"), item("2026-007", "bo")]
    assert run(items, settings(server.port)).items_sent == 2
    second = run(items, settings(server.port))
    assert second.items_sent == 0 and second.already_sent == 2 and second.ok
    assert len(server.handler.envelopes) == 2


def test_item_is_mailed_again_once_when_it_becomes_overdue(
    smtp_server: Callable[..., Server],
) -> None:
    server = smtp_server()
    due = TODAY + timedelta(days=1)

    def on(day: date, extra: list[DueItem] = ()) -> SendReport:  # type: ignore[assignment]
        it = DueItem("2026-001", "XY", "anna", "documentation", due, (due - day).days, "Notat")
        return run([it, *extra], settings(server.port), today=day)

    other = item("2026-002", "anna", "appointment", 10)
    assert on(TODAY, [other]).items_sent == 2
    assert on(TODAY + timedelta(days=1), [other]).items_sent == 0  # due today: not overdue yet
    overdue = on(TODAY + timedelta(days=2), [other])
    assert overdue.items_sent == 1
    assert on(TODAY + timedelta(days=3), [other]).items_sent == 0  # never a third time
    assert on(TODAY + timedelta(days=30)).items_sent == 0

    last = server.handler.messages()[-1]
    assert last["Subject"] == "CTI: 1 ting forfalder (2026-03-04)"
    assert "1 dag over fristen" in plain(last)
    assert "1 anden ting er stadig åben, se `cti due`." in plain(last)
    assert len(server.handler.envelopes) == 2


def test_server_down_raises_clear_error_and_next_run_delivers(
    smtp_server: Callable[..., Server],
) -> None:
    port = free_port()
    items = [item("2026-001", "anna")]
    with pytest.raises(MailError) as info:
        run(items, settings(port))
    message = str(info.value)
    assert f"127.0.0.1:{port}" in message and "connection refused" in message
    assert "host and port" in message and "Traceback" not in message
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert ledger_entries() == {}

    server = smtp_server(port=port)
    report = run(items, settings(port))
    assert report.ok and report.items_sent == 1
    assert len(server.handler.envelopes) == 1


def test_failure_midway_marks_only_what_was_delivered(smtp_server: Callable[..., Server]) -> None:
    handler = Collector(fail_data_for={"bo@kommune.example"})
    server = smtp_server(handler=handler)
    workers = {**WORKERS, "dan": ("Dan", "dan@kommune.example")}
    items = [item("2026-001", "anna"), item("2026-002", "bo"), item("2026-003", "dan")]
    ledger = Ledger.open(folder_key(Path("/teams/nord")))
    with SmtpMailer(settings(server.port)) as mailer:
        report = send_due(items, workers, mailer, ledger, TODAY, "Team Nord")
    assert not report.ok
    assert list(report.delivered) == ["anna"]
    assert "554" in report.failed["bo"]
    assert report.not_attempted == ["dan"]
    assert [k.split("|")[0] for k in ledger_entries()] == ["2026-001"]

    handler.fail_data_for.clear()
    ledger = Ledger.open(folder_key(Path("/teams/nord")))
    with SmtpMailer(settings(server.port)) as mailer:
        again = send_due(items, workers, mailer, ledger, TODAY, "Team Nord")
    assert sorted(again.delivered) == ["bo", "dan"] and again.ok and again.already_sent == 1


def test_refused_recipient_does_not_stop_the_others(smtp_server: Callable[..., Server]) -> None:
    server = smtp_server(handler=Collector(refuse_rcpt={"anna@kommune.example"}))
    report = run([item("2026-001", "anna"), item("2026-002", "bo")], settings(server.port))
    assert "anna@kommune.example" in report.failed["anna"] and "550" in report.failed["anna"]
    assert list(report.delivered) == ["bo"] and not report.not_attempted
    assert [k.split("|")[0] for k in ledger_entries()] == ["2026-002"]


def test_starttls_with_municipal_ca_and_login(
    smtp_server: Callable[..., Server], cert: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = smtp_server("starttls", password="hunter2")
    smtp = settings(server.port, security="starttls", cafile=str(cert[0]), username="cti-bot")
    monkeypatch.setenv("CTI_SMTP_PASSWORD", "hunter2")
    report = run([item("2026-001", "anna")], smtp, password=resolve_password(smtp))
    assert report.ok and len(server.handler.envelopes) == 1
    assert server.logins == [("cti-bot", "hunter2")]


def test_implicit_tls(smtp_server: Callable[..., Server], cert: tuple[Path, Path]) -> None:
    server = smtp_server("ssl")
    smtp = settings(server.port, security="ssl", cafile=str(cert[0]))
    assert run([item("2026-001", "anna")], smtp).ok
    assert len(server.handler.envelopes) == 1


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_untrusted_certificate_is_refused(
    smtp_server: Callable[..., Server], security: str
) -> None:
    server = smtp_server(security)
    with pytest.raises(MailError, match="could not be verified") as info:
        run([item("2026-001", "anna")], settings(server.port, security=security))
    assert "cafile" in str(info.value)
    assert server.handler.envelopes == [] and ledger_entries() == {}


def test_starttls_never_falls_back_to_plain_text(smtp_server: Callable[..., Server]) -> None:
    server = smtp_server("none")
    with pytest.raises(MailError, match="does not offer STARTTLS"):
        run([item("2026-001", "anna")], settings(server.port, security="starttls"))
    assert server.handler.envelopes == []


def test_ssl_against_a_starttls_server_says_which_setting_to_check(
    smtp_server: Callable[..., Server], cert: tuple[Path, Path]
) -> None:
    server = smtp_server("starttls")
    smtp = settings(server.port, security="ssl", cafile=str(cert[0]))
    with pytest.raises(MailError, match="TLS failed") as info:
        run([item("2026-001", "anna")], smtp)
    assert "587 usually means starttls" in str(info.value)


def test_silent_server_times_out_with_a_clear_error() -> None:
    with socket.socket() as silent:  # accepts connections (backlog) but never greets
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        with pytest.raises(MailError, match=r"no answer within 0\.3 s"):
            run([item("2026-001", "anna")], settings(port, timeout=0.3))
    assert ledger_entries() == {}


def test_wrong_password_is_a_clear_error_without_the_password(
    smtp_server: Callable[..., Server], cert: tuple[Path, Path]
) -> None:
    server = smtp_server("starttls", password="right")
    smtp = settings(server.port, security="starttls", cafile=str(cert[0]), username="cti-bot")
    with pytest.raises(MailError, match="login as 'cti-bot' refused") as info:
        run([item("2026-001", "anna")], smtp, password="wrong-secret")
    assert "wrong-secret" not in str(info.value)
    assert "wrong-secret" not in repr(SmtpMailer(smtp, "wrong-secret"))
    with pytest.raises(MailError, match="no password is set"):
        run([item("2026-001", "anna")], smtp, password=None)
    assert server.handler.envelopes == []


def test_outbox_is_a_maildir_of_private_files(tmp_path: Path) -> None:
    outbox = tmp_path / "team" / ".cti" / "outbox"
    ledger = Ledger.open(folder_key(tmp_path / "team"))
    items = [item("2026-001", "anna"), item("2026-002", "bo")]
    with OutboxMailer(outbox) as mailer:
        report = send_due(items, WORKERS, mailer, ledger, TODAY, "Team Nord", "en")
    assert report.ok and len(report.delivered) == 2
    for where in report.delivered.values():
        path = Path(where)
        assert path.parent == outbox / "new"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        msg = parse(path.read_bytes())
        assert msg["Subject"] == "CTI: 1 item due (2026-03-02)"
        assert "in 3 days" in plain(msg) and "Phase ends" in plain(msg)


# --- privacy ----------------------------------------------------------------------------


def test_composer_escapes_and_shows_initials_only_on_request() -> None:
    items = [item("2026-001", "anna", message="<b>call</b> & plan", initials="AH")]
    msg = compose("anna", "Anna <x>", "anna@kommune.example", items, "T", TODAY, SENDER)
    assert "&lt;b&gt;call&lt;/b&gt; &amp; plan" in html_part(msg)
    assert "<b>" not in html_part(msg) and "Anna &lt;x&gt;" in html_part(msg)
    assert "AH" not in plain(msg)
    shown = compose(
        "anna", "Anna", "anna@kommune.example", items, "T", TODAY, SENDER, show_initials=True
    )
    assert "2026-001 (AH)" in plain(shown) and "2026-001 (AH)" in html_part(shown)
    with pytest.raises(ValueError, match="bo"):
        compose("anna", "Anna", "a@k.dk", [item("2026-002", "bo")], "T", TODAY, SENDER)


@pytest.mark.parametrize("cpr", ["0101901234", "010190-1234"])
def test_composer_refuses_text_that_looks_like_a_cpr_number(
    smtp_server: Callable[..., Server], cpr: str
) -> None:
    leaky = item("2026-001", "anna", message=f"Ring til borger {cpr}")
    with pytest.raises(PrivacyError) as info:
        compose("anna", "Anna", "anna@kommune.example", [leaky], "T", TODAY, SENDER)
    assert cpr not in str(info.value) and "2026-001" in str(info.value)

    server = smtp_server()
    report = run([leaky, item("2026-002", "bo")], settings(server.port))
    assert "CPR" in report.failed["anna"] and list(report.delivered) == ["bo"]
    assert all(cpr not in e.content.decode() for e in server.handler.envelopes)  # type: ignore[union-attr]


# --- settings and the password ----------------------------------------------------------


@pytest.mark.parametrize(
    ("security", "port"), [("starttls", 587), ("ssl", 465), ("none", 25), (None, 587)]
)
def test_default_port_follows_security(security: str | None, port: int) -> None:
    data = {"host": "smtp.kommune.example", "from": SENDER}
    if security:
        data["security"] = security
    assert SmtpSettings.model_validate(data).port == port


@pytest.mark.parametrize("secret_key", ["password", "password_command", "smtp_password"])
def test_team_settings_refuse_any_password(secret_key: str) -> None:
    data = {"host": "smtp.kommune.example", "from": SENDER, secret_key: "sekret-value"}
    with pytest.raises(ValidationError) as info:
        SmtpSettings.model_validate(data)
    text = str(info.value)
    assert "push" in text and "CTI_SMTP_PASSWORD" in text and "0600" in text
    assert "password_command" in text and "config.toml" in text
    assert "sekret-value" not in text


def test_team_settings_refuse_unknown_keys_and_plain_text_login() -> None:
    with pytest.raises(ValidationError, match="hots"):
        SmtpSettings.model_validate({"hots": "x", "host": "x", "from": SENDER})
    with pytest.raises(ValidationError, match="unencrypted"):
        SmtpSettings.model_validate(
            {"host": "x", "from": SENDER, "security": "none", "username": "u"}
        )


def write_user_config(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "config" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


LOGIN = SmtpSettings.model_validate({"host": "h", "from": SENDER, "username": "cti-bot"})


def test_password_from_env_beats_config(tmp_path: Path) -> None:
    write_user_config(tmp_path, '[smtp]\npassword_command = ["false"]\n')
    assert resolve_password(LOGIN, env={"CTI_SMTP_PASSWORD": "from-env"}) == "from-env"
    no_login = SmtpSettings.model_validate({"host": "h", "from": SENDER})
    assert resolve_password(no_login) is None
    assert resolve_password(LOGIN, env={}, user_config_path=tmp_path / "missing.toml") is None


def test_password_from_private_file_and_refused_when_readable_by_others(tmp_path: Path) -> None:
    secret = tmp_path / "smtp-password"
    secret.write_text("file-secret\n", encoding="utf-8")
    secret.chmod(0o600)
    write_user_config(tmp_path, f'[smtp]\npassword_file = "{secret}"\n')
    assert resolve_password(LOGIN) == "file-secret"

    secret.chmod(0o644)
    with pytest.raises(MailError, match="mode 0644") as info:
        resolve_password(LOGIN)
    assert f"chmod 600 {secret}" in str(info.value) and "file-secret" not in str(info.value)


def test_password_from_command(tmp_path: Path) -> None:
    cmd = json.dumps([sys.executable, "-c", "print('  cmd-secret  ')"])
    write_user_config(tmp_path, f"[smtp]\npassword_command = {cmd}\n")
    assert resolve_password(LOGIN) == "cmd-secret"


def test_failing_password_command_does_not_echo_its_output(tmp_path: Path) -> None:
    code = "import sys; print('leaked-secret'); print('leaked-err', file=sys.stderr); sys.exit(3)"
    command = json.dumps([sys.executable, "-c", code])
    write_user_config(tmp_path, f"[smtp]\npassword_command = {command}\n")
    with pytest.raises(MailError, match="exit status 3") as info:
        resolve_password(LOGIN)
    assert "leaked" not in str(info.value)

    write_user_config(tmp_path, '[smtp]\npassword_command = "pass show smtp"\n')
    with pytest.raises(MailError, match="must be a list"):
        resolve_password(LOGIN)
    write_user_config(tmp_path, '[smtp]\npassword_command = ["no-such-program-cti"]\n')
    with pytest.raises(MailError, match="not found"):
        resolve_password(LOGIN)


# --- the ledger -------------------------------------------------------------------------


def test_ledger_is_private_and_atomic(tmp_path: Path) -> None:
    ledger = Ledger.open("abc123")
    assert ledger.path.parent == tmp_path / "state"
    ledger.mark_sent(key(item("2026-001", "anna"), "Anna@Kommune.example"))
    assert stat.S_IMODE(ledger.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(ledger.path.parent.stat().st_mode) == 0o700
    assert [p.name for p in ledger.path.parent.iterdir()] == [ledger.path.name]  # no temp left
    reopened = Ledger.open("abc123")
    assert reopened.already_sent(key(item("2026-001", "anna"), "anna@kommune.example"))
    assert not reopened.already_sent(key(item("2026-001", "anna", days_left=-1), "anna@k"))
    with pytest.raises(ValueError, match="safe file name"):
        Ledger.open("../escape")


@pytest.mark.parametrize("garbage", [b"{not json", b"\xff\xfe", b"[]", b'{"version": 1}', b""])
def test_corrupt_ledger_is_moved_aside_and_the_run_goes_on(
    smtp_server: Callable[..., Server], garbage: bytes
) -> None:
    ledger = Ledger.open(folder_key(Path("/teams/nord")))
    ledger.path.parent.mkdir(parents=True, exist_ok=True)
    ledger.path.write_bytes(garbage)
    server = smtp_server()
    report = run([item("2026-001", "anna")], settings(server.port))
    assert report.ok and report.items_sent == 1
    assert any("unreadable" in w for w in report.warnings)
    aside = list(ledger.path.parent.glob(ledger.path.name + ".corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == garbage
    assert len(ledger_entries()) == 1


def test_concurrent_run_waits_then_sees_what_the_first_sent_or_gives_up() -> None:
    first = Ledger.open("team")
    second = Ledger.open("team")  # opened while the first run is still busy
    sent = key(item("2026-001", "anna"), "anna@kommune.example")
    with first.lock(timeout=1):
        with pytest.raises(LedgerBusy, match="still running") as info, second.lock(timeout=0.2):
            pytest.fail("the second run must not get the lock")
        assert "nothing was sent" in str(info.value)
        first.mark_sent(sent)
    assert not second.already_sent(sent)
    with second.lock(timeout=1):
        assert second.already_sent(sent)  # reread under the lock: no double send


# --- the password goes only where this machine agreed (cti mail setup) -------------------


def _team_with_smtp(cti: Any, root: Path, port: int, cafile: Path) -> None:
    result = cti("-C", root, "new", "--initials", "MK", "--worker", "anna", "--group",
                 "homelessness", "--transition-date", "2026-02-01", "--date", "2026-01-05",
                 "--id", "2026-001")
    assert result.code == 0, result.output
    with (root / "cti.toml").open("a", encoding="utf-8") as fh:
        fh.write(f'\n[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "starttls"\n'
                 f'username = "cti-bot"\ncafile = "{cafile}"\nfrom = "{SENDER}"\ntimeout = 5\n')


def _set_smtp(root: Path, old: str, new: str) -> None:
    toml = root / "cti.toml"
    toml.write_text(toml.read_text("utf-8").replace(old, new), "utf-8")


def test_password_goes_only_to_the_pinned_server(
    plain_folder: Path, cti: Any, smtp_server: Callable[..., Server], cert: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = smtp_server("starttls", password="hunter2")
    _team_with_smtp(cti, plain_folder, real.port, cert[0])
    monkeypatch.setenv("CTI_SMTP_PASSWORD", "hunter2")

    # never agreed: no login, and the message says how to agree
    first = cti("-C", plain_folder, "due", "--email", "--date", "2026-06-01", "--quiet")
    assert first.code == 1 and "cti mail setup" in first.err and real.logins == []

    setup = cti("-C", plain_folder, "mail", "setup")
    assert setup.code == 0, setup.output
    assert f"127.0.0.1:{real.port} (starttls, CA file {cert[0]})" in setup.out
    sent = cti("-C", plain_folder, "due", "--email", "--date", "2026-06-01", "--quiet")
    assert sent.code == 0, sent.output
    assert real.logins == [("cti-bot", "hunter2")] and len(real.handler.envelopes) == 1

    # a colleague (or an intruder) points [smtp] at another server: it never sees the password
    rogue = smtp_server("starttls", password="anything")
    _set_smtp(plain_folder, f"port = {real.port}", f"port = {rogue.port}")
    refused = cti("-C", plain_folder, "due", "--email", "--date", "2026-06-09", "--quiet")
    assert refused.code == 1 and rogue.logins == [] and rogue.handler.envelopes == []
    assert f"port {real.port} → {rogue.port}" in refused.err
    assert "hunter2" not in refused.output
    doctor = cti("-C", plain_folder, "doctor")
    assert doctor.code == 1 and "D303" in doctor.out and f"→ {rogue.port}" in doctor.out

    # back to the agreed server, but the CA file's content was swapped
    _set_smtp(plain_folder, f"port = {rogue.port}", f"port = {real.port}")
    assert "D30" not in cti("-C", plain_folder, "doctor").out
    original = cert[0].read_bytes()
    try:
        cert[0].write_bytes(original + b"\n")
        swapped = cti("-C", plain_folder, "due", "--email", "--date", "2026-06-09", "--quiet")
        assert swapped.code == 1 and "indholdet af CA-filen" in swapped.err
    finally:
        cert[0].write_bytes(original)
    assert real.logins == [("cti-bot", "hunter2")]


def test_cafile_inside_the_folder_is_refused(
    plain_folder: Path, cti: Any, smtp_server: Callable[..., Server], cert: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server = smtp_server("starttls", password="hunter2")
    inside = plain_folder / "ca.pem"
    shutil.copy(cert[0], inside)
    _team_with_smtp(cti, plain_folder, server.port, inside)
    monkeypatch.setenv("CTI_SMTP_PASSWORD", "hunter2")
    setup = cti("-C", plain_folder, "mail", "setup")
    assert setup.code == 1 and "ligger i holdets mappe" in setup.err
    due = cti("-C", plain_folder, "due", "--email", "--date", "2026-06-01", "--quiet")
    assert due.code == 1 and "ligger i holdets mappe" in due.err
    assert server.logins == [] and server.handler.envelopes == []
    doctor = cti("-C", plain_folder, "doctor")
    assert "D302" in doctor.out
    _set_smtp(plain_folder, f'cafile = "{inside}"', 'cafile = "ca.pem"')
    relative = cti("-C", plain_folder, "due", "--email", "--date", "2026-06-01", "--quiet")
    assert relative.code == 1 and "er en relativ sti" in relative.err


def test_sync_warns_about_a_changed_smtp_server(
    folder: Path, cti: Any, cert: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _team_with_smtp(cti, folder, 2525, cert[0])
    assert cti("-C", folder, "mail", "setup").code == 0
    _set_smtp(folder, "port = 2525", "port = 2526")
    result = cti("-C", folder, "sync")
    assert "port 2525 → 2526" in result.err
