"""South Korea (MFDS / MOHW): the Advanced Regenerative Bio Act and its Enforcement Decree.

Act on the Safety of and Support for Advanced Regenerative Medicine and Advanced Biological Products
(Act No. 16556, 27 Aug 2019, in force 28 Aug 2020). Decision order (domain-part2.md §B.6): a medicine for
people? → human cells etc. (Art 2(2)), outside the human tissue and organ laws → not only minimally
manipulated (Art 2(1) proviso) → the kind of therapy (Decree Art 2(1)) → an advanced biological product
(Art 2(5)). Outcomes: contract-part2.md §1; every `advanced biological product: …` outcome is advanced.
"""

from __future__ import annotations

from datetime import date

from atmpnav.facts import (
    CellForm,
    CellSource,
    ClaimedPurpose,
    ProductRole,
    SpecialCategory,
)
from atmpnav.law.base import Answer, Decision, Inquiry, Rule, RuleSet
from atmpnav.law.judgements import judged
from atmpnav.law.processing import minimal_manipulation, stating_uncertain
from atmpnav.law.shared_tests import (
    finished_product_for_people,
    gene_therapy_by_sequence,
    has_cells,
    nucleic_acid_present,
)

ACT_IN_FORCE = date(2020, 8, 28)
TREATMENT_SYSTEM = date(2025, 2, 21)  # Act No. 20331 (promulgated 2024-02-20) takes effect

ACT = "Advanced Regenerative Bio Act (Act No. 16556)"
DECREE = "Enforcement Decree of the Advanced Regenerative Bio Act (Presidential Decree No. 30979)"

ABP = "advanced biological product"
CELL, GENE, TISSUE, COMBINATION = (f"{ABP}: cell therapy", f"{ABP}: gene therapy", f"{ABP}: tissue engineering",
                                   f"{ABP}: combination")
NOT_ABP = "not an advanced biological product"

KR = RuleSet(
    jurisdiction="KR",
    name="South Korea",
    version="kr-2026.12",
    advanced_outcomes=frozenset({CELL, GENE, TISSUE, COMBINATION}),
    outcomes=(CELL, GENE, TISSUE, COMBINATION, NOT_ABP, "undetermined"),
    subsidiary_rules=frozenset({"KR-4"}),
    sources=(
        "Act on the Safety of and Support for Advanced Regenerative Medicine and Advanced Biological Products "
        "(Act No. 16556, as amended by Act No. 17472 and Act No. 20331), Arts 1-2 (KLRI English text)",
        f"{DECREE} (as amended to Presidential Decree No. 33671, 2023-08-16), Art 2 (KLRI English text)",
        "WTO TBT notifications KOR/727 (2017 bill), KOR/891 and KOR/893 (2020 rules and decree)",
        "KOTRA summary of the 2024 amendment (treatment system from 2025-02-21)",
    ),
    sources_as_of="Act and Decree as published in English by KLRI (Act as amended 2020-08-11; Decree as amended "
    "2023-08-16); the enacted wording of Art 2(5) and the articles on expedited and conditional approval were not "
    "read (our research of mid-2026).",
)
rule = KR.define


@rule(
    "KR-S1",
    title="A medicine for people",
    question="Is the product itself given to patients (rather than a starting material or a reagent)?",
    citation="Pharmaceutical Affairs Act, Art 2(4) ('drug'); " + f"{ACT}, Art 2(5)",
    confidence="K",
    valid_from=ACT_IN_FORCE,
)
def medicine(c: Inquiry) -> Answer:
    return finished_product_for_people(
        c, starting_material="A starting material is controlled within the finished product's approval.",
        outside_body="Used only outside the body: not itself a medicine.", yes="A product given to patients.")


@rule(
    "KR-S2",
    title="Another regime: organs, reproductive cells, blood, vaccines, other medicines",
    question="Is it an organ, gametes or embryos, blood or a blood component, a vaccine, or a medicine without "
    "cells or gene transfer?",
    citation=f"{ACT}, Art 2(2) proviso; Internal Organs Transplant Act, Art 4(1); Bioethics and Safety Act; "
    "Blood Management Act; Pharmaceutical Affairs Act, Art 31",
    confidence="K",
    valid_from=ACT_IN_FORCE,
    reading="Organs are excluded from 'human cells etc.' by Art 2(2) (read); gametes and embryos, blood "
    "components and vaccines are read as left to their own laws.",
)
def other_regime(c: Inquiry) -> Answer:
    special = c.fact("special_category")
    if special == SpecialCategory.organ_for_transplant:
        return Answer("organ", "Organs under the Internal Organs Transplant Act are not 'human cells etc.'.",
                      ("special_category",))
    if special == SpecialCategory.reproductive_cells_embryos:
        return Answer("reproductive", "Gametes and embryos are governed by the Bioethics and Safety Act.",
                      ("special_category",))
    if judged(c, "vaccine_against_infectious_disease"):
        return Answer("vaccine", "A vaccine is a biological product under the Pharmaceutical Affairs Act.",
                      ("vaccine_against_infectious_disease",))
    if c.fact("cells_or_tissues.blood_component"):
        return Answer("blood", "Blood and blood components fall under the Blood Management Act.",
                      ("cells_or_tissues.blood_component",))
    return Answer("medicine", "Neither human cells nor gene transfer: an ordinary (biological or chemical) medicine "
                  "under the Pharmaceutical Affairs Act.", ("nucleic_acid.origin", "cells_or_tissues.form"))


