"""Scope gates and special materials with their own regime."""

from __future__ import annotations

from atmpnav.facts import (
    CellSource,
    ClaimedPurpose,
    ProductRole,
    SpecialCategory,
)
from atmpnav.law.base import Answer, Inquiry, Rule
from atmpnav.law.eu.common import (
    ATMP_REGULATION,
    BEFORE_SOHO,
    EU,
    PART_IV_2009,
    REG,
    SOHO,
    SOHO_APPLIES,
    _human_cells,
    _yes_no,
    rule,
)

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
