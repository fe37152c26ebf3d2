"""The case file and its parts as pydantic models: the file format's single source of truth.

The JSON Schema in `schemas/case.schema.json` is generated from these models, so editors and
third-party validators see the same rules. Models are frozen: commands change the YAML
document (to keep people's comments) and re-validate, never mutate a model.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

CASE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
CASE_ID_RE = re.compile(CASE_ID_PATTERN[1:-1])

TargetGroup = Literal[
    "homelessness",
    "psychiatric",
    "crisis_centre",
    "unemployed",
    "aftercare",
    "prostitution",
    "substance_use",
    "prison_release",
    "other",
]
PhaseName = Literal["contact", "phase1", "phase2", "phase3", "closed"]
GateName = Literal["contact", "phase1", "phase2", "closure"]
Domain = Literal[
    "housing",
    "mental_health",
    "physical_health",
    "economy",
    "network",
    "daily_activities",
    "education_work",
    "substance_use",
]
DocPoint = Literal["start", "month3", "month6", "closure"]
CloseReason = Literal["completed", "ended_early", "declined", "moved_municipality", "other"]
ContactKind = Literal["meeting", "phone", "sms", "email", "video", "other"]
TransitionKind = Literal["move_in", "job", "release", "treatment", "other"]
# `done` is what `cti goal set --status` writes; `achieved` is the older spelling, still valid
GoalStatus = Literal["open", "done", "achieved", "changed", "dropped"]
NetworkKind = Literal["professional", "private"]
Priority = Literal["high", "medium", "low"]

# the same values as tuples, for choices, messages and loops
TARGET_GROUPS: tuple[str, ...] = get_args(TargetGroup)
PHASES: tuple[str, ...] = get_args(PhaseName)
GATES: tuple[str, ...] = get_args(GateName)
DOMAINS: tuple[str, ...] = get_args(Domain)
DOC_POINTS: tuple[str, ...] = get_args(DocPoint)
CLOSE_REASONS: tuple[str, ...] = get_args(CloseReason)
CONTACT_KINDS: tuple[str, ...] = get_args(ContactKind)
TRANSITION_KINDS: tuple[str, ...] = get_args(TransitionKind)
GOAL_STATUSES: tuple[str, ...] = get_args(GoalStatus)
NETWORK_KINDS: tuple[str, ...] = get_args(NetworkKind)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


#: The years a date in a case may lie in. A course is planned months ahead of its dates, so
#: 9999-12-31 (or 0001-01-01 minus a month) would overflow the calendar; no CTI course
#: lies outside these years. An input limit, not a rule of the method.
FIRST_YEAR, LAST_YEAR = 1900, 2199


def in_date_range(value: date) -> date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"{value} is outside the years {FIRST_YEAR}–{LAST_YEAR}")
    return value


def _iso_date(value: Any) -> Any:
    """Accept a date or an ISO `YYYY-MM-DD` string; never a number or a datetime.

    pydantic's lax mode would read `20260302` as seconds since 1970: a silent wrong date.
    """
    if isinstance(value, date) and type(value) is date:
        return in_date_range(value)
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return in_date_range(date.fromisoformat(value))
        except ValueError as exc:
            if "outside the years" in str(exc):
                raise
            raise ValueError(f"{value} is not a real date") from None
    if isinstance(value, date):
        raise ValueError("expected a date (YYYY-MM-DD) without a time")
    raise ValueError("expected a date written as YYYY-MM-DD")


ISODate = Annotated[date, BeforeValidator(_iso_date, json_schema_input_type=date)]
Text = Annotated[str, StringConstraints(max_length=20_000)]
ShortText = Annotated[str, StringConstraints(max_length=500)]
HHMM = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


def _str_or_list(value: Any) -> Any:
    """`with: citizen` is how people write a single participant."""
    return [value] if isinstance(value, str) else value


People = Annotated[
    list[ShortText],
    BeforeValidator(_str_or_list, json_schema_input_type=list[str] | str),
]


class Model(BaseModel):
    """Shared policy: unknown keys are errors, input never echoes back (GDPR art. 9)."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        hide_input_in_errors=True,
        populate_by_name=True,
        defer_build=True,
        strict=False,
    )


class Citizen(Model):
    initials: Annotated[str, StringConstraints(pattern=r"^[A-Za-zÆØÅæøåÄÖÜäöüÉé.\-]{1,6}$")] = (
        Field(description="Initials only: reports and mail show nothing else by default.")
    )
    name: ShortText | None = None
    birth_year: Annotated[int, Field(ge=1900, le=2100)] | None = None
    phone: ShortText | None = None


class Transition(Model):
    kind: TransitionKind = "move_in"
    date: ISODate = Field(description="The critical transition the course is built around.")


class Phase(Model):
    name: PhaseName
    start: ISODate
    forced: ShortText | None = Field(
        default=None, description="Why the gate was passed with `advance --force`."
    )


class Contact(Model):
    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,32}$")] | None = Field(
        default=None, description="Stable id written by the tool so merges can de-duplicate."
    )
    date: ISODate
    kind: ContactKind = "meeting"
    minutes: Annotated[int, Field(ge=0, le=24 * 60)] | None = None
    with_: People = Field(default_factory=list, alias="with")
    place: ShortText | None = None
    note: Text | None = None


