"""Verdict, Step, Missing and the JSON envelope (the contract in docs/facts-and-verdicts.md)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import to_json

from atmpnav.facts import ProductFacts

EU_OUTCOMES = ("GTMP", "sCTMP", "TEP", "not ATMP", "undetermined")
ATMP_OUTCOMES = ("GTMP", "sCTMP", "TEP")
US_OUTCOMES = ("351 gene therapy", "351 biologic", "361 HCT/P", "excepted (1271.15)", "not an HCT/P", "drug",
               "vaccine", "device", "undetermined")
US_REGIMES = ("biologics_license", "part_1271_only", "excepted", "new_drug_application", "device_premarket", "other")
EU_REGIMES = (
    "atmp_centralised",
    "tissues_cells",
    "blood",
    "medical_device",
    "biological_medicinal_product",
    "chemical_medicinal_product",
    "vaccine",
    "organ_transplant",
    "starting_material",
    "not_for_human_administration",
    "cosmetic",
    "other",
)


class Step(BaseModel):
    """One rule asked and answered. Immutable: the engine shares equal steps between verdicts (engine._steps);
    to add evidence, a view makes a copy (``model_copy(update=...)``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: str
    question: str
    answer: str  # "yes" | "no" | "unknown" | a short value
    basis: str
    explanation: str = ""
    confidence: Literal["V", "K", "U"] = "K"
    facts: list[str] = Field(default_factory=list)  # the fact paths this step read
    evidence: str | None = None  # words of the input that decided, for free text


class Missing(BaseModel):
    """A fact the rules need, with its question. Immutable: shared between verdicts (engine._missing)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fact: str
    question: str
    help: str = ""
    options: list[str] = Field(default_factory=list)


class AmbiguityNote(BaseModel):
    """An open point of law the verdict meets (A1-A20), explained where it is shown. Immutable: shared between
    verdicts (engine._ambiguity_note)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    explanation: str


class Consequence(BaseModel):
    """What follows from the verdict (route to market, GMP, exemptions, next filing); never a classification."""

    model_config = ConfigDict(extra="forbid")

    topic: str  # pathway | gmp | traceability | exemption | next_step | parallel_law
    text: str
    basis: str


class Verdict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    jurisdiction: str
    outcome: str
    likely_outcome: str
    combined: bool = False
    # The outcome is decided, but whether it is combined waits on device facts (listed in ``missing``); ``combined``
    # is then False until they are answered.
    combined_open: bool = False
    regime: str | None = None
    # The outcome is decided but the regime is not: the regimes the open questions (``missing``) leave between;
    # ``regime`` is then None until they are answered.
    regime_open: list[str] = Field(default_factory=list)
    # Decided by cases: every possible answer to the open questions (``missing``) leads the rules to this outcome.
    decided_by_cases: bool = False
    # Inside the jurisdiction's advanced-therapy regime (EU: an ATMP); None while undetermined.
    advanced: bool | None = None
    # US: a combination product (21 CFR Part 3) keeps its lead-center outcome and names the center.
    combination_product: bool = False
    lead_center: str | None = None
    # JP: class of the technology under the Act on the Safety of Regenerative Medicine (I | II | III), for use in
    # clinical research or private practice; None where the ASRM does not apply or is undetermined.
    asrm_class: Literal["I", "II", "III"] | None = None
    # A calibrated probability of likely_outcome (bench/calibration.py), or None where none can be stated.
    confidence: float | None = 1.0
    # Outcomes the estimate cannot separate (a tie or near-tie): no likely outcome is then given.
    open_between: list[str] = Field(default_factory=list)
    origin: str | None = None  # autologous | allogeneic | xenogeneic (EU-P2)
    rules_fired: list[str] = Field(default_factory=list)
    steps: list[Step] = Field(default_factory=list)
    missing: list[Missing] = Field(default_factory=list)
    ambiguities: list[AmbiguityNote] = Field(default_factory=list)
    # The ambiguity that leaves the law itself undecided (undetermined with nothing to ask).
    open_legal_question: str | None = None
    pathway_notes: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    consequences: list[Consequence] = Field(default_factory=list)
    as_of: str = ""
    ruleset: str = ""

    @property
    def determined(self) -> bool:
        return self.outcome != "undetermined"

    @property
    def ambiguity_ids(self) -> list[str]:
        return [a.id for a in self.ambiguities]


class Precedent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    outcome: str
    combined: bool = False
    source: str
    score: float
    matched_terms: list[str] = Field(default_factory=list)
    note: str = "similar, not binding"
    # What kind of evidence: an EU marketing authorisation, a CAT/EMA outcome, or a project test case.
    kind: str | None = None
    # Other ids of the same product in the corpus, merged into this result.
    same_product: list[str] = Field(default_factory=list)


class Assumption(BaseModel):
    """A fact filled from a domain default or from the indication because the text did not say.

    Shown with the verdict ("assumed expanded ex vivo: every authorised TIL product is"); an
    answer or a sentence of the description that says otherwise replaces it.
    """

    model_config = ConfigDict(extra="forbid")

    fact: str  # the fact path, e.g. cells_or_tissues.manipulations
    value: Any
    said: str  # how it reads: "expanded in culture"
    because: str
    source: str  # where that is shown: an authorised product, a CAT outcome, a guideline
    kind: Literal["default", "indication"] = "default"
    product_type: str | None = None  # the defaults.yaml / claims.yaml entry


class Envelope(BaseModel):
    model_config = ConfigDict(extra="forbid")

    facts: ProductFacts
    verdicts: dict[str, Verdict]
    precedents: list[Precedent] = Field(default_factory=list)
    evidence: dict[str, str] = Field(default_factory=dict)  # fact path -> words, for free text
    # Facts filled from domain defaults or the indication, for free text (additive to the contract).
    assumptions: list[Assumption] = Field(default_factory=list)
    # Answers given with a description (fact path -> value); they beat the text and the defaults.
    answers: dict[str, Any] = Field(default_factory=dict)

    def to_json_dict(self) -> dict[str, Any]:
        # the facts are dumped once, without their unknowns (they stay first, as in the model)
        data = {"facts": self.facts.model_dump(mode="json", exclude_none=True),
                **self.model_dump(mode="json", exclude={"facts"})}
        for key in _LEFT_OUT_WHEN_EMPTY:
            if not data[key]:
                data.pop(key)
        return data

    def to_json(self) -> bytes:
        """:meth:`to_json_dict` as compact JSON (what the API answers), serialized straight from the models by
        pydantic-core without building the dict first: a third less time. A test holds the two byte-equal."""
        left_out = {"facts", *(key for key in _LEFT_OUT_WHEN_EMPTY if not getattr(self, key))}
        facts = to_json(self.facts, exclude_none=True, inf_nan_mode="null")
        rest = to_json(self, exclude=left_out, inf_nan_mode="null")  # never empty: verdicts are always there
        return b'{"facts":' + facts + b"," + rest[1:]


_LEFT_OUT_WHEN_EMPTY = ("evidence", "assumptions", "answers")  # free-text parts, absent for facts input


def verdict_schema() -> dict[str, Any]:
    return Verdict.model_json_schema()
