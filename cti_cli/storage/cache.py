"""A cache of validated cases in `.cti/cache` (git-ignored), so reports over thousands of
files need not parse them again. It holds each case's slim record (`core/facts.py`: what
reports need, nothing more), so its size grows with the cases, not with their contacts.

Why this is safe to trust:
- a record is used only while its file has the same size, mtime_ns and inode as when it
  was validated; any change (a byte, a touch, a replacement, a deletion) re-reads the file;
- the cache file starts with a header naming the format, the cti version and a fingerprint
  of the code that decides what a valid case is (model, reader, validation); a cache from
  another version or schema is ignored and rebuilt;
- the body carries a BLAKE2 checksum; a truncated or corrupt cache is ignored and rebuilt;
- the body is plain data (dict, tuple, str, int, date) read by an unpickler that refuses
  every class but the datetime types, so a planted cache file cannot run code.
Records are trusted once these hold: they were validated when their file was read.

Stdlib only: `list` over a cached folder never imports pydantic or YAML.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
from contextlib import suppress
from pathlib import Path
from typing import Any

from cti_cli.storage import atomic

FORMAT = 2
CACHE_DIR = "cache"
CACHE_FILE = "cases.v2"
_FINGERPRINT_SOURCES = ("core/model.py", "core/facts.py", "storage/yamlread.py",
                        "storage/validate.py", "storage/cache.py", "storage/store.py",
                        "storage/scan.py", "storage/append.py")
_ALLOWED = {("datetime", "date"), ("datetime", "datetime"), ("datetime", "timezone"),
            ("datetime", "timedelta")}

# name -> ((size, mtime_ns, inode, ctime_ns), CaseFacts as a tuple). ctime too: a file
# deleted and re-created with the same size and mtime may get the freed inode back.
Key = tuple[int, int, int, int]
Record = tuple[Key, tuple[Any, ...]]


def fingerprint(sources: tuple[str, ...] = _FINGERPRINT_SOURCES) -> str:
    """The cti version and a hash of the code that defines a valid case (or `sources`)."""
    from cti_cli import __version__

    h = hashlib.blake2b(digest_size=12)
    here = Path(__file__).parent.parent
    for name in sources:
        with suppress(OSError):
            h.update((here / name).read_bytes())
    return f"{__version__}:{h.hexdigest()}"


def _header() -> bytes:
    return f"cti-cache {FORMAT} {fingerprint()}\n".encode("ascii")


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")
        return super().find_class(module, name)


def _path(state_dir: Path) -> Path:
    return state_dir / CACHE_DIR / CACHE_FILE


def _read_sealed(path: Path, header: bytes) -> Any:
    """What `_write_sealed` wrote under this header, or None when there is nothing to trust
    (missing, another cti version, a checksum that does not match, anything odd to unpickle).
    """
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    if not raw.startswith(header):
        return None
    digest, body = raw[len(header):len(header) + 32], raw[len(header) + 32:]
    if hashlib.blake2b(body, digest_size=32).digest() != digest:
        return None
    try:
        return _SafeUnpickler(io.BytesIO(body)).load()
    except Exception:  # anything odd in a cache means: rebuild it
        return None


def _write_sealed(path: Path, header: bytes, value: object) -> None:
    """Write `value` atomically behind `header` and a checksum; a cache that cannot be
    written is no error (the next run is only slower)."""
    body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    blob = header + hashlib.blake2b(body, digest_size=32).digest() + body
    with suppress(OSError):
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        atomic.replace(path, blob, durable=False)


def load(state_dir: Path) -> dict[str, Record]:
    """The records of a cache written by this very cti, or {} when there is none to trust."""
    records = _read_sealed(_path(state_dir), _header())
    return records if isinstance(records, dict) else {}


def save(state_dir: Path, records: dict[str, Record]) -> None:
    """Write the cache atomically; a cache that cannot be written is no error (just slower)."""
    _write_sealed(_path(state_dir), _header(), records)


def key(st: os.stat_result) -> Key:
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


def fresh(record: Record, st: os.stat_result) -> bool:
    """Whether a record still describes the file as it is now."""
    return record[0] == key(st)


# --- per-case proof for edits ---------------------------------------------------------------
# `cti log` touches one case: it looks up only that case's proof, keyed by the SHA-256 of the
# file's bytes (no mtime race), to skip re-validating a file it wrote itself.

PROOF_DIR = "proof"


def _proof_path(state_dir: Path, case_id: str) -> Path:
    return state_dir / CACHE_DIR / PROOF_DIR / f"{case_id}.v1"


def load_proof(state_dir: Path, case_id: str, sha256: str
               ) -> tuple[dict[str, Any], dict[str, Any] | None] | None:
    """The validated data (`model_dump`) of the case whose file has exactly this hash, and
    the file's data as read (None if not kept), so an append need not parse it again."""
    proof = _read_sealed(_proof_path(state_dir, case_id), _header())
    if not isinstance(proof, dict) or proof.get("sha256") != sha256:
        return None
    data, as_read = proof.get("data"), proof.get("raw")
    if not isinstance(data, dict):
        return None
    return data, as_read if isinstance(as_read, dict) else None


