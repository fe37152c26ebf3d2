"""No input ends in an internal error: a fuzz test over the case file's keys and values.

Each example is a realistic case file (examples/cases) with one to three mutations of the
kinds a careless or hostile colleague makes: a key in another case (`Plan:`, `ID:`), a date at
the calendar's ends (9999-12-31, 0001-01-01), an odd scalar (`yes`, `0x1F`, `1:20`, `.nan`,
`!!binary`), YAML 1.1 forms (`%YAML 1.1`, sexagesimal numbers, `y`/`n`). Every command must
end with exit 0, 1 or 2 and a message, never exit 3 ("internal error").
"""

from __future__ import annotations

import io
import re
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from casefiles import minimal_case
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cti_cli.cli import main
from cti_cli.core.findings import MAX_FINDINGS
from cti_cli.storage.store import validate_text

EXAMPLES = Path(__file__).parent.parent / "examples"
BASE = (EXAMPLES / "cases" / "2026-006.yaml").read_text("utf-8")
CASE = "2026-006"
KEY_LINE = re.compile(r"^(\s*(?:- )?)([a-z_]+):", re.M)
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
VALUE_LINE = re.compile(r"^(\s*(?:- )?[a-z_]+: )(\S.*)$", re.M)

EXTREME_DATES = ["9999-12-31", "0001-01-01", "1899-12-31", "2200-01-01", "2199-12-31",
                 "1900-01-01", "2026-02-29", "2024-02-29", "2026-04-31", "99999-01-01"]
ODD_SCALARS = ["yes", "no", "on", "off", "y", "n", "~", "null", "0x1F", "0o17", "0123",
               "1_000", "1:20", "1:30:00", ".inf", "-.inf", ".nan", "1e400", "-0", "[]", "{}",
               '""', "''", "!!binary aGVsbG8=", "!!str 5", "!!int '5'", "!!set {a, b}",
               "2026-01-01T10:00:00", "2026-01-01 10:00", "&a x", "*a", "=", "|", ">-",
               "[[[[x]]]]", "{a: {b: {c: d}}}", "'\\x1b]52;c;aGk=\\x07'", "\"\\e[2J\"",
               "\"\\u202e\"", "12345678901234567890123", "true", "False", "NULL"]
CASINGS = [str.upper, str.title, str.swapcase, lambda k: k[:1].upper() + k[1:]]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = BASE
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["top-key", "key", "date", "scalar", "yaml11", "dup"]))
        if kind in ("top-key", "key"):
            hits = [m for m in KEY_LINE.finditer(text) if kind == "key" or not m.group(1)]
            m = draw(st.sampled_from(hits))
            key = draw(st.sampled_from(CASINGS))(m.group(2))
            text = text[:m.start(2)] + key + text[m.end(2):]
        elif kind == "date":
            hits = list(DATE.finditer(text))
            m = draw(st.sampled_from(hits))
            text = text[:m.start()] + draw(st.sampled_from(EXTREME_DATES)) + text[m.end():]
        elif kind == "scalar":
            hits = list(VALUE_LINE.finditer(text))
            m = draw(st.sampled_from(hits))
            text = text[:m.start(2)] + draw(st.sampled_from(ODD_SCALARS)) + text[m.end(2):]
        elif kind == "yaml11":
            text = "%YAML 1.1\n---\n" + text
        else:  # a key line repeated in another case
            hits = list(KEY_LINE.finditer(text))
            m = draw(st.sampled_from(hits))
            line_end = text.index("\n", m.start())
            line = text[m.start():line_end]
            text = text[:line_end + 1] + line.replace(m.group(2), m.group(2).upper(), 1) \
                + "\n" + text[line_end + 1:]
    return text


COMMANDS: list[list[str]] = [
    ["check", "--strict", "--date", "2026-05-01"],
    ["show", CASE],
    ["show", "--json", CASE],
    ["list"],
    ["due", "--date", "2026-05-01"],
    ["board", "--date", "2026-05-01"],
    ["timeline", CASE],
    ["checklist", CASE],
    ["log", CASE, "Opkald", "--kind", "phone", "--date", "2026-05-01", "--no-commit"],
]


def _run(args: list[str], cwd: Path) -> tuple[int, str]:
    import os

    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main(args)
    finally:
        os.chdir(old)
    return code, out.getvalue() + err.getvalue()


@pytest.fixture
def team(tmp_path: Path) -> Path:
    root = tmp_path / "team"
    root.mkdir()
    shutil.copy(EXAMPLES / "cti.toml", root / "cti.toml")
    text = (root / "cti.toml").read_text("utf-8")
    (root / "cti.toml").write_text(text.replace("commit = true", "commit = false"), "utf-8")
    (root / "cases").mkdir()
    shutil.copy(EXAMPLES / "cases" / "2026-003.yaml", root / "cases")  # a readable neighbour
    return root


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=mutated())
def test_no_command_raises_on_a_mutated_case(team: Path, text: str) -> None:
    path = team / "cases" / f"{CASE}.yaml"
    for args in COMMANDS:
        path.write_text(text, "utf-8")
        code, output = _run(args, team)
        assert code in (0, 1, 2), f"cti {' '.join(args)} → {code}\n{output}\n--- file:\n{text}"
        assert "internal error" not in output and "Traceback" not in output


