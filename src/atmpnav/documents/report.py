"""The assessment report as PDF (WeasyPrint over the Jinja template ``templates/report.html.j2``): verdicts,
reasoning with citations, what follows, the GMP checklist, version and hashes, rule-set versions and the
signature block."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from atmpnav import __version__
from atmpnav.documents.saved import SavedAssessment

TEMPLATES = Path(__file__).resolve().parent / "templates"
PDF_MEDIA_TYPE = "application/pdf"
SIGNATURE_MEANINGS = ("authored", "reviewed", "approved")
DISCLAIMER = ("A classification here is a reasoned reading of the law, not a regulatory decision. Only the EMA/CAT "
              "classification procedure (Art 17 of Regulation (EC) No 1394/2007) gives a scientific "
              "recommendation; national authorities and courts decide. The GMP checklist is not legal advice.")


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["human"] = lambda v: "not known" if v is None else ("yes" if v is True else ("no" if v is False
                                                                     else str(v).replace("_", " ")))
    return env


def report_context(saved: SavedAssessment) -> dict[str, Any]:
    from atmpnav.gmp import checklist_of_envelope

    facts = saved.facts.model_dump(mode="json", exclude_none=True)
    rows: list[tuple[str, Any]] = []
    for key, value in facts.items():
        if isinstance(value, dict):
            rows.extend((f"{key}.{sub}", v) for sub, v in value.items())
        else:
            rows.append((key, value))
    signatures = {s.get("meaning"): s for s in saved.signatures}
    return {
        "saved": saved, "envelope": saved.envelope, "fact_rows": rows, "gmp": checklist_of_envelope(saved.envelope),
        "signature_rows": [{"meaning": m, "signed": signatures.get(m)} for m in SIGNATURE_MEANINGS],
        "printed": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "software": __version__,
        "disclaimer": DISCLAIMER,
        "css": (TEMPLATES / "report.css").read_text(encoding="utf-8"),
    }


def render_report_html(saved: SavedAssessment) -> str:
    return environment().get_template("report.html.j2").render(report_context(saved))


def render_report_pdf(saved: SavedAssessment) -> bytes:
    """The PDF bytes; fonts come from the system (fonts-dejavu-core, installed by scripts/ci-documents.sh)."""
    from weasyprint import HTML

    html = render_report_html(saved)
    pdf = HTML(string=html, base_url=str(TEMPLATES), url_fetcher=_no_fetching).write_pdf()
    assert pdf is not None
    return pdf


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """No network at run time: the report embeds everything it needs (styles inline, system fonts)."""
    raise ValueError(f"the report does not load external resources ({url})")
