"""`cti due` as users and cron run it: table, JSON, quiet, and mail through a real SMTP server.

The folder is built with `cti new` and `cti log`; phases and appointments are written into
the case file directly so this file does not depend on how other commands evolve.
"""

from __future__ import annotations

import email
import email.policy
import json
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from conftest import Runner
from smtp_server import SmtpServer, free_port, text_of

from cti_cli.core.labels import label

TODAY = "2026-06-01"
# Personal text typed into the case files: none of it may reach a mail or a message.
SECRETS = ("Mette", "Kjær", "Jonas", "Vestergaard", "gæld", "diagnose", "Hjemme hos mor",
           "Nørregade", "MK", "JV")


def build(cti: Runner, root: Path) -> None:
    """anna: a phase-1 course past its planned end; bo (0.5 fte): a long contact period."""
    toml = root / "cti.toml"
    toml.write_text(toml.read_text("utf-8").replace("caseload_per_fte = 10",
                                                    "caseload_per_fte = 1"), "utf-8")
    for args in (
        ["new", "--initials", "MK", "--name", "Mette Kjær", "--worker", "anna", "--group",
         "homelessness", "--transition-date", "2026-02-01", "--date", "2026-01-05",
         "--id", "2026-001"],
        ["log", "2026-001", "Talte om hendes gæld og diagnose", "--place", "Hjemme hos mor",
         "--date", "2026-01-10"],
        ["new", "--initials", "JV", "--name", "Jonas Vestergaard", "--worker", "bo", "--group",
         "psychiatric", "--transition-date", "2026-04-01", "--date", "2026-03-01",
         "--id", "2026-002"],
    ):
        result = cti("-C", root, *args)
        assert result.code == 0, result.output
    path = root / "cases" / "2026-001.yaml"
    text = path.read_text("utf-8").replace(
        "  start: 2026-01-05\n", "  start: 2026-01-05\n- name: phase1\n  start: 2026-02-01\n")
    text += ("appointments:\n- date: 2026-06-02\n  time: '10:00'\n  place: Nørregade 7\n"
             "  note: Mette vil tale om diagnose\n")
    path.write_text(text, "utf-8")
    assert cti("-C", root, "check").code == 0


@pytest.fixture
def team(plain_folder: Path, cti: Runner) -> Path:
    build(cti, plain_folder)
    return plain_folder


def use_smtp(root: Path, port: int) -> None:
    with (root / "cti.toml").open("a", encoding="utf-8") as fh:
        fh.write(f'\n[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
                 'from = "CTI Team Nord <cti@kommune.example>"\ntimeout = 5\n')


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    srv = SmtpServer().start()
    yield srv
    srv.stop()


def assert_private(messages: list[EmailMessage]) -> None:
    for msg in messages:
        text = text_of(msg)
        for secret in SECRETS:
            assert secret not in text, (secret, msg["To"])


# --- on screen and as JSON -------------------------------------------------------------


def test_json_lists_every_kind_sorted(team: Path, cti: Runner) -> None:
    result = cti("-C", team, "due", "--date", TODAY, "--json")
    assert result.code == 0, result.output
    items = json.loads(result.out)
    assert {(i["case"], i["kind"]) for i in items} == {
        ("2026-001", "phase_end"), ("2026-001", "documentation"), ("2026-001", "checklist"),
        ("2026-001", "no_contact"), ("2026-001", "appointment"),
        ("2026-002", "contact_period"), ("2026-002", "no_contact"), ("-", "caseload"),
    }
    assert [i["kind"] for i in items].count("documentation") == 2  # start and month3
    assert all(set(i) == {"case", "initials", "worker", "kind", "due", "days_left", "message"}
               for i in items)
    assert [i["days_left"] for i in items] == sorted(i["days_left"] for i in items)
    (appointment,) = [i for i in items if i["kind"] == "appointment"]
    assert appointment["due"] == "2026-06-02"
    assert appointment["days_left"] == 1
    (caseload,) = [i for i in items if i["kind"] == "caseload"]
    assert caseload["worker"] == "bo"
    for i in items:
        for secret in SECRETS[:-2]:
            assert secret not in i["message"]


