"""The everyday verbs on one case: new, log, show, list."""

from __future__ import annotations

import difflib
from datetime import date
from typing import TYPE_CHECKING, Any

from cti_cli.commands.context import Ctx, parse_date, progress_bar
from cti_cli.commands.record import record
from cti_cli.core.errors import CtiError, UsageError
from cti_cli.core.formats import show_date
from cti_cli.core.labels import label, resolve
from cti_cli.core.safetext import json_text
from cti_cli.locale import _, ngettext, pgettext
from cti_cli.storage import append, edit, store

if TYPE_CHECKING:  # the model loads where a command validates, not for `list`
    from cti_cli.core.entries import CaseHead
    from cti_cli.core.facts import CaseFacts


def _choice(value: str, choices: tuple[str, ...], option: str) -> str:
    if value in choices:
        return value
    close = difflib.get_close_matches(value, choices, n=1)
    hint = f"did you mean '{close[0]}'?" if close else f"one of: {', '.join(choices)}"
    raise UsageError(f"{option} {value!r} is not allowed", hint=hint)


def _refuse_personal_id(case_id: str) -> None:
    """A case id reaches file names, commit messages and mail: never a CPR number or a name.

    The documented forms: `YYYY-NNN` (what cti gives) or a short code of lowercase letters
    and digits (`c1`, `late`); see README, "Untrusted input".
    """
    from cti_cli.core.privacy import has_cpr, looks_like_name

    hint = _("leave out --id to get the next YYYY-NNN id, or use a code such as 2026-004")
    if has_cpr(case_id) or has_cpr(case_id.replace("_", "-")):
        raise UsageError(_("--id looks like a CPR number: a case id must not identify the "
                           "citizen"), hint=hint)
    if looks_like_name(case_id):
        raise UsageError(_("--id looks like a person's name: a case id must not identify the "
                           "citizen"), hint=hint)


def new(ctx: Ctx, *, initials: str, worker: str, group: str, transition_date: str,
        transition: str | None, name: str | None, case_id: str | None, day: str | None,
        municipality: str | None = None) -> int:
    from cti_cli.core.model import TARGET_GROUPS, TRANSITION_KINDS

    folder = ctx.folder()
    start = parse_date(day)
    moved = parse_date(transition_date, "--transition-date")
    group = resolve("target_group", group, option="--group", allowed=TARGET_GROUPS)
    if transition is None:
        from cti_cli.core.method import load_method

        profile = load_method(folder.root / "method.yaml").target_groups.get(group)
        transition = profile.transition if profile else "move_in"
    transition = resolve("transition", transition, option="--transition",
                         allowed=TRANSITION_KINDS)
    if folder.config.workers and worker not in folder.config.workers:
        raise CtiError(_("worker '{worker}' is not in cti.toml").format(worker=worker),
                       hint=_("known workers: {names}").format(
                           names=", ".join(sorted(folder.config.workers))))
    if case_id is not None:
        _refuse_personal_id(case_id)
    case_id = case_id or store.next_id(folder, start.year)
    citizen: dict[str, Any] = {"initials": initials}
    if name:
        citizen["name"] = name
    data: dict[str, Any] = {"id": case_id, "citizen": citizen, "target_group": group,
                            "worker": worker}
    if municipality:
        data["municipality"] = municipality
    data["transition"] = {"kind": transition, "date": moved}
    data["phases"] = [{"name": "contact", "start": start}]
    path = edit.create_case(folder, case_id, data)
    record(ctx, folder, path, action="new", subject=f"{case_id}: new case ({group})",
           trailers={"Phase": "contact"})
    print(case_id)
    return 0


def log(ctx: Ctx, ref: str, note: str, *, kind: str, minutes: int | None,
        with_: list[str] | None, place: str | None, day: str | None) -> int:
    from cti_cli.core.entries import CONTACT_KINDS  # the model's, without pydantic

    if not note.strip():
        raise UsageError(_("a contact needs a note"),
                         hint=_('e.g. cti log CASE "Telefon om budget"'))
    folder = ctx.folder()
    when = parse_date(day)
    kind = resolve("contact_kind", kind, option="--kind", allowed=CONTACT_KINDS)
    if when > date.today():
        raise UsageError(_("--date {day} is in the future: the log records what happened")
                         .format(day=when), hint=_("plan a meeting with `cti appointment`"))
    if minutes is not None and not 0 <= minutes <= 24 * 60:
        raise UsageError(_("--minutes must be between 0 and 1440"))
    path = store.case_path(folder, ref)
    entry: dict[str, Any] = {"id": append.new_entry_id(), "date": when, "kind": kind}
    if minutes is not None:
        entry["minutes"] = minutes
    entry["with"] = list(with_ or ["citizen"])
    if place:
        entry["place"] = place
    entry["note"] = note
    case = append.append_entry(folder, path, "contacts", entry, check=_contact_in_course)
    record(ctx, folder, path, action="log",
           subject=f"{case.id}: log {kind} {when.isoformat()}", trailers={"Phase": case.phase})
    return 0


