"""`cti fidelity`: how faithfully the team works the method, from its case files.

Reads whole cases through the folder scan (issue 14 may give reports slimmer per-case
records); the computing is `core/fidelity.py`.
"""

from __future__ import annotations

import re
import sys
from datetime import date, timedelta
from pathlib import Path

from cti_cli.commands.context import Ctx, parse_date, progress_bar
from cti_cli.commands.progress import picture_target
from cti_cli.core.errors import CtiError, UsageError
from cti_cli.core.formats import show_date, show_number
from cti_cli.core.model import Case
from cti_cli.core.safetext import json_text, shown
from cti_cli.locale import N_, _, ngettext


def load_cases(ctx: Ctx, command: str) -> list[Case]:
    """Every valid case of the folder; an unreadable one is named on stderr and left out."""
    from cti_cli.storage import scan

    folder = ctx.folder()
    cases, unreadable = scan.whole_cases(scan.load_all(folder, progress=progress_bar))
    for path in unreadable:
        said = _("{path} cannot be read, so it is left out: run `cti check`").format(
            path=folder.rel(path))
        print(shown(f"cti {command}: {said}"), file=sys.stderr)
    return cases


def period(since: str | None, until: str | None, today: date) -> tuple[date, date]:
    """The period a report covers: by default the year up to the report's day."""
    end = parse_date(until, "--until", default=today)
    start = parse_date(since, "--since", default=end - timedelta(days=365))
    if start > end:
        raise UsageError(_("--since {start} is after --until {end}").format(start=start,
                                                                          end=end))
    return start, end


def _label(method: object, ind_id: str, lang: str) -> str:
    from cti_cli.core.fidelity import FORM_PREFIX
    from cti_cli.core.method import Method

    assert isinstance(method, Method)
    if ind_id.startswith(FORM_PREFIX):
        item = ind_id.removeprefix(FORM_PREFIX)
        for form in method.forms:
            for it in form.fidelity:
                if it.id == item:
                    return _("Form: {text}").format(text=method.text(it, lang))  # type: ignore[arg-type]
        return ind_id
    spec = method.fidelity.get(ind_id)
    return method.text(spec, lang) if spec is not None else ind_id  # type: ignore[arg-type]


def _show(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, list):
        return "/".join(_show(v) for v in value) or "–"
    if isinstance(value, float):
        return show_number(value)
    return str(value)


# the targets are written in core as compact English (the JSON keeps them as they are); a
# human screen shows them in the team's language
_TARGETS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?P<m>\d+)m ± (?P<d>\d+)d each"), N_("{m} mo. ± {d} d each")),
    (re.compile(r"(?P<m>\d+)m ± (?P<d>\d+)d"), N_("{m} mo. ± {d} d")),
    (re.compile(r"≤ (?P<n>[\d.]+)/FTE"), N_("≤ {n} per FTE")),
    (re.compile(r"≤ (?P<d>\d+)d \+ form"), N_("≤ {d} d + form")),
    (re.compile(r"≤ end − (?P<m>\d+)m"), N_("≤ end − {m} mo.")),
    (re.compile(r"yes"), N_("yes")),
)


def _target(target: str) -> str:
    """A core target in the team's language (unknown forms are shown as they are)."""
    for pattern, msgid in _TARGETS:
        m = pattern.fullmatch(target)
        if m:
            return _(msgid).format(**m.groupdict())
    return target


def _page(page: str) -> str:
    """The manual's page reference ("p.5-20") as the team's language writes it."""
    return _("p.{pages}").format(pages=page.removeprefix("p.")) if page.startswith("p.") \
        else page


