"""Precedent corpus and BM25 search."""

from __future__ import annotations

import pytest

from atmpnav.errors import InputError
from atmpnav.precedents import DETERMINED, case, corpus, search, search_cases, tokenize


def test_corpus_has_every_source_with_provenance() -> None:
    cases = corpus()
    kinds = {c.kind for c in cases}
    assert kinds == {"authorised", "cat_outcome", "test_case"}
    assert {f"TC-{n:03d}" for n in range(1, 87)} <= {c.id for c in cases}
    assert sum(c.kind == "authorised" for c in cases) >= 30
    for c in cases:
        assert c.source and (c.url or c.reference), c.id
        assert c.outcome in (*DETERMINED, "undetermined"), c.id
    assert {c.basis for c in cases if c.kind == "test_case"} == {"textbook", "CAT-sourced"}
    assert case("EU-MACI").combined and case("TC-030").combined


def test_a_case_never_matches_itself_or_its_product_group() -> None:
    for c in corpus():
        found = search(c.title, k=10, exclude_id=c.id)
        assert c.id not in {p.id for p in found}
        same = {o.id for o in corpus() if o.same_case == c.same_case}
        assert not same & {p.id for p in found}


def test_car_t_text_ranks_car_t_products_first() -> None:
    found = search_cases("Autologous CAR-T cells directed against CD19 for B-cell lymphoma", k=5)
    assert found
    for precedent, matched in found[:4]:
        assert precedent.outcome == "GTMP"
        assert "car" in tokenize(matched.title + " " + matched.text)
    assert "car" in found[0][0].matched_terms


def test_synonyms_and_spelling() -> None:
    assert "car" in tokenize("chimeric antigen receptor")
    assert "msc" in tokenize("mesenchymal stromal cells") and "msc" in tokenize("MSCs")
    assert tokenize("haematopoietic tumour") == tokenize("hematopoietic tumor")
    assert tokenize("CD34+ cells")[0] == "cd34"


def test_matched_terms_and_scores_are_ordered() -> None:
    found = search("allogeneic mesenchymal stromal cells for graft-versus-host disease", k=5)
    assert [p.score for p in found] == sorted((p.score for p in found), reverse=True)
    assert all(p.matched_terms for p in found)
    assert found[0].outcome == "sCTMP"


def test_no_match_and_bad_k() -> None:
    assert search("zzzz qqqq", k=5) == []
    assert search("", k=5) == []
    with pytest.raises(InputError):
        search("cells", k=-1)


def test_inverted_index_ranks_exactly_as_rank_bm25_on_the_shipped_corpus() -> None:
    rank_bm25 = pytest.importorskip("rank_bm25")
    from atmpnav.precedents import _document, _index

    index = _index()
    docs = [tokenize(_document(c)) for c in index.cases]
    reference = rank_bm25.BM25Okapi(docs)
    queries = [c.title for c in index.cases] + ["Autologous CAR-T cells for lymphoma", "cells", "AAV vector"]
    for text in queries:
        query = tokenize(text)
        expected_scores = reference.get_scores(query)
        ours = index.bm25.scores(query)
        assert max(abs(a - b) for a, b in zip(expected_scores, ours, strict=True)) < 1e-9
        expected = sorted((i for i, s in enumerate(expected_scores) if s > 0),
                          key=lambda i: (-round(expected_scores[i], 9), index.cases[i].id))[:10]
        assert [i for i, _ in index.bm25.top(query, 10, index.id_order)] == expected, text


def test_duplicates_are_merged_and_kinds_labelled() -> None:
    found = search_cases("Autologous tumour-infiltrating lymphocytes expanded ex vivo for advanced melanoma", k=5)
    ids = [p.id for p, _ in found]
    assert "CAT-14" in ids and "TC-040" not in ids  # TC-040 restates the CAT outcome CAT-14
    til = next(p for p, _ in found if p.id == "CAT-14")
    assert til.same_product == ["TC-040"] and til.kind == "CAT/EMA classification outcome"
    for precedent, matched in found:
        assert precedent.kind is not None
        if matched.kind == "test_case":
            assert "not an EMA outcome" in precedent.kind


def test_weak_matches_are_not_shown() -> None:
    from atmpnav.precedents import MIN_SCORE

    assert all(p.score >= MIN_SCORE for p in search("cells", k=20))
    assert search_cases("cells", k=20, min_score=0.0)  # weak matches exist, but are held back


def test_large_corpus_ranks_the_same_with_numpy_as_in_plain_python() -> None:
    import random

    pytest.importorskip("numpy")
    from atmpnav.precedents import BM25Index, _document, corpus

    docs = [tokenize(_document(c)) for c in corpus()]
    pool = [t for d in docs for t in d]
    rng = random.Random(7)
    index = BM25Index.build([rng.choices(pool, k=rng.randint(5, 40)) for _ in range(12_000)])
    assert index.size >= BM25Index.NUMPY_CORPUS
    order = list(range(index.size))
    rng.shuffle(order)
    skip = frozenset(rng.sample(range(index.size), 50))
    compared = 0
    for known in corpus():
        query = tokenize(_document(known))
        if sum(len(index.postings[t][0]) for t in set(query) if t in index.postings) < BM25Index.NUMPY_FROM:
            continue  # the fast index takes the Python path too
        compared += 1
        counts = index.counts(query)
        fast, slow = index.top_numpy(counts, 5, order, skip), index.top_plain(counts, 5, order, skip)
        assert index.top(query, 5, order, skip) == fast  # the size and the postings touched choose numpy
        assert [d for d, _ in fast] == [d for d, _ in slow]
        assert all(abs(a - b) < 1e-9 for (_, a), (_, b) in zip(fast, slow, strict=True))
    assert compared >= 20