def save_proof(state_dir: Path, case_id: str, sha256: str, data: dict[str, Any],
               raw: dict[str, Any] | None = None) -> None:
    """Remember that the file with this hash validated to `data` (and read as `raw`)."""
    _write_sealed(_proof_path(state_dir, case_id), _header(),
                  {"sha256": sha256, "data": data, "raw": raw})


# --- the proof of cti.toml ------------------------------------------------------------------
# Validating cti.toml takes pydantic (importing it and building the settings models is about
# half of a `cti log`). The [team] table of a cti.toml that validated is kept here under the
# SHA-256 of the file's exact bytes, so a run that needs no more than that (`log`, `tick`)
# opens the folder without pydantic; any other byte, cti version or settings code misses.

SETTINGS_FILE = "settings.v1"
_SETTINGS_SOURCES = ("core/settings.py", "storage/config.py", "storage/cache.py")


def _settings_header() -> bytes:
    return f"cti-settings 1 {fingerprint(_SETTINGS_SOURCES)}\n".encode("ascii")


def load_settings_proof(state_dir: Path, sha256: str) -> dict[str, Any] | None:
    """The validated `[team]` values of the cti.toml whose bytes have this hash, if known."""
    proof = _read_sealed(state_dir / CACHE_DIR / SETTINGS_FILE, _settings_header())
    if not isinstance(proof, dict) or proof.get("sha256") != sha256:
        return None
    team = proof.get("team")
    return team if isinstance(team, dict) else None


def save_settings_proof(state_dir: Path, sha256: str, team: dict[str, Any]) -> None:
    """Remember the `[team]` values of a cti.toml that validated (only where `.cti` is)."""
    if not state_dir.is_dir():
        return  # opening a folder creates nothing; the first write makes `.cti`
    _write_sealed(state_dir / CACHE_DIR / SETTINGS_FILE, _settings_header(),
                  {"sha256": sha256, "team": team})


DRAFTS_DIR = "drafts"  # `cti edit` keeps a draft that did not check here (state dir)


def forget(state_dir: Path, case_ids: list[str]) -> None:
    """Remove every derived copy of these cases: cache records, proofs, edit drafts.

    A purged case must leave no copy of the citizen's data behind in `.cti` (art. 17).
    """
    names = {f"{cid}.yaml" for cid in case_ids}
    records = load(state_dir)
    if names & records.keys():
        save(state_dir, {k: r for k, r in records.items() if k not in names})
    for cid in case_ids:
        with suppress(OSError):
            _proof_path(state_dir, cid).unlink()
    drafts = state_dir / DRAFTS_DIR
    with suppress(OSError):
        for e in os.scandir(drafts):
            # the draft, the editor's backup (`name~`) and swap files (`.name.swp`)
            if any(e.name.startswith((n, f".{n}")) for n in names):
                with suppress(OSError):
                    os.unlink(e.path)
