"""The case model's course records: goals with notes, handover meetings, follow-on, close
details and forced steps, read from plain data as a case file holds them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from cti_cli.core.course import forced_steps, handover_held, handover_meetings
from cti_cli.core.model import Case


def case(**changes: Any) -> Case:
    data: dict[str, Any] = {
        "id": "c1", "citizen": {"initials": "MK"}, "target_group": "homelessness",
        "worker": "anna", "transition": {"kind": "move_in", "date": "2025-02-03"},
        "phases": [{"name": "phase1", "start": "2025-02-03"}],
    }
    data.update(changes)
    return Case.model_validate(data)


def test_handover_meetings_bare_dates_and_mappings_count_alike() -> None:
    c = case(handover={"meetings": ["2025-09-01", {"date": "2025-09-20", "with": "Lis",
                                                    "place": "jobcentret", "note": "godt"}]},
             checklists={"closure": {"handover_talks": "2025-09-25"}})
    assert handover_meetings(c) == [date(2025, 9, 1), date(2025, 9, 20), date(2025, 9, 25)]
    assert not handover_held(c, date(2025, 8, 31))
    assert handover_held(c, date(2025, 9, 1))
    assert c.to_data()["handover"]["meetings"][1]["with"] == ["Lis"]


def test_follow_on_is_either_support_or_none_with_a_reason() -> None:
    ok = case(handover={"follow_on": {"what": "bostøtte § 85", "start": "2025-10-01"}})
    assert ok.handover is not None and ok.handover.follow_on is not None
    assert case(handover={"follow_on": {"none": "klarer sig selv"}}).handover is not None
    for bad in ({"what": "bostøtte"}, {"none": "x", "what": "y", "start": "2025-10-01"}):
        with pytest.raises(ValidationError):
            case(handover={"follow_on": bad})


def test_forced_steps_are_gathered_from_phases_close_and_later_changes() -> None:
    c = case(phases=[{"name": "phase1", "start": "2025-02-03"},
                     {"name": "phase2", "start": "2025-03-03", "forced": "flytter"},
                     {"name": "closed", "start": "2025-04-01"}],
             closed={"date": "2025-04-01", "reason": "completed", "forced": "tidligt"},
             forced=[{"date": "2025-04-02", "step": "tick closure.anchored",
                      "reason": "glemt"}])
    steps = forced_steps(c)
    assert [(s.step, s.reason) for s in steps] == [
        ("advance phase2", "flytter"), ("close completed", "tidligt"),
        ("tick closure.anchored", "glemt")]
    assert steps[0].loc == ("phases", 1, "forced")


def test_close_details_and_network_org_kind_and_goal_done() -> None:
    c = case(closed={"date": "2025-04-01", "reason": "moved_municipality",
                     "to_municipality": "Aarhus", "handover_to": "rådgiver"},
             phases=[{"name": "phase1", "start": "2025-02-03"},
                     {"name": "closed", "start": "2025-04-01"}],
             network=[{"name": "Lis", "org": "jobcentret", "kind": "professional"}],
             goals=[{"id": "g1", "text": "x", "domain": "housing", "status": "done",
                     "note": "flyttet ind"}],
             transition={"kind": "treatment", "date": "2025-02-03"})
    assert c.closed is not None and c.closed.to_municipality == "Aarhus"
    with pytest.raises(ValidationError):
        case(network=[{"name": "Lis", "kind": "colleague"}])
