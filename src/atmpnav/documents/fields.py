"""Field maps of the forms, prefilled from the facts and the verdict (domain-part2.md §C).

A field is drafted from the facts only where the facts say it; everything else stays empty for the
applicant (company, contact, addresses). Every drafted text is marked for review in the templates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from atmpnav.facts import ProductFacts
from atmpnav.verdict import Verdict

EMA_CLASSIFICATION = {"GTMP": "Gene therapy", "sCTMP": "Somatic cell therapy", "TEP": "Tissue engineered",
                      "not ATMP": "None"}
US_LEAD_CENTERS = {"351 gene therapy": "CBER (Office of Therapeutic Products)",
                   "351 biologic": "CBER (Office of Therapeutic Products)",
                   "361 HCT/P": "CBER (HCT/Ps regulated solely under PHS Act §361)",
                   "excepted (1271.15)": "none (excepted from 21 CFR Part 1271)",
                   "vaccine": "CBER", "drug": "CDER", "device": "CDRH"}


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    mandatory: bool = False
    help: str = ""


# EMA "Scientific recommendation on classification of ATMPs: request form" (Art 17 Reg 1394/2007), §C.1.
EMA_FIELDS: tuple[Field, ...] = (
    Field("applicant_company", "Company developing the product", True),
    Field("contact_person", "Person authorised to communicate on behalf of the applicant", True),
    Field("product_name_or_identifier", "Product name or identifier (an internal code is acceptable)", True),
    Field("active_substance_descriptor", "Active substance: key identifying features (gene transferred, vector, "
          "cells or tissues)", True),
    Field("finished_product_description", "Finished product, including integral devices or structural components",
          True),
    Field("proposed_indication", "Proposed indication", True),
    Field("proposed_classification", "Proposed classification (None / Gene therapy / Somatic cell therapy / Tissue "
          "engineered; combined or not combined)", True),
    Field("public_product_description", "Proposed summary for public release: product description"),
    Field("therapeutic_area", "Proposed summary for public release: therapeutic area"),
    Field("active_substance_description", "1.1 Active substance, including the starting materials", True),
    Field("additional_substances", "1.1 Additional substances (scaffolds, matrices, biomaterials, biomolecules)"),
    Field("device_description", "1.1 Medical device or active implantable device, if any"),
    Field("composition", "Finished product: qualitative and quantitative composition"),
    Field("mode_of_administration", "Finished product: mode of administration"),
    Field("pharmaceutical_form", "Finished product: pharmaceutical form and description of the ready-to-use product"),
    Field("mechanism_of_action", "Claimed mechanism of action and properties (pharmacological, immunological or "
          "metabolic, if applicable)"),
    Field("proposed_use", "Proposed use (therapeutic, prophylactic, diagnostic)"),
    Field("development_status", "Summary of the status of development"),
)

# FDA Request for Designation, 21 CFR 3.7(c) (§C.3).
RFD_FIELDS: tuple[Field, ...] = (
    Field("sponsor_name", "(1) Sponsor name", True),
    Field("sponsor_address", "(1) Address", True),
    Field("establishment_registration", "(1) Establishment registration number (if any)"),
    Field("contact_person", "(1) Company contact person", True),
    Field("phone", "(1) Telephone number", True),
    Field("product_names", "(2)(i)-(iii) Classification, common or usual and proprietary names of the product and "
          "all components", True),
    Field("component_status", "(2)(iv) Components already approved, marketed without approval or under an "
          "investigational exemption; agreements between sponsors"),
    Field("composition", "(2)(v) Chemical, physical or biological composition", True),
    Field("development_status", "(2)(vi) Status and brief reports of development work, including animal testing",
          True),
    Field("manufacturing", "(2)(vii) Manufacturing processes and sources of all components", True),
    Field("proposed_use", "(2)(viii) Proposed use or indications", True),
    Field("modes_of_action", "(2)(ix) All known modes of action; the primary mode of action and its basis", True),
    Field("schedule_and_duration", "(2)(x) Schedule and duration of use"),
    Field("dose_and_route", "(2)(xi) Dose and route of administration"),
    Field("related_products", "(2)(xii) Related products and their regulatory status"),
    Field("other_information", "(2)(xiii) Other relevant information"),
    Field("recommended_center", "(3) Sponsor's recommendation of the lead centre, with the basis", True),
)

# FDA Pre-RFD (informal; guidance 'How to Prepare a Pre-Request for Designation', Feb 2018) (§C.4).
PRE_RFD_FIELDS: tuple[Field, ...] = (
    Field("sponsor_name", "Sponsor", True),
    Field("contact_person", "Contact person, e-mail and telephone", True),
    Field("product_names", "Product name(s)", True),
    Field("product_description", "Complete description of the product (all components)", True),
    Field("how_it_works", "How the product works (mechanism of action)", True),
    Field("proposed_use", "Intended indications and use", True),
    Field("marketing", "How the product will be marketed (e.g. as one product, a kit, separate products)"),
    Field("component_contributions", "Combination product: relative contribution of each component"),
)


def _v(value: Any) -> str:
    return str(getattr(value, "value", value) or "").replace("_", " ")


def _join(parts: list[str], sep: str = "; ") -> str:
    return sep.join(p for p in parts if p)


def describe_cells(facts: ProductFacts) -> str:
    cells = facts.cells_or_tissues
    if cells is None or not cells.present:
        return ""
    origin = f"{_v(cells.source)} " if cells.source else ""
    where = f" from {_v(cells.tissue_origin)}" if cells.tissue_origin else ""
    steps = f", processed by {', '.join(_v(m) for m in cells.manipulations)}" if cells.manipulations else ""
    form = _v(cells.form) or "cells or tissues"
    viable = f" ({_v(cells.viability)})" if cells.viability else ""
    return f"{origin}{form}{where}{viable}{steps}".strip()


def describe_nucleic_acid(facts: ProductFacts) -> str:
    na = facts.nucleic_acid
    if na is None or not na.present:
        return ""
    parts = [f"{_v(na.origin)} nucleic acid" if na.origin else "nucleic acid"]
    if na.vehicle:
        parts.append(f"delivered as/by {_v(na.vehicle)}")
    if na.transgene_role:
        parts.append(f"transgene role: {_v(na.transgene_role)}")
    if na.genome_editing and _v(na.genome_editing) != "none":
        parts.append(f"genome editing: {_v(na.genome_editing)}")
    return ", ".join(parts)


def describe_device(facts: ProductFacts) -> str:
    device = facts.device
    if device is None or not device.present:
        return ""
    kind = _v(device.kind) or "device"
    integral = "integral part of the product" if device.integral else ("supplied separately" if device.integral is
                                                                        False else "")
    own = "with a medical purpose of its own" if device.own_medical_purpose else ""
    return _join([kind, integral, own], ", ")


def active_substance(facts: ProductFacts) -> str:
    return _join([describe_nucleic_acid(facts), describe_cells(facts)])


def finished_product(facts: ProductFacts) -> str:
    if facts.description:
        return facts.description
    device = describe_device(facts)
    return _join([active_substance(facts), f"with a {device}" if device else ""], " ")


def mode_of_action(facts: ProductFacts) -> str:
    cells = facts.cells_or_tissues
    na = facts.nucleic_acid
    parts = []
    if na is not None and na.present and na.effect_from_sequence:
        parts.append("the effect comes from the recombinant sequence or the product of its expression")
    if cells is not None and cells.present and cells.mode_of_action:
        parts.append(f"the cells act by {_v(cells.mode_of_action)} action")
    if cells is not None and cells.same_essential_function is False:
        parts.append("the cells are not used for the same essential function as in the donor")
    return _join(parts)


def proposed_classification(verdict: Verdict | None) -> str:
    if verdict is None or verdict.outcome == "undetermined":
        return ""
    category = EMA_CLASSIFICATION.get(verdict.outcome, "")
    if not category:
        return ""
    if verdict.outcome == "not ATMP":
        return "None"
    if verdict.combined_open:
        return f"{category}; combined or not still open (answer the device questions before filing)"
    return f"{category}; {'Combined' if verdict.combined else 'Not combined'}"


def ema_values(facts: ProductFacts, verdict: Verdict | None) -> dict[str, str]:
    purpose = _v(facts.claimed_purpose)
    return {
        "applicant_company": "",
        "contact_person": "",
        "product_name_or_identifier": facts.name or "",
        "active_substance_descriptor": active_substance(facts),
        "finished_product_description": finished_product(facts),
        "proposed_indication": facts.indication or "",
        "proposed_classification": proposed_classification(verdict),
        "public_product_description": finished_product(facts),
        "therapeutic_area": "",
        "active_substance_description": active_substance(facts),
        "additional_substances": describe_device(facts) if facts.device and facts.device.present else "",
        "device_description": describe_device(facts),
        "composition": "",
        "mode_of_administration": "",
        "pharmaceutical_form": "",
        "mechanism_of_action": mode_of_action(facts),
        "proposed_use": {"treat prevent diagnose": "therapeutic, prophylactic or diagnostic",
                         "regenerate repair replace": "regeneration, repair or replacement of a human tissue"
                         }.get(purpose, ""),
        "development_status": "",
    }


def us_lead_center(verdict: Verdict | None) -> str:
    if verdict is None or verdict.outcome == "undetermined":
        return ""
    lead = getattr(verdict, "lead_center", None)
    combination = bool(getattr(verdict, "combination_product", False))
    center = (lead if combination else None) or US_LEAD_CENTERS.get(verdict.outcome) or lead or ""
    if not center:
        return ""
    kind = "a combination product whose primary mode of action decides the lead centre (21 CFR Part 3); " \
        if combination else ""
    return f"{center}; basis: {kind}the US classification {verdict.outcome} ({', '.join(verdict.rules_fired)})"


def rfd_values(facts: ProductFacts, verdict: Verdict | None) -> dict[str, str]:
    names = _join([facts.name or "", f"components: {describe_device(facts)}" if describe_device(facts) else ""])
    return {
        "sponsor_name": "", "sponsor_address": "", "establishment_registration": "", "contact_person": "",
        "phone": "",
        "product_names": names,
        "component_status": "",
        "composition": finished_product(facts),
        "development_status": "",
        "manufacturing": describe_cells(facts) and f"Cells: {describe_cells(facts)}",
        "proposed_use": facts.indication or "",
        "modes_of_action": mode_of_action(facts),
        "schedule_and_duration": "", "dose_and_route": "", "related_products": "", "other_information": "",
        "recommended_center": us_lead_center(verdict),
    }


def pre_rfd_values(facts: ProductFacts, verdict: Verdict | None) -> dict[str, str]:
    device = describe_device(facts)
    return {
        "sponsor_name": "", "contact_person": "",
        "product_names": facts.name or "",
        "product_description": finished_product(facts),
        "how_it_works": mode_of_action(facts),
        "proposed_use": facts.indication or "",
        "marketing": "",
        "component_contributions": f"Device part: {device}" if device else "",
    }
