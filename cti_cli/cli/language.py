"""click's and typer's own texts in the team's language: help headings, usage, errors.

typer (0.29) vendors click with its texts as plain English f-strings, and the parts that do
call gettext (typer.core's "Options", "required", "No such command", older click's whole
UI) use stdlib `gettext.gettext` on the process-wide domain, which picks its language from
environment variables and `.mo` files on disk. Neither can follow the team's language, so we
translate at the edge instead: each command's context gets a help formatter that passes
click's English through our catalogs, and usage errors are worded here. The English is
matched word for word; a text not in the tables below stays English (a test walks the whole
command tree in Danish, so a new click text shows up there).
"""

from __future__ import annotations

import re
from typing import Any

from cti_cli.locale import N_, _

# click's and typer's help texts, translated when a help page is drawn
_HELP_TEXTS = {
    "Show this message and exit.": N_("Show this message and exit."),
    "Install completion for the current shell.": N_("Install completion for the current shell."),
    "Show completion for the current shell, to copy it or customize the installation.":
        N_("Show completion for the current shell, to copy it or customize the installation."),
}
_HEADINGS = {
    "Arguments": N_("Arguments"),
    "Options": N_("Options"),
    "Commands": N_("Commands"),
}
# the pieces of typer's "[default: x; required]" after an option's help
_EXTRA_RE = re.compile(r"^(?P<help>.*?)(?P<sep>\s*)\[(?P<extra>[^\[\]]*)\]$", re.S)
_EXTRAS = (
    (re.compile(r"^required$"), N_("required")),
    (re.compile(r"^default: (?P<default>.*)$"), N_("default: {default}")),
    (re.compile(r"^env var: (?P<var>.*)$"), N_("env var: {var}")),
    (re.compile(r"^\(dynamic\)$"), N_("(dynamic)")),
)
# the type shown after an option ("--minutes <int>"): type names, not words a worker knows
_METAVARS = {
    "<str>": N_("<text>"),
    "<int>": N_("<number>"),
    "<int range>": N_("<number>"),
    "<float>": N_("<number>"),
    "<list[str]>": N_("<text>..."),
    "<path>": N_("<path>"),
    "<file>": N_("<file>"),
    "<dir>": N_("<folder>"),
    "<bool>": N_("<yes/no>"),
}
_METAVAR_RE = re.compile("|".join(re.escape(m) for m in _METAVARS))

# click's and typer's error messages, most specific first; a field's value is translated too
# when it is itself one of these messages (the reason inside "Invalid value for …: reason")
_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.S), msgid) for pattern, msgid in (
        (r"^Missing argument (?P<name>.+)\.$", N_("Missing argument {name}.")),
        (r"^Missing option (?P<name>.+)\.$", N_("Missing option {name}.")),
        (r"^Missing parameter (?P<name>.+)\.$", N_("Missing value {name}.")),
        (r"^Missing parameter: (?P<name>.+)$", N_("Missing value {name}.")),
        (r"^Missing command\.$", N_("Missing command.")),
        (r"^No such command '(?P<name>.*)'\.$", N_("No such command '{name}'.")),
        (r"^No such option: (?P<name>\S+) \(Possible options: (?P<options>.*)\)$",
         N_("No such option: {name} (did you mean {options}?)")),
        (r"^No such option: (?P<name>\S+) Did you mean (?P<options>.*)\?$",
         N_("No such option: {name} (did you mean {options}?)")),
        (r"^No such option: (?P<name>\S+)$", N_("No such option: {name}")),
        (r"^Invalid value for (?P<name>.+?): (?P<reason>.*)$",
         N_("Invalid value for {name}: {reason}")),
        (r"^Invalid value: (?P<reason>.*)$", N_("Invalid value: {reason}")),
        (r"^Option '(?P<name>.+)' requires an argument\.$",
         N_("Option '{name}' requires a value.")),
        (r"^Option '(?P<name>.+)' requires (?P<n>\d+) arguments\.$",
         N_("Option '{name}' requires {n} values.")),
        (r"^Option '(?P<name>.+)' does not take a value\.$",
         N_("Option '{name}' does not take a value.")),
        (r"^Got unexpected extra arguments? \((?P<args>.*)\)$",
         N_("Too many arguments: {args}")),
        (r"^Got unexpected extra argument\(s\) \((?P<args>.*)\)$",
         N_("Too many arguments: {args}")),
        (r"^Input should be a valid integer.*$", N_("a whole number is needed")),
        (r"^'(?P<value>.*)' is not a valid integer\.?$", N_("'{value}' is not a whole number")),
        (r"^Input should be a valid number.*$", N_("a number is needed")),
        (r"^Input should be greater than or equal to (?P<n>\S+)$",
         N_("the value must be at least {n}")),
        (r"^Input should be less than or equal to (?P<n>\S+)$",
         N_("the value must be at most {n}")),
        (r"^Input should be greater than (?P<n>\S+)$", N_("the value must be more than {n}")),
        (r"^Input should be less than (?P<n>\S+)$", N_("the value must be less than {n}")),
        (r"^(?P<value>.*) is not in the range (?P<range>.*)\.$",
         N_("{value} is not in the range {range}.")),
        # typer 0.29 writes "file", "directory", "path" in lower case, click capitalised
        (r"^(?i:file|directory|dir|path) '(?P<path>.*)' is a file\.$",
         N_("'{path}' is a file, not a folder.")),
        (r"^(?i:file|directory|dir|path) '(?P<path>.*)' is a directory\.$",
         N_("'{path}' is a folder, not a file.")),
        (r"^(?i:file|directory|dir|path) '(?P<path>.*)' does not exist\.$",
         N_("'{path}' does not exist.")),
        (r"^(?i:file|directory|dir|path) '(?P<path>.*)' is not readable\.$",
         N_("'{path}' cannot be read.")),
        (r"^(?i:file|directory|dir|path) '(?P<path>.*)' is not writable\.$",
         N_("'{path}' cannot be written to.")),
        (r"^'(?P<value>.*)' is not one of (?P<choices>.*)\.$",
         N_("'{value}' is not one of {choices}.")),
    ))


