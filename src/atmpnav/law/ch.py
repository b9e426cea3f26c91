"""Swiss rule set (Swissmedic): Transplantation Act and Ordinance, Therapeutic Products Act.

Rules follow domain-part2.md §B.2 (CH-1 … CH-5) and rules.md §3. Swiss law has no statutory "ATMP"
category [U]: cells and tissues are *transplant products* when substantially manipulated or used
for another function, and all products from animal cells are (TxV Art 2(1)(c)-(d) [V]); the TxG
then applies the Therapeutic Products Act (Art 49 TxG [V]). Swissmedic's administrative ATMP
notion is broader than the EU's: it includes gene therapy products and "other nucleic-acid-based
products" (oligonucleotides, vectors, mRNA including mRNA vaccines, antisense RNA) [V].

Outcomes (contract-part2.md §1): ``transplant product``, ``gene therapy product``,
``nucleic-acid medicinal product``, ``transplant (not a product)``, ``not ATMP``, ``undetermined``.
``advanced`` is true for a transplant product or a gene therapy product (the contract's definition);
a nucleic-acid medicinal product is inside Swissmedic's ATMP notion but not ``advanced`` (said in
the verdict's notes).
"""

from __future__ import annotations

from datetime import date

from atmpnav.facts import (
    ANNEX_I_MANIPULATIONS,
    CellForm,
    CellSource,
    ClaimedPurpose,
    GenomeEditing,
    Manipulation,
    ModeOfAction,
    NucleicAcidOrigin,
    SpecialCategory,
    Vehicle,
    Viability,
)
from atmpnav.law.base import Answer, Decision, Inquiry, Rule, RuleSet
from atmpnav.law.judgements import judged, judged_answer, missing_for
from atmpnav.law.shared_tests import cells_present, finished_medical_product, nucleic_acid_present

TXG = date(2007, 7, 1)  # Transplantation Act (SR 810.21) in force [K]
TRANSPLANT_PRODUCTS = date(2020, 1, 1)  # 'transplant products' replace 'standardised transplants' [V]
BEFORE_2020 = date(2019, 12, 31)
TPA_2A = date(2021, 5, 26)  # TPA Art 2a (devitalised human tissue) with the medical devices revision [K]

TXV = "TxV (SR 810.211)"
TXG_ = "TxG (SR 810.21)"
TPA = "TPA (SR 812.21)"
SWISSMEDIC_ATMP = "Swissmedic, 'Advanced Therapy Medicinal Products' (innovation office information)"

CH_OUTCOMES = ("transplant product", "gene therapy product", "nucleic-acid medicinal product",
               "transplant (not a product)", "not ATMP", "undetermined")

CH = RuleSet(
    jurisdiction="CH",
    name="Switzerland (Swissmedic)",
    version="ch-2026.12",
    advanced_outcomes=frozenset({"transplant product", "gene therapy product"}),
    outcomes=CH_OUTCOMES,
    sources=(
        "Transplantation Act (TxG, SR 810.21), Art 49 (droit-bilingue.ch)",
        "Transplantation Ordinance (TxV, SR 810.211), Art 2(1)(c)-(d) (Swissmedic definitions page)",
        "Therapeutic Products Act (TPA/HMG, SR 812.21), Arts 2a, 4, 5, 9",
        "Swissmedic innovation office page on ATMPs (transplant products, gene therapy, other nucleic-acid products)",
        "Gene Technology Act (GTA, SR 814.91) Art 5(2); Release Ordinance (SR 814.911); Containment Ordinance",
        "Federal Administrative Court C-6485/2016 (19 March 2019)",
    ),
    subsidiary_rules=frozenset({"CH-3"}),
    sources_as_of="Read as published up to June 2026. Not found: the TxV article on the "
    "autologous notification, any hospital-exemption-like route for transplant products, a statutory definition of "
    "'gene therapy product'.",
    open_question_advice="Swissmedic's innovation office answers classification questions before a submission.",
)
rule = CH.define


def _paths(*names: str) -> tuple[str, ...]:
    return tuple(names)


