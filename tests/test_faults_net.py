"""Network faults with real processes and real servers: no mocks of smtplib or git.

- two `cti due --email` runs at once (the second waits on the ledger lock and sends nothing
  twice), and a third run that the ledger keeps quiet;
- an SMTP server that refuses (550 on RCPT, 554 on DATA), one that never speaks, and TLS
  settings that do not fit the server: a clear one-line error naming host:port, exit 1, no
  traceback, nothing recorded, and the next run against a working server delivers once;
- a push the shared repository refuses (pre-receive hook): the local commit stays, `cti
  sync` exits 1 and says to sync again, and once the hook is gone the commit goes out.

Every subprocess and socket has a timeout; the whole file runs in well under 40 s.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope, Session
from casefiles import team_language
from conftest import Result, Runner
from smtp_server import free_port

from cti_cli.mail.ledger import Ledger, folder_key
from cti_cli.team import git as gitops

TODAY = "2026-06-01"
ADDRESSES = ["anna@kommune.example", "bo@kommune.example"]
PROC_TIMEOUT = 30


# --- a real SMTP server whose behaviour a test can switch --------------------------------


@dataclass
class Handler:
    """aiosmtpd handler: `mode` is "ok", "550" (refuse every RCPT) or "554" (refuse DATA).

    `slow_first` makes the first DATA take that many seconds; `rcpt_seen` is set on the first
    RCPT, so a test knows a client is mid-transaction.
    """

    mode: str = "ok"
    slow_first: float = 0.0
    envelopes: list[Envelope] = field(default_factory=list)
    rcpt_seen: threading.Event = field(default_factory=threading.Event)
    _data_calls: int = 0

    async def handle_RCPT(self, server: Any, session: Session, envelope: Envelope,
                          address: str, options: list[str]) -> str:
        self.rcpt_seen.set()
        if self.mode == "550":
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        self._data_calls += 1
        if self._data_calls == 1 and self.slow_first:
            await asyncio.sleep(self.slow_first)
        if self.mode == "554":
            return "554 5.3.0 transaction failed"
        self.envelopes.append(envelope)
        return "250 OK"

    def per_recipient(self) -> Counter[str]:
        return Counter(r for e in self.envelopes for r in e.rcpt_tos)

    def per_case(self) -> Counter[str]:
        """How many delivered messages mention each case id."""
        texts = [bytes(e.content or b"").decode("utf-8", "replace")  # type: ignore[arg-type]
                 for e in self.envelopes]
        return Counter(case for t in texts for case in ("2026-001", "2026-002") if case in t)


@pytest.fixture
def smtp() -> Iterator[tuple[int, Handler]]:
    handler = Handler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, handler
    finally:
        controller.stop()


# --- a case folder with something due for two workers ------------------------------------


@pytest.fixture
def team(plain_folder: Path, cti: Runner) -> Path:
    """anna: 2026-001 (phase end, documentation, no contact); bo: 2026-002. All in the past."""
    for args in (
        ["new", "--initials", "MK", "--worker", "anna", "--group", "homelessness",
         "--transition-date", "2026-02-01", "--date", "2026-01-05", "--id", "2026-001"],
        ["log", "2026-001", "Hjemmebesøg", "--date", "2026-01-10"],
        ["new", "--initials", "JV", "--worker", "bo", "--group", "psychiatric",
         "--transition-date", "2026-04-01", "--date", "2026-03-01", "--id", "2026-002"],
    ):
        result = cti("-C", plain_folder, *args)
        assert result.code == 0, result.output
    team_language(plain_folder, "en")  # the words of mail failures are asserted in English
    (plain_folder.parent / "cti.toml.base").write_text(
        (plain_folder / "cti.toml").read_text("utf-8"), "utf-8")
    return plain_folder


def use_smtp(root: Path, port: int, security: str = "none", timeout: float = 5) -> None:
    """Point cti.toml's [smtp] at 127.0.0.1:port (replacing any earlier [smtp])."""
    base = (root.parent / "cti.toml.base").read_text("utf-8")
    (root / "cti.toml").write_text(
        base + f'\n[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "{security}"\n'
        f'from = "CTI Team Nord <cti@kommune.example>"\ntimeout = {timeout:g}\n', "utf-8")


def due_count(cti: Runner, root: Path) -> int:
    result = cti("-C", root, "due", "--date", TODAY, "--json")
    assert result.code == 0, result.output
    items = json.loads(result.out)
    assert {i["worker"] for i in items if i["case"] != "-"} == {"anna", "bo"}
    return len(items)


def ledger_sent(root: Path) -> dict[str, str]:
    path = Ledger.open(folder_key(root)).path
    if not path.exists():
        return {}
    return dict(json.loads(path.read_text("utf-8"))["sent"])


def due_email(root: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "cti_cli", "-C", str(root), "due", "--email", "--date",
            TODAY, *extra]


