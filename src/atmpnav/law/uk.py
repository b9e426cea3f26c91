"""UK rule set (MHRA): Human Medicines Regulations 2012 (SI 2012/1916) reg 2A and assimilated Reg 1394/2007.

The UK definitions mirror the EU text word for word (reg 2A(2)-(5), inserted by SI 2019/775;
domain-part2.md §B.1, rules.md §3 [V]), and MHRA states that the EMA/CAT reflection paper and the
CAT examples are applicable to the UK as guidance [V]. So the classification steps are the EU
steps under UK rule ids and UK citations: every EU rule has a UK counterpart ``UK-<same suffix>``
whose citation is the UK provision (or the guidance MHRA applies), and the UK procedure runs the
EU order of questions through them. What differs in the UK is its own: the regimes outside the
ATMP rules (HTA, blood, UK MDR), the exempt ATMP route (reg 171) instead of the EU hospital
exemption, specials (reg 167), point-of-care and modular manufacture (SI 2025/87, from
23 July 2025), and UK-wide licensing (Windsor Framework, from 1 January 2025).

Outcomes as the EU (contract-part2.md §1): ``GTMP``, ``sCTMP``, ``TEP``, ``not ATMP``,
``undetermined``; regimes ``atmp``, ``hta_tissues_cells``, ``blood``, ``medical_device``,
``medicinal_product``, ``vaccine``, ``other``; ``exempt_atmp_possible`` is a pathway note.
"""

from __future__ import annotations

from datetime import date

from atmpnav.law.base import Answer, Decision, Inquiry, Rule, RuleSet, Test
from atmpnav.law.eu import EU
from atmpnav.law.eu.procedure import combined_open_note
from atmpnav.law.eu.procedure import procedure as eu_procedure

# IP completion day (31 Dec 2020, 11 pm): from then reg 2A (SI 2019/775) applies instead of EU law.
UK_LAW = date(2021, 1, 1)
EU_LAW_RETAINED = date(2020, 12, 31)  # the EU text the UK mirrors is the one in force on this day
UK_WIDE_LICENSING = date(2025, 1, 1)  # Windsor Framework: MHRA licenses medicines UK-wide [V]
POC_REGULATIONS = date(2025, 7, 23)  # SI 2025/87 in force [V]

HMR = "HMR 2012 (SI 2012/1916)"
ASSIMILATED = "assimilated Regulation (EC) No 1394/2007"
CAT_GUIDANCE = ("CAT reflection paper EMA/CAT/600280/2010 Rev.1 and CAT classification examples, stated by MHRA "
                "to be applicable to the UK")

UK_OUTCOMES = ("GTMP", "sCTMP", "TEP", "not ATMP", "undetermined")
UK_REGIMES = ("atmp", "hta_tissues_cells", "blood", "medical_device", "medicinal_product", "vaccine", "other")
# EU regime -> UK regime (the not-ATMP regimes the contract names for the UK).
_REGIME = {
    "atmp_centralised": "atmp",
    "tissues_cells": "hta_tissues_cells",
    "blood": "blood",
    "medical_device": "medical_device",
    "biological_medicinal_product": "medicinal_product",
    "chemical_medicinal_product": "medicinal_product",
    "vaccine": "vaccine",
}


class _MirrorRuleSet(RuleSet):
    """A rule set whose procedure may name EU rule ids: ``EU-G2`` resolves to this set's ``UK-G2``."""

    mirrors = "EU"  # the EU cases are also run under this rule set (tests/test_cases.py)
    mirrors_as_of = EU_LAW_RETAINED  # ... against the EU text of that day (assimilated law)

    def in_force(self, rule_id: str, day: date) -> Rule:
        if rule_id.startswith("EU-"):
            # Asked by the EU order of questions, which runs on the retained date (see procedure).
            rule_id, day = f"{self.jurisdiction}-{rule_id[3:]}", max(day, UK_LAW)
        return super().in_force(rule_id, day)


