"""Demarcations: the regimes that take gene, cell and tissue products outside the ATMP rules."""

from __future__ import annotations

from typing import cast

from atmpnav.facts import AdministrationRoute, CellSource, IntendedAction, Viability
from atmpnav.law.base import Answer, Confidence, Inquiry, Rule
from atmpnav.law.eu.common import (
    ATMP_REGULATION,
    BEFORE_SOHO,
    DIR,
    EU,
    MDD,
    MDR,
    REG,
    SOHO,
    SOHO_APPLIES,
    _applies,
    add_device_directive_version,
    rule,
)

# --- Demarcations -----------------------------------------------------------


def _tissues_cells(c: Inquiry) -> Answer:
    if c.fact("cells_or_tissues.viability") == Viability.non_viable:
        return Answer(True, "Non-viable human tissue acting physically is excluded from the TEP definition and, as "
                      "human tissue rather than a derivative of it, from the medical device rules: tissues and "
                      "cells law applies.", ("cells_or_tissues.viability", "cells_or_tissues.source"))
    return Answer(True, "Cells or tissues that are neither substantially manipulated nor used for another "
                  "essential function are not engineered: tissues and cells law applies.",
                  ("cells_or_tissues.substantially_manipulated", "cells_or_tissues.same_essential_function"))


EU.add(Rule("EU-X2", "Tissues and cells law", "Are the cells or tissues outside the ATMP definitions because they "
            "are neither substantially manipulated nor used for another function?",
            "Directive 2004/23/EC, Art 2(1); Regulation (EC) No 1394/2007, Art 3", "V", _tissues_cells,
            valid_from=ATMP_REGULATION, valid_to=BEFORE_SOHO))
EU.add(Rule("EU-X2", "Substances of human origin (SoHO)", "Are the cells or tissues outside the ATMP definitions "
            "because they are neither substantially manipulated nor used for another function?",
            f"{SOHO}, Art 2(1)(a) and Art 2(6); Regulation (EC) No 1394/2007, Art 3", "V",
            _tissues_cells, valid_from=SOHO_APPLIES))


def for_transfusion(c: Inquiry) -> bool | None:
    """Given into the circulation for a blood component's own job (Directive 2002/98/EC, Art 2(1))."""
    action = c.fact("cells_or_tissues.intended_action")
    if action == IntendedAction.transfusion:
        return True
    route = c.fact("administration_route")
    if route == AdministrationRoute.infusion:
        return True
    if route is not None:
        return False
    return None


def _blood(c: Inquiry) -> Answer:
    facts = ("cells_or_tissues.blood_component", "cells_or_tissues.intended_action", "administration_route")
    transfusion = for_transfusion(c)
    if transfusion:
        return Answer(True, "A blood component given by transfusion for its own function and not substantially "
                      "manipulated is regulated as blood, not as an ATMP.", facts)
    if transfusion is False:
        return Answer(False, "Not for transfusion: Directive 2002/98/EC covers the collection and testing of blood "
                      "whatever its purpose, but its processing, storage and distribution only when intended for "
                      "transfusion; the rest is national law (e.g. platelet-rich plasma injected into tissue).", facts)
    return Answer(None, "Whether the blood component is given by transfusion is not known.", facts,
                  missing=("administration_route",))


def _blood_soho(c: Inquiry) -> Answer:
    return Answer(True, "Blood and blood preparations, also those not used for transfusion (e.g. platelet-rich "
                  "plasma), are substances of human origin under the SoHO Regulation, not ATMPs.",
                  ("cells_or_tissues.blood_component",))


EU.add(Rule("EU-X3", "Blood and blood components", "Is it blood or a blood component, not substantially "
            "manipulated, given by transfusion for its own function?", "Directive 2002/98/EC, Art 2(1)", "V", _blood,
            valid_from=ATMP_REGULATION, valid_to=BEFORE_SOHO))
EU.add(Rule("EU-X3", "Blood and blood components (SoHO)", "Is it blood or a blood preparation, not substantially "
            "manipulated and used for its own function?", f"{SOHO}, Art 2(1) and Art 3", "V", _blood_soho,
            valid_from=SOHO_APPLIES))


def _device_status(c: Inquiry, animal: str, human: str) -> Answer:
    facts = ("cells_or_tissues.source", "cells_or_tissues.viability")
    if c.fact("cells_or_tissues.source") == CellSource.xenogeneic:
        return Answer(True, animal, facts)
    return Answer(False, human, facts)


@rule(
    "EU-X1",
    title="Medical devices",
    question="Is the non-viable product a medical device rather than a medicinal product or tissue?",
    citation=f"{MDR}, Art 1(6)(f) and (g), Art 2(17)",
    confidence="K",
    valid_from=ATMP_REGULATION,
    ambiguities=("A9",),
)
def medical_device(c: Inquiry) -> Answer:
    return _device_status(
        c,
        "Animal tissue rendered non-viable and acting physically is within the MDR (Art 1(6)(f)): a medical device.",
        "Human tissues and cells covered by Directive 2004/23/EC are outside the MDR (Art 1(6)(g)); it reaches only "
        "derivatives, i.e. non-cellular substances extracted from human tissue (Art 2(17)). Non-viable human tissue "
        "such as an acellular matrix or demineralised bone stays in the tissues regime.",
    )


