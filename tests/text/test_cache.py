"""The on-disk cache of the text data: keyed by content, never changing results."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from atmpnav.text import cache


def test_cached_value_is_reused_only_for_the_same_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATMPNAV_CACHE_DIR", str(tmp_path))
    builds: list[int] = []

    def build() -> list[int]:
        builds.append(1)
        return [len(builds)]

    assert cache.cached("thing", "k1", build) == [1]
    assert cache.cached("thing", "k1", build) == [1] and len(builds) == 1  # from disk
    assert cache.cached("thing", "k2", build) == [2]  # content changed: rebuilt
    for damaged in tmp_path.glob("thing-*.pickle"):
        damaged.write_bytes(b"not a pickle")
    assert cache.cached("thing", "k2", build) == [3]  # a damaged file is rebuilt, not an error


def test_versions_side_by_side_keep_their_own_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATMPNAV_CACHE_DIR", str(tmp_path))
    builds: list[str] = []

    def build(key: str) -> str:
        builds.append(key)
        return key

    for key in ("v1", "v2", "v1", "v2"):  # two versions started in turn: each built once
        assert cache.cached("thing", key, lambda key=key: build(key)) == key
    assert builds == ["v1", "v2"]
    for n in range(cache.KEEP + 3):
        cache.cached("thing", f"k{n}", lambda n=n: n)
    assert len(list(tmp_path.glob("thing-*.pickle"))) == cache.KEEP  # old versions' files are pruned
    cache.cached("thing-other", "k", lambda: 0)
    for n in range(cache.KEEP + 1):
        cache.cached("thing", f"again{n}", lambda n=n: n)
    assert list(tmp_path.glob("thing-other-*.pickle"))  # another name's files are not this name's


def test_unwritable_cache_still_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("x")
    monkeypatch.setenv("ATMPNAV_CACHE_DIR", str(blocked / "sub"))
    assert cache.cached("thing", "k", lambda: 5) == 5
    assert blocked.read_text() == "x"  # nothing of ours overwrote it


@pytest.mark.parametrize("source", [r"\bcells?\b|(?P<x>CAR[- ]?T)", r"(?:a|b)+\d{2,}", r"\bnon[- ]?$"])
def test_a_pattern_rebuilt_from_its_program_matches_like_re_compile(source: str) -> None:
    program = cache.regex_program(source, re.IGNORECASE)
    rebuilt = cache.compile_program(source, re.IGNORECASE, program)
    fresh = re.compile(source, re.IGNORECASE)
    for text in ("CAR-T cells", "aab123", "non-", "cell", "nothing"):
        a, b = rebuilt.search(text), fresh.search(text)
        assert (a and (a.span(), a.groupdict())) == (b and (b.span(), b.groupdict()))


def test_vocabulary_from_the_cache_extracts_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from atmpnav.text import extract

    text = "Autologous chondrocytes expanded in culture and seeded on a collagen membrane for knee defects"
    expected = extract.extract_facts(text).facts
    monkeypatch.setenv("ATMPNAV_CACHE_DIR", str(tmp_path))
    for _ in range(2):  # built and written, then read back
        extract.vocabulary.cache_clear()
        assert extract.extract_facts(text).facts == expected
    assert list(tmp_path.glob("vocabulary-*.pickle"))
    extract.vocabulary.cache_clear()


def test_domain_defaults_from_the_cache_assume_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from atmpnav.text import defaults, extract

    text = "Autologous tumour-infiltrating lymphocytes and mesenchymal stromal cells for knee cartilage"
    expected = extract.extract_facts(text)
    monkeypatch.setenv("ATMPNAV_CACHE_DIR", str(tmp_path))
    for _ in range(2):  # built and written, then read back
        defaults.domain_defaults.cache_clear()
        again = extract.extract_facts(text)
        assert again.facts == expected.facts and again.assumptions == expected.assumptions
    assert list(tmp_path.glob("defaults-*.pickle"))
    defaults.domain_defaults.cache_clear()


def test_every_cache_file_a_run_writes_reads_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache file that cannot be read back is rebuilt on every start without a word (as when an instance of a
    compiled frozen class was pickled: atmpnav/text/concepts.py): each file a classification writes must load."""
    import pickle

    from atmpnav import precedents
    from atmpnav.text import defaults, extract
    from atmpnav.text.classify import classify_text

    monkeypatch.setenv("ATMPNAV_CACHE_DIR", str(tmp_path))
    loaders = (extract.vocabulary, defaults.domain_defaults, precedents._index, precedents._synonym_literals)
    for loader in loaders:
        loader.cache_clear()
    try:
        classify_text("Autologous chondrocytes expanded in culture and seeded on a membrane", as_of="2026-11-25")
        written = sorted(tmp_path.glob("*.pickle"))
        assert {path.name.rsplit("-", 1)[0] for path in written} >= {"vocabulary", "defaults", "precedent-index"}
        for path in written:
            with path.open("rb") as handle:
                key, _ = pickle.load(handle)
            assert isinstance(key, str), path.name
    finally:
        for loader in loaders:
            loader.cache_clear()
