"""The manual's guidance as data (issue 10, item 7): each phase's focus areas and primary tasks,
the p.12 points of the `informed` item and the target groups' notes, each naming its source,
shown by `cti checklist` and `cti show` through the CLI."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from cti_cli.core.method import SHIPPED_NAME, load_method

SEED = Path("/work/shared/seeds")
# A source names a seed ("seed 002") and, for the paged manual, its page ("p.12").
SOURCE = re.compile(r"seed 00\d")


def _run(cti: Any, root: Path, *args: str) -> Any:
    r = cti("-C", root, *args, cwd=root)
    assert r.code == 0, (args, r.output)
    return r


def _language(folder: Path, lang: str) -> None:
    toml = folder / "cti.toml"
    text = toml.read_text("utf-8")
    toml.write_text(re.sub(r'language = "(da|en)"', f'language = "{lang}"', text), "utf-8")


def _new(cti: Any, root: Path, group: str = "crisis_centre") -> None:
    _run(cti, root, "new", "--initials", "MK", "--worker", "anna", "--group", group,
         "--transition-date", "2025-02-03", "--id", "c1", "--date", "2025-01-06")


def _shipped_entries() -> list[tuple[str, dict[str, Any]]]:
    """Every guidance and note entry of the shipped method file, read as plain YAML."""
    from importlib import resources
    data = yaml.safe_load(resources.files("cti_cli.core").joinpath(SHIPPED_NAME)
                          .read_text(encoding="utf-8"))
    out: list[tuple[str, dict[str, Any]]] = []
    for ph in data["phases"]:
        for key in ("focus", "tasks"):
            out += [(f"phases.{ph['name']}.{key}", e) for e in ph.get(key) or []]
    for tg_id, tg in data["target_groups"].items():
        out += [(f"target_groups.{tg_id}.notes", e) for e in tg.get("notes") or []]
    return out


def test_every_guidance_and_note_entry_names_its_source() -> None:
    entries = _shipped_entries()
    assert len(entries) > 30
    for where, entry in entries:
        assert SOURCE.search(str(entry.get("source", ""))), (where, entry)
        assert entry.get("da") and entry.get("en"), (where, entry)
        if "seed 002" in entry["source"] and where.startswith("phases."):
            assert re.search(r"p\.(1[1-9]|2[0-2])\b", entry["source"]), (where, entry)


def test_every_course_phase_has_focus_and_tasks() -> None:
    method = load_method()
    for name in ("contact", "phase1", "phase2", "phase3"):
        phase = method.phase(name)
        assert phase.focus and phase.tasks, name


@pytest.mark.skipif(not SEED.is_dir(), reason="the seeds are not on this machine")
def test_danish_guidance_is_quoted_word_for_word_from_the_manual() -> None:
    manual = next(SEED.glob("002_*.txt")).read_text("utf-8")
    # the PDF text lost hyphens at line breaks; compare without them and without spacing
    flat = re.sub(r"[\s-]", "", manual)
    method = load_method()
    for name in ("contact", "phase1", "phase2", "phase3"):
        for g in (*method.phase(name).focus, *method.phase(name).tasks):
            assert re.sub(r"[\s-]", "", g.da) in flat, (name, g.da)


def test_informed_names_the_three_points_of_page_12(cti: Any, plain_folder: Path) -> None:
    _new(cti, plain_folder)
    out = _run(cti, plain_folder, "checklist", "c1", "--date", "2025-01-07").out
    flat = " ".join(out.split())
    for point in ("får en fast kontaktperson (CTI-medarbejderen) i en tidsafgrænset periode",
                  "selv er med til at definere, hvilke problemstillinger",
                  "hjælpe borgeren med at etablere sig i boligen og afdække borgerens behov"):
        assert point in flat


def test_checklist_shows_the_current_phase_focus_short(cti: Any, plain_folder: Path) -> None:
    _new(cti, plain_folder)
    out = _run(cti, plain_folder, "checklist", "c1", "--date", "2025-01-07").out
    assert "Fasens fokusområder" in out
    assert "Opbygning af tillid mellem borgeren og CTI-medarbejderen" in out
    assert "Hjælpe borgeren med at etablere sig" not in out      # phase 1's, not yet
    for item in load_method().items("contact"):
        _run(cti, plain_folder, "tick", "c1", item.id, "--date", "2025-01-08")
    _run(cti, plain_folder, "advance", "c1", "--date", "2025-02-03")
    out = _run(cti, plain_folder, "checklist", "c1", "--date", "2025-02-04").out
    assert "Hjælpe borgeren med at etablere sig i sit hjem og organisere hverdagen" in out
    assert "Opbygning af tillid" not in out
    focus = [line for line in out.splitlines() if line.startswith("- ")]
    assert len(focus) == len(load_method().phase("phase1").focus)
    assert all(len(line) <= 80 for line in focus)


def test_show_gives_the_phase_focus_tasks_and_sourced_notes(
        cti: Any, plain_folder: Path) -> None:
    _language(plain_folder, "en")
    _new(cti, plain_folder)
    out = _run(cti, plain_folder, "show", "c1", "--date", "2025-01-07").out
    assert "Focus of" in out and "Primary tasks" in out
    flat = " ".join(out.split())
    assert "Building trust between the citizen and the CTI worker (seed 002, p.12)" in flat
    assert "Notes for the target group" in out
    for note in load_method().target_groups["crisis_centre"].notes:
        assert f"{note.en} ({note.source})" in flat
    assert max(len(line) for line in out.splitlines()) <= 80


def test_substance_use_is_a_transition_into_treatment(cti: Any, plain_folder: Path) -> None:
    _new(cti, plain_folder, group="substance_use")
    data = yaml.safe_load((plain_folder / "cases" / "c1.yaml").read_text("utf-8"))
    assert load_method().target_groups["substance_use"].transition == "treatment"
    assert "treatment" in yaml.safe_dump(data)
