"""`.po` → gettext translations, compiled by Babel once into a cache.

Why not ship `.mo` files: several people add messages in parallel, and a committed binary
conflicts on every merge. Babel compiles (`read_po` + `write_mo`), but importing it costs
more than a whole `cti log`: so it runs only when a catalog changed, and the compiled `.mo`
is kept in the user's cache, keyed by the source's path, size and mtime. Every other run only
stats two files and lets stdlib `gettext` read the `.mo`.
"""

from __future__ import annotations

import gettext
import hashlib
import io
import os
import struct
from pathlib import Path


def compile_po(po_bytes: bytes, lang: str) -> bytes:
    """GNU `.mo` bytes of a `.po` source (fuzzy and empty entries left out, as msgfmt does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalog = read_po(io.BytesIO(po_bytes), locale=lang)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cti" / "locale"


def load_translations(po_path: Path) -> gettext.NullTranslations:
    """The translations of one catalog, compiled into the cache on first use."""
    try:
        st = po_path.stat()
    except OSError:
        return gettext.NullTranslations()
    key = hashlib.sha1(f"{po_path}\0{st.st_size}\0{st.st_mtime_ns}".encode()).hexdigest()[:16]
    lang = po_path.parent.parent.name
    cached = _cache_dir() / f"{lang}-{key}.mo"
    try:
        with cached.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    except (OSError, ValueError, struct.error):  # none yet, or damaged: compile again
        pass
    mo = compile_po(po_path.read_bytes(), lang)
    try:
        import tempfile  # only when compiling: not on every run's path

        cached.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cached.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(mo)
            os.replace(tmp, cached)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a read-only home: compile in memory each run, still correct
    return gettext.GNUTranslations(io.BytesIO(mo))
