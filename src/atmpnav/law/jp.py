"""Japanese rule set: PMD Act (Act No. 145 of 1960) Art 2(9) and the ASRM (Act No. 85 of 2013).

Rules follow domain-part2.md §B.3 (JP-1 … JP-4) and rules.md §3. A *regenerative medical product*
(再生医療等製品) is either (i) human or animal cells "cultured or otherwise processed" for
reconstruction, repair or formation of body structure or function, or for treating or preventing
disease, or (ii) a product for *treating* disease containing genes to be introduced into and
expressed in human or animal cells (PMD Act Art 2(9) [V]). Use in clinical research or private
practice falls under the ASRM, which sorts the technology into classes I-III; from 31 May 2025 in
vivo gene therapy is in its scope as class I [V].

Outcomes (contract-part2.md §1): ``regenerative medical product (cell-processed)``,
``regenerative medical product (gene therapy)``, ``not a regenerative medical product``,
``undetermined``; plus ``asrm_class`` (``I`` | ``II`` | ``III`` | ``None``).
"""

from __future__ import annotations

from collections.abc import Callable
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
    TissueOrigin,
    Vehicle,
    Viability,
)
from atmpnav.law.base import Answer, Decision, Inquiry, Rule, RuleSet
from atmpnav.law.judgements import judged, missing_for
from atmpnav.law.shared_tests import cells_present, finished_medical_product, nucleic_acid_present

PMD_ACT_2014 = date(2014, 11, 25)  # regenerative medical products created by the 2013 amendment, in force [V]
ASRM_IN_FORCE = date(2014, 11, 25)  # ASRM in force [V]
ASRM_IN_VIVO = date(2025, 5, 31)  # amendment promulgated 14 June 2024: in vivo gene therapy in scope [V]
BEFORE_IN_VIVO = date(2025, 5, 30)

PMD = "PMD Act (Act No. 145 of 1960)"
ASRM = "ASRM (Act No. 85 of 2013)"
PROCESSING_NOTICE = ("MHLW notice PFSB No. 0208003 (8 Feb 2008) on processed human (autologous) cells and tissues, "
                     "definition of 'processing'")

CELL_PROCESSED = "regenerative medical product (cell-processed)"
GENE_THERAPY = "regenerative medical product (gene therapy)"
NOT_RMP = "not a regenerative medical product"
JP_OUTCOMES = (CELL_PROCESSED, GENE_THERAPY, NOT_RMP, "undetermined")

JP = RuleSet(
    jurisdiction="JP",
    name="Japan (MHLW / PMDA)",
    version="jp-2026.12",
    advanced_outcomes=frozenset({CELL_PROCESSED, GENE_THERAPY}),
    outcomes=JP_OUTCOMES,
    sources=(
        "PMD Act (Act No. 145 of 1960), Art 2(9), Arts 23-25 and 23-26 (e-Gov XML dated 2026-05-01, as amended by "
        "Act No. 37 of 2025)",
        "PMD Act Enforcement Order (Cabinet Order), Annex Table 2 (categories of regenerative medical products)",
        "ASRM (Act No. 85 of 2013), Art 2 and its Enforcement Order and Regulation (classes I-III); amendment "
        "promulgated 14 June 2024, in force 31 May 2025",
        "MHLW notice PFSB No. 0208003 (2008) on the meaning of 'processing'; MHLW note on homologous use",
        "Secondary sources on the ASRM classes (remedy-company, as-medical-support, saiseiiryo.jp, Hosoya et al., "
        "Regen Ther 2025)",
    ),
    subsidiary_rules=frozenset({"JP-2", "JP-A1", "JP-A2"}),
    sources_as_of="PMD Act text checked in the e-Gov XML dated 2026-05-01; ASRM classes from secondary sources "
    "(mid-2026). The exact class II/III boundaries are [U].",
    open_question_advice="PMDA's consultation on whether a product is a regenerative medical product (薬事相談) "
    "can settle it.",
)
rule = JP.define

