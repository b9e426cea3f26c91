"""EU rule set: Regulation (EC) No 1394/2007 and Directive 2001/83/EC, Annex I, Part IV.

Rule ids, questions and confidence tags follow docs/rules.md (rules.md in the project spec).
Each rule's ``test`` reads facts and returns an :class:`Answer`; :func:`procedure` asks the rules
in the order of the decision procedure (rules.md §1.11) and returns the :class:`Decision`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from atmpnav.facts import (
    ANNEX_I_MANIPULATIONS,
    CASE_BY_CASE_MANIPULATIONS,
    SUBSTANTIAL_MANIPULATIONS,
    CellForm,
    CellSource,
    ClaimedPurpose,
    GenomeEditing,
    Manipulation,
    ModeOfAction,
    NucleicAcidOrigin,
    ProductRole,
    SpecialCategory,
    TissueOrigin,
    TransgeneRole,
    Vehicle,
    Viability,
)
from atmpnav.law.base import Answer, Decision, Inquiry, Rule, RuleSet, Unresolved

ATMP_REGULATION = date(2008, 12, 30)  # Regulation (EC) No 1394/2007 applies from this date (Art 30)
PART_IV_2009 = date(2010, 4, 5)  # Directive 2009/120/EC transposition deadline (Art 2) [U]
SOHO_APPLIES = date(2027, 8, 7)  # Regulation (EU) 2024/1938 applies (Art 95)
BEFORE_SOHO = date(2027, 8, 6)

REG = "Regulation (EC) No 1394/2007"
DIR = "Directive 2001/83/EC, Annex I, Part IV (as replaced by Directive 2009/120/EC)"
SOHO = "Regulation (EU) 2024/1938 (SoHO)"

EU = RuleSet(jurisdiction="EU", name="European Union", version="eu-2026.11",
             advanced_outcomes=frozenset({"GTMP", "sCTMP", "TEP"}),
             outcomes=("GTMP", "sCTMP", "TEP", "not ATMP", "undetermined"),
             subsidiary_rules=frozenset({"EU-H1"}),
             sources=("Regulation (EC) No 1394/2007 (consolidated, CELEX 02007R1394-20190726), Art 2, Annex I, "
                      "Art 28(2)", "Directive 2001/83/EC, Annex I, Part IV as replaced by Directive 2009/120/EC",
                      "Regulation (EU) 2024/1938 (SoHO), applying from 7 August 2027",
                      "CAT reflection paper on the classification of ATMPs EMA/CAT/600280/2010 Rev.1; CAT "
                      "classification summaries", "Commission proposal COM(2023) 192 (pharma package; provisional "
                      "agreement 11 Dec 2025, not in force)"),
             sources_as_of="Read as available in November 2026 (rules.md §7); the pharma package's final text "
             "and the Part IV revision are not encoded.")
rule = EU.define


def _yes_no(value: bool | None, path: str, yes: str, no: str, unknown: str) -> Answer:
    if value is True:
        return Answer(True, yes, (path,))
    if value is False:
        return Answer(False, no, (path,))
    return Answer(None, unknown, (path,), missing=(path,))


def _applies(because: str) -> Callable[[Inquiry], Answer]:
    """The test of a demarcation rule that the procedure asks only once it applies."""

    def test(c: Inquiry) -> Answer:
        return Answer(True, because)

    return test


def _human_cells(c: Inquiry) -> bool:
    return c.fact("cells_or_tissues.present") is True and c.fact("cells_or_tissues.source") in {
        CellSource.autologous,
        CellSource.allogeneic,
        CellSource.mixed,
    }


# --- Scope gates (rules.md §1.2) -------------------------------------------------------------


@rule(
    "EU-S1",
    title="Medicinal product gate",
    question="Is the product presented or used as a medicine (to treat, prevent or diagnose disease, or to "
    "restore, correct or modify physiological functions)?",
    citation=f"Directive 2001/83/EC, Art 1(2); {REG}, Art 2(1)(a) and recital 3",
    confidence="V",
    valid_from=ATMP_REGULATION,
    ambiguities=("A19",),
)
def medicinal_product_gate(c: Inquiry) -> Answer:
    purpose = c.fact("claimed_purpose")
    path = ("claimed_purpose",)
    if purpose == ClaimedPurpose.none:
        return Answer(
            False,
            "No medical claim is made for the product on its own, so it is not a medicinal product by "
            "presentation; recital 3 excludes non-viable materials acting by physical means.",
            path,
            ambiguities=("A19",),
        )
    said = {
        ClaimedPurpose.treat_prevent_diagnose: "to treat, prevent or diagnose a disease",
        ClaimedPurpose.regenerate_repair_replace: "to regenerate, repair or replace a human tissue",
        ClaimedPurpose.cosmetic: "for a cosmetic purpose",
    }[purpose]
    return Answer(True, f"It is presented {said}.", path)


@rule(
    "EU-S2",
    title="Human administration",
    question="Will the product itself be administered to humans?",
    citation=f"{REG}, Art 2(1)(a) ('medicinal product for human use'); Directive 2001/83/EC, Art 1(2)",
    confidence="V",
    valid_from=ATMP_REGULATION,
)
def human_administration(c: Inquiry) -> Answer:
    return _yes_no(
        c.fact("for_human_administration"),
        "for_human_administration",
        "It is given to patients.",
        "It is used only outside the body (a reagent, device or feeder material), so it is not a medicinal "
        "product for human use.",
        "Whether the product is given to patients is not known.",
    )


@rule(
    "EU-S3",
    title="Starting or raw material is not the active substance",
    question="Is the product only a starting or raw material for another medicinal product?",
    citation="Directive 2001/83/EC, Annex I, Part IV, 3.2.1.1 (as replaced by Directive 2009/120/EC)",
    confidence="K",
    valid_from=PART_IV_2009,
    ambiguities=("A14",),
)
def starting_material(c: Inquiry) -> Answer:
    role = c.fact("product_role")
    if role == ProductRole.starting_material:
        return Answer(
            True,
            "It is used to make the finished product (e.g. a vector for ex vivo transduction); it is regulated "
            "as a starting material of that product, not as an ATMP of its own.",
            ("product_role",),
        )
    if role == ProductRole.finished_product:
        return Answer(False, "It is the finished product.", ("product_role",))
    return Answer(
        None, "Whether this is the finished product or a starting material is not known.", ("product_role",),
        missing=("product_role",),
    )


@rule(
    "EU-S5",
    title="Human-cell products cannot be cosmetics",
    question="Does a cosmetic claim concern a product containing human cells or tissues?",
    citation="Regulation (EC) No 1223/2009, Annex II (entry: cells, tissues or products of human origin)",
    confidence="K",
    valid_from=ATMP_REGULATION,
    ambiguities=("A3", "A19"),
    reading="[U] Our reading: an aesthetic claim to restore or fill a tissue with human cells is assessed as "
    "a claim to repair or replace that tissue (TEP limb); rules.md gives the outcome (TC-073) but not the step.",
)
def no_human_cell_cosmetics(c: Inquiry) -> Answer:
    if _human_cells(c):
        return Answer(
            True,
            "Cosmetics may not contain human cells, so the product is assessed under the medicinal product "
            "rules; its aesthetic claim to restore tissue is read as a claim to repair or replace tissue.",
            ("claimed_purpose", "cells_or_tissues.source"),
            ambiguities=("A3", "A19"),
        )
    return Answer(
        False,
        "The product contains no human cells; a cosmetic product is outside the ATMP definitions "
        "(its cosmetic status under Regulation (EC) No 1223/2009 is not assessed here).",
        ("claimed_purpose", "cells_or_tissues.source"),
    )


# --- Special materials with their own regime (rules.md §1.10) ---------------------------------


def _special(c: Inquiry, category: SpecialCategory) -> bool:
    return c.fact("special_category") == category


@rule(
    "EU-X13",
    title="Organs for transplantation",
    question="Is the product an organ for transplantation?",
    citation="Directive 2010/53/EU; rules.md §1.10 EU-X13",
    confidence="K",
    valid_from=ATMP_REGULATION,
    ambiguities=("A10",),
)
def organ(c: Inquiry) -> Answer:
    if not _special(c, SpecialCategory.organ_for_transplant):
        return Answer(False, "Not an organ for transplantation.", ("special_category",))
    source = c.fact("cells_or_tissues.source")
    if source == CellSource.xenogeneic:
        return Answer(
            True,
            "An animal organ is not covered by Directive 2010/53/EU (human organs); its status is an open "
            "question (A10).",
            ("special_category", "cells_or_tissues.source"),
            ambiguities=("A10",),
        )
    if source is None:
        return Answer(None, "The organ's species of origin is not known.", ("special_category",),
                      missing=("cells_or_tissues.source",))
    return Answer(True, "A human organ for transplantation falls under Directive 2010/53/EU, not the ATMP rules.",
                  ("special_category", "cells_or_tissues.source"))


def _reproductive(c: Inquiry) -> Answer:
    if _special(c, SpecialCategory.reproductive_cells_embryos):
        return Answer(True, "Gametes and embryos are covered by the tissues and cells law, not the ATMP rules.",
                      ("special_category",))
    return Answer(False, "Not gametes or embryos.", ("special_category",))


EU.add(Rule("EU-X14", "Gametes, embryos, assisted reproduction",
            "Is the product gametes or embryos for assisted reproduction?",
            "Directive 2004/23/EC, Art 2(1); rules.md §1.10 EU-X14", "K", _reproductive,
            valid_from=ATMP_REGULATION, valid_to=BEFORE_SOHO))
EU.add(Rule("EU-X14", "Gametes, embryos, assisted reproduction",
            "Is the product gametes or embryos for assisted reproduction?",
            f"{SOHO}, Art 2(1) and Art 3 (SoHO includes reproductive cells and embryos)", "K", _reproductive,
            valid_from=SOHO_APPLIES))


def _microbiota(c: Inquiry) -> Answer:
    if _special(c, SpecialCategory.intestinal_microbiota):
        return Answer(True, "Intestinal microbiota contain no human cells and no recombinant nucleic acid: "
                      "not an ATMP.", ("special_category",))
    return Answer(False, "Not intestinal microbiota.", ("special_category",))


EU.add(Rule("EU-X15", "Faecal / intestinal microbiota",
            "Is the product a preparation of intestinal (faecal) microbiota?",
            "National rules until the SoHO Regulation applies; rules.md §1.10 EU-X15", "V", _microbiota,
            valid_from=ATMP_REGULATION, valid_to=BEFORE_SOHO,
            reading="Before 7 August 2027 there is no EU regime for microbiota: national rules apply (regime "
                    "'other')."))
EU.add(Rule("EU-X15", "Faecal / intestinal microbiota",
            "Is the product a preparation of intestinal (faecal) microbiota?",
            f"{SOHO}, Art 3 (definition of SoHO includes intestinal microbiota)", "V", _microbiota,
            valid_from=SOHO_APPLIES))


# --- Gene therapy (rules.md §1.3) ------------------------------------------------------------


@rule(
    "EU-G1",
    title="Biological medicinal product",
    question="Is it a biological medicinal product?",
    citation=f"{DIR}, 2.1, first paragraph",
    confidence="V",
    valid_from=PART_IV_2009,
)
def biological(c: Inquiry) -> Answer:
    return Answer(True, "A recombinant nucleic acid is produced by biological processes, so the product is "
                  "biological.", ("nucleic_acid.origin",))


@rule(
    "EU-G2",
    title="Recombinant nucleic acid",
    question="Does the active substance contain or consist of a recombinant nucleic acid?",
    citation=f"{DIR}, 2.1(a)",
    confidence="V",
    valid_from=PART_IV_2009,
    ambiguities=("A5",),
)
def recombinant(c: Inquiry) -> Answer:
    if c.fact("nucleic_acid.present") is not True:
        return Answer(False, "The product contains no nucleic acid.", ("nucleic_acid.present",))
    origin = c.fact("nucleic_acid.origin")
    paths = ("nucleic_acid.origin",)
    if origin == NucleicAcidOrigin.recombinant:
        return Answer(True, "The nucleic acid is recombinant (vector, plasmid, modified cells or organisms, or "
                      "mRNA transcribed from a DNA template).", paths)
    if origin == NucleicAcidOrigin.synthetic:
        return Answer(False, "The nucleic acid is wholly chemically synthesised, not recombinant.", paths)
    if origin == NucleicAcidOrigin.natural:
        return Answer(False, "The nucleic acid is that of a wild-type or attenuated organism, not recombinant.",
                      paths)
    return Answer(None, "How the nucleic acid is made is not known.", paths, missing=paths, ambiguities=("A5",))


@rule(
    "EU-G3",
    title="Acts on a genetic sequence",
    question="Is the nucleic acid used to regulate, repair, replace, add or delete a genetic sequence?",
    citation=f"{DIR}, 2.1(a)",
    confidence="V",
    valid_from=PART_IV_2009,
    ambiguities=("A13",),
)
def acts_on_sequence(c: Inquiry) -> Answer:
    value = c.fact("nucleic_acid.acts_on_genetic_sequence")
    path = "nucleic_acid.acts_on_genetic_sequence"
    if value is None:
        role = c.fact("nucleic_acid.transgene_role")
        editing = c.fact("nucleic_acid.genome_editing")
        if role is not None:
            return Answer(True, f"It adds a transgene ({role.value.replace('_', ' ')}): a sequence is added.",
                          ("nucleic_acid.transgene_role",))
        if editing in {GenomeEditing.nucleic_acid_encoded, GenomeEditing.protein_only}:
            return Answer(True, "It edits the genome: a sequence is repaired, replaced or deleted.",
                          ("nucleic_acid.genome_editing",))
    return _yes_no(value, path, "It regulates, repairs, replaces, adds or deletes a genetic sequence.",
                   "It is not used to act on a genetic sequence.",
                   "Whether the nucleic acid acts on a genetic sequence is not known.")


@rule(
    "EU-G4",
    title="Effect relates directly to the sequence",
    question="Does the therapeutic, prophylactic or diagnostic effect relate directly to the recombinant "
    "sequence or the product of its expression?",
    citation=f"{DIR}, 2.1(b)",
    confidence="V",
    valid_from=PART_IV_2009,
    ambiguities=("A4",),
)
def effect_from_sequence(c: Inquiry) -> Answer:
    value = c.fact("nucleic_acid.effect_from_sequence")
    role = c.fact("nucleic_acid.transgene_role")
    if value is None and role is not None:
        if role == TransgeneRole.therapeutic:
            return Answer(True, "The transgene is therapeutic: the effect comes from it or its product.",
                          ("nucleic_acid.transgene_role",))
        return Answer(False, f"The transgene is only a {role.value.replace('_', ' ')}; the effect does not come "
                      "from it.", ("nucleic_acid.transgene_role",))
    answer = _yes_no(value, "nucleic_acid.effect_from_sequence",
                     "The effect comes from the sequence or the protein it makes.",
                     "The effect does not come from the sequence.",
                     "Whether the effect comes from the sequence (or is only a marker, switch or tool) is not known.")
    if value is None:
        return Answer(None, answer.because, answer.facts,
                      missing=("nucleic_acid.effect_from_sequence", "nucleic_acid.transgene_role"),
                      ambiguities=("A4",))
    return answer


@rule(
    "EU-G5",
    title="Vaccine exclusion",
    question="Is it a vaccine against an infectious disease?",
    citation=f"{DIR}, 2.1, second paragraph",
    confidence="V",
    valid_from=PART_IV_2009,
    ambiguities=("A7",),
)
def vaccine(c: Inquiry) -> Answer:
    return _yes_no(c.fact("vaccine_against_infectious_disease"), "vaccine_against_infectious_disease",
                   "It is a vaccine against an infectious disease, which the GTMP definition excludes.",
                   "It is not a vaccine against an infectious disease.",
                   "Whether it is a vaccine against an infectious disease is not known.")


@rule(
    "EU-G6",
    title="In vitro transcribed mRNA counts as recombinant",
    question="Is the nucleic acid mRNA transcribed in vitro from a DNA template?",
    citation=f"{DIR}, 2.1(a); CAT practice (EMA classification summaries 2019; Guerriaud & Kohli, Front Med 2022)",
    confidence="K",
    valid_from=PART_IV_2009,
    ambiguities=("A5",),
    reading="[U] The exact wording of the 2019 EMA list entry on IVT mRNA was not seen (rules.md EU-G6).",
)
def ivt_mrna(c: Inquiry) -> Answer:
    return Answer(True, "IVT mRNA made from a recombinant DNA template is treated as a recombinant nucleic acid "
                  "(CAT practice).", ("nucleic_acid.vehicle", "nucleic_acid.origin"))


@rule(
    "EU-G7",
    title="Chemically synthesised oligonucleotides are not GTMPs",
    question="Is the nucleic acid wholly chemically synthesised?",
    citation=f"{DIR}, 2.1 ('biological', 'recombinant'); Guerriaud & Kohli, Front Med 2022",
    confidence="K",
    valid_from=PART_IV_2009,
)
def synthetic_oligo(c: Inquiry) -> Answer:
    return Answer(True, "A wholly synthetic nucleic acid is neither biological nor recombinant: no GTMP limb is "
                  "met. It is regulated as a (chemical) medicinal product.", ("nucleic_acid.origin",))


@rule(
    "EU-G8",
    title="Ancillary transgene",
    question="Does the recombinant sequence serve only an ancillary purpose (safety switch, marker, selection, "
    "manufacturing tool) while the effect comes from the cells?",
    citation=f"{DIR}, 2.1(b); EPAR Zalmoxis (authorised as somatic cell therapy)",
    confidence="V",
    valid_from=PART_IV_2009,
    ambiguities=("A4",),
)
def ancillary_transgene(c: Inquiry) -> Answer:
    role = c.fact("nucleic_acid.transgene_role")
    label = role.value.replace("_", " ") if role else "ancillary sequence"
    return Answer(True, f"The transgene is a {label}: GTMP limb (b) fails and the product is assessed as a cell "
                  "or tissue product.", ("nucleic_acid.transgene_role", "nucleic_acid.effect_from_sequence"))


@rule(
    "EU-G9",
    title="Scope of the vaccine exclusion",
    question="Does the vaccine exclusion reach this product (only vaccines against infectious diseases)?",
    citation="CAT Reflection paper EMA/CAT/600280/2010 Rev.1, §2.2.2 [U: section number]",
    confidence="K",
    valid_from=PART_IV_2009,
    ambiguities=("A7",),
    reading="[U] The exact test of RP §2.2.2 was not retrieved; a vaccine for an infectious disease that "
    "does not act by an immune response to an encoded pathogen antigen should be checked by hand (A7).",
)
def vaccine_scope(c: Inquiry) -> Answer:
    if c.fact("vaccine_against_infectious_disease"):
        return Answer(True, "Vector, plasmid, mRNA and live vaccines against infectious diseases are within the "
                      "exclusion.", ("vaccine_against_infectious_disease",), ambiguities=("A7",))
    return Answer(False, "Cancer vaccines and other non-infectious uses stay within the GTMP definition.",
                  ("vaccine_against_infectious_disease",))


@rule(
    "EU-G10",
    title="Non-recombinant organisms",
    question="Is the nucleic acid that of a wild-type or conventionally attenuated virus, bacterium or phage?",
    citation=f"{DIR}, 2.1(a) (no recombinant nucleic acid)",
    confidence="K",
    valid_from=PART_IV_2009,
)
def natural_organism(c: Inquiry) -> Answer:
    return Answer(True, "Wild-type or attenuated organisms contain no recombinant nucleic acid: not a GTMP.",
                  ("nucleic_acid.origin",))


@rule(
    "EU-G11",
    title="Genome editing",
    question="Does the product edit the genome, and is the editor delivered as nucleic acid?",
    citation=f"{DIR}, 2.1; EPAR Casgevy (ATMP assessed by CAT); Eur J Hum Genet 2020;28:979",
    confidence="K",
    valid_from=PART_IV_2009,
    ambiguities=("A6",),
    reading="Ex vivo edited cells follow the Casgevy precedent (GTMP, [K] for the subtype). Editors given in "
    "vivo only as protein/RNP with synthetic guides fall outside the literal definition: undetermined (A6).",
)
def genome_editing(c: Inquiry) -> Answer:
    editing = c.fact("nucleic_acid.genome_editing")
    paths = ("nucleic_acid.genome_editing", "nucleic_acid.vehicle")
    if editing == GenomeEditing.nucleic_acid_encoded:
        return Answer(True, "The editor is delivered as DNA or mRNA: a recombinant nucleic acid that edits a "
                      "sequence.", paths)
    if c.fact("nucleic_acid.vehicle") == Vehicle.modified_cells:
        return Answer(True, "The cells were gene-edited ex vivo; CAT assessed such cells (Casgevy) as an ATMP "
                      "described as gene therapy, even where the editor was protein/RNP.", paths,
                      ambiguities=("A6",))
    return Answer("open", "The editor is given only as protein or RNP with a synthetic guide: outside the literal "
                  "'recombinant nucleic acid' wording of the current definition (inside the pharma-package "
                  "proposal, PROP-2).", paths, ambiguities=("A6",))


@rule(
    "EU-G12",
    title="Recombinant proteins are not GTMPs",
    question="Is the active substance a biological substance without nucleic acid or cells (e.g. a recombinant "
    "protein)?",
    citation=f"{DIR}, 2.1(a) (the nucleic acid must be in the active substance)",
    confidence="K",
    valid_from=PART_IV_2009,
)
def recombinant_protein(c: Inquiry) -> Answer:
    value = c.fact("biological_active_substance")
    return _yes_no(value, "biological_active_substance",
                   "A biological substance without nucleic acid or cells (e.g. a protein made in GM cells) is a "
                   "biological medicinal product, not an ATMP.",
                   "A chemical substance without nucleic acid or cells is not an ATMP.",
                   "Whether the active substance is biological is not known (this decides the regime).")


# --- Manipulation (rules.md §1.4) ------------------------------------------------------------


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
    citation="CAT Reflection paper EMA/CAT/600280/2010 Rev.1, §2.2.3; cf. Swiss Transplantation Ordinance "
    "SR 810.211, Art 2(1)(d)",
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
    return _yes_no(c.fact("cells_or_tissues.substantially_manipulated"), "cells_or_tissues.substantially_manipulated",
                   "As stated, the processing changes characteristics relevant to the intended use.",
                   "As stated, the processing does not change characteristics relevant to the intended use.",
                   "Whether the processing is substantial is not known.")


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
    citation=f"{REG}, Art 2(1)(b), last subparagraph (non-viable products); rules.md EU-M5",
    confidence="K",
    valid_from=ATMP_REGULATION,
    ambiguities=("A9",),
)
def decellularised(c: Inquiry) -> Answer:
    return Answer(True, "Decellularisation leaves a non-viable matrix: the non-viable rules decide.",
                  ("cells_or_tissues.manipulations",), ambiguities=("A9",))


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


# --- Somatic cell therapy (rules.md §1.6) ----------------------------------------------------


@rule(
    "EU-C1",
    title="Contains cells or tissues",
    question="Does the product contain or consist of cells or tissues?",
    citation=f"{DIR}, 2.2, first paragraph; {REG}, Art 2(1)(b)",
    confidence="V",
    valid_from=PART_IV_2009,
)
def contains_cells(c: Inquiry) -> Answer:
    present = c.fact("cells_or_tissues.present") if c.facts.cells_or_tissues is not None else False
    return _yes_no(present, "cells_or_tissues.present", "It contains cells or tissues.",
                   "It contains no cells or tissues.", "Whether it contains cells or tissues is not known.")


EU.add(Rule(
    "EU-C2",
    title="Substantially manipulated or non-homologous",
    question="Are the cells substantially manipulated, or used for a different essential function?",
    citation=f"{DIR}, 2.2(a); {REG}, Art 2(1)(c)",
    confidence="V",
    valid_from=PART_IV_2009,
    test=None,  # established by the procedure, recorded with Inquiry.note
))


EU.add(Rule(
    "EU-C3",
    title="Treats, prevents or diagnoses disease through PIM action",
    question="Is it presented or used to treat, prevent or diagnose a disease through the pharmacological, "
    "immunological or metabolic action of its cells?",
    citation=f"{DIR}, 2.2(b)",
    confidence="V",
    valid_from=PART_IV_2009,
    ambiguities=("A3",),
    test=None,  # established by the procedure, recorded with Inquiry.note
))


EU.add(Rule(
    "EU-C4",
    title="Annex I cross-reference",
    question="Are Annex I manipulations excluded from 'substantial' for sCTMPs?",
    citation=f"{DIR}, 2.2, last paragraph",
    confidence="V",
    valid_from=PART_IV_2009,
    test=None,  # reference: EU-M1 applies Annex I and cites this paragraph
))


@rule(
    "EU-C5",
    title="Viability not required for sCTMP",
    question="Can non-viable cells acting by PIM action be an sCTMP?",
    citation=f"{DIR}, 2.2 (no viability condition)",
    confidence="K",
    valid_from=PART_IV_2009,
    reading="[U] CAT wording not retrieved; e.g. irradiated tumour-cell vaccines.",
)
def non_viable_sctmp(c: Inquiry) -> Answer:
    return Answer(True, "The sCTMP definition has no viability condition: non-viable cells acting "
                  "pharmacologically, immunologically or metabolically qualify.",
                  ("cells_or_tissues.viability", "cells_or_tissues.mode_of_action"))


@rule(
    "EU-C6",
    title="Cells means nucleated cells; cell-free derivatives",
    question="Does the product contain intact nucleated cells or tissues (not vesicles, lysate, secretome or "
    "anucleate cells)?",
    citation="EMA classification of in vitro-derived platelets (IPQ report); CCMO; rules.md EU-C6, EU-X9, EU-X10",
    confidence="V",
    valid_from=PART_IV_2009,
    ambiguities=("A11", "A12"),
)
def nucleated_cells(c: Inquiry) -> Answer:
    form = c.fact("cells_or_tissues.form")
    path = ("cells_or_tissues.form",)
    if form == CellForm.intact_cells:
        return Answer(True, "It contains intact cells or tissues.", path)
    if form is None:
        return Answer(None, "The form of the cellular material is not known.", path, missing=path)
    amb = ("A11",) if form == CellForm.anucleate else ("A12",)
    return Answer(False, f"The cellular material is {form.value.replace('_', ' ')}: no intact nucleated cells, "
                  "so it cannot be an sCTMP or TEP.", path, ambiguities=amb)


# --- Tissue engineering (rules.md §1.7) ------------------------------------------------------


EU.add(Rule(
    "EU-T1",
    title="Engineered cells to regenerate, repair or replace tissue",
    question="Does it contain engineered cells or tissues and is it presented or used to regenerate, repair or "
    "replace a human tissue?",
    citation=f"{REG}, Art 2(1)(b)",
    confidence="V",
    valid_from=ATMP_REGULATION,
    ambiguities=("A3",),
    test=None,  # established by the procedure, recorded with Inquiry.note
))


@rule(
    "EU-T2",
    title="Animal or non-viable cells allowed in a TEP",
    question="May the cells be animal or non-viable?",
    citation=f"{REG}, Art 2(1)(b), second subparagraph",
    confidence="V",
    valid_from=ATMP_REGULATION,
)
def tep_cells_any(c: Inquiry) -> Answer:
    return Answer(True, "A TEP may contain human or animal cells, viable or non-viable, with scaffolds or matrices.",
                  ("cells_or_tissues.source", "cells_or_tissues.viability"))


@rule(
    "EU-T3",
    title="Non-viable exclusion",
    question="Is the product made only of non-viable cells or tissues that do not act principally by "
    "pharmacological, immunological or metabolic action?",
    citation=f"{REG}, Art 2(1)(b), last subparagraph; recital 3",
    confidence="V",
    valid_from=ATMP_REGULATION,
    ambiguities=("A9",),
)
def non_viable_exclusion(c: Inquiry) -> Answer:
    viability = c.fact("cells_or_tissues.viability")
    paths = ("cells_or_tissues.viability", "cells_or_tissues.mode_of_action")
    if viability in {Viability.viable, Viability.mixed}:
        return Answer(False, "It contains viable cells.", ("cells_or_tissues.viability",))
    if viability is None:
        return Answer(None, "Whether the cells are alive is not known.", paths, missing=("cells_or_tissues.viability",))
    mode = c.fact("cells_or_tissues.mode_of_action")
    if mode == ModeOfAction.physical_structural:
        return Answer(True, "Only non-viable cells or tissue acting physically or structurally: excluded from the "
                      "TEP definition and not a medicinal product by function.", paths, ambiguities=("A9",))
    if mode == ModeOfAction.pharmacological_immunological_metabolic:
        return Answer(False, "The non-viable cells act principally by PIM action, so the exclusion does not apply.",
                      paths)
    return Answer(None, "How the non-viable cells act is not known.", paths,
                  missing=("cells_or_tissues.mode_of_action",), ambiguities=("A9",))


EU.add(Rule(
    "EU-T4",
    title="Engineered cells or tissues",
    question="Are the cells substantially manipulated so that characteristics relevant to regeneration, repair or "
    "replacement are achieved, or not used for the same essential function?",
    citation=f"{REG}, Art 2(1)(c)",
    confidence="V",
    valid_from=ATMP_REGULATION,
    test=None,  # established by the procedure, recorded with Inquiry.note
))


# --- Priority rules (rules.md §1.8) ----------------------------------------------------------

for _id, _title, _q, _art in [
    ("EU-P1", "Viable cells: PIM action is principal", "Does the product contain viable cells or tissues (so their "
     "PIM action is deemed its principal mode of action)?", "Art 2(2)"),
    ("EU-P2", "Autologous plus allogeneic is allogeneic", "Does it contain both autologous and allogeneic cells?",
     "Art 2(3)"),
    ("EU-P3", "TEP prevails over sCTMP", "Could the product be both a TEP and an sCTMP?", "Art 2(4)"),
    ("EU-P4", "GTMP prevails over sCTMP and TEP", "Could the product be an sCTMP or TEP and also a GTMP?",
     "Art 2(5)"),
]:
    # [K]: article numbering consistent with secondary sources, not checked word for word.
    EU.add(Rule(_id, _title, _q, f"{REG}, {_art}", "K", None, valid_from=ATMP_REGULATION))


# --- Combined ATMP (rules.md §1.9) -----------------------------------------------------------


@rule(
    "EU-D1",
    title="Combined ATMP",
    question="Does the product incorporate a medical device as an integral part, with viable cells or with "
    "non-viable cells whose action is primary to the device's?",
    citation=f"{REG}, Art 2(1)(d); Regulation (EU) 2017/745, Art 2(1) (via MDR Art 122)",
    confidence="K",
    valid_from=ATMP_REGULATION,
    ambiguities=("A8",),
)
def combined(c: Inquiry) -> Answer:
    viability = c.fact("cells_or_tissues.viability")
    if viability in {Viability.viable, Viability.mixed}:
        return Answer(True, "An integral device with viable cells: a combined ATMP.",
                      ("device.integral", "device.own_medical_purpose", "cells_or_tissues.viability"))
    primary = c.fact("device.cells_primary_action")
    return _yes_no(primary, "device.cells_primary_action",
                   "The non-viable cells' action is primary to the device's: a combined ATMP.",
                   "The device's action is primary to that of the non-viable cells.",
                   "Whether the non-viable cells' action is primary to the device's is not known.")


@rule(
    "EU-D2",
    title="The device part must be a device in its own right",
    question="Does the non-cellular component have a medical purpose of its own (is it itself a medical device)?",
    citation=f"{REG}, Art 2(1)(d)(i); EMA classification summary (resorbable 3-D matrix assessed alone)",
    confidence="U",
    valid_from=ATMP_REGULATION,
    ambiguities=("A8",),
    reading="[U] Generalised from one EMA summary: a scaffold with no medical claim of its own does not make the "
    "product combined.",
)
def device_in_own_right(c: Inquiry) -> Answer:
    return _yes_no(c.fact("device.own_medical_purpose"), "device.own_medical_purpose",
                   "The component has a medical purpose of its own: it is a medical device.",
                   "The component has no medical purpose of its own: not a device, so not combined.",
                   "Whether the component is a medical device in its own right is not known.")


@rule(
    "EU-D3",
    title="Integral part",
    question="Do the device and the cells form a single product used together?",
    citation=f"{REG}, Art 2(1)(d)(i); CAT Reflection paper Rev.1, §2.2.4",
    confidence="U",
    valid_from=ATMP_REGULATION,
    ambiguities=("A8",),
)
def integral(c: Inquiry) -> Answer:
    return _yes_no(c.fact("device.integral"), "device.integral",
                   "The device is an integral part of the product.",
                   "The device is separate (e.g. an administration aid): not an integral part.",
                   "Whether the device is an integral part of the product is not known.")


@rule(
    "EU-D4",
    title="Device action primary over non-viable cells",
    question="Is the device's action primary to that of non-viable cells or tissues?",
    citation="Regulation (EU) 2017/745, Art 1(10); Directive 2004/23/EC",
    confidence="K",
    valid_from=ATMP_REGULATION,
    ambiguities=("A9",),
)
def device_primary(c: Inquiry) -> Answer:
    return Answer(True, "Non-viable tissue with an ancillary action in a device: regulated as a medical device "
                  "(MDR Art 1(10)), not as a combined ATMP.", ("device.cells_primary_action",))


@rule(
    "EU-D5",
    title="GTMP with a device",
    question="Is a gene therapy combined with a device (e.g. a vector-coated stent)?",
    citation=f"{REG}, Art 2(1)(d) (written around the 'cellular or tissue part')",
    confidence="U",
    valid_from=ATMP_REGULATION,
    ambiguities=("A8",),
)
def gtmp_device(c: Inquiry) -> Answer:
    return Answer("open", "Art 2(1)(d) speaks of a cellular or tissue part; whether a GTMP with a device is a "
                  "'combined ATMP' is unclear (A8). Reported as not combined.", ("device.present",),
                  ambiguities=("A8",))


# --- Demarcations (rules.md §1.10) -----------------------------------------------------------


def _tissues_cells(c: Inquiry) -> Answer:
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


def _blood(c: Inquiry) -> Answer:
    return Answer(True, "Whole blood, blood components, platelet-rich plasma and unmanipulated donor lymphocytes "
                  "are regulated as blood, not as ATMPs.", ("cells_or_tissues.blood_component",))


EU.add(Rule("EU-X3", "Blood and blood components", "Is it blood or a blood component without substantial "
            "manipulation?", "Directive 2002/98/EC, Art 2", "V", _blood, valid_from=ATMP_REGULATION,
            valid_to=BEFORE_SOHO))
EU.add(Rule("EU-X3", "Blood and blood components (SoHO)", "Is it blood or a blood component without substantial "
            "manipulation?", f"{SOHO}, Art 2(1) and Art 3", "V", _blood, valid_from=SOHO_APPLIES))


@rule(
    "EU-X1",
    title="Medical devices",
    question="Is the non-viable product a medical device rather than a medicinal product?",
    citation="Regulation (EU) 2017/745, Art 1(6)(f)-(h) and Art 1(10)",
    confidence="K",
    valid_from=ATMP_REGULATION,
    ambiguities=("A9",),
)
def medical_device(c: Inquiry) -> Answer:
    return Answer(True, "Non-viable animal tissue, or a non-viable derivative of human tissue, acting physically "
                  "falls under the Medical Device Regulation.", ("cells_or_tissues.source",))


for _id, _title, _q, _cit, _conf, _because in [
    ("EU-X4", "Infectious-disease vaccines", "Is it a vaccine against an infectious disease?",
     "Directive 2001/83/EC, Annex I, Part IV, 2.1, second paragraph", "V",
     "Regulated as a vaccine (EU-G5)."),
    ("EU-X5", "Chemically synthesised oligonucleotides", "Is it a chemically synthesised oligonucleotide?",
     "Directive 2001/83/EC, Annex I, Part IV, 2.1 (EU-G7)", "K", "Regulated as a chemical medicinal product."),
    ("EU-X6", "mRNA", "Is it in vitro transcribed mRNA?", "EU-G6; Guerriaud & Kohli, Front Med 2022", "V",
     "IVT mRNA is a GTMP unless it is a vaccine against an infectious disease."),
    ("EU-X7", "GMOs and bacteria", "Is it a genetically modified micro-organism acting through its recombinant "
     "sequence?", "EMA GTMP guidance; Directives 2001/18/EC and 2009/41/EC apply in parallel", "K",
     "A GM micro-organism acting through its recombinant sequence is a GTMP; GMO rules apply in parallel and "
     "do not decide the classification."),
    ("EU-X8", "Bacteriophages", "Is it a bacteriophage?", "Directive 2001/83/EC, Annex I, Part IV, 2.1(a) "
     "('in … human beings')", "U", "Natural phages are not ATMPs; engineered phages are an open question (A13)."),
    ("EU-X9", "Extracellular vesicles, secretome, conditioned media", "Is it a cell-free derivative such as "
     "vesicles or conditioned medium?", "ISEV position paper, J Extracell Vesicles 2015;4:30087; rules.md EU-X9",
     "U", "Cell-free derivatives cannot be sCTMPs or TEPs: non-ATMP biological medicinal products."),
    ("EU-X10", "Cell lysates and cell-derived proteins", "Is it a cell lysate or cell-derived protein?",
     "rules.md EU-X10", "U", "Lysates contain no intact cells: non-ATMP biological medicinal products."),
    ("EU-X11", "Xenogeneic cells and tissues", "Are the cells animal cells?", f"{REG}, Art 2(1)(b); "
     "Regulation (EU) 2017/745, Art 1(6)(f)", "U", "Animal cells may be sCTMP or TEP; minimally manipulated "
     "animal cells used for the same function are an open question (A10)."),
    ("EU-X12", "Anucleate products", "Is the product anucleate (e.g. in vitro platelets)?",
     "EMA classification of in vitro-derived platelets (IPQ report)", "V",
     "Anucleate products are not cells in the sense of the definitions: not ATMPs."),
]:
    EU.add(Rule(_id, _title, _q, _cit, _conf, _applies(_because),
                valid_from=ATMP_REGULATION))


# --- Hospital exemption (rules.md §1.12) and reference-only rules -----------------------------


@rule(
    "EU-H1",
    title="Hospital exemption (pathway, not a classification)",
    question="Is the ATMP prepared on a non-routine basis, in a hospital, in the same Member State, for an "
    "individual patient's prescription?",
    citation=f"{REG}, Art 28(2), inserting Art 3(7) into Directive 2001/83/EC",
    confidence="K",
    valid_from=ATMP_REGULATION,
    ambiguities=("A16",),
)
def hospital_exemption(c: Inquiry) -> Answer:
    block = c.facts.hospital_exemption
    if block is None:
        return Answer(None, "Not assessed.")
    values = block.model_dump()
    failed = [k for k, v in values.items() if v is False]
    unknown = [k for k, v in values.items() if v is None]
    paths = tuple(f"hospital_exemption.{k}" for k in values)
    if failed:
        return Answer(False, f"Not met: {', '.join(f.replace('_', ' ') for f in failed)}.", paths)
    if unknown:
        return Answer(None, f"Still to confirm: {', '.join(u.replace('_', ' ') for u in unknown)}.", paths)
    return Answer(True, "The stated conditions are met. The exemption also needs national manufacturing "
                  "authorisation, specific quality standards, and traceability and pharmacovigilance equivalent to "
                  "EU level; it never changes the classification.", paths, ambiguities=("A16",))


_REFERENCE = [
    ("EU-S4", "Veterinary products are out of scope", "Is the product for human use?", f"{REG}, Art 2(1)(a)", "V"),
    ("EU-M6", "Reconstitution after batch release", "Are thawing, washing or dilution at the bedside manufacturing?",
     "EudraLex Vol 4 Part IV, ch.16", "K"),
    ("EU-F4", "Multiple functions", "Do the cells have several essential functions?",
     f"{DIR}, 2.2(a) ('function(s)'); Cytotherapy 2016;18:809", "V"),
    ("EU-H2", "Classification procedure", "Can the developer ask EMA/CAT for a classification recommendation?",
     f"{REG}, Art 17", "V"),
    ("EU-H3", "Request-form categories", "Which category and combined status does the applicant propose?",
     "EMA/CAT/99623/2009 Rev.2 (procedural advice) and request form", "V"),
    ("EU-H4", "Traceability", "Are product, starting and raw materials traceable for 30 years?", f"{REG}, Art 15",
     "K"),
    ("EU-H5", "Centralised procedure", "Must the ATMP be authorised centrally?",
     "Regulation (EC) No 726/2004, Annex, point 1a", "K"),
    ("EU-H6", "GMP basis", "Which GMP guidelines apply?", f"{REG}, Art 5; EudraLex Vol 4 Part IV", "V"),
    ("EU-X16", "No same-surgery exemption in the EU", "Does point-of-care processing exempt the product?",
     "rules.md EU-X16 (no EU equivalent of 21 CFR 1271.15(b))", "K"),
]
for _id, _title, _q, _cit, _conf in _REFERENCE:
    EU.add(Rule(_id, _title, _q, _cit, _conf, None, valid_from=ATMP_REGULATION))

for _id, _title, _q in [
    ("PROP-2", "Proposed GTMP definition (pharma package)", "Would the proposed definition cover synthetic nucleic "
     "acids and genome editors acting by transcription or translation?"),
    ("PROP-4", "Proposed hospital exemption", "How would the hospital exemption change under the new Directive?"),
]:
    EU.add(Rule(_id, _title, _q, "Commission proposal COM(2023) 192 (Directive); provisional agreement "
                "11 Dec 2025; final text not available", "U", None, status="proposal"))


# --- The decision procedure (rules.md §1.11) -------------------------------------------------


def _not_atmp(regime: str) -> Decision:
    return Decision("not ATMP", regime)


def _scope(c: Inquiry) -> Decision | None:
    """DP-0, DP-1 and the special materials."""
    starting = c.ask("EU-S3", block=False)
    human = c.ask("EU-S2", block=False)
    if starting is True:
        return _not_atmp("starting_material")
    if human is False:
        return _not_atmp("not_for_human_administration")
    if starting is None or human is None:
        c.need(*[p for p, v in (("product_role", starting), ("for_human_administration", human)) if v is None])
    special = c.fact("special_category")
    if special == SpecialCategory.intestinal_microbiota and c.ask("EU-X15"):
        return _not_atmp("tissues_cells" if c.as_of >= SOHO_APPLIES else "other")
    if special == SpecialCategory.reproductive_cells_embryos and c.ask("EU-X14"):
        return _not_atmp("tissues_cells")
    if special == SpecialCategory.organ_for_transplant and c.ask("EU-X13"):
        if c.fact("cells_or_tissues.source") == CellSource.xenogeneic:
            raise Unresolved("A10")
        return _not_atmp("organ_transplant")
    # An unknown claim is asked only where it decides (the cell branch); a GTMP's claim follows from EU-G4.
    if c.fact("claimed_purpose") is not None and c.ask("EU-S1") is False:
        if c.fact("device.present"):
            own_purpose = c.ask("EU-D2", block=False)
            return _not_atmp("medical_device" if own_purpose else "other")
        return _not_atmp("other")
    if c.fact("claimed_purpose") == ClaimedPurpose.cosmetic and not c.ask("EU-S5"):
        return _not_atmp("cosmetic")
    return None


def _gene_therapy(c: Inquiry) -> bool | Decision:
    """DP-2: True when the product is a GTMP candidate; a Decision when the branch decides alone."""
    if c.facts.nucleic_acid is None:
        return False
    present = c.fact("nucleic_acid.present")
    if present is None:
        c.need("nucleic_acid.present")
    if not present:
        return False
    editing = c.fact("nucleic_acid.genome_editing")
    if editing in {GenomeEditing.nucleic_acid_encoded, GenomeEditing.protein_only}:
        edited = c.ask("EU-G11")
        if edited == "open":
            raise Unresolved("A6")
        if c.fact("nucleic_acid.origin") != NucleicAcidOrigin.recombinant:
            # An edited genome is the sequence the effect comes from (G3, G4) even without a vector.
            c.note("EU-G3", True, "The genome is edited: a sequence is repaired, replaced or deleted.",
                   ["nucleic_acid.genome_editing"])
            return _vaccine_check(c) or True
    is_recombinant = c.ask("EU-G2")
    origin = c.fact("nucleic_acid.origin")
    if not is_recombinant:
        if origin == NucleicAcidOrigin.synthetic:
            c.ask("EU-G7")
            c.ask("EU-X5")
            c.notes.append("Under the EU pharma-package proposal (PROP-2, not in force) synthetic nucleic acids "
                           "acting by transcription or translation may become GTMPs.")
        else:
            c.ask("EU-G10")
            if c.fact("nucleic_acid.vehicle") == Vehicle.bacteriophage:
                c.ask("EU-X8")
        return False
    vehicle = c.fact("nucleic_acid.vehicle")
    if vehicle == Vehicle.mrna:
        c.ask("EU-G6")
        c.ask("EU-X6")
    c.ask("EU-G1")
    decision = _vaccine_check(c)
    if decision:
        return decision
    if c.fact("cells_or_tissues.form") == CellForm.extracellular_vesicles:
        c.ask("EU-X9")
        raise Unresolved("A12", likely="GTMP")
    if vehicle == Vehicle.bacteriophage:
        c.ask("EU-X8")
        raise Unresolved("A13")
    if not c.ask("EU-G3"):
        return False
    effect = c.ask("EU-G4")
    if vehicle == Vehicle.modified_microorganism and effect:
        c.ask("EU-X7")
    if not effect:
        c.ask("EU-G8")
    return bool(effect)


def _vaccine_check(c: Inquiry) -> Decision | None:
    is_vaccine = c.ask("EU-G5")
    c.ask("EU-G9")
    if is_vaccine:
        c.ask("EU-X4")
        return _not_atmp("vaccine")
    return None


def _no_cells_regime(c: Inquiry) -> Decision:
    """Neither a GTMP nor a cell product: which non-ATMP regime applies."""
    origin = c.fact("nucleic_acid.origin") if c.fact("nucleic_acid.present") else None
    if origin == NucleicAcidOrigin.synthetic:
        return _not_atmp("chemical_medicinal_product")
    if origin == NucleicAcidOrigin.natural:
        if c.ask("EU-G5"):
            return _not_atmp("vaccine")
        return _not_atmp("biological_medicinal_product")
    if origin == NucleicAcidOrigin.recombinant:
        return _not_atmp("biological_medicinal_product")
    if c.ask("EU-G12"):
        return _not_atmp("biological_medicinal_product")
    return _not_atmp("chemical_medicinal_product")


def _substantial(c: Inquiry) -> bool | None:
    """DP-5: substantial manipulation, three-valued; records the M rules that apply."""
    manipulations = c.fact("cells_or_tissues.manipulations")
    given = c.fact("cells_or_tissues.substantially_manipulated")
    if manipulations is None and given is None:
        return None
    steps = set(manipulations or [])
    value: bool | None = False
    if steps & ANNEX_I_MANIPULATIONS or not steps:
        c.ask("EU-M1")
    if steps & SUBSTANTIAL_MANIPULATIONS:
        c.ask("EU-M2")
        value = True
    elif steps & CASE_BY_CASE_MANIPULATIONS:
        if Manipulation.decellularisation in steps:
            c.ask("EU-M5")
        c.ask("EU-M4")
        value = None
    if given is not None:
        c.ask("EU-M3")
        value = given
    return value


def _non_viable_regime(c: Inquiry) -> Decision:
    """Non-viable tissue acting physically: tissues law if it is still the tissue, else the MDR."""
    derived = Manipulation.decellularisation in (c.fact("cells_or_tissues.manipulations") or [])
    if derived:
        c.ask("EU-M5")
    if c.fact("cells_or_tissues.source") == CellSource.xenogeneic or derived:
        c.ask("EU-X1")
        return _not_atmp("medical_device")
    substantial = _substantial(c)
    if substantial is None:
        c.need("cells_or_tissues.manipulations" if c.fact("cells_or_tissues.manipulations") is None
               else "cells_or_tissues.substantially_manipulated")
    if substantial:
        c.ask("EU-X1")
        return _not_atmp("medical_device")
    if c.ask("EU-F1", block=False) is not None:
        c.ask("EU-F2")
    c.ask("EU-X2")
    return _not_atmp("tissues_cells")


def _cell_product(c: Inquiry) -> Decision:
    """DP-3 to DP-8, DP-10: cells and tissues."""
    if not c.ask("EU-C6"):
        form = c.fact("cells_or_tissues.form")
        if form == CellForm.anucleate:
            c.ask("EU-X12")
            return _not_atmp("blood" if c.fact("cells_or_tissues.blood_component") else "other")
        c.ask("EU-X10" if form == CellForm.lysate else "EU-X9")
        return _not_atmp("biological_medicinal_product")
    viable = c.fact("cells_or_tissues.viability") in {Viability.viable, Viability.mixed}
    if c.fact("cells_or_tissues.source") == CellSource.xenogeneic:
        c.ask("EU-X11")
    if c.ask("EU-T3"):
        return _non_viable_regime(c)
    if viable:
        c.note("EU-P1", True, "Viable cells: their pharmacological, immunological or metabolic action is deemed "
               "the principal mode of action.", ["cells_or_tissues.viability"])
    else:
        c.ask("EU-C5")
    substantial = _substantial(c)
    if substantial is False and c.fact("cells_or_tissues.blood_component") is not False:
        blood = c.fact("cells_or_tissues.blood_component")
        if blood is None:
            c.need("cells_or_tissues.blood_component")
        c.ask("EU-X3")
        return _not_atmp("blood")
    non_homologous = c.ask("EU-F1", block=False)
    if non_homologous is not None:
        c.ask("EU-F2")
        if c.fact("cells_or_tissues.tissue_origin") in {
            TissueOrigin.bone_marrow, TissueOrigin.cord_blood, TissueOrigin.peripheral_blood
        }:
            c.ask("EU-F3")
        if non_homologous is False and c.fact("cells_or_tissues.different_site"):
            c.ask("EU-F5")
    if Manipulation.antigen_loading in (c.fact("cells_or_tissues.manipulations") or []):
        c.note("EU-X10", False, "The cells are loaded with antigen (e.g. tumour lysate) but remain intact cells: "
               "not a lysate product.", ["cells_or_tissues.manipulations", "cells_or_tissues.form"])
    if substantial is True or non_homologous is True:
        why = "substantially manipulated" if substantial else "used for a different essential function"
        c.note("EU-C2", True, f"The cells are {why}.",
               ["cells_or_tissues.manipulations", "cells_or_tissues.same_essential_function"])
    elif substantial is False and non_homologous is False:
        c.note("EU-C2", False, "Neither substantially manipulated nor used for another function.",
               ["cells_or_tissues.manipulations", "cells_or_tissues.same_essential_function"])
        if c.fact("cells_or_tissues.source") == CellSource.xenogeneic:
            raise Unresolved("A10")  # EU-X11, recorded above
        c.ask("EU-X2")
        return _not_atmp("tissues_cells")
    else:
        missing = []
        if substantial is None:
            if c.fact("cells_or_tissues.manipulations") is None:
                missing.append("cells_or_tissues.manipulations")
            else:
                missing.append("cells_or_tissues.substantially_manipulated")
                c.flag("A1")
        if non_homologous is None:
            missing.append("cells_or_tissues.same_essential_function")
        c.need(*missing)
    if c.fact("cells_or_tissues.source") == CellSource.xenogeneic or not viable or c.fact("device.present"):
        c.ask("EU-T2")
    return _claim(c, viable)


def _claim(c: Inquiry, viable: bool) -> Decision:
    """DP-8: TEP or sCTMP by the claim; Art 2(4) when both."""
    purpose = c.fact("claimed_purpose")
    if purpose == ClaimedPurpose.cosmetic:
        purpose = ClaimedPurpose.regenerate_repair_replace  # EU-S5 reading, recorded there
    if purpose is None:
        c.need("claimed_purpose")
    repair = purpose == ClaimedPurpose.regenerate_repair_replace
    treat = purpose == ClaimedPurpose.treat_prevent_diagnose
    assert repair or treat, purpose  # 'none' ends at EU-S1, 'cosmetic' is read as repair (EU-S5)
    # Viable cells' action is deemed PIM (Art 2(2)); non-viable ones reach here only when acting by PIM.
    c.note("EU-T4", True, "The cells are engineered (substantially manipulated or not used for the same essential "
           "function).", ["cells_or_tissues.manipulations", "cells_or_tissues.same_essential_function"])
    c.note("EU-T1", repair, "Presented to regenerate, repair or replace a human tissue." if repair else
           "Not presented to regenerate, repair or replace a human tissue.", ["claimed_purpose"])
    c.note("EU-C3", True, "Acts on a disease or tissue defect through the cells' pharmacological, immunological or "
           "metabolic action.", ["claimed_purpose", "cells_or_tissues.viability"])
    if repair:
        c.note("EU-P3", True, "It could be both a TEP and an sCTMP: it is a TEP.", ["claimed_purpose"])
        c.flag("A3")
        return Decision("TEP", "atmp_centralised")
    return Decision("sCTMP", "atmp_centralised")  # a claim of 'none' ended at EU-S1


def _combined(c: Inquiry, decision: Decision, intact_cells: bool) -> Decision:
    """DP-10: combined ATMP."""
    if c.facts.device is None or decision.outcome not in {"GTMP", "sCTMP", "TEP"}:
        return decision
    present = c.fact("device.present")
    if present is None:
        c.need("device.present")
    if not present:
        return decision
    if not intact_cells:
        c.ask("EU-D5")
        return decision
    if not c.ask("EU-D2") or not c.ask("EU-D3"):
        return decision
    if c.ask("EU-D1"):
        decision.combined = True
        return decision
    c.ask("EU-D4")
    return _not_atmp("medical_device")


def _origin(c: Inquiry) -> None:
    """DP-11: autologous + allogeneic is allogeneic (Art 2(3))."""
    source = c.fact("cells_or_tissues.source") if c.fact("cells_or_tissues.present") else None
    if source == CellSource.mixed:
        c.note("EU-P2", True, "It contains autologous and allogeneic cells: treated as allogeneic.",
               ["cells_or_tissues.source"])
        c.origin = "allogeneic"
        c.flag("A14")
    elif source is not None:
        c.origin = source.value


def procedure(c: Inquiry) -> Decision:
    decision = _scope(c)
    if decision:
        return decision
    gtmp = _gene_therapy(c)
    if isinstance(gtmp, Decision):
        return gtmp
    cells_block = c.facts.cells_or_tissues
    has_cells = cells_block is not None and cells_block.present is not False
    if has_cells and cells_block is not None and cells_block.present is None and not gtmp:
        c.need("cells_or_tissues.present")
    intact = has_cells and c.fact("cells_or_tissues.form") == CellForm.intact_cells
    if gtmp:
        if has_cells and intact:
            c.note("EU-P4", True, "It could also be an sCTMP or TEP (modified cells): a GTMP prevails.",
                   ["cells_or_tissues.present", "nucleic_acid.present"])
        decision = Decision("GTMP", "atmp_centralised")  # parallel GMO rules: see consequences
    elif not has_cells:
        c.ask("EU-C1")
        decision = _no_cells_regime(c)
    else:
        c.ask("EU-C1")
        decision = _cell_product(c)
    decision = _combined(c, decision, intact)
    if decision.outcome in {"GTMP", "sCTMP", "TEP"}:
        _origin(c)
        if c.facts.hospital_exemption is not None:
            met = c.ask("EU-H1", block=False)
            if met:
                c.pathway_notes.append("hospital_exemption")
                c.notes.append("Hospital exemption may apply (Art 28(2) of Regulation (EC) No 1394/2007, Art 3(7) "
                               "of Directive 2001/83/EC); the product stays an ATMP.")
    elif decision.regime in {"tissues_cells", "blood"} and c.as_of < SOHO_APPLIES:
        c.notes.append("From 7 August 2027 the SoHO Regulation (EU) 2024/1938 replaces Directives 2004/23/EC "
                       "and 2002/98/EC for this product.")
    return decision


EU.procedure = procedure