@rule(
    "CH-S1",
    title="Therapeutic product for human use",
    question="Is the product itself administered to humans as a therapeutic product (not a starting material, "
    "reagent or product without a medical claim)?",
    citation=f"{TPA} Art 4(1)(a) (medicinal products); {TXG_} Art 2(1) (scope: transplantation to humans)",
    confidence="K",
    valid_from=TXG,
)
def therapeutic_product(c: Inquiry) -> Answer:
    return finished_medical_product(
        c, starting_material="A starting material is controlled within the finished product's authorisation.",
        not_administered="Not administered to humans.",
        no_medical_claim="No medical claim: not a medicinal product by presentation.",
        yes="The finished product is given to patients.")


@rule(
    "CH-S5",
    title="Tissue and cell products are never cosmetics",
    question="Does a cosmetic claim concern a product made from human cells or tissues?",
    citation=f"{SWISSMEDIC_ATMP} (tissue or cell products are never cosmetics)",
    confidence="V",
    valid_from=TXG,
)
def never_cosmetic(c: Inquiry) -> Answer:
    return Answer(True, "A product made from human cells or tissues is assessed under the transplantation and "
                  "therapeutic products law whatever its claim.", _paths("claimed_purpose", "cells_or_tissues.source"))


@rule(
    "CH-O1",
    title="Organs, gametes and embryos",
    question="Is the product a human organ for transplantation, or gametes or embryos?",
    citation=f"{TXG_} Art 2(1) and Art 3 (organs); Reproductive Medicine Act (FMedG, SR 810.11) for gametes and "
    "embryos",
    confidence="K",
    valid_from=TXG,
)
def organ_or_gametes(c: Inquiry) -> Answer:
    special = c.fact("special_category")
    if special == SpecialCategory.organ_for_transplant:
        return Answer("organ", "A human organ for transplantation is a transplant under the TxG, not a product.",
                      ("special_category",))
    if special == SpecialCategory.reproductive_cells_embryos:
        return Answer("gametes", "Gametes and embryos fall under the reproductive medicine law.", ("special_category",))
    return Answer(False, "Neither an organ nor gametes or embryos.", ("special_category",))


@rule(
    "CH-N1",
    title="Other nucleic-acid-based products",
    question="Is it a nucleic-acid-based product that is not a gene therapy product (an oligonucleotide, antisense "
    "RNA, mRNA including an mRNA vaccine, or a vector-based vaccine)?",
    citation=f"{SWISSMEDIC_ATMP} ('other nucleic-acid-based products'); {TPA} Art 9 (authorisation)",
    confidence="V",
    valid_from=TXG,
    reading="Swissmedic counts these among its ATMPs; the contract's 'advanced' (transplant or gene therapy "
    "product) does not. Vector-based infectious-disease vaccines are read as in this group [K].",
)
def other_nucleic_acid(c: Inquiry) -> Answer:
    vehicle = c.fact("nucleic_acid.vehicle")
    origin = c.fact("nucleic_acid.origin")
    paths = _paths("nucleic_acid.origin", "nucleic_acid.vehicle", "vaccine_against_infectious_disease")
    if judged(c, "vaccine_against_infectious_disease"):
        return Answer(True, "A nucleic-acid-based vaccine against an infectious disease (e.g. an mRNA vaccine).", paths)
    if vehicle == Vehicle.mrna:
        return Answer(True, "An mRNA product: in Swissmedic's group of other nucleic-acid-based products.", paths)
    if origin == NucleicAcidOrigin.synthetic or vehicle == Vehicle.oligonucleotide:
        return Answer(True, "A synthetic oligonucleotide or antisense product.", paths)
    return Answer(True, "A nucleic-acid-based product whose effect does not come from regulating, repairing, "
                  "replacing, adding or deleting a genetic sequence.", paths)


