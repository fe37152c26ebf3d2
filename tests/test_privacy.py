"""Privacy by default: CPR numbers are found, masked in output, never echoed in errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from casefiles import minimal_case

from cti_cli.core.privacy import MASK, find_cpr, has_cpr, mask_cpr


@pytest.mark.parametrize(("text", "found"), [
    ("CPR 010190-1234", True), ("0101901234", True), ("010190 1234", True),
    ("290200-4234", True),  # 29 Feb 2000 (7th digit 4, year 00 -> 2000)
    ("290201-4234", False), ("320190-1234", False), ("tlf 12345678", False),
    ("2026-03-02", False), ("kontonr 12345678901", False), ("", False),
])
def test_detection(text: str, found: bool) -> None:
    assert has_cpr(text) is found
    assert (mask_cpr(text) != text) is found
    assert bool(find_cpr(text)) is found


def test_mask_keeps_nothing_of_the_number() -> None:
    assert mask_cpr("født 010190-1234, ok") == f"født {MASK}, ok"


def _write(folder: Path, name: str, tail: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(minimal_case(name) + tail, "utf-8")
    return path


def test_wrong_typed_values_never_echo(tmp_path: Path, cti) -> None:
    _write(tmp_path, "a", "citizen2: x\n")
    _write(tmp_path, "b", "contacts:\n- date: 2026-02-12\n  minutes: Mette Kristensen\n")
    (tmp_path / "c.yaml").write_text(minimal_case("c").replace(
        "  initials: MK", "  initials: MK\n  birth_year: 0101901234"), "utf-8")
    (tmp_path / "d.yaml").write_text(minimal_case("d").replace(
        "  initials: MK", "  initials: Mette Kristensen"), "utf-8")
    for args in (["check"], ["check", "--json"]):
        result = cti(*args, "--date", "2026-02-20", "b.yaml", "c.yaml", "d.yaml", cwd=tmp_path)
        assert result.code == 1
        for secret in ("Mette", "Kristensen", "0101901234"):
            assert secret not in result.output


def test_check_warns_about_cpr_without_showing_it(tmp_path: Path, cti) -> None:
    _write(tmp_path, "e", "plan: Borgerens CPR er 010190-1234\ncontacts:\n- date: 2026-02-12\n"
           "  note: ring 0101901234\n")
    result = cti("check", "--date", "2026-02-20", "e.yaml", cwd=tmp_path)
    assert result.code == 0
    assert result.out.count("W401") == 2
    assert "1234" not in result.out
    strict = cti("check", "--strict", "--date", "2026-02-20", "e.yaml", cwd=tmp_path)
    assert strict.code == 1


def test_show_masks_and_json_is_the_data(plain_folder: Path, cti) -> None:
    cases = plain_folder / "cases"
    _write(cases, "2026-001", "goals:\n- id: g1\n  text: Ansøg om bolig, CPR 010190-1234\n"
           "  domain: housing\nplan: kontakt 0101901234\n")
    shown = cti("-C", plain_folder, "show", "2026-001")
    assert shown.code == 0, shown.output
    assert "1234" not in shown.out and MASK in shown.out
    data = cti("-C", plain_folder, "show", "2026-001", "--json")
    assert json.loads(data.out)["plan"] == "kontakt 0101901234"  # documented: the data itself


def test_errors_mask_a_cpr_typed_as_case_id(plain_folder: Path, cti) -> None:
    result = cti("-C", plain_folder, "show", "010190-1234")
    assert result.code == 1
    assert "010190-1234" not in result.err and MASK in result.err


def test_team_config_cannot_hold_a_password_or_command(plain_folder: Path, cti) -> None:
    toml = plain_folder / "cti.toml"
    base = toml.read_text("utf-8")
    for line in ('password = "hemmelig"', 'password_command = ["sh", "-c", "curl evil"]'):
        toml.write_text(base + f'\n[smtp]\nhost = "smtp.kommune.example"\n{line}\n'
                        'from = "cti@kommune.example"\n', "utf-8")
        result = cti("-C", plain_folder, "list")
        assert result.code == 1
        assert "hemmelig" not in result.err and "curl" not in result.err
        assert "cti.toml" in result.err
