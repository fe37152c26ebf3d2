"""Appending one entry (a contact, an appointment) to a case: the hot path of `cti log`."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cti_cli.core.errors import CaseFileError
from cti_cli.storage.edit import Editor, atomic_write, case_lock, verify_text
from cti_cli.storage.store import (
    Folder,
    Loaded,
    Stamp,
    decode_bytes,
    display_path,
    read_bytes,
    validated,
)

if TYPE_CHECKING:
    from cti_cli.core.model import Case


def new_entry_id() -> str:
    """A short stable id for a contact entry, so merges can tell entries apart."""
    return "c" + secrets.token_hex(3)  # a letter first: YAML never reads it as a number


_ENTRY_MODELS = {"contacts": "Contact", "appointments": "Appointment"}


def append_entry(folder: Folder, path: Path, section: str, entry: Mapping[str, Any], *,
                 check: Callable[[Case, Any], None] | None = None) -> Case:
    """Append one entry to a list section (the contact log, appointments) and save.

    `check` sees the current case before anything is written and may refuse the entry.
    Fast path: the entry's text is inserted at the end of its list (fastappend), and the
    file must read back as the old data plus the entry. The old file is trusted without
    re-validation only when `.cti/cache/proof` holds its validated data under the SHA-256
    of its exact bytes (cti wrote or checked it); otherwise it is validated in full.
    """
    from cti_cli.core import model
    from cti_cli.core.model import construct_case
    from cti_cli.storage import cache
    from cti_cli.storage.fastappend import insert_entry
    from cti_cli.storage.yamlread import parse

    model_name = _ENTRY_MODELS.get(section)
    with case_lock(folder, path.stem):
        raw, st = read_bytes(path)
        stamp = Stamp.of(st, raw)
        shown = display_path(path)
        text, findings = decode_bytes(raw, shown)
        if text is None:
            raise CaseFileError(path, findings)
        proof = cache.load_proof(folder.state_dir, path.stem, stamp.sha256)
        proven = proof is not None
        old: dict[str, Any] | None = None  # the file's data as read, when the proof kept it
        new_raw: dict[str, Any] | None = None
        if proof is not None:
            data, old = proof
            case = construct_case(data)
        else:
            case = validated(path, text, shown)[0]
            data = case.model_dump(exclude_unset=True)
        if check is not None:
            check(case, entry)
        new_text = None
        if model_name is not None:
            item = getattr(model, model_name).model_validate(dict(entry))
            new_text = insert_entry(text, section, dict(entry))
            if new_text is not None:
                if old is None:
                    old = parse(text).data
                expected = {**old, section: [*old[section], dict(entry)]}
                new_raw = parse(new_text).data
                if new_raw != expected:
                    new_text = None  # pragma: no cover - insert_entry is held to this in tests
        if new_text is not None:
            new_data = {**data, section: [*data.get(section, []),
                                          item.model_dump(exclude_unset=True)]}
            new_case = construct_case(new_data)
            if not proven:
                new_case = verify_text(new_text, path)
        else:
            new_raw = None
            editor = Editor(folder, Loaded(path, text, stamp, case, _no_positions()))
            editor.append(section, entry)
            new_text = editor.text()
            new_case = verify_text(new_text, path)
            new_data = new_case.model_dump(exclude_unset=True)
        atomic_write(path, new_text, expect=stamp)
        cache.save_proof(folder.state_dir, path.stem,
                         hashlib.sha256(new_text.encode("utf-8")).hexdigest(), new_data,
                         new_raw)
    return new_case


def _no_positions() -> Any:
    from cti_cli.storage.yamlread import Parsed

    return Parsed(None)