@rule(
    "CH-G1",
    title="Gene therapy product",
    question="Does the product contain recombinant nucleic acid (or a genome editor) meant to regulate, repair, "
    "replace, add or delete a genetic sequence, with its effect coming from that sequence?",
    citation=f"{TPA} Art 4(1)(a); {SWISSMEDIC_ATMP} (gene therapy products); GTA (SR 814.91) Art 5(2)",
    confidence="U",
    valid_from=TXG,
    reading="[U] No statutory Swiss definition of 'gene therapy product' was retrieved; the EU-style definition "
    "(recombinant nucleic acid acting through its sequence; genome editing) is applied.",
)
def gene_therapy(c: Inquiry) -> Answer:
    paths = _paths("nucleic_acid.origin", "nucleic_acid.acts_on_genetic_sequence", "nucleic_acid.effect_from_sequence",
                   "nucleic_acid.genome_editing")
    if c.fact("nucleic_acid.genome_editing") in {GenomeEditing.nucleic_acid_encoded, GenomeEditing.protein_only}:
        return Answer(True, "It edits a genetic sequence.", paths)
    origin = c.fact("nucleic_acid.origin")
    if origin is None:
        return Answer(None, "How the nucleic acid is made is not known.", paths, missing=("nucleic_acid.origin",))
    if origin != NucleicAcidOrigin.recombinant:
        return Answer(False, "No recombinant nucleic acid.", paths)
    acts = c.fact("nucleic_acid.acts_on_genetic_sequence")
    if acts is None:
        return Answer(None, "Whether it acts on a genetic sequence is not known.", paths,
                      missing=("nucleic_acid.acts_on_genetic_sequence",))
    if not acts:
        return Answer(False, "It does not act on a genetic sequence.", paths)
    return judged_answer(c, "nucleic_acid.effect_from_sequence", paths,
                         yes="Its effect comes from the added or altered sequence.",
                         no="The added gene is ancillary (marker, safety switch, tool).",
                         unknown="Whether the effect comes from the sequence is not known.")


@rule(
    "CH-G2",
    title="Genetically modified cells are transplant products",
    question="Are human cells genetically modified outside the body before administration?",
    citation=f"{TXV} Art 2(1)(c)-(d) (genetic modification is substantial manipulation)",
    confidence="U",
    valid_from=TXG,
    reading="[U] Genetic modification makes cells a transplant product under the Ordinance's text; whether "
    "Swissmedic files ex vivo gene therapies as 'transplant products' or 'gene therapy products' was not "
    "checked. Either is inside the advanced regime, and gene technology law applies in parallel.",
)
def modified_cells(c: Inquiry) -> Answer:
    return Answer(True, "Cells genetically modified ex vivo are substantially manipulated cells: a transplant "
                  "product; the GMO rules apply in parallel.", _paths("nucleic_acid.vehicle",
                                                                        "cells_or_tissues.manipulations"))


_SUBSTANTIAL_CH = frozenset({Manipulation.expansion, Manipulation.genetic_modification, Manipulation.differentiation,
                             Manipulation.activation, Manipulation.antigen_loading, Manipulation.reprogramming})


@rule(
    "CH-2",
    title="Substantial manipulation",
    question="Are the cells or tissues expanded in culture, genetically modified, differentiated or activated?",
    citation=f"{TXV} Art 2(1)(d)",
    confidence="V",
    valid_from=TXG,
    reading="Antigen loading is read as activation and reprogramming as differentiation; steps like cutting, "
    "separation or freezing are not substantial [K]; other steps are judged case by case (asked).",
)
def substantial(c: Inquiry) -> Answer:
    given = judged(c, "cells_or_tissues.substantially_manipulated")
    steps = c.fact("cells_or_tissues.manipulations")
    paths = _paths("cells_or_tissues.manipulations", "cells_or_tissues.substantially_manipulated")
    if steps is not None:
        hit = [m.value for m in steps if m in _SUBSTANTIAL_CH]
        if hit:
            return Answer(True, f"{', '.join(hit)}: substantial manipulation.", paths)
        if all(m in ANNEX_I_MANIPULATIONS for m in steps) and given is None:
            return Answer(False, "Only steps such as cutting, separation, centrifugation or freezing.", paths)
    if given is not None:
        return Answer(given, "As stated." if given else "As stated: not substantially manipulated.", paths)
    if steps is None:
        return Answer(None, "The processing steps are not known.", paths, missing=("cells_or_tissues.manipulations",))
    return Answer(None, "A step that is judged case by case: does it change the cells' characteristics?", paths,
                  missing=missing_for(c, "cells_or_tissues.substantially_manipulated"))


