"""`cti due`: what needs doing soon, as a table, JSON, or one reminder mail per worker.

Made for cron as much as for people: with `--quiet` nothing is printed when nothing is due
(cron mails whatever a job prints), problems go to stderr, and the exit code is non-zero
only when something failed, e.g. a reminder could not be mailed (it goes out next run).
"""

from __future__ import annotations

import os
import sys
from datetime import date, timedelta
from typing import TYPE_CHECKING

from cti_cli.commands.context import Ctx, parse_date, progress_bar
from cti_cli.core.errors import UsageError
from cti_cli.core.formats import show_date
from cti_cli.core.safetext import json_text, shown
from cti_cli.locale import _, ngettext
from cti_cli.storage import scan

if TYPE_CHECKING:
    from cti_cli.core.dueitem import DueItem
    from cti_cli.mail.ledger import Ledger
    from cti_cli.mail.run import SendReport
    from cti_cli.mail.send import OutboxMailer, SmtpMailer
    from cti_cli.storage.store import Folder

OUTBOX = "outbox"


def _problem(text: str) -> None:
    # Plain, unwrapped lines: cron mails stderr, and people grep it.
    print(shown(f"cti due: {text}"), file=sys.stderr)


def due(ctx: Ctx, *, day: str | None, within: int | None, worker: str | None, as_json: bool,
        email: bool, quiet: bool) -> int:
    """Compute, filter and show the due items; with `email`, mail each worker theirs."""
    from cti_cli.core.method import load_method
    from cti_cli.core.reminders import due_items

    folder = ctx.folder()
    today = parse_date(day)
    if within is not None and within < 0:
        raise UsageError(_("--within {days}: the horizon cannot be negative").format(
            days=within))
    config = folder.config
    if worker is not None and config.workers and worker not in config.workers:
        raise UsageError(_("worker {worker} is not in cti.toml").format(worker=repr(worker)),
                         hint=_("known workers: {workers}").format(
                             workers=", ".join(sorted(config.workers))))
    method = load_method(folder.root / "method.yaml")  # a MethodError is a CtiError

    # reminders are for open courses
    entries = scan.load_all(folder, open_only=True, as_of=today, progress=progress_bar)
    unreadable = [folder.rel(e.path) for e in entries if e.facts is None]
    for rel in unreadable:
        _problem(_("{file} cannot be read, so it is left out of the reminders: run "
                   "`cti check`").format(file=rel))
    records = [e.facts for e in entries if e.facts is not None]
    items = due_items(records, today, config=config, method=method, within=within)
    if worker is not None:
        items = [i for i in items if i.worker == worker]

    horizon = config.reminders.horizon_days if within is None else within
    show = not (quiet and (email or not items))
    if show:
        _print_items(items, today, today + timedelta(days=horizon), folder, as_json)
    code = _email(folder, items, today, quiet=quiet,
                  summary_to_stderr=as_json) if email else 0
    if unreadable:
        # every other case was shown or mailed; a non-zero exit makes cron and systemd's
        # OnFailure= report the file(s) nobody is reminded about
        _problem(ngettext("{n} case file could not be read: {files}",
                          "{n} case files could not be read: {files}", len(unreadable)).format(
            n=len(unreadable), files=", ".join(unreadable)))
        return max(code, 1)
    return code


def _print_items(items: list[DueItem], today: date, last_day: date, folder: Folder,
                 as_json: bool) -> None:
    if as_json:
        print(json_text([i.to_json() for i in items]))
    elif items:
        from cti_cli.render.due import print_due

        print_due(items, today, last_day, folder.config.worker_name)
    else:
        print(_("nothing due by {date}").format(date=show_date(last_day)))


def _email(folder: Folder, items: list[DueItem], today: date, *, quiet: bool,
           summary_to_stderr: bool) -> int:
    """Send under the ledger's lock; only what the server accepted is recorded as sent."""
    from cti_cli.mail.errors import MailError
    from cti_cli.mail.ledger import SHARED_NAME, Ledger, folder_key
    from cti_cli.mail.run import send_due

    config = folder.config
    workers = {wid: (w.name, w.email) for wid, w in config.workers.items()}
    ledger = Ledger.open(folder_key(folder.root), shared=folder.root / SHARED_NAME)
    with ledger.lock(timeout=300):
        pending = _pending_workers(items, workers, ledger)
        try:
            mailer = _mailer(folder)
        except MailError as exc:  # e.g. [smtp] no longer names the server this machine agreed to
            _problem(_("no reminders were mailed: {reason}").format(reason=exc))
            if pending:
                _problem(_unsent(len(pending)))
            return 1

        def send() -> SendReport:
            return send_due(items, workers, mailer, ledger, today, config.team.name,
                            config.team.language, config.team.show_initials_in_mail)

        if not pending:  # nothing new: no connection, so an outage alone is no failure
            return _report(send(), _where(folder, mailer), quiet=quiet,
                           to_stderr=summary_to_stderr)
        try:
            with mailer:
                report = send()
        except MailError as exc:  # connecting or logging in failed: nothing was sent
            _problem(_("no reminders were mailed: {reason}").format(reason=exc))
            _problem(_unsent(len(pending)))
            return 1
    if report.items_sent:
        _share_ledger(folder, quiet=quiet)
    return _report(report, _where(folder, mailer), quiet=quiet, to_stderr=summary_to_stderr)


