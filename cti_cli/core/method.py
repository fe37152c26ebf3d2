"""The CTI method (phases, gate checklists, domains, target groups) loaded from data.

The method lives in ``method.yaml`` so that texts and checklists can change without code, and
so that a team can override or extend it with a ``method.yaml`` beside its ``cti.toml``.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cti_cli.core.errors import CtiError
from cti_cli.core.model import NotApplicable  # one answer type for the method and the case file

try:
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

Lang = Literal["da", "en"]

#: The course states, in order; case files and code depend on exactly these.
PHASE_NAMES: tuple[str, ...] = ("contact", "phase1", "phase2", "phase3", "closed")

SHIPPED_NAME = "method.yaml"

# Keys by which lists of mappings are merged when a team overrides the method.
_MERGE_KEYS = ("id", "name")


class MethodError(CtiError, ValueError):
    """A method file (shipped or team override) is unreadable or invalid; a user error.

    A `CtiError`, so every command shows it as a message (exit 1), never as a bug.
    """

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint or "fix the team's method.yaml, or move it "
                         "away to use the method shipped with cti")


#: A team's method.yaml is a few kilobytes; a bigger file is a mistake, not read whole.
MAX_METHOD_BYTES = 1024 * 1024


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _Texts(_Frozen):
    """Anything shown to users carries both languages, so reports can switch language."""

    da: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Course(_Frozen):
    thirds: int = Field(gt=0)
    default_months: int = Field(gt=0)
    allowed_months: tuple[int, ...]
    advance_early_days: int = Field(default=14, ge=0)
    """How many days before its planned start a phase (or a completed close) may come."""

    @model_validator(mode="after")
    def _default_allowed(self) -> Course:
        if self.default_months not in self.allowed_months:
            raise ValueError(f"default_months {self.default_months} is not in allowed_months")
        if any(m % self.thirds for m in self.allowed_months):
            raise ValueError("every allowed course length must divide into equal thirds")
        return self


class Guidance(_Texts):
    """A focus area or primary task of a phase, quoted from the manual with where it says so."""

    source: str = Field(min_length=1)


class Phase(_Texts):
    name: str
    focus: tuple[Guidance, ...] = ()
    """The manual's focus areas of the phase (p.12-21): what a CTI course may not leave out."""
    tasks: tuple[Guidance, ...] = ()
    """The worker's primary tasks in the phase (p.12-22)."""
    gate: str | None = None
    start_third: int | None = Field(default=None, ge=0)
    weight: int | None = Field(default=None, gt=0)
    no_contact_days: int | None = Field(default=None, gt=0)


class GateItem(_Texts):
    id: str = Field(min_length=1)
    conditional: bool = False


class Gate(_Texts):
    items: tuple[GateItem, ...]


class Domain(_Texts):
    pass


class DocumentationPoint(_Texts):
    offset_third: int | None = Field(ge=0)
    """Thirds of the course after phase-1 start; None means at closure (also an early one)."""
    form: str | None = None
    """The form filled in at this point (an id of ``forms``)."""


class Anchor(_Texts):
    value: int


class DomainQuestions(_Frozen):
    question: _Texts
    anchors: tuple[Anchor, ...]

    @property
    def low(self) -> int:
        return min(a.value for a in self.anchors)

    @property
    def high(self) -> int:
        return max(a.value for a in self.anchors)


class GoalQuestions(_Frozen):
    question: _Texts
    min: int = 0
    max: int = 10


class FidelityItem(_Texts):
    id: str = Field(pattern=r"^[a-z0-9_]{1,64}$")
    source: str = Field(min_length=1)


class Form(_Texts):
    """One version of a documentation form; its id (``status/1``) never changes meaning."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*/[0-9]+$")
    domains: DomainQuestions
    goals: GoalQuestions
    own_view: _Texts
    fidelity: tuple[FidelityItem, ...] = ()


class Transition(_Texts):
    pass


class Note(_Texts):
    """A target group's note; a note no seed supports does not belong in the method."""

    source: str = Field(min_length=1)


class TargetGroup(_Texts):
    domains: tuple[str, ...]
    transition: str
    notes: tuple[Note, ...] = ()


class End(_Texts):
    closure_checklist: bool


class Caseload(_Frozen):
    per_fte: int = Field(gt=0)
    ceiling: int = Field(gt=0)


