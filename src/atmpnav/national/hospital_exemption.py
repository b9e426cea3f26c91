"""The national hospital-exemption rules of the Member State given in ``manufacturing.member_state``,
shown where the EU verdict notes the hospital exemption (or the product is made under one)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from atmpnav.datafiles import load_yaml
from atmpnav.errors import DataFormatError, UnknownNameError
from atmpnav.facts import ProductFacts
from atmpnav.verdict import ATMP_OUTCOMES, Consequence, Verdict

DATA_FILE = Path(__file__).resolve().parent / "data" / "hospital_exemption.yaml"
REQUIRED = ("code", "name", "legal_basis", "authority", "authorised", "conditions", "validity", "reporting",
            "confidence", "sources")


@dataclass(frozen=True)
class NationalRules:
    code: str
    name: str
    legal_basis: str
    authority: str
    authorised: str
    conditions: tuple[str, ...]
    validity: str
    reporting: str
    gmp: str | None
    notes: str | None
    confidence: dict[str, str]
    sources: tuple[str, ...]
    valid_from: date | None
    valid_to: date | None

    def applies_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day < self.valid_to)

    def to_dict(self) -> dict[str, Any]:
        return {
            "member_state": self.code, "name": self.name, "legal_basis": self.legal_basis,
            "authority": self.authority, "authorised": self.authorised, "conditions": list(self.conditions),
            "validity": self.validity, "reporting": self.reporting, "gmp": self.gmp, "notes": self.notes,
            "confidence": self.confidence, "sources": list(self.sources),
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
        }


@dataclass(frozen=True)
class HospitalExemptionData:
    eu_baseline: dict[str, Any]
    member_states: dict[str, NationalRules]
    baseline_only: dict[str, str]
    proposal: dict[str, Any]
    source: str
    as_of: str


def _flat(text: Any) -> str:
    return " ".join(str(text).split())


@lru_cache(maxsize=2)
def load_hospital_exemption(path: str = str(DATA_FILE)) -> HospitalExemptionData:
    raw = load_yaml(path)
    states: dict[str, NationalRules] = {}
    for record in raw.get("member_states", []):
        missing = [k for k in REQUIRED if k not in record]
        if missing:
            raise DataFormatError(path, f"{record.get('code', '?')}: missing {', '.join(missing)}")
        states[record["code"]] = NationalRules(
            code=record["code"], name=record["name"], legal_basis=_flat(record["legal_basis"]),
            authority=_flat(record["authority"]), authorised=_flat(record["authorised"]),
            conditions=tuple(_flat(c) for c in record["conditions"]), validity=_flat(record["validity"]),
            reporting=_flat(record["reporting"]), gmp=_flat(record["gmp"]) if record.get("gmp") else None,
            notes=_flat(record["notes"]) if record.get("notes") else None, confidence=dict(record["confidence"]),
            sources=tuple(record["sources"]), valid_from=record.get("valid_from"), valid_to=record.get("valid_to"),
        )
    proposal = raw["proposal"]
    if proposal.get("effective_from") is not None or not proposal.get("requires_oj_confirmation"):
        raise DataFormatError(path, "the pharma-package proposal must stay unapplied until the OJ confirms it")
    return HospitalExemptionData(eu_baseline=raw["eu_baseline"], member_states=states,
                                 baseline_only=dict(raw.get("baseline_only", {})), proposal=proposal,
                                 source=raw["source"], as_of=str(raw["as_of"]))


def national_rules(member_state: str, as_of: date | None = None) -> NationalRules | None:
    """The encoded rules of one Member State on ``as_of``; None for a state given only the EU baseline."""
    data = load_hospital_exemption()
    code = member_state.upper()
    rules = data.member_states.get(code)
    if rules is None:
        from atmpnav.facts import MemberState

        if code not in MemberState.__members__:
            raise UnknownNameError("member state", member_state, sorted(MemberState.__members__))
        return None
    return rules if rules.applies_on(as_of or date.today()) else None


def _describe(rules: NationalRules) -> str:
    parts = [f"{rules.name}: {rules.authorised}", f"Conditions: {' '.join(rules.conditions)}",
             f"Authority: {rules.authority}.", f"Validity: {rules.validity}", f"Reporting: {rules.reporting}"]
    if rules.gmp:
        parts.append(f"GMP: {rules.gmp}")
    if rules.notes:
        parts.append(rules.notes)
    return " ".join(parts)


def _tags(rules: NationalRules) -> str:
    return ", ".join(f"{k} [{v}]" for k, v in rules.confidence.items())


def applies(verdict: Verdict, facts: ProductFacts) -> bool:
    """Shown where the verdict notes the hospital exemption, or an ATMP is made under one."""
    if verdict.jurisdiction != "EU":
        return False
    stage = facts.manufacturing.stage if facts.manufacturing else None
    atmp = verdict.outcome in ATMP_OUTCOMES
    return "hospital_exemption" in verdict.pathway_notes or (atmp and getattr(stage, "value", stage)
                                                              == "hospital_exemption")


def hospital_exemption_consequences(verdict: Verdict, facts: ProductFacts) -> list[Consequence]:
    """The Member State's hospital-exemption rules, and the pending EU reform, as consequences."""
    if not applies(verdict, facts):
        return []
    data = load_hospital_exemption()
    day = date.fromisoformat(verdict.as_of) if verdict.as_of else date.today()
    member_state = facts.manufacturing.member_state if facts.manufacturing else None
    items: list[Consequence] = []
    if member_state is None:
        known = ", ".join(sorted(data.member_states))
        items.append(Consequence(topic="exemption", text=f"{' '.join(data.eu_baseline['text'].split())} National "
                                 f"rules differ: give manufacturing.member_state to see them (encoded: {known}).",
                                 basis=data.eu_baseline["legal_basis"]))
    else:
        code = getattr(member_state, "value", member_state)
        rules = national_rules(code, day)
        if rules is not None:
            items.append(Consequence(topic="exemption", text=_describe(rules),
                                     basis=f"{rules.legal_basis} (confidence: {_tags(rules)})"))
        else:
            why = data.baseline_only.get(code, f"No national rules for {code} are encoded")
            items.append(Consequence(topic="exemption", text=f"{_flat(why)} Only the EU baseline is given: "
                                     f"{_flat(data.eu_baseline['text'])}", basis=data.eu_baseline["legal_basis"]))
    proposal = data.proposal
    items.append(Consequence(topic="proposal", text=_flat(proposal["text"]), basis=proposal["basis"]))
    return items
