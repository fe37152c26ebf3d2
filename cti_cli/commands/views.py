"""Readable summary of one case (for `show`), in the team's language."""

from __future__ import annotations

from datetime import date

from cti_cli.core.method import gate_progress, load_method
from cti_cli.core.model import Case
from cti_cli.core.schedule import plan
from cti_cli.render import terminal as render
from cti_cli.storage.store import Folder

LABELS = {
    "da": {
        "case": "Sag", "citizen": "Borger", "group": "Målgruppe", "worker": "CTI-medarbejder",
        "transition": "Overgang", "phase": "Fase", "since": "siden", "planned": "Planlagt",
        "phase2": "2. fase", "phase3": "3. fase", "end": "slut", "handover": "Overdragelse senest",
        "contacts": "Kontakter", "last": "seneste", "checklist": "Tjekliste", "done": "udført",
        "goals": "Mål", "network": "Netværk", "anchor": "forankret hos", "appointments": "Aftaler",
        "plan": "Langsigtet plan", "closed": "Afsluttet", "transfers": "Skift af medarbejder",
        "persons": "person(er)",
    },
    "en": {
        "case": "Case", "citizen": "Citizen", "group": "Target group", "worker": "CTI worker",
        "transition": "Transition", "phase": "Phase", "since": "since", "planned": "Planned",
        "phase2": "phase 2", "phase3": "phase 3", "end": "end", "handover": "Handover by",
        "contacts": "Contacts", "last": "last", "checklist": "Checklist", "done": "done",
        "goals": "Goals", "network": "Network", "anchor": "anchored with",
        "appointments": "Appointments", "plan": "Long-term plan", "closed": "Closed",
        "transfers": "Worker changes", "persons": "person(s)",
    },
}


def render_case(folder: Folder, case: Case, today: date) -> None:
    method = load_method(folder.root / "method.yaml")
    lang = folder.config.team.language
    t = LABELS[lang]
    group = method.target_groups.get(case.target_group)
    pairs: list[tuple[str, object]] = [
        (t["citizen"], case.citizen.initials),
        (t["group"], method.text(group, lang) if group else case.target_group),
        (t["worker"], folder.config.worker_name(case.worker)),
        (t["transition"], f"{case.transition.kind} {case.transition.date}"),
        (t["phase"], f"{method.text(method.phase(case.phase), lang)} "
                     f"({t['since']} {case.phases[-1].start})"),
    ]
    d0 = case.phase_start("phase1")
    if d0 is not None:
        s = plan(d0, case.transition.date, folder.config.team.course_months)
        pairs += [(t["planned"], f"{t['phase2']} {s.phase2} · {t['phase3']} {s.phase3} · "
                                 f"{t['end']} {s.end}"),
                  (t["handover"], s.handover_by)]
    last = max((c.date for c in case.contacts), default=None)
    pairs.append((t["contacts"], f"{len(case.contacts)}"
                  + (f", {t['last']} {last}" if last else "")))
    coming = [a for a in case.appointments if a.date >= today]
    if coming:
        pairs.append((t["appointments"], "; ".join(
            f"{a.date}{' ' + a.time if a.time else ''}" for a in coming[:3])))
    gate_id = method.phase(case.phase).gate if case.is_open else None
    if gate_id is not None:
        marks = {str(k): v for k, v in case.checklists.items()}.get(gate_id, {})
        states = gate_progress(method, gate_id, marks)
        done = sum(not s.blocking for s in states)
        pairs.append((t["checklist"], f"{gate_id}: {done}/{len(states)} {t['done']}"))
    for i, g in enumerate(case.goals):
        pairs.append((t["goals"] if i == 0 else "", f"{g.id} [{g.status}] {g.text}"))
    if case.plan:
        first = case.plan.strip().splitlines()[0]
        pairs.append((t["plan"], first if len(first) < 90 else first[:87] + "…"))
    if case.network:
        anchor = [p.name for p in case.network if p.anchor]
        pairs.append((t["network"], f"{len(case.network)} {t['persons']}"
                      + (f", {t['anchor']} {anchor[0]}" if anchor else "")))
    for tr in case.transfers:
        pairs.append((t["transfers"], f"{tr.date}: {tr.from_} → {tr.to}"))
    if case.closed:
        pairs.append((t["closed"], f"{case.closed.date} ({case.closed.reason})"))
    render.key_values(f"{t['case']} {case.id}", pairs)