_PROCESSING = frozenset({Manipulation.expansion, Manipulation.activation, Manipulation.differentiation,
                         Manipulation.genetic_modification, Manipulation.antigen_loading, Manipulation.reprogramming})


@rule(
    "JP-S1",
    title="A product for medical use",
    question="Is the product itself used in medicine (given to patients, with a medical purpose), and not a "
    "starting material, quasi-drug or cosmetic?",
    citation=f"{PMD} Art 2(9) (excluding quasi-drugs and cosmetics)",
    confidence="K",
    valid_from=PMD_ACT_2014,
)
def medical_use(c: Inquiry) -> Answer:
    return finished_medical_product(
        c, starting_material="A starting material of another product (its quality is controlled in that product's "
        "approval).",
        not_administered="Not given to patients.", no_medical_claim="No medical purpose.",
        yes="A finished product for medical use.")


@rule(
    "JP-P1",
    title="Cultured or otherwise processed",
    question="Have the human or animal cells been cultured or otherwise processed (proliferated, activated by "
    "drugs, changed in biological properties, combined with non-cellular components or genetically engineered)?",
    citation=f"{PMD} Art 2(9)(i) ('培養その他の加工'); {PROCESSING_NOTICE}",
    confidence="K",
    valid_from=PMD_ACT_2014,
    reading="Derived from the processing steps when not given: culture, activation, differentiation, genetic "
    "modification and combination with a device are processing; separation, cutting, isolation, antibiotics, "
    "washing, sterilisation, freezing and thawing are not; other steps are asked. The notice is read from "
    "secondary sources [K].",
)
def processed(c: Inquiry) -> Answer:
    paths = ("cells_or_tissues.cultured_or_processed_jp", "cells_or_tissues.manipulations", "device.integral")
    given = c.fact("cells_or_tissues.cultured_or_processed_jp")
    if given is not None:
        return Answer(given, "As stated." if given else "As stated: not cultured or otherwise processed.", paths)
    steps = c.fact("cells_or_tissues.manipulations")
    if steps is None:
        return Answer(None, "The processing steps are not known.", paths, missing=("cells_or_tissues.manipulations",))
    hit = [m.value for m in steps if m in _PROCESSING]
    if hit:
        return Answer(True, f"{', '.join(hit)}: the cells are cultured or otherwise processed.", paths)
    if c.fact("device.present") and c.fact("device.integral"):
        return Answer(True, "Cells combined with a non-cellular component (scaffold, matrix, membrane) are "
                      "processed.", paths)
    if all(m in ANNEX_I_MANIPULATIONS for m in steps):
        return Answer(False, "Only minimal operations (separation, cutting, washing, freezing and the like): not "
                      "processing.", paths)
    return Answer(None, "A step that is not clearly culture or a minimal operation (e.g. enzymatic isolation).",
                  paths, missing=("cells_or_tissues.cultured_or_processed_jp",))


@rule(
    "JP-1",
    title="Regenerative medical product: processed cells",
    question="Are cultured or otherwise processed human or animal cells intended to reconstruct, repair or form "
    "body structure or function, or to treat or prevent disease?",
    citation=f"{PMD} Art 2(9)(i)(a)-(b) (医薬品医療機器等法第二条第九項第一号)",
    confidence="V",
    valid_from=PMD_ACT_2014,
)
def processed_cells_limb(c: Inquiry) -> Answer:
    purpose = c.fact("claimed_purpose")
    said = {
        ClaimedPurpose.regenerate_repair_replace: "to reconstruct, repair or form body structure or function",
        ClaimedPurpose.cosmetic: "to form body structure (an aesthetic claim, read as limb (a) [U])",
    }.get(purpose, "to treat or prevent disease")
    return Answer(True, f"Processed cells used {said}.", ("claimed_purpose", "cells_or_tissues.manipulations"))