@rule(
    "CH-F1",
    title="Same function in the recipient",
    question="Are the cells or tissues intended to perform the same function in the recipient as in the donor?",
    citation=f"{TXV} Art 2(1)(c)",
    confidence="V",
    valid_from=TXG,
)
def same_function(c: Inquiry) -> Answer:
    value = judged(c, "cells_or_tissues.same_essential_function")
    path = ("cells_or_tissues.same_essential_function",)
    if value is None:
        return Answer(None, "Whether the cells do the same job in the recipient is not known.", path,
                      missing=missing_for(c, path[0]))
    return Answer(value, "The same function." if value else "A different function in the recipient.", path)


def _transplant_product_test(c: Inquiry) -> Answer:
    if c.fact("cells_or_tissues.source") == CellSource.xenogeneic:
        return Answer(True, "A product from animal cells or tissues is always a transplant product.",
                      ("cells_or_tissues.source",))
    return Answer(True, "Human cells or tissues substantially manipulated or used for another function.",
                  ("cells_or_tissues.manipulations", "cells_or_tissues.same_essential_function"))


CH.add(Rule("CH-1", "Standardised transplant (legacy wording)", "Is it a 'standardised transplant' (the wording "
            "before 1 January 2020 for what is now a transplant product)?",
            f"{TXG_} Art 49 (version before 1 January 2020); VAM (SR 812.212.21) Arts 32-38 (historical)", "U",
            _transplant_product_test, valid_from=TXG, valid_to=BEFORE_2020,
            reading="[U] The pre-2020 text was not read in full; the current TxV criteria are applied to legacy "
            "dates and the outcome is named 'transplant product'."))
CH.add(Rule("CH-1", "Transplant product", "Is it a product from human organs, tissues or cells that are "
            "substantially manipulated or not used for the same function in the recipient, or any product from "
            "animal organs, tissues or cells?", f"{TXV} Art 2(1)(c)", "V", _transplant_product_test,
            valid_from=TRANSPLANT_PRODUCTS))


@rule(
    "CH-3",
    title="Therapeutic Products Act applies to transplant products",
    question="Does the TPA apply to the product, so that Swissmedic authorisation and an establishment licence "
    "are needed?",
    citation=f"{TXG_} Art 49(1) (TPA Arts 3, 5-32, 55-67, 84-90 apply); Federal Administrative Court C-6485/2016",
    confidence="V",
    valid_from=TXG,
)
def tpa_applies(c: Inquiry) -> Answer:
    return Answer(True, "Marketing authorisation (TPA Art 9) and an establishment licence (TPA Art 5) are needed; "
                  "Swissmedic inspects.")


@rule(
    "CH-4",
    title="Transplant, not a product",
    question="Are the cells or tissues neither substantially manipulated nor used for another function, so that the "
    "TxG's transplant rules (not the TPA) apply?",
    citation=f"{TXG_} (tissues and cells); {TXV} (autologous notification; article [U])",
    confidence="V",
    valid_from=TXG,
    reading="[U] The TxV article requiring prior notification of autologous preparation, storage, import or "
    "export to Swissmedic was not identified.",
)
def transplant_not_product(c: Inquiry) -> Answer:
    autologous = c.fact("cells_or_tissues.source") == CellSource.autologous
    return Answer(True, "Transplant rules of the TxG apply." + (" Preparing, storing, importing or exporting "
                  "autologous tissues or cells needs prior notification to Swissmedic." if autologous else ""),
                  ("cells_or_tissues.source",))


