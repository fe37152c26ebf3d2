"""The citizen's development across the documentation points, as a small terminal chart.

Plain text (no rich): a row per life domain and goal, a column per recorded point, each value
with a bar that is as high as the value is far up its scale.
"""

from __future__ import annotations

from cti_cli.core.formats import show_date
from cti_cli.core.forms import Progress, Series
from cti_cli.core.labels import label
from cti_cli.locale import _

_BARS = " ▁▂▃▄▅▆▇█"

def words() -> dict[str, str]:
    """The chart's words in the run's language (the picture uses them too)."""
    return {"title": _("{case} · {initials} · development at the documentation points"),
            "domains": _("Life domains (1-5)"), "goals": _("Goals (0-10)"),
            "point": _("documentation point"), "rating": _("rating (1-5)"),
            "progress": _("progress (0-10)")}


def point_label(point: str) -> str:
    """A documentation point as a column or axis heading."""
    return label("documentation_point", point)


def _cell(series: Series, value: int | None, width: int) -> str:
    if value is None:
        return "·".center(width)
    share = (value - series.low) / (series.high - series.low) if series.high > series.low else 1
    bar = _BARS[max(1, round(share * (len(_BARS) - 1)))]
    return f"{value:>2} {bar}".ljust(width)


def chart_lines(progress: Progress) -> list[str]:
    """The chart as lines of at most 80 columns."""
    w = words()
    heads = [point_label(p) for p in progress.points]
    width = max([10, *map(len, heads)]) + 2
    label_w = min(28, max([len(w["domains"]), *(len(s.label) for s in progress.series)]))
    lines = [w["title"].format(case=progress.case_id, initials=progress.initials)]
    lines.append(" " * (label_w + 2) + "".join(h.ljust(width) for h in heads).rstrip())
    lines.append(" " * (label_w + 2) + "".join(show_date(d).ljust(width)
                                               for d in progress.dates).rstrip())
    for kind, head in (("domain", w["domains"]), ("goal", w["goals"])):
        rows = [s for s in progress.series if s.kind == kind]
        if not rows:
            continue
        lines.append(head)
        for s in rows:
            label = s.label if len(s.label) <= label_w else s.label[:label_w - 1] + "…"
            cells = "".join(_cell(s, v, width) for v in s.values)
            lines.append(f"  {label.ljust(label_w)}{cells}".rstrip())
    return lines
