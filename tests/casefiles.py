"""The smallest valid case file, as text: the start of hand-made test inputs."""

from __future__ import annotations

import re
from pathlib import Path


def minimal_case(case_id: str, *, transition: str = "2026-03-01",
                 start: str = "2026-02-10") -> str:
    """Only the required keys, in the contact period; tests append what they need."""
    return (f"id: {case_id}\ncitizen:\n  initials: MK\ntarget_group: homelessness\n"
            f"worker: anna\ntransition: {{kind: move_in, date: {transition}}}\nphases:\n"
            f"- name: contact\n  start: {start}\n")


def team_language(root: Path, lang: str) -> None:
    """Set `[team] language` of the folder at `root` (a fresh `cti init` folder is Danish)."""
    toml = root / "cti.toml"
    text = toml.read_text("utf-8")
    toml.write_text(re.sub(r'language = "(da|en)"', f'language = "{lang}"', text, count=1),
                    "utf-8")
