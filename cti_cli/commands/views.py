"""Readable summaries of one case (for `show`)."""

from __future__ import annotations

from datetime import date

from .. import render
from ..method import gate_progress, load_method
from ..model import Case
from ..schedule import plan
from ..store import Folder


def render_case(folder: Folder, case: Case, today: date) -> None:
    method = load_method(folder.root / "method.yaml")
    lang = folder.config.team.language
    phase = method.phase(case.phase)
    pairs: list[tuple[str, object]] = [
        ("citizen", case.citizen.initials),
        ("target group", case.target_group),
        ("worker", folder.config.worker_name(case.worker)),
        ("transition", f"{case.transition.kind} {case.transition.date}"),
        ("phase", f"{method.text(phase, lang)} (since {case.phases[-1].start})"),
    ]
    d0 = case.phase_start("phase1")
    if d0 is not None:
        s = plan(d0, case.transition.date, folder.config.team.course_months)
        pairs += [("planned", f"phase 2 {s.phase2} · phase 3 {s.phase3} · end {s.end}"),
                  ("handover by", s.handover_by)]
    last = max((c.date for c in case.contacts), default=None)
    pairs.append(("contacts", f"{len(case.contacts)}" + (f", last {last}" if last else "")))
    gate = method.gate_for(case.phase) if case.is_open else None
    if gate is not None:
        gate_id = next(g for g, v in method.gates.items() if v == gate)
        states = gate_progress(method, gate_id, case.checklists.get(gate_id, {}))  # type: ignore[call-overload]
        done = sum(not s.blocking for s in states)
        pairs.append(("checklist", f"{gate_id}: {done}/{len(states)} done"))
    if case.goals:
        pairs.append(("goals", "; ".join(f"{g.id} {g.text} [{g.status}]" for g in case.goals)))
    anchor = [p.name for p in case.network if p.anchor]
    if case.network:
        pairs.append(("network", f"{len(case.network)} person(s)"
                      + (f", anchor: {anchor[0]}" if anchor else "")))
    if case.closed:
        pairs.append(("closed", f"{case.closed.date} ({case.closed.reason})"))
    render.key_values(f"Case {case.id}", pairs)
