"""`cti document`: a documentation point with its form's answers (p.17, p.20, p.22).

On a terminal the form's questions are asked one by one, each with the last answer as its
default; `--form FILE` reads the answers from a YAML file with the stored keys and never
asks. Without either (a script), the point is recorded as a bare date, as before, and
`check` warns (W308) until the answers are added.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

from cti_cli.commands.context import Ctx, parse_date
from cti_cli.commands.record import record
from cti_cli.core import forms, safetext
from cti_cli.core.errors import CtiError, UsageError
from cti_cli.core.labels import label, resolve
from cti_cli.core.method import Form, Lang, Method, load_method
from cti_cli.core.model import DOC_POINTS, Case, Documentation, doc_date
from cti_cli.locale import N_, _, ngettext
from cti_cli.storage import edit, store

_ANSWERS = {"yes": N_("yes"), "no": N_("no"), "partly": N_("partly")}


def _past(day: str | None) -> date:
    when = parse_date(day)
    if when > date.today():
        raise UsageError(_("--date {day} is in the future: cti records what has happened")
                         .format(day=when))
    return when


def document(ctx: Ctx, ref: str, point: str, *, day: str | None,
             form_file: Path | None) -> int:
    point = resolve("documentation_point", point, option="POINT", allowed=DOC_POINTS)
    folder = ctx.folder()
    path = store.case_path(folder, ref)
    method = load_method(folder.root / "method.yaml")
    lang: Lang = folder.config.team.language
    case = store.read_case(path).case
    form = method.form_for(point)
    answers: Documentation | None = None
    before = case.documentation.get(point)  # type: ignore[call-overload]
    when = _past(day) if day is not None or before is None else doc_date(before)
    if when < case.phases[0].start:
        raise UsageError(_("--date {day} is before case {case} began ({start})").format(
            day=when, case=case.id, start=case.phases[0].start))
    if form_file is not None:
        if form is None:
            raise UsageError(_("the method has no form for the point {point}").format(
                point=point))
        answers = _from_file(method, form, case, form_file, when, day is not None)
    elif sys.stdin.isatty() and form is not None:
        answers = _ask(method, form, case, point, when, lang)
    elif before is not None:
        sys.stderr.write(_("{case}: {point} was already recorded on {day}").format(
            case=case.id, point=point, day=doc_date(before)) + "\n")
        return 0
    entry: Any = date.fromordinal(when.toordinal())
    if answers is not None:
        entry = _in_form_order(method, case, answers)
    with edit.editing(folder, path) as editor:
        editor.section("documentation", dict)[point] = edit.to_yaml(entry)
        editor.changed = True
    record(ctx, folder, path, action="document", subject=f"{case.id}: document {point}",
           trailers={"Phase": case.phase})
    if answers is not None and sys.stdin.isatty():
        print(_("{case}: {point} documented ({form})").format(
            case=case.id, point=label("documentation_point", point), form=answers.form))
    return 0


def _in_form_order(method: Method, case: Case, answers: Documentation) -> dict[str, Any]:
    """The stored mapping, keys in the order the form asks them (as a person reads it)."""
    data = answers.model_dump(mode="python", exclude_defaults=True)
    data["date"] = date.fromordinal(answers.date.toordinal())  # never an alias of another date
    order = {"domains": list(method.domains_for(case.target_group)),
             "goals": [g.id for g in case.goals],
             "fidelity": [it.id for f in method.forms if f.id == answers.form
                          for it in f.fidelity]}
    for key, keys in order.items():
        if key in data:
            data[key] = dict(sorted(data[key].items(), key=lambda kv: (
                keys.index(kv[0]) if kv[0] in keys else len(keys), kv[0])))
    return {k: data[k] for k in ("date", "form", "domains", "goals", "own_view", "fidelity")
            if k in data}


def _from_file(method: Method, form: Form, case: Case, file: Path, when: date,
               date_given: bool) -> Documentation:
    from cti_cli.storage.answers import fit_error, read_answers, validate_answers

    data, parsed, shown = read_answers(file)
    data = dict(data)
    data.setdefault("form", form.id)
    if date_given or "date" not in data:
        data["date"] = when
    answers = validate_answers(file, data, parsed, shown)
    if answers.date > date.today():
        raise UsageError(_("{file}: date {day} is in the future").format(file=shown,
                                                                       day=answers.date))
    if answers.form != form.id:
        try:
            form = method.form(answers.form or "")
        except KeyError as exc:
            raise fit_error(file, parsed, shown, [(("form",), str(exc.args[0]), None)]) from None
    problems = forms.fit_problems(method, form, case, answers)
    if problems:
        raise fit_error(file, parsed, shown, problems)
    return answers


def _ask(method: Method, form: Form, case: Case, point: str, when: date,
         lang: Lang) -> Documentation:
    """The form's questions on the terminal; the last answers are the defaults."""
    last = forms.last_answers(case, point)
    qs = forms.questions(method, form, case, lang)
    print(ngettext("{case} · {point} · {form} ({n} question). Press Enter to keep "
                   "[the answer]; '-' clears it.",
                   "{case} · {point} · {form} ({n} questions). Press Enter to keep "
                   "[the answer]; '-' clears it.", len(qs)).format(
        case=case.id, point=label("documentation_point", point), form=form.id, n=len(qs)))
    got: dict[str, Any] = {"date": when, "form": form.id, "domains": {}, "goals": {},
                           "fidelity": {}}
    section = {"domain": "domains", "goal": "goals", "fidelity": "fidelity"}
    for q in qs:
        if q.kind == "own_view":
            default: Any = last.get("own_view")
        else:
            default = last.get(section[q.kind], {}).get(q.key)
        print()
        print(safetext.shown(q.text))  # a team's method.yaml is a file like any other
        for step, anchor in q.anchors:
            print(safetext.shown(f"  {step}  {anchor}"))
        what = (_("yes / no / partly") if q.kind == "fidelity" else _("free text")
                if q.kind == "own_view" else f"{q.low}-{q.high}")
        shown = (_(_ANSWERS[default]) if isinstance(default, str) and default in _ANSWERS
                 else default)
        value: Any
        while True:
            prompt = f"[{shown}] > " if default is not None and q.kind != "own_view" else (
                f"({what}) [{_short(str(default))}] > " if default is not None else
                f"({what}) > ")
            try:
                text = input(prompt)
            except EOFError:
                raise CtiError(_("the form was not finished: nothing was saved"),
                               hint=_("run the command again, or give the answers with "
                                      "--form FILE")) from None
            if text.strip() == "-":
                value = None
            elif not text.strip():
                value = default
            else:
                try:
                    value = forms.parse_answer(q, text)
                except ValueError:
                    print("  " + _("answer with {what}").format(what=what))
                    continue
            break
        if value is None:
            continue
        if q.kind == "own_view":
            got["own_view"] = value
        else:
            got[section[q.kind]][q.key] = value
    return Documentation.model_validate({k: v for k, v in got.items() if v not in ({}, None)})


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:39] + "…"