def _cell_category(c: Inquiry) -> str:
    animal = c.fact("cells_or_tissues.source") == CellSource.xenogeneic
    steps = c.fact("cells_or_tissues.manipulations") or []
    if c.fact("cells_or_tissues.tissue_origin") == TissueOrigin.pluripotent_stem_cells:
        kind = "iPS- or ES-cell-derived"
    elif Manipulation.reprogramming in steps:
        kind = "iPS-cell-derived"
    elif c.fact("cells_or_tissues.somatic_stem_cells"):
        kind = "somatic stem cell"
    else:
        kind = "somatic cell"
    return f"{'animal' if animal else 'human'} {kind}-processed product"


@rule(
    "JP-2",
    title="Category (Cabinet Order, Annex Table 2)",
    question="Which category of the Cabinet Order's Annex Table 2 does the product fall in?",
    citation="PMD Act Enforcement Order (Cabinet Order), Annex Table 2",
    confidence="V",
    valid_from=PMD_ACT_2014,
    reading="Cells modified with a gene before administration are read as cell-processed products (e.g. CAR-T), "
    "the gene therapy categories covering products not listed above them [K].",
)
def category(c: Inquiry) -> Answer:
    if c.fact("cells_or_tissues.present") and c.fact("cells_or_tissues.form") == CellForm.intact_cells:
        return Answer(_cell_category(c), "The cells' origin decides the cell-processed category.",
                      ("cells_or_tissues.source", "cells_or_tissues.tissue_origin",
                       "cells_or_tissues.somatic_stem_cells"))
    vehicle = c.fact("nucleic_acid.vehicle")
    if vehicle == Vehicle.plasmid:
        value = "plasmid vector product"
    elif vehicle in {Vehicle.viral_vector, Vehicle.oncolytic_virus}:
        value = "viral vector product"
    else:
        value = "gene expression therapy product"
    return Answer(value, "The vehicle decides the gene therapy category.", ("nucleic_acid.vehicle",))


@rule(
    "JP-G1",
    title="Regenerative medical product: gene therapy",
    question="Is the product for treating disease and does it contain genes to be introduced into and expressed in "
    "human or animal cells?",
    citation=f"{PMD} Art 2(9)(ii) (医薬品医療機器等法第二条第九項第二号)",
    confidence="V",
    valid_from=PMD_ACT_2014,
    reading="The limb says 'treating' only: a preventive vaccine is outside it (a drug). Synthetic "
    "oligonucleotides and protein-only editors contain no gene to be expressed. [U] Whether in vitro transcribed "
    "mRNA is a 'gene' here was not checked; it is read as inside the limb.",
)
def gene_limb(c: Inquiry) -> Answer:
    paths = ("nucleic_acid.origin", "nucleic_acid.vehicle", "nucleic_acid.genome_editing",
             "nucleic_acid.effect_from_sequence", "vaccine_against_infectious_disease")
    if judged(c, "vaccine_against_infectious_disease"):
        return Answer(False, "A vaccine to prevent an infectious disease is not 'for treating disease': a drug.", paths)
    editing = c.fact("nucleic_acid.genome_editing")
    if editing == GenomeEditing.nucleic_acid_encoded:
        return Answer(True, "The editor is delivered as a gene (DNA or mRNA) expressed in the cells.", paths)
    origin = c.fact("nucleic_acid.origin")
    if origin is None:
        return Answer(None, "How the nucleic acid is made is not known.", paths, missing=("nucleic_acid.origin",))
    if editing == GenomeEditing.protein_only:
        return Answer(False, "A protein-only editor delivers no gene to be expressed.", paths)
    if origin == NucleicAcidOrigin.synthetic and c.fact("nucleic_acid.vehicle") != Vehicle.mrna:
        return Answer(False, "A synthetic oligonucleotide is not a gene expressed in cells: a drug.", paths)
    if origin == NucleicAcidOrigin.natural:
        return Answer(False, "A wild-type or attenuated organism carries no introduced gene.", paths)
    effect = judged(c, "nucleic_acid.effect_from_sequence")
    if effect is None and c.fact("nucleic_acid.transgene_role") is not None:
        effect = True  # an introduced gene is expressed whatever its role
    if effect is None:
        return Answer(None, "Whether the introduced gene is what is expressed is not known.", paths,
                      missing=missing_for(c, "nucleic_acid.effect_from_sequence"))
    uncertain = c.fact("nucleic_acid.vehicle") == Vehicle.mrna
    return Answer(effect, ("An mRNA expressed in cells [U: read as a gene]." if uncertain else
                           "It contains a gene introduced into and expressed in cells.") if effect else
                  "The nucleic acid is not what acts.", paths)


