"""Checks over one case, as pure functions in one ordered table.

Each rule takes a `RuleContext` (the case, today, the team's facts) and yields `Issue`s that
point at a place in the case (`("contacts", 3, "date")`); `check` turns those places into
lines and columns. Adding a check is one function and one row in `RULES`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .findings import Severity
from .model import PHASES, Case

Loc = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Issue:
    loc: Loc
    code: str
    severity: Severity
    message: str
    hint: str | None = None


@dataclass(frozen=True)
class RuleContext:
    case: Case
    today: date
    workers: frozenset[str] = frozenset()
    course_months: int = 9
    method: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


Rule = Callable[[RuleContext], Iterable[Issue]]


def worker_known(ctx: RuleContext) -> Iterator[Issue]:
    if ctx.workers and ctx.case.worker not in ctx.workers:
        yield Issue(("worker",), "E202", "error",
                    f"worker '{ctx.case.worker}' is not in cti.toml",
                    f"add [workers.{ctx.case.worker}] to cti.toml or use one of: "
                    + ", ".join(sorted(ctx.workers)))
    for i, t in enumerate(ctx.case.transfers):
        for key, who in (("from", t.from_), ("to", t.to)):
            if ctx.workers and who not in ctx.workers:
                yield Issue(("transfers", i, key), "W202", "warning",
                            f"transfer names worker '{who}', who is not in cti.toml")


def phases_in_order(ctx: RuleContext) -> Iterator[Issue]:
    phases = ctx.case.phases
    if phases[0].name not in ("contact", "phase1"):
        yield Issue(("phases", 0, "name"), "E203", "error",
                    f"a course starts in 'contact' or 'phase1', not '{phases[0].name}'")
    for i in range(1, len(phases)):
        before, now = phases[i - 1], phases[i]
        order_ok = (PHASES.index(now.name) > PHASES.index(before.name)
                    and (now.name == "closed" or PHASES.index(now.name)
                         == PHASES.index(before.name) + 1))
        if not order_ok:
            yield Issue(("phases", i, "name"), "E203", "error",
                        f"'{now.name}' cannot follow '{before.name}'",
                        "phases run contact → phase1 → phase2 → phase3 → closed, "
                        "and a course may close from any phase")
        if now.start < before.start:
            yield Issue(("phases", i, "start"), "E204", "error",
                        f"'{now.name}' starts {now.start}, before '{before.name}' "
                        f"({before.start})", "phase start dates must rise")


def closed_consistent(ctx: RuleContext) -> Iterator[Issue]:
    case = ctx.case
    if case.phase == "closed" and case.closed is None:
        yield Issue(("phases", len(case.phases) - 1), "E205", "error",
                    "the last phase is 'closed' but there is no 'closed:' section",
                    "close a course with `cti close CASE --reason …`")
    if case.closed is not None and case.phase != "closed":
        yield Issue(("closed",), "E205", "error",
                    "the case has a 'closed:' section but its last phase is not 'closed'",
                    "append {name: closed, start: DATE} to phases, or remove 'closed:'")


def _dated_past(case: Case) -> Iterator[tuple[Loc, date, str]]:
    """Every date that records something that has happened."""
    for i, p in enumerate(case.phases):
        yield ("phases", i, "start"), p.start, f"phase '{p.name}' start"
    for i, c in enumerate(case.contacts):
        yield ("contacts", i, "date"), c.date, "contact"
    for gate, items in case.checklists.items():
        for item, mark in items.items():
            if isinstance(mark, date):
                yield ("checklists", gate, item), mark, f"checklist item '{item}'"
    for point, d in case.documentation.items():
        yield ("documentation", point), d, f"documentation point '{point}'"
    if case.closed is not None:
        yield ("closed", "date"), case.closed.date, "closing"
    for i, t in enumerate(case.transfers):
        yield ("transfers", i, "date"), t.date, "transfer"


def no_future_records(ctx: RuleContext) -> Iterator[Issue]:
    for loc, d, what in _dated_past(ctx.case):
        if d > ctx.today:
            yield Issue(loc, "E206", "error", f"{what} is dated {d}, in the future",
                        "records of what happened cannot be in the future: fix the date "
                        "(appointments are for what is planned)")


def unique_ids(ctx: RuleContext) -> Iterator[Issue]:
    for section in ("goals", "contacts"):
        entries = getattr(ctx.case, section)
        counts = Counter(e.id for e in entries if e.id)
        for i, e in enumerate(entries):
            if e.id and counts[e.id] > 1:
                yield Issue((section, i, "id"), "E207", "error",
                            f"{section[:-1]} id '{e.id}' is used more than once",
                            "ids must be unique within a case")


RULES: list[tuple[str, Rule]] = [
    ("worker-known", worker_known),
    ("phases-in-order", phases_in_order),
    ("closed-consistent", closed_consistent),
    ("no-future-records", no_future_records),
    ("unique-ids", unique_ids),
]


def run_rules(ctx: RuleContext, rules: list[tuple[str, Rule]] | None = None) -> list[Issue]:
    """Every issue of every rule, in table order: report all problems, not the first."""
    issues: list[Issue] = []
    for _name, rule in rules if rules is not None else RULES:
        issues.extend(rule(ctx))
    return issues