add_device_directive_version(EU, "EU-X1", f"{MDD}: Directive 93/42/EEC, Art 1(5)(f) and (g)")


def _same_surgery(c: Inquiry) -> Answer:
    facts = ("cells_or_tissues.same_surgical_procedure", "cells_or_tissues.source")
    return Answer(True, "An autologous graft used within the same surgical procedure is excluded from the tissues "
                  "and cells Directive: if it is not an ATMP, national law and the practice of medicine govern it. "
                  "The exclusion never takes an ATMP out of the ATMP rules.", facts)


def _same_surgery_soho(c: Inquiry) -> Answer:
    facts = ("cells_or_tissues.same_surgical_procedure", "cells_or_tissues.source")
    return Answer(True, "Autologous SoHO used in the same procedure are within the SoHO Regulation (with lighter "
                  "requirements where no storage or processing takes place); they are still not ATMPs unless "
                  "engineered.", facts)


EU.add(Rule("EU-X16", "Autologous use in the same surgical procedure", "Are the patient's own tissues or cells "
            "removed and re-applied within the same surgical procedure?", "Directive 2004/23/EC, Art 2(2)(a)", "V",
            _same_surgery, valid_from=ATMP_REGULATION, valid_to=BEFORE_SOHO,
            reading="There is no EU equivalent of 21 CFR 1271.15(b) for ATMPs: point-of-care processing that "
            "substantially manipulates the cells, or uses them for another function, makes an ATMP."))
EU.add(Rule("EU-X16", "Autologous use in the same surgical procedure (SoHO)", "Are the patient's own tissues or "
            "cells removed and re-applied within the same surgical procedure?", f"{SOHO}, Art 2 (scope)", "U",
            _same_surgery_soho, valid_from=SOHO_APPLIES,
            reading="[U] The SoHO Regulation's specific provisions for autologous use in the same procedure were "
            "not located article by article; its scope covers such SoHO."))


for _id, _title, _q, _cit, _conf, _because in [
    ("EU-X4", "Infectious-disease vaccines", "Is it a vaccine against an infectious disease?",
     "Directive 2001/83/EC, Annex I, Part IV, 2.1, second paragraph", "V",
     "Regulated as a vaccine under the general rules for medicinal products."),
    ("EU-X5", "Chemically synthesised oligonucleotides", "Is it a chemically synthesised oligonucleotide?",
     "Directive 2001/83/EC, Annex I, Part IV, 2.1 ('biological', 'recombinant')", "K",
     "Regulated as a chemical medicinal product."),
    ("EU-X6", "mRNA", "Is it in vitro transcribed mRNA?", f"{DIR}, 2.1(a); CAT practice (Guerriaud & Kohli, "
     "Front Med 2022)", "V",
     "IVT mRNA is a GTMP unless it is a vaccine against an infectious disease."),
    ("EU-X7", "GMOs and bacteria", "Is it a genetically modified micro-organism acting through its recombinant "
     "sequence?", "EMA GTMP guidance; Directives 2001/18/EC and 2009/41/EC apply in parallel", "K",
     "A GM micro-organism acting through its recombinant sequence is a GTMP; GMO rules apply in parallel and "
     "do not decide the classification."),
    ("EU-X8", "Bacteriophages", "Is it a bacteriophage?", "Directive 2001/83/EC, Annex I, Part IV, 2.1(a) "
     "('in … human beings')", "U", "Natural phages are not ATMPs; engineered phages are an open question (A13)."),
    ("EU-X9", "Extracellular vesicles, secretome, conditioned media", "Is it a cell-free derivative such as "
     "vesicles or conditioned medium?", f"{DIR}, 2.2 (no intact cells); ISEV position paper, "
     "J Extracell Vesicles 2015;4:30087",
     "U", "Cell-free derivatives cannot be sCTMPs or TEPs: non-ATMP biological medicinal products."),
    ("EU-X10", "Cell lysates and cell-derived proteins", "Is it a cell lysate or cell-derived protein?",
     f"{DIR}, 2.2 (no intact cells); {REG}, Art 2(1)(b)", "U",
     "Lysates contain no intact cells: non-ATMP biological medicinal products."),
    ("EU-X11", "Xenogeneic cells and tissues", "Are the cells animal cells?", f"{REG}, Art 2(1)(b); "
     "Regulation (EU) 2017/745, Art 1(6)(f)", "U", "Animal cells may be sCTMP or TEP; minimally manipulated "
     "animal cells used for the same function are an open question (A10)."),
    ("EU-X12", "Anucleate products", "Is the product anucleate (e.g. in vitro platelets)?",
     "EMA classification of in vitro-derived platelets (IPQ report)", "V",
     "Anucleate products are not cells in the sense of the definitions: not ATMPs."),
]:
    EU.add(Rule(_id, _title, _q, _cit, cast(Confidence, _conf), _applies(_because),
                valid_from=ATMP_REGULATION))
