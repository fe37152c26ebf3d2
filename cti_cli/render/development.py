"""The citizen's development across the documentation points, as a small terminal chart.

Plain text (no rich): a row per life domain and goal, a column per recorded point, each value
with a bar that is as high as the value is far up its scale.
"""

from __future__ import annotations

from cti_cli.core.forms import Progress, Series

_BARS = " ▁▂▃▄▅▆▇█"

POINT_LABELS: dict[str, dict[str, str]] = {
    "da": {"start": "start", "month3": "3 mdr.", "month6": "6 mdr.", "closure": "afslutning"},
    "en": {"start": "start", "month3": "3 months", "month6": "6 months", "closure": "closure"},
}
WORDS: dict[str, dict[str, str]] = {
    "da": {"title": "{case} · {initials} · udvikling ved dokumentationspunkterne",
           "domains": "Livsområder (1-5)", "goals": "Mål (0-10)", "none":
           "{case}: ingen dokumentationspunkter med skema endnu",
           "hint": "udfyld skemaet med `cti document {case} start`",
           "point": "dokumentationspunkt", "rating": "vurdering (1-5)",
           "progress": "fremskridt (0-10)"},
    "en": {"title": "{case} · {initials} · development at the documentation points",
           "domains": "Life domains (1-5)", "goals": "Goals (0-10)", "none":
           "{case}: no documentation point with a form yet",
           "hint": "fill in the form with `cti document {case} start`",
           "point": "documentation point", "rating": "rating (1-5)",
           "progress": "progress (0-10)"},
}


def _cell(series: Series, value: int | None, width: int) -> str:
    if value is None:
        return "·".center(width)
    share = (value - series.low) / (series.high - series.low) if series.high > series.low else 1
    bar = _BARS[max(1, round(share * (len(_BARS) - 1)))]
    return f"{value:>2} {bar}".ljust(width)


def chart_lines(progress: Progress, lang: str) -> list[str]:
    """The chart as lines of at most 80 columns."""
    words, labels = WORDS[lang], POINT_LABELS[lang]
    heads = [labels[p] for p in progress.points]
    width = max([10, *map(len, heads)]) + 2
    label_w = min(28, max([len(words["domains"]), *(len(s.label) for s in progress.series)]))
    lines = [words["title"].format(case=progress.case_id, initials=progress.initials)]
    lines.append(" " * (label_w + 2) + "".join(h.ljust(width) for h in heads).rstrip())
    lines.append(" " * (label_w + 2) + "".join(str(d).ljust(width)
                                               for d in progress.dates).rstrip())
    for kind, head in (("domain", words["domains"]), ("goal", words["goals"])):
        rows = [s for s in progress.series if s.kind == kind]
        if not rows:
            continue
        lines.append(head)
        for s in rows:
            label = s.label if len(s.label) <= label_w else s.label[:label_w - 1] + "…"
            cells = "".join(_cell(s, v, width) for v in s.values)
            lines.append(f"  {label.ljust(label_w)}{cells}".rstrip())
    return lines
