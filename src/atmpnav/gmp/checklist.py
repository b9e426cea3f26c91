"""The GMP checklist: requirement records (``data/requirements/<topic>.yaml``) evaluated against the
facts, the verdict and the ``manufacturing`` block. No requirement has code of its own.

Each record has an id, topic, text (and ``text_pics`` where the PIC/S wording differs), severity,
``needs_authority_approval``, a ``when`` condition (see :mod:`atmpnav.conditions`), ``refs`` to both
standards with the section as numbered and the spec's confidence tag, and the dates it applies
between (``valid_from`` / ``valid_to``) with the standard versions it was written against.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from atmpnav.conditions import Evaluator, build_context, check_condition, context_paths
from atmpnav.datafiles import load_yaml
from atmpnav.errors import DataFormatError, InputError
from atmpnav.facts import ProductFacts
from atmpnav.questions import QUESTIONS
from atmpnav.verdict import ATMP_OUTCOMES, Verdict

DATA_DIR = Path(__file__).resolve().parent / "data"
REQUIREMENTS_DIR = DATA_DIR / "requirements"
SEVERITIES = ("must", "should", "consider")
VARIANTS = ("eu", "pics")
CONFIDENCE_RANK = {"V": 0, "K": 1, "U": 2}
NOT_LEGAL_ADVICE = ("Not legal advice: a checklist of the GMP requirements that the facts given trigger, read from "
                    "the standards; the manufacturing authorisation, the inspectorate and the standards' own text "
                    "decide.")


class Ref(BaseModel):
    standard: str
    section: str
    confidence: Literal["V", "K", "U"]


class Item(BaseModel):
    id: str
    topic: str
    topic_title: str
    text: str
    severity: Literal["must", "should", "consider"]
    needs_authority_approval: bool
    refs: list[Ref]
    because: list[str]
    basis: str | None = None
    confidence: Literal["V", "K", "U"]
    valid_from: str
    valid_to: str | None = None
    standard_versions: dict[str, str]


class OpenFact(BaseModel):
    fact: str
    question: str
    help: str = ""
    options: list[str] = Field(default_factory=list)
    items: list[str] = Field(default_factory=list)  # the items whose applicability this fact decides


class Topic(BaseModel):
    id: str
    title: str
    items: list[str]


class Difference(BaseModel):
    id: str
    text: str
    confidence: Literal["V", "K", "U"]


class Checklist(BaseModel):
    """The output of contract-part2.md §2, plus ``standard``, ``topics`` (the grouping) and ``differences``."""

    standard: Literal["eu", "pics"]
    as_of: str
    verdict_outcome: str
    standard_versions: dict[str, str]
    items: list[Item]
    open: list[OpenFact]
    notes: list[str]
    topics: list[Topic]
    differences: list[Difference]


@dataclass(frozen=True)
class Requirement:
    id: str
    topic: str
    text: str
    text_pics: str | None
    standards: tuple[str, ...]
    severity: str
    needs_authority_approval: bool
    when: Any
    refs: tuple[Ref, ...]
    basis: str | None
    valid_from: date
    valid_to: date | None
    standard_versions: dict[str, str]
    source: str

    def applies_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


@dataclass(frozen=True)
class DataSet:
    standards: dict[str, dict[str, Any]]
    variants: dict[str, dict[str, str]]
    differences: list[Difference]
    topics: dict[str, str]
    definitions: dict[str, Any]
    requirements: tuple[Requirement, ...]



def _day(value: Any, where: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DataFormatError(where, f"not a date: {value!r}") from None


def _requirement(raw: dict[str, Any], defaults: dict[str, Any], topic: str, where: str,
                 data: dict[str, Any]) -> Requirement:
    record = {**defaults, **raw}
    required = ("id", "text", "severity", "needs_authority_approval", "when", "refs", "valid_from",
                "standard_versions")
    missing = [key for key in required if key not in record]
    if missing:
        raise DataFormatError(where, f"record {raw.get('id', '?')}: missing {', '.join(missing)}")
    if record["severity"] not in SEVERITIES:
        raise DataFormatError(where, f"{record['id']}: severity must be one of {', '.join(SEVERITIES)}")
    refs = tuple(Ref.model_validate(r) for r in record["refs"])
    unknown_standards = {r.standard for r in refs} - set(data["standards"])
    if unknown_standards or not refs:
        raise DataFormatError(where, f"{record['id']}: refs need known standards, got {sorted(unknown_standards)}")
    check_condition(record["when"], context_paths(), data["definitions"], f"{where} ({record['id']})")
    standards = tuple(record.get("standards", VARIANTS))
    if set(standards) - set(VARIANTS):
        raise DataFormatError(where, f"{record['id']}: standards must be among {', '.join(VARIANTS)}")
    valid_from = _day(record["valid_from"], where)
    assert valid_from is not None
    return Requirement(
        id=record["id"], topic=topic, text=" ".join(record["text"].split()),
        text_pics=" ".join(record["text_pics"].split()) if record.get("text_pics") else None,
        standards=standards, severity=record["severity"],
        needs_authority_approval=bool(record["needs_authority_approval"]), when=record["when"], refs=refs,
        basis=record.get("basis"), valid_from=valid_from, valid_to=_day(record.get("valid_to"), where),
        standard_versions=dict(record["standard_versions"]), source=str(Path(where).name),
    )


@lru_cache(maxsize=4)
def load_data(directory: str = str(DATA_DIR)) -> DataSet:
    """Read and check every data file once; a malformed file is refused with its name and record."""
    root = Path(directory)
    meta = load_yaml(root / "standards.yaml")
    topics = {t["id"]: t["title"] for t in load_yaml(root / "topics.yaml")}
    definitions = load_yaml(root / "definitions.yaml") or {}
    data = {"standards": meta["standards"], "definitions": definitions}
    paths = context_paths()
    for name, condition in definitions.items():
        check_condition(condition, paths, definitions, f"definitions.yaml ({name})")
    requirements: list[Requirement] = []
    for path in sorted((root / "requirements").glob("*.yaml")):
        content = load_yaml(path)
        topic = content.get("topic")
        if topic not in topics:
            raise DataFormatError(str(path), f"unknown topic {topic!r} (see topics.yaml)")
        for raw in content.get("items", []):
            requirements.append(_requirement(raw, content.get("defaults", {}), topic, str(path), data))
    ids = [r.id for r in requirements]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise DataFormatError(str(root), f"duplicate requirement ids: {', '.join(duplicates)}")
    return DataSet(
        standards=meta["standards"], variants=meta["variants"],
        differences=[Difference.model_validate(d) for d in meta.get("differences", [])],
        topics=topics, definitions=definitions, requirements=tuple(requirements),
    )


def _in_force(standard: dict[str, Any], day: date) -> bool:
    start = _day(standard["valid_from"], "standards.yaml")
    end = _day(standard.get("valid_to"), "standards.yaml")
    return start is not None and start <= day and (end is None or day < end)


def _text(requirement: Requirement, variant: str, terms: dict[str, str]) -> str:
    text = requirement.text_pics if variant == "pics" and requirement.text_pics else requirement.text
    return text.replace("{qp}", terms["qp"]).replace("{mah}", terms["mah"])


def _question(path: str) -> tuple[str, str, list[str]]:
    question = QUESTIONS.get(path)
    if question is None:
        return path, "", []
    return question.text, question.help, list(question.options)


def build_checklist(
    facts: ProductFacts,
    verdict: Verdict,
    *,
    standard: str = "eu",
    as_of: date | None = None,
) -> Checklist:
    """The requirements that ``facts`` and ``verdict`` trigger under ``standard`` (``eu`` or ``pics``)."""
    if standard not in VARIANTS:
        raise InputError(f"standard: {standard!r} unknown; choose one of {', '.join(VARIANTS)}")
    day = as_of if as_of is not None else date.fromisoformat(verdict.as_of) if verdict.as_of else date.today()
    data = load_data()
    terms = data.variants[standard]
    primary = terms["standard"]
    notes = [NOT_LEGAL_ADVICE]
    in_force = {code: s for code, s in data.standards.items() if _in_force(s, day)}
    versions = {code: str(s["version"]) for code, s in in_force.items()}
    if primary not in in_force:
        first = data.standards[primary]["valid_from"]
        notes.append(f"{data.standards[primary]['short']} does not apply on {day.isoformat()} (it applies from "
                     f"{first}); no checklist is given for that date.")
        return Checklist(standard=standard, as_of=day.isoformat(), verdict_outcome=verdict.outcome,
                         standard_versions=versions, items=[], open=[], notes=notes, topics=[],
                         differences=data.differences)
    for code in in_force:
        if data.standards[code].get("pending"):
            notes.append(f"{data.standards[code]['short']}: {' '.join(str(data.standards[code]['pending']).split())}")
    if standard == "pics":
        notes.append("PIC/S Annex 2A is applied through each PIC/S authority's national law; the ATMP category used "
                     "here is the EU classification, which Annex 2A's glossary follows (a national determination "
                     "may differ).")
    if verdict.outcome == "undetermined":
        if verdict.likely_outcome in ATMP_OUTCOMES:
            notes.append(f"Provisional: the classification is undetermined; the list is built on the likely outcome "
                         f"{verdict.likely_outcome} and will change if the classification does.")
        else:
            notes.append("The classification is undetermined: answer its open questions first.")
    elif verdict.outcome not in ATMP_OUTCOMES:
        notes.append(f"The product is not an ATMP ({verdict.outcome}); the ATMP GMP standards do not apply to it as "
                     "such. A starting material's quality is controlled by the ATMP manufacturer that uses it.")

    evaluator = Evaluator(build_context(facts, verdict), data.definitions)
    items: list[Item] = []
    open_facts: dict[str, OpenFact] = {}
    order = list(data.topics)
    for requirement in sorted(data.requirements, key=lambda r: order.index(r.topic)):
        if standard not in requirement.standards or not requirement.applies_on(day):
            continue
        outcome = evaluator.evaluate(requirement.when)
        if outcome.value is None:
            for path in dict.fromkeys(outcome.unknown):
                if path.startswith("verdict."):
                    continue  # the classification's own open questions are in the verdict
                if path not in open_facts:
                    text, help_text, options = _question(path)
                    open_facts[path] = OpenFact(fact=path, question=text, help=help_text, options=options)
                open_facts[path].items.append(requirement.id)
            continue
        if not outcome.value:
            continue
        refs = sorted(requirement.refs, key=lambda r: r.standard != primary)
        own = [r for r in refs if r.standard == primary] or refs
        items.append(Item(
            id=requirement.id, topic=requirement.topic, topic_title=data.topics[requirement.topic],
            text=_text(requirement, standard, terms), severity=requirement.severity,  # type: ignore[arg-type]
            needs_authority_approval=requirement.needs_authority_approval, refs=refs,
            because=list(dict.fromkeys(outcome.because)), basis=requirement.basis if standard == "eu" else None,
            confidence=max((r.confidence for r in own), key=CONFIDENCE_RANK.__getitem__),
            valid_from=requirement.valid_from.isoformat(),
            valid_to=requirement.valid_to.isoformat() if requirement.valid_to else None,
            standard_versions=requirement.standard_versions,
        ))
    if any(r.confidence == "U" for item in items for r in item.refs):
        notes.append("A section tagged U is uncertain in our source: verify it in the standard before relying on it.")
    topics = [Topic(id=t, title=title, items=[i.id for i in items if i.topic == t])
              for t, title in data.topics.items()]
    return Checklist(
        standard=standard, as_of=day.isoformat(), verdict_outcome=verdict.outcome, standard_versions=versions,
        items=items, open=list(open_facts.values()), notes=notes, topics=[t for t in topics if t.items],
        differences=data.differences,
    )
