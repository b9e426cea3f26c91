"""What a document is made from (a facts file or a saved assessment) and how it is written to disk."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from atmpnav.documents.forms import DocumentSource
from atmpnav.documents.saved import SavedAssessment
from atmpnav.errors import InputError
from atmpnav.facts import ProductFacts

if TYPE_CHECKING:
    from datetime import date


def from_facts(facts: ProductFacts, label: str, as_of: date | str | None = None) -> DocumentSource:
    """Classify the facts (EU and US) now and draft from them."""
    from atmpnav.assess import AssessmentInput, evaluate

    envelope = evaluate(AssessmentInput.of_facts(facts), ("EU", "US"), as_of)
    return DocumentSource(facts=facts, verdicts=dict(envelope.verdicts), reference=f"Facts file {label}",
                          description=f"the facts in {label}")


def from_assessment(saved: SavedAssessment) -> DocumentSource:
    """The stored facts and verdicts; a jurisdiction the assessment lacks (e.g. US) is classified on the
    assessment's date and said so on page 1."""
    from atmpnav.assess import AssessmentInput, evaluate

    verdicts = dict(saved.envelope.verdicts)
    added = [code for code in ("EU", "US") if code not in verdicts]
    if added:
        extra = evaluate(AssessmentInput.of_facts(saved.facts), tuple(added), saved.as_of)
        verdicts.update(extra.verdicts)
    note = f"; the {' and '.join(added)} verdict was computed for this draft" if added else ""
    return DocumentSource(
        facts=saved.facts, verdicts=verdicts,
        reference=f"Assessment #{saved.id}, version {saved.version} (sha256 {saved.hash[:16]})",
        description=f"assessment #{saved.id}, version {saved.version} ({saved.title}, saved {saved.created_at}){note}",
    )


def write_new(path: Path, data: bytes, *, force: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically; an existing file is never overwritten unless ``force``."""
    target = path.expanduser()
    if target.is_dir():
        raise InputError(f"--out {path}: is a directory")
    if not target.parent.exists():
        raise InputError(f"--out {path}: the folder {target.parent} does not exist")
    if target.exists() and not force:
        raise InputError(f"--out {path}: the file exists; choose another name or pass --force to replace it")
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        if force:
            os.replace(temp, target)
        else:
            try:
                os.link(temp, target)  # fails if the file appeared meanwhile: never overwrite
            except FileExistsError:
                raise InputError(f"--out {path}: the file exists; pass --force to replace it") from None
            os.unlink(temp)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return target
