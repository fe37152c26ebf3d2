"""`cti calendar`: appointments and deadlines as an iCalendar file for the worker's calendar."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from cti_cli.commands.context import Ctx, parse_date, progress_bar
from cti_cli.core.errors import CtiError, UsageError
from cti_cli.core.safetext import shown
from cti_cli.locale import _

DEFAULT_WITHIN = 366


def calendar(ctx: Ctx, *, worker: str | None, out: Path | None, within: int | None,
             day: str | None) -> int:
    """Build the events, advance their stamps against the last run, write the file."""
    from cti_cli.core.agenda import agenda
    from cti_cli.core.method import MethodError, load_method
    from cti_cli.render.calendar import Stamp, stamp, to_ics
    from cti_cli.storage import atomic, calstate, scan

    folder = ctx.folder()
    today = parse_date(day)
    days = DEFAULT_WITHIN if within is None else within
    if days < 0:
        raise UsageError(_("--within {days}: the horizon cannot be negative").format(
            days=days))
    config = folder.config
    if worker is not None and config.workers and worker not in config.workers:
        raise UsageError(_("worker '{worker}' is not in cti.toml").format(worker=worker),
                         hint=_("known workers: {names}").format(
                             names=", ".join(sorted(config.workers))))
    try:
        method = load_method(folder.root / "method.yaml")
    except MethodError as exc:
        raise CtiError(str(exc), hint=_("fix the team's method.yaml")) from None
    entries = scan.load_all(folder, open_only=True, as_of=today, progress=progress_bar)
    # Appointments' times (and, if the team allows, places and notes) are in the whole case:
    # the open cases are read in full (a cached report record holds only dates).
    cases, unreadable = scan.whole_cases(entries)
    for path in unreadable:
        print("cti calendar: " + _("{path} cannot be read, so it is left out of the "
                                   "calendar: run `cti check`").format(
            path=shown(folder.rel(path))), file=sys.stderr)
    events = agenda(cases, today, config=config, method=method, within=days, worker=worker)
    team = config.team.name
    title = _("{team}: appointments and deadlines").format(team=team)
    if worker is not None:
        title += f" ({worker})"
    with calstate.locked(folder.state_dir):
        previous = {}
        for key, raw in calstate.load(folder.state_dir).items():
            try:
                previous[key] = Stamp.from_json(raw)
            except (KeyError, TypeError, ValueError):
                continue  # one damaged entry restarts that event's sequence, nothing more
        stamps = stamp(events, team, previous, datetime.now(UTC))
        data = to_ics(events, stamps, team=team, title=title)
        if out is None:
            sys.stdout.write(data.decode("utf-8"))
            sys.stdout.flush()
        else:
            if out.is_dir():
                raise UsageError(_("--out {path}: is a folder").format(path=out),
                                 hint=_("name a file, e.g. {example}").format(
                                     example="anna.ics"))
            try:
                # An existing file keeps its mode (the publisher may have opened it to a web
                # server); a new one is the owner's only, like every file cti writes.
                mode = out.stat().st_mode & 0o777 if out.exists() else 0o600
                atomic.replace(out, data, mode=mode)
            except OSError as exc:
                raise CtiError(_("cannot write {path}: {reason}").format(
                    path=out, reason=exc.strerror),
                    hint=_("check that the folder exists and is writable")) from None
        calstate.save(folder.state_dir, {k: s.to_json() for k, s in stamps.items()})
    return 0