class Indicator(_Texts):
    """One fidelity indicator's text, page and (team-setting) numbers."""

    page: str = Field(min_length=1)
    tolerance_days: int | None = Field(default=None, ge=0)
    days: int | None = Field(default=None, ge=0)
    share: float | None = Field(default=None, ge=0, le=1)
    places: tuple[str, ...] = ()


class Method(_Frozen):
    """The whole method; validated for internal consistency so code can index it freely."""

    version: int
    course: Course
    phases: tuple[Phase, ...]
    gates: dict[str, Gate]
    domains: dict[str, Domain]
    documentation: dict[str, DocumentationPoint]
    transitions: dict[str, Transition]
    target_groups: dict[str, TargetGroup]
    ends: dict[str, End]
    caseload: Caseload
    forms: tuple[Form, ...] = ()
    fidelity: dict[str, Indicator] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> Method:
        problems = _consistency_problems(self)
        if problems:
            raise ValueError("\n".join(f"{key}: {msg}" for key, msg in problems))
        return self

    # -- lookups -----------------------------------------------------------------------------

    def phase_order(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.phases)

    def phase(self, name: str) -> Phase:
        for p in self.phases:
            if p.name == name:
                return p
        raise KeyError(f"unknown phase {name!r}; known: {', '.join(self.phase_order())}")

    def next_phase(self, name: str) -> str | None:
        """The state a course moves to from ``name``; None once closed."""
        order = self.phase_order()
        self.phase(name)
        i = order.index(name)
        return order[i + 1] if i + 1 < len(order) else None

    def gate_for(self, phase_name: str) -> Gate | None:
        """The checklist that must be complete to leave ``phase_name``."""
        gate_id = self.phase(phase_name).gate
        return None if gate_id is None else self.gates[gate_id]

    def gate(self, gate_id: str) -> Gate:
        try:
            return self.gates[gate_id]
        except KeyError:
            known = ", ".join(self.gates)
            raise KeyError(f"unknown gate {gate_id!r}; known: {known}") from None

    def items(self, gate_id: str) -> tuple[GateItem, ...]:
        return self.gate(gate_id).items

    def item(self, gate_id: str, item_id: str) -> GateItem:
        for it in self.items(gate_id):
            if it.id == item_id:
                return it
        raise KeyError(f"unknown item {item_id!r} in gate {gate_id!r}")

    def form(self, form_id: str) -> Form:
        for f in self.forms:
            if f.id == form_id:
                return f
        known = ", ".join(f.id for f in self.forms)
        raise KeyError(f"unknown form {form_id!r}; known: {known}")

    def form_for(self, point: str) -> Form | None:
        """The form filled in at a documentation point (None when the method names none)."""
        spec = self.documentation.get(point)
        return None if spec is None or spec.form is None else self.form(spec.form)

    def domains_for(self, target_group: str) -> tuple[str, ...]:
        return self.target_groups[target_group].domains

    @staticmethod
    def text(obj: _Texts, lang: Lang) -> str:
        """One language's text of any method object, so callers need not branch on language."""
        return obj.da if lang == "da" else obj.en


