"""Substantial manipulation: Regulation (EC) No 1394/2007, Annex I, and the CAT's reading."""

from __future__ import annotations

from atmpnav.facts import (
    ANNEX_I_MANIPULATIONS,
    CASE_BY_CASE_MANIPULATIONS,
    SUBSTANTIAL_MANIPULATIONS,
    Manipulation,
)
from atmpnav.law.base import Answer, Derivation, Inquiry
from atmpnav.law.eu.common import (
    ATMP_REGULATION,
    DIR,
    REG,
    rule,
)

# --- Manipulation ------------------------------------------------------------


def _steps(c: Inquiry, kinds: frozenset[Manipulation]) -> list[str]:
    return [m.value for m in (c.fact("cells_or_tissues.manipulations") or []) if m in kinds]


@rule(
    "EU-M1",
    title="Annex I manipulations are not substantial",
    question="Are these processing steps among those Annex I lists as not substantial?",
    citation=f"{REG}, Annex I; {DIR}, 2.2, last paragraph",
    confidence="V",
    valid_from=ATMP_REGULATION,
)
def annex_i(c: Inquiry) -> Answer:
    steps = _steps(c, ANNEX_I_MANIPULATIONS)
    return Answer(True, f"{', '.join(steps) or 'No processing'}: not substantial manipulation (Annex I).",
                  ("cells_or_tissues.manipulations",))


@rule(
    "EU-M2",
    title="Substantial manipulations",
    question="Do the cells undergo culture/expansion, genetic modification, differentiation or activation?",
    citation="CAT Reflection paper EMA/CAT/600280/2010 Rev.1, §2.2.3",
    confidence="K",
    valid_from=ATMP_REGULATION,
)
def substantial_steps(c: Inquiry) -> Answer:
    steps = _steps(c, SUBSTANTIAL_MANIPULATIONS)
    return Answer(True, f"{', '.join(steps)}: substantial manipulation.", ("cells_or_tissues.manipulations",))


@rule(
    "EU-M3",
    title="Relevance to the intended use",
    question="Does the processing alter (sCTMP) or achieve (TEP) characteristics relevant to the intended use?",
    citation=f"{DIR}, 2.2(a); {REG}, Art 2(1)(c)",
    confidence="V",
    valid_from=ATMP_REGULATION,
    ambiguities=("A1",),
)
def relevance(c: Inquiry) -> Answer:
    return c.judge("cells_or_tissues.substantially_manipulated", derive_substantial(c))


def derive_substantial(c: Inquiry) -> Derivation:
    """Substantial manipulation from the processing steps (Annex I; the CAT's substantial triad)."""
    steps = c.fact("cells_or_tissues.manipulations")
    facts = ("cells_or_tissues.manipulations",)
    if steps is None:
        return Derivation(None, "the processing steps are not known", facts,
                          missing=("cells_or_tissues.manipulations",))
    substantial = _steps(c, SUBSTANTIAL_MANIPULATIONS)
    if substantial:
        verb = "changes" if len(substantial) == 1 else "change"
        return Derivation(True, f"{', '.join(substantial)} {verb} the cells' "
                          "biological characteristics", facts,
                          support="CAT Reflection paper Rev.1, §2.2.3")
    case_by_case = _steps(c, CASE_BY_CASE_MANIPULATIONS)
    if case_by_case:
        return Derivation(None, f"{', '.join(case_by_case)} is judged case by case against the intended use (A1); "
                          "state whether the cells' relevant characteristics change, with the evidence", facts,
                          missing=("cells_or_tissues.substantially_manipulated",))
    listed = _steps(c, ANNEX_I_MANIPULATIONS)
    return Derivation(False, f"{', '.join(listed) or 'no processing'}: only steps that Annex I lists as not "
                      "substantial", facts)


@rule(
    "EU-M4",
    title="Case-by-case manipulations",
    question="Is a processing step not listed in Annex I (e.g. enzymatic digestion) substantial here?",
    citation="CAT Reflection paper EMA/CAT/600280/2010 Rev.1, §2.2.3; CAT monthly report Oct 2019 (PRP + SVF)",
    confidence="U",
    valid_from=ATMP_REGULATION,
    ambiguities=("A1",),
)
def case_by_case(c: Inquiry) -> Answer:
    steps = _steps(c, CASE_BY_CASE_MANIPULATIONS)
    return Answer("case by case", f"{', '.join(steps)}: judged case by case against the intended use (A1).",
                  ("cells_or_tissues.manipulations",), ambiguities=("A1",))


@rule(
    "EU-M5",
    title="Decellularisation",
    question="Is the tissue decellularised?",
    citation=f"{REG}, Art 2(1)(b), last subparagraph (non-viable products)",
    confidence="K",
    valid_from=ATMP_REGULATION,
    ambiguities=("A9",),
)
def decellularised(c: Inquiry) -> Answer:
    return Answer(True, "Decellularisation leaves a non-viable matrix: the non-viable rules decide.",
                  ("cells_or_tissues.manipulations",), ambiguities=("A9",))
