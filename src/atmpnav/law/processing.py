"""Minimal manipulation and homologous use as the non-EU rule sets read them from the shared facts.

Each regulator defines the terms itself; a jurisdiction-specific fact given directly always wins. Left blank,
the answer is derived from the processing steps (steps of the kind listed in Annex I of Regulation (EC)
No 1394/2007 are minimal; culture, activation, differentiation, antigen loading, genetic modification and
reprogramming are not) and from ``same_essential_function``. A case-by-case step leaves it to be asked.
"""

from __future__ import annotations

from collections.abc import Callable

from atmpnav.facts import ANNEX_I_MANIPULATIONS, SUBSTANTIAL_MANIPULATIONS
from atmpnav.law.base import Answer, Decision, Inquiry
from atmpnav.law.judgements import judged


def minimal_manipulation(c: Inquiry, override: str) -> Answer:
    """Whether processing is only minimal; ``override`` is the jurisdiction's own fact."""
    given = c.fact(override)
    if given is not None:
        return Answer(given, "As stated: minimally manipulated." if given else "As stated: more than minimally "
                      "manipulated.", (override,))
    steps = c.fact("cells_or_tissues.manipulations")
    if steps is None:
        return Answer(None, "The processing steps are not known.", ("cells_or_tissues.manipulations", override),
                      missing=("cells_or_tissues.manipulations",))
    beyond = [m.value for m in steps if m in SUBSTANTIAL_MANIPULATIONS]
    if beyond:
        return Answer(False, f"{', '.join(beyond)}: more than minimal manipulation.",
                      ("cells_or_tissues.manipulations", override))
    open_steps = [m.value for m in steps if m not in ANNEX_I_MANIPULATIONS]
    if open_steps:
        return Answer(None, f"Whether {', '.join(open_steps)} is more than minimal manipulation is judged case "
                      "by case.", ("cells_or_tissues.manipulations", override), missing=(override,))
    described = ", ".join(m.value for m in steps) or "no processing"
    return Answer(True, f"Only minimal processing ({described}).", ("cells_or_tissues.manipulations", override))


def homologous_use(c: Inquiry, override: str) -> Answer:
    """Whether the cells do the same basic function in the recipient; ``override`` is the jurisdiction's fact."""
    value, derived = c.fact(override), ""
    paths: tuple[str, ...] = (override,)
    if value is None:
        value = judged(c, "cells_or_tissues.same_essential_function")
        paths = (override, "cells_or_tissues.same_essential_function")
    if value is None:
        # From the observable facts (source tissue, cell type, intended action), as the EU rules derive it.
        from atmpnav.law.eu.essential_function import derive_same_function

        derivation = derive_same_function(c)
        value, paths = derivation.value, (*paths, *derivation.facts)
        derived = f"Derived: {derivation.because}. "
    if value is None:
        return Answer(None, "Whether the use is homologous is not known.", paths, missing=(override,))
    return Answer(value, derived + ("The same basic function as in the donor: homologous use." if value else
                  "A different function from the one in the donor: non-homologous use."), paths)


def state_uncertain(c: Inquiry) -> None:
    """Say in the notes where a rule built on an uncertain reading answered 'no'.

    The engine already notes uncertain rules that answered yes or a value; a 'no' from a [U] rule decides
    just as much, so it is stated too (once).
    """
    for record in c.steps:
        rule = record.rule
        uncertain = rule.confidence == "U" or rule.reading.startswith("[U]")
        note = f"{rule.id}: {rule.reading}"
        if uncertain and rule.reading and record.answer.value is False and note not in c.notes:
            c.notes.append(note)


def stating_uncertain(decide: Callable[[Inquiry], Decision]) -> Callable[[Inquiry], Decision]:
    """The procedure ``decide`` followed, once it has decided, by :func:`state_uncertain`."""

    def procedure(c: Inquiry) -> Decision:
        decision = decide(c)
        state_uncertain(c)
        return decision

    return procedure


def in_force(c: Inquiry, rule_id: str) -> bool:
    """Whether some version of ``rule_id`` applies on the inquiry's date (for tiers introduced later)."""
    return any(rule.applies_on(c.as_of) for rule in c.ruleset.rules.get(rule_id, []))


def same_function(c: Inquiry) -> bool | None:
    """The stated ``same_essential_function``, or else the value the observable facts give (None if neither)."""
    stated = judged(c, "cells_or_tissues.same_essential_function")
    if stated is not None:
        return stated
    from atmpnav.law.eu.essential_function import derive_same_function

    return derive_same_function(c).value