def _consistency_problems(m: Method) -> list[tuple[str, str]]:
    """Cross-references the models cannot check alone, as (dotted key, message); all of them."""
    problems: list[tuple[str, str]] = []
    names = tuple(p.name for p in m.phases)
    if names != PHASE_NAMES:
        problems.append(
            ("phases", f"must be exactly {list(PHASE_NAMES)} in order, got {list(names)}")
        )
        return problems
    for phase in m.phases:
        key = f"phases[{phase.name}].gate"
        if phase.name == "closed":
            if phase.gate is not None:
                problems.append((key, "the closed phase has no gate"))
        elif phase.gate is None:
            problems.append((key, "needed: the checklist that must be complete to leave it"))
        elif phase.gate not in m.gates:
            problems.append((key, f"unknown gate {phase.gate!r}; known: {', '.join(m.gates)}"))
    starts = [p.start_third for p in m.phases[1:]]
    known = [s for s in starts if s is not None]
    if len(known) != len(starts) or known != sorted(set(known)) or known[-1:] != [
            m.course.thirds]:
        problems.append(
            (
                "phases.start_third",
                "phase1..closed must increase and closed must start at course.thirds "
                f"({m.course.thirds}), got {starts}",
            )
        )
    for gate_id, gate in m.gates.items():
        ids = [i.id for i in gate.items]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            problems.append((f"gates.{gate_id}.items", f"duplicate item ids {dupes}"))
        if not ids:
            problems.append((f"gates.{gate_id}.items", "a gate needs at least one item"))
    for tg_id, tg in m.target_groups.items():
        unknown = [d for d in tg.domains if d not in m.domains]
        if unknown:
            problems.append((f"target_groups.{tg_id}.domains", f"unknown domains {unknown}"))
        if tg.transition not in m.transitions:
            problems.append(
                (
                    f"target_groups.{tg_id}.transition",
                    f"unknown transition {tg.transition!r}; known: {', '.join(m.transitions)}",
                )
            )
    for doc_id, doc in m.documentation.items():
        if doc.offset_third is not None and doc.offset_third >= m.course.thirds:
            problems.append((f"documentation.{doc_id}.offset_third", "after the planned end"))
    form_ids = [f.id for f in m.forms]
    for doc_id, doc in m.documentation.items():
        if doc.form is not None and doc.form not in form_ids:
            problems.append((f"documentation.{doc_id}.form", f"unknown form {doc.form!r}"))
    for form in m.forms:
        ids = [i.id for i in form.fidelity]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            problems.append((f"forms[{form.id}].fidelity", f"duplicate item ids {dupes}"))
        values = [a.value for a in form.domains.anchors]
        if sorted(values) != list(range(min(values, default=1), max(values, default=0) + 1)):
            problems.append((f"forms[{form.id}].domains.anchors",
                             "the anchors must be the steps of one scale, e.g. 1 to 5"))
    dup_forms = sorted({i for i in form_ids if form_ids.count(i) > 1})
    if dup_forms:
        problems.append(("forms", f"duplicate form ids {dup_forms}"))
    if "completed" not in m.ends:
        problems.append(("ends", "must include 'completed'"))
    return problems


# -- checklist progress -------------------------------------------------------------------------


class ItemState(_Frozen):
    """One gate item as a case file answers it; plain data for checks and reports."""

    id: str
    text_da: str
    text_en: str
    conditional: bool
    done: bool
    date: dt.date | None = None
    na: str | None = None

    @property
    def blocking(self) -> bool:
        """Whether this item keeps the course from leaving the gate."""
        return _blocks(self.done, self.conditional, self.na)


def _blocks(done: bool, conditional: bool, na: str | None) -> bool:
    return not done and not (conditional and na is not None)


Tick = dt.date | NotApplicable | None


def gate_progress(method: Method, gate_id: str, ticks: Mapping[str, Tick]) -> list[ItemState]:
    """Every item of ``gate_id`` in method order, with the case's answer; unknown ticks ignored.

    A date means done on that date; ``NotApplicable`` (or any object with a string ``na``,
    such as the case model's class) records a reason (valid only for
    conditional items, but recorded either way so reports can say why it still blocks).
    """
    states: list[ItemState] = []
    for it in method.items(gate_id):
        tick = ticks.get(it.id)
        states.append(
            ItemState(
                id=it.id,
                text_da=it.da,
                text_en=it.en,
                conditional=it.conditional,
                done=isinstance(tick, dt.date),
                date=tick if isinstance(tick, dt.date) else None,
                na=_na_reason(tick),
            )
        )
    return states


def _na_reason(tick: object) -> str | None:
    # Duck-typed so the case model's own ``{na: reason}`` class works as well as ours.
    if isinstance(tick, dt.date):
        return None
    reason = getattr(tick, "na", None)
    return reason if isinstance(reason, str) else None


def gate_tally(method: Method, gate_id: str, ticks: Mapping[str, Any]
               ) -> tuple[int, int, list[str]]:
    """(done, applicable, ids of the blocking items) of a gate: what `gate_progress` tells,
    without building an `ItemState` per item, for reports over thousands of cases."""
    done = applicable = 0
    blocking = []
    for it in method.items(gate_id):
        tick = ticks.get(it.id)
        is_done = isinstance(tick, dt.date)
        na = None if is_done else _na_reason(tick)
        if not (it.conditional and na is not None):
            applicable += 1
        done += is_done
        if _blocks(is_done, it.conditional, na):
            blocking.append(it.id)
    return done, applicable, blocking


def missing_items(method: Method, gate_id: str, ticks: Mapping[str, Tick]) -> list[ItemState]:
    """The items that block leaving the gate: not done, unless conditional and marked na."""
    return [s for s in gate_progress(method, gate_id, ticks) if s.blocking]


