"""Load the incentive records and match them against the facts and a verdict (via :mod:`atmpnav.conditions`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from atmpnav.conditions import (
    Evaluator,
    build_context,
    check_condition,
    context_paths,
    context_values,
    paths_read,
)
from atmpnav.datafiles import load_yaml
from atmpnav.errors import DataFormatError
from atmpnav.facts import ProductFacts
from atmpnav.questions import QUESTIONS
from atmpnav.verdict import Consequence, Verdict

DATA_DIR = Path(__file__).resolve().parent / "data"
REQUIRED = ("id", "topic", "name", "when", "text", "basis", "confidence", "valid_from")


@dataclass(frozen=True)
class Incentive:
    id: str
    jurisdiction: str
    topic: str
    name: str
    when: Any
    text: str
    basis: str
    confidence: str
    valid_from: date
    valid_to: date | None

    def applies_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


@dataclass
class Match:
    incentive: Incentive
    because: list[str]


@dataclass
class Matches:
    found: list[Match] = field(default_factory=list)
    #: fact path -> the incentives it could add
    open: dict[str, list[str]] = field(default_factory=dict)


@lru_cache(maxsize=2)
def load_incentives(directory: str = str(DATA_DIR)) -> dict[str, tuple[tuple[Incentive, ...], dict[str, Any]]]:
    """Per jurisdiction: its incentive records and named conditions; a malformed record is refused."""
    found: dict[str, tuple[tuple[Incentive, ...], dict[str, Any]]] = {}
    paths = context_paths()
    for path in sorted(Path(directory).glob("*.yaml")):
        raw = load_yaml(path)
        code, definitions = raw["jurisdiction"], raw.get("definitions", {})
        records = []
        for item in raw.get("items", []):
            missing = [k for k in REQUIRED if k not in item]
            if missing:
                raise DataFormatError(str(path), f"{item.get('id', '?')}: missing {', '.join(missing)}")
            check_condition(item["when"], paths, definitions, f"{path.name} ({item['id']})")
            records.append(Incentive(
                id=item["id"], jurisdiction=code, topic=item["topic"], name=item["name"], when=item["when"],
                text=" ".join(item["text"].split()), basis=item["basis"], confidence=item["confidence"],
                valid_from=item["valid_from"], valid_to=item.get("valid_to"),
            ))
        found[code] = (tuple(records), definitions)
    return found


MATCH_CACHE_SIZE = 2048
_matches: dict[tuple[Any, ...], Matches] = {}


def matching(verdict: Verdict, facts: ProductFacts) -> Matches:
    """The incentives whose conditions the facts meet, and the unknown facts that could add others.

    A pure function of the day and of the few context values the jurisdiction's conditions read, so the result
    is kept per those values (bounded): the API and the questionnaire meet the same ones again and again.
    The result is shared: read it, never change it."""
    code = verdict.jurisdiction
    day = date.fromisoformat(verdict.as_of) if verdict.as_of else date.today()
    values = context_values(facts, verdict, _paths_read(code))
    key = (code, day, *[tuple(v) if isinstance(v, list) else v for v in values])  # a list made hashable
    found = _matches.get(key)
    if found is None:
        if len(_matches) >= MATCH_CACHE_SIZE:
            _matches.clear()
        found = _matches[key] = _match(code, day, build_context(facts, verdict))
    return found


def _match(code: str, day: date, context: dict[str, Any]) -> Matches:
    records, definitions = load_incentives().get(code, ((), {}))
    evaluator = Evaluator(context, definitions)
    result = Matches()
    for incentive in records:
        if not incentive.applies_on(day):
            continue
        outcome = evaluator.evaluate(incentive.when)
        if outcome.value:
            result.found.append(Match(incentive, list(dict.fromkeys(outcome.because))))
        elif outcome.value is None:
            for path in dict.fromkeys(outcome.unknown):
                if not path.startswith("verdict."):
                    result.open.setdefault(path, []).append(incentive.name)
    return result


@lru_cache(maxsize=16)
def _paths_read(code: str) -> tuple[str, ...]:
    records, definitions = load_incentives().get(code, ((), {}))
    return tuple(sorted(set().union(*(paths_read(r.when, definitions) for r in records))))


def incentive_consequences(verdict: Verdict, facts: ProductFacts) -> list[Consequence]:
    """Matching incentives and procedures as consequences, then one item naming the facts still to give."""
    matches = matching(verdict, facts)
    items = [
        Consequence(topic=m.incentive.topic, text=f"{m.incentive.name}: {m.incentive.text} (Because: "
                    f"{'; '.join(m.because)}.)", basis=f"{m.incentive.basis} [{m.incentive.confidence}]")
        for m in matches.found
    ]
    if matches.open:
        asks = "; ".join(f"{QUESTIONS[p].text if p in QUESTIONS else p} ({p}: {', '.join(dict.fromkeys(names))})"
                         for p, names in matches.open.items())
        records, _ = load_incentives().get(verdict.jurisdiction, ((), {}))
        open_names = {name for names in matches.open.values() for name in names}
        bases = "; ".join(dict.fromkeys(r.basis for r in records if r.name in open_names))
        items.append(Consequence(topic="next_step", text=f"To check further incentives and procedures, answer: "
                                 f"{asks}", basis=bases or "the conditions of each scheme"))
    return items
