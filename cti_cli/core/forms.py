"""The documentation forms: which questions a case's form asks, whether answers fit, and the
citizen's development across the documentation points. Pure: the method and the case in,
plain values out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from cti_cli.core.method import Form, Lang, Method
from cti_cli.core.model import DOC_POINTS, FIDELITY_ANSWERS, Case, Documentation, doc_date

QuestionKind = Literal["domain", "goal", "own_view", "fidelity"]


@dataclass(frozen=True)
class Question:
    """One question of a form for one case: where its answer goes and how it is asked."""

    kind: QuestionKind
    key: str  # the domain, goal id or fidelity item id; "own_view" for the free text
    text: str
    low: int | None = None
    high: int | None = None
    anchors: tuple[tuple[int, str], ...] = ()
    source: str | None = None


def active_goal_ids(case: Case) -> list[str]:
    """Goals whose progress the form asks about: the ones still being worked on."""
    return [g.id for g in case.goals if g.status == "open"]


def questions(method: Method, form: Form, case: Case, lang: Lang) -> list[Question]:
    """The form's questions for this case, in the order they are asked."""
    out: list[Question] = []
    anchors = tuple((a.value, method.text(a, lang)) for a in form.domains.anchors)
    for d in method.domains_for(case.target_group):
        name = method.text(method.domains[d], lang)
        out.append(Question("domain", d, method.text(form.domains.question, lang).format(
            domain=name), form.domains.low, form.domains.high, anchors))
    goals = {g.id: g for g in case.goals}
    for gid in active_goal_ids(case):
        out.append(Question("goal", gid, method.text(form.goals.question, lang).format(
            goal=goals[gid].text.strip()), form.goals.min, form.goals.max))
    out.append(Question("own_view", "own_view", method.text(form.own_view, lang)))
    for it in form.fidelity:
        out.append(Question("fidelity", it.id, method.text(it, lang), source=it.source))
    return out


def recorded(case: Case) -> dict[str, Documentation]:
    """The points recorded with a form's answers, by point."""
    return {p: e for p, e in case.documentation.items() if isinstance(e, Documentation)}


def last_answers(case: Case, point: str) -> dict[str, Any]:
    """Defaults for the prompts: the point's own answers when it has them, else the latest
    point's before it, so a worker confirms what has not changed."""
    records = recorded(case)
    if point in records:
        return records[point].model_dump(exclude_unset=True)
    earlier = [r for p, r in records.items() if DOC_POINTS.index(p) < DOC_POINTS.index(point)]
    if not earlier:
        return {}
    latest = max(earlier, key=lambda r: r.date)
    return latest.model_dump(exclude={"date", "form"}, exclude_unset=True)


Problem = tuple[tuple[str | int, ...], str, str | None]


def fit_problems(method: Method, form: Form, case: Case,
                 answers: Documentation) -> list[Problem]:
    """Answers that do not fit the form or the case, as (location, message, hint)."""
    problems: list[Problem] = []
    domains = method.domains_for(case.target_group)
    for d, value in answers.domains.items():
        if d not in domains:
            problems.append((("domains", d), f"'{d}' is not a life domain of the target group "
                             f"{case.target_group}", "domains: " + ", ".join(domains)))
        elif not form.domains.low <= value <= form.domains.high:
            problems.append((("domains", d), f"{value} is outside the form's scale "
                             f"{form.domains.low}-{form.domains.high}", None))
    goal_ids = {g.id for g in case.goals}
    for gid, value in answers.goals.items():
        if gid not in goal_ids:
            problems.append((("goals", gid), f"goal '{gid}' is not a goal of case {case.id}",
                             "goals: " + (", ".join(sorted(goal_ids)) or "none yet")))
        elif not form.goals.min <= value <= form.goals.max:
            problems.append((("goals", gid), f"{value} is outside {form.goals.min}-"
                             f"{form.goals.max}", None))
    items = [it.id for it in form.fidelity]
    for item in answers.fidelity:
        if item not in items:
            problems.append((("fidelity", item), f"'{item}' is not a fidelity item of form "
                             f"{form.id}", "items: " + ", ".join(items)))
    return problems


def parse_answer(question: Question, text: str) -> int | str | None:
    """A typed answer, or None for "no answer"; ValueError with a message when it is wrong."""
    text = text.strip()
    if not text:
        return None
    if question.kind in ("domain", "goal"):
        try:
            value = int(text)
        except ValueError:
            raise ValueError(f"a whole number from {question.low} to {question.high}") from None
        assert question.low is not None and question.high is not None
        if not question.low <= value <= question.high:
            raise ValueError(f"a whole number from {question.low} to {question.high}")
        return value
    if question.kind == "fidelity":
        word = {"ja": "yes", "j": "yes", "y": "yes", "nej": "no", "n": "no", "delvist": "partly",
                "delvis": "partly", "d": "partly", "p": "partly"}.get(text.lower(), text.lower())
        if word not in FIDELITY_ANSWERS:
            raise ValueError("yes, no or partly (ja, nej, delvist)")
        return word
    return text


# -- the citizen's development --------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """One line of the progress chart: a domain's ratings or a goal's progress per point."""

    kind: Literal["domain", "goal"]
    key: str
    label: str
    low: int
    high: int
    values: tuple[int | None, ...]  # one per point of `Progress.points`


@dataclass(frozen=True)
class Progress:
    case_id: str
    initials: str
    points: tuple[str, ...]
    dates: tuple[date, ...]
    series: tuple[Series, ...]


def progress(method: Method, case: Case, lang: Lang) -> Progress:
    """Each domain's rating and each goal's progress at the points recorded with a form."""
    records = recorded(case)
    points = tuple(p for p in DOC_POINTS if p in records)
    series: list[Series] = []
    form = next((method.form(r.form) for r in records.values()
                 if r.form and any(f.id == r.form for f in method.forms)), None)
    low, high = (form.domains.low, form.domains.high) if form else (1, 5)
    gmin, gmax = (form.goals.min, form.goals.max) if form else (0, 10)
    rated = {d for r in records.values() for d in r.domains}
    for d in [*method.domains_for(case.target_group), *sorted(rated)]:
        if d in rated and all(s.key != d for s in series):
            series.append(Series("domain", d, method.text(method.domains[d], lang), low, high,
                                 tuple(records[p].domains.get(d) for p in points)))  # type: ignore[arg-type]
    # a goal is labelled by its id and domain: its text may name people, a picture must not
    goals = {g.id: method.text(method.domains[g.domain], lang) for g in case.goals}
    answered = {g for r in records.values() for g in r.goals}
    for gid in [*goals, *sorted(answered - set(goals))]:
        if gid in answered:
            label = f"{gid} ({goals[gid]})" if gid in goals else gid
            series.append(Series("goal", gid, label, gmin, gmax,
                                 tuple(records[p].goals.get(gid) for p in points)))
    return Progress(case.id, case.citizen.initials, points,
                    tuple(doc_date(records[p]) for p in points), tuple(series))
