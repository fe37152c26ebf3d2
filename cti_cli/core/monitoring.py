"""The anonymous monitoring export (`cti report`): tables without personal data.

Pure: cases, the method and a pseudonym function in; tables of plain values out. What leaves
here is never an initial, a name, a phone number, free text, a worker id, an exact date or a
birth year: months (`YYYY-MM`), day counts, ratings and 10-year age bands only. Aggregate
counts of 1-4 are written `<5`, and so are shares and medians computed from fewer than 5
courses (small-cell suppression).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from cti_cli.core.course import phase_spans
from cti_cli.core.fidelity import Report, course_span, forced_steps, overlaps
from cti_cli.core.method import Method
from cti_cli.core.model import DOC_POINTS, DOMAINS, Case, Documentation

SMALL = 5
SUPPRESSED = "<5"
PHASE_KEYS = ("contact", "phase1", "phase2", "phase3")


def suppress(n: int) -> int | str:
    """A count as it may be published: 1-4 becomes `<5` (0 says nothing about a person)."""
    return SUPPRESSED if 0 < n < SMALL else n


def _share(part: int, whole: int) -> float | str | None:
    if whole == 0:
        return None
    if whole < SMALL:
        return SUPPRESSED
    return round(part / whole, 2)


def age_band(birth_year: int | None, on: date) -> str | None:
    if birth_year is None:
        return None
    low = (on.year - birth_year) // 10 * 10
    return f"{low}-{low + 9}"


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    meaning: dict[str, str]  # column -> what it means (the README table)
    about: str


def course_columns() -> tuple[str, ...]:
    cols = ["pseudonym", "target_group", "transition_kind", "start_month", "end_month",
            "end_reason", "age_band"]
    cols += [f"days_{p}" for p in PHASE_KEYS]
    cols += [f"contacts_{p}" for p in PHASE_KEYS]
    cols += [f"minutes_{p}" for p in PHASE_KEYS]
    cols += ["forced_steps", "goals", "anchor"]
    for point in DOC_POINTS:
        cols.append(f"doc_{point}")
        cols += [f"{point}_{d}" for d in DOMAINS]
    return tuple(cols)


def _course_meaning() -> dict[str, str]:
    m = {
        "pseudonym": "the course's pseudonym: HMAC-SHA256 of the case id with a key kept "
                     "outside git; the same in every export made with the same key",
        "target_group": "the target group (method id)",
        "transition_kind": "the critical transition: move_in, job, release, other",
        "start_month": "month the course began (first phase), YYYY-MM",
        "end_month": "month the course ended, YYYY-MM; empty while it runs",
        "end_reason": "why it ended: completed, ended_early, declined, moved_municipality, "
                      "other; empty while it runs",
        "age_band": "the citizen's age in 10-year bands at the start, where a birth year is "
                    "known",
        "forced_steps": "steps forced past the method's rules (advance --force and the like)",
        "goals": "goals in the long-term plan",
        "anchor": "yes when one person of the network holds long-term responsibility",
    }
    for p in PHASE_KEYS:
        m[f"days_{p}"] = f"days in {p} (to the next phase, the end or the report's day)"
        m[f"contacts_{p}"] = f"contacts logged in {p}"
        m[f"minutes_{p}"] = f"contact minutes logged in {p}"
    for point in DOC_POINTS:
        m[f"doc_{point}"] = (f"documentation point {point}: form (recorded with the form's "
                             "answers), date (recorded without), or empty")
        for d in DOMAINS:
            m[f"{point}_{d}"] = f"rating 1-5 of the life domain {d} at {point}"
    return m


def course_row(case: Case, pseudonym: str, today: date) -> tuple[Any, ...]:
    start, end = course_span(case, today)
    spans = {s.name: s for s in phase_spans(case, min(today, end))}
    row: list[Any] = [
        pseudonym, case.target_group, case.transition.kind, start.strftime("%Y-%m"),
        case.closed.date.strftime("%Y-%m") if case.closed else None,
        case.closed.reason if case.closed else None,
        age_band(case.citizen.birth_year, start),
    ]
    row += [spans[p].days if p in spans else None for p in PHASE_KEYS]
    row += [spans[p].contacts if p in spans else None for p in PHASE_KEYS]
    row += [spans[p].minutes if p in spans else None for p in PHASE_KEYS]
    row += [len(forced_steps(case)), len(case.goals),
            "yes" if sum(p.anchor for p in case.network) == 1 else "no"]
    for point in DOC_POINTS:
        entry = case.documentation.get(point)  # type: ignore[call-overload]
        if isinstance(entry, Documentation):
            row.append("form" if entry.form else "date")
            row += [entry.domains.get(d) for d in DOMAINS]  # type: ignore[call-overload]
        else:
            row.append(None if entry is None else "date")
            row += [None] * len(DOMAINS)
    return tuple(row)


def export(cases: Sequence[Case], method: Method, fidelity: Report, *, since: date,
           until: date, today: date, pseudonym: Callable[[str], str]) -> list[Table]:
    """The export's tables, in the order they are written."""
    running = sorted((c for c in cases if overlaps(c, since, until, today)),
                     key=lambda c: pseudonym(c.id))
    courses = Table("courses", course_columns(),
                    tuple(course_row(c, pseudonym(c.id), today) for c in running),
                    _course_meaning(), "one row per course that overlaps the period")
    started = [c for c in running if since <= c.phases[0].start <= until]
    ended = [c for c in running if c.closed is not None and since <= c.closed.date <= until]
    groups = sorted({c.target_group for c in running})
    by_group = Table(
        "by_target_group", ("target_group", "courses", "started", "ended", "completed"),
        tuple((g, suppress(sum(c.target_group == g for c in running)),
               suppress(sum(c.target_group == g for c in started)),
               suppress(sum(c.target_group == g for c in ended)),
               suppress(sum(c.target_group == g and c.closed is not None
                            and c.closed.reason == "completed" for c in ended)))
              for g in groups),
        {"target_group": "the target group", "courses": "courses that overlap the period",
         "started": "courses that began in the period", "ended": "courses that ended in the "
         "period", "completed": "of those, completed"},
        "courses started and ended, by target group (counts 1-4 written <5)")
    reasons = list(method.ends)
    by_reason = Table(
        "by_end_reason", ("end_reason", "ended"),
        tuple((r, suppress(sum(c.closed is not None and c.closed.reason == r for c in ended)))
              for r in reasons),
        {"end_reason": "why courses ended", "ended": "courses that ended in the period for "
         "this reason"}, "courses ended, by reason (counts 1-4 written <5)")
    lengths = [(c.closed.date - (c.phase_start("phase1") or c.phases[0].start)).days
               for c in ended if c.closed is not None]
    completed = sum(c.closed is not None and c.closed.reason == "completed" for c in ended)
    due = recorded = 0
    for c in running:
        for point in DOC_POINTS:
            if point in c.documentation:
                due += 1
                recorded += isinstance(c.documentation[point], Documentation)  # type: ignore[index]
    summary_rows: list[tuple[Any, ...]] = [
        ("courses", suppress(len(running))),
        ("started", suppress(len(started))),
        ("ended", suppress(len(ended))),
        ("median_course_days", (SUPPRESSED if 0 < len(lengths) < SMALL else
                                statistics.median(lengths) if lengths else None)),
        ("share_completed", _share(completed, len(ended))),
        ("documentation_points_recorded", suppress(due)),
        ("documentation_share_with_form", _share(recorded, due)),
    ]
    summary = Table("summary", ("measure", "value"), tuple(summary_rows), {
        "measure": "courses, started, ended: counts in the period; median_course_days: from "
                   "phase 1 to the end, of courses that ended; share_completed: of those that "
                   "ended; documentation_*: points recorded, and the share with a form's "
                   "answers", "value": "the number (<5: 1-4, or a share or median of fewer "
                   "than 5 courses)"}, "the period in numbers")
    fid = Table("fidelity", ("indicator", "share_met", "courses"),
                tuple((t.id, SUPPRESSED if 0 < t.cases < SMALL else t.share_met,
                       suppress(t.cases)) for t in fidelity.team),
                {"indicator": "fidelity indicator id (see `cti fidelity`)",
                 "share_met": "share of the courses where it could be decided that meet it",
                 "courses": "courses where it could be decided"},
                "the fidelity indicators' shares for the team")
    period = Table("period", ("since", "until"), ((since.strftime("%Y-%m"),
                                                   until.strftime("%Y-%m")),),
                   {"since": "first month of the period", "until": "last month of the period"},
                   "the period the export covers")
    return [period, courses, by_group, by_reason, summary, fid]


def readme(tables: Sequence[Table]) -> Table:
    rows = [(t.name, "", t.about) for t in tables]
    rows += [(t.name, col, t.meaning.get(col, "")) for t in tables for col in t.columns]
    return Table("readme", ("table_name", "column_name", "meaning"), tuple(rows), {
        "table_name": "a table of this export", "column_name": "a column of it (empty: the "
        "table itself)", "meaning": "what it holds"}, "what each table and column means")
