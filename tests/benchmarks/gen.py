"""Generate a realistic team case folder for benchmarks: N case files in the real format.

A municipality keeps years of closed courses beside ~100 open ones, so most files are closed
cases; contact counts follow a long tail (most 10–40, a few in the hundreds); notes are
Danish; people's comments sit here and there. Deterministic for a given seed.

    python tests/benchmarks/gen.py DIR --cases 1000
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path

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
OPEN_CASES = 100


def _contact_count(rng: random.Random) -> int:
    """Long tail: median about 20, one in fifty above 150, none above 400."""
    return min(400, max(1, int(rng.lognormvariate(3.0, 0.75))))


def case_text(case_id: str, rng: random.Random, *, closed: bool, contacts: int | None = None,
              start: date | None = None) -> str:
    """One case file as a person and `cti` would have written it over the course."""
    n = _contact_count(rng) if contacts is None else contacts
    start = start or date(2019, 1, 1) + timedelta(days=rng.randrange(0, 2400))
    worker = rng.choice(WORKERS)
    lines = [HEADER, f"id: {case_id}\n", "citizen:\n",
             f"  initials: {rng.choice('ABDEFHJKLMNPRSTØÆ')}{rng.choice('ABDEFHJKLMNPRST')}\n",
             f"  birth_year: {rng.randrange(1950, 2005)}\n",
             f"target_group: {rng.choice(GROUPS)}\n",
             f"worker: {worker}  # overtaget fra kollega\n" if rng.random() < 0.1
             else f"worker: {worker}\n",
             "municipality: Nordby Kommune\n",
             "transition:\n  kind: move_in\n", f"  date: {start + timedelta(days=20)}\n",
             "phases:\n", f"- name: contact\n  start: {start}\n",
             f"- name: phase1\n  start: {start + timedelta(days=30)}\n"]
    phase2 = start + timedelta(days=120)
    last = start + timedelta(days=max(150, n * 3))
    if not closed:
        last = min(last, date.today())
    if closed:
        lines.append(f"- name: phase2\n  start: {phase2}\n")
        lines.append(f"- name: closed\n  start: {last}\n")
    lines.append("contacts:\n")
    day = start
    step = max(1, (last - start).days // n)
    for i in range(n):
        day = min(last, day + timedelta(days=rng.randrange(1, step + 2)))
        who = ", ".join(["citizen", *rng.sample(WITH[1:], rng.randrange(0, 3))])
        kind = rng.choice(("meeting", "meeting", "meeting", "phone", "sms"))
        lines.append(f"- id: c{rng.getrandbits(24):06x}\n  date: {day}\n  kind: {kind}\n")
        if kind != "sms":
            lines.append(f"  minutes: {rng.choice((15, 30, 45, 60, 90))}\n")
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
    goal = ("- id: g{g}\n  text: Betale husleje til tiden hver måned.\n  domain: economy\n"
            f"  status: {'achieved' if closed else 'open'}\n  actions:\n"
            f"  - text: Budget lavet sammen med bostøtten\n    who: {worker}\n"
            f"    due: {start + timedelta(days=60)}\n    done: {start + timedelta(days=55)}\n")
    lines.append(
        "assessment:\n  housing:\n    own_view: Jeg vil gerne bo for mig selv igen.\n"
        "    needs: Hjælp til husleje og post.\n    priority: high\n"
        "goals:\n" + "".join(goal.format(g=g) for g in (1, 2))
        + "plan: |\n  Bolig først, så økonomi og netværk. Koordineret med sagsbehandler\n"
        "  og bostøtte (§ 85).\n"
        "network:\n- name: Karin Lund\n  role: kommunal sagsbehandler\n  anchor: true\n"
        f"checklists:\n  contact:\n    contact_made: {start}\n    informed: {start}\n")
    if closed:
        lines.append(f"handover:\n  meetings: [{last}]\n  plan: |\n    Sagsbehandler overtager.\n"
                     f"documentation:\n  start: {start + timedelta(days=30)}\n"
                     f"  month3: {phase2}\n  closure: {last}\n"
                     f"closed:\n  date: {last}\n  reason: completed\n"
                     "  note: |\n    Forløbet afsluttet som planlagt; overdraget til "
                     "sagsbehandler.\n")
    else:
        lines.append(f"documentation:\n  start: {start + timedelta(days=30)}\n")
    return "".join(lines)


def make_folder(root: Path, cases: int, *, seed: int = 2026, open_cases: int = OPEN_CASES) -> Path:
    """Write cti.toml and `cases` case files (the last `open_cases` of them open)."""
    rng = random.Random(seed)
    (root / "cases").mkdir(parents=True, exist_ok=True)
    workers = "".join(f'\n[workers.{w}]\nname = "{w.title()}"\nemail = "{w}@kommune.example"\n'
                      f"fte = 1.0\n" for w in WORKERS)
    (root / "cti.toml").write_text(f'[team]\nname = "Team Bench"\ncommit = false\n{workers}',
                                   "utf-8")
    first_open = max(0, cases - open_cases)
    for i in range(cases):
        year = 2019 + i * 8 // max(cases, 1)
        case_id = f"{year}-{i + 1:05d}"
        closed = i < first_open
        start = date.today() - timedelta(days=rng.randrange(20, 200)) if not closed else None
        text = case_text(case_id, rng, closed=closed, start=start,
                         contacts=rng.randrange(3, 40) if not closed else None)
        (root / "cases" / f"{case_id}.yaml").write_text(text, "utf-8")
    return root


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", type=Path)
    ap.add_argument("--cases", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()
    make_folder(args.root, args.cases, seed=args.seed)


if __name__ == "__main__":
    main()