class Appointment(Model):
    date: ISODate
    time: HHMM | None = Field(default=None, description='Local time "HH:MM" (quote it).')
    with_: People = Field(default_factory=list, alias="with")
    place: ShortText | None = None
    note: Text | None = None


class DomainAssessment(Model):
    own_view: Text | None = Field(default=None, description="The citizen's own view (p.15).")
    needs: Text | None = None
    resources: Text | None = None
    priority: Priority | None = None


class Action(Model):
    text: Text
    who: ShortText | None = None
    due: ISODate | None = None
    done: ISODate | bool | None = None


class Goal(Model):
    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,32}$")]
    text: Text
    domain: Domain
    actions: list[Action] = Field(default_factory=list)
    status: GoalStatus = "open"
    note: Text | None = Field(default=None, description="Why the status changed, in words.")


class NetworkPerson(Model):
    name: ShortText
    role: ShortText | None = None
    phone: ShortText | None = None
    email: ShortText | None = None
    org: ShortText | None = Field(default=None, description="Organisation, e.g. jobcentret.")
    kind: NetworkKind | None = None
    anchor: bool = Field(
        default=False, description="The one person who holds long-term responsibility."
    )


class HandoverMeeting(Model):
    """A handover talk with the citizen and the network (p.22); a bare date is the old form."""

    date: ISODate
    with_: People = Field(default_factory=list, alias="with")
    place: ShortText | None = None
    note: Text | None = None


class FollowOn(Model):
    """The manual's question at the end (p.22): does the citizen still need individual support?

    Either `what` and `start` (it starts before the course ends) or `none` with the reason.
    """

    what: Text | None = None
    start: ISODate | None = None
    by: ShortText | None = None
    none: ShortText | None = Field(default=None,
                                   description="Why no follow-on support is needed.")

    @model_validator(mode="after")
    def _one_answer(self) -> FollowOn:
        if self.none is not None and (self.what or self.start or self.by):
            raise ValueError("either `none` or `what`/`start`/`by`, not both")
        if self.none is None and not (self.what and self.start):
            raise ValueError("a follow-on needs `what` and `start` (or `none: reason`)")
        return self


class Handover(Model):
    meetings: list[ISODate | HandoverMeeting] = Field(default_factory=list)
    plan: Text | None = None
    follow_on: FollowOn | None = None

    def meeting_dates(self) -> list[date]:
        """The days of the meetings, whether written as a bare date or a mapping."""
        return [m if isinstance(m, date) else m.date for m in self.meetings]


class NotApplicable(Model):
    """A checklist answer "not applicable"; the reason is required so the choice is auditable."""

    na: Annotated[str, StringConstraints(min_length=1, max_length=500)] = Field(
        description="Why a conditional item does not apply.")


ChecklistMark = ISODate | NotApplicable
ItemId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,64}$")]


FidelityAnswer = Literal["yes", "no", "partly"]
FIDELITY_ANSWERS: tuple[str, ...] = get_args(FidelityAnswer)
FormId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*/[0-9]+$")]
GoalRef = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,32}$")]
Rating = Annotated[int, Field(strict=True, ge=1, le=5)]
GoalProgress = Annotated[int, Field(strict=True, ge=0, le=10)]


class Documentation(Model):
    """A documentation point with its form's answers (p.17, p.20, p.22); the keys are the
    same in a `--form` answers file."""

    date: ISODate
    form: FormId | None = Field(default=None, description="The form and its version, e.g. "
                                "status/1.")
    domains: dict[Domain, Rating] = Field(default_factory=dict,
                                          description="Each life domain rated 1-5.")
    goals: dict[GoalRef, GoalProgress] = Field(default_factory=dict,
                                               description="Each active goal's progress 0-10.")
    own_view: Text | None = Field(default=None, description="The citizen's own view.")
    fidelity: dict[ItemId, FidelityAnswer] = Field(
        default_factory=dict, description="The worker's answers to the form's fidelity items.")


#: A bare date (older files, or a point recorded without a form) or a point with answers.
DocEntry = ISODate | Documentation


def doc_date(entry: date | Documentation) -> date:
    """The day a documentation point was recorded, whichever shape it has."""
    return entry if isinstance(entry, date) else entry.date


class Closed(Model):
    date: ISODate
    reason: CloseReason | None = None
    note: Text | None = None
    to_municipality: ShortText | None = Field(
        default=None, description="Where the citizen moved (reason moved_municipality).")
    handover_to: ShortText | None = Field(
        default=None, description="Who took over in the new municipality (p.7, p.22).")
    forced: ShortText | None = Field(
        default=None, description="Why the close was forced past the method (`--force`).")


class ForcedStep(Model):
    """A change the method would refuse, made with `--force --reason` (e.g. on a closed case)."""

    date: ISODate
    step: ShortText = Field(description="What was done, e.g. `tick closure.anchored`.")
    reason: ShortText