_ASRM_SCOPE_READING = ("[U] Blood components are read as 'transfusion' (outside) only when used for their "
                       "normal function; platelet-rich plasma used for repair is inside. Non-viable tissue is read as "
                       "outside. Minimally processed cells are inside (class II or III).")


def _asrm_scope_test(in_vivo: bool) -> Callable[[Inquiry], Answer]:
    def test(c: Inquiry) -> Answer:
        paths = ("cells_or_tissues.present", "cells_or_tissues.tissue_origin", "cells_or_tissues.blood_component",
                 "special_category", "nucleic_acid.vehicle")
        if c.fact("special_category") == SpecialCategory.reproductive_cells_embryos:
            return Answer(False, "Assisted reproduction is outside the ASRM.", paths)
        if c.fact("cells_or_tissues.present") and c.fact("cells_or_tissues.form") == CellForm.intact_cells:
            if c.fact("cells_or_tissues.viability") == Viability.non_viable:
                return Answer(False, "Non-viable tissue is read as outside the ASRM's processed cells [U].", paths)
            if c.fact("cells_or_tissues.blood_component") and judged(c, "cells_or_tissues.same_essential_function") \
                    is not False:
                return Answer(False, "Blood transfusion is outside the ASRM.", paths)
            steps = set(c.fact("cells_or_tissues.manipulations") or [])
            if c.fact("cells_or_tissues.tissue_origin") in {TissueOrigin.bone_marrow, TissueOrigin.cord_blood,
                                                            TissueOrigin.peripheral_blood} \
                    and not steps & _PROCESSING and judged(c, "cells_or_tissues.same_essential_function"):
                return Answer(False, "Haematopoietic stem cell transplantation is outside the ASRM.", paths)
            return Answer(True, "Medical use of (processed) cells: an ASRM regenerative medicine technology.", paths)
        if in_vivo:
            return Answer(True, "In vivo gene therapy is in ASRM scope (class I) from 31 May 2025.", paths)
        return Answer(False, "Before 31 May 2025 the ASRM covers only cell-based technologies.", paths)

    return test


JP.add(Rule("JP-A1", "ASRM scope", "Would using the product in clinical research or private practice be a "
            "regenerative medicine technology under the ASRM?", f"{ASRM} Art 2(2); ASRM Enforcement Order Art 1 "
            "(excluding transfusion, haematopoietic stem cell transplantation and assisted reproduction)", "K",
            _asrm_scope_test(in_vivo=False), valid_from=ASRM_IN_FORCE, valid_to=BEFORE_IN_VIVO,
            reading=_ASRM_SCOPE_READING))
JP.add(Rule("JP-A1", "ASRM scope (with in vivo gene therapy)", "Would using the product in clinical research or "
            "private practice be a regenerative medicine technology under the ASRM?",
            f"{ASRM} Art 2(2) as amended (promulgated 14 June 2024, in force 31 May 2025); ASRM Enforcement Order "
            "Art 1", "V", _asrm_scope_test(in_vivo=True), valid_from=ASRM_IN_VIVO, reading=_ASRM_SCOPE_READING))