def unknown_ticks(method: Method, gate_id: str, ticks: Mapping[str, object]) -> list[str]:
    """Tick ids that the gate does not define (typos, or items a team override removed)."""
    known = {it.id for it in method.items(gate_id)}
    return sorted(k for k in ticks if k not in known)


# -- loading ------------------------------------------------------------------------------------


def deep_merge(base: Any, override: Any) -> Any:
    """Merge a team override into the method data.

    Mappings merge key by key; lists whose entries are all mappings with an ``id`` (or
    ``name``) merge entry by entry, keeping the base order and appending new entries; anything
    else in the override replaces the base value.
    """
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = deep_merge(base[key], value) if key in base else value
        return merged
    if isinstance(base, list) and isinstance(override, list):
        key = _list_key(base, override)
        if key is None:
            return list(override)
        out = list(base)
        index = {entry[key]: i for i, entry in enumerate(out)}
        for entry in override:
            if entry[key] in index:
                out[index[entry[key]]] = deep_merge(out[index[entry[key]]], entry)
            else:  # duplicates within the override stay duplicates, so validation reports them
                out.append(entry)
        return out
    return override


def _list_key(base: list[Any], override: list[Any]) -> str | None:
    entries = base + override
    for key in _MERGE_KEYS:
        if entries and all(isinstance(e, dict) and key in e for e in entries):
            return key
    return None


def _parse(text: str, source: str) -> dict[str, Any]:
    try:
        data = yaml.load(text, Loader=_Loader)  # a safe loader: plain data only
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise MethodError(f"{source}{where}: not valid YAML: {problem}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise MethodError(f"{source}: the method file must be a mapping at the top level")
    return data


def _dotted(loc: tuple[int | str, ...], data: Any) -> str:
    """A pydantic location as ``gates.phase1.items[jobcentre].da``: list items by their id."""
    parts: list[str] = []
    node = data
    for part in loc:
        if isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node):
            entry = node[part]
            key = next(
                (entry[k] for k in _MERGE_KEYS if isinstance(entry, dict) and k in entry), part
            )
            parts[-1:] = [f"{parts[-1]}[{key}]"] if parts else [f"[{key}]"]
            node = entry
            continue
        parts.append(str(part))
        node = node.get(part) if isinstance(node, dict) else None
    return ".".join(parts)


def _validate(data: dict[str, Any], source: str) -> Method:
    try:
        return Method.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = _dotted(tuple(err["loc"]), data)
            msg = err["msg"].removeprefix("Value error, ")
            for line in msg.splitlines():
                lines.append(f"{source}: {loc}: {line}" if loc else f"{source}: {line}")
        raise MethodError("\n".join(lines)) from exc


@functools.lru_cache(maxsize=1)
def _shipped_data() -> dict[str, Any]:
    text = resources.files("cti_cli.core").joinpath(SHIPPED_NAME).read_text(encoding="utf-8")
    return _parse(text, f"cti_cli/core/{SHIPPED_NAME}")


@functools.lru_cache(maxsize=32)
def _load(override: Path | None, shown: str = "") -> Method:
    base = _shipped_data()
    if override is None:
        return _validate(base, f"cti_cli/core/{SHIPPED_NAME}")
    shown = shown or str(override)
    try:
        with override.open("rb") as fh:
            raw = fh.read(MAX_METHOD_BYTES + 1)
        if len(raw) > MAX_METHOD_BYTES:
            raise MethodError(f"{shown}: the method override is larger than "
                              f"{MAX_METHOD_BYTES // 1024} KB: not read")
        text = raw.decode("utf-8-sig")
    except OSError as exc:
        raise MethodError(f"{shown}: cannot read the method override: {exc.strerror}") from exc
    except UnicodeDecodeError:
        raise MethodError(f"{shown}: the method override is not UTF-8 text",
                          hint="save it as UTF-8") from None
    return _validate(deep_merge(base, _parse(text, shown)), shown)


def load_method(team_override: Path | None = None) -> Method:
    """The shipped method, merged with a team's ``method.yaml`` when one exists.

    ``team_override`` is the override file's path; a path that does not exist means the team
    has no override, so callers can pass ``team_dir / "method.yaml"`` unconditionally. Results
    are cached per resolved path: the method does not change during one run.
    """
    if team_override is None:
        return _load(None)
    team_override = team_override.resolve()
    if not team_override.exists():
        return _load(None)
    # messages name the file as the person typing sees it, like the case files' findings
    shown = os.path.relpath(team_override)
    return _load(team_override, str(team_override) if shown.startswith("..") else shown)