def click_text(text: str) -> str:
    """One of click's or typer's English messages in the current language (else unchanged)."""
    for pattern, msgid in _ERRORS:
        m = pattern.match(text)
        if m:
            fields = {k: click_text(v) if k == "reason" else v
                      for k, v in m.groupdict().items()}
            return _(msgid).format(**fields)
    return text


def help_column(text: str) -> str:
    """An option's help as typer wrote it, with click's own texts and extras translated."""
    m = _EXTRA_RE.match(text)
    body, tail = (m.group("help"), m) if m else (text, None)
    body = _(_HELP_TEXTS[body]) if body in _HELP_TEXTS else body
    if tail is None:
        return body
    pieces = []
    for piece in tail.group("extra").split("; "):
        for pattern, msgid in _EXTRAS:
            found = pattern.match(piece)
            if found:
                piece = _(msgid).format(**found.groupdict())
                break
        pieces.append(piece)
    return f"{body}{tail.group('sep')}[{'; '.join(pieces)}]"


def _metavars(text: str) -> str:
    return _METAVAR_RE.sub(lambda m: _(_METAVARS[m.group(0)]), text)


def _localized_context(base: type[Any]) -> type[Any]:
    """A context class whose help formatter speaks the current language."""
    formatter_base: type[Any] = base.formatter_class

    class Formatter(formatter_base):  # type: ignore[valid-type,misc]
        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            prefix = _("Usage:") + " " if prefix is None else prefix
            super().write_usage(prog, _metavars(args), prefix)

        def write_heading(self, heading: str) -> None:
            super().write_heading(_(_HEADINGS[heading]) if heading in _HEADINGS else heading)

        def write_dl(self, rows: Any, *args: Any, **kwargs: Any) -> None:
            rows = [(_metavars(str(first)), help_column(str(second))) for first, second in rows]
            super().write_dl(rows, *args, **kwargs)

    class Context(base):  # type: ignore[valid-type,misc]
        formatter_class = Formatter

    return Context


_contexts: dict[type[Any], type[Any]] = {}


def localize(command: Any) -> None:
    """Make `command` and every sub-command draw help and usage in the current language.

    Sets click's documented hooks on each command object of this run: `context_class` (whose
    `formatter_class` translates), `options_metavar` and a group's `subcommand_metavar`.
    """
    base = type(command).context_class
    if base not in _contexts:
        _contexts[base] = _localized_context(base)
    command.context_class = _contexts[base]
    if getattr(command, "options_metavar", None) == "[OPTIONS]":
        command.options_metavar = _("[OPTIONS]")
    if getattr(command, "subcommand_metavar", None) == "COMMAND [ARGS]...":
        command.subcommand_metavar = _("COMMAND [ARGS]...")
    for sub in getattr(command, "commands", {}).values():
        localize(sub)


def usage_error(exc: Any) -> str:
    """What click's `UsageError.show` prints, in the current language."""
    lines = []
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        lines.append(ctx.get_usage())
        if ctx.command.get_help_option(ctx) is not None:
            lines.append(_("Try '{command} {option}' for help.").format(
                command=ctx.command_path, option=ctx.help_option_names[0]))
        lines.append("")
    lines.append(_("Error: {message}").format(message=click_text(exc.format_message())))
    return "\n".join(lines) + "\n"
