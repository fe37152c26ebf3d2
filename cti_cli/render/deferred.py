"""`render.terminal`, imported on its first use.

Importing rich is a tenth of a `cti tick`, which prints nothing when it succeeds, or one plain
line (`advance`): commands that print only now and then import this module as `render`.
"""

from __future__ import annotations

import sys
from typing import Any


def line(text: str = "", style: str | None = None) -> None:
    """`terminal.line`; an unstyled line of printable text is written without rich, as rich
    writes it (no markup, emoji or highlighting is applied to a line; trailing spaces go)."""
    if style is None and text.isprintable():
        from cti_cli.core.privacy import mask_cpr

        sys.stdout.write(mask_cpr(text).rstrip(" ") + "\n")
        return
    from cti_cli.render import terminal

    terminal.line(text, style)


def __getattr__(name: str) -> Any:
    from cti_cli.render import terminal

    return getattr(terminal, name)
