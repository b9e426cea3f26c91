"""The reader never fails on odd input, and its evidence always comes from the input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from atmpnav.text.extract import extract_facts

WORDS = st.sampled_from([
    "autologous", "allogeneic", "T cells", "chondrocytes", "not", "non-", "expanded", "without", "culture",
    "AAV", "lentiviral", "vector", "encoding", "CAR", "mRNA", "siRNA", "collagen", "membrane", "for",
    "cancer", "repair", "knee", "vaccine", "influenza", "may", "be", "irradiated", ",", ".", "(", ")", "donor",
    "porcine", "islets", "EVs", "lysate", "CRISPR", "RNP", "injected", "used", "only", "ex", "vivo", "suicide",
    "gene", "marker", "Δ", "γ", "β", "+", "-", "'s", "é",
])


@settings(max_examples=100, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=40).map(" ".join), st.one_of(st.none(), st.text(max_size=60)))
def test_extract_never_fails_and_evidence_is_from_the_input(text: str, indication: str | None) -> None:
    if not text.strip():
        return
    extraction = extract_facts(text, indication)
    source = text + "\n" + (indication or "")
    for words in extraction.evidence.values():
        for piece in words.split(" … "):
            piece = piece.split(" (")[0].strip()
            if piece and not piece.startswith("("):
                assert piece in source


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=1, max_size=300))
def test_arbitrary_unicode_text(text: str) -> None:
    if text.strip():
        extract_facts(text)
