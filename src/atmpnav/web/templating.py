"""The Jinja environment of the pages: templates, filters and helpers shared by views and the API report."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi.templating import Jinja2Templates

from atmpnav import __version__
from atmpnav.questionnaire import help_text, option_label, value_label
from atmpnav.questions import QUESTIONS
from atmpnav.verdict import Envelope, Verdict
from atmpnav.views.text import REGIME_NAMES, headline

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"

DISCLAIMER = (
    "A classification here is a reasoned reading of the law, not a regulatory decision. Only the EMA/CAT "
    "classification procedure (Art 17 of Regulation (EC) No 1394/2007) gives a scientific recommendation; "
    "national authorities and courts decide."
)
NAV = (
    ("/classify", "Classify", "classify"),
    ("/describe", "Describe", "describe"),
    ("/registry", "Registry", "registry"),
    ("/categories", "Categories & rules", "categories"),
    ("/assessments", "Assessments", "assessments"),
    ("/gmp", "GMP", "gmp"),
)
CONFIDENCE_LABELS = {"V": "verified", "K": "established", "U": "uncertain"}
OUTCOME_LABELS = {
    "GTMP": "Gene therapy medicinal product",
    "sCTMP": "Somatic cell therapy medicinal product",
    "TEP": "Tissue engineered product",
    "not ATMP": "Not an ATMP",
    "undetermined": "Not yet determined",
    "351 gene therapy": "Gene therapy licensed as a biologic (PHS Act §351)",
    "351 biologic": "Biologic licensed under PHS Act §351",
    "361 HCT/P": "HCT/P regulated only under PHS Act §361 and 21 CFR 1271",
    "excepted (1271.15)": "Excepted from 21 CFR 1271 (1271.15)",
    "not an HCT/P": "Not an HCT/P",
    "drug": "Drug (FD&C Act)",
    "vaccine": "Vaccine",
}


def human(value: Any) -> str:
    """A fact value in words: ``treat_prevent_diagnose`` -> ``treat prevent diagnose``; booleans yes/no."""
    if value is None:
        return "not known"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, list):
        return ", ".join(human(v) for v in value) if value else "none"
    return str(value).replace("_", " ")


def outcome_class(outcome: str | None) -> str:
    return {
        "GTMP": "gtmp",
        "sCTMP": "sctmp",
        "TEP": "tep",
        "not ATMP": "not-atmp",
        "combined": "not-atmp",
        # US outcomes: licensed biologics in the ATMP colours, the rest neutral.
        "351 gene therapy": "gtmp",
        "351 biologic": "sctmp",
        "361 HCT/P": "not-atmp",
        "excepted (1271.15)": "not-atmp",
        "not an HCT/P": "not-atmp",
        "drug": "not-atmp",
        "vaccine": "not-atmp",
    }.get(outcome or "", "undetermined")


def safe_url(value: str | None) -> str | None:
    """``value`` if it is an http(s) URL, else None: data (e.g. an imported spreadsheet) could carry a
    ``javascript:`` or ``data:`` URL, which must never become a link."""
    from urllib.parse import urlsplit

    cleaned = (value or "").strip()
    if not cleaned or any(ord(c) < 0x20 for c in cleaned):
        return None
    parts = urlsplit(cleaned)
    return cleaned if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def short_hash(value: str | None, length: int = 12) -> str:
    return (value or "")[:length]


def when(value: str | datetime | None) -> str:
    """An ISO timestamp as ``2026-11-25 19:39 UTC``."""
    if value is None:
        return ""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def query(params: dict[str, Any] | list[tuple[str, Any]]) -> str:
    """A query string (leading ``?``) of the non-empty parameters."""
    items = params.items() if isinstance(params, dict) else params
    pairs = [(k, v) for k, v in items if v not in (None, "")]
    return "?" + urlencode(pairs) if pairs else ""


def question_text(path: str) -> str:
    question = QUESTIONS.get(path)
    return question.text if question else path


@lru_cache(maxsize=1)
def _field_order() -> dict[str, int]:
    """Fact paths in the order ProductFacts declares them (stored JSON has its keys sorted)."""
    from pydantic import BaseModel

    from atmpnav.facts import ProductFacts

    order: dict[str, int] = {}
    for name, info in ProductFacts.model_fields.items():
        order[name] = len(order)
        for candidate in getattr(info.annotation, "__args__", (info.annotation,)):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                for sub in candidate.model_fields:
                    order[f"{name}.{sub}"] = len(order)
    return order


def fact_rows(facts: dict[str, Any] | None, prefix: str = "") -> list[tuple[str, str, Any]]:
    """Facts flattened to (path, question or label, value), in the order of the facts contract."""
    rows: list[tuple[str, str, Any]] = []
    order = _field_order()
    items = sorted((facts or {}).items(), key=lambda kv: order.get(f"{prefix}{kv[0]}", len(order)))
    for key, value in items:
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            rows.extend(fact_rows(value, prefix=f"{path}."))
        else:
            label = QUESTIONS[path].text if path in QUESTIONS else path.replace("_", " ").replace(".", ": ")
            rows.append((path, label, value))
    return rows


def verdicts_of(envelope: Envelope | dict[str, Any]) -> list[Verdict]:
    """The verdicts of an envelope (a model, or the JSON stored with an assessment)."""
    if isinstance(envelope, Envelope):
        return list(envelope.verdicts.values())
    return [Verdict.model_validate(v) for v in envelope.get("verdicts", {}).values()]


def _request_context(request: Any) -> dict[str, Any]:
    """Per request: the user, the auth mode and the hidden inputs of a state-changing form
    (``{{ csrf_input() }}`` in every POST form; ``{{ form_token_input() }}`` in forms that save)."""
    import secrets

    from markupsafe import Markup, escape

    from atmpnav.web.auth import template_context

    context = template_context(request)
    token = context["csrf_token"]
    context["csrf_input"] = lambda: Markup(
        f'<input type="hidden" name="{context["csrf_field"]}" value="{escape(token())}">')
    context["form_token_input"] = lambda: Markup(
        f'<input type="hidden" name="form_token" value="{secrets.token_urlsafe(18)}">')
    return context
def facts_json(facts: Any) -> str:
    """Facts as the JSON a form posts on (to the GMP checklist), keeping an unknown ``present``."""
    import json

    from atmpnav.assess import facts_to_json

    return json.dumps(facts_to_json(facts), ensure_ascii=False)


def _ambiguity(item: Any) -> Any:
    from atmpnav.ambiguities import resolve

    return resolve(item)


@lru_cache(maxsize=1)
def templates() -> Jinja2Templates:
    found = Jinja2Templates(directory=str(TEMPLATES_DIR), context_processors=[_request_context])
    env = found.env
    # The templates ship with the package: never stat their files again on every render.
    env.auto_reload = False
    env.trim_blocks = True
    env.lstrip_blocks = True
    env.filters.update(
        human=human,
        outcome_class=outcome_class,
        short_hash=short_hash,
        safe_url=safe_url,
        when=when,
        regime_name=lambda r: REGIME_NAMES.get(r or "", r or ""),
        outcome_label=lambda o: OUTCOME_LABELS.get(o or "", o or ""),
        confidence_label=lambda c: CONFIDENCE_LABELS.get(c, c),
        question_text=question_text,
        headline=headline,
        pct=lambda x: f"{float(x):.0%}",
        quote_path=lambda v: quote(str(v), safe=""),
        ambiguity=_ambiguity,
        basename=lambda p: Path(str(p)).name if p else "",
        option_label=option_label,
        help_text=help_text,
        value_label=value_label,
    )
    env.globals.update(
        app_version=__version__,
        disclaimer=DISCLAIMER,
        nav=NAV,
        query=query,
        fact_rows=fact_rows,
        verdicts_of=verdicts_of,
        facts_as_json=facts_json,
    )
    return found
