"""Nothing from a file controls the terminal (issue 16, item 5).

Every text field of a case file, the team and worker names of cti.toml, a file name in
cases/ and a git author name and subject hold escape sequences (OSC 52 clipboard, OSC 0
title, CSI clear screen), a C1 CSI, DEL and a bidi override, and rich markup. Every command
that prints runs as the real `cti` on a pseudo-terminal (so rich colours its output); what
reaches the terminal may hold rich's own colour codes (SGR) and nothing else that acts, and
the fields' text is still there, markup printed literally.
"""

from __future__ import annotations

import email
import fcntl
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from datetime import date, timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import pytest

from cti_cli.core.safetext import json_text, printable, shown

CTI = str(Path(sys.executable).parent / "cti")
ATTACK = "\x1b]52;c;SGFjaw==\x07\x1b[2J\x1b]0;pwned\x07\x9b31m\x7f\u202e"
SGR = re.compile(r"\x1b\[[0-9;]*m")


def hostile(tag: str) -> str:
    """A field value: a visible tag, every attack, and rich markup that must stay literal."""
    return f"{tag}{ATTACK}[bold]{tag.lower()}[/bold]"


def q(text: str) -> str:
    """A YAML (and TOML) double-quoted string: JSON's escapes are valid in both."""
    return json.dumps(text)


def case_text(today: date) -> str:
    t = today - timedelta(days=30)
    d = lambda n: (t + timedelta(days=n)).isoformat()  # noqa: E731
    return f"""id: 2026-099
citizen:
  initials: SV
  name: {q(hostile("NAME"))}
target_group: aftercare
worker: sara
municipality: {q(hostile("MUNI"))}
transition: {{kind: move_in, date: {d(0)}}}
phases:
- name: contact
  start: {d(-20)}
- name: phase1
  start: {d(0)}
contacts:
- id: c1
  date: {d(-19)}
  kind: meeting
  minutes: 45
  with: [citizen, {q(hostile("WITH"))}]
  place: {q(hostile("PLACE"))}
  note: {q(hostile("NOTE"))}
- id: c2
  date: {d(1)}
  kind: phone
  note: {q(hostile("NOTETWO"))}
appointments:
- date: {(today + timedelta(days=1)).isoformat()}
  time: "10:00"
  with: [{q(hostile("AWITH"))}]
  place: {q(hostile("APLACE"))}
  note: {q(hostile("APPT"))}
assessment:
  housing:
    own_view: {q(hostile("VIEW"))}
    needs: {q(hostile("NEEDS"))}
goals:
- id: g1
  text: {q(hostile("GOAL"))}
  domain: housing
  actions:
  - text: {q(hostile("ACTION"))}
    who: {q(hostile("WHO"))}
    due: {(today + timedelta(days=5)).isoformat()}
plan: {q(hostile("PLAN"))}
network:
- name: {q(hostile("NET"))}
  role: {q(hostile("ROLE"))}
checklists:
  contact:
    contact_made: {d(-19)}
    informed: {d(-19)}
    contact_agreement: {d(-10)}
  phase1:
    jobcentre: {{na: {q(hostile("NA"))}}}
documentation:
  start:
    date: {d(0)}
    form: status/1
    domains: {{housing: 2, mental_health: 3, physical_health: 1, economy: 2, network: 3,
               daily_activities: 1, education_work: 2}}
    own_view: {q(hostile("DOCVIEW"))}
"""


def stranger_text(today: date) -> str:
    """A case whose worker id (not in cti.toml) carries the attack."""
    t = today - timedelta(days=10)
    return (f"id: 2026-098\ncitizen:\n  initials: AB\ntarget_group: homelessness\n"
            f"worker: {q('W' + ATTACK)}\ntransition: {{kind: move_in, date: {t}}}\n"
            f"phases:\n- name: contact\n  start: {t}\n")


def git(root: Path, *args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                   env={**os.environ, **(env or {})})


HOSTILE_AUTHOR = {"GIT_AUTHOR_NAME": hostile("AUTHOR"), "GIT_COMMITTER_NAME": "Ok"}


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A remote, the team folder (hostile files committed by a hostile author) and a
    colleague's clone that has not pulled them yet."""
    base = tmp_path_factory.mktemp("hostile")
    env = {**os.environ, "GIT_AUTHOR_NAME": "Test Worker", "GIT_AUTHOR_EMAIL": "w@k.example",
           "GIT_COMMITTER_NAME": "Test Worker", "GIT_COMMITTER_EMAIL": "w@k.example",
           "HOME": str(base), "XDG_CONFIG_HOME": str(base / ".config"),
           "XDG_CACHE_HOME": str(base / ".cache"), "XDG_STATE_HOME": str(base / ".state"),
           "CTI_STATE_DIR": str(base / ".state" / "cti"),
           "CTI_CONFIG_HOME": str(base / ".config" / "cti"), "GIT_CONFIG_NOSYSTEM": "1"}
    remote = base / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    root = base / "team"
    subprocess.run([CTI, "init", str(root)], check=True, capture_output=True, env=env)
    git(root, "branch", "-M", "main")
    git(root, "remote", "add", "origin", str(remote))
    git(root, "push", "-q", "-u", "origin", "main")
    other = base / "other"
    subprocess.run([CTI, "join", str(remote), str(other)], capture_output=True, env=env)
    if not (other / "cti.toml").exists():
        subprocess.run(["git", "clone", "-q", str(remote), str(other)], check=True, env=env)

    toml = root / "cti.toml"
    text = toml.read_text("utf-8")
    team_name = f"name = {q(hostile('TEAM'))}"
    text = re.sub(r"(?m)^name = .*$", lambda _: team_name, text, count=1)
    text += (f"\n[workers.sara]\nname = {q(hostile('WNAME'))}\nemail = \"sara@k.example\"\n"
             "fte = 1.0\n")
    toml.write_text(text, "utf-8")
    today = date.today()
    (root / "cases" / "2026-099.yaml").write_text(case_text(today), "utf-8")
    (root / "cases" / "2026-098.yaml").write_text(stranger_text(today), "utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-qm", hostile("SUBJECT"), env=HOSTILE_AUTHOR)
    git(root, "push", "-q")
    # a file name is data too: check and doctor name a .yml file in cases/
    (root / "cases" / f"F{ATTACK.replace(chr(0x9B), '')}.yml").write_text("id: x\n", "utf-8")
    return {"root": root, "other": other}