def test_findings_are_capped_at_100_then_a_count() -> None:
    """A 2 MB file can hold 75,000 mistakes: the first 100 are shown, then how many more."""
    n = 3000
    text = minimal_case("many") + "contacts:\n" + "".join(
        f"- {{date: 2026-02-12, x: {i}}}\n" for i in range(n))
    case, _parsed, findings = validate_text(text, "many.yaml")
    assert case is None and len(findings) == MAX_FINDINGS + 1
    assert [f.code for f in findings[:MAX_FINDINGS]] == ["E101"] * MAX_FINDINGS
    assert findings[0].line == 11 and findings[-2].line == 10 + MAX_FINDINGS
    assert findings[-1].code == "E199" and f"{n - MAX_FINDINGS} " in findings[-1].message


@pytest.mark.parametrize("sep", ["-", "\u2011", "\u2013", "/", " ", "\u00a0", ""])
def test_cpr_numbers_in_every_dash_form_are_found_and_masked(sep: str) -> None:
    from cti_cli.core.privacy import has_cpr, mask_cpr
    from cti_cli.mail.compose import CPR_LIKE

    text = f"CPR 010190{sep}1234 nævnt"
    assert has_cpr(text) and CPR_LIKE.search(text)
    assert "1234" not in mask_cpr(text)


@pytest.mark.parametrize("case_id", ["010190-1234", "0101901234", "010190_1234"])
def test_new_refuses_an_id_that_identifies_the_citizen(case_id: str, team: Path) -> None:
    code, output = _run(["new", "--initials", "MK", "--worker", "anna", "--group",
                         "homelessness", "--transition-date", "2026-03-01", "--id", case_id],
                        team)
    assert code == 2 and "må ikke kunne identificere borgeren" in output, output
    assert not (team / "cases" / f"{case_id}.yaml").exists()


@pytest.mark.parametrize("case_id", ["mette-kristensen", "Mette", "anne.marie_hansen"])
def test_new_refuses_an_id_that_reads_as_a_name(case_id: str, team: Path) -> None:
    code, output = _run(["new", "--initials", "MK", "--worker", "anna", "--group",
                         "homelessness", "--transition-date", "2026-03-01", "--id", case_id],
                        team)
    assert code == 2 and "--id" in output, output
    assert not (team / "cases" / f"{case_id}.yaml").exists()


@pytest.mark.parametrize("case_id", ["2026-004", "c1", "late", "n12", "x-ray"])
def test_new_takes_a_code_as_id(case_id: str, team: Path) -> None:
    code, output = _run(["new", "--initials", "MK", "--worker", "anna", "--group",
                         "homelessness", "--transition-date", "2026-03-01", "--id", case_id],
                        team)
    assert code == 0 and (team / "cases" / f"{case_id}.yaml").exists(), output


def test_cti_toml_with_a_bom_is_read_and_a_huge_one_is_refused(team: Path) -> None:
    toml = team / "cti.toml"
    toml.write_bytes(b"\xef\xbb\xbf" + toml.read_bytes())
    assert _run(["list"], team)[0] == 0
    toml.write_bytes(toml.read_bytes() + b"#" * (2 * 1024 * 1024))
    code, output = _run(["list"], team)
    assert code == 1 and "er større end" in output  # the team is Danish


def test_rule_findings_are_capped_too(team: Path) -> None:
    """Contacts before the case began (E208 each) give 100 findings and a count: the rules
    stop collecting at the cap, and only those 100 places are looked up."""
    n = 3000
    (team / "cases" / "2026-777.yaml").write_text(
        minimal_case("2026-777") + "contacts:\n" + "- date: 2026-01-01\n" * n, "utf-8")
    code, output = _run(["check", "cases/2026-777.yaml"], team)
    lines = [ln for ln in output.splitlines() if ": E" in ln]
    assert code == 1
    assert [ln.split(": ")[1][:4] for ln in lines] == ["E208"] * MAX_FINDINGS + ["E199"], output
    assert lines[0].startswith("cases/2026-777.yaml:11:9:")
    more = int(re.search(r"E199 (\d+)", lines[-1])[1])  # type: ignore[index]
    assert n - MAX_FINDINGS <= more <= n - MAX_FINDINGS + 3  # + the odd other rule


def test_quoted_brackets_are_text_not_nesting(team: Path) -> None:
    """70 `[` in a quoted note (and more in a comment) are not nesting; real nesting deeper
    than 64 levels is still refused."""
    path = team / "cases" / "2026-778.yaml"
    note = "[" * 70 + " {{ se ovenfor"
    path.write_text(minimal_case("2026-778") + f"# {'[' * 80}\ncontacts:\n- date: 2026-02-12\n"
                    f"  note: \"{note}\"\n- date: 2026-02-13\n  note: '{'{' * 70}'\n", "utf-8")
    code, output = _run(["check", "cases/2026-778.yaml"], team)
    assert "E007" not in output and code == 0, output
    assert note in _run(["show", "2026-778", "--json"], team)[1]
    path.write_text(minimal_case("2026-778") + "plan: " + "[" * 70 + "]" * 70 + "\n", "utf-8")
    code, output = _run(["check", "cases/2026-778.yaml"], team)
    assert code == 1 and "E007" in output, output