@rule(
    "JP-A2",
    title="ASRM class",
    question="Which ASRM risk class is the technology: I (ES/iPS cells, gene-transduced cells, animal cells, "
    "allogeneic cells, in vivo gene therapy), II (autologous somatic stem cells, cultured cells, or non-cultured "
    "cells for non-homologous use) or III (the rest)?",
    citation=f"{ASRM} Art 2(5)-(7); ASRM Enforcement Regulation (classes)",
    confidence="U",
    valid_from=ASRM_IN_FORCE,
    reading="[U] Class I follows the statutory list [V]; the class II/III boundary (stem cells, culture, "
    "homologous use) is taken from secondary sources, so the exact boundaries are uncertain.",
)
def asrm_class(c: Inquiry) -> Answer:
    paths = ("cells_or_tissues.source", "cells_or_tissues.tissue_origin", "cells_or_tissues.manipulations",
             "cells_or_tissues.somatic_stem_cells", "cells_or_tissues.same_essential_function", "nucleic_acid.vehicle")
    intact_cells = c.fact("cells_or_tissues.present") and c.fact("cells_or_tissues.form") == CellForm.intact_cells
    if not intact_cells:
        return Answer("I", "In vivo gene therapy is class I.", paths)
    steps = set(c.fact("cells_or_tissues.manipulations") or [])
    source = c.fact("cells_or_tissues.source")
    reasons = []
    if c.fact("cells_or_tissues.tissue_origin") == TissueOrigin.pluripotent_stem_cells or \
            Manipulation.reprogramming in steps:
        reasons.append("ES or iPS cells")
    if Manipulation.genetic_modification in steps or c.fact("nucleic_acid.vehicle") == Vehicle.modified_cells:
        reasons.append("gene-transduced cells")
    if source == CellSource.xenogeneic:
        reasons.append("animal cells")
    if source in {CellSource.allogeneic, CellSource.mixed}:
        reasons.append("allogeneic cells")
    if reasons:
        return Answer("I", f"Class I: {', '.join(reasons)}.", paths)
    if source is None:
        return Answer(None, "Whose cells they are is not known.", paths, missing=("cells_or_tissues.source",))
    stem = c.fact("cells_or_tissues.somatic_stem_cells")
    cultured = Manipulation.expansion in steps
    homologous = judged(c, "cells_or_tissues.same_essential_function")
    if stem or cultured or homologous is False:
        why = [w for w, on in (("somatic stem cells", stem), ("cultured cells", cultured),
                               ("non-homologous use", homologous is False)) if on]
        return Answer("II", f"Class II: autologous {', '.join(why)}.", paths)
    unknown = [p for p, v in (("cells_or_tissues.somatic_stem_cells", stem),
                              ("cells_or_tissues.same_essential_function", homologous)) if v is None]
    if unknown:
        return Answer(None, "Class II or III depends on facts not known.", paths, missing=tuple(unknown))
    return Answer("III", "Class III: autologous, non-cultured, non-stem cells for homologous use.", paths)


@rule(
    "JP-X1",
    title="Non-viable tissue acting physically",
    question="Is it non-viable (devitalised or decellularised) tissue acting physically or structurally?",
    citation=f"{PMD} Art 2(4) (medical devices) [K]",
    confidence="K",
    valid_from=PMD_ACT_2014,
    reading="[U] A devitalised or decellularised tissue contains no cells to be 'cultured or processed' and is read "
    "as a medical device; not checked against a PMDA classification.",
)
def devitalised(c: Inquiry) -> Answer:
    return Answer(True, "Non-viable tissue acting physically: medical device rules, not a regenerative medical "
                  "product.", ("cells_or_tissues.viability", "cells_or_tissues.mode_of_action"))


