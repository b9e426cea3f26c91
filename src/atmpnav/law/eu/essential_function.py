"""Same essential function (homologous use): Part IV, 2.2(a); Art 2(1)(c), second indent."""

from __future__ import annotations

from atmpnav.law.base import Answer, Inquiry
from atmpnav.law.eu.common import (
    ATMP_REGULATION,
    DIR,
    REG,
    rule,
)

# --- Essential function (rules.md §1.5) ------------------------------------------------------


@rule(
    "EU-F1",
    title="Non-homologous use",
    question="Are the cells intended for a different essential function in the recipient than in the donor?",
    citation=f"{DIR}, 2.2(a); {REG}, Art 2(1)(c), second indent",
    confidence="V",
    valid_from=ATMP_REGULATION,
)
def non_homologous(c: Inquiry) -> Answer:
    same = c.fact("cells_or_tissues.same_essential_function")
    path = "cells_or_tissues.same_essential_function"
    if same is False:
        return Answer(True, "The cells are used for a different essential function: they count as engineered "
                      "even without substantial manipulation.", (path,))
    if same is True:
        return Answer(False, "The cells do the same essential job in the recipient as in the donor.", (path,))
    return Answer(None, "Whether the cells keep their essential function is not known.", (path,), missing=(path,),
                  ambiguities=("A2",))


@rule(
    "EU-F2",
    title="Operational test of essential function",
    question="Comparing the cells' function in their original place in the donor with the function claimed in "
    "the recipient: is it the same?",
    citation="CAT Reflection paper EMA/CAT/600280/2010 Rev.1, §2.2.3",
    confidence="K",
    valid_from=ATMP_REGULATION,
    ambiguities=("A2", "A20"),
)
def function_comparison(c: Inquiry) -> Answer:
    same = c.fact("cells_or_tissues.same_essential_function")
    return Answer(bool(same), "Same essential function." if same else "Different essential function.",
                  ("cells_or_tissues.same_essential_function", "indication"))


@rule(
    "EU-F3",
    title="Haematopoietic anchor cases (CAT 2011)",
    question="Are these marrow or blood-derived cells used for haematopoietic reconstitution (same function) or "
    "for something else (different function)?",
    citation="CAT recommendations Nov 2011 on autologous BM-MNC and CD133+ cells (Cuende et al., Stem Cells "
    "Transl Med 2012;1:403)",
    confidence="V",
    valid_from=ATMP_REGULATION,
    ambiguities=("A2",),
)
def haematopoietic_anchor(c: Inquiry) -> Answer:
    same = c.fact("cells_or_tissues.same_essential_function")
    if same:
        return Answer(True, "Marrow or blood stem cells rebuilding blood formation keep their essential function.",
                      ("cells_or_tissues.tissue_origin", "cells_or_tissues.same_essential_function"))
    return Answer(False, "CAT classified marrow cells used to regenerate other tissue (e.g. ischaemic heart) as "
                  "TEP: not their essential function. The view is contested (A2, EU-F4).",
                  ("cells_or_tissues.tissue_origin", "cells_or_tissues.same_essential_function"),
                  ambiguities=("A2",))


@rule(
    "EU-F5",
    title="Anatomical site alone is not decisive",
    question="Are the cells used at another site but for the same function?",
    citation="rules.md EU-F5 (national practice varies)",
    confidence="U",
    valid_from=ATMP_REGULATION,
    reading="[U] Treated as homologous when the function is the same (e.g. islets infused into the portal vein).",
)
def other_site(c: Inquiry) -> Answer:
    return Answer(True, "Another anatomical site with the same function counts as homologous use.",
                  ("cells_or_tissues.different_site", "cells_or_tissues.same_essential_function"))
