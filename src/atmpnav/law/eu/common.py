"""The EU rule set object, its dates and the small helpers the EU rules share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

from atmpnav.facts import CellSource, ModeOfAction, Viability
from atmpnav.law.base import Answer, Inquiry, Rule, RuleSet

ATMP_REGULATION = date(2008, 12, 30)  # Regulation (EC) No 1394/2007 applies from this date (Art 30)
PART_IV_2009 = date(2010, 4, 5)  # Directive 2009/120/EC transposition deadline (Art 2) [U]
SOHO_APPLIES = date(2027, 8, 7)  # Regulation (EU) 2024/1938 applies (Art 87(1))
BEFORE_SOHO = date(2027, 8, 6)
MDR_APPLIES = date(2021, 5, 26)  # Regulation (EU) 2017/745 applies (Art 123(2)); the Directives before
BEFORE_MDR = date(2021, 5, 25)

REG = "Regulation (EC) No 1394/2007"
DIR = "Directive 2001/83/EC, Annex I, Part IV (as replaced by Directive 2009/120/EC)"
DIR_2003 = "Directive 2001/83/EC, Annex I, Part IV (as amended by Directive 2003/63/EC)"
MDR = "Regulation (EU) 2017/745"
MDD = "Council Directives 93/42/EEC (medical devices) and 90/385/EEC (active implantable devices)"
SOHO = "Regulation (EU) 2024/1938 (SoHO, applying from 7 August 2027 under its Art 87(1))"

EU = RuleSet(jurisdiction="EU", name="European Union", version="eu-2026.12",
             advanced_outcomes=frozenset({"GTMP", "sCTMP", "TEP"}),
             outcomes=("GTMP", "sCTMP", "TEP", "not ATMP", "undetermined"),
             subsidiary_rules=frozenset({"EU-H1"}),
             sources=("Regulation (EC) No 1394/2007 (consolidated, CELEX 02007R1394-20190726), Art 2, Annex I, "
                      "Art 28(2)", "Directive 2001/83/EC, Annex I, Part IV as replaced by Directive 2009/120/EC",
                      "Regulation (EU) 2024/1938 (SoHO), applying from 7 August 2027",
                      "CAT reflection paper on the classification of ATMPs EMA/CAT/600280/2010 Rev.1; CAT "
                      "classification summaries", "Commission proposal COM(2023) 192 (pharma package; provisional "
                      "agreement 11 Dec 2025, not in force)"),
             sources_as_of="Read as available in November 2026; the pharma package's final text "
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


def acts_by_pim(c: Inquiry) -> bool | None:
    """Pharmacological, immunological or metabolic action: deemed for viable cells (Art 2(2)), stated
    for non-viable material, inherent in a nucleic acid that acts on a genetic sequence."""
    if c.fact("cells_or_tissues.present") and c.fact("cells_or_tissues.viability") in {Viability.viable,
                                                                                      Viability.mixed}:
        return True
    mode = c.fact("cells_or_tissues.mode_of_action") if c.fact("cells_or_tissues.present") is not False else None
    if mode is not None:
        return mode == ModeOfAction.pharmacological_immunological_metabolic
    if c.fact("nucleic_acid.present"):
        return True
    if c.fact("device.present") and c.fact("biological_active_substance") is False:
        return False  # a material or device part, no cells, no nucleic acid, nothing biological: acts physically
    return None


EARLY_PART_IV_READING = (
    "[U] Before 5 April 2010 Part IV held the definitions of Directive 2003/63/EC, to which Regulation (EC) "
    "No 1394/2007 already referred; the engine applies the 2009/120/EC wording in this window and the "
    "2003/63/EC text should be checked for the product."
)


def add_early_part_iv_versions(ruleset: RuleSet) -> None:
    """Between the Regulation's application (30 Dec 2008) and Directive 2009/120/EC (5 Apr 2010) the
    Part IV definitions were those of Directive 2003/63/EC: each Part IV rule gets a version for that
    window, tagged U, so a verdict for such a date is given and says what it rests on."""
    first_day = ATMP_REGULATION
    last_day = PART_IV_2009 - timedelta(days=1)
    for versions in list(ruleset.rules.values()):
        for index, version in enumerate(list(versions)):
            if version.valid_from != PART_IV_2009:
                continue
            if DIR not in version.citation:  # guidance-based rules read the same in that window
                versions[index] = replace(version, valid_from=first_day)
                continue
            ruleset.add(replace(version, citation=version.citation.replace(DIR, DIR_2003), confidence="U",
                                valid_from=first_day, valid_to=last_day,
                                reading=f"{EARLY_PART_IV_READING} {version.reading}".strip()))


def add_device_directive_version(ruleset: RuleSet, rule_id: str, citation: str) -> Rule:
    """The version of a device rule that applied before the MDR (26 May 2021), citing the Directives."""
    current = ruleset.rules[rule_id][-1]
    earlier = replace(current, citation=citation, valid_from=current.valid_from, valid_to=BEFORE_MDR)
    ruleset.rules[rule_id][-1] = replace(current, valid_from=MDR_APPLIES)
    return ruleset.add(earlier)