UK = _MirrorRuleSet(
    jurisdiction="UK",
    name="United Kingdom (MHRA)",
    version="uk-2026.12",
    advanced_outcomes=frozenset({"GTMP", "sCTMP", "TEP"}),
    outcomes=UK_OUTCOMES,
    sources=(
        "Human Medicines Regulations 2012 (SI 2012/1916), reg 2A (inserted by SI 2019/775), regs 167 and 171, "
        "Sch 6 Pt 3, Sch 24 Pt 5 (legislation.gov.uk)",
        "Assimilated Regulation (EC) No 1394/2007 (definitions and priority rules; Annex I)",
        "Human Medicines (Amendment) (Modular Manufacture and Point of Care) Regulations 2025 (SI 2025/87)",
        "MHRA guidance 'Advanced therapy medicinal products: regulation and licensing' and 'UK-wide licensing for "
        "human medicines' (gov.uk)",
        "MHRA consultation on the regulation of gene therapy medicinal products (11 May 2026)",
        "Human Tissue (Quality and Safety for Human Application) Regulations 2007; JPAC Red Book Annex 6",
    ),
    subsidiary_rules=frozenset({"UK-L1", "UK-H1", "UK-POC1"}),
    sources_as_of="Read as published up to June 2026. The outcome of the May "
    "2026 GTMP-definition consultation and the 2026 clinical-trials regime are not encoded.",
    procedural=frozenset({"UK-P1", "UK-P2", "UK-P3", "UK-P4", "UK-C2", "UK-C3", "UK-T1", "UK-T4"}),
    open_question_advice="the MHRA Innovation Office classifies on request (one-stop shop with HTA, HFEA and HRA); "
    "the EMA/CAT examples are applicable to the UK as guidance.",
)
rule = UK.define

_DEFINITION_GTMP = f"{HMR} reg 2A(2)"
_DEFINITION_SCTMP = f"{HMR} reg 2A(4)"
_DEFINITION_TEP = f"{HMR} reg 2A(5)"

# UK basis of each EU step: (citation, confidence or None to keep the EU tag, reading).
_UK_BASIS: dict[str, tuple[str, str | None, str]] = {
    "S1": (f"{HMR} reg 2(1) (definition of 'medicinal product')", "K", ""),
    "S2": (f"{HMR} reg 2(1) ('medicinal product' for human beings); reg 2A(1)", "K", ""),
    "S3": (f"{CAT_GUIDANCE}; {ASSIMILATED}, Art 2(1)(a)", "K", ""),
    "S5": ("Assimilated Regulation (EC) No 1223/2009 (cosmetic products), Annex II (cells, tissues or products of "
           "human origin)", "K", ""),
    "X13": ("Quality and Safety of Organs Intended for Transplantation Regulations 2012 (SI 2012/1501); Human "
            "Tissue Act 2004", "K", ""),
    "X14": ("Human Fertilisation and Embryology Act 1990 (HFEA licensing)", "K", ""),
    "X15": ("No UK-specific rule encoded (MHRA position on faecal microbiota not checked)", "U",
            "[U] Intestinal microbiota are not ATMPs (no human cells, no recombinant nucleic acid); which UK regime "
            "applies to them was not checked, so the regime is 'other'."),
    "G1": (_DEFINITION_GTMP, "V", ""),
    "G2": (f"{_DEFINITION_GTMP}(a)", "V", ""),
    "G3": (f"{_DEFINITION_GTMP}(a)", "V", ""),
    "G4": (f"{_DEFINITION_GTMP}(b)", "V", ""),
    "G5": (f"{HMR} reg 2A(3)", "V", ""),
    "X4": (f"{HMR} reg 2A(3)", "V", ""),
    "C1": (f"{_DEFINITION_SCTMP}(a)", "V", "reg 2A(4) says 'somatic cell medicinal product' (a drafting quirk)."),
    "C2": (f"{_DEFINITION_SCTMP}(a)(i)-(ii)", "V", ""),
    "C3": (f"{_DEFINITION_SCTMP}(b)", "V", ""),
    "C4": (f"{ASSIMILATED}, Annex I (cross-reference for reg 2A(4))", "K", ""),
    "C5": (f"{_DEFINITION_SCTMP} (no viability condition)", "K", ""),
    "T1": (_DEFINITION_TEP, "V", ""),
    "T2": (f"{ASSIMILATED}, Art 2(1)(b), second subparagraph", "K", ""),
    "T3": (f"{ASSIMILATED}, Art 2(1)(b), last subparagraph", "K", ""),
    "T4": (f"{ASSIMILATED}, Art 2(1)(c) ('engineered' cells or tissues)", "K", ""),
    "M1": (f"{ASSIMILATED}, Annex I", "K", ""),
    "M3": (f"{_DEFINITION_SCTMP}(a)(i); {ASSIMILATED}, Art 2(1)(c)", "V", ""),
    "F1": (f"{_DEFINITION_SCTMP}(a)(ii); {ASSIMILATED}, Art 2(1)(c), second indent", "V", ""),
    "P1": (f"{ASSIMILATED}, Art 2(2)", "K", ""),
    "P2": (f"{ASSIMILATED}, Art 2(3)", "K", ""),
    "P3": (f"{ASSIMILATED}, Art 2(4)", "K", ""),
    "P4": (f"{ASSIMILATED}, Art 2(5)", "K", ""),
    "D1": (f"{ASSIMILATED}, Art 2(1)(d); Medical Devices Regulations 2002 (SI 2002/618)", "K", ""),
    "D4": ("Medical Devices Regulations 2002 (SI 2002/618)", "K", ""),
    "X1": ("Medical Devices Regulations 2002 (SI 2002/618) (UK MDR)", "K", ""),
    "X2": ("Human Tissue (Quality and Safety for Human Application) Regulations 2007 (SI 2007/1523) (HTA)", "K", ""),
    "X3": ("Blood Safety and Quality Regulations 2005 (SI 2005/50)", "K", ""),
    "X16": ("Human Tissue (Quality and Safety for Human Application) Regulations 2007 (SI 2007/1523), exclusion of "
            "autologous use within the same surgical procedure (as Directive 2004/23/EC, Art 2(2)(a))", "K",
            "[U] The regulation number of the UK exclusion was not checked."),
    "X7": (f"{CAT_GUIDANCE}; Genetically Modified Organisms (Contained Use) Regulations 2014 and (Deliberate "
           "Release) Regulations 2002 apply in parallel (HSE, Defra)", "K", ""),
}


