"""Domain defaults and claims from the indication: assumptions, never beating the text."""

from __future__ import annotations

import pytest

from atmpnav.precedents import corpus
from atmpnav.text.classify import classify_text
from atmpnav.text.defaults import domain_defaults
from atmpnav.text.extract import extract_facts

AS_OF = "2026-11-25"


def _eu(text: str, **kw: object):
    envelope = classify_text(text, as_of=AS_OF, top=0, **kw)
    return envelope, envelope.verdicts["EU"]


def test_every_default_and_claim_mapping_has_a_source() -> None:
    data = domain_defaults()
    assert len(data.types) >= 20
    for kind in data.types:
        assert kind.source and kind.because and kind.said and kind.facts, kind.id
    ids = {c.id for c in corpus()}
    for mapping in data.claims:
        assert mapping.precedents and set(mapping.precedents) <= ids, mapping.id


@pytest.mark.parametrize(
    ("text", "outcome", "fact"),
    [
        ("Autologous cytokine-induced killer cells for hepatocellular carcinoma", "sCTMP",
         "cells_or_tissues.manipulations"),
        ("Autologous tumour-infiltrating lymphocytes for metastatic melanoma", "sCTMP",
         "cells_or_tissues.manipulations"),
        ("XY-101, an oncolytic vaccinia virus, for the treatment of solid tumours", "GTMP", "nucleic_acid.origin"),
        ("Enhanced autologous natural killer cells for non-small cell lung cancer", "sCTMP",
         "cells_or_tissues.manipulations"),
        ("Autologous dendritic cells for glioblastoma", "sCTMP", "cells_or_tissues.manipulations"),
    ],
)
def test_a_default_fills_what_the_text_leaves_open_and_is_shown(text: str, outcome: str, fact: str) -> None:
    envelope, verdict = _eu(text)
    assert verdict.outcome == outcome
    assumed = {a.fact: a for a in envelope.assumptions}
    assert fact in assumed and assumed[fact].source
    assert any(fact in s.facts and s.evidence and s.evidence.startswith("assumed ") for s in verdict.steps)
    assert "rests on assumptions" in verdict.notes[0]
    # without the defaults the text alone leaves the outcome open
    assert classify_text(text, as_of=AS_OF, top=0, defaults=False).verdicts["EU"].outcome != outcome


def test_a_stated_fact_beats_the_default() -> None:
    extraction = extract_facts("Non-expanded autologous tumour-infiltrating lymphocytes, freshly isolated")
    assert extraction.assumptions == []
    cells = extraction.facts.cells_or_tissues
    assert cells is not None and "expansion" not in (cells.manipulations or [])
    wild = extract_facts("A wild-type oncolytic reovirus for head and neck cancer")
    assert not any(a.fact == "nucleic_acid.origin" for a in wild.assumptions)
    assert wild.facts.nucleic_acid is not None and wild.facts.nucleic_acid.origin == "natural"


def test_point_of_care_keeps_culture_defaults_off() -> None:
    extraction = extract_facts("Autologous chondrocytes prepared at the point of care for knee cartilage defects")
    assert not any("expansion" in (a.value or []) for a in extraction.assumptions)


def test_an_answer_beats_text_and_defaults() -> None:
    envelope, verdict = _eu("Autologous tumour-infiltrating lymphocytes for metastatic melanoma",
                            answers={"cells_or_tissues.manipulations": ["cell_separation"],
                                     "cells_or_tissues.same_essential_function": True,
                                     "cells_or_tissues.blood_component": False})
    assert envelope.assumptions == []
    assert verdict.outcome == "not ATMP"
    assert envelope.evidence["cells_or_tissues.manipulations"].startswith("(answered")


@pytest.mark.parametrize(
    ("text", "claim", "outcome"),
    [
        ("Allogeneic bone marrow-derived mesenchymal stromal cells for critical limb ischaemia",
         "regenerate_repair_replace", "TEP"),
        ("Autologous mesenchymal stromal cells for knee osteoarthritis", "regenerate_repair_replace", "TEP"),
        ("Allogeneic bone marrow-derived mesenchymal stromal cells for steroid-refractory acute GvHD",
         "treat_prevent_diagnose", "sCTMP"),
        ("Allogeneic activated leukocytes for chronic lower-extremity ulcers in diabetic patients",
         "treat_prevent_diagnose", "sCTMP"),
    ],
)
def test_the_claim_is_read_from_the_indication(text: str, claim: str, outcome: str) -> None:
    envelope, verdict = _eu(text)
    assert envelope.facts.claimed_purpose == claim
    assert verdict.outcome == outcome


def test_a_claim_stated_in_words_beats_the_indication() -> None:
    envelope, _ = _eu("Allogeneic mesenchymal stromal cells to dampen inflammation in knee osteoarthritis")
    assert envelope.facts.claimed_purpose == "treat_prevent_diagnose"
    assert not any(a.kind == "indication" for a in envelope.assumptions)


def test_real_world_phrasing() -> None:
    same = extract_facts("Autologous bone marrow cells concentrated and re-injected in the same surgical procedure")
    assert same.facts.cells_or_tissues is not None and same.facts.cells_or_tissues.same_surgical_procedure is True
    dermis = extract_facts("Detergent-treated porcine dermis for hernia repair")
    assert dermis.facts.claimed_purpose == "regenerate_repair_replace"  # "treated" is a process here
    cells = dermis.facts.cells_or_tissues
    assert cells is not None and cells.viability == "non_viable" and "decellularisation" in cells.manipulations


def test_the_one_scan_finds_exactly_the_types_whose_patterns_match() -> None:
    # matching_types scans all types at once (only at word starts); it must agree with searching each
    # type's own pattern, also for types named inside another type's words and for texts of the corpus.
    from atmpnav.text.defaults import matching_types

    types = domain_defaults().types
    texts = [c.text for c in corpus()] + [
        "Autologous TILs and dendritic cells pulsed with tumour lysate for melanoma",
        "Activated NK cells expanded on feeders, and adipose-derived stem cells, for cancer",
        "An oncolytic HSV with an AAV-derived promoter; mRNA and siRNA in lipid nanoparticles",
        # types inside a type's words, found only where a word of it starts with one of their letters
        "Activated NK cells expanded on feeders and primed tumour-infiltrating lymphocytes",
        "Mesenchymal stromal cells, oncolytic HSV and an AAV vector; stem cell-derived KERATINOCYTES",
        "Cytokine-induced killer cells (CIK) and DC-CIK with mRNA-loaded DCs for cancer",
    ]
    for text in texts:
        naive = [t.id for t in types if t.pattern.search(text) and not (t.unless and t.unless.search(text))]
        assert [t.id for t in matching_types(text)] == naive, text


def test_tissue_cells_with_no_stated_use_are_presented_to_repair_their_tissue() -> None:
    envelope, verdict = _eu("Cultured autologous chondrocytes seeded on a collagen scaffold")
    assert verdict.outcome == "TEP"
    assumed = {a.fact: a for a in envelope.assumptions if a.kind == "indication"}
    assert assumed["claimed_purpose"].value == "regenerate_repair_replace"
    assert assumed["cells_or_tissues.intended_action"].value == "cartilage_repair"
    # the same function, kept without culture: not engineered
    _, graft = _eu("Autologous limbal tissue transplanted to the other eye, not cultured")
    assert graft.outcome == "not ATMP"
    # a use stated in the text is not replaced
    envelope, _ = _eu("Cultured autologous chondrocytes injected to dampen inflammation in arthritis")
    assert not any(a.fact == "cells_or_tissues.intended_action" for a in envelope.assumptions)
