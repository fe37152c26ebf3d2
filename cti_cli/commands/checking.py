"""`cti check`: syntax, schema, consistency and method rules over case files.

hledger's lesson: every finding at once, quiet when all is well, `path:line:col: CODE msg`.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from cti_cli.commands.context import Ctx
from cti_cli.core.errors import UsageError
from cti_cli.core.findings import MAX_FINDINGS, Finding, not_shown
from cti_cli.core.rules import RuleContext, first_issues
from cti_cli.core.safetext import json_text, shown
from cti_cli.core.settings import TeamConfig
from cti_cli.locale import _, ngettext
from cti_cli.storage.config import CONFIG_NAME, load_config
from cti_cli.storage.scan import Entry, load_entry
from cti_cli.storage.store import display_path, find_root, iter_case_paths, misnamed_case_paths


def _folder_config(start: Path, cache: dict[Path, tuple[Path | None, TeamConfig | None]]
                   ) -> tuple[Path | None, TeamConfig | None]:
    """The folder and settings a file's directory belongs to, looked up once per directory."""
    if start not in cache:
        root = find_root(start)
        if root is None:
            cache[start] = (None, None)
        else:
            known = cache.get(root)
            cache[start] = cache[root] = known or (root, load_config(root / CONFIG_NAME))
    return cache[start]


def rule_findings(entry: Entry, config: TeamConfig | None, today: date,
                  root: Path | None) -> list[Finding]:
    """The method and consistency rules of one valid case, placed on lines of its file."""
    assert entry.case is not None and entry.text is not None
    from cti_cli.core.method import load_method
    from cti_cli.storage.store import parse_text

    method = load_method(root / "method.yaml" if root else None)
    ctx = RuleContext(
        case=entry.case,
        today=today,
        workers=frozenset(config.workers) if config else frozenset(),
        course_months=config.team.course_months if config else 9,
        method=method,
        extra={"config": config},
    )
    issues, more = first_issues(ctx, MAX_FINDINGS)
    shown = entry.findings[0].path if entry.findings else display_path(entry.path)
    if entry.case.id != entry.path.stem:
        from cti_cli.core.rules import Issue

        issues.insert(0, Issue(("id",), "E201", "error",
                               _("id '{id}' does not match the file name '{name}'").format(
                                   id=entry.case.id, name=entry.path.name),
                               _("rename the file to {name} or fix the id").format(
                                   name=f"{entry.case.id}.yaml")))
    if not issues:
        return []
    parsed = entry.parsed  # the tree kept from the one parse (load_entry(keep_tree=True))
    if parsed is None or (parsed.tree is None and not parsed.value_pos):
        parsed, _errors = parse_text(entry.text, shown, keep_tree=True)
    assert parsed is not None
    found = []
    for issue in issues:
        line, col = parsed.position(issue.loc)
        found.append(Finding(shown, line, col, issue.code, issue.severity, issue.message,
                             issue.hint))
    if more:
        found.append(not_shown(found[-1], more))
    return found


def _collect_serial(paths: list[Path], today: date) -> list[Finding]:
    cache: dict[Path, tuple[Path | None, TeamConfig | None]] = {}
    findings: list[Finding] = []
    import gc

    gc_was = gc.isenabled()
    gc.disable()  # each file's nodes and values are freed by reference counting
    try:
        for path in paths:
            shown = display_path(path)
            entry = load_entry(path, shown=shown, keep_tree=True)
            findings.extend(entry.findings)
            if entry.case is not None:
                root, config = _folder_config(path.parent, cache)
                findings.extend(rule_findings(entry, config, today, root))
    finally:
        if gc_was:
            gc.enable()
    return findings


def _collect_batch(job: tuple[list[Path], date]) -> list[Finding]:
    """Worker side of the parallel check: findings (plain data) cross the process line."""
    return _collect_serial(*job)


def collect(paths: list[Path], today: date) -> list[Finding]:
    """Every finding of the files, in their order; many files are checked in the cold
    read's process pool (each file parsed once, in one worker)."""
    import os

    from cti_cli.storage.scan import PARALLEL_MIN

    workers = min(os.cpu_count() or 1, 4)
    if len(paths) < PARALLEL_MIN or workers < 2 or os.name != "posix":
        return _collect_serial(paths, today)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = max(50, len(paths) // (workers * 8))
    jobs = [(paths[i:i + size], today) for i in range(0, len(paths), size)]
    findings: list[Finding] = []
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        for done in pool.map(_collect_batch, jobs):
            findings.extend(done)
    return findings


def expand(ctx: Ctx, args: list[Path]) -> list[Path]:
    if not args:
        return iter_case_paths(ctx.folder())
    out: list[Path] = []
    for arg in args:
        if arg.is_dir():
            cases = arg / "cases" if (arg / CONFIG_NAME).is_file() else arg
            out.extend(sorted(p for p in cases.glob("*.yaml") if not p.name.startswith(".")))
        elif arg.exists() or arg.is_symlink():
            out.append(arg)  # a symlink out of the folder is reported, not followed
        else:
            raise UsageError(_("{path}: no such file or folder").format(path=arg),
                             hint=_("name case files or folders, or nothing for every case"))
    return out


def misnamed(ctx: Ctx) -> list[Finding]:
    """E209: a case file ending in .yml/.YAML would be skipped by every command."""
    return [Finding(display_path(p), 0, 0, "E209", "error",
                    _("the file name does not end in .yaml: cti does not read this file"),
                    _("rename it to {name}").format(name=p.with_suffix(".yaml").name))
            for p in misnamed_case_paths(ctx.folder())]


def check(ctx: Ctx, args: list[Path], *, as_json: bool, strict: bool, today: date) -> int:
    findings = collect(expand(ctx, args), today)
    if not args:
        findings = misnamed(ctx) + findings
    if not as_json:
        findings = [f for f in findings if f.severity != "info"]
    if as_json:
        print(json_text([f.to_json() for f in findings]))
    else:
        for f in findings:
            sys.stdout.write(shown(f.format()) + "\n")
            if f.hint:
                sys.stdout.write(shown("  " + _("hint: {hint}").format(hint=f.hint)) + "\n")
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    if (errors or warnings) and not as_json:
        # TRANSLATORS: the two counts of `cti check`'s last line, joined by ", "
        counts = (ngettext("{n} error", "{n} errors", errors).format(n=errors),
                  ngettext("{n} warning", "{n} warnings", warnings).format(n=warnings))
        sys.stderr.write(_("{errors}, {warnings}").format(errors=counts[0],
                                                         warnings=counts[1]) + "\n")
    return 1 if errors or (strict and warnings) else 0
