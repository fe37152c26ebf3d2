"""Text from files made safe to print: nothing a case file, cti.toml, method.yaml, git or the
network holds may control the terminal it is shown on.

Pure functions, no I/O. A YAML double-quoted "\\e]52;c;…\\a" is a valid note, a TOML
"\\u001b[2J" a valid team name and git takes any author name; printed raw, such text writes
the clipboard (OSC 52), sets the window title or clears the screen. `shown` is the one
boundary every printed text passes (render.terminal, render.plain, the error policy, mail):
control characters become visible and harmless, CPR numbers are masked. Rich's own colour
codes are added after it, so they are untouched; rich markup in data is not parsed because
the render layer hands data to rich as `Text`, never as a markup string.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

from cti_cli.core.privacy import mask_cpr

# C0 except TAB and LF, DEL, C1 (U+0080-U+009F: U+009B is CSI on many terminals), and the
# bidi embeddings/overrides/isolates that make a line read differently from what it holds.
_UNSAFE: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_REPLACEMENT: Final = "\ufffd"  # shown for a C1 control: there is no picture for those


def _picture(m: re.Match[str]) -> str:
    ch = m[0]
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # Control Pictures: ESC shows as ␛, BEL as ␇
    if code == 0x7F:
        return "\u2421"  # ␡
    if code <= 0x9F:
        return _REPLACEMENT
    return ""  # a bidi control: its text stays, in the order it is stored


def printable(text: str) -> str:
    """`text` with every control character that could act on a terminal made visible
    (ESC → ␛, DEL → ␡, C1 → �) and bidi overrides removed; TAB and newlines are kept
    (CRLF becomes LF, a lone CR is shown as ␍)."""
    if _UNSAFE.search(text) is None:
        return text  # the common case, one scan
    return _UNSAFE.sub(_picture, text.replace("\r\n", "\n"))


def shown(text: str) -> str:
    """What may be shown of a text read from a file: printable, CPR numbers masked."""
    return mask_cpr(printable(text))


# Characters json.dumps(ensure_ascii=False) leaves raw that a terminal acts on; a JSON
# escape keeps the data whole (JSON output is the data itself) and the output inert.
_JSON_UNSAFE: Final = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def json_text(data: Any, *, indent: int | None = 2) -> str:
    """`data` as JSON for printing: UTF-8 text kept readable, every control character
    escaped (json escapes C0 itself; DEL, C1 and bidi controls are escaped here)."""
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)
