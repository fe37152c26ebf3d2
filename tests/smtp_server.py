"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd), plain SMTP only.

Shared by tests that run `cti due --email` end to end; test_mail.py has the TLS variants.
"""

from __future__ import annotations

import email
import email.policy
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope, Session


def free_port() -> int:
    """A port nothing listens on; aiosmtpd cannot bind port 0 itself."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Collector:
    """aiosmtpd handler that keeps every accepted envelope."""

    envelopes: list[Envelope] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 OK"

    def messages(self) -> list[EmailMessage]:
        out = []
        for envelope in self.envelopes:
            raw = envelope.original_content or envelope.content or b""
            msg = email.message_from_bytes(bytes(raw), policy=email.policy.default)  # type: ignore[arg-type]
            assert isinstance(msg, EmailMessage)
            out.append(msg)
        return out


class SmtpServer:
    """Start with `start()`, stop with `stop()`; `port` is fixed so a restart reuses it."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.handler = Collector()
        self._controller: Controller | None = None

    def start(self) -> SmtpServer:
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def text_of(msg: EmailMessage) -> str:
    """Headers plus every text part, decoded: what a privacy assertion must search."""
    parts = [str(msg.get("Subject", "")), str(msg.get("To", "")), str(msg.get("From", ""))]
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            parts.append(str(part.get_content()))  # type: ignore[attr-defined]
    return "\n".join(parts)
