"""Appending one entry (a contact, an appointment) to a case: the hot path of `cti log`."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cti_cli.core.entries import CaseHead, plain_contact
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
                 check: Callable[[CaseHead, Any], None] | None = None) -> CaseHead:
    """Append one entry to a list section (the contact log, appointments) and save.

    `check` sees the head of the current case before anything is written and may refuse
    the entry. Fast path: the entry's text is inserted at the end of its list (fastappend),
    and the file must read back as the old data plus the entry. The old file is trusted
    without re-validation only when `.cti/cache/proof` holds its validated data under the
    SHA-256 of its exact bytes (cti wrote or checked it); otherwise it is validated in full.
    With that proof and a plainly valid contact (`core.entries`), no pydantic model is
    built or imported at all.
    """
    from cti_cli.storage import cache
    from cti_cli.storage.fastappend import append_locally, insert_entry
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
        old: dict[str, Any] | None = None  # the file's data as read, when the proof kept it
        new_raw: dict[str, Any] | None = None
        case: Case | None = None
        if proof is not None:
            data, old = proof
            head = CaseHead.of_data(data)
        else:
            case, parsed = validated(path, text, shown)
            data = case.model_dump(exclude_unset=True)
            head = CaseHead.of_case(case)
            # the file was just parsed and validated whole: its plain data stands in for a
            # proof, so a 2 MB log is parsed once, not four times
            old = parsed.data if isinstance(parsed.data, dict) else None
        if check is not None:
            check(head, entry)
        new_text = None
        dumped: dict[str, Any] | None = None
        if model_name is not None:
            dumped = plain_contact(dict(entry)) if section == "contacts" else None
            if dumped is None:
                from cti_cli.core import model

                item = getattr(model, model_name).model_validate(dict(entry))
                dumped = item.model_dump(exclude_unset=True)
            listed = old.get(section) if old is not None else None
            if old is not None and isinstance(listed, list) and listed:
                # the proof knows how the file reads: parse only the last item and the new
                new_text = append_locally(text, section, dict(entry), listed[-1])
                if new_text is not None:
                    new_raw = {**old, section: [*listed, dict(entry)]}
            if new_text is None:
                new_text = insert_entry(text, section, dict(entry))
            if new_text is not None and new_raw is None:
                if old is None:
                    old = parse(text).data
                expected = {**old, section: [*old[section], dict(entry)]}
                new_raw = parse(new_text).data
                if new_raw != expected:
                    new_text = None  # pragma: no cover - insert_entry is held to this in tests
        if new_text is not None and dumped is not None:
            # the new text reads as the validated old data plus the entry, validated by its
            # model: what a proof gives, so no second whole validation
            new_data = {**data, section: [*data.get(section, []), dumped]}
        else:
            new_raw = None
            if case is None:
                from cti_cli.core.model import construct_case

                case = construct_case(data)
            editor = Editor(folder, Loaded(path, text, stamp, case, _no_positions()))
            editor.append(section, entry)
            new_text = editor.text()
            new_data = verify_text(new_text, path).model_dump(exclude_unset=True)
        atomic_write(path, new_text, expect=stamp)
        cache.save_proof(folder.state_dir, path.stem,
                         hashlib.sha256(new_text.encode("utf-8")).hexdigest(), new_data,
                         new_raw)
    return CaseHead.of_data(new_data)


def _no_positions() -> Any:
    from cti_cli.storage.yamlread import Parsed

    return Parsed(None)
