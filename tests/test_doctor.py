"""`cti doctor` names each risk to case data: loose modes, no merge driver, public remote,
SMTP without TLS; and is content when none is there."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from casefiles import team_language

from cti_cli.commands.doctor import is_public_host, url_host

NEW = ("new", "--initials", "MK", "--worker", "anna", "--group", "homelessness",
       "--transition-date", "2026-03-01", "--date", "2026-02-10")


def test_fresh_folder_is_private_and_healthy(folder: Path, cti) -> None:
    assert cti("-C", folder, *NEW).code == 0
    case = folder / "cases" / "2026-001.yaml"
    assert case.stat().st_mode & 0o777 == 0o600
    assert (folder / "cases").stat().st_mode & 0o777 == 0o700
    result = cti("-C", folder, "doctor")
    assert result.code == 0, result.output
    assert result.out == "ingen problemer fundet\n"  # the team is Danish


def test_loose_case_file_and_missing_merge_driver_are_both_named(folder: Path, cti) -> None:
    assert cti("-C", folder, *NEW).code == 0
    (folder / "cases" / "2026-001.yaml").chmod(0o644)
    team_language(folder, "en")
    subprocess.run(["git", "-C", str(folder), "config", "--unset", "merge.cti.driver"],
                   check=True)
    result = cti("-C", folder, "doctor")
    assert result.code == 1
    assert "D102 " in result.out and "2026-001.yaml has mode 0644" in result.out
    assert "D201 the cti merge driver is not registered" in result.out
    assert "cti init --repair" in result.out


def test_public_remote_and_plain_smtp(folder: Path, cti) -> None:
    subprocess.run(["git", "-C", str(folder), "remote", "add", "origin",
                    "git@github.com:kommune/cases.git"], check=True)
    with (folder / "cti.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[smtp]\nhost = "mail.kommune.example"\nsecurity = "none"\n'
                 'from = "cti@kommune.example"\n')
    team_language(folder, "en")
    result = cti("-C", folder, "doctor")
    assert result.code == 1
    assert "D202 remote 'origin' is on github.com" in result.out
    assert 'D301 [smtp] security = "none" to mail.kommune.example' in result.out


def test_loose_folder(folder: Path, cti) -> None:
    (folder / "cases").chmod(0o755)
    result = cti("-C", folder, "doctor")
    assert "D101 " in result.out and "chmod 700" in result.out


@pytest.mark.parametrize(("url", "host", "public"), [
    ("git@github.com:k/c.git", "github.com", True),
    ("https://gitlab.com/k/c.git", "gitlab.com", True),
    ("ssh://git@bitbucket.org:22/k/c.git", "bitbucket.org", True),
    ("https://user@ssh.dev.azure.com/v3/k", "ssh.dev.azure.com", True),
    ("ssh://git@git.kommune.dk/cti/team.git", "git.kommune.dk", False),
    ("/srv/git/team.git", "", False),
    ("git@notgithub.com:x", "notgithub.com", False),
])
def test_url_host(url: str, host: str, public: bool) -> None:
    assert url_host(url) == host
    assert is_public_host(host) is public