def test_table_grouped_by_worker(team: Path, cti: Runner) -> None:
    result = cti("-C", team, "due", "--date", TODAY)
    assert result.code == 0, result.output
    assert "anna (Anna Jensen)" in result.out
    assert "bo (Bo Larsen)" in result.out
    assert result.out.index("anna (Anna Jensen)") < result.out.index("bo (Bo Larsen)")
    assert result.err == ""


def test_worker_filter_and_horizon(team: Path, cti: Runner) -> None:
    items = json.loads(cti("-C", team, "due", "--date", TODAY, "--worker", "bo", "--json").out)
    assert {i["worker"] for i in items} == {"bo"}
    early = json.loads(cti("-C", team, "due", "--date", "2026-03-02", "--within", "0",
                           "--json").out)
    assert "contact_period" not in {i["kind"] for i in early}  # due 2026-04-30
    wide = json.loads(cti("-C", team, "due", "--date", "2026-03-02", "--within", "60",
                          "--json").out)
    assert "contact_period" in {i["kind"] for i in wide}
    unknown = cti("-C", team, "due", "--worker", "zoe")
    assert unknown.code == 2
    assert "zoe" in unknown.err


def test_quiet_prints_nothing_when_nothing_is_due(plain_folder: Path, cti: Runner) -> None:
    assert cti("-C", plain_folder, "due", "--quiet") == cti("-C", plain_folder, "due", "-q",
                                                           "--json")
    result = cti("-C", plain_folder, "due", "--quiet")
    assert (result.code, result.out, result.err) == (0, "", "")
    assert "intet med frist" in cti("-C", plain_folder, "due").out


def test_quiet_still_prints_what_is_due(team: Path, cti: Runner) -> None:
    result = cti("-C", team, "due", "--date", TODAY, "--quiet")
    assert result.code == 0
    assert "2026-001" in result.out


def test_unreadable_case_file_is_named_on_stderr(team: Path, cti: Runner) -> None:
    (team / "cases" / "2026-003.yaml").write_text("id: [\n", "utf-8")
    result = cti("-C", team, "due", "--date", TODAY, "--json")
    assert result.code == 1  # the others are shown; cron and systemd report the failure
    assert "2026-003.yaml" in result.err
    assert "cti check" in result.err
    assert json.loads(result.out)


def test_one_unreadable_case_does_not_stop_the_reminders(team: Path, cti: Runner,
                                                         server: SmtpServer) -> None:
    """A colleague's typo (`Plan:`) in one file: every other case is mailed, then exit 1."""
    bad = team / "cases" / "2026-002.yaml"
    bad.write_text(bad.read_text("utf-8") + "Plan: find a flat\n", "utf-8")
    use_smtp(team, server.port)
    result = cti("-C", team, "due", "--date", TODAY, "--email", "--quiet")
    assert result.code == 1, result.output
    assert "internal error" not in result.output
    assert [e.rcpt_tos for e in server.handler.envelopes] == [["anna@kommune.example"]]
    assert "2026-001" in text_of(server.handler.messages()[0])
    assert "cases/2026-002.yaml" in result.err.splitlines()[-1]


# --- mail ------------------------------------------------------------------------------


def test_email_delivers_once_per_worker_then_nothing(team: Path, cti: Runner,
                                                     server: SmtpServer) -> None:
    use_smtp(team, server.port)
    first = cti("-C", team, "due", "--date", TODAY, "--email", "--quiet")
    assert first.code == 0, first.output
    assert "sendte 9 påmindelser til 2 medarbejdere" in first.out
    envelopes = {e.rcpt_tos[0]: e for e in server.handler.envelopes}
    assert sorted(envelopes) == ["anna@kommune.example", "bo@kommune.example"]
    assert all(len(e.rcpt_tos) == 1 for e in server.handler.envelopes)
    messages = {str(m["To"]): m for m in server.handler.messages()}
    anna = text_of(messages["Anna Jensen <anna@kommune.example>"])
    bo = text_of(messages["Bo Larsen <bo@kommune.example>"])
    assert "2026-001" in anna
    assert "2026-002" not in anna
    assert "2026-002" in bo
    assert "2026-06-02" in anna  # the appointment's date
    assert "Sagsstamme" in bo  # caseload, in the team's language
    assert messages["Anna Jensen <anna@kommune.example>"]["Auto-Submitted"] == "auto-generated"
    assert messages["Anna Jensen <anna@kommune.example>"].get_body(("html",)) is not None
    assert_private(list(messages.values()))

    second = cti("-C", team, "due", "--date", TODAY, "--email", "--quiet")
    assert (second.code, second.out, second.err) == (0, "", "")
    assert len(server.handler.envelopes) == 2
    loud = cti("-C", team, "due", "--date", TODAY, "--email")
    assert "intet nyt at sende (9 påmindelser er allerede sendt)" in loud.out
    assert len(server.handler.envelopes) == 2