def assert_clean_failure(result: Result, port: int, *reason: str) -> str:
    """Exit 1, no traceback, nothing on stdout; returns the stderr line naming host:port."""
    assert result.code == 1, result.output
    assert "Traceback" not in result.output
    assert result.out == ""
    lines = result.err.splitlines()
    assert lines and all(line.startswith("cti due: ") for line in lines), result.err
    named = [line for line in lines if f"127.0.0.1:{port}" in line]
    assert named, result.err
    for words in reason:
        assert any(words in line for line in named), (words, result.err)
    return named[0]


def assert_delivered_once(handler: Handler, root: Path, items: int) -> None:
    assert handler.per_recipient() == Counter(dict.fromkeys(ADDRESSES, 1))
    assert handler.per_case() == Counter({"2026-001": 1, "2026-002": 1})
    assert len(ledger_sent(root)) == items


# --- two runs at once ---------------------------------------------------------------------


def test_second_run_waits_for_the_first_and_sends_nothing_twice(
        team: Path, cti: Runner, cti_proc: Runner, smtp: tuple[int, Handler]) -> None:
    port, handler = smtp
    use_smtp(team, port)
    items = due_count(cti, team)
    handler.slow_first = 2.0  # run A holds the ledger lock for ~2 s inside DATA

    env = {**os.environ}
    a = subprocess.Popen(due_email(team), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env=env)
    try:
        assert handler.rcpt_seen.wait(timeout=15), "run A never reached the server"
        started_b = time.monotonic()
        b = subprocess.Popen(due_email(team), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=env)
        try:
            b_out, b_err = b.communicate(timeout=PROC_TIMEOUT)
        finally:
            b.kill()
        b_took = time.monotonic() - started_b
        a_out, a_err = a.communicate(timeout=PROC_TIMEOUT)
    finally:
        a.kill()

    assert a.returncode == 0, a_err
    assert f"sent {items} reminders to 2 workers via 127.0.0.1:{port}" in a_out
    assert b.returncode == 0, b_err
    assert "Traceback" not in a_err + b_err
    # B waited for A's lock, reread the ledger and found everything sent
    assert f"nothing new to mail ({items} reminders already sent)" in b_out, b_out + b_err
    assert b_took > 1.0, "B cannot have finished before A released the lock"
    assert_delivered_once(handler, team, items)

    third = cti_proc("-C", team, "due", "--email", "--date", TODAY, "--quiet",
                     timeout=PROC_TIMEOUT)
    assert (third.code, third.out, third.err) == (0, "", "")
    assert_delivered_once(handler, team, items)


# --- the server refuses, says nothing, or does not speak the TLS we asked for -------------


