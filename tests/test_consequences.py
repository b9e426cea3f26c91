"""What follows from a verdict: items appear where their conditions hold, each with a legal basis."""

from __future__ import annotations

from pathlib import Path

import yaml

from atmpnav.assess import AssessmentInput, evaluate
from atmpnav.facts import parse_facts

CASES = Path(__file__).parent / "cases"


def _consequences(case: str, code: str = "EU") -> list[tuple[str, str]]:
    data = yaml.safe_load((CASES / code.lower() / f"{case}.yaml").read_text(encoding="utf-8"))
    envelope = evaluate(AssessmentInput.of_facts(parse_facts(data["facts"])), [code],
                        data["expect"].get("as_of", "2026-11-25"))
    return [(item.text, item.basis) for item in envelope.verdicts[code].consequences]


def test_gmo_duties_follow_genetically_modified_cells_also_in_a_cell_therapy() -> None:
    zalmoxis = _consequences("tc-003")  # GM T cells with a suicide gene: an sCTMP
    assert any("Genetically modified organisms" in text for text, _ in zalmoxis)
    chondrocytes = _consequences("tc-029")
    assert not any("Genetically modified organisms" in text for text, _ in chondrocytes)


def test_gene_therapy_with_a_device_names_the_device_requirements() -> None:
    stent = _consequences("x-004-vector-coated-stent")
    assert any("Art 117" in basis and "not a combined ATMP" in text for text, basis in stent)


def test_us_device_and_combination_product_routes() -> None:
    assert any("CDRH" in text for text, _ in _consequences("r8-us-01-porcine-matrix-device", "US"))
    maci = _consequences("r8-us-09-chondrocytes-on-membrane", "US")
    assert any("combination product" in text and "3.7" in basis for text, basis in maci)


def test_rmat_only_for_cell_tissue_and_gene_therapies() -> None:
    # With the conditions not yet known, RMAT is named among the schemes still to check (incentives/).
    assert any("RMAT" in text for text, _ in _consequences("utc-01", "US"))
    assert not any("RMAT" in text for text, _ in _consequences("r8-us-07-engineered-probiotic", "US"))


def test_each_follow_up_is_listed_once() -> None:
    texts = [text for text, _ in _consequences("utc-01", "US")]
    assert sum("long-term follow-up" in t.lower() for t in texts) == 1


def test_a_decided_category_with_the_device_status_open_says_so_everywhere() -> None:
    from atmpnav.documents.fields import proposed_classification
    from atmpnav.views.text import headline, render_verdict

    case = yaml.safe_load((Path(__file__).parent / "cases/eu/r14-01-tep-device-status-open.yaml").read_text())
    envelope = evaluate(AssessmentInput.of_facts(parse_facts(case["facts"])), ("EU", "UK"), "2026-11-25")
    for code, verdict in envelope.verdicts.items():
        assert (verdict.outcome, verdict.combined, verdict.combined_open) == ("TEP", False, True), code
        assert {m.fact for m in verdict.missing} == {"device.own_medical_purpose", "device.integral"}, code
        assert "combined ATMP or not: open" in headline(verdict)
        assert "Open questions (answer these to settle whether it is a combined ATMP)" in render_verdict(verdict)
    eu = envelope.verdicts["EU"]
    assert any(c.text.startswith("If the device part is a medical device in its own right") for c in eu.consequences)
    assert not any(c.text.startswith("Combined ATMP:") for c in eu.consequences)
    assert not any(c.text.startswith("Answer the open questions listed") for c in eu.consequences)
    assert "still open" in proposed_classification(eu)
