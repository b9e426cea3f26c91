"""What follows from a Swiss verdict: Swissmedic authorisation and establishment licence, autologous notification.

Every item cites its legal or guidance basis (domain-part2.md §B.2); items never change the classification.
"""

from __future__ import annotations

from atmpnav.consequences.base import item as _c
from atmpnav.facts import CellSource, ProductFacts
from atmpnav.verdict import Consequence, Verdict

TPA = "TPA (SR 812.21)"
TXG = "TxG (SR 810.21)"

_AUTHORISATION = _c("pathway", "Swissmedic marketing authorisation, and an establishment licence for manufacture; "
                    "Swissmedic inspects.", f"{TPA} Art 9 and Art 5; {TXG} Art 49(1) (CH-3)")
_TRIALS = _c("pathway", "Clinical trials: authorisation by Swissmedic and the ethics committee under the Clinical "
             "Trials Ordinance.", "ClinO (SR 810.305) [K]")
_TEMPORARY = _c("pathway", "Temporary authorisation may be possible for serious diseases [K].", f"{TPA} Art 9a [K]")
_GMO = _c("parallel_law", "Gene technology law in parallel: containment (Containment Ordinance) and, for clinical "
          "use, the release rules.", "GTA (SR 814.91) Art 5(2); Release Ordinance (SR 814.911) Art 3(1)(d); "
          "Containment Ordinance (SR 814.912)")
_NO_HE = _c("exemption", "No Swiss hospital-exemption route for transplant products is encoded: the text was not "
            "found [U].", f"{TPA} Art 9(2) [U] (CH-H1)")


def ch_consequences(verdict: Verdict, facts: ProductFacts) -> list[Consequence]:
    outcome = verdict.outcome
    if outcome == "undetermined":
        return [_c("next_step", "Answer the open questions listed with the verdict; Swissmedic's innovation office "
                   "advises on classification.", "Swissmedic innovation office")]
    if outcome == "transplant product":
        items = [_AUTHORISATION, _TRIALS, _TEMPORARY]
        if facts.cells_or_tissues is not None and facts.cells_or_tissues.source != CellSource.xenogeneic:
            items.append(_c("parallel_law", "Human-derived: donor suitability and the TPA's provisions on products of "
                            "human origin apply.", f"{TXG} Art 49(2); {TPA} Arts 36-41, 53-54"))
        else:
            items.append(_c("parallel_law", "Xenotransplantation: the TxG's rules on animal organs, tissues and cells "
                            "apply in addition.", f"{TXG} (xenotransplantation) [K]"))
        if facts.nucleic_acid is not None and facts.nucleic_acid.present:
            items.append(_GMO)
        items.append(_NO_HE)
        return items
    if outcome == "gene therapy product":
        return [_AUTHORISATION, _TRIALS, _TEMPORARY, _GMO]
    if outcome == "nucleic-acid medicinal product":
        return [_c("pathway", "Swissmedic marketing authorisation as a medicinal product; Swissmedic handles it "
                   "among its ATMPs (other nucleic-acid-based products).",
                   f"{TPA} Art 9; Swissmedic ATMP information (CH-N1)"),
                _TRIALS]
    if outcome == "transplant (not a product)":
        items = [_c("pathway", "Transplantation law: the TxG's rules on removal, testing and handling of organs, "
                    "tissues and cells; no marketing authorisation.", f"{TXG} (CH-4)")]
        if facts.cells_or_tissues is not None and facts.cells_or_tissues.source == CellSource.autologous:
            items.append(_c("next_step", "Notify Swissmedic before preparing, storing, importing or exporting "
                            "autologous tissues or cells.",
                            "TxV (SR 810.211), autologous notification [article U] (CH-4)"))
        return items
    regime = verdict.regime or "other"
    text = {"blood": ("Blood and labile blood products: Swissmedic licence under the TPA's blood provisions.",
                      f"{TPA} Arts 34-36 (CH-B1)"),
            "medical_device": ("Medical device rules (including devitalised human tissue under TPA Art 2a).",
                               f"{TPA} Art 2a; MedDO (SR 812.213)"),
            "medicinal_product": ("A medicinal product that is not a transplant or gene therapy product: Swissmedic "
                                  "authorisation under the general rules.", f"{TPA} Art 9")}.get(
        regime, ("Another regime applies; ask Swissmedic's innovation office if unsure.",
                 "Swissmedic innovation office"))
    return [_c("pathway", *text)]


def ch_route(verdict: Verdict) -> str:
    return {"transplant product": "Swissmedic MA + establishment licence",
            "gene therapy product": "Swissmedic MA + GMO rules",
            "nucleic-acid medicinal product": "Swissmedic MA",
            "transplant (not a product)": "TxG transplant rules"}.get(
        verdict.outcome, {"blood": "TPA blood licence", "medical_device": "device rules",
                          "medicinal_product": "Swissmedic MA (general)"}.get(verdict.regime or "", "other regime"))
