"""The shipped method must match the manual item for item; overrides merge and fail clearly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from cti_cli.core import schedule
from cti_cli.core.method import (
    PHASE_NAMES,
    Method,
    MethodError,
    NotApplicable,
    deep_merge,
    gate_progress,
    load_method,
    missing_items,
    unknown_ticks,
)

# Written out from the manual (p.14, p.18, p.21, p.23) and our English digest §2, not read
# from method.yaml: this list is the contract case files rely on.
GATE_ITEMS: dict[str, list[str]] = {
    "contact": ["contact_made", "informed", "contact_agreement"],
    "phase1": [
        "economy",
        "needs_assessed",
        "long_term_plan",
        "network_started",
        "coordination",
        "meetings_held",
        "local_offers",
        "jobcentre",
    ],
    "phase2": ["evaluated", "plan_adjusted"],
    "closure": ["network_in_place", "handover_talks", "handover_plan", "anchored"],
}
CONDITIONAL = {("phase1", "jobcentre"), ("phase2", "plan_adjusted")}

# A few Danish checklist texts quoted from the manual, to catch a paraphrase or a swap.
MANUAL_QUOTES = {
    ("contact", "contact_agreement"): "Der er indgået en aftale med borgeren om, hvordan "
    "kontakten skal foregå.",
    ("phase1", "economy"): "Økonomi omkring bolig og leveomkostninger er på plads.",
    ("phase1", "jobcentre"): "Hvis relevant har CTI-medarbejderen i samarbejde med borgeren "
    "etableret kontakt til jobcentret for at udarbejde en koordineret plan.",
    ("closure", "anchored"): "CTI-medarbejderen har forankret ansvaret for den langsigtede "
    "støtte efter forløbets ophør hos én person fra støttenetværket, fx en kommunal "
    "sagsbehandler.",
}

BASE_DOMAINS = {
    "housing",
    "mental_health",
    "physical_health",
    "economy",
    "network",
    "daily_activities",
    "education_work",
}

D = dt.date(2026, 3, 2)


@pytest.fixture
def method() -> Method:
    return load_method()


# -- the shipped method ---------------------------------------------------------------------


def test_phases_in_order_with_gates(method: Method) -> None:
    assert method.phase_order() == ("contact", "phase1", "phase2", "phase3", "closed")
    gates = {name: method.phase(name).gate for name in method.phase_order()}
    assert gates == {
        "contact": "contact",
        "phase1": "phase1",
        "phase2": "phase2",
        "phase3": "closure",
        "closed": None,
    }
    assert method.gate_for("closed") is None
    assert method.gate_for("phase3") is method.gates["closure"]


def test_next_phase(method: Method) -> None:
    walk = ["contact"]
    while (nxt := method.next_phase(walk[-1])) is not None:
        walk.append(nxt)
    assert walk == list(PHASE_NAMES)
    with pytest.raises(KeyError, match="unknown phase 'phase4'"):
        method.next_phase("phase4")


@pytest.mark.parametrize("gate_id", list(GATE_ITEMS))
def test_gate_items_match_manual(method: Method, gate_id: str) -> None:
    items = method.items(gate_id)
    assert [i.id for i in items] == GATE_ITEMS[gate_id]
    for it in items:
        assert it.conditional == ((gate_id, it.id) in CONDITIONAL)
        assert it.da.strip() and it.en.strip()
        assert it.da != it.en


def test_gate_counts(method: Method) -> None:
    assert set(method.gates) == set(GATE_ITEMS)
    assert [len(method.items(g)) for g in ("contact", "phase1", "phase2", "closure")] == [
        3,
        8,
        2,
        4,
    ]


@pytest.mark.parametrize(("key", "quote"), list(MANUAL_QUOTES.items()))
def test_danish_texts_quote_manual(method: Method, key: tuple[str, str], quote: str) -> None:
    assert method.item(*key).da == quote


def test_danish_texts_unique(method: Method) -> None:
    texts = [it.da for g in method.gates.values() for it in g.items]
    assert len(texts) == len(set(texts))


def test_intensity_and_rhythm(method: Method) -> None:
    weights = [method.phase(p).weight for p in ("phase1", "phase2", "phase3")]
    assert weights == [4, 2, 1]
    rhythm = {p: method.phase(p).no_contact_days for p in ("contact", "phase1", "phase2", "phase3")}
    assert rhythm == {"contact": 14, "phase1": 7, "phase2": 14, "phase3": 30}


def test_phase_thirds_agree_with_schedule(method: Method) -> None:
    from_yaml = {p.name: p.start_third for p in method.phases if p.start_third is not None}
    assert from_yaml == schedule.PHASE_START_THIRDS
    assert method.course.allowed_months == schedule.ALLOWED_COURSE_MONTHS
    assert method.course.default_months == schedule.DEFAULT_COURSE_MONTHS


def test_domains_and_target_groups(method: Method) -> None:
    assert set(method.domains) == BASE_DOMAINS | {"substance_use"}
    assert set(method.target_groups) == {
        "homelessness",
        "psychiatric",
        "crisis_centre",
        "unemployed",
        "aftercare",
        "prostitution",
        "substance_use",
        "prison_release",
        "other",
    }
    for tg_id, tg in method.target_groups.items():
        expected = BASE_DOMAINS | (
            {"substance_use"} if tg_id in {"homelessness", "substance_use"} else set()
        )
        assert set(tg.domains) == expected, tg_id
    assert method.target_groups["unemployed"].transition == "job"
    assert method.target_groups["prison_release"].transition == "release"
    assert method.target_groups["homelessness"].transition == "move_in"
    assert method.target_groups["substance_use"].transition == "treatment"


def test_documentation_points(method: Method) -> None:
    offsets = {k: v.offset_third for k, v in method.documentation.items()}
    assert offsets == {"start": 0, "month3": 1, "month6": 2, "closure": None}


def test_ends_and_caseload(method: Method) -> None:
    required = {k for k, e in method.ends.items() if e.closure_checklist}
    assert set(method.ends) == {
        "completed",
        "ended_early",
        "declined",
        "moved_municipality",
        "other",
    }
    assert required == {"completed"}
    assert (method.caseload.per_fte, method.caseload.ceiling) == (10, 20)


def test_text_by_language(method: Method) -> None:
    phase = method.phase("phase2")
    assert Method.text(phase, "da") == phase.da
    assert Method.text(phase, "en") == phase.en
    assert "Afprøvning" in method.text(phase, "da")


def test_method_is_frozen(method: Method) -> None:
    with pytest.raises(ValueError, match="frozen"):
        method.phases[0].gate = "phase1"  # type: ignore[misc]


def test_load_is_cached() -> None:
    assert load_method() is load_method()


# -- team overrides ---------------------------------------------------------------------------


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "method.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_override_adds_item(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {"gates": {"phase1": {"items": [{"id": "bank_account", "da": "Bankkonto", "en": "Bank"}]}}},
    )
    m = load_method(path)
    assert [i.id for i in m.items("phase1")] == [*GATE_ITEMS["phase1"], "bank_account"]
    assert [i.id for i in load_method().items("phase1")] == GATE_ITEMS["phase1"]


def test_override_changes_text_keeps_rest(tmp_path: Path) -> None:
    path = _write(
        tmp_path, {"gates": {"phase2": {"items": [{"id": "evaluated", "en": "Reviewed"}]}}}
    )
    m = load_method(path)
    evaluated = m.item("phase2", "evaluated")
    assert evaluated.en == "Reviewed"
    assert evaluated.da == load_method().item("phase2", "evaluated").da
    assert [i.id for i in m.items("phase2")] == GATE_ITEMS["phase2"]


def test_override_phase_rhythm_and_caseload(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {"phases": [{"name": "phase3", "no_contact_days": 21}], "caseload": {"per_fte": 8}},
    )
    m = load_method(path)
    assert m.phase("phase3").no_contact_days == 21
    assert m.phase("phase3").gate == "closure"
    assert (m.caseload.per_fte, m.caseload.ceiling) == (8, 20)


def test_missing_override_means_shipped(tmp_path: Path) -> None:
    assert load_method(tmp_path / "method.yaml") is load_method()


@pytest.mark.parametrize(
    ("data", "key", "why"),
    [
        (
            {"gates": {"phase1": {"items": [{"id": "jobcentre", "conditional": "sometimes"}]}}},
            "gates.phase1.items[jobcentre].conditional",
            "boolean",
        ),
        ({"caseload": {"per_fte": 10, "perfte": 12}}, "caseload.perfte", "Extra inputs"),
        (
            {"gates": {"closure": {"items": [{"id": "anchored", "da": ""}]}}},
            "gates.closure.items[anchored].da",
            "at least 1",
        ),
        (
            {"target_groups": {"other": {"domains": ["housing", "pets"]}}},
            "target_groups.other.domains",
            "unknown domains ['pets']",
        ),
        (
            {"phases": [{"name": "phase2", "gate": "phase9"}]},
            "phases[phase2].gate",
            "unknown gate 'phase9'",
        ),
        (
            {"phases": [{"name": "phase4", "da": "x", "en": "x", "gate": "closure"}]},
            "phases",
            "exactly",
        ),
        (
            {
                "gates": {
                    "contact": {
                        "items": [
                            {"id": "new", "da": "a", "en": "b"},
                            {"id": "new", "da": "c", "en": "d"},
                        ]
                    }
                }
            },
            "gates.contact.items",
            "duplicate item ids ['new']",
        ),
    ],
)
def test_invalid_override_names_file_and_key(
    tmp_path: Path, data: object, key: str, why: str
) -> None:
    path = _write(tmp_path, data)
    with pytest.raises(MethodError) as info:
        load_method(path)
    message = str(info.value)
    assert str(path.resolve()) in message
    assert key in message
    assert why in message


def test_override_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    path = tmp_path / "method.yaml"
    path.write_text("caseload:\n  per_fte: [10\n", encoding="utf-8")
    with pytest.raises(MethodError, match=r"method\.yaml:\d+:\d+: not valid YAML"):
        load_method(path)


def test_override_must_be_mapping(tmp_path: Path) -> None:
    path = _write(tmp_path, ["gates"])
    with pytest.raises(MethodError, match="mapping at the top level"):
        load_method(path)


def test_method_error_is_value_error() -> None:
    assert issubclass(MethodError, ValueError)


def test_deep_merge_rules() -> None:
    base = {"a": {"b": 1, "c": [1, 2]}, "l": [{"id": "x", "v": 1}, {"id": "y", "v": 2}]}
    over = {"a": {"c": [3]}, "l": [{"id": "y", "v": 5}, {"id": "z", "v": 6}]}
    merged = deep_merge(base, over)
    assert merged == {
        "a": {"b": 1, "c": [3]},
        "l": [{"id": "x", "v": 1}, {"id": "y", "v": 5}, {"id": "z", "v": 6}],
    }
    assert base["l"][1] == {"id": "y", "v": 2}  # the base is not mutated


# -- gate progress ----------------------------------------------------------------------------


def test_progress_in_method_order(method: Method) -> None:
    states = gate_progress(method, "phase1", {"jobcentre": D, "economy": D})
    assert [s.id for s in states] == GATE_ITEMS["phase1"]
    done = {s.id: s.date for s in states if s.done}
    assert done == {"economy": D, "jobcentre": D}
    assert states[0].text_da == method.item("phase1", "economy").da


def test_missing_empty_ticks_is_whole_gate(method: Method) -> None:
    for gate_id, ids in GATE_ITEMS.items():
        assert [s.id for s in missing_items(method, gate_id, {})] == ids


def test_conditional_na_does_not_block(method: Method) -> None:
    ticks = {"evaluated": D, "plan_adjusted": NotApplicable(na="Planen holdt")}
    assert missing_items(method, "phase2", ticks) == []
    state = gate_progress(method, "phase2", ticks)[1]
    assert (state.done, state.na, state.date) == (False, "Planen holdt", None)


def test_non_conditional_na_still_blocks(method: Method) -> None:
    ticks = {"evaluated": NotApplicable(na="no time"), "plan_adjusted": D}
    missing = missing_items(method, "phase2", ticks)
    assert [(s.id, s.na) for s in missing] == [("evaluated", "no time")]


def test_none_tick_is_not_done(method: Method) -> None:
    ticks = dict.fromkeys(GATE_ITEMS["closure"], D) | {"anchored": None}
    assert [s.id for s in missing_items(method, "closure", ticks)] == ["anchored"]


def test_all_done_nothing_missing(method: Method) -> None:
    for gate_id, ids in GATE_ITEMS.items():
        assert missing_items(method, gate_id, dict.fromkeys(ids, D)) == []


def test_unknown_ticks_ignored_but_reported(method: Method) -> None:
    ticks = {"evaluated": D, "plan_adjusted": D, "evalutaed": D}
    assert missing_items(method, "phase2", ticks) == []
    assert unknown_ticks(method, "phase2", ticks) == ["evalutaed"]


def test_unknown_gate(method: Method) -> None:
    with pytest.raises(KeyError, match="unknown gate 'phase3'"):
        gate_progress(method, "phase3", {})


def test_not_applicable_needs_reason() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        NotApplicable(na="")


def test_override_reports_every_inconsistency(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {
            "phases": [{"name": "phase2", "gate": "phase9"}],
            "target_groups": {"other": {"transition": "boat"}},
        },
    )
    with pytest.raises(MethodError) as info:
        load_method(path)
    lines = info.value.message.splitlines()
    assert len(lines) == 2
    assert "phases[phase2].gate" in lines[0]
    assert "target_groups.other.transition" in lines[1]


def test_any_na_shaped_object_counts(method: Method) -> None:
    """The case model defines its own ``{na: reason}`` class; progress must accept it."""

    class ForeignNA:
        na = "Ingen ændringer nødvendige"

    ticks = {"evaluated": D, "plan_adjusted": ForeignNA()}
    assert missing_items(method, "phase2", ticks) == []  # type: ignore[arg-type]
    assert gate_progress(method, "phase2", ticks)[1].na == "Ingen ændringer nødvendige"  # type: ignore[arg-type]