# EU steps the procedure records with Inquiry.note (no test of their own).
_NOTED = frozenset({"P1", "P2", "P3", "P4", "C2", "C3", "T1", "T4"})


# EU instruments named in the EU steps' explanations, and the UK law that implements or replaces them.
_UK_LAW_OF = {
    "Directive 2004/23/EC": "the Human Tissue (Quality and Safety for Human Application) Regulations 2007",
    "Directive 2002/98/EC": "the Blood Safety and Quality Regulations 2005",
    "Directive 2010/53/EU": "the Quality and Safety of Organs Intended for Transplantation Regulations 2012",
    "Directive 93/42/EEC": "the Medical Devices Regulations 2002",
    "the MDR": "the Medical Devices Regulations 2002",
    "MDR Art 1(10)": "the Medical Devices Regulations 2002",
}


def _in_uk_terms(test: Test | None) -> Test | None:
    """The EU test, its explanation naming the UK law beside each EU instrument it mentions."""
    if test is None:
        return None

    def uk_test(c: Inquiry) -> Answer:
        answer = test(c)
        because = answer.because
        for instrument, uk_law in _UK_LAW_OF.items():
            if instrument in because:
                because = because.replace(instrument, f"{instrument} (in the UK: {uk_law})", 1)
        if because is not answer.because:
            answer = Answer(answer.value, because, answer.facts, answer.missing, answer.ambiguities)
        return answer

    return uk_test


def _uk_counterpart(eu_rule: Rule) -> Rule:
    suffix = eu_rule.id[3:]
    basis = _UK_BASIS.get(suffix)
    if basis is None:
        # A step resting on CAT guidance or case practice: MHRA applies the same guidance.
        citation, confidence, reading = f"{CAT_GUIDANCE} (EU basis: {eu_rule.citation})", None, ""
    else:
        citation, confidence, reading = basis
    return Rule(
        id=f"UK-{suffix}",
        title=eu_rule.title,
        question=eu_rule.question.replace("Member State", "part of the UK"),
        citation=citation,
        confidence=confidence or eu_rule.confidence,  # type: ignore[arg-type]
        test=_in_uk_terms(eu_rule.test),
        valid_from=UK_LAW,
        ambiguities=eu_rule.ambiguities,
        reading=reading or eu_rule.reading,
    )