@rule(
    "KR-2",
    title="Human cells etc.",
    question="Does the product use human cells (stem, haematopoietic stem, somatic or immune cells) or xenogeneic "
    "cells, rather than human tissue under the Human Tissue Act?",
    citation=f"{ACT}, Art 2(2); Safety and Management of Human Tissue Act, Art 3(1)",
    confidence="V",
    valid_from=ACT_IN_FORCE,
    reading="Structural tissue grafts (bone, skin, cartilage, tendon, amnion…) that are only minimally processed are "
    "read as human tissue under the Human Tissue Act; cell-derived material (vesicles, lysates, secretome) is not "
    "cells.",
)
def human_cells(c: Inquiry) -> Answer:
    paths = ("cells_or_tissues.form", "cells_or_tissues.structural_tissue", "cells_or_tissues.manipulations")
    form = c.fact("cells_or_tissues.form")
    if form is None:
        return Answer(None, "The form of the cellular material is not known.", paths,
                      missing=("cells_or_tissues.form",))
    if form != CellForm.intact_cells:
        return Answer(False, "Material derived from cells, not cells: a biological product under the "
                      "Pharmaceutical Affairs Act.", paths)
    if c.fact("cells_or_tissues.source") == CellSource.xenogeneic:
        return Answer(True, "Xenogeneic cells are 'human cells etc.' (Art 2(2)).", paths)
    structural = c.fact("cells_or_tissues.structural_tissue")
    if structural:
        minimal = minimal_manipulation(c, "cells_or_tissues.minimally_manipulated_kr")
        if minimal.value is None:
            return Answer(None, minimal.because, paths, missing=minimal.missing)
        if minimal.value:
            return Answer(False, "Minimally processed human tissue: regulated under the Human Tissue Act, not as "
                          "'human cells etc.'.", paths)
    return Answer(True, "Human cells (stem, somatic or immune cells).", paths)


@rule(
    "KR-1",
    title="Not only minimal manipulation",
    question="Is the processing more than simple separation, cleaning, freezing, thawing or other minimal "
    "manipulation that keeps the cells' biological properties?",
    citation=f"{ACT}, Art 2(1) proviso",
    confidence="V",
    valid_from=ACT_IN_FORCE,
    reading="The proviso excludes minimally manipulated procedures from advanced regenerative medicine; it is "
    "applied to products too (a minimally manipulated cell product is not an advanced biological product). "
    "Processing is derived from the steps unless stated.",
)
def beyond_minimal(c: Inquiry) -> Answer:
    found = minimal_manipulation(c, "cells_or_tissues.minimally_manipulated_kr")
    if found.value is None:
        return found
    return Answer(not found.value, found.because, found.facts)


def _gene_transfer(c: Inquiry) -> Answer:
    no_transfer = "No genetic material is transferred to be expressed (a synthetic oligonucleotide or a natural " \
        "organism)."
    return gene_therapy_by_sequence(
        c, ("nucleic_acid.origin", "nucleic_acid.vehicle", "nucleic_acid.effect_from_sequence",
            "nucleic_acid.genome_editing"),
        edits="Genetic material is altered: gene therapy.", natural=no_transfer, synthetic=no_transfer,
        yes="Genetic material is transferred into the body, or into cells that are then given.",
        no="The nucleic acid is not what acts.",
        unknown="Whether the effect comes from the transferred genetic material is not known.")


@rule(
    "KR-3",
    title="Kind of advanced regenerative therapy",
    question="Is it cell therapy, gene therapy, tissue-engineering therapy, or convergence therapy (a mixture of "
    "these, or combined with a medical device)?",
    citation=f"{DECREE}, Art 2(1)",
    confidence="V",
    valid_from=ACT_IN_FORCE,
    reading="Genetically modified cells are gene therapy (Art 2(1)2, 'cells in which genetic material is "
    "transformed'); cultured cells presented to regenerate, restore or replace tissue are tissue engineering; "
    "an integral part that is a medical device in its own right makes it convergence therapy (Art 2(1)4(b)); a "
    "carrier with no medical purpose of its own does not.",
)
def kind(c: Inquiry) -> Answer:
    paths = ("nucleic_acid.present", "device.present", "device.integral", "device.own_medical_purpose",
             "claimed_purpose")
    gene: bool | str = False
    if c.fact("nucleic_acid.present") is True:
        transfer = _gene_transfer(c)
        if transfer.value is None:
            return Answer(None, transfer.because, paths + transfer.facts, missing=transfer.missing)
        gene = transfer.value
    device = c.fact("device.present") is True and c.fact("device.integral") is not False
    if device and c.fact("device.own_medical_purpose") is None:
        return Answer(None, "Whether the device part is a medical device in its own right is not known.", paths,
                      missing=("device.own_medical_purpose",))
    if device and c.fact("device.own_medical_purpose"):
        return Answer("convergence", "Combined with a medical device: convergence therapy (Art 2(1)4(b)).", paths)
    if gene:
        return Answer("gene", "Transfers genetic material, or genetically modified cells: gene therapy "
                      "(Art 2(1)2).", paths)
    purpose = c.fact("claimed_purpose")
    if purpose == ClaimedPurpose.regenerate_repair_replace:
        return Answer("tissue engineering", "Cells engineered to regenerate, restore or replace tissue: "
                      "tissue-engineering therapy (Art 2(1)3).", paths)
    if purpose is None:
        return Answer(None, "What the product is for is not known.", paths, missing=("claimed_purpose",))
    return Answer("cell", "Treatment using human or animal cells: cell therapy (Art 2(1)1).", paths)


