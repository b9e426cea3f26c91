"""The one place where the GMP, document and report rooms read a saved assessment.

Everything they need from storage goes through :func:`read_assessment`, so moving the assessment
storage (to ``records/``) changes this function only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from atmpnav.facts import ProductFacts
from atmpnav.verdict import Envelope, Verdict

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


@dataclass(frozen=True)
class SavedAssessment:
    id: int
    version: int
    latest_version: int
    title: str
    created_at: str
    as_of: str
    ruleset: str
    software: str
    hash: str
    prev_hash: str | None
    note: str | None
    input: dict[str, Any]
    facts: ProductFacts
    envelope: Envelope
    chain_ok: bool
    chain_problems: list[str]
    #: Signatures of this version ({signer, meaning, signed_at, version_hash}); empty until records signs.
    signatures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def eu_verdict(self) -> Verdict | None:
        return self.envelope.verdicts.get("EU")

    @property
    def rule_sets(self) -> dict[str, str]:
        return {code: verdict.ruleset for code, verdict in self.envelope.verdicts.items()}


def read_assessment(engine: Engine, assessment_id: int, version: int | None = None) -> SavedAssessment:
    """Version ``version`` (default: the latest) of a saved assessment; unknown ids raise UnknownNameError."""
    from atmpnav import assessments

    record = assessments.get_version(engine, assessment_id, version)
    head = assessments.summary(engine, assessment_id)
    chain = assessments.verify(engine, assessment_id)
    envelope = Envelope.model_validate(record.envelope)
    return SavedAssessment(
        id=assessment_id, version=record.n, latest_version=head.latest_version, title=record.title,
        created_at=record.created_at, as_of=record.as_of, ruleset=record.ruleset, software=record.software,
        hash=record.hash, prev_hash=record.prev_hash, note=record.note, input=record.input,
        facts=envelope.facts, envelope=envelope, chain_ok=chain.ok, chain_problems=list(chain.problems),
        # Signatures are stored by records/ (issue 9); until that lands the report prints empty signature lines.
        signatures=[],
    )