def _mirror_eu_rules() -> None:
    """One UK version per EU rule id: the EU version in force at the end of the transition period (assimilated
    law is EU law as it stood on 31 December 2020; the EU MDR of 2021 and the SoHO Regulation are EU law only)."""
    for rule_id, versions in EU.rules.items():
        if not rule_id.startswith("EU-") or rule_id == "EU-H1":
            continue  # EU-H1 (Art 28(2) hospital exemption) has the UK's own counterpart: reg 171
        if all(v.test is None for v in versions) and rule_id[3:] not in _NOTED:
            continue  # EU reference rules (centralised procedure, EMA classification…) have no UK counterpart
        retained = [v for v in versions if v.status == "in_force" and v.applies_on(EU_LAW_RETAINED)]
        source = retained[0] if retained else versions[-1]
        if source.status != "in_force":
            continue
        UK.add(_uk_counterpart(source))


_mirror_eu_rules()


# --- UK's own rules ---------------------------------------------------------------------------


@rule(
    "UK-H1",
    title="Exempt advanced therapy medicinal product (pathway, not a classification)",
    question="Is the ATMP prepared on a non-routine basis to specific quality standards and used in a UK hospital "
    "under the exclusive professional responsibility of a doctor, to an individual prescription for a custom-made "
    "product for one patient?",
    citation=f"{HMR} reg 171; Sch 6 Pt 3 (manufacturer's licence for exempt ATMPs); Sch 24 Pt 5 (labelling)",
    confidence="K",
    valid_from=UK_LAW,
    reading="The hospital_exemption facts are read for the UK conditions; 'same member state' is not a UK "
    "condition (use in a UK hospital is). reg 171 is [K], Sch 6 and Sch 24 [V].",
)
def exempt_atmp(c: Inquiry) -> Answer:
    block = c.facts.hospital_exemption
    if block is None:
        return Answer(None, "Not assessed.")
    values = {"non_routine": block.non_routine, "specific_quality_standards": block.specific_quality_standards,
              "hospital": block.hospital, "practitioner_responsibility": block.practitioner_responsibility,
              "individual_prescription": block.individual_prescription, "custom_made": block.custom_made}
    paths = tuple(f"hospital_exemption.{k}" for k in values)
    failed = [k.replace("_", " ") for k, v in values.items() if v is False]
    unknown = [k.replace("_", " ") for k, v in values.items() if v is None]
    if failed:
        return Answer(False, f"Not met: {', '.join(failed)}.", paths)
    if unknown:
        return Answer(None, f"Still to confirm: {', '.join(unknown)}.", paths)
    return Answer(True, "The stated conditions are met: an exempt ATMP may be supplied under a manufacturer's "
                  "licence for exempt ATMPs (Sch 6 Pt 3 conditions, Sch 24 Pt 5 labelling); the product stays an "
                  "ATMP.", paths)


def _licensing_gb_ni(c: Inquiry) -> Answer:
    return Answer("GB licence; NI through the EU", "Before 1 January 2025 an MHRA marketing authorisation covered "
                  "Great Britain (PLGB); ATMPs for Northern Ireland were authorised through the EU centralised "
                  "procedure under the Northern Ireland Protocol / Windsor Framework.")


def _licensing_uk_wide(c: Inquiry) -> Answer:
    return Answer("UK-wide", "Since 1 January 2025 MHRA licenses all medicines UK-wide (Windsor Framework): new "
                  "marketing authorisations carry the 'PL' prefix and ATMPs are 'Category 1' products authorised on "
                  "UK law alone.")


UK.add(Rule("UK-L1", "Licensing territory", "Does an MHRA marketing authorisation of the ATMP cover the whole UK?",
            f"{HMR} Part 5; Windsor Framework arrangements (MHRA guidance 'UK-wide licensing for human medicines')",
            "K", _licensing_gb_ni, valid_from=UK_LAW, valid_to=date(2024, 12, 31)))
UK.add(Rule("UK-L1", "Licensing territory (UK-wide)", "Does an MHRA marketing authorisation of the ATMP cover the "
            "whole UK?", f"{HMR} Part 5; MHRA guidance 'UK-wide licensing for human medicines' (Windsor Framework, "
            "from 1 January 2025)", "V", _licensing_uk_wide, valid_from=UK_WIDE_LICENSING,
            reading="[U] The 'Category 1' label for ATMPs comes from a secondary source, not from MHRA; "
            "UK-wide licensing itself is MHRA's published guidance."))


