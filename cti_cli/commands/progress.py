"""`cti progress`: the citizen's development across the documentation points."""

from __future__ import annotations

from pathlib import Path

from cti_cli.commands.context import Ctx
from cti_cli.core.errors import CtiError, UsageError
from cti_cli.core.forms import progress as build
from cti_cli.core.method import load_method
from cti_cli.core.safetext import shown
from cti_cli.locale import _
from cti_cli.storage import store


def picture_target(png: Path | None, svg: Path | None) -> tuple[Path, str] | None:
    """The one picture file asked for, and its format."""
    if png is not None and svg is not None:
        raise UsageError(_("give --png or --svg, not both"))
    if png is None and svg is None:
        return None
    path, fmt = (png, "png") if png is not None else (svg, "svg")
    assert path is not None
    if path.is_dir():
        raise UsageError(_("--{fmt} {path} is a folder").format(fmt=fmt, path=path),
                         hint=_("name a file, e.g. {example}").format(
                             example=f"{path}/picture.{fmt}"))
    if not path.parent.resolve().is_dir():
        raise UsageError(_("--{fmt} {path}: the folder {folder} does not exist").format(
            fmt=fmt, path=path, folder=path.parent))
    return path, fmt


def progress(ctx: Ctx, ref: str, *, png: Path | None, svg: Path | None) -> int:
    target = picture_target(png, svg)
    folder = ctx.folder()
    path = store.case_path(folder, ref)
    method = load_method(folder.root / "method.yaml")
    lang = folder.config.team.language
    case = store.read_case(path).case
    data = build(method, case, lang)
    from cti_cli.render.development import chart_lines

    if not data.points:
        raise CtiError(_("{case}: no documentation point with a form yet").format(case=case.id),
                       hint=_("fill in the form with `cti document {case} start`").format(
                           case=case.id))
    if target is None:
        for line in chart_lines(data):
            print(shown(line))
        return 0
    from cti_cli.render.pictures import progress_picture

    try:
        progress_picture(data, target[0], target[1])
    except OSError as exc:
        raise CtiError(_("could not write {path}: {reason}").format(
            path=target[0], reason=exc.strerror)) from None
    return 0
