"""Reading a form's answers from a YAML file (`cti document --form FILE`).

The file has the keys a documentation point has in the case file; it is read with the same
safe reader and validated with the same model, so a rating of 7 is reported at its line and
column in the answers file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cti_cli.core.errors import CaseFileError
from cti_cli.core.findings import Finding
from cti_cli.core.model import Documentation
from cti_cli.locale import _
from cti_cli.storage.store import decode_bytes, display_path, parse_text, read_bytes
from cti_cli.storage.validate import validate_model
from cti_cli.storage.yamlread import Parsed


def read_answers(path: Path) -> tuple[dict[str, Any], Parsed, str]:
    """The answers as plain data, with positions for later findings, and the shown path."""
    shown = display_path(path)
    raw, _st = read_bytes(path)
    text, findings = decode_bytes(raw, shown)
    if text is None:
        raise CaseFileError(path, findings)
    parsed, findings = parse_text(text, shown, positions=True)
    if parsed is None:
        raise CaseFileError(path, findings)
    data = parsed.data if parsed.data is not None else {}
    if not isinstance(data, dict):
        raise CaseFileError(path, [Finding(shown, 1, 1, "E100", "error",
                                           _("the answers file is not a mapping"),
                                           _("write `domains: {{housing: 3}}`, "
                                             "`goals: {{g1: 6}}`, `own_view: …`, "
                                             "`fidelity: {{own_wishes: yes}}`").format())])
    return data, parsed, shown


def validate_answers(path: Path, data: dict[str, Any], parsed: Parsed,
                     shown: str) -> Documentation:
    """The answers as a validated documentation point, or every problem at its line."""
    answers, findings = validate_model(Documentation, data, parsed, shown)
    if answers is None:
        raise CaseFileError(path, findings)
    return answers


def fit_error(path: Path, parsed: Parsed, shown: str,
              problems: list[tuple[tuple[str | int, ...], str, str | None]]) -> CaseFileError:
    """Answers that do not fit the form or the case, as an error at their place in the file."""
    findings = []
    for loc, message, hint in problems:
        line, col = parsed.position(loc)
        findings.append(Finding(shown, line, col, "E104", "error", message, hint))
    return CaseFileError(path, findings)