@rule(
    "UK-POC1",
    title="Point-of-care or modular manufacture designation",
    question="Can the product, because of its method of manufacture, shelf life or constituents, only be made at "
    "or near the place of treatment (point of care) or does it need modular manufacturing units?",
    citation="SI 2025/87 reg 8 (MHRA designation); HMR 2012 reg 22 as amended (licence conditions; control site and "
    "POC/MM master file)",
    confidence="V",
    valid_from=POC_REGULATIONS,
)
def point_of_care(c: Inquiry) -> Answer:
    value = c.fact("point_of_care_manufacture")
    if value is None:
        return Answer(None, "Not stated whether the product must be made at the point of care or in modular units.",
                      ("point_of_care_manufacture",))
    if value:
        return Answer(True, "MHRA may designate it a point-of-care or modular-manufacture product: one control site "
                      "holds the licence and a master file that controls every manufacturing site.",
                      ("point_of_care_manufacture",))
    return Answer(False, "Made at a conventional licensed site.", ("point_of_care_manufacture",))


UK.add(Rule("UK-H2", "Specials", "Can the product be supplied as a 'special' to meet a patient's special clinical "
            "needs on an unsolicited order?", f"{HMR} reg 167 (manufacturer's 'specials' licence)", "V", None,
            valid_from=UK_LAW, reading="A supply route, not a classification: see what follows."))
UK.add(Rule("UK-H3", "Classification by MHRA", "Can the developer ask MHRA how the product is classified?",
            "MHRA Innovation Office (one-stop shop with HTA, HFEA and HRA); MHRA ATMP classification flowchart", "V",
            None, valid_from=UK_LAW))
UK.add(Rule("UK-PROP5", "Modernised GTMP definition (consultation)", "Would a revised reg 2A GTMP definition cover "
            "synthetic nucleic acids and genome editing?", "MHRA consultation on the regulation of gene therapy "
            "medicinal products, 11 May 2026 (closed 22 June 2026); no amending instrument known", "U", None,
            status="proposal"))


# --- The decision procedure ---------------------------------------------------------------------


def _exempt_atmp_met(c: Inquiry) -> bool:
    """UK-H1's answer: the EU order of questions may already have asked it (as the hospital exemption step)."""
    for step in c.steps:
        if step.rule.id == "UK-H1":
            return step.answer.value is True
    return c.ask("UK-H1", block=False) is True


def procedure(c: Inquiry) -> Decision:
    """The EU order of questions (reg 2A mirrors the EU definitions) under UK ids, then the UK routes."""
    first_note, day = len(c.notes), c.as_of
    # The EU text as it stood on 31 Dec 2020: EU changes since (the MDR from 26 May 2021, the SoHO Regulation)
    # are not UK law, and the EU steps compare the date with them.
    c.as_of = min(day, EU_LAW_RETAINED)
    try:
        decision = eu_procedure(c)  # UK-* rules answer through _MirrorRuleSet.in_force
    finally:
        c.as_of = day
        # The EU procedure's own notes and pathway notes speak of EU law (hospital exemption, SoHO, pharma
        # package); the UK ones are added below.
        del c.notes[first_note:]
        c.pathway_notes.clear()
    outcome = decision.outcome
    if c.fact("special_category") == "intestinal_microbiota":
        regime = "other"
    else:
        regime = _REGIME.get(decision.regime or "", "other")
    if outcome in {"GTMP", "sCTMP", "TEP"}:
        c.ask("UK-L1")
        if c.facts.hospital_exemption is not None and _exempt_atmp_met(c):
            c.pathway_notes.append("exempt_atmp_possible")
            c.notes.append("An exempt ATMP route may apply (HMR 2012 reg 171); the product stays an ATMP.")
        if c.as_of >= POC_REGULATIONS and c.fact("point_of_care_manufacture") is not None and c.ask(
            "UK-POC1", block=False
        ):
            c.pathway_notes.append("point_of_care_designation")
        if outcome == "GTMP":
            c.notes.append("MHRA consulted in May 2026 on widening the GB GTMP definition (synthetic nucleic acids, "
                           "genome editing; UK-PROP5, not in force).")
    elif c.fact("nucleic_acid.origin") == "synthetic":
        c.notes.append("MHRA consulted in May 2026 on bringing synthetic nucleic acids into the GTMP definition "
                       "(UK-PROP5, not in force).")
    if decision.combined_open:
        c.notes.append(combined_open_note(outcome, "assimilated Regulation (EC) No 1394/2007"))
    return Decision(outcome, regime, combined=decision.combined, combined_open=decision.combined_open)


UK.procedure = procedure