def test_server_down_fails_clearly_and_the_next_run_delivers(team: Path, cti: Runner) -> None:
    port = free_port()
    use_smtp(team, port)
    down = cti("-C", team, "due", "--date", TODAY, "--email", "--quiet")
    assert down.code == 1
    assert f"127.0.0.1:{port}: forbindelsen blev afvist" in down.err
    assert "næste kørsel" in down.err
    assert "Traceback" not in down.output
    assert down.out == ""

    server = SmtpServer(port).start()
    try:
        up = cti("-C", team, "due", "--date", TODAY, "--email", "--quiet")
        assert up.code == 0, up.output
        assert sorted(e.rcpt_tos[0] for e in server.handler.envelopes) == [
            "anna@kommune.example", "bo@kommune.example"]
        assert_private(server.handler.messages())
    finally:
        server.stop()


def test_missed_day_is_caught_up(team: Path, cti: Runner, server: SmtpServer) -> None:
    """Items stay due until done, so a run after a missed day still mails them."""
    use_smtp(team, server.port)
    assert cti("-C", team, "due", "--date", "2026-06-03", "--email", "-q").code == 0
    kinds = text_of(server.handler.messages()[0])
    assert "2026-001" in kinds


def test_worker_without_address_fails_but_others_get_mail(team: Path, cti: Runner,
                                                          server: SmtpServer) -> None:
    toml = team / "cti.toml"
    toml.write_text(toml.read_text("utf-8").replace('email = "bo@kommune.example"\n', ""),
                    "utf-8")
    use_smtp(team, server.port)
    result = cti("-C", team, "due", "--date", TODAY, "--email", "--quiet")
    assert result.code == 1
    assert "ingen e-mail i cti.toml for bo" in result.err
    assert [e.rcpt_tos for e in server.handler.envelopes] == [["anna@kommune.example"]]


def test_outbox_without_smtp(team: Path, cti: Runner) -> None:
    result = cti("-C", team, "due", "--date", TODAY, "--email")
    assert result.code == 0, result.output
    outbox = team / ".cti" / "outbox" / "new"
    assert "outbox" in result.out
    assert str(Path(".cti") / "outbox" / "new") in result.out
    files = sorted(outbox.iterdir())
    assert len(files) == 2
    messages = []
    for path in files:
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        messages.append(msg)
    assert {str(m["To"]) for m in messages} == {"Anna Jensen <anna@kommune.example>",
                                                "Bo Larsen <bo@kommune.example>"}
    assert_private(messages)
    again = cti("-C", team, "due", "--date", TODAY, "--email", "--quiet")
    assert (again.code, again.out) == (0, "")
    assert len(list(outbox.iterdir())) == 2


def test_a_long_list_prints_every_item_on_one_line_each(team: Path, cti: Runner) -> None:
    """A municipality-wide run lists hundreds of items: plain columns, none folded or lost."""
    template = (team / "cases" / "2026-002.yaml").read_text("utf-8")
    for n in range(3, 123):
        case_id = f"2026-{n:03d}"
        (team / "cases" / f"{case_id}.yaml").write_text(
            template.replace("id: 2026-002", f"id: {case_id}"), "utf-8")
    items = json.loads(cti("-C", team, "due", "--date", TODAY, "--json").out)
    assert len(items) > 100
    table = cti("-C", team, "due", "--date", TODAY)
    assert table.code == 0, table.output
    lines = table.out.splitlines()
    for item in items:
        kind = label("due_kind", item["kind"], "da")  # the team's language
        assert any(line.startswith(item["case"] + " ") and f" {kind} " in line
                   and line.rstrip().endswith(item["message"]) for line in lines), item
