"""What has already been mailed, so the morning run never mails a reminder twice.

Two records, read together. The team's record is `sent-reminders.log` in the case folder:
one line per mailed reminder, committed and shared by `cti sync` and merged by git as a
union (`.gitattributes`), so two colleagues who both run `cti sync && cti due --email`
from cron mail each reminder once. Two runs on two machines within the same few seconds,
before either has shared its lines, can both mail the same reminder; that happens at most
once per reminder, because the next sync brings both lines together. The machine's own
record is one JSON file per case folder under the user's state directory: it keeps this
machine's sends even when the shared file cannot be written. Each successful send is
written at once (atomically, or as one appended line), so a crash after N of M messages
leaves exactly those N recorded.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Final

import platformdirs
from filelock import FileLock, Timeout

from cti_cli.core.dueitem import DueItem
from cti_cli.core.errors import CtiError
from cti_cli.locale import _
from cti_cli.storage import atomic

STATE_DIR_ENV: Final = "CTI_STATE_DIR"
SHARED_NAME: Final = "sent-reminders.log"
SHARED_ATTRIBUTES: Final = f"{SHARED_NAME} merge=union"
FORMAT_VERSION: Final = 1
_FOLDER_KEY: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")


class LedgerBusy(CtiError):
    """Another run holds the ledger; this one stops without sending anything."""


@dataclass(frozen=True, slots=True, order=True)
class SentKey:
    """What makes a reminder "the same one": it is mailed once per key.

    `overdue` is part of the key so that an item is mailed when it first appears and once
    more when it passes its due date, and never again after that. A moved due date or a new
    address is a new reminder.
    """

    case: str
    kind: str
    due: date
    recipient: str
    overdue: bool

    def __str__(self) -> str:
        state = "overdue" if self.overdue else "open"
        return f"{self.case}|{self.kind}|{self.due.isoformat()}|{self.recipient}|{state}"


def key(item: DueItem, recipient: str) -> SentKey:
    """The ledger key of `item` mailed to `recipient` (an address; case does not matter)."""
    return SentKey(item.case, item.kind, item.due, recipient.strip().lower(), item.overdue)


def folder_key(folder: Path) -> str:
    """A stable file-name-safe key for a case folder: the same folder gives the same ledger."""
    return hashlib.sha256(str(folder.resolve()).encode("utf-8")).hexdigest()[:24]


def default_state_dir(env: Mapping[str, str] = os.environ) -> Path:
    """`CTI_STATE_DIR`, else the platform's per-user state folder for cti."""
    override = env.get(STATE_DIR_ENV)
    return Path(override) if override else platformdirs.user_state_path("cti")


