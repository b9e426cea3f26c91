"""classify_text end to end: rules decide, evidence is attached, precedents follow."""

from __future__ import annotations

import pytest

from atmpnav.engine import is_estimate_note
from atmpnav.text import classify_text

AS_OF = "2026-11-25"

CASES = [
    # (description, indication, outcome, regime, combined)
    ("Autologous chondrocytes expanded ex vivo and implanted on a collagen membrane to repair knee cartilage defects.",
     None, "TEP", "atmp_centralised", True),
    ("Autologous T cells transduced ex vivo with a lentiviral vector encoding an anti-CD19 chimeric antigen receptor, "
     "expanded and infused", "relapsed B-cell acute lymphoblastic leukaemia", "GTMP", "atmp_centralised", False),
    ("Allogeneic donor T cells transduced with an HSV-TK suicide gene and a truncated LNGFR marker, infused after "
     "haploidentical transplantation for immune reconstitution", None, "sCTMP", "atmp_centralised", False),
    ("Ex vivo expanded allogeneic bone-marrow mesenchymal stromal cells infused to treat graft-versus-host disease",
     None, "sCTMP", "atmp_centralised", False),
    ("Unmanipulated autologous bone marrow mononuclear cells injected intracoronary to regenerate ischaemic "
     "myocardium", None, "TEP", "atmp_centralised", False),
    ("Mobilised peripheral blood stem cells, CD34-selected and cryopreserved, infused for autologous haematopoietic "
     "stem cell transplantation", None, "not ATMP", "tissues_cells", False),
    # Not for transfusion: Directive 2002/98/EC covers only its collection and testing; national law the rest.
    ("Platelet-rich plasma prepared by centrifugation of the patient's blood and injected into a tendon", None,
     "not ATMP", "other", False),
    ("mRNA-LNP vaccine encoding the SARS-CoV-2 spike protein, injected to prevent COVID-19", None, "not ATMP",
     "vaccine", False),
    ("A chemically synthesised antisense oligonucleotide injected intrathecally for spinal muscular atrophy", None,
     "not ATMP", "chemical_medicinal_product", False),
    ("Decellularised porcine-skin matrix with no viable cells, applied for wound repair", None, "not ATMP",
     "medical_device", False),
    ("MSC-derived extracellular vesicles, no recombinant nucleic acid, given for bronchopulmonary dysplasia", None,
     "not ATMP", "biological_medicinal_product", False),
    ("rAAV2 vector carrying the human RPE65 cDNA, subretinal injection", "Leber congenital amaurosis", "GTMP",
     "atmp_centralised", False),
]


@pytest.mark.parametrize(("text", "indication", "outcome", "regime", "combined"), CASES,
                         ids=[c[0][:40] for c in CASES])
def test_classify_text(text: str, indication: str | None, outcome: str, regime: str, combined: bool) -> None:
    envelope = classify_text(text, indication, as_of=AS_OF)
    verdict = envelope.verdicts["EU"]
    assert verdict.outcome == outcome, verdict.model_dump()
    assert verdict.likely_outcome == outcome
    assert verdict.regime == regime
    assert verdict.combined is combined
    assert envelope.evidence
    assert envelope.precedents and all(p.note.startswith("similar, not binding") for p in envelope.precedents)


def test_issue_example_explains_each_fact_with_words() -> None:
    envelope = classify_text("Autologous chondrocytes expanded ex vivo and implanted on a collagen membrane to repair "
                             "knee cartilage defects.", as_of=AS_OF)
    verdict = envelope.verdicts["EU"]
    steps = {s.rule: s for s in verdict.steps}
    assert steps["EU-M2"].evidence == "expanded"
    assert "repair" in steps["EU-T1"].evidence
    assert "collagen membrane" in steps["EU-D2"].evidence
    assert envelope.evidence["device.kind"] == "collagen membrane"
    assert envelope.evidence["cells_or_tissues.source"] == "Autologous"
    data = envelope.to_json_dict()
    assert data["evidence"]["cells_or_tissues.manipulations"] == "expanded"
    assert data["precedents"][0]["matched_terms"]


def test_likely_outcome_is_set_without_an_invented_confidence_when_not_decided() -> None:
    envelope = classify_text("Autologous CD34+ cells edited by CRISPR/Cas9 at the BCL11A enhancer", as_of=AS_OF)
    verdict = envelope.verdicts["EU"]
    assert verdict.outcome == "undetermined"
    assert verdict.likely_outcome == "GTMP"
    assert verdict.confidence is None  # not a calibrated probability
    assert any("assuming" in n.lower() for n in verdict.notes)
    assert {m.fact for m in verdict.missing} >= {"for_human_administration"}


def test_an_estimate_under_assumed_scope_facts_replaces_the_one_from_the_facts_as_read() -> None:
    # Nothing says it is given to patients or is the finished product: assuming so, the rules decide.
    decided = classify_text("rAAV8 with RPGR cDNA (XLRP)", as_of=AS_OF).verdicts["EU"]
    assert decided.outcome == "undetermined" and decided.likely_outcome == "GTMP"
    assert not any(is_estimate_note(n) for n in decided.notes)  # the estimate of other facts is gone
    assert any(n.startswith("Likely GTMP: assuming it is given to patients") for n in decided.notes)
    # Assuming so, the rules still cannot decide: the estimate shown is the one made with the assumptions.
    estimated = classify_text("In vitro transcribed mRNA molecules", as_of=AS_OF).verdicts["EU"]
    notes = estimated.notes
    assumed_at = next(i for i, n in enumerate(notes) if n.startswith("For the estimate below it is assumed"))
    estimates = [i for i, n in enumerate(notes) if is_estimate_note(n)]
    assert len(estimates) == 1 and estimates[0] > assumed_at
    assert estimated.confidence is None


def test_likely_outcome_from_precedents_when_the_law_is_open() -> None:
    envelope = classify_text("Genetically modified pig kidney for xenotransplantation into a patient", as_of=AS_OF)
    verdict = envelope.verdicts["EU"]
    assert verdict.outcome == "undetermined"
    assert "A10" in verdict.ambiguity_ids
    assert verdict.likely_outcome != "undetermined"
    assert verdict.confidence is None
    estimate = next(n for n in verdict.notes if n.startswith("Statistical estimate"))
    assert "not a rule step" in estimate
    assert "CAT/EMA classification outcome" in estimate or "project test case" in estimate


def test_nothing_recognised_gives_no_confident_guess() -> None:
    verdict = classify_text("Zzz qqq", as_of=AS_OF).verdicts["EU"]
    assert verdict.outcome == "undetermined"
    assert verdict.confidence is None
    assert not any(n.startswith("Statistical estimate") for n in verdict.notes)  # nothing similar to vote


def test_top_zero_gives_no_precedents_but_a_likely_outcome() -> None:
    envelope = classify_text("Autologous TILs for advanced melanoma", as_of=AS_OF, top=0)
    assert envelope.precedents == []
    assert envelope.verdicts["EU"].likely_outcome != "undetermined"


def test_library_function_is_exported() -> None:
    import atmpnav.text as text_api

    assert text_api.classify_text is classify_text
    assert callable(text_api.extract_facts)
