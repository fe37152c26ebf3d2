"""Composing one worker's reminder mail: case id, kind and date, never personal data."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from typing import Final, Literal

from cti_cli.core.dueitem import NO_CASE, DueItem
from cti_cli.core.labels import title
from cti_cli.core.safetext import printable
from cti_cli.locale import _, language, ngettext, pgettext, set_language
from cti_cli.mail.errors import PrivacyError

Lang = Literal["da", "en"]

# any dash, a slash or a space between the halves, as core.privacy reads CPR numbers
CPR_LIKE: Final = re.compile(r"\b\d{6}[-\u2010-\u2014\u2212/ \u00a0\u2009\u202f]?\d{4}\b")

def kind_words(kind: str, lang: Lang) -> str:
    """A kind in human words (core.labels); an unknown kind is shown rather than dropped."""
    return title("due_kind", kind, lang)


@contextmanager
def _speaking(lang: Lang) -> Iterator[None]:
    """Texts in `lang` for one mail: a run may mail a team whose language is not the
    language of the run (and tests compose in both)."""
    before = language()
    set_language(lang)
    try:
        yield
    finally:
        set_language(before)


def days_words(days_left: int, lang: Lang) -> str:
    """`days_left` as a reader says it: today, tomorrow, in 3 days, 2 days overdue."""
    with _speaking(lang):
        if days_left == 0:
            return pgettext("due", "today")
        if days_left == 1:
            return pgettext("due", "tomorrow")
        if days_left > 1:
            return ngettext("in {n} day", "in {n} days", days_left).format(n=days_left)
        late = -days_left
        return ngettext("{n} day overdue", "{n} days overdue", late).format(n=late)


def _urgency(item: DueItem) -> tuple[int, date, str, str]:
    return (item.days_left, item.due, item.case, item.kind)


def _case_label(item: DueItem, show_initials: bool) -> str:
    case = item.case or NO_CASE
    if show_initials and item.initials and case != NO_CASE:
        return f"{case} ({item.initials})"
    return case


def one_line(text: str) -> str:
    """Text from a file on one line, its control characters inert (a mail client or a
    terminal showing the .eml is a terminal too)."""
    return " ".join(printable(text).split())


def _check_privacy(subject: str, body: str, items: Iterable[DueItem]) -> None:
    # Name the item, never the match: the match itself would be the personal data.
    for item in items:
        if any(CPR_LIKE.search(text) for text in (item.case, item.message, item.initials)):
            raise PrivacyError(
                _("refusing to mail the {kind} item of case {case}: its text looks like it "
                  "contains a CPR number; remove it from the case file").format(
                    kind=item.kind, case=item.case or NO_CASE)
            )
    if CPR_LIKE.search(subject) or CPR_LIKE.search(body):
        raise PrivacyError(
            _("refusing to send a reminder whose text looks like it contains a CPR number; "
              "check the team and worker names in cti.toml")
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
    with _speaking(lang):
        return _compose(worker_name, to_addr, items, team_name, today, sender, lang,
                        show_initials, other_open)


def _compose(worker_name: str, to_addr: str, items: Sequence[DueItem], team_name: str,
             today: date, sender: str, lang: Lang, show_initials: bool,
             other_open: int) -> EmailMessage:
    ordered = sorted(items, key=_urgency)
    n = len(ordered)
    subject = ngettext("CTI: {n} item due ({today})", "CTI: {n} items due ({today})",
                       n).format(n=n, today=today)

    rows = [
        (
            _case_label(item, show_initials),
            kind_words(item.kind, lang),
            item.due.isoformat(),
            days_words(item.days_left, lang),
            one_line(item.message),
        )
        for item in ordered
    ]
    greeting = _("Hello {name}").format(name=one_line(worker_name))
    intro = _("These items in {team} need you:").format(team=one_line(team_name))
    if other_open <= 0:
        others = ""
    else:
        others = ngettext("{n} other item is still open, see `cti due`.",
                          "{n} other items are still open, see `cti due`.",
                          other_open).format(n=other_open)
    footer = _("Sent automatically by cti. Please do not reply.")

    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [f"{greeting},", "", intro, ""]
    for row in rows:
        cells = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
        lines.append(f"  {cells.rstrip()}")
        if row[4]:
            lines.append(f"  {' ' * widths[0]}  {row[4]}")
    if others:
        lines += ["", others]
    lines += ["", "-- ", footer, ""]
    text = "\n".join(lines)

    def esc(value: str) -> str:
        return html.escape(value, quote=True)

    headers = (pgettext("mail", "Case"), pgettext("mail", "What"), pgettext("mail", "Due"),
               pgettext("mail", "Status"))
    head = "".join(f"<th align='left'>{esc(h)}</th>" for h in headers)
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
        + f"<p><small>{esc(footer)}</small></p></body></html>\n"
    )
    _check_privacy(subject, text, ordered)

    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = formataddr((one_line(worker_name), to_addr))
    msg["Date"] = formatdate(localtime=True)
    domain = parseaddr(sender)[1].rpartition("@")[2] or None
    msg["Message-ID"] = make_msgid(idstring=f"cti-due.{today.isoformat()}", domain=domain)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a robot
    msg["X-Auto-Response-Suppress"] = "All"  # the same for Exchange/Outlook
    # Quoted-printable keeps an outbox .eml readable in any editor.
    msg.set_content(text, cte="quoted-printable")
    msg.add_alternative(html_text, subtype="html", cte="quoted-printable")
    return msg
