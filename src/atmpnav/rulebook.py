"""The rule reference (CLI `rules`, web page, generated docs) read from the rule units themselves."""

from __future__ import annotations

from typing import Any

from atmpnav.engine import ruleset
from atmpnav.errors import UnknownNameError
from atmpnav.law.base import Rule

# Rules whose answer the decision procedure establishes itself (recorded with Inquiry.note).
PROCEDURAL = {"EU-P1", "EU-P2", "EU-P3", "EU-P4", "EU-C2", "EU-C3", "EU-T1", "EU-T4"}


def _version(rule: Rule) -> dict[str, Any]:
    return {
        "title": rule.title,
        "question": rule.question,
        "citation": rule.citation,
        "confidence": rule.confidence,
        "period": rule.period(),
        "valid_from": rule.valid_from.isoformat() if rule.valid_from else None,
        "valid_to": rule.valid_to.isoformat() if rule.valid_to else None,
        "status": rule.status,
        "ambiguities": list(rule.ambiguities),
        "reading": rule.reading,
        "evaluated": rule.test is not None or rule.id in PROCEDURAL,
    }


def _sort_key(rule_id: str) -> tuple[str, int, str]:
    prefix, _, rest = rule_id.rpartition("-")
    digits = "".join(ch for ch in rest if ch.isdigit())
    return (prefix + rest.rstrip("0123456789"), int(digits or 0), rule_id)


def list_rules(jurisdiction: str = "EU") -> list[dict[str, Any]]:
    rules = ruleset(jurisdiction)
    rows = []
    for rule_id in sorted(rules.rules, key=_sort_key):
        for rule in rules.rules[rule_id]:
            rows.append({"id": rule.id, **_version(rule)})
    return rows


def describe_rule(jurisdiction: str, rule_id: str) -> dict[str, Any]:
    rules = ruleset(jurisdiction)
    key = rule_id.upper()
    if key not in rules.rules:
        raise UnknownNameError("rule", rule_id, sorted(rules.rules, key=_sort_key))
    return {"id": key, "jurisdiction": rules.jurisdiction, "versions": [_version(r) for r in rules.rules[key]]}


def is_ambiguity_id(code: str) -> bool:
    """A1-A20 name open points of law, not rules."""
    return len(code) >= 2 and code[0] in "aA" and code[1:].isdigit()


def describe_ambiguity(code: str) -> dict[str, Any]:
    from atmpnav.law.ambiguities import ambiguity

    found = ambiguity(code)
    return {"id": found.id, "kind": "ambiguity", "title": found.title, "explanation": found.explanation,
            "rules": list(found.rules)}