def _contact_in_course(case: CaseHead, entry: dict[str, Any]) -> None:
    start = case.phases[0].start
    if entry["date"] < start:
        raise UsageError(_("the contact date {day} is before the case began ({start})")
                         .format(day=entry["date"], start=start), hint=_("check --date"))
    if case.closed is not None and entry["date"] > case.closed.date:
        raise CtiError(_("case {case} was closed on {day}").format(case=case.id,
                                                                  day=case.closed.date),
                       hint=_("a closed course takes no new contacts"))


def show(ctx: Ctx, ref: str, *, as_json: bool, day: str | None = None) -> int:
    folder = ctx.folder()
    loaded = store.read_case(store.case_path(folder, ref))
    if as_json:
        print(json_text(loaded.case.to_data()))
        return 0
    from cti_cli.commands.views import render_case

    render_case(folder, loaded.case, parse_date(day))
    return 0


# rich lays out 1,000 rows in ~0.5 s: a municipality's archive of closed cases is printed as
# plain aligned columns instead, which costs milliseconds
PLAIN_ROWS = 300


def list_cases(ctx: Ctx, *, worker: str | None, phase: str | None, as_json: bool,
               open_only: bool = False) -> int:
    """Every case, one row each; `open_only` for the courses still running."""
    folder = ctx.folder()
    # records only: a cached folder is listed without parsing or building a model
    from cti_cli.storage import scan

    entries = scan.load_all(folder, progress=progress_bar)
    bad = [e for e in entries if e.facts is None]
    rows = [_row(e.facts) for e in entries if e.facts is not None]
    if worker:
        rows = [r for r in rows if r["worker"] == worker]
    if phase:
        phase = resolve("phase", phase, option="--phase")
        rows = [r for r in rows if r["phase"] == phase]
    if open_only:
        rows = [r for r in rows if r["phase"] != "closed"]
    title = ngettext("{team}: {n} case", "{team}: {n} cases", len(rows)).format(
        team=folder.config.team.name, n=len(rows))
    contacts = pgettext("column", "contacts")
    columns = [pgettext("column", "case"), pgettext("column", "initials"),
               pgettext("column", "worker"), pgettext("column", "group"),
               pgettext("column", "phase"), pgettext("column", "since"), contacts,
               pgettext("column", "last contact")]
    cells = [[r["id"], r["initials"], r["worker"], label("target_group", r["target_group"]),
              label("phase", r["phase"]), show_date(date.fromisoformat(r["phase_start"])),
              r["contacts"],
              show_date(date.fromisoformat(r["last_contact"])) if r["last_contact"] else "-"]
             for r in rows]
    if as_json:
        print(json_text(rows))
    else:
        from cti_cli.render import layout

        # a narrow screen leaves out the counts and dates first, never the case or its phase
        drop = {"contacts": 6, "since": 5, "group": 4, "worker": 3, "last contact": 2,
                "initials": 1}
        ids = ("case", "initials", "worker", "group", "phase", "since", "contacts",
               "last contact")  # the columns' ids; the headers are in the team's language
        fitted = [layout.Col(h, drop=drop.get(c, 0), wrap=c == "group", min_width=8,
                             justify="right" if c == "contacts" else "left")
                  for c, h in zip(ids, columns, strict=True)]
        if len(rows) > PLAIN_ROWS:  # a long list needs no rich: plain columns
            from cti_cli.render import plain

            keep, _caps = layout.fit(fitted, cells, layout.width(), plain=True)
            plain.write(layout.plain_lines(title, fitted, keep, cells)
                        + layout.note_lines(fitted, keep))
        else:
            from cti_cli.render import terminal as render

            if rows:
                render.print_table(title, fitted, cells)
            else:
                render.line(_("no cases"))
    if bad:
        from cti_cli.render import terminal as render

        render.warn(ngettext("{n} case file could not be read: run `cti check`",
                             "{n} case files could not be read: run `cti check`",
                             len(bad)).format(n=len(bad)))
    return 0


def _row(facts: CaseFacts) -> dict[str, Any]:
    last = facts.last_contact
    return {
        "id": facts.id,
        "initials": facts.initials,
        "worker": facts.worker,
        "target_group": facts.target_group,
        "phase": facts.phase,
        "phase_start": facts.phase_started.isoformat(),
        "transition_date": facts.transition_date.isoformat(),
        "contacts": facts.contacts,
        "last_contact": last.isoformat() if last else None,
    }
