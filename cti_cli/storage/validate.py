"""From parsed YAML to a validated `Case`, or to findings that point into the file.

pydantic's errors carry a location (`contacts.3.date`); the parser's position map turns it
into a line and column. Input values never appear in messages (GDPR art. 9).
"""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from cti_cli.core.findings import MAX_FINDINGS, Finding, not_shown
from cti_cli.core.model import Case
from cti_cli.locale import _
from cti_cli.storage.yamlread import Parsed

__all__ = ["MAX_FINDINGS", "clean_loc", "validate", "validate_model"]


def _unwrap(annotation: Any) -> Any:
    """The model class a field holds, through Optional, list, dict and Annotated."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _unwrap(arg)
            if isinstance(found, type) and issubclass(found, BaseModel):
                return found
        return None
    if origin in (list, dict):
        return _unwrap(typing.get_args(annotation)[-1])
    return annotation


def _model_at(loc: tuple[Any, ...], root: type[BaseModel] = Case) -> type[BaseModel] | None:
    model: Any = root
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        field = next((f for n, f in model.model_fields.items()
                      if (f.alias or n) == part), None)
        if field is None:
            # dict keys (a domain, a gate) keep the same value model
            continue
        model = _unwrap(field.annotation)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _allowed_keys(loc: tuple[Any, ...], root: type[BaseModel] = Case) -> list[str]:
    model = _model_at(loc, root)
    if model is None:
        return []
    return [f.alias or n for n, f in model.model_fields.items()]


def _is_label(part: Any) -> bool:
    return isinstance(part, str) and (
        "[" in part or part[:1].isupper() or part in ("bool", "int", "str"))


def clean_loc(loc: Any, data: Any = None) -> tuple[Any, ...]:
    """Drop pydantic's union-member labels (`function-before[...]`, `bool`, `NotApplicable`):
    they are not keys of the file.

    A part that is a key (or index) of the data at that place is kept whatever it looks
    like: `Plan:` or `ID:` in a file is a key, not a label, and the message must name it.
    """
    kept: list[Any] = []
    here = data
    for part in loc:
        in_list = isinstance(here, list) and isinstance(part, int) and 0 <= part < len(here)
        if (isinstance(here, dict) and part in here) or in_list:
            kept.append(part)
            here = here[part]
        elif not _is_label(part):
            kept.append(part)
            here = None
    return tuple(kept)


def _close_key(key: str, choices: list[str]) -> str | None:
    """The allowed key a typo most likely meant; `ID` and `Plan` mean `id` and `plan`."""
    same = [c for c in choices if c.lower() == key.lower()]
    if same:
        return same[0]
    close = difflib.get_close_matches(key.lower(), choices, n=1)
    return close[0] if close else None


def _message(err: Any, root: type[BaseModel] = Case,
             data: Any = None) -> tuple[str, str, str | None]:
    """(code, message, hint) for one pydantic error, without the input value."""
    kind = err["type"]
    loc = clean_loc(err["loc"], data)
    dotted = ".".join(str(p) for p in loc) or _("the file")
    msg = err["msg"].removeprefix("Value error, ")
    if kind == "extra_forbidden" and loc:
        key = str(loc[-1])
        choices = _allowed_keys(loc[:-1], root)
        close = _close_key(key, choices)
        hint = (_("did you mean '{id}'?").format(id=close) if close
                else _("allowed here: {keys}").format(keys=", ".join(choices)) if choices
                else None)
        if choices == ["na"]:
            hint = _('inside {{ }} a comma starts a new key: quote the reason, '
                     '{{na: "a, b"}}').format()
        return "E101", _("unknown key '{key}'").format(key=key), hint
    if kind == "missing" and loc:
        return ("E102", _("'{where}' is required but missing").format(where=dotted),
                _("add '{key}:' here").format(key=loc[-1]))
    if kind in ("literal_error", "enum"):
        expected = err.get("ctx", {}).get("expected", "")
        hint = _("use one of {values}").format(values=expected) if expected else None
        return "E103", _("{where}: not an allowed value").format(where=dotted), hint
    if kind == "string_pattern_mismatch":
        return ("E103", _("{where}: does not have the required form").format(where=dotted),
                _pattern_hint(loc))
    if kind == "model_type" or kind == "dict_type":
        return ("E103", _("{where}: expected a mapping (key: value lines)").format(where=dotted),
                None)
    if kind == "list_type":
        return "E103", _("{where}: expected a list ('- ' items)").format(where=dotted), None
    # TRANSLATORS: {problem} is pydantic's own English description of the value's problem
    return "E103", _("{where}: {problem}").format(where=dotted, problem=msg), None


def _pattern_hint(loc: tuple[Any, ...]) -> str | None:
    last = loc[-1] if loc else ""
    if last == "id" and len(loc) == 1:
        return _("a case id is letters, digits, '-' and '_' (e.g. 2026-004), at most 64")
    if last == "time":
        return _('write the time as "HH:MM", e.g. "09:30"')
    if last == "initials":
        return _("initials only: 1–6 letters, e.g. MK")
    return None


def validate(parsed: Parsed, path: str) -> tuple[Case | None, list[Finding]]:
    data = parsed.data
    if not isinstance(data, dict):
        message = (_("the case file is empty") if data is None
                   else _("the case file is a {type}, not a mapping").format(
                       type=type(data).__name__))
        return None, [Finding(path, 1, 1, "E100", "error", message,
                              _("a case file is a mapping with id, citizen, target_group, "
                                "worker, transition and phases: see `cti new`"))]
    return validate_model(Case, data, parsed, path)


M = typing.TypeVar("M", bound=BaseModel)


def validate_model(model: type[M], data: Any, parsed: Parsed,
                   path: str) -> tuple[M | None, list[Finding]]:
    """Any part of the file format (a case, a form's answers) with findings at their lines."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        findings: list[Finding] = []
        placed: list[tuple[int, int, int, Any]] = []
        errors = exc.errors(include_input=False, include_url=False)
        locs = [clean_loc(e["loc"], data) for e in errors]
        seen: set[tuple[Any, ...]] = set()
        # every proper prefix of a location: one pass, so N errors cost O(N), not O(N²)
        deeper = {loc[:k] for loc in locs for k in range(len(loc))}
        # `ID:` for `id:` is one mistake, not two: its "unknown key" finding says what to do
        miscased = {(*loc[:-1], str(loc[-1]).lower()) for e, loc in zip(errors, locs, strict=True)
                    if e["type"] == "extra_forbidden" and loc}
        for err, loc in zip(errors, locs, strict=True):
            if err["type"] == "missing" and loc and (*loc[:-1], str(loc[-1])) in miscased:
                continue
            if loc in deeper:
                continue  # a union's other member got further: its error is the useful one
            if loc in seen and err["type"] not in ("extra_forbidden", "missing"):
                continue  # one message per place
            seen.add(loc)
            on_key = err["type"] in ("extra_forbidden", "missing")
            line, col = parsed.position(loc if err["type"] != "missing" else loc[:-1],
                                        key=on_key)
            placed.append((line, col, len(placed), err))
        placed.sort(key=lambda p: p[:3])
        # words only for what is shown: the first MAX_FINDINGS, then a count
        for line, col, _n, err in placed[:MAX_FINDINGS]:
            code, message, hint = _message(err, model, data)
            findings.append(Finding(path, line, col, code, "error", message, hint))
        if len(placed) > MAX_FINDINGS:
            findings.append(not_shown(findings[-1], len(placed) - MAX_FINDINGS))
        return None, findings
