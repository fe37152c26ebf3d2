"""The label of every id a person sees or types: phases, target groups, reasons, points, kinds.

One table per kind of id, in English, marked for the catalogs with a context per kind
(`NP_("phase", …)`), so the translator sees "fase 1" and "fase 1" of a checklist apart.
`label` shows an id in the current language; `resolve` turns what a user typed (the id, the
English or the Danish label, or an unambiguous start of one, any case) back into the id.
Screens for people show labels; JSON output and the case files keep the ids.

Pure: no I/O beyond reading the catalogs through `cti_cli.locale`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Final, Literal

from cti_cli.core.errors import UsageError
from cti_cli.locale import (
    LANGUAGES,
    NP_,
    LazyText,
    _,
    pgettext,
    pgettext_in,
)

Kind = Literal["phase", "target_group", "transition", "contact_kind", "close_reason",
               "documentation_point", "due_kind", "checklist", "checklist_item",
               "goal_status"]

#: The gettext context of each kind; the catalogs hold one entry per (context, English label).
CONTEXTS: Final[Mapping[Kind, str]] = {
    "phase": "phase",
    "target_group": "target group",
    "transition": "transition",
    "contact_kind": "contact kind",
    "close_reason": "close reason",
    "documentation_point": "documentation point",
    "due_kind": "due kind",
    "checklist": "checklist",
    "checklist_item": "checklist item",
    "goal_status": "goal status",
}

_TABLES: Final[Mapping[Kind, Mapping[str, str]]] = {
    "phase": {
        "contact": NP_("phase", "contact period"),
        "phase1": NP_("phase", "phase 1"),
        "phase2": NP_("phase", "phase 2"),
        "phase3": NP_("phase", "phase 3"),
        "closed": NP_("phase", "closed"),
    },
    "target_group": {
        "homelessness": NP_("target group", "homelessness"),
        "psychiatric": NP_("target group", "psychiatric"),
        "crisis_centre": NP_("target group", "crisis centre"),
        "unemployed": NP_("target group", "unemployed"),
        "aftercare": NP_("target group", "aftercare"),
        "prostitution": NP_("target group", "prostitution"),
        "substance_use": NP_("target group", "substance use"),
        "prison_release": NP_("target group", "prison release"),
        "other": NP_("target group", "other group"),
    },
    "transition": {
        "move_in": NP_("transition", "move-in"),
        "job": NP_("transition", "job start"),
        "release": NP_("transition", "release"),
        "treatment": NP_("transition", "treatment"),
        "other": NP_("transition", "other transition"),
    },
    "contact_kind": {
        "meeting": NP_("contact kind", "meeting"),
        "phone": NP_("contact kind", "phone"),
        "sms": NP_("contact kind", "text message"),
        "email": NP_("contact kind", "email"),
        "video": NP_("contact kind", "video"),
        "other": NP_("contact kind", "other contact"),
    },
    "close_reason": {
        "completed": NP_("close reason", "completed"),
        "ended_early": NP_("close reason", "ended early"),
        "declined": NP_("close reason", "declined"),
        "moved_municipality": NP_("close reason", "moved municipality"),
        "other": NP_("close reason", "other reason"),
    },
    "documentation_point": {
        "start": NP_("documentation point", "start"),
        "month3": NP_("documentation point", "3 months"),
        "month6": NP_("documentation point", "6 months"),
        "closure": NP_("documentation point", "closure"),
    },
    "due_kind": {
        "phase_end": NP_("due kind", "phase ends"),
        "documentation": NP_("due kind", "documentation"),
        "handover_meeting": NP_("due kind", "handover meeting"),
        "checklist": NP_("due kind", "checklist"),
        "appointment": NP_("due kind", "appointment"),
        "no_contact": NP_("due kind", "no contact"),
        "contact_period": NP_("due kind", "contact period"),
        "caseload": NP_("due kind", "caseload"),
    },
    "checklist": {
        "contact": NP_("checklist", "contact period"),
        "phase1": NP_("checklist", "phase 1"),
        "phase2": NP_("checklist", "phase 2"),
        "closure": NP_("checklist", "closure"),
    },
    "checklist_item": {
        "contact_made": NP_("checklist item", "contact made"),
        "informed": NP_("checklist item", "informed"),
        "contact_agreement": NP_("checklist item", "contact agreement"),
        "economy": NP_("checklist item", "economy"),
        "needs_assessed": NP_("checklist item", "needs assessed"),
        "long_term_plan": NP_("checklist item", "long-term plan"),
        "network_started": NP_("checklist item", "network started"),
        "coordination": NP_("checklist item", "coordination"),
        "meetings_held": NP_("checklist item", "meetings held"),
        "local_offers": NP_("checklist item", "local offers"),
        "jobcentre": NP_("checklist item", "jobcentre"),
        "evaluated": NP_("checklist item", "evaluated"),
        "plan_adjusted": NP_("checklist item", "plan adjusted"),
        "network_in_place": NP_("checklist item", "network in place"),
        "handover_talks": NP_("checklist item", "handover talks"),
        "handover_plan": NP_("checklist item", "handover plan"),
        "anchored": NP_("checklist item", "responsibility anchored"),
    },
    "goal_status": {
        "open": NP_("goal status", "open"),
        "done": NP_("goal status", "done"),
        "achieved": NP_("goal status", "achieved"),
        "changed": NP_("goal status", "changed"),
        "dropped": NP_("goal status", "dropped"),
    },
}


def ids(kind: Kind) -> tuple[str, ...]:
    """The ids of a kind that have a label, in the order a person reads them."""
    return tuple(_TABLES[kind])


def label(kind: Kind, value: str, lang: str | None = None) -> str:
    """How `value` (an id of `kind`) is shown in the current language, or in `lang` (for
    texts whose language is chosen apart from the run's, such as a reminder's message).

    An id without a label (a team's own target group or checklist item from its
    method.yaml) is shown with spaces for underscores rather than failing a screen.
    """
    english = _TABLES[kind].get(value)
    if english is None:
        return value.replace("_", " ")
    if lang is not None:
        return pgettext_in(lang, CONTEXTS[kind], english)
    return pgettext(CONTEXTS[kind], english)


def title(kind: Kind, value: str, lang: str | None = None) -> str:
    """The label with a capital first letter, for the start of a line or a row."""
    text = label(kind, value, lang)
    return text[:1].upper() + text[1:]


def labels(kind: Kind) -> dict[str, str]:
    """Every id of a kind with its label in the current language."""
    return {key: label(kind, key) for key in _TABLES[kind]}


_SQUEEZE = re.compile(r"[\s._\-]+")


def _norm(text: str) -> str:
    """What is compared: case, spaces, dots, dashes and underscores do not matter."""
    return _SQUEEZE.sub("", text.casefold())


def _names(kind: Kind, key: str) -> set[str]:
    """Every spelling that names `key`: the id, the English label and each translation."""
    english = _TABLES[kind].get(key, key.replace("_", " "))
    found = {_norm(key), _norm(english)}
    if key in _TABLES[kind]:
        found.update(_norm(pgettext_in(lang, CONTEXTS[kind], english)) for lang in LANGUAGES)
    return found


def forms(kind: Kind, allowed: Iterable[str] | None = None) -> str:
    """The accepted forms, for help texts and refusals: `id (label)`, comma-separated."""
    keys = list(allowed) if allowed is not None else list(_TABLES[kind])
    shown = []
    for key in keys:
        text = label(kind, key)
        shown.append(key if text == key else f"{key} ({text})")
    return ", ".join(shown)


def matches(kind: Kind, typed: str, allowed: Iterable[str] | None = None) -> list[str]:
    """The ids `typed` may mean, best first: the id itself; else the ids one of whose names
    (id, English or Danish label; case, spaces and dots ignored) is exactly `typed`; else
    those with a name that starts with it. Empty when nothing fits."""
    keys = list(allowed) if allowed is not None else list(_TABLES[kind])
    if typed in keys:
        return [typed]
    wanted = _norm(typed)
    if not wanted:
        return []
    names = {key: _names(kind, key) for key in keys}
    exact = [key for key in keys if wanted in names[key]]
    return exact or [key for key in keys if any(n.startswith(wanted) for n in names[key])]


def resolve(kind: Kind, typed: str, *, option: str, allowed: Iterable[str] | None = None
            ) -> str:
    """The id a user meant: the id itself, an English or Danish label, or an unambiguous
    start of one (`hjemløshed`, `afbrudt`, `3mdr`), in any case.

    `allowed` narrows the ids (a team's target groups, one checklist's items); by default
    every labelled id of the kind. Unknown or ambiguous input is a usage error that lists
    the accepted forms, so the user can copy one.
    """
    keys = list(allowed) if allowed is not None else list(_TABLES[kind])
    found = matches(kind, typed, keys)
    if len(found) == 1:
        return found[0]
    raise refusal(kind, typed, found, option=option, allowed=keys)


def refusal(kind: Kind, typed: str, found: list[str], *, option: str,
            allowed: Iterable[str] | None = None) -> UsageError:
    """The error for input that names no id (`found` empty) or several."""
    hint = _("accepted: {forms}").format(forms=forms(kind, allowed))
    if found:
        return UsageError(
            _("{option} '{value}' is ambiguous: it could be {choices}").format(
                option=option, value=typed,
                choices=", ".join(f"{k} ({label(kind, k)})" for k in found)),
            hint=hint)
    return UsageError(_("{option} '{value}' is not known").format(option=option, value=typed),
                      hint=hint)


class _FormsHelp(LazyText):
    """An option's help text followed by its accepted forms, both in the run's language."""

    __slots__ = ("_kind", "_text")

    def __init__(self, text: LazyText | str, kind: Kind) -> None:
        super().__init__("")
        self._text = text
        self._kind = kind

    def __str__(self) -> str:
        head = str(self._text)
        tail = _("Accepted (the id, the label or its start, any case): {forms}.").format(
            forms=forms(self._kind))
        return f"{head} {tail}" if head else tail

    def __bool__(self) -> bool:
        return True


def with_forms(text: LazyText | str, kind: Kind) -> LazyText:
    """`--help` of an option that takes an id of `kind`: `text`, then the accepted forms."""
    return _FormsHelp(text, kind)
