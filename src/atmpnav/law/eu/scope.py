"""Scope gates and special materials with their own regime."""

from __future__ import annotations

from atmpnav.facts import (
    AdministrationRoute,
    CellSource,
    ClaimedPurpose,
    ProductRole,
    SpecialCategory,
)
from atmpnav.law.base import Answer, Inquiry, Rule
from atmpnav.law.eu.common import (
    ATMP_REGULATION,
    BEFORE_SOHO,
    DIR,
    EU,
    PART_IV_2009,
    REG,
    SOHO,
    SOHO_APPLIES,
    _human_cells,
    _yes_no,
    acts_by_pim,
    rule,
)

# --- Scope gates -------------------------------------------------------------


@rule(
    "EU-S1",
    title="Medicinal product gate",
    question="Is the product presented as treating or preventing disease, or administered to restore, correct or "
    "modify physiological functions by pharmacological, immunological or metabolic action (or to diagnose)?",
    citation=f"Directive 2001/83/EC, Art 1(2)(a) and (b); {REG}, Art 2(1)(a) and recitals 2 and 3",
    confidence="V",
    valid_from=ATMP_REGULATION,
    ambiguities=("A19",),
    reading="Recital 2 gives the presentation and function wording, recital 3 the exclusion of non-viable "
    "materials acting physically (our reading of the Official Journal text: the review that asked for recital 2 "
    "only is followed for the presentation limb, recital 3 is kept for the non-viable exclusion).",
)
def medicinal_product_gate(c: Inquiry) -> Answer:
    purpose = c.fact("claimed_purpose")
    path = ("claimed_purpose",)
    if purpose == ClaimedPurpose.none:
        by_function = acts_by_pim(c)
        facts = ("claimed_purpose", "cells_or_tissues.viability", "cells_or_tissues.mode_of_action")
        if by_function:
            return Answer(True, "No medical claim is presented, but the product is administered to restore, correct "
                          "or modify physiological functions by pharmacological, immunological or metabolic action: "
                          "a medicinal product by function (Art 1(2)(b)).", facts, ambiguities=("A19",))
        if by_function is False:
            return Answer(False, "No medical claim is presented and the material acts physically, not by "
                          "pharmacological, immunological or metabolic action: not a medicinal product by "
                          "presentation or by function (recital 3).", facts, ambiguities=("A19",))
        unknown = [path for path, value in (
            ("nucleic_acid.present", c.fact("nucleic_acid.present") if c.facts.nucleic_acid else False),
            ("cells_or_tissues.present", c.fact("cells_or_tissues.present") if c.facts.cells_or_tissues else False),
        ) if value is None]
        if not unknown and c.fact("cells_or_tissues.present"):
            unknown = ["cells_or_tissues.mode_of_action"]
        if not unknown:
            return Answer(True, "No claim is presented and the product has neither cells nor nucleic acid: it cannot "
                          "be an ATMP; whether it is a medicinal product by function is for the general rules.",
                          facts, ambiguities=("A19",))
        return Answer(None, "No claim is presented; whether the product acts by pharmacological, immunological or "
                      "metabolic action (a medicinal product by function) is not known.", facts,
                      missing=tuple(unknown), ambiguities=("A19",))
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
    citation=f"{DIR}, 3.2.1.3 to 3.2.1.5 (starting materials)",
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
    title="What cannot be a cosmetic",
    question="Can the product be a cosmetic at all (applied only to external parts of the body, and free of human "
    "cells or tissues)?",
    citation="Regulation (EC) No 1223/2009, Art 2(1)(a) and Annex II (entry: cells, tissues or products of human "
    "origin)",
    confidence="K",
    valid_from=ATMP_REGULATION,
    ambiguities=("A3", "A19"),
    reading="[U] Our reading: an aesthetic claim to restore or fill a tissue with human cells is assessed as "
    "a claim to repair or replace that tissue (TEP limb); the spec gives the outcome (TC-073) but not the step.",
)
def no_cosmetic(c: Inquiry) -> Answer:
    facts = ("claimed_purpose", "cells_or_tissues.source", "administration_route")
    if _human_cells(c):
        return Answer(
            True,
            "Cosmetics may not contain human cells, so the product is assessed under the medicinal product "
            "rules; its aesthetic claim to restore tissue is read as a claim to repair or replace tissue.",
            facts, ambiguities=("A3", "A19"),
        )
    route = c.fact("administration_route")
    if route is None:
        return Answer(None, "Whether the product is only applied to the outside of the body (as a cosmetic must "
                      "be) is not known.", facts, missing=("administration_route",))
    if route != AdministrationRoute.external_surface:
        return Answer(True, f"Given by {route.value.replace('_', ' ')}: cosmetics are applied only to external "
                      "parts of the body, so an aesthetic claim does not make it a cosmetic.", facts)
    return Answer(
        False,
        "Applied to the outside of the body and without human cells: a cosmetic product is outside the ATMP "
        "definitions (its cosmetic status under Regulation (EC) No 1223/2009 is not assessed here).", facts,
    )


# --- Special materials with their own regime ---------------------------------


def _special(c: Inquiry, category: SpecialCategory) -> bool:
    return c.fact("special_category") == category


@rule(
    "EU-X13",
    title="Organs for transplantation",
    question="Is the product an organ for transplantation?",
    citation="Directive 2010/53/EU, Art 1 and Art 3(h) (organ); Directive 2004/23/EC, Art 2(2)(c)",
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
            "Directive 2004/23/EC, Art 2(1) (reproductive cells); Directive 2006/17/EC, Annex III", "K", _reproductive,
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
            "No Union act before the SoHO Regulation: Directive 2004/23/EC, Art 2(1) (human cells only); "
            "national rules", "V", _microbiota,
            valid_from=ATMP_REGULATION, valid_to=BEFORE_SOHO,
            reading="Before 7 August 2027 there is no EU regime for microbiota: national rules apply (regime "
                    "'other')."))
EU.add(Rule("EU-X15", "Faecal / intestinal microbiota",
            "Is the product a preparation of intestinal (faecal) microbiota?",
            f"{SOHO}, Art 3 (definition of SoHO includes intestinal microbiota)", "V", _microbiota,
            valid_from=SOHO_APPLIES))