@rule(
    "CH-5",
    title="Devitalised human tissue",
    question="Is it made from devitalised (non-viable) human tissue or cells acting physically or structurally?",
    citation=f"{TPA} Art 2a",
    confidence="V",
    valid_from=TPA_2A,
)
def devitalised(c: Inquiry) -> Answer:
    mode = c.fact("cells_or_tissues.mode_of_action")
    path = ("cells_or_tissues.viability", "cells_or_tissues.mode_of_action")
    if mode is None:
        return Answer(None, "How the non-viable tissue acts is not known.", path,
                      missing=("cells_or_tissues.mode_of_action",))
    if mode == ModeOfAction.physical_structural:
        return Answer(True, "Devitalised human tissue acting physically: the TPA's medical device provisions "
                      "(Art 2a) apply, not the transplant product rules.", path)
    return Answer(False, "Non-viable cells acting pharmacologically, immunologically or metabolically.", path)


@rule(
    "CH-B1",
    title="Blood and blood products",
    question="Is it blood or a blood component without substantial manipulation?",
    citation=f"{TPA} Arts 34-36 (blood and labile blood products)",
    confidence="K",
    valid_from=TXG,
)
def blood(c: Inquiry) -> Answer:
    return Answer(True, "Blood and labile blood products follow the TPA's blood provisions.",
                  ("cells_or_tissues.blood_component",))


@rule(
    "CH-X1",
    title="Cell-derived products without cells",
    question="Is it a cell-free product derived from cells (vesicles, lysate, conditioned medium) or an anucleate "
    "product?",
    citation=f"{TPA} Art 4(1)(a); {TXV} Art 2(1)(c) ('products from' cells) [U]",
    confidence="U",
    valid_from=TXG,
    reading="[U] Whether cell-free derivatives of manipulated cells are 'products from cells' in TxV Art 2(1)(c) "
    "was not checked; they are treated as (biological) medicinal products, not transplant products.",
)
def cell_free(c: Inquiry) -> Answer:
    return Answer(True, "A cell-free product: assessed as a medicinal product under the TPA.",
                  ("cells_or_tissues.form",))


@rule(
    "CH-X2",
    title="Non-viable animal tissue",
    question="Is it non-viable animal tissue acting physically or structurally?",
    citation="Medical Devices Ordinance (MedDO, SR 812.213) [U]",
    confidence="U",
    valid_from=TXG,
    reading="[U] Devitalised animal tissue is read as a medical device (as under the EU MDR); the TxV animal limb "
    "is read as covering viable animal material.",
)
def animal_device(c: Inquiry) -> Answer:
    return Answer(True, "Devitalised animal tissue acting physically: medical device law.",
                  ("cells_or_tissues.source", "cells_or_tissues.viability"))


CH.add(Rule("CH-H1", "Hospital exemption for transplant products", "Is there a Swiss route like the EU hospital "
            "exemption for transplant products?", f"{TPA} Art 9(2) (formula-type exemptions) [U]", "U", None,
            valid_from=TXG, reading="[U] Not encoded: the text was not found in our research (to June 2026)."))


# --- The decision procedure -------------------------------------------------------------------


def _not_atmp(regime: str) -> Decision:
    return Decision("not ATMP", regime)


def _nucleic_acid(c: Inquiry, with_cells: bool) -> Decision | None:
    origin = c.fact("nucleic_acid.origin")
    vehicle = c.fact("nucleic_acid.vehicle")
    editing = c.fact("nucleic_acid.genome_editing")
    if origin == NucleicAcidOrigin.natural and editing in {None, GenomeEditing.none}:
        return _not_atmp("medicinal_product")
    if with_cells and c.fact("cells_or_tissues.form") == CellForm.intact_cells:
        return None  # nucleic acid delivered to cells before administration: the cells decide (CH-G2, CH-2)
    if judged(c, "vaccine_against_infectious_disease") or vehicle in {Vehicle.mrna, Vehicle.oligonucleotide} or \
            (origin == NucleicAcidOrigin.synthetic and editing in {None, GenomeEditing.none}):
        c.ask("CH-N1")
        _swissmedic_notion(c)
        return Decision("nucleic-acid medicinal product", "swissmedic_authorisation")
    if c.ask("CH-G1"):
        return Decision("gene therapy product", "swissmedic_authorisation")
    if with_cells:
        return None
    c.ask("CH-N1")
    _swissmedic_notion(c)
    return Decision("nucleic-acid medicinal product", "swissmedic_authorisation")


