"""The morning reminder run: one short mail per worker with what is new for them.

No terminal and no clock here: the caller passes `today`, the mailer and the ledger, and
turns the returned `SendReport` into output and an exit code. Typical use::

    ledger = Ledger.open(folder_key(folder))
    with ledger.lock(timeout=300), SmtpMailer(settings, password) as mailer:
        report = send_due(items, workers, mailer, ledger, today, team, "da", False)
    return 0 if report.ok else 1
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from typing import Protocol

from cti_cli.core.dueitem import DueItem
from cti_cli.mail.compose import Lang, compose
from cti_cli.mail.errors import MailError, PrivacyError, RecipientRefused
from cti_cli.mail.ledger import Ledger, SentKey, key


class Mailer(Protocol):
    """What `send_due` needs of `SmtpMailer` and `OutboxMailer`."""

    @property
    def sender(self) -> str:
        """The From address of the reminders."""
        ...

    def send(self, msg: EmailMessage) -> str: ...


@dataclass
class SendReport:
    """What happened, per worker, for the command to print and to choose its exit code."""

    delivered: dict[str, str] = field(default_factory=dict)
    """worker id -> Message-ID (SMTP) or file path (outbox)."""
    items_sent: int = 0
    already_sent: int = 0
    """Items left out because an earlier run mailed them (still counted in the mail)."""
    no_address: list[str] = field(default_factory=list)
    """Workers with due items but no email in cti.toml: they got nothing."""
    failed: dict[str, str] = field(default_factory=dict)
    """worker id -> why their mail was not sent; their items stay unmarked."""
    not_attempted: list[str] = field(default_factory=list)
    """Workers skipped because sending stopped after a connection-level failure."""
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """False when someone who should have had mail did not get it."""
        return not (self.failed or self.no_address or self.not_attempted)


def send_due(
    items: Iterable[DueItem],
    workers: Mapping[str, tuple[str, str | None]],
    mailer: Mailer,
    ledger: Ledger,
    today: date,
    team_name: str,
    lang: Lang = "da",
    show_initials: bool = False,
) -> SendReport:
    """Mail each worker their new and newly overdue items, once, and record each send.

    `workers` maps worker id to (name, email). Items are marked in the ledger only after
    their message was accepted, so whatever fails goes out on the next run. A refused
    recipient or a privacy refusal affects that worker only; any other `MailError` (server
    down, TLS, login) stops the run, and the rest are listed in `not_attempted`.
    """
    report = SendReport()
    by_worker: dict[str, list[DueItem]] = defaultdict(list)
    for item in items:
        by_worker[item.worker].append(item)
    order = sorted(by_worker)

    for index, worker_id in enumerate(order):
        name, address = workers.get(worker_id, (worker_id, None))
        if not address:
            report.no_address.append(worker_id)
            continue
        new: dict[SentKey, DueItem] = {}
        for item in by_worker[worker_id]:
            k = key(item, address)
            if not ledger.already_sent(k):
                new.setdefault(k, item)  # the same reminder twice in the input: mail it once
        old = len(by_worker[worker_id]) - len(new)
        report.already_sent += old
        if not new:
            continue
        try:
            msg = compose(
                worker_id,
                name,
                address,
                list(new.values()),
                team_name,
                today,
                mailer.sender,
                lang,
                show_initials,
                other_open=old,
            )
            where = mailer.send(msg)
        except (PrivacyError, RecipientRefused) as exc:
            report.failed[worker_id] = str(exc)
            continue
        except MailError as exc:
            report.failed[worker_id] = str(exc)
            report.not_attempted = order[index + 1 :]
            break
        report.delivered[worker_id] = where
        report.items_sent += len(new)
        try:
            ledger.mark_many(new)
        except OSError as exc:
            # The mail is out but unrecorded; later marks would fail the same way.
            report.failed[worker_id] = (
                f"mail sent, but the sent-ledger {ledger.path} could not be written "
                f"({exc.strerror}); these reminders may be mailed again"
            )
            report.not_attempted = order[index + 1 :]
            break

    report.warnings.extend(ledger.warnings)
    return report