class Ledger:
    """The sent-ledger of one case folder on this machine."""

    def __init__(self, path: Path, shared: Path | None = None) -> None:
        self.path = path
        self.shared = shared
        self.warnings: list[str] = []
        self._sent: dict[str, str] = {}
        self._team: dict[str, str] = {}
        self._load()

    def __repr__(self) -> str:
        return f"Ledger({self.path}, {len(self._sent)} sent)"

    @classmethod
    def open(cls, folder_key: str, state_dir: Path | None = None,
             shared: Path | None = None) -> Ledger:
        """The ledger for `folder_key` (see `folder_key()`), created empty if new.

        `shared` is the team's record in the case folder (see `SHARED_NAME`), if used.
        """
        if not _FOLDER_KEY.fullmatch(folder_key):
            raise ValueError(f"folder key {folder_key!r} is not a safe file name")
        directory = state_dir if state_dir is not None else default_state_dir()
        return cls(directory / f"sent-{folder_key}.json", shared)

    @property
    def lock_path(self) -> Path:
        """Next to the ledger, never the ledger itself: os.replace swaps that inode."""
        return self.path.with_suffix(".lock")

    def already_sent(self, key: SentKey) -> bool:
        return str(key) in self._sent or str(key) in self._team

    def sent_at(self, key: SentKey) -> datetime | None:
        """When `key` was mailed (from this machine or, per the shared record, another)."""
        stamp = self._sent.get(str(key)) or self._team.get(str(key))
        return datetime.fromisoformat(stamp) if stamp else None

    def mark_sent(self, key: SentKey, when: datetime | None = None) -> None:
        """Record one send and persist it before returning."""
        self.mark_many([key], when)

    def mark_many(self, keys: Iterable[SentKey], when: datetime | None = None) -> None:
        """Record the items of one message in a single atomic write."""
        stamp = (when or datetime.now(UTC)).astimezone().isoformat(timespec="seconds")
        updated = dict(self._sent)
        keys = list(keys)
        for k in keys:
            updated[str(k)] = stamp
        self._write(updated)
        self._sent = updated
        if self.shared is not None:
            self._append_shared([f"{k}\t{stamp}\n" for k in keys])

    @contextlib.contextmanager
    def lock(self, timeout: float = 300.0) -> Iterator[None]:
        """Hold the folder's ledger against a concurrent run; reread it once held.

        Rereading matters: a run that waited for another must see what that one sent.
        Raises `LedgerBusy` after `timeout` seconds.
        """
        self._ensure_dir()
        file_lock = FileLock(self.lock_path, timeout=timeout, mode=0o600)
        try:
            file_lock.acquire()
        except Timeout:
            raise LedgerBusy(
                f"another `cti due --email` for this case folder is still running (lock "
                f"{self.lock_path} held for more than {timeout:g} s); nothing was sent by this "
                "run, try again later"
            ) from None
        try:
            self._load()
            yield
        finally:
            file_lock.release()

    # --- storage ------------------------------------------------------------------------

    def _append_shared(self, lines: list[str]) -> None:
        """One write of whole lines with O_APPEND: a crash leaves whole lines or none."""
        assert self.shared is not None
        try:
            fd = os.open(self.shared, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, "".join(lines).encode("utf-8"))
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            self.warnings.append(_("the team's sent-record {file} could not be written "
                                   "({reason}); colleagues may mail these reminders again")
                                 .format(file=self.shared, reason=exc.strerror))
        for line in lines:
            k, _tab, stamp = line.rstrip("\n").partition("\t")
            self._team[k] = stamp

    def _load_shared(self) -> None:
        self._team = {}
        if self.shared is None:
            return
        try:
            text = self.shared.read_text("utf-8", "replace")
        except OSError:
            return
        for line in text.splitlines():
            k, sep, stamp = line.partition("\t")
            if sep and k.count("|") == 4:  # a torn or foreign line is skipped, never fatal
                self._team.setdefault(k, stamp)

    def _load(self) -> None:
        self._load_shared()
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            self._sent = {}
            return
        try:
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
                raise ValueError("unexpected structure")
            sent = data.get("sent")
            if not isinstance(sent, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in sent.items()
            ):
                raise ValueError("unexpected entries")
        except ValueError:  # JSONDecodeError and UnicodeDecodeError are ValueErrors too
            self._sent = {}
            self._move_aside()
            return
        self._sent = dict(sent)

    def _move_aside(self) -> None:
        # Never crash the morning run: keep the evidence, start fresh. The price is that
        # open items are mailed once more, which beats mailing nothing.
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        try:
            self.path.replace(aside)
        except OSError as exc:
            self.warnings.append(
                _("sent-ledger {file} is unreadable and could not be moved aside ({reason}); "
                  "starting fresh, open items may be mailed again").format(
                    file=self.path, reason=exc.strerror)
            )
            return
        self.warnings.append(
            _("sent-ledger {file} was unreadable; kept it as {kept} and started fresh, so open "
              "items may be mailed once more").format(file=self.path, kept=aside.name)
        )

    def _ensure_dir(self) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)

    def _write(self, sent: Mapping[str, str]) -> None:
        self._ensure_dir()
        payload = json.dumps(
            {"version": FORMAT_VERSION, "sent": dict(sorted(sent.items()))},
            indent=1,
            ensure_ascii=False,
        ).encode("utf-8")
        atomic.replace(self.path, payload)


