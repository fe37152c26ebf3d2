"""The timeline's numbers from a known case, and its drawing: 80 columns, plain when piped."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from cti_cli.core.method import load_method
from cti_cli.core.model import Case
from cti_cli.core.timeline import build, monday
from cti_cli.locale import set_language
from cti_cli.render.timeline import WIDTH, lines

METHOD = load_method()
TODAY = date(2025, 6, 18)  # a Wednesday in phase 2


def fixture_case(**changes: Any) -> Case:
    """Phase 1 from Mon 2025-02-03: 13 weekly contacts of 90 minutes; phase 2 from
    2025-05-03: fortnightly contacts of 45 minutes (05-05, 05-19, 06-02, 06-16)."""
    contacts = [{"date": date(2025, 1, 8), "minutes": 30}]
    contacts += [{"date": date(2025, 2, 3) + timedelta(weeks=k), "minutes": 90}
                 for k in range(13)]
    contacts += [{"date": date(2025, 5, 5) + timedelta(weeks=2 * k), "minutes": 45}
                 for k in range(4)]
    data: dict[str, Any] = {
        "id": "c7", "citizen": {"initials": "MK"}, "target_group": "homelessness",
        "worker": "anna", "transition": {"date": date(2025, 2, 3)},
        "phases": [{"name": "contact", "start": date(2025, 1, 6)},
                   {"name": "phase1", "start": date(2025, 2, 3)},
                   {"name": "phase2", "start": date(2025, 5, 3)}],
        "contacts": contacts,
        "checklists": {"contact": {"contact_made": date(2025, 1, 8),
                                   "informed": date(2025, 1, 8),
                                   "contact_agreement": date(2025, 1, 15)},
                       "phase2": {"evaluated": date(2025, 6, 16)}},
        "documentation": {"start": date(2025, 2, 3), "month3": date(2025, 5, 3)},
        "appointments": [{"date": date(2025, 6, 30), "time": "10:00", "with": "citizen"}],
    }
    data.update(changes)
    return Case.model_validate(data)


def test_minutes_per_week_per_phase() -> None:
    tl = build(fixture_case(), METHOD, TODAY)
    by = {i.phase: i for i in tl.intensity}
    assert list(by) == ["contact", "phase1", "phase2"]
    # phase 1: 13 × 90 min over 89 days (Feb 3 – May 2)
    assert (by["phase1"].contacts, by["phase1"].minutes, by["phase1"].days) == (13, 1170, 89)
    assert round(by["phase1"].per_week) == 92
    # phase 2 so far: 4 × 45 over May 3 – Jun 18 inclusive (47 days)
    assert (by["phase2"].minutes, by["phase2"].days) == (180, 47)
    assert round(by["phase2"].per_week, 1) == 26.8
    assert [by[p].weight for p in ("phase1", "phase2")] == [4, 2]


def test_weeks_count_contacts_and_minutes_in_calendar_weeks() -> None:
    tl = build(fixture_case(), METHOD, TODAY)
    weeks = {w.start: w for w in tl.weeks}
    assert all(w.start.weekday() == 0 for w in tl.weeks)
    assert weeks[date(2025, 2, 3)].minutes == 90 and weeks[date(2025, 2, 3)].phase == "phase1"
    assert weeks[date(2025, 5, 12)].contacts == 0
    assert weeks[date(2025, 5, 19)].phase == "phase2"
    assert weeks[monday(TODAY) + timedelta(weeks=1)].phase is None  # the future
    assert tl.weeks[-1].start <= tl.last


def test_planned_against_actual() -> None:
    tl = build(fixture_case(), METHOD, TODAY)
    assert [(b.phase, b.start, b.end) for b in tl.planned] == [
        ("phase1", date(2025, 2, 3), date(2025, 5, 3)),
        ("phase2", date(2025, 5, 3), date(2025, 8, 3)),
        ("phase3", date(2025, 8, 3), date(2025, 11, 3))]
    assert [(b.phase, b.end, b.running) for b in tl.actual] == [
        ("contact", date(2025, 2, 3), False), ("phase1", date(2025, 5, 3), False),
        ("phase2", TODAY + timedelta(1), True)]
    assert not tl.tentative


def test_gates_and_next_deadlines() -> None:
    tl = build(fixture_case(), METHOD, TODAY)
    gates = {g.gate: g for g in tl.gates}
    assert (gates["contact"].done, gates["contact"].total) == (3, 3)
    assert gates["phase1"].passed and "economy" in gates["phase1"].missing
    assert gates["phase2"].current and gates["phase2"].missing == ("plan_adjusted",)
    kinds = [(d.day, d.kind) for d in tl.deadlines]
    assert kinds == [(date(2025, 6, 30), "appointment"), (date(2025, 8, 3), "phase3"),
                     (date(2025, 8, 3), "doc:month6"), (date(2025, 10, 3), "handover_by"),
                     (date(2025, 11, 3), "end")]
    assert tl.deadlines[0].days == 12


def test_contact_period_plan_is_tentative() -> None:
    c = fixture_case(phases=[{"name": "contact", "start": date(2025, 1, 6)}],
                     contacts=[{"date": date(2025, 1, 8), "minutes": 30}],
                     transition={"date": date(2025, 3, 1)}, checklists={}, documentation={},
                     appointments=[])
    tl = build(c, METHOD, date(2025, 1, 20))
    assert tl.tentative and tl.planned[0].start == date(2025, 3, 1)
    assert tl.deadlines[0] == type(tl.deadlines[0])(date(2025, 2, 1), "earliest_phase1", 12)


def test_drawing_fits_80_columns_and_shows_the_facts() -> None:
    set_language("da")
    text = [t.plain for t in lines(build(fixture_case(), METHOD, TODAY))]
    assert all(len(line) <= WIDTH for line in text), max(text, key=len)
    joined = "\n".join(text)
    for label in ("Kontakt", "Fase 1", "Fase 2", "Fase 3", "plan", "faktisk"):
        assert label in joined
    assert "▲ i dag 2025-06-18" in joined
    table = {" ".join(line.split()[:2]): line.split()[2:] for line in text
             if line.startswith("  Fase ")}
    # weeks, contacts, minutes, min/week, ratio scaled to phase 1 = 4, the method's share
    assert table["Fase 1"] == ["12,7", "13", "1170", "92", "4,0", "4"]
    assert table["Fase 2"] == ["6,7", "4", "180", "27", "1,2", "2"]
    assert "mangler: plan justeret" in joined
    assert "2025-10-03" in joined and "overdragelsesmøder senest" in joined


def test_today_column_matches_between_marker_and_bars() -> None:
    text = [t.plain for t in lines(build(fixture_case(), METHOD, TODAY))]
    marker = next(line for line in text if "▲ today" in line)
    col = marker.index("▲")
    running = next(line for line in text if "▶" in line)
    assert running.index("▶") == col
    assert any(len(line) > col and line[col] == "┊" for line in text)


def test_long_course_compresses_weeks() -> None:
    set_language("da")
    c = fixture_case(phases=[{"name": "contact", "start": date(2023, 1, 2)},
                             {"name": "phase1", "start": date(2025, 2, 3)}],
                     checklists={}, documentation={}, appointments=[])
    text = [t.plain for t in lines(build(c, METHOD, date(2025, 3, 1)))]
    assert all(len(line) <= WIDTH for line in text)
    assert text[1].startswith("2023–2025")


def _timeline_case(root: Path) -> None:
    import yaml

    path = root / "cases" / "c7.yaml"
    path.write_text(yaml.safe_dump(fixture_case().to_data(), allow_unicode=True), "utf-8")


def test_timeline_command(cti: Any, plain_folder: Path) -> None:
    _timeline_case(plain_folder)
    r = cti("-C", plain_folder, "timeline", "c7", "--date", "2025-06-18")
    assert r.code == 0, r.output
    assert "c7 · Fase 2 siden 2025-05-03 · i dag 2025-06-18" in r.out
    assert all(len(line) <= WIDTH for line in r.out.splitlines())
    assert "\x1b[" not in r.out


@pytest.mark.slow
def test_timeline_piped_has_no_colour_codes(cti_proc: Any, plain_folder: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    _timeline_case(plain_folder)
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.delenv("COLUMNS")
    r = cti_proc("-C", plain_folder, "timeline", "c7", "--date", "2025-06-18")
    assert r.code == 0, r.err
    assert "\x1b[" not in r.out and "▲ i dag" in r.out
    assert max(len(line) for line in r.out.splitlines()) <= WIDTH


def test_colour_on_a_terminal_and_none_under_no_color() -> None:
    from rich.console import Console

    tl = build(fixture_case(), METHOD, TODAY)
    for no_color, expect in ((False, True), (True, False)):
        console = Console(force_terminal=True, no_color=no_color, width=120,
                          color_system="standard")
        with console.capture() as cap:
            for line in lines(tl):
                console.print(line)
        assert ("\x1b[3" in cap.get()) is expect  # foreground colours
