"""Generate a realistic team case folder for benchmarks: N case files that pass `cti check`.

A municipality keeps years of closed courses beside its open ones; a region's folder or a
national test may hold mostly open ones, so the share of open cases is a setting. Closed
courses ran contact → phase 1 → 2 → 3 → closed on the method's plan; open ones are wherever
their start date puts them today. Contact counts follow a long tail (most 10–40, a few in
the hundreds), with minutes falling phase by phase as the method expects (4:2:1); notes are
Danish; people's comments sit here and there. Deterministic for a given seed and day.

    python tests/benchmarks/gen.py DIR --cases 1000 --open-share 0.1
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

from dateutil.relativedelta import relativedelta

WORKERS = ("anna", "bo", "sara", "jonas", "mette")
GROUPS = ("homelessness", "psychiatric", "substance_use", "prison_release", "aftercare")
PLACES = ("Hjemme hos borgeren", "Herberget Nordly", "Borgerservice", "Jobcentret",
          "Distriktspsykiatrien", "Café Æblehaven", "Botilbuddet Engly")
WITH = ("citizen", "sagsbehandler", "bostøtte", "bror", "mor", "distriktspsykiatrien",
        "behandler", "kontaktperson")
NOTES = (
    "Hjemmebesøg, talte om budget og husleje. Borgeren vil selv ringe til boligselskabet.",
    "Telefon, nøgle til bolig udleveret, flytter på fredag. Aftalt møde mandag kl. 10.",
    "Fulgtes til lægen. Søvnen er stadig dårlig; aftalt at tage det op i psykiatrien.",
    "Møde med sagsbehandler om § 85-støtte og boligstøtte. Ansøgning sendt i dag.",
    "Kort sms, alt vel, ses torsdag. Har været til løbeklubben to gange.",
    "Svært med økonomien igen; lavet ny plan for mad og regninger sammen med bostøtten.",
    "Trepartssamtale med familien. Broren kommer på besøg hver anden søndag fremover.",
    "Afdækning af støttebehov, rengøring, indkøb og faste måltider. Ønsker hjælp til post.",
)
HEADER = "# yaml-language-server: $schema=../schemas/case.schema.json\n"
OPEN_SHARE = 0.1
GATE_ITEMS = {
    "contact": ("contact_made", "informed", "contact_agreement"),
    "phase1": ("economy", "needs_assessed", "long_term_plan", "network_started",
               "coordination", "meetings_held", "local_offers", "jobcentre"),
    "phase2": ("evaluated", "plan_adjusted"),
    "closure": ("network_in_place", "handover_talks", "handover_plan", "anchored"),
}
_WEIGHTS = {"contact": 3, "phase1": 4, "phase2": 2, "phase3": 1}
_GATE_OF = {"contact": "contact", "phase1": "phase1", "phase2": "phase2", "phase3": "closure"}


def _contact_count(rng: random.Random) -> int:
    """Long tail: median about 20, one in fifty above 150, none above 400."""
    return min(400, max(1, int(rng.lognormvariate(3.0, 0.75))))


def _months(d: date, n: int) -> date:
    result: date = d + relativedelta(months=n)
    return result


def _contact_dates(rng: random.Random, spans: list[tuple[str, date, date]], n: int
                   ) -> list[tuple[date, str]]:
    """`n` dates over the phases (end exclusive), denser where the method asks for more."""
    mass = [(_WEIGHTS[name] * max(1, (end - start).days), name, start, end)
            for name, start, end in spans]
    total = sum(m for m, *_ in mass)
    days: list[tuple[date, str]] = []
    for m, name, start, end in mass:
        k = max(1, round(n * m / total))
        length = max(1, (end - start).days)
        # the first contact of the course falls in its first week
        first = [(start + timedelta(days=rng.randrange(min(7, length))), name)] if not days else []
        days += first + [(start + timedelta(days=rng.randrange(length)), name)
                         for _ in range(k - len(first))]
    return sorted(days)


def case_text(case_id: str, rng: random.Random, *, closed: bool, today: date | None = None,
              contacts: int | None = None, start: date | None = None) -> str:
    """One case file as a person and `cti` would have written it over the course.

    An open case's phases follow from `start` and `today`; a closed one ran the whole plan.
    """
    today = today or date.today()
    n = max(20, _contact_count(rng)) if contacts is None else contacts
    if start is None:
        start = (_months(today, -12) - timedelta(days=rng.randrange(0, 2400)) if closed
                 else today - timedelta(days=rng.randrange(5, 280)))
    d0 = start + timedelta(days=30)
    plan = {"phase1": d0, "phase2": _months(d0, 3), "phase3": _months(d0, 6),
            "closed": _months(d0, 9)}
    phases = [("contact", start)] + [(p, d) for p, d in plan.items()
                                     if p != "closed" and (closed or d <= today)]
    end = plan["closed"] if closed else today + timedelta(days=1)
    spans = [(name, s, (phases[i + 1][1] if i + 1 < len(phases) else end))
             for i, (name, s) in enumerate(phases)]
    worker = rng.choice(WORKERS)
    lines = [HEADER, f"id: {case_id}\n", "citizen:\n",
             f"  initials: {rng.choice('ABDEFHJKLMNPRSTØÆ')}{rng.choice('ABDEFHJKLMNPRST')}\n",
             f"  birth_year: {rng.randrange(1950, 2005)}\n",
             f"target_group: {rng.choice(GROUPS)}\n",
             f"worker: {worker}  # overtaget fra kollega\n" if rng.random() < 0.1
             else f"worker: {worker}\n",
             "municipality: Nordby Kommune\n",
             "transition:\n  kind: move_in\n", f"  date: {d0 + timedelta(days=10)}\n",
             "phases:\n"]
    lines += [f"- name: {name}\n  start: {s}\n" for name, s in phases]
    if closed:
        lines.append(f"- name: closed\n  start: {plan['closed']}\n")
    lines.append("contacts:\n")
    for i, (day, _phase) in enumerate(_contact_dates(rng, spans, n)):
        who = ", ".join(["citizen", *rng.sample(WITH[1:], rng.randrange(0, 3))])
        kind = rng.choice(("meeting", "meeting", "meeting", "phone", "sms"))
        lines.append(f"- id: c{i:04d}{rng.getrandbits(16):04x}\n  date: {day}\n  kind: {kind}\n")
        lines.append(f"  minutes: {rng.choice((40, 45, 50))}\n")
        lines.append(f"  with: [{who}]\n")
        if kind == "meeting":
            lines.append(f"  place: {rng.choice(PLACES)}\n")
        note = rng.choice(NOTES)
        if len(note) > 80:
            cut = note.rfind(" ", 0, 80)
            lines.append(f"  note: {note[:cut]}\n    {note[cut + 1:]}\n")
        else:
            lines.append(f"  note: {note}\n")
        if i % 17 == 5:
            lines.append("  # opfølgning aftalt i teamet\n")
    if not closed and rng.random() < 0.3:
        soon = today + timedelta(days=rng.randrange(1, 10))
        lines.append(f"appointments:\n- date: {soon}\n  time: '10:00'\n  with: citizen\n")
    goal = ("- id: g{g}\n  text: Betale husleje til tiden hver måned.\n  domain: economy\n"
            f"  status: {'achieved' if closed else 'open'}\n  actions:\n"
            f"  - text: Budget lavet sammen med bostøtten\n    who: {worker}\n"
            f"    due: {d0 + timedelta(days=20)}\n"
            + (f"    done: {d0 + timedelta(days=15)}\n" if closed or d0 + timedelta(15) <= today
               else ""))
    lines.append(
        "assessment:\n  housing:\n    own_view: Jeg vil gerne bo for mig selv igen.\n"
        "    needs: Hjælp til husleje og post.\n    priority: high\n"
        "goals:\n" + "".join(goal.format(g=g) for g in (1, 2))
        + "plan: |\n  Bolig først, så økonomi og netværk. Koordineret med sagsbehandler\n"
        "  og bostøtte (§ 85).\n"
        "network:\n- name: Karin Lund\n  role: kommunal sagsbehandler\n  anchor: true\n")
    # each gate that was passed has its items ticked the day before the next phase began
    ticks = []
    for (name, _s), (_nxt, nstart) in pairwise(phases):
        day = nstart - timedelta(days=1)
        ticks.append(f"  {_GATE_OF[name]}:\n"
                     + "".join(f"    {item}: {day}\n" for item in GATE_ITEMS[_GATE_OF[name]]))
    if closed:
        day = plan["closed"] - timedelta(days=1)
        ticks.append("  closure:\n" + "".join(f"    {item}: {day}\n"
                                              for item in GATE_ITEMS["closure"]))
    if ticks:
        lines.append("checklists:\n" + "".join(ticks))
    docs = {"start": d0, "month3": plan["phase2"], "month6": plan["phase3"]}
    recorded = [f"  {k}: {v}\n" for k, v in docs.items() if closed or v <= today]
    if closed:
        recorded.append(f"  closure: {plan['closed']}\n")
    if recorded:
        lines.append("documentation:\n" + "".join(recorded))
    if closed or (not closed and len(phases) == 4):
        held = plan["closed"] - relativedelta(months=1) - timedelta(days=rng.randrange(1, 20))
        if held <= today:
            lines.append(f"handover:\n  meetings: [{held}]\n  plan: |\n"
                         "    Sagsbehandler overtager.\n")
    if closed:
        lines.append(f"closed:\n  date: {plan['closed']}\n  reason: completed\n"
                     "  note: |\n    Forløbet afsluttet som planlagt; overdraget til "
                     "sagsbehandler.\n")
    return "".join(lines)


def make_folder(root: Path, cases: int, *, seed: int = 2026, open_share: float = OPEN_SHARE,
                commit: bool = False, today: date | None = None) -> Path:
    """Write cti.toml and `cases` case files; `open_share` of them (the newest) are open."""
    rng = random.Random(seed)
    (root / "cases").mkdir(parents=True, exist_ok=True)
    workers = "".join(f'\n[workers.{w}]\nname = "{w.title()}"\nemail = "{w}@kommune.example"\n'
                      "fte = 1.0\n"
                      for w in WORKERS)
    (root / "cti.toml").write_text(
        f'[team]\nname = "Team Bench"\ncommit = {"true" if commit else "false"}\n{workers}',
        "utf-8")
    first_open = cases - round(cases * open_share)
    for i in range(cases):
        year = 2019 + i * 8 // max(cases, 1)
        case_id = f"{year}-{i + 1:05d}"
        text = case_text(case_id, rng, closed=i < first_open, today=today,
                         contacts=rng.randrange(20, 60) if i >= first_open else None)
        (root / "cases" / f"{case_id}.yaml").write_text(text, "utf-8")
    return root


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", type=Path)
    ap.add_argument("--cases", type=int, default=1000)
    ap.add_argument("--open-share", type=float, default=OPEN_SHARE,
                    help="share of the cases that are open (0..1; default 0.1)")
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()
    if not 0 <= args.open_share <= 1:
        ap.error("--open-share must be between 0 and 1")
    make_folder(args.root, args.cases, seed=args.seed, open_share=args.open_share)


if __name__ == "__main__":
    main()