@pytest.mark.parametrize(("mode", "reason"), [
    ("550", ("refused the recipient anna@kommune.example (550 5.1.1 no such user)",
             "check the worker's email")),
    ("554", ("the server said 554 5.3.0 transaction failed",)),
])
def test_refusing_server_records_nothing_and_the_next_run_delivers(
        team: Path, cti: Runner, cti_proc: Runner, smtp: tuple[int, Handler], mode: str,
        reason: tuple[str, ...]) -> None:
    port, handler = smtp
    use_smtp(team, port)
    items = due_count(cti, team)
    handler.mode = mode

    failed = cti_proc("-C", team, "due", "--email", "--date", TODAY, "--quiet",
                      timeout=PROC_TIMEOUT)
    line = assert_clean_failure(failed, port, *reason)
    assert line.startswith("cti due: reminder to anna not sent: ")
    if mode == "550":  # a refused recipient affects that worker only: bo is tried too
        assert "refused the recipient bo@kommune.example" in failed.err
    else:  # a failed transaction stops the run; bo is left for the next one
        assert "not attempted for bo" in failed.err and "next run" in failed.err
    assert handler.envelopes == []
    assert ledger_sent(team) == {}

    handler.mode = "ok"
    ok = cti_proc("-C", team, "due", "--email", "--date", TODAY, timeout=PROC_TIMEOUT)
    assert ok.code == 0, ok.output
    assert f"sent {items} reminders to 2 workers" in ok.out
    assert_delivered_once(handler, team, items)
    again = cti_proc("-C", team, "due", "--email", "--date", TODAY, "-q", timeout=PROC_TIMEOUT)
    assert (again.code, again.out, again.err) == (0, "", "")
    assert_delivered_once(handler, team, items)


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A TCP port on 127.0.0.1 that accepts connections and never says a word."""
    with socket.socket() as silent:
        silent.settimeout(10)
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        yield int(silent.getsockname()[1])


@pytest.mark.parametrize("case", ["timeout", "starttls-missing", "ssl-on-plain"])
def test_connection_failures_are_one_clear_line_and_the_next_run_delivers(
        team: Path, cti: Runner, cti_proc: Runner, smtp: tuple[int, Handler], silent_port: int,
        case: str) -> None:
    port, handler = smtp
    items = due_count(cti, team)
    if case == "timeout":
        bad_port, reason = silent_port, ("no answer within 1 s",)
        use_smtp(team, silent_port, timeout=1)
    elif case == "starttls-missing":
        bad_port, reason = port, ("does not offer STARTTLS", "will not send in plain text")
        use_smtp(team, port, security="starttls", timeout=2)
    else:
        bad_port, reason = port, ("TLS failed", "check [smtp] security")
        use_smtp(team, port, security="ssl", timeout=2)

    started = time.monotonic()
    failed = cti_proc("-C", team, "due", "--email", "--date", TODAY, "--quiet",
                      timeout=PROC_TIMEOUT)
    assert time.monotonic() - started < 15
    line = assert_clean_failure(failed, bad_port, *reason)
    assert line.startswith("cti due: no reminders were mailed: ")
    assert "go out on the next run" in failed.err
    assert handler.envelopes == []
    assert ledger_sent(team) == {}

    use_smtp(team, port)
    ok = cti_proc("-C", team, "due", "--email", "--date", TODAY, "-q", timeout=PROC_TIMEOUT)
    assert ok.code == 0, ok.output
    assert_delivered_once(handler, team, items)
    again = cti_proc("-C", team, "due", "--email", "--date", TODAY, "-q", timeout=PROC_TIMEOUT)
    assert (again.code, again.out, again.err) == (0, "", "")
    assert_delivered_once(handler, team, items)


# --- the shared repository refuses a push ------------------------------------------------


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True,
                          timeout=PROC_TIMEOUT)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif(not gitops.git_available(), reason="git is not installed")
def test_rejected_push_keeps_the_commit_and_the_next_sync_sends_it(
        folder: Path, cti: Runner, cti_proc: Runner, tmp_path: Path) -> None:
    remote = tmp_path / "shared" / "team.git"
    remote.parent.mkdir()
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(remote))
    git(folder, "commit", "--quiet", "-m", "team: workers", "--", "cti.toml")
    git(folder, "remote", "add", "origin", str(remote))
    made = cti("-C", folder, "new", "--initials", "MK", "--worker", "anna", "--group",
               "homelessness", "--transition-date", "2026-03-01", "--id", "2026-004",
               "--date", "2026-02-10")
    assert made.code == 0, made.output
    first = cti_proc("-C", folder, "sync", timeout=PROC_TIMEOUT)
    assert first.code == 0, first.output
    branch = git(folder, "branch", "--show-current").strip()
    shared = git(remote, "rev-parse", branch).strip()

    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'closed for maintenance' >&2\nexit 1\n", "utf-8")
    hook.chmod(0o755)
    logged = cti("-C", folder, "log", "2026-004", "Hjemmebesøg hos borgeren", "--date",
                 "2026-03-02")
    assert logged.code == 0, logged.output
    local = git(folder, "rev-parse", "HEAD").strip()
    assert local != shared

    refused = cti_proc("-C", folder, "sync", timeout=PROC_TIMEOUT)
    assert refused.code == 1, refused.output
    assert "Traceback" not in refused.output
    # the team writes Danish: saved here, not sent, run `cti sync` again
    assert "1 ændring er gemt på denne computer, men blev ikke sendt" in refused.err
    assert "afviste" in refused.err  # the hook said no: not "a colleague was faster"
    assert "closed for maintenance" in refused.err  # the remote's own words are shown
    assert "kør `cti sync` igen" in refused.err
    assert git(folder, "rev-parse", "HEAD").strip() == local
    assert "2026-004" in git(folder, "log", "-1", "--format=%s")
    assert git(folder, "status", "--porcelain") == ""
    assert "Hjemmebesøg hos borgeren" in (folder / "cases" / "2026-004.yaml").read_text("utf-8")
    assert git(remote, "rev-parse", branch).strip() == shared

    hook.unlink()
    sent = cti_proc("-C", folder, "sync", timeout=PROC_TIMEOUT)
    assert sent.code == 0, sent.output
    assert "Sendt 1 ændring." in sent.out
    assert git(remote, "rev-parse", branch).strip() == local
    assert git(folder, "status", "--porcelain") == ""


def test_nothing_new_to_mail_needs_no_server(team: Path, cti: Runner,
                                             smtp: tuple[int, Handler]) -> None:
    """During a mail outage a run with nothing new is no failure: cron stays quiet."""
    port, handler = smtp
    use_smtp(team, port)
    items = due_count(cti, team)
    first = cti("-C", team, "due", "--email", "--date", TODAY)
    assert first.code == 0, first.output
    assert_delivered_once(handler, team, items)
    use_smtp(team, free_port())  # nobody listens there
    again = cti("-C", team, "due", "--email", "--quiet", "--date", TODAY)
    assert (again.code, again.out, again.err) == (0, "", "")