def run_pty(args: list[str], cwd: Path, timeout: float = 90) -> str:
    """`cti ARGS` on a pseudo-terminal 120 columns wide; all it wrote, decoded."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 120, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS", "LINES")}
    env["TERM"] = "xterm-256color"
    proc = subprocess.Popen([CTI, *args], stdin=slave, stdout=slave, stderr=slave, cwd=cwd,
                            env=env, close_fds=True)
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
    finally:
        proc.kill() if proc.poll() is None else None
        proc.wait()
        os.close(master)
    return b"".join(chunks).decode("utf-8", errors="replace")


def assert_inert(output: str) -> str:
    """No byte that acts on a terminal except SGR colour codes; returns the visible text."""
    visible = SGR.sub("", output)
    bad = [f"U+{ord(c):04X}" for c in visible
           if (ord(c) < 0x20 and c not in "\n\r\t") or 0x7F <= ord(c) <= 0x9F
           or 0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069]
    assert not bad, (bad[:10], output[:3000])
    return visible


# command → tags of fields that it must still show
COMMANDS: list[tuple[list[str], list[str]]] = [
    (["show", "2026-099"], ["PLAN", "GOAL", "NET", "WNAME", "ACTION", "ROLE"]),
    (["timeline", "2026-099"], []),
    (["list"], ["TEAM"]),
    (["board"], ["TEAM", "WNAME"]),
    (["due", "--within", "30"], ["WNAME"]),
    (["check"], ["F\u241b]52", "W\u241b]52"]),
    (["check", "--json"], []),
    (["checklist", "2026-099"], []),
    (["history", "2026-099"], ["AUTHOR", "SUBJECT"]),
    (["doctor"], []),
    (["progress", "2026-099"], []),
    (["fidelity"], ["TEAM"]),
    (["fidelity", "2026-099"], []),
    (["show", "2026-099", "--json"], []),
    (["list", "--json"], []),
    (["board", "--json"], []),
    (["due", "--json"], []),
    (["calendar"], []),
    (["show", "2026-098"], []),
]


@pytest.mark.parametrize(("args", "tags"), COMMANDS, ids=[" ".join(a) for a, _ in COMMANDS])
def test_command_output_is_inert(team: dict[str, Path], args: list[str],
                                 tags: list[str]) -> None:
    visible = assert_inert(run_pty(args, team["root"]))
    assert "Traceback" not in visible and "internal error" not in visible, visible
    for tag in tags:
        assert tag in visible, (tag, visible)
    if tags and args[0] != "check":
        # markup in data is text: printed with its brackets, never as bold
        assert "bold]" in visible, visible


def test_sync_shows_a_hostile_author_inert(team: dict[str, Path]) -> None:
    visible = assert_inert(run_pty(["sync"], team["other"]))
    assert "Traceback" not in visible and "internal error" not in visible, visible
    assert "AUTHOR" in visible and "bold]" in visible, visible


def test_due_mail_body_is_inert(team: dict[str, Path]) -> None:
    root = team["root"]
    visible = assert_inert(run_pty(["due", "--within", "30", "--email"], root))
    assert "internal error" not in visible, visible
    outbox = sorted((root / ".cti" / "outbox" / "new").iterdir())  # a Maildir
    assert outbox, visible
    for path in outbox:
        msg = email.message_from_bytes(path.read_bytes(), policy=default_policy)
        assert isinstance(msg, EmailMessage)
        for part in msg.walk():
            if part.get_content_maintype() == "text":
                assert_inert(part.get_content())
        assert_inert(str(msg["Subject"] or ""))


def test_errors_are_inert(team: dict[str, Path], tmp_path: Path) -> None:
    """A broken case file's error (unknown key named in the message) is inert too."""
    root = team["root"]
    bad = root / "cases" / "2026-097.yaml"
    bad.write_text(stranger_text(date.today()).replace("2026-098", "2026-097")
                   + f"{q('K' + ATTACK)}: 1\n", "utf-8")
    try:
        for args in (["check"], ["show", "2026-097"], ["due"], ["list"]):
            assert_inert(run_pty(args, root))
    finally:
        bad.unlink()


def test_printable_keeps_text_and_shows_controls() -> None:
    assert printable("Bo\tLarsen\nnote") == "Bo\tLarsen\nnote"
    assert printable("a\r\nb") == "a\nb"
    assert printable("x\x1b[2Jy") == "x\u241b[2Jy"
    assert printable("x\x9b\x7fy") == "x\ufffd\u2421y"
    assert printable("ab\u202ecd") == "abcd"
    assert shown("CPR 010190-1234\x07") == "CPR DDMMYY-XXXX\u2407"
    assert json.loads(json_text({"n": "a\x9b\x1b\u202e"})) == {"n": "a\x9b\x1b\u202e"}
    assert not re.search("[\x7f-\x9f\u202e\x1b]", json_text({"n": "a\x9b\x1b\u202e"}))
