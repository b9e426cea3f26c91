"""Drafts of the forms a team files, rendered from the ``.docx`` templates in ``documents/templates/``
(docxtpl): EMA's Art 17 classification request, and the FDA Pre-RFD and RFD (21 CFR 3.7).

Page 1 of each draft lists the mandatory fields that are still empty and the fields drafted from the
facts; the footer names the assessment (or facts file) and the rule-set version (domain-part2.md §C.6).
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from atmpnav import __version__
from atmpnav.documents.fields import (
    EMA_FIELDS,
    PRE_RFD_FIELDS,
    RFD_FIELDS,
    Field,
    ema_values,
    pre_rfd_values,
    rfd_values,
)
from atmpnav.errors import InputError
from atmpnav.facts import ProductFacts
from atmpnav.verdict import Verdict

TEMPLATES = Path(__file__).resolve().parent / "templates"
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: 21 CFR 3.7(c): at most 15 pages including attachments; estimated at this many words a page.
RFD_PAGE_LIMIT = 15
WORDS_PER_PAGE = 500
VALUE_MAX = 20_000


@dataclass(frozen=True)
class DocumentSource:
    """What a draft is made from: the facts, the verdicts, and how to name them in the footer."""

    facts: ProductFacts
    verdicts: dict[str, Verdict]
    reference: str  # "Assessment #12, version 3" or "facts file car-t.yaml"
    description: str  # for page 1: "assessment #12 (version 3, saved …)" or "the facts in car-t.yaml"

    @property
    def ruleset(self) -> str:
        return ", ".join(f"{code} {v.ruleset}" for code, v in self.verdicts.items()) or "-"


@dataclass(frozen=True)
class Form:
    kind: str
    title: str
    template: str
    jurisdiction: str
    fields: tuple[Field, ...]
    values: Callable[[ProductFacts, Verdict | None], dict[str, str]]
    groups: dict[str, tuple[str, ...]]  # template table -> field keys
    page_budget: bool = False

    @property
    def filename(self) -> str:
        return f"{self.kind}.docx"


FORMS: dict[str, Form] = {
    "ema-classification-request": Form(
        kind="ema-classification-request", title="EMA ATMP classification request (Art 17 Reg 1394/2007)",
        template="ema_art17.docx", jurisdiction="EU", fields=EMA_FIELDS, values=ema_values,
        groups={
            "request_rows": ("applicant_company", "contact_person", "product_name_or_identifier",
                             "active_substance_descriptor", "finished_product_description", "proposed_indication",
                             "proposed_classification"),
            "public_rows": ("public_product_description", "therapeutic_area"),
            "substance_rows": ("active_substance_description", "additional_substances", "device_description"),
            "further_rows": ("composition", "mode_of_administration", "pharmaceutical_form", "mechanism_of_action",
                             "proposed_use", "development_status"),
        },
    ),
    "fda-rfd": Form(
        kind="fda-rfd", title="FDA Request for Designation (21 CFR 3.7)", template="fda_rfd_3_7.docx",
        jurisdiction="US", fields=RFD_FIELDS, values=rfd_values, page_budget=True,
        groups={
            "sponsor_rows": ("sponsor_name", "sponsor_address", "establishment_registration", "contact_person",
                             "phone"),
            "product_rows": ("product_names", "component_status", "composition", "development_status",
                             "manufacturing", "proposed_use", "modes_of_action", "schedule_and_duration",
                             "dose_and_route", "related_products", "other_information"),
            "center_rows": ("recommended_center",),
        },
    ),
    "fda-pre-rfd": Form(
        kind="fda-pre-rfd", title="FDA Pre-Request for Designation (informal)", template="fda_pre_rfd.docx",
        jurisdiction="US", fields=PRE_RFD_FIELDS, values=pre_rfd_values,
        groups={"rows": tuple(f.key for f in PRE_RFD_FIELDS)},
    ),
}


def form(kind: str) -> Form:
    if kind not in FORMS:
        from atmpnav.errors import UnknownNameError

        raise UnknownNameError("document", kind, sorted(FORMS))
    return FORMS[kind]


def parse_settings(pairs: list[str], kind: str) -> dict[str, str]:
    """``field=value`` pairs that fill (or override) fields; unknown fields are refused with the allowed ones."""
    keys = {f.key for f in form(kind).fields}
    found: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or key not in keys:
            raise InputError(f"--set {pair!r}: expected FIELD=VALUE with FIELD one of {', '.join(sorted(keys))}")
        if len(value) > VALUE_MAX:
            raise InputError(f"--set {key}: longer than {VALUE_MAX} characters")
        found[key] = value.strip()
    return found


def _verdict_line(verdict: Verdict | None, jurisdiction: str) -> str:
    if verdict is None:
        return f"No {jurisdiction} classification is available."
    if verdict.outcome == "undetermined":
        likely = f" (likely {verdict.likely_outcome})" if verdict.likely_outcome != "undetermined" else ""
        return (f"{jurisdiction} classification by ATMP Navigator: undetermined{likely}; answer the open questions "
                f"before filing. Law in force on {verdict.as_of}, rule set {verdict.ruleset}.")
    combined = ", combined" if verdict.combined else ", combined or not still open" if verdict.combined_open else ""
    by_cases = (", decided by cases: every answer to the open questions leads to it"
                if verdict.decided_by_cases else "")
    return (f"{jurisdiction} classification by ATMP Navigator: {verdict.outcome}{combined}{by_cases} (rules "
            f"{', '.join(verdict.rules_fired)}); law in force on {verdict.as_of}, rule set {verdict.ruleset}. "
            "A reasoned reading of the law, not a regulatory decision.")


def context(kind: str, source: DocumentSource, settings: dict[str, str] | None = None) -> dict[str, Any]:
    """Everything the template reads; also what the tests and the page budget check."""
    chosen = form(kind)
    verdict = source.verdicts.get(chosen.jurisdiction)
    values = {**chosen.values(source.facts, verdict), **(settings or {})}
    by_key = {f.key: f for f in chosen.fields}
    missing = [f.label for f in chosen.fields if f.mandatory and not values.get(f.key)]
    drafted = [f.label for f in chosen.fields if values.get(f.key) and f.key not in (settings or {})]
    data: dict[str, Any] = {
        "source": source.description, "reference": source.reference, "ruleset": source.ruleset,
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "software": __version__,
        "missing": missing, "drafted": drafted, "verdict_line": _verdict_line(verdict, chosen.jurisdiction),
        "steps": [s.model_dump() for s in verdict.steps] if verdict else [],
    }
    for table, keys in chosen.groups.items():
        data[table] = [{"label": by_key[k].label, "value": values.get(k, ""), "mandatory": by_key[k].mandatory}
                       for k in keys]
    if chosen.page_budget:
        words = sum(len(f"{row['label']} {row['value']}".split()) for t in chosen.groups for row in data[t])
        data.update(words=words, words_per_page=WORDS_PER_PAGE,
                    pages=max(1, math.ceil(words / WORDS_PER_PAGE)),
                    over_budget=math.ceil(words / WORDS_PER_PAGE) > RFD_PAGE_LIMIT)
    return data


def render_form(kind: str, source: DocumentSource, settings: dict[str, str] | None = None) -> bytes:
    """The draft as .docx bytes (docxtpl with autoescaping, so facts text cannot break the XML)."""
    from docxtpl import DocxTemplate

    template = DocxTemplate(str(TEMPLATES / form(kind).template))
    template.render(context(kind, source, settings), autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()
