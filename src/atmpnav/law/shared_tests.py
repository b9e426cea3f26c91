"""Rule tests that several regulators' rule sets run the same way: written once here, worded by each rule set.

What is shared is the mechanics: which facts are read in which order, what an unknown fact asks, and which facts
an answer names. Each rule set keeps its rule ids, citations, dates and readings in its own module and passes
its own explanations in, so a rule's steps read exactly as that regulator's law says them. The presence checks
the procedures start from are here too.
"""

from __future__ import annotations

from atmpnav.facts import ClaimedPurpose, GenomeEditing, NucleicAcidOrigin, ProductRole, Vehicle, Viability
from atmpnav.law.base import Answer, Inquiry
from atmpnav.law.judgements import judged_answer

GENOME_EDITORS = frozenset({GenomeEditing.nucleic_acid_encoded, GenomeEditing.protein_only})


def has_cells(c: Inquiry) -> bool:
    """Whether the facts describe cells or tissues that are not said to be absent (unknown presence counts)."""
    cells = c.facts.cells_or_tissues
    return cells is not None and cells.present is not False


def cells_present(c: Inquiry) -> bool:
    """Whether the product has cells or tissues; described cells whose presence is unknown are asked (blocks)."""
    if has_cells(c) and c.fact("cells_or_tissues.present") is None:
        c.need("cells_or_tissues.present")
    return has_cells(c)


def nucleic_acid_present(c: Inquiry) -> bool:
    """Whether the product has nucleic acid; a described nucleic acid whose presence is unknown is asked (blocks)."""
    nucleic = c.facts.nucleic_acid
    if nucleic is not None and nucleic.present is None:
        c.need("nucleic_acid.present")
    return nucleic is not None and nucleic.present is True


def finished_product_for_people(c: Inquiry, *, starting_material: str, outside_body: str, yes: str) -> Answer:
    """Whether the product itself is given to people: a starting material or a product used only outside the body
    is not; the product's role is asked before whether it is given to patients (AU-S1, CA-S1, KR-S1)."""
    paths = ("product_role", "for_human_administration")
    if c.fact("product_role") == ProductRole.starting_material:
        return Answer(False, starting_material, paths)
    if c.fact("for_human_administration") is False:
        return Answer(False, outside_body, paths)
    if c.fact("product_role") is None:
        return Answer(None, "Whether this is the finished product or a starting material is not known.", paths,
                      missing=("product_role",))
    if c.fact("for_human_administration") is None:
        return Answer(None, "Whether the product is given to patients is not known.", paths,
                      missing=("for_human_administration",))
    return Answer(True, yes, paths)


def finished_medical_product(c: Inquiry, *, starting_material: str, not_administered: str, no_medical_claim: str,
                             yes: str) -> Answer:
    """Whether the finished product is given to patients with a medical claim; the unknown facts are asked
    together (CH-S1, JP-S1)."""
    paths = ("product_role", "for_human_administration", "claimed_purpose")
    if c.fact("product_role") == ProductRole.starting_material:
        return Answer(False, starting_material, paths)
    if c.fact("for_human_administration") is False:
        return Answer(False, not_administered, paths)
    if c.fact("claimed_purpose") == ClaimedPurpose.none:
        return Answer(False, no_medical_claim, paths)
    missing = [p for p in ("product_role", "for_human_administration") if c.fact(p) is None]
    if missing:
        return Answer(None, "Whether it is the finished product given to patients is not known.", paths,
                      missing=tuple(missing))
    return Answer(True, yes, paths)


def gene_therapy_by_sequence(c: Inquiry, paths: tuple[str, ...], *, edits: str, natural: str, synthetic: str,
                             yes: str, no: str, unknown: str) -> Answer:
    """Gene therapy read from the nucleic acid: a genome editor is one; a natural organism's genome and a synthetic
    oligonucleotide (not mRNA) are not; otherwise the effect-from-sequence judgement decides (AU-G1, CA-G1, KR-G1)."""
    if c.fact("nucleic_acid.genome_editing") in GENOME_EDITORS:
        return Answer(True, edits, paths)
    origin = c.fact("nucleic_acid.origin")
    if origin is None:
        return Answer(None, "How the nucleic acid is made is not known.", paths, missing=("nucleic_acid.origin",))
    if origin == NucleicAcidOrigin.natural:
        return Answer(False, natural, paths)
    if origin == NucleicAcidOrigin.synthetic and c.fact("nucleic_acid.vehicle") != Vehicle.mrna:
        return Answer(False, synthetic, paths)
    return judged_answer(c, "nucleic_acid.effect_from_sequence", paths, yes=yes, no=no, unknown=unknown)


def device_achieves_principal_action(c: Inquiry, paths: tuple[str, ...], *, viable: str, device_acts: str,
                                     cells_act: str) -> Answer:
    """Whether an integral device part achieves the principal action: only with non-viable cells whose action is
    not primary (AU-D1, CA-M1)."""
    if c.fact("device.present") is not True or c.fact("device.integral") is False:
        return Answer(False, "No integral device part.", paths)
    viability = c.fact("cells_or_tissues.viability")
    if viability is None:
        return Answer(None, "Whether the cells are alive is not known.", paths, missing=("cells_or_tissues.viability",))
    if viability != Viability.non_viable:
        return Answer(False, viable, paths)
    primary = c.fact("device.cells_primary_action")
    if primary is None:
        return Answer(None, "Whether the non-viable cells' action is primary is not known.", paths,
                      missing=("device.cells_primary_action",))
    return Answer(not primary, device_acts if not primary else cells_act, paths)