class Transfer(Model):
    date: ISODate
    from_: ShortText = Field(alias="from")
    to: ShortText
    reason: ShortText | None = None


class Case(Model):
    """One citizen's CTI course."""

    id: Annotated[str, StringConstraints(pattern=CASE_ID_PATTERN)]
    citizen: Citizen
    target_group: TargetGroup
    worker: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    municipality: ShortText | None = None
    transition: Transition
    phases: Annotated[list[Phase], Field(min_length=1)]
    contacts: list[Contact] = Field(default_factory=list)
    appointments: list[Appointment] = Field(default_factory=list)
    assessment: dict[Domain, DomainAssessment] = Field(default_factory=dict)
    goals: list[Goal] = Field(default_factory=list)
    plan: Text | None = None
    network: list[NetworkPerson] = Field(default_factory=list)
    handover: Handover | None = None
    checklists: dict[GateName, dict[ItemId, ChecklistMark]] = Field(default_factory=dict)
    documentation: dict[DocPoint, DocEntry] = Field(default_factory=dict)
    closed: Closed | None = None
    transfers: list[Transfer] = Field(default_factory=list)
    forced: list[ForcedStep] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _none_sections_are_empty(cls, data: Any) -> Any:
        """A person may leave `contacts:` empty; YAML reads that as null, meaning none yet."""
        if isinstance(data, dict):
            sections = ("contacts", "appointments", "goals", "network", "transfers",
                        "assessment", "checklists", "documentation", "forced")
            empty = [k for k in sections if k in data and data[k] is None]
            if empty:
                data = {k: v for k, v in data.items() if k not in empty}
        return data

    @property
    def phase(self) -> PhaseName:
        return self.phases[-1].name

    @property
    def is_open(self) -> bool:
        return self.phase != "closed"

    def phase_start(self, name: str) -> date | None:
        for p in self.phases:
            if p.name == name:
                return p.start
        return None

    def to_data(self) -> dict[str, Any]:
        """Plain data with the file's keys, as `show --json` prints it."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


def case_json_schema() -> dict[str, Any]:
    schema = Case.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://cti.example/schemas/case.schema.json"
    schema["title"] = "CTI case file"
    return schema


# --- trusted construction -----------------------------------------------------------------
# The cache holds `model_dump()` of cases that validated, keyed to unchanged files. Building
# them again with `model_construct` skips validation (measured: see BENCHMARKS.md); nested
# models must be built one by one, since model_construct does not recurse.


def _converter(annotation: Any) -> Callable[[Any], Any] | None:
    import types
    import typing

    from pydantic import BaseModel

    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _converter(args[0])
    if origin in (typing.Union, types.UnionType):
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        inner = [c for a in args if (c := _converter(a)) is not None and a not in models]
        if models:
            model = models[0]
            return lambda v: _construct(model, v) if isinstance(v, dict) else v
        return inner[0] if len(inner) == 1 else None
    if origin is list:
        item = _converter(args[0])
        return (lambda v: [item(x) for x in v]) if item else None
    if origin is dict:
        value = _converter(args[1])
        return (lambda v: {k: value(x) for k, x in v.items()}) if value else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return lambda v: _construct(annotation, v)
    return None


_PLANS: dict[type, dict[str, Callable[[Any], Any] | None]] = {}
_DEFAULTS: dict[type, tuple[tuple[str, Callable[[], Any]], ...]] = {}
_IMMUTABLE = (str, int, float, bool, type(None), tuple, frozenset, date)


def _defaults(model: Any) -> tuple[tuple[str, Callable[[], Any]], ...]:
    """How to make each field's default, worked out once per model.

    `model_construct` fills a missing field with `FieldInfo.get_default`, which in pydantic
    2.12+ looks up every default factory's signature (`inspect.signature`, which parses
    source): ~10 µs a field and object, the cost of a whole case in a report. Filling them
    here keeps trusted construction linear and cheap.
    """
    import copy

    made = []
    for name, field in model.model_fields.items():
        if field.default_factory is not None:
            if field.default_factory not in (list, dict, set, tuple):
                continue  # a factory that may want the validated data: pydantic's business
            made.append((name, field.default_factory))
        elif not field.is_required():
            value = field.default
            made.append((name, (lambda v=value: v) if isinstance(value, _IMMUTABLE)
                         else (lambda v=value: copy.deepcopy(v))))
    return tuple(made)


def _construct(model: Any, data: dict[str, Any]) -> Any:
    plan = _PLANS.get(model)
    if plan is None:
        plan = _PLANS[model] = {n: _converter(f.annotation)
                                for n, f in model.model_fields.items()}
        _DEFAULTS[model] = _defaults(model)
    values = {}
    for key, value in data.items():
        conv = plan[key]
        values[key] = conv(value) if conv is not None and value is not None else value
    for name, make in _DEFAULTS[model]:
        if name not in values:
            values[name] = make()
    return model.model_construct(_fields_set=set(data), **values)


def construct_case(data: dict[str, Any]) -> Case:
    """A `Case` from the `model_dump()` of a case that validated; trusts the data."""
    return _construct(Case, data)  # type: ignore[no-any-return]