@rule(
    "JP-X2",
    title="Human organs for transplantation",
    question="Is it a human organ for transplantation?",
    citation="Act on Organ Transplantation (Act No. 104 of 1997) [K]",
    confidence="K",
    valid_from=PMD_ACT_2014,
)
def organ(c: Inquiry) -> Answer:
    return Answer(True, "A human organ for transplantation falls under the organ transplantation law.",
                  ("special_category",))


_REFERENCE = [
    ("JP-3", "Ordinary approval", "Is marketing approval granted on confirmed efficacy and safety?",
     f"{PMD} Art 23-25", "V"),
    ("JP-4", "Conditional and time-limited approval", "Can a heterogeneous product with presumed efficacy and no "
     "markedly harmful effects be approved for a limited period (up to 7 years, extendable by up to 3)?",
     f"{PMD} Art 23-26(1)", "V"),
    ("JP-A3", "ASRM committee route", "Which committee reviews the plan: a Certified Special Committee (class I and "
     "II, class I also MHLW with a 90-day hold) or a Certified Committee (class III)?", f"{ASRM} Arts 4-5, 8 and "
     "26 [K]", "K"),
]
for _id, _title, _q, _cit, _conf in _REFERENCE:
    JP.add(Rule(_id, _title, _q, _cit, _conf, None, valid_from=PMD_ACT_2014))  # type: ignore[arg-type]


# --- The decision procedure -------------------------------------------------------------------


def _asrm(c: Inquiry) -> str | None:
    """The ASRM class, never blocking the PMD Act outcome; an unknown class is said in the notes."""
    if not c.ask("JP-A1", block=False):
        return None
    value = c.ask("JP-A2", block=False)
    if value is None:
        open_facts = ", ".join(c.steps[-1].answer.missing)
        c.notes.append(f"ASRM class not determined: answer {open_facts}.")
        return None
    return str(value)


def _not_rmp(regime: str) -> Decision:
    return Decision(NOT_RMP, regime)


def procedure(c: Inquiry) -> Decision:
    if not c.ask("JP-S1"):
        return _not_rmp("other")
    special = c.fact("special_category")
    if special == SpecialCategory.organ_for_transplant and c.fact("cells_or_tissues.source") != CellSource.xenogeneic:
        c.ask("JP-X2")
        return _not_rmp("organ_transplant")
    if special == SpecialCategory.reproductive_cells_embryos:
        c.ask("JP-A1", block=False)
        return _not_rmp("other")
    if special == SpecialCategory.intestinal_microbiota:
        return _not_rmp("other")
    with_cells = cells_present(c)
    intact = with_cells and c.fact("cells_or_tissues.form") == CellForm.intact_cells
    if with_cells and c.fact("cells_or_tissues.form") is None:
        c.need("cells_or_tissues.form")
    if intact and c.fact("cells_or_tissues.viability") == Viability.non_viable and \
            c.fact("cells_or_tissues.mode_of_action") == ModeOfAction.physical_structural:
        c.ask("JP-X1")
        return _not_rmp("medical_device")
    if intact:
        processed_cells = c.ask("JP-P1", block=False)
        if processed_cells is False and c.fact("cells_or_tissues.blood_component"):
            return Decision(NOT_RMP, "blood", asrm_class=_asrm(c))
        if processed_cells is None:
            c.need(*c.steps[-1].answer.missing)
        if processed_cells:
            if c.fact("claimed_purpose") is None:
                c.need("claimed_purpose")
            c.ask("JP-1")
            c.ask("JP-2")
            return Decision(CELL_PROCESSED, "pmd_act", asrm_class=_asrm(c))
        asrm = _asrm(c)
        return Decision(NOT_RMP, "asrm" if asrm else "other", asrm_class=asrm)
    if nucleic_acid_present(c):
        if c.ask("JP-G1"):
            c.ask("JP-2")
            return Decision(GENE_THERAPY, "pmd_act", asrm_class=_asrm(c))
        return _not_rmp("drug")
    return _not_rmp("drug")  # cell-free derivatives, proteins, chemicals: the drug rules


JP.procedure = procedure
