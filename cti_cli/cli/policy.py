"""The one place where exceptions become messages and exit codes, without typer, so the fast
path of the hot commands (`fast.py`) and the typer app (`app.py`) share it."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any


def _not_writable(exc: BaseException) -> bool:
    """Say so when a write failed because of the machine's state (a read-only folder or file
    system, a full disk): that is no bug in cti, and exits 1 with what to do."""
    import errno

    if not isinstance(exc, OSError) or exc.errno not in (
            errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOSPC, errno.EDQUOT):
        return False
    from cti_cli.core.safetext import shown
    from cti_cli.locale import _

    where = f"{exc.filename}: " if exc.filename else ""
    sys.stderr.write(shown("cti: " + _("cannot write {where}{reason}").format(
        where=where, reason=exc.strerror) + "\n  hint: " + _(
        "make the folder writable (or free disk space) and run the command again")) + "\n")
    return True


def guarded(call: Callable[[], Any], *, debug: Callable[[], bool],
            other: Callable[[BaseException], int | None] | None = None) -> int:
    """Run `call`; user errors exit 1 (2 for usage), Ctrl-C 130, bugs 3 with "please report".

    `other` may map further exceptions (click's own) to an exit code.
    """
    from cti_cli.core.errors import EXIT_BUG, EXIT_INTERRUPTED, CtiError
    from cti_cli.locale import _

    try:
        result = call()
    except CtiError as exc:
        from cti_cli.core.safetext import shown

        # an echoed argument, key or file name may be a CPR number or hold escape sequences:
        # errors are an output too
        sys.stderr.write(f"cti: {shown(str(exc))}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write(_("interrupted") + "\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return 0
    except Exception as exc:
        code = other(exc) if other is not None else None
        if code is not None:
            return code
        if _not_writable(exc):
            return 1
        if debug():
            import traceback

            traceback.print_exc()
        else:
            sys.stderr.write("cti: " + _(
                "internal error ({kind}). This is a bug: please report it with the command you "
                "ran (run again with --debug for details; leave case data out of the report)."
            ).format(kind=type(exc).__name__) + "\n")
        return EXIT_BUG
    return result if isinstance(result, int) else 0