def fidelity(ctx: Ctx, ref: str | None, *, since: str | None, until: str | None,
             worker: str | None, day: str | None, as_json: bool, png: Path | None,
             svg: Path | None) -> int:
    from cti_cli.core import fidelity as core
    from cti_cli.core.method import MethodError, load_method
    from cti_cli.storage import store

    target = picture_target(png, svg)
    if as_json and target is not None:
        raise UsageError(_("--json and a picture cannot be combined"), hint=_("choose one"))
    folder = ctx.folder()
    today = parse_date(day)
    start, end = period(since, until, today)
    config = folder.config
    if worker is not None and config.workers and worker not in config.workers:
        raise UsageError(_("worker '{worker}' is not in cti.toml").format(worker=worker),
                         hint=_("known workers: {names}").format(
                             names=", ".join(sorted(config.workers))))
    try:
        method = load_method(folder.root / "method.yaml")
    except MethodError as exc:
        raise CtiError(str(exc), hint=_("fix the team's method.yaml")) from None
    cases = load_cases(ctx, "fidelity")
    only: str | None = None
    if ref is not None:
        only = store.case_path(folder, ref).stem
    fte = {w: getattr(spec, "fte", 1.0) for w, spec in config.workers.items()}
    result = core.report(cases, method, since=start, until=end, today=today,
                         course_months=config.team.course_months,
                         caseload_per_fte=config.team.caseload_per_fte, fte=fte, worker=worker)
    if only is not None:
        chosen = tuple(c for c in result.cases if c.case == only)
        if not chosen:
            raise CtiError(_("case {case} did not run between {start} and {end}").format(
                case=only, start=start, end=end),
                           hint=_("widen the period with --since/--until"))
        result = core.Report(result.since, result.until, result.made, chosen,
                             core.team_rows(chosen))
    lang = config.team.language
    if as_json:
        print(json_text(result.to_json()))
        return 0
    if target is not None:
        from cti_cli.render.pictures import share_bars

        rows = [t for t in result.team if t.cases]
        try:
            share_bars(_("{team} · fidelity {since} – {until}").format(
                team=config.team.name, since=show_date(start), until=show_date(end)),
                       [_label(method, t.id, lang) for t in rows],
                       [t.share_met for t in rows],
                       _("share of courses where it is met (%)"), target[0], target[1])
        except OSError as exc:
            raise CtiError(_("could not write {path}: {reason}").format(
                path=target[0], reason=exc.strerror)) from None
        return 0
    from cti_cli.render import terminal as render

    def met(v: bool | None) -> str:
        return "–" if v is None else _("yes") if v else _("no")

    if only is not None:
        case = result.cases[0]
        head = _("fidelity {since} – {until}").format(since=show_date(start),
                                                      until=show_date(end))
        case_cols = (_("indicator"), _("value"), _("target"), _("met"), _("page"))
        render.print_table(f"{case.case} · {head}", case_cols,
                           [(_label(method, v.id, lang), _show(v.value), _target(v.target),
                             met(v.met), _page(v.page)) for v in case.indicators])
        return 0
    n = len(result.cases)
    cols = (_("indicator"), _("team"), _("target"), _("met"), _("courses"), _("page"))
    title = ngettext("{team} · fidelity {since} – {until} ({n} course)",
                     "{team} · fidelity {since} – {until} ({n} courses)", n).format(
        team=config.team.name, since=show_date(start), until=show_date(end), n=n)
    render.print_table(title, cols,
                       [(_label(method, t.id, lang), _show(t.value), _target(t.target),
                         "–" if t.share_met is None else f"{t.share_met:.0%}", t.cases,
                         _page(next((v.page for v in result.cases[0].indicators
                                     if v.id == t.id), "")))
                        for t in result.team], justify_right=cols[3:5])
    from cti_cli.render.layout import Col

    render.line()
    # the indicators' words are long: a table wraps them at the screen's width
    render.print_table(_("Not met, per course"),
                       (Col(_("case")), Col(_("worker")), Col(_("not met"), wrap=True,
                                                              min_width=20)),
                       [(c.case, c.worker,
                         "; ".join(_label(method, v.id, lang) for v in c.indicators
                                   if v.met is False) or _("all met or not yet decided"))
                        for c in result.cases])
    return 0
