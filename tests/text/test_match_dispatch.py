"""The shortcuts of matching give what the plain patterns give: the alternation chosen by a word's first two
characters matches exactly as the one chosen by its first character, a synonym skipped because its words
are absent would have changed nothing, the alternations compiled for ASCII text match it as the others do,
the first-letter look-aheads of the negation patterns change no match,
a product type is said to begin only at a word start where its pattern
says so (tests/text/test_defaults.py checks the types found), and the word starts of ASCII text are those of
any text."""

from __future__ import annotations

import random
import re
import sys
from dataclasses import replace

import pytest

from atmpnav.precedents import _SYNONYMS, _document, _synonym_literals, corpus
from atmpnav.text.defaults import domain_defaults
from atmpnav.text.extract import (
    Layer,
    _ascii_safe,
    _first_chars,
    _next_chars,
    _word_starts,
    plain_ascii,
    vocabulary,
    word_start_chars,
)

# case-insensitive matches that str.lower() does not predict (long s, Kelvin sign, dotted and dotless i)
ODD = "ſtem Kinase İnjected ınfused ﬁbroblasts CAR-T Τ-cells ΑAV ſiRNA KRAS γδ T-cells 3D-printed a-cells"


def _texts() -> list[str]:
    return [_document(c) for c in corpus()] + [ODD, ODD.lower(), ODD.upper()]


def _layers() -> list[Layer]:
    return [*vocabulary().layers.values(), domain_defaults().any_type]


@pytest.mark.parametrize("layer", range(4))
def test_the_pair_alternation_matches_as_the_first_character_alternation(layer: int) -> None:
    compiled = _layers()[layer]
    for text in _texts():
        for position, char, pair in _word_starts(text):
            if not pair:
                continue  # the first-character alternation itself is used
            full = compiled.by_first[char].match(text, position)
            short = compiled.by_pair[pair].match(text, position)
            assert (full and (full.span(), full.lastgroup)) == (short and (short.span(), short.lastgroup)), \
                (text[position:position + 30], pair)


def test_pairs_restrict_only_what_every_match_starts_with() -> None:
    assert _next_chars(r"\bcar[- ]?t\b") == {"c": frozenset("a")}
    assert _next_chars(r"(?:abc)?d") == {"a": frozenset("b")}  # "d" may end the match: no limit
    assert _next_chars(r"a(?:b|cd)|e[fg]") == {"a": frozenset("bc"), "e": frozenset("fg")}
    assert _next_chars(r"x\w+") == {}  # any second character
    assert _next_chars(r"(?:ab)?") == {}  # can match empty
    assert _next_chars(r"aſ") == {}  # a non-ASCII second character is not used


def test_a_skipped_synonym_would_not_have_matched() -> None:
    for text in _texts():
        rewritten = text.lower()
        for (pattern, replacement), required in zip(_SYNONYMS, _synonym_literals(), strict=True):
            if required is not None and not any(literal in rewritten for literal in required):
                assert pattern.search(rewritten) is None, pattern.pattern
            rewritten = pattern.sub(replacement, rewritten)


def test_a_type_begins_at_a_word_start_only_where_its_pattern_says_so() -> None:
    assert word_start_chars(r"\bTILs?\b") == frozenset("t")
    assert word_start_chars(r"(?:\bmRNA)|(?:\bASOs?)") == frozenset("ma")
    assert word_start_chars(r"(?:\bab)|(?:cd)") is None  # one branch may start inside a word
    assert word_start_chars(r"\b\(x") is None  # "(" is not a word character
    assert word_start_chars(r"\bſx") is None  # "ſ" matches "s" case-insensitively
    assert word_start_chars(r"\b(?:ab)?") is None  # can match empty


def test_word_starts_of_ascii_text_are_those_of_any_text() -> None:
    def general(text: str) -> tuple[tuple[int, str, str], ...]:
        out = []
        for m in re.finditer(r"\b\w", text):
            first = text[m.start()].lower()
            second = text[m.start() + 1:m.start() + 2].lower()
            out.append((m.start(), first, first + second if len(first) == len(second) == 1 and second.isascii()
                        else ""))
        return tuple(out)

    rng = random.Random(14)
    generated = ["".join(rng.choice("aB1_ -.,;\n(") for _ in range(rng.randint(0, 40))) for _ in range(300)]
    for text in [t for t in _texts() if t.isascii()] + generated + ["a", "ab", "x y", "CAR-T"]:
        assert _word_starts(text) == general(text), text