def _swissmedic_notion(c: Inquiry) -> None:
    c.notes.append("Swissmedic counts other nucleic-acid-based products (including mRNA vaccines) among ATMPs; "
                   "'advanced' here follows the contract's definition (transplant or gene therapy product) and is "
                   "false.")


def _cells(c: Inquiry) -> Decision:
    form = c.fact("cells_or_tissues.form")
    if form is None:
        c.need("cells_or_tissues.form")
    if form != CellForm.intact_cells:
        if form == CellForm.anucleate and c.fact("cells_or_tissues.blood_component"):
            c.ask("CH-B1")
            return _not_atmp("blood")
        c.ask("CH-X1")
        return _not_atmp("medicinal_product")
    source = c.fact("cells_or_tissues.source")
    if source is None:
        c.need("cells_or_tissues.source")
    viability = c.fact("cells_or_tissues.viability")
    if source == CellSource.xenogeneic:
        if viability == Viability.non_viable and c.fact("cells_or_tissues.mode_of_action") == \
                ModeOfAction.physical_structural:
            c.ask("CH-X2")
            return _not_atmp("medical_device")
        c.ask("CH-1")
        c.ask("CH-3")
        return Decision("transplant product", "swissmedic_authorisation")
    if c.fact("nucleic_acid.present") and c.fact("nucleic_acid.vehicle") == Vehicle.modified_cells:
        c.ask("CH-G2")
        c.ask("CH-1")
        c.ask("CH-3")
        return Decision("transplant product", "swissmedic_authorisation")
    if viability == Viability.non_viable and c.as_of >= TPA_2A and c.ask("CH-5"):
        return _not_atmp("medical_device")
    manipulated = c.ask("CH-2", block=False)
    if manipulated is False and c.fact("cells_or_tissues.blood_component"):
        c.ask("CH-B1")
        return _not_atmp("blood")
    same = c.ask("CH-F1", block=False)
    if manipulated is True or same is False:
        c.ask("CH-1")
        c.ask("CH-3")
        return Decision("transplant product", "swissmedic_authorisation")
    if manipulated is False and same is True:
        c.ask("CH-4")
        return Decision("transplant (not a product)", "transplantation_act")
    missing = []
    if manipulated is None:
        missing.append("cells_or_tissues.manipulations" if c.fact("cells_or_tissues.manipulations") is None
                       else "cells_or_tissues.substantially_manipulated")
    if same is None:
        missing.append("cells_or_tissues.same_essential_function")
    c.need(*missing)
    raise AssertionError("unreachable")  # c.need raises


def procedure(c: Inquiry) -> Decision:
    if not c.ask("CH-S1"):
        return _not_atmp("other")
    special = c.ask("CH-O1")
    if special == "organ":
        if c.fact("cells_or_tissues.source") == CellSource.xenogeneic:
            c.ask("CH-1")
            c.ask("CH-3")
            return Decision("transplant product", "swissmedic_authorisation")
        return Decision("transplant (not a product)", "transplantation_act")
    if special == "gametes":
        return _not_atmp("other")
    if c.fact("special_category") == SpecialCategory.intestinal_microbiota:
        c.notes.append("Intestinal microbiota: no Swiss rule is encoded; the regime is 'other' [U].")
        return _not_atmp("other")
    with_cells = cells_present(c)
    if c.fact("claimed_purpose") == ClaimedPurpose.cosmetic and with_cells and \
            c.fact("cells_or_tissues.source") != CellSource.xenogeneic:
        c.ask("CH-S5")
    if nucleic_acid_present(c):
        decision = _nucleic_acid(c, with_cells)
        if decision:
            return decision
    if not with_cells:
        if c.fact("biological_active_substance") is None and c.facts.nucleic_acid is None:
            c.need("biological_active_substance")
        return _not_atmp("medicinal_product")
    return _cells(c)


CH.procedure = procedure