@rule(
    "KR-G1",
    title="Gene therapy without cells",
    question="Does the product transfer genetic material into the body to be expressed, or edit the genome?",
    citation=f"{DECREE}, Art 2(1)2",
    confidence="V",
    valid_from=ACT_IN_FORCE,
)
def gene_therapy(c: Inquiry) -> Answer:
    return _gene_transfer(c)


@rule(
    "KR-4",
    title="Advanced biological product",
    question="Is it a cell therapy, gene therapy, tissue-engineered or advanced combination product (or another "
    "product designated by MFDS)?",
    citation=f"{ACT}, Art 2(5)",
    confidence="K",
    valid_from=ACT_IN_FORCE,
    reading="The categories are those of the 2017 bill as notified to the WTO (KOR/727) and the Decree's kinds of "
    "therapy; the enacted wording of Art 2(5) was not read.",
)
def advanced_product(c: Inquiry) -> Answer:
    return Answer(True, "An advanced biological product, approved by MFDS.")


KR.add(Rule("KR-5", "Obligations for advanced biological products", "Which licences and follow-up duties apply?",
            f"{DECREE}, Arts 31, 32 and 34-36", "V", None, valid_from=ACT_IN_FORCE))
KR.add(Rule("KR-6", "Advanced regenerative medical treatment", "May an approved institution use advanced "
            "regenerative medicine in treatment after committee review?", f"{ACT} as amended by Act No. 20331",
            "V", None, valid_from=TREATMENT_SYSTEM))
KR.add(Rule("KR-7", "Expedited review and conditional approval", "Can MFDS review the product rapidly or approve it "
            "on conditions?", f"{ACT}, Chapter on advanced biological products (article numbers not verified)",
            "U", None, valid_from=ACT_IN_FORCE,
            reading="[U] MFDS has expedited review and conditional approval for advanced biological products; the "
            "article numbers were not read."))
KR.add(Rule("KR-8", "Decision procedure (South Korea)", "In which order are the Korean questions asked?",
            f"{ACT}, Art 2; {DECREE}, Art 2 (the order of the questions)", "K", None,
            valid_from=ACT_IN_FORCE))

_OUTCOME = {"cell": CELL, "gene": GENE, "tissue engineering": TISSUE, "convergence": COMBINATION}


def _advanced(c: Inquiry, therapy: str) -> Decision:
    c.ask("KR-4")
    return Decision(_OUTCOME[therapy], "mfds_approval")


def _decide(c: Inquiry) -> Decision:
    if not c.ask("KR-S1"):
        return Decision(NOT_ABP, "starting_material" if c.fact("product_role") == ProductRole.starting_material
                        else "not_for_human_administration")
    special = c.fact("special_category")
    if special in {SpecialCategory.organ_for_transplant, SpecialCategory.reproductive_cells_embryos} or \
            judged(c, "vaccine_against_infectious_disease"):
        regime = c.ask("KR-S2")
        return Decision(NOT_ABP, {"organ": "organ_transplant_act", "reproductive": "bioethics_and_safety_act",
                                  "vaccine": "pharmaceutical_affairs_act"}[str(regime)])
    if nucleic_acid_present(c) and not has_cells(c) and c.ask("KR-G1"):
        c.ask("KR-3")
        return _advanced(c, "gene")
    if not has_cells(c):
        c.ask("KR-S2")
        return Decision(NOT_ABP, "pharmaceutical_affairs_act")
    if c.fact("cells_or_tissues.present") is None:
        c.need("cells_or_tissues.present")
    if c.fact("cells_or_tissues.blood_component"):
        c.ask("KR-S2")
        return Decision(NOT_ABP, "blood_management_act")
    if not c.ask("KR-2"):
        if c.fact("cells_or_tissues.form") == CellForm.intact_cells:
            return Decision(NOT_ABP, "human_tissue_act")
        return Decision(NOT_ABP, "pharmaceutical_affairs_act")
    if not c.ask("KR-1"):
        # Not an advanced biological product either way; the regime is named only when the facts say which.
        known = c.fact("cells_or_tissues.blood_component") is False and \
            c.fact("cells_or_tissues.structural_tissue") is False
        return Decision(NOT_ABP, "medical_practice" if known else "other")
    return _advanced(c, str(c.ask("KR-3")))


KR.procedure = stating_uncertain(_decide)