def _share_ledger(folder: Folder, *, quiet: bool) -> None:
    """Commit the team's sent-record and send it at once, so a colleague's run sees it."""
    from cti_cli.mail.ledger import SHARED_ATTRIBUTES, SHARED_NAME

    if not folder.config.team.commit:
        return
    from cti_cli.team import run as gitrun

    root = gitrun.repo_root(folder.root) if gitrun.git_available() else None
    if root is None:
        return
    attributes = folder.root / ".gitattributes"
    text = attributes.read_text("utf-8") if attributes.exists() else ""
    if SHARED_ATTRIBUTES not in text.splitlines():
        attributes.write_text(text + ("" if not text or text.endswith("\n") else "\n")
                              + SHARED_ATTRIBUTES + "\n", "utf-8")
    from cti_cli.team.commit import commit_paths
    from cti_cli.team.sync import sync

    done = commit_paths(root, [folder.root / SHARED_NAME, attributes], "reminders mailed",
                        {"Cti-Action": "mailed"})
    if not done.ok:
        _problem(_("the record of mailed reminders was not committed: {reason}").format(
            reason=done.reason))
        return
    shared = sync(root)
    if not shared.ok:
        _problem(_("the record of mailed reminders is saved here but not shared yet (the "
                   "next `cti sync` shares it): {reason}").format(
            reason=shared.message.splitlines()[0]))


def _pending_workers(items: list[DueItem], workers: dict[str, tuple[str, str | None]],
                     ledger: Ledger) -> set[str]:
    """Workers with an address and at least one item the ledger has not seen."""
    from cti_cli.mail.ledger import key

    pending = set()
    for item in items:
        address = workers.get(item.worker, ("", None))[1]
        if address and not ledger.already_sent(key(item, address)):
            pending.add(item.worker)
    return pending


def _mailer(folder: Folder) -> SmtpMailer | OutboxMailer:
    """SMTP when cti.toml has [smtp] (password from the user's side), else the outbox."""
    from cti_cli.core.settings import SmtpSettings
    from cti_cli.mail import pin
    from cti_cli.mail.password import resolve_password
    from cti_cli.mail.send import OutboxMailer, SmtpMailer

    smtp = folder.config.smtp
    if smtp is None:
        return OutboxMailer(folder.state_dir / OUTBOX)
    settings = SmtpSettings.model_validate(smtp)  # already checked when cti.toml was read
    # before the password is even read: it goes only to the server this machine agreed to
    pin.check(settings, folder.root, os.environ)
    return SmtpMailer(settings, resolve_password(settings, os.environ))


def _where(folder: Folder, mailer: SmtpMailer | OutboxMailer) -> str:
    from cti_cli.mail.send import OutboxMailer

    if isinstance(mailer, OutboxMailer):
        return _("the outbox {folder} (no [smtp] in cti.toml; each file there is an .eml "
                 "message)").format(folder=folder.rel(mailer.folder / "new"))
    return f"{mailer.settings.host}:{mailer.settings.port}"


def _unsent(workers: int) -> str:
    return ngettext("the reminders for {n} worker stay unsent and go out on the next run",
                    "the reminders for {n} workers stay unsent and go out on the next run",
                    workers).format(n=workers)


def _report(report: SendReport, where: str, *, quiet: bool, to_stderr: bool) -> int:
    for warning in report.warnings:
        _problem(warning)
    for worker_id, reason in sorted(report.failed.items()):
        _problem(_("reminder to {worker} not sent: {reason}").format(worker=worker_id,
                                                                     reason=reason))
    if report.not_attempted:
        _problem(_("sending stopped; not attempted for {workers}: their reminders go out on "
                   "the next run").format(workers=", ".join(report.not_attempted)))
    if report.no_address:
        _problem(_('no email in cti.toml for {workers}; add email = "..." under '
                   "[workers.<id>] so they get their reminders").format(
            workers=", ".join(report.no_address)))
    sent = len(report.delivered)
    if sent:
        # TRANSLATORS: {reminders} is "3 reminders", {workers} is "2 workers"
        text = _("sent {reminders} to {workers} via {where}").format(
            reminders=ngettext("{n} reminder", "{n} reminders", report.items_sent).format(
                n=report.items_sent),
            workers=ngettext("{n} worker", "{n} workers", sent).format(n=sent), where=where)
    else:
        text = ngettext("nothing new to mail ({n} reminder already sent)",
                        "nothing new to mail ({n} reminders already sent)",
                        report.already_sent).format(n=report.already_sent)
    if sent or not quiet:
        print(shown(text), file=sys.stderr if to_stderr else sys.stdout)
    return 0 if report.ok else 1