def _ascii_texts() -> list[str]:
    """ASCII texts of the corpus's words, cut and joined at random (with odd spacing and punctuation)."""
    words = [w for c in corpus() for w in re.findall(r"[\w-]+", _document(c)) if w.isascii()]
    rng = random.Random(14)
    out = []
    for _ in range(300):
        chosen = [rng.choice(words) for _ in range(rng.randint(1, 30))]
        cut = [w[:rng.randint(1, len(w))] if rng.random() < 0.3 else w for w in chosen]
        out.append("".join(rng.choice([" ", "-", ", ", "\n", "\t", "(", "; "]) + w for w in cut))
    return [t for t in _texts() if t.isascii()] + out


@pytest.mark.parametrize("layer", range(3))
def test_the_ascii_alternations_match_ascii_text_as_the_others(layer: int) -> None:
    compiled = list(vocabulary().layers.values())[layer]
    assert compiled.ascii is not None
    unicode_only = replace(compiled, ascii=None)
    for text in _ascii_texts():
        assert plain_ascii(text)
        assert [(m.span(), m.lastgroup) for m in compiled.finditer(text)] == \
            [(m.span(), m.lastgroup) for m in unicode_only.finditer(text)], text
        for position, char, pair in _word_starts(text):  # every alternation a word start can use, not only the first
            for fast, plain in ((compiled.ascii[0][char], compiled.by_first[char]),
                                (compiled.ascii[1][pair], compiled.by_pair[pair]) if pair else (None, None)):
                if fast is not None:
                    found, expected = fast.match(text, position), plain.match(text, position)
                    assert (found and (found.span(), found.lastgroup)) == (expected and (expected.span(),
                                                                                         expected.lastgroup))


def test_ascii_compilation_is_used_only_where_it_matches_alike() -> None:
    assert _ascii_safe(r"\bγ-?RV\b") and _ascii_safe(r"\b[\w-]+ cells?\s")  # classes: alike on plain ASCII
    assert not _ascii_safe(r"\bſx") and not _ascii_safe(r"[a-ſ]") and not _ascii_safe(r"\u212a")  # fold to ASCII
    assert not _ascii_safe(r"(a)\1")  # an unfamiliar construct
    assert plain_ascii("CAR-T cells\n") and not plain_ascii("γδ T cells") and not plain_ascii("a\x1cb")
    assert re.match(r"\s", "\x1c") and not re.match(r"\s", "\x1c", re.ASCII)  # why the separators are excluded


_LOOKAHEAD = re.compile(r"\(\?=\[([a-z]+)\]\)")
_WITH_LOOK_AHEAD = ("boundary", "negation_before", "hedge")  # the vocabulary's patterns that open with one


@pytest.mark.parametrize("name", _WITH_LOOK_AHEAD)
def test_first_letter_look_ahead_changes_no_match(name: str) -> None:
    """The clause-boundary, negation and hedge patterns open their words with a look-ahead for the first letters
    (a shortcut): the words after it begin only with those letters, and without it the pattern matches the same."""
    pattern = getattr(vocabulary(), name)
    look_ahead = _LOOKAHEAD.search(pattern.pattern)
    assert look_ahead is not None
    letters = frozenset(look_ahead.group(1))
    words = pattern.pattern[look_ahead.end():]  # the group the look-ahead opens runs to the end
    first = _first_chars(words)
    assert first is not None and first <= letters
    plain = re.compile(pattern.pattern[:look_ahead.start()] + words, pattern.flags)
    for text in _texts():
        assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in plain.finditer(text)]
        for start, _, _ in _word_starts(text):  # the words before a match end at a word start
            before = text[max(0, start - 60):start]
            assert bool(pattern.search(before)) == bool(plain.search(before))


def test_a_class_of_letters_folds_as_the_letters_do() -> None:
    """Case-insensitively, a class of the look-ahead's letters matches exactly the characters the letters match
    (over all of Unicode: "K" and "ſ" fold to letters not among them)."""
    letters = "".join(sorted({c for name in _WITH_LOOK_AHEAD
                              for c in _LOOKAHEAD.search(getattr(vocabulary(), name).pattern).group(1)}))
    in_class = re.compile(f"[{letters}]", re.IGNORECASE)
    any_letter = re.compile("|".join(letters), re.IGNORECASE)
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    assert [m.start() for m in in_class.finditer(every)] == [m.start() for m in any_letter.finditer(every)]
