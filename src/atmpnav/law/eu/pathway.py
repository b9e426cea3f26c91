"""Hospital exemption and the reference-only and proposed rules."""

from __future__ import annotations

from atmpnav.law.base import Answer, Confidence, Inquiry, Rule
from atmpnav.law.eu.common import (
    ATMP_REGULATION,
    DIR,
    EU,
    REG,
    rule,
)

# --- Hospital exemption and reference-only rules -----------------------------


#: The conditions of Directive 2001/83/EC, Art 3(7) (inserted by Art 28(2) of Regulation (EC) No 1394/2007).
HOSPITAL_EXEMPTION_CONDITIONS = {
    "non_routine": "prepared on a non-routine basis",
    "specific_quality_standards": "prepared according to specific quality standards",
    "hospital": "used in a hospital",
    "same_member_state": "used in the same Member State",
    "practitioner_responsibility": "under the exclusive professional responsibility of a medical practitioner",
    "individual_prescription": "to comply with an individual medical prescription",
    "custom_made": "a custom-made product for an individual patient",
}


@rule(
    "EU-H1",
    title="Hospital exemption (pathway, not a classification)",
    question="Is the ATMP prepared on a non-routine basis according to specific quality standards, and used in a "
    "hospital in the same Member State, under the exclusive professional responsibility of a medical practitioner, "
    "to comply with an individual medical prescription for a custom-made product for an individual patient?",
    citation=f"Directive 2001/83/EC, Art 3(7), inserted by {REG}, Art 28(2)",
    confidence="K",
    valid_from=ATMP_REGULATION,
    ambiguities=("A16",),
)
def hospital_exemption(c: Inquiry) -> Answer:
    block = c.facts.hospital_exemption
    if block is None:
        return Answer(None, "Not assessed.")
    values = {name: getattr(block, name) for name in HOSPITAL_EXEMPTION_CONDITIONS}
    failed = [HOSPITAL_EXEMPTION_CONDITIONS[k] for k, v in values.items() if v is False]
    unknown = [k for k, v in values.items() if v is None]
    paths = tuple(f"hospital_exemption.{k}" for k in values)
    if failed:
        return Answer(False, f"Not met: {'; '.join(failed)}.", paths)
    if unknown:
        said = "; ".join(HOSPITAL_EXEMPTION_CONDITIONS[k] for k in unknown)
        return Answer(None, f"Still to confirm: {said}.", paths, missing=tuple(f"hospital_exemption.{k}"
                                                                                for k in unknown))
    return Answer(True, "All seven conditions of Art 3(7) are met. The exemption also needs the national competent "
                  "authority's authorisation of the manufacture and national traceability, pharmacovigilance and "
                  "quality requirements equivalent to EU level; it never changes the classification.", paths,
                  ambiguities=("A16",))


_REFERENCE: list[tuple[str, str, str, str, Confidence]] = [
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
