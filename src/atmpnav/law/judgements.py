"""The hard legal judgements as every rule set reads them: derived from observable facts, a stated value
used only where nothing can be derived or where a justification overrides the derivation (Inquiry.judge).

The derivations are written once, with the EU rules that show them as steps (EU-M3, EU-F1, EU-G4,
EU-G5); the other rule sets read the same judgement through :func:`judged` instead of the raw fact,
so a product described only by its observable facts is classified the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Callable

from atmpnav.law.base import Answer, Derivation, Inquiry
from atmpnav.law.eu.essential_function import derive_same_function
from atmpnav.law.eu.gene_therapy import derive_effect_from_sequence, derive_vaccine
from atmpnav.law.eu.manipulation import derive_substantial

DERIVATIONS: dict[str, Callable[[Inquiry], Derivation]] = {
    "cells_or_tissues.substantially_manipulated": derive_substantial,
    "cells_or_tissues.same_essential_function": derive_same_function,
    "nucleic_acid.effect_from_sequence": derive_effect_from_sequence,
    "vaccine_against_infectious_disease": derive_vaccine,
}


def judged(c: Inquiry, path: str) -> bool | None:
    """The judgement at ``path``: derived, stated, or overridden with a justification (None if unknown)."""
    value = c.judge(path, DERIVATIONS[path](c)).value
    return value if isinstance(value, bool) else None


def missing_for(c: Inquiry, path: str) -> tuple[str, ...]:
    """What to ask while the judgement at ``path`` is unknown: the observable facts it is derived from."""
    return DERIVATIONS[path](c).missing or (path,)


def judged_answer(c: Inquiry, path: str, facts: tuple[str, ...], yes: str, no: str, unknown: str) -> Answer:
    """A rule's answer that is the judgement at ``path`` itself: yes/no with its wording, or unknown asking the
    observable facts behind it."""
    value = judged(c, path)
    if value is None:
        return Answer(None, unknown, facts, missing=missing_for(c, path))
    return Answer(value, yes if value else no, facts)
