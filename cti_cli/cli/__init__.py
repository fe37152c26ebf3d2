"""The command line: typer is imported here and nowhere else outside this package."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `cti` console script; returns the process exit code."""
    os.umask(0o077)  # case files are art. 9 data: private unless the team widens it
    # cti uses no pydantic plugins; looking for them scans every installed package's
    # metadata (~13 ms of each `cti log`)
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    args = sys.argv[1:] if argv is None else argv
    if args in (["--version"], ["-V"]):
        # the cheapest answer for scripts and package managers: no typer, no pydantic
        from cti_cli import __version__

        print(f"cti {__version__}")
        return 0
    # the language first: typer builds help texts from the lazy texts of cli/ while it runs,
    # so `--help` inside a Danish team folder is Danish (the folder found as open_folder would)
    from cti_cli.locale import choose_language, set_language

    set_language(choose_language(args))
    from cti_cli.render.layout import set_width

    set_width(None)  # `--width` holds for this run only (tests run many in-process)
    if args and args[0] != "--help":
        # `log` and `tick`, many times a day: a plainly valid line runs without typer
        from cti_cli.cli import fast

        code = fast.run(args)
        if code is not None:
            return code
    from cti_cli.cli.app import run

    return run(args)
