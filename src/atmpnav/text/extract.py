"""Free text -> ProductFacts, with the words of the input that decided each fact.

The extractor reads a plain description (and optionally a separate indication) with the
vocabulary in ``vocabulary.yaml`` and fills :class:`~atmpnav.facts.ProductFacts`. It never
decides a classification: the rules do. Its policy:

* A fact the text does not support stays unknown (``None``), so the engine asks for it.
* Negated words state absence ("not genetically modified", "non-expanded", "without culture",
  "no viable cells"); hedged words ("may be expanded") are ignored and noted.
* A few facts are inferred from what the text says, always with the inference visible in
  ``evidence`` (documented in docs/text-and-precedents.md):

  - when the text describes the product's composition but mentions no nucleic acid or genetic
    modification, no cells, or no device, that block is omitted ("none"), with evidence such as
    "(no vector, gene or genetic modification mentioned)";
  - words of administration ("injected", "infused", "for the treatment of") give
    ``for_human_administration`` and ``product_role: finished_product``;
  - a non-infectious indication gives ``vaccine_against_infectious_disease: false``;
  - intact cells with no word of killing, irradiation or decellularisation are taken as viable;
  - the processing steps the text names are taken as the complete list of manipulations;
  - mRNA is taken as made by in vitro transcription (recombinant), an antisense oligonucleotide
    or siRNA as chemically synthesised, unless the text says otherwise;
  - a vector, plasmid or mRNA given to patients with no marker or safety-switch role stated
    carries a therapeutic sequence;
  - a membrane, scaffold or matrix of a named material (collagen, polymer...) is a device with a
    medical purpose of its own.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Any, NamedTuple

from atmpnav.errors import InputError
from atmpnav.facts import (
    SUBSTANTIAL_MANIPULATIONS,
    CellForm,
    CellSource,
    ClaimedPurpose,
    DeviceKind,
    GenomeEditing,
    HospitalExemption,
    Manipulation,
    ModeOfAction,
    NucleicAcidOrigin,
    ProductFacts,
    ProductRole,
    SpecialCategory,
    TissueOrigin,
    TransgeneRole,
    Vehicle,
    Viability,
)
from atmpnav.text.concepts import Concept, Family
from atmpnav.verdict import Assumption

MAX_TEXT = 20_000  # characters; longer descriptions are an input error
NO_NUCLEIC_ACID = "(no vector, gene or genetic modification mentioned)"
NO_CELLS = "(no cells or tissues mentioned)"
NO_DEVICE = "(no device, scaffold, matrix or membrane mentioned)"
_JOIN = " … "


# --- vocabulary ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layer:
    """A layer's concepts compiled for fast matching: one alternation per possible first character,
    and per possible first two characters.

    Every pattern starts at the start of a word. At each word start only the concepts whose
    patterns can begin with that character (and, where that is known, the next one) are tried, in
    vocabulary order, so the earlier concept still wins; patterns whose first character cannot be
    worked out are tried everywhere.
    """

    concepts: tuple[Concept, ...]
    by_first: _Alternations  # the first character (lower case) -> the patterns that can start with it
    # the first two characters (lower case, the second ASCII) -> the patterns that can start so (for a
    # pair no pattern names: those of its first character whose second character is not known)
    by_pair: _Alternations
    # the same alternations compiled for ASCII text (re.ASCII: cheaper word and case tests), where they match
    # there exactly as the others do (see plain_ascii and _ascii_safe)
    ascii: tuple[_Alternations, _Alternations] | None = None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        end = 0
        plain = self.ascii is not None and plain_ascii(text)
        by_first, by_pair = self.ascii if plain else (self.by_first, self.by_pair)  # type: ignore[misc]
        for position, char, pair in _word_starts(text):
            if position < end:
                continue
            m = (by_pair[pair] if pair else by_first[char]).match(text, position)
            if m and m.end() > position:
                end = m.end()
                yield m


class _Alternations(dict[str, re.Pattern[str]]):
    """Alternations by key, each compiled when a text first needs it (a start-up compiles only what
    its text needs). A key with no alternation of its own takes that of its first character in
    ``by_first_char``, else the ``fallback`` source's; only keys with an alternation are kept (bounded)."""

    def __init__(self, sources: Mapping[str, str], fallback: str,
                 compiled: Callable[[str], re.Pattern[str]], by_first_char: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.sources, self.fallback, self.compiled, self.by_first_char = sources, fallback, compiled, by_first_char

    def __missing__(self, key: str) -> re.Pattern[str]:
        source = self.sources.get(key)
        if source is None and self.by_first_char is not None:
            source = self.by_first_char.get(key[0])
        if source is None:
            return self.compiled(self.fallback)  # (compiled once: ``compiled`` keeps what it compiles)
        pattern = self[key] = self.compiled(source)
        return pattern


_WORD_START = re.compile(r"\b\w")


@lru_cache(maxsize=8)
def _word_starts(text: str) -> tuple[tuple[int, str, str], ...]:
    """Each word start of ``text`` with its lower-cased first character and first two characters (every
    layer scans the same text). The pair is empty where either character does not lower-case to one
    character, or the second not to an ASCII one: there a pattern's case-insensitive match may differ
    from ``str.lower`` (e.g. "ſ" matches "s"), so only the first character is used."""
    if text.isascii():  # each character lower-cases on its own, to one character: one lower() for all
        low, last = text.lower(), len(text) - 1
        ascii_starts = []
        for m in _WORD_START.finditer(text):
            position = m.start()
            ascii_starts.append((position, low[position], low[position:position + 2] if position < last else ""))
        return tuple(ascii_starts)
    out = []
    for m in _WORD_START.finditer(text):
        position = m.start()
        first = text[position].lower()
        second = text[position + 1:position + 2].lower()
        pair = first + second if len(first) == 1 and len(second) == 1 and second.isascii() else ""
        out.append((position, first, pair))
    return tuple(out)


_SEPARATORS = re.compile("[\x1c-\x1f]")  # ASCII characters that only Unicode \\s counts as space


def plain_ascii(text: str) -> bool:
    """Whether ``text`` is matched alike by a pattern compiled with and without re.ASCII (for patterns that
    ``_ascii_safe`` accepts): ASCII, and none of the four separators Unicode takes as white space."""
    return text.isascii() and _SEPARATORS.search(text) is None


@cache
def _folding_to_ascii() -> frozenset[str]:
    """The characters beyond ASCII that match an ASCII letter case-insensitively ("ſ" matches "s")."""
    beyond = "".join(map(chr, range(128, sys.maxunicode + 1)))
    return frozenset(re.findall("(?i)[a-z]", beyond))


def _ascii_safe(pattern: str) -> bool:
    """Whether ``pattern`` (case-insensitive) matches ASCII text with re.ASCII exactly as without it: re.ASCII
    changes only the word, digit and space classes (alike on plain ASCII text) and case-insensitive matching,
    which differs on ASCII text only for a literal that folds to an ASCII letter ("ſ", "K", "ı", "İ")."""
    try:
        from re import _parser  # type: ignore[attr-defined]

        return _safe_items(list(_parser.parse(pattern, re.IGNORECASE)), _parser, _folding_to_ascii())
    except Exception:
        return False


def _safe_items(items: list[Any], p: Any, folding: frozenset[str]) -> bool:
    const = p._constants if hasattr(p, "_constants") else p
    for op, av in items:
        if op in (const.LITERAL, const.NOT_LITERAL):
            if chr(av) in folding:
                return False
        elif op is const.RANGE:
            if any(av[0] <= ord(c) <= av[1] for c in folding):
                return False
        elif op is const.IN:
            if not _safe_items(list(av), p, folding):
                return False
        elif op in (const.SUBPATTERN, const.ATOMIC_GROUP):
            if not _safe_items(list(av[-1] if op is const.SUBPATTERN else av), p, folding):
                return False
        elif op is const.BRANCH:
            if not all(_safe_items(list(branch), p, folding) for branch in av[1]):
                return False
        elif op in (const.MAX_REPEAT, const.MIN_REPEAT, const.POSSESSIVE_REPEAT):
            if not _safe_items(list(av[2]), p, folding):
                return False
        elif op in (const.ASSERT, const.ASSERT_NOT):
            if not _safe_items(list(av[1]), p, folding):
                return False
        elif op not in (const.AT, const.ANY, const.CATEGORY, const.NEGATE):
            return False  # an unfamiliar construct
    return True


def _first_chars(pattern: str) -> frozenset[str] | None:
    """The lower-case characters a pattern can start with, or None when that cannot be worked out."""
    try:
        from re import _parser  # type: ignore[attr-defined]

        chars, _ = _first_of(list(_parser.parse(pattern, re.IGNORECASE)), _parser)
    except Exception:  # an unfamiliar construct: try the pattern everywhere
        return None
    return frozenset(chars) if chars else None


def word_start_chars(pattern: str) -> frozenset[str] | None:
    """The lower-case characters every match of ``pattern`` begins with, where every match begins at a word
    start (the pattern opens with ``\\b`` and then an ASCII letter or digit); None where that is not known.
    Non-ASCII first characters give None: case-insensitively one may match an ASCII one ("ſ" matches "s")."""
    try:
        from re import _parser  # type: ignore[attr-defined]

        parsed = list(_parser.parse(pattern, re.IGNORECASE))
        chars, empty = _first_of(parsed, _parser)
        at_boundary = _opens_with_boundary(parsed, _parser)
    except Exception:
        return None
    if not chars or empty or not at_boundary or not all(c.isascii() and (c.isalnum() or c == "_") for c in chars):
        return None
    return frozenset(chars)


def _opens_with_boundary(items: list[Any], p: Any) -> bool:
    """Whether every match of a parsed pattern starts with a word-boundary assertion (``\\b``)."""
    const = p._constants if hasattr(p, "_constants") else p
    if not items:
        return False
    op, av = items[0]
    if op is const.AT:
        return av is const.AT_BOUNDARY
    if op is const.SUBPATTERN:
        return _opens_with_boundary(list(av[-1]), p)
    if op is const.BRANCH:
        return all(_opens_with_boundary(list(branch), p) for branch in av[1])
    return False


def _first_of(items: list[Any], p: Any) -> tuple[set[str] | None, bool]:
    """(possible first characters or None for any, whether the sequence can match empty)."""
    const = p._constants if hasattr(p, "_constants") else p
    chars: set[str] = set()
    for op, av in items:
        if op is const.LITERAL:
            chars.add(chr(av).lower())
            return chars, False
        if op is const.IN:
            in_set = _set_chars(av, const)
            return (None, False) if in_set is None else (chars | in_set, False)
        if op in (const.AT, const.ASSERT, const.ASSERT_NOT):
            continue
        if op is const.SUBPATTERN or op is const.BRANCH:
            branches = [av[-1]] if op is const.SUBPATTERN else av[1]
            nullable = False
            for branch in branches:
                sub, empty = _first_of(list(branch), p)
                if sub is None:
                    return None, False
                chars |= sub
                nullable |= empty
            if not nullable:
                return chars, False
            continue
        if op in (const.MAX_REPEAT, const.MIN_REPEAT):
            low, _, body = av
            sub, empty = _first_of(list(body), p)
            if sub is None:
                return None, False
            chars |= sub
            if low > 0 and not empty:
                return chars, False
            continue
        return None, False
    return chars, True


def _next_chars(pattern: str) -> dict[str, frozenset[str]]:
    """For first characters after which a match's second character is known: the lower-case ASCII
    characters it can be. A first character missing here puts no limit on the second (the match may
    end there, the next character may be anything or non-ASCII, or the pattern is unfamiliar)."""
    try:
        from re import _parser  # type: ignore[attr-defined]

        walked = _prefixes(list(_parser.parse(pattern, re.IGNORECASE)), _parser, {""}, set())
    except Exception:
        return {}
    if walked is None or "" in walked[0]:
        return {}  # the match can be empty
    growing, pairs = walked
    unlimited = growing | {p for p in pairs if len(p) == 1}  # the match can stop after one, or any follows
    second: dict[str, set[str]] = {}
    for p in pairs:
        if len(p) == 2 and p[0] not in unlimited:
            second.setdefault(p[0], set()).add(p[1])
    return {first: frozenset(chars) for first, chars in second.items()}


def _prefixes(items: list[Any], p: Any, growing: set[str], done: set[str]) -> tuple[set[str], set[str]] | None:
    """Walk a parsed pattern: (prefixes still shorter than two characters, finished prefixes), where a
    finished one-character prefix means any second character; None when the first is unknown."""
    const = p._constants if hasattr(p, "_constants") else p
    for op, av in items:
        if not growing:
            break
        chars: set[str] | None
        if op is const.LITERAL:
            chars = {chr(av).lower()}
        elif op is const.IN:
            chars = _set_chars(av, const)
        elif op in (const.AT, const.ASSERT, const.ASSERT_NOT):
            continue  # zero-width: the prefixes stay (a superset of what can match)
        elif op is const.SUBPATTERN or op is const.BRANCH:
            branches = [av[-1]] if op is const.SUBPATTERN else av[1]
            grown: set[str] = set()
            finished = set(done)
            for branch in branches:
                walked = _prefixes(list(branch), p, set(growing), set(done))
                if walked is None:
                    return None
                grown |= walked[0]
                finished |= walked[1]
            growing, done = grown, finished
            continue
        elif op in (const.MAX_REPEAT, const.MIN_REPEAT):
            low, high, body = av
            grown = set(growing) if low == 0 else set()
            finished = set(done)
            current = (set(growing), set(done))
            for count in range(1, min(high, low + 3) + 1):  # two characters need at most two more rounds
                walked = _prefixes(list(body), p, set(current[0]), set(current[1]))
                if walked is None:
                    return None
                current = walked
                if count >= low:
                    grown |= walked[0]
                    finished |= walked[1]
            growing, done = grown, finished
            continue
        else:
            chars = None
        if chars is None or any(len(c) != 1 for c in chars):
            if "" in growing:
                return None
            done |= growing  # the second character is unknown: any
            growing = set()
            continue
        grown = set()
        for prefix in growing:
            for c in chars:
                if not prefix:
                    grown.add(c)
                else:
                    done.add(prefix + c if c.isascii() else prefix)
        growing = grown
    return growing, done


LayerSources = tuple[tuple[Concept, ...], dict[str, str], str, dict[str, str], dict[str, str]]


def _set_chars(members: list[Any], const: Any) -> set[str] | None:
    """The lower-case characters a character set ``[...]`` matches, or None for a class or negation."""
    chars: set[str] = set()
    for op, av in members:
        if op is const.LITERAL:
            chars.add(chr(av).lower())
        elif op is const.RANGE and av[1] - av[0] < 300:
            chars.update(chr(c).lower() for c in range(av[0], av[1] + 1))
        else:
            return None
    return chars


def _layer_sources(layer: str, entries: list[dict[str, Any]]) -> LayerSources:
    """A layer's concepts, its alternation per first character, the fallback alternation, and the
    alternations per first two characters and per first character with no pair."""
    concepts = tuple(Concept(e["id"], layer, dict(e.get("effects") or {})) for e in entries)
    firsts: list[list[tuple[str, frozenset[str] | None, dict[str, frozenset[str]]]]] = [
        [(pattern, _first_chars(pattern), _next_chars(pattern)) for pattern in e["patterns"]] for e in entries
    ]
    alphabet = set().union(*(f for group in firsts for _, f, _ in group if f))
    pairs = {c + n for group in firsts for _, f, nexts in group if f
             for c, chars in nexts.items() if c in f for n in chars}

    def build(char: str | None, second: str | None = None) -> str:
        """The patterns that can start with ``char`` (then ``second``; "" for none of the known pairs)."""
        parts = []
        for n, group in enumerate(firsts):
            chosen = [pat for pat, first, nexts in group
                      if first is None or (char is not None and char in first
                                           and (second is None or char not in nexts or second in nexts[char]))]
            if chosen:
                parts.append(f"(?P<c{n}>" + "|".join(f"(?:{pat})" for pat in chosen) + ")")
        return "|".join(parts) or "(?!x)x"

    by_first = {char: build(char) for char in sorted(alphabet)}
    by_pair = {pair: build(pair[0], pair[1]) for pair in sorted(pairs)}
    return concepts, by_first, build(None), by_pair, {char: build(char, "") for char in sorted(alphabet)}


@dataclass(frozen=True)
class Vocabulary:
    layers: dict[str, Layer]
    families: dict[str, Family]
    negation_before: re.Pattern[str]
    negation_after: re.Pattern[str]
    hedge: re.Pattern[str]
    boundary: re.Pattern[str]
    list_word: re.Pattern[str]
    window: int


_NEGATION_KEYS = ("before", "after", "hedge", "boundary", "list")
ASCII_FLAGS = re.IGNORECASE | re.ASCII


def _recipe(text: str) -> dict[str, Any]:
    """Everything vocabulary() needs, as plain data, with each regex's compiled program (cacheable)."""
    from atmpnav.datafiles import parse_yaml
    from atmpnav.text.cache import regex_program

    raw = parse_yaml(text, "vocabulary.yaml")
    layers = {layer: _layer_sources(layer, entries) for layer, entries in raw["layers"].items()}
    families = {
        name: Family(name, spec.get("tissue"), spec.get("blood"), frozenset(spec.get("same") or ()),
                     spec.get("other", "unknown"), bool(spec.get("weak", False)),
                     frozenset(spec.get("replaces") or ()))
        for name, spec in raw["families"].items()
    }
    negation = {k: raw["negation"][k] for k in _NEGATION_KEYS}
    layer_sources = list(dict.fromkeys(_layer_alternations(layers)))
    ascii_programs = {src: program for src in layer_sources if _ascii_safe(src)
                      and (program := regex_program(src, ASCII_FLAGS)) is not None}
    # what ASCII text needs is here; the alternations compiled without re.ASCII, for other text, come
    # from their own cache file when such a text first needs one (vocabulary()), so a start loads one set
    sources = [src for src in layer_sources if src not in ascii_programs] + list(negation.values())
    programs = {src: regex_program(src, re.IGNORECASE) for src in dict.fromkeys(sources)}
    return {"layers": layers, "families": families, "negation": negation, "window": int(raw["negation"]["window"]),
            "programs": programs, "ascii_programs": ascii_programs}


def _layer_alternations(layers: Mapping[str, LayerSources]) -> Iterator[str]:
    for _, by_first, fallback, by_pair, by_first_only in layers.values():
        yield from (*by_first.values(), fallback, *by_pair.values(), *by_first_only.values())


def _compiled_layer(sources: LayerSources, compiled: Callable[[str], re.Pattern[str]],
                    ascii_compiled: Callable[[str], re.Pattern[str]] | None = None) -> Layer:
    concepts, by_first, fallback, by_pair, by_first_only = sources
    ascii = None
    if ascii_compiled is not None:
        ascii = (_Alternations(by_first, fallback, ascii_compiled),
                 _Alternations(by_pair, fallback, ascii_compiled, by_first_only))
    return Layer(concepts, _Alternations(by_first, fallback, compiled),
                 _Alternations(by_pair, fallback, compiled, by_first_only), ascii)


@cache
def vocabulary() -> Vocabulary:
    """Load and compile vocabulary.yaml once per process; the compiled regular expressions come from
    the disk cache while vocabulary.yaml and this module are unchanged (atmpnav.text.cache)."""
    from atmpnav.text.cache import cached, compile_program, content_key, regex_engine_key, regex_program, source_files

    text = resources.files("atmpnav.text").joinpath("vocabulary.yaml").read_text(encoding="utf-8")
    # this module's source and the cached classes'
    key = content_key(text, *source_files("atmpnav.text", "extract.py", "concepts.py"), regex_engine_key())
    recipe = cached("vocabulary", key, lambda: _recipe(text))
    programs = recipe["programs"]
    ascii_programs = recipe["ascii_programs"]
    patterns: dict[str, re.Pattern[str]] = {}  # many pairs share one alternation: compile it once

    @cache
    def other_programs() -> dict[str, Any]:
        """The programs without re.ASCII of the alternations that have one with it (for text not plain ASCII)."""
        return cached("vocabulary-unicode", key,
                      lambda: {src: regex_program(src, re.IGNORECASE) for src in ascii_programs})

    def compiled(source: str) -> re.Pattern[str]:
        pattern = patterns.get(source)
        if pattern is None:
            program = programs.get(source) if source not in ascii_programs else other_programs().get(source)
            pattern = patterns[source] = compile_program(source, re.IGNORECASE, program)
        return pattern

    ascii_patterns: dict[str, re.Pattern[str]] = {}

    def ascii_compiled(source: str) -> re.Pattern[str]:
        """The source compiled with re.ASCII where that matches plain ASCII text alike, else as ``compiled``."""
        pattern = ascii_patterns.get(source)
        if pattern is None:
            program = ascii_programs.get(source)
            pattern = ascii_patterns[source] = compiled(source) if program is None else \
                compile_program(source, ASCII_FLAGS, program)
        return pattern

    layers = {name: _compiled_layer(sources, compiled, ascii_compiled) for name, sources in recipe["layers"].items()}
    neg = {k: compiled(v) for k, v in recipe["negation"].items()}
    return Vocabulary(
        layers=layers,
        families=recipe["families"],
        negation_before=neg["before"],
        negation_after=neg["after"],
        hedge=neg["hedge"],
        boundary=neg["boundary"],
        list_word=neg["list"],
        window=recipe["window"],
    )


# --- matching -----------------------------------------------------------------------------------


class Hit(NamedTuple):
    """Words of the text that match a concept (immutable; a tuple: many are made per text)."""

    concept: Concept
    words: str
    start: int
    end: int
    segment: int  # 0 = description, 1 = indication
    negated: bool = False
    hedged: bool = False

    def effect(self, key: str) -> Any:
        return self.concept.effects.get(key)


def _scope_before(vocab: Vocabulary, text: str, start: int, end: int) -> str:
    """The words before a match inside its clause (at most ``window`` words).

    A clause after a comma that continues a list ("no vector, gene or genetic modification")
    also takes the clause before the comma, so a negation reaches every item of the list.
    """
    prefix = text[max(0, start - 200):start]
    cuts = list(vocab.boundary.finditer(prefix))
    if not cuts:
        scope = prefix
    else:
        last = cuts[-1]
        scope = prefix[last.end():]
        if last.group(0) == "," and len(cuts) >= 1:
            following = text[end:end + 60]
            stop = vocab.boundary.search(following)
            clause = scope + " " + (following[:stop.start()] if stop else following)
            if vocab.list_word.search(clause):
                earlier = prefix[cuts[-2].end():last.start()] if len(cuts) >= 2 else prefix[:last.start()]
                scope = earlier + " " + scope
    words = scope.split()
    return " ".join(words[-vocab.window:]) if words else ""


def _match(vocab: Vocabulary, layer: str, text: str, segment: int) -> list[Hit]:
    compiled = vocab.layers[layer]
    concepts = compiled.concepts
    hits = []
    for m in compiled.finditer(text):
        group = m.lastgroup
        if group is None:
            continue
        concept = concepts[int(group[1:])]
        if not concept.effects:
            continue  # a mask: consumes its words, says nothing
        before = _scope_before(vocab, text, m.start(), m.end())
        after = text[m.end():m.end() + 40]
        negated = bool(vocab.negation_before.search(before)) or bool(vocab.negation_after.match(after))
        hedged = not negated and bool(vocab.hedge.search(before))
        hits.append(Hit(concept, m.group(0).strip(), m.start(), m.end(), segment, negated, hedged))
    return hits


# --- the result ---------------------------------------------------------------------------------


@dataclass
class Extraction:
    """Facts read from a text, the words that decided each fact, and notes on what was inferred."""

    facts: ProductFacts
    evidence: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # facts filled from domain defaults or the indication (text/defaults.yaml, text/claims.yaml)
    assumptions: list[Assumption] = field(default_factory=list)

    def evidence_for(self, path: str) -> str | None:
        """Evidence of a fact path, or of the nearest enclosing block (e.g. an omitted block)."""
        while True:
            if path in self.evidence:
                return self.evidence[path]
            if "." not in path:
                return None
            path = path.rsplit(".", 1)[0]


class _Evidence:
    """Collects evidence per fact path, keeping the words in the order of the text."""

    def __init__(self) -> None:
        self.spans: dict[str, list[Hit]] = {}
        self.inferred: dict[str, str] = {}
        self._where: dict[str, set[tuple[int, int]]] = {}  # per path: (segment, start) of its hits

    def add(self, path: str, hits: Iterable[Hit]) -> None:
        bucket = self.spans.setdefault(path, [])
        where = self._where.setdefault(path, set())
        for hit in hits:
            key = (hit.segment, hit.start)
            if key not in where:
                where.add(key)
                bucket.append(hit)

    def infer(self, path: str, text: str) -> None:
        self.inferred[path] = text

    def render(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for path, hits in self.spans.items():
            if hits:
                words = hits[0].words if len(hits) == 1 else \
                    _JOIN.join(h.words for h in sorted(hits, key=lambda h: (h.segment, h.start)))
                note = self.inferred.get(path)
                out[path] = f"{words} {note}" if note else words
        for path, note in self.inferred.items():
            out.setdefault(path, note)
        return dict(sorted(out.items()))


def _positive(hits: Iterable[Hit], key: str, value: Any = None) -> list[Hit]:
    return [h for h in hits if not h.negated and not h.hedged and key in h.concept.effects
            and (value is None or h.effect(key) == value)]


def _negative(hits: Iterable[Hit], key: str, value: Any = None) -> list[Hit]:
    return [h for h in hits if h.negated and key in h.concept.effects
            and (value is None or h.effect(key) == value)]


# Purpose concepts whose words state a claim of their own (a lesion or a bare "treatment of" does not).
_EXPLICIT_CLAIMS = frozenset({"repair", "treat_specific", "cosmetic", "no_claim"})

_DEVICE_HEADS = (
    ("membrane", DeviceKind.membrane),
    ("scaffold", DeviceKind.scaffold), ("sponge", DeviceKind.scaffold), ("framework", DeviceKind.scaffold),
    ("mesh", DeviceKind.scaffold),
    ("capsule", DeviceKind.capsule),
    ("implant", DeviceKind.implant), ("stent", DeviceKind.implant), ("patch", DeviceKind.implant),
    ("matri", DeviceKind.matrix), ("gel", DeviceKind.matrix), ("carrier", DeviceKind.matrix),
    ("bead", DeviceKind.matrix), ("sheet", DeviceKind.matrix),
)


def _device_kind(hit: Hit) -> DeviceKind:
    value = hit.effect("device")
    if value and value != "from_head":
        return DeviceKind(value)
    words = hit.words.lower()
    found = [(words.rfind(head), kind) for head, kind in _DEVICE_HEADS if head in words]
    return max(found)[1] if found else DeviceKind.other


# --- the extractor ------------------------------------------------------------------------------


def extract_facts(text: str, indication: str | None = None, *, defaults: bool = True) -> Extraction:
    """Read a description (and an optional indication) into ProductFacts with evidence.

    With ``defaults`` (the default), facts the text leaves open are filled from the domain defaults
    and the claim read from the indication, each listed in ``Extraction.assumptions``.
    """
    if not isinstance(text, str) or not text.strip():
        raise InputError("the description is empty: give a sentence or more describing the product")
    if len(text) > MAX_TEXT or (indication and len(indication) > MAX_TEXT):
        raise InputError(f"the description is too long ({len(text)} characters; at most {MAX_TEXT})")
    vocab = vocabulary()
    segments = [text] + ([indication] if indication and indication.strip() else [])
    product: list[Hit] = []
    use: list[Hit] = []
    purpose: list[Hit] = []
    for n, segment in enumerate(segments):
        product += _match(vocab, "product", segment, n)
        use += _match(vocab, "use", segment, n)
        purpose += _match(vocab, "purpose", segment, n)
    return _Builder(vocab, product, use, purpose, text, indication).build(defaults=defaults)


class _Builder:
    def __init__(self, vocab: Vocabulary, product: list[Hit], use: list[Hit], purpose: list[Hit],
                 text: str, indication: str | None) -> None:
        self.vocab = vocab
        self.product = product
        self.use = use
        self.purpose = purpose
        self.text = text
        self.indication = indication
        self.ev = _Evidence()
        self.notes: list[str] = []
        self.data: dict[str, Any] = {"description": text}
        self.cells_modified = False
        self._family_cache: list[tuple[Family, Hit]] | None = None
        self.cells_modified_words: list[Hit] = []
        self.negated_steps: set[str] = set()  # manipulations the text says were not done
        self.assumptions: list[Assumption] = []
        # the positive product words per effect key: pos() is asked often, for every fact
        self._stating: dict[str, list[Hit]] = {}
        for hit in product:
            for key in () if hit.negated or hit.hedged else hit.concept.effects:
                self._stating.setdefault(key, []).append(hit)
        if indication:
            self.data["indication"] = indication

    # -- helpers --

    def pos(self, key: str, value: Any = None) -> list[Hit]:
        """The product words that state ``key`` (with ``value``), not negated or hedged, in text order."""
        stating = self._stating.get(key, ())
        return [h for h in stating if value is None or h.effect(key) == value]

    def neg(self, key: str, value: Any = None, hits: list[Hit] | None = None) -> list[Hit]:
        return _negative(self.product if hits is None else hits, key, value)

    # -- the build --

    def build(self, defaults: bool = True) -> Extraction:
        for hit in self.product + self.use + self.purpose:
            if hit.hedged:
                self.notes.append(f'"{hit.words}" is hedged in the text and was not used as a fact.')
        self.cells_present = self._cells_present()
        self.na_hits = self._nucleic_acid_hits()
        self.described = bool(self.cells_present or self.na_hits or self.pos("protein") or self.pos("device")
                              or self.pos("form") or self.pos("special"))
        self._scope()
        self._special()
        self._purpose()
        self._vaccine()
        self._nucleic_acid()
        self._cells()
        self._device()
        self._hospital()
        self._protein()
        whole = self.text if not self.indication else f"{self.text}\n{self.indication}"
        if defaults:
            self._defaults(whole)
            self._claim_from_indication(whole)
        facts = ProductFacts.model_validate(self.data)
        return Extraction(facts=facts, evidence=self.ev.render(), notes=list(dict.fromkeys(self.notes)),
                          assumptions=self.assumptions)

    # -- domain defaults and claims from the indication (text/defaults.yaml, text/claims.yaml) --

    def _assume(self, path: str, value: Any, said: str, because: str, source: str, kind: str,
                product_type: str) -> None:
        self.assumptions.append(Assumption(fact=path, value=value, said=said, because=because, source=source,
                                           kind=kind, product_type=product_type))  # type: ignore[arg-type]
        self.ev.inferred.pop(path, None)
        self.ev.infer(path, f"(assumed {said}: {because})")

    def _defaults(self, whole: str) -> None:
        from atmpnav.text.defaults import domain_defaults, matching_types

        types = matching_types(whole)
        if not types:
            return
        point_of_care = bool(domain_defaults().point_of_care.search(whole))
        for kind in types:
            if self._contradicts(kind.facts):
                continue
            for path, value in kind.facts.items():
                block_name, _, name = path.partition(".")
                block = self.data.get(block_name)
                if not isinstance(block, dict) or block.get("present") is not True:
                    continue  # defaults fill a block the text describes, never invent one
                if name == "manipulations":
                    added = self._default_steps(block, value, point_of_care)
                    if added:
                        self._assume(path, added, kind.said, kind.because, kind.source, "default", kind.id)
                elif block.get(name) is None:
                    block[name] = value
                    self._assume(path, value, kind.said, kind.because, kind.source, "default", kind.id)

    def _contradicts(self, facts: Mapping[str, Any]) -> bool:
        """The text states a value other than the type's default (e.g. a wild-type oncolytic virus)."""
        for path, value in facts.items():
            block_name, _, name = path.partition(".")
            block = self.data.get(block_name)
            if name != "manipulations" and isinstance(block, dict) and block.get(name) not in (None, value):
                return True
        return False

    def _default_steps(self, block: dict[str, Any], steps: list[str], point_of_care: bool) -> list[str]:
        """Add a type's usual steps when the text names no substantial step and negates none."""
        current = list(block.get("manipulations") or [])
        substantial = {m.value for m in SUBSTANTIAL_MANIPULATIONS}
        if any(m in substantial for m in current) or block.get("substantially_manipulated") is not None:
            return []
        if self.negated_steps & (substantial | set(steps)) or self.negated_steps & {"none", "hedged"}:
            return []
        wanted = [s for s in steps if s not in current and not (point_of_care and s in substantial)]
        if not wanted:
            return []
        block["manipulations"] = current + wanted
        return wanted

    def _claim_from_indication(self, whole: str) -> None:
        from atmpnav.text.defaults import domain_defaults

        families = {f.name for f, _ in self._families()}
        if not families or not self.cells_present:
            return
        stated = {h.effect("claim") for h in _positive(self.purpose, "claim") if h.concept.id in _EXPLICIT_CLAIMS}
        claim_of = {"repair": ClaimedPurpose.regenerate_repair_replace.value, "treat":
                    ClaimedPurpose.treat_prevent_diagnose.value, "cosmetic": ClaimedPurpose.cosmetic.value,
                    "none": ClaimedPurpose.none.value}
        stated_claims = {claim_of[c] for c in stated if c in claim_of}
        for mapping in domain_defaults().claims:
            if not families <= mapping.cells or not mapping.pattern.search(whole):
                continue
            if mapping.unless and mapping.unless.search(whole):
                continue
            if stated_claims:
                return  # the text states the claim in words of its own
            source = "precedents " + ", ".join(mapping.precedents) if mapping.precedents else "claims.yaml"
            block = self.data.get("cells_or_tissues")
            if mapping.action and isinstance(block, dict) and block.get("intended_action") is None \
                    and block.get("same_essential_function") is None:
                block["intended_action"] = mapping.action
                self._assume("cells_or_tissues.intended_action", mapping.action, mapping.said, mapping.because,
                             source, "indication", mapping.id)
            if self.data.get("claimed_purpose") != mapping.claim:
                self.data["claimed_purpose"] = mapping.claim
                self._assume("claimed_purpose", mapping.claim, mapping.said, mapping.because, source, "indication",
                             mapping.id)
                if self.data.get("for_human_administration") is None and not self.pos("not_admin"):
                    self.data["for_human_administration"] = True
                    self.ev.infer("for_human_administration", "(presented with a claim for patients)")
                    if self.data.get("product_role") is None and not self.pos("starting"):
                        self.data["product_role"] = ProductRole.finished_product.value
                        self.ev.infer("product_role", "(given to patients; no starting-material use stated)")
            return

    # -- scope: administration and starting materials --

    def _scope(self) -> None:
        starting = self.pos("starting")
        admin = self.pos("admin")
        # A negated administration word ("not eligible for transplant") says nothing when the product is
        # stated to be given elsewhere ("infused"); explicit phrases ("used only ex vivo") always count.
        not_admin = self.pos("not_admin") + ([] if admin else self.neg("admin"))
        claims = [h for h in _positive(self.purpose, "claim") if h.effect("claim") != "none"]
        disease = _positive(self.purpose, "disease")
        routes = self.pos("route")
        if routes and len({h.effect("route") for h in routes}) == 1:
            self.data["administration_route"] = routes[0].effect("route")
            self.ev.add("administration_route", routes[:2])
        if starting:
            self.data["product_role"] = ProductRole.starting_material.value
            self.ev.add("product_role", starting)
        if not_admin:
            self.data["for_human_administration"] = False
            self.ev.add("for_human_administration", not_admin)
        elif admin or claims or disease:
            self.data["for_human_administration"] = True
            self.ev.add("for_human_administration", (admin or claims or disease)[:3])
            if not starting:
                self.data["product_role"] = ProductRole.finished_product.value
                self.ev.add("product_role", (admin or claims or disease)[:3])
                self.ev.infer("product_role", "(given to patients; no starting-material use stated)")

    def _special(self) -> None:
        hits = self.pos("special")
        if hits:
            self.data["special_category"] = SpecialCategory(hits[0].effect("special")).value
            self.ev.add("special_category", hits[:1])

    # -- what the product is presented for --

    def _purpose(self) -> None:
        claims = _positive(self.purpose, "claim")
        order = [("none", ClaimedPurpose.none), ("cosmetic", ClaimedPurpose.cosmetic),
                 ("repair", ClaimedPurpose.regenerate_repair_replace), ("treat", ClaimedPurpose.treat_prevent_diagnose)]
        for key, purpose in order:
            chosen = [h for h in claims if h.effect("claim") == key]
            if key == "treat" and self._replacement():
                return
            if chosen:
                self.data["claimed_purpose"] = purpose.value
                self.ev.add("claimed_purpose", chosen[:3])
                return
        if self._replacement():
            return
        disease = _positive(self.purpose, "disease")
        if disease:
            self.data["claimed_purpose"] = ClaimedPurpose.treat_prevent_diagnose.value
            self.ev.add("claimed_purpose", disease[:2])
            self.ev.infer("claimed_purpose", "(a disease is named and no repair or cosmetic claim is made)")

    def _replacement(self) -> bool:
        """Differentiated tissue cells given into the area of their tissue: presented to replace it."""
        uses = self._uses()
        for family, hit in self._families():
            area = [u for u in uses if u.effect("use") in family.replaces]
            if area:
                self.data["claimed_purpose"] = ClaimedPurpose.regenerate_repair_replace.value
                self.ev.add("claimed_purpose", [hit, *area[:1]])
                self.ev.infer("claimed_purpose",
                              "(tissue cells given to the tissue they form: presented to replace it)")
                return True
        return False

    def _uses(self) -> list[Hit]:
        """Indication areas named outside the words naming the cells themselves."""
        cell_spans = [(h.segment, h.start, h.end) for h in self.product if h.effect("cell")]
        return [u for u in _positive(self.use, "use")
                if not any(s == u.segment and a <= u.start < b for s, a, b in cell_spans)]

    def _vaccine(self) -> None:
        p = self.purpose
        cancer = _positive(p, "cancer")
        vaccine = [h for h in _positive(p, "vaccine") if not h.effect("cancer")]
        prevent = _positive(p, "prevent")
        infectious = _positive(p, "infectious")
        path = "vaccine_against_infectious_disease"
        if cancer and not (vaccine and infectious):
            self.data[path] = False
            self.ev.add(path, cancer[:2])
            return
        if infectious and (vaccine or prevent):
            self.data[path] = True
            self.ev.add(path, (vaccine or prevent)[:1] + infectious[:2])
            return
        indication = _positive(p, "disease") + _positive(p, "claim")
        if vaccine and not infectious:
            return  # a vaccine against what is not said: unknown
        if indication:
            self.data[path] = False
            self.ev.add(path, indication[:2])
            note = ("(treats an infection; not presented as a vaccine)" if infectious
                    else "(the indication is not an infectious disease)")
            self.ev.infer(path, note)

    # -- nucleic acid --

    def _nucleic_acid_hits(self) -> list[Hit]:
        keys = ("na", "vector", "virus", "bacterium", "phage", "gm", "edit", "oncolytic", "guide", "payload")
        transgenes = self.pos("transgene") if self._families() else []
        return [h for key in keys for h in self.pos(key)] + transgenes

    def _nucleic_acid(self) -> None:
        hits = self.na_hits
        gm_negated = self.neg("gm") + self.neg("na") + self.neg("vector")
        if not hits:
            if gm_negated:
                self.ev.add("nucleic_acid", gm_negated[:2])
                self.ev.infer("nucleic_acid", "(stated: no genetic modification)")
            elif self.described:
                self.ev.infer("nucleic_acid", NO_NUCLEIC_ACID)
            else:
                self.data["nucleic_acid"] = {"present": None}
            return
        na: dict[str, Any] = {"present": True}
        self.ev.add("nucleic_acid.present", hits[:3])
        gm = self.pos("gm")
        vectors = self.pos("vector") + self.pos("na", "viral_vector") + self.pos("virus")
        plasmid = self.pos("na", "plasmid")
        mrna = self.pos("na", "mrna")
        oligo = self.pos("na", "oligonucleotide")
        bacteria = self.pos("bacterium")
        phage = self.pos("phage")
        edit = self.pos("edit")
        express = self.pos("express")
        natural = self.pos("origin", "natural")
        synthetic = self.pos("origin", "synthetic")
        organism = self.pos("virus") + bacteria + phage
        transgenes = self.pos("transgene") + self.pos("payload")
        cells_modified = bool(self.cells_present and (gm or edit or transgenes) and not self.pos("starting"))
        self.cells_modified = cells_modified
        self.cells_modified_words = gm + edit + transgenes
        # -- origin --
        recombinant_words = gm + plasmid + self.pos("origin", "recombinant") + self.pos("na", "viral_vector")
        if organism and express and not natural:
            recombinant_words += express[:1]
        if cells_modified:
            recombinant_words += (edit or transgenes)[:1]
        if self.pos("payload") and not synthetic:
            recombinant_words += self.pos("payload")[:1]
        origin: NucleicAcidOrigin | None = None
        if recombinant_words:
            origin = NucleicAcidOrigin.recombinant
            self.ev.add("nucleic_acid.origin", recombinant_words[:2])
        elif mrna and not synthetic:
            origin = NucleicAcidOrigin.recombinant
            self.ev.add("nucleic_acid.origin", mrna[:1])
            self.ev.infer("nucleic_acid.origin", "(mRNA is made by in vitro transcription unless stated otherwise)")
        elif synthetic:
            origin = NucleicAcidOrigin.synthetic
            self.ev.add("nucleic_acid.origin", synthetic[:1])
        elif (natural or (gm_negated and organism)) and organism:
            origin = NucleicAcidOrigin.natural
            self.ev.add("nucleic_acid.origin", (natural or gm_negated)[:1] + organism[:1])
        elif organism and all(h.effect("natural_strain") for h in organism) and not vectors:
            origin = NucleicAcidOrigin.natural  # a named attenuated strain (BCG) and nothing else
            self.ev.add("nucleic_acid.origin", organism[:1])
            self.ev.infer("nucleic_acid.origin", "(a conventionally attenuated strain, not genetically modified)")
        elif oligo:
            origin = NucleicAcidOrigin.synthetic
            self.ev.add("nucleic_acid.origin", oligo[:1])
            self.ev.infer("nucleic_acid.origin",
                          "(oligonucleotides are chemically synthesised unless stated otherwise)")
        elif edit and self.pos("edit_delivery", "protein") and self.pos("guide"):
            origin = NucleicAcidOrigin.synthetic
            self.ev.add("nucleic_acid.origin", self.pos("guide")[:1])
        if origin:
            na["origin"] = origin.value
        # -- vehicle --
        vehicle: Vehicle | None = None
        vehicle_words: list[Hit] = []
        forms = self.pos("form")
        if cells_modified and not (forms and not self._intact_cells()):
            vehicle, vehicle_words = (Vehicle.mrna, mrna) if mrna and not edit else (Vehicle.modified_cells,
                                                                                     gm + edit + transgenes)
        elif mrna:
            vehicle, vehicle_words = Vehicle.mrna, mrna
        elif phage:
            vehicle, vehicle_words = Vehicle.bacteriophage, phage
        elif bacteria:
            modified = origin == NucleicAcidOrigin.recombinant
            vehicle = Vehicle.modified_microorganism if modified else Vehicle.microorganism
            vehicle_words = bacteria
        elif plasmid:
            vehicle, vehicle_words = Vehicle.plasmid, plasmid
        elif oligo:
            vehicle, vehicle_words = Vehicle.oligonucleotide, oligo
        elif self.pos("oncolytic") and self.pos("virus"):
            vehicle, vehicle_words = Vehicle.oncolytic_virus, self.pos("oncolytic") + self.pos("virus")
        elif vectors:
            if origin == NucleicAcidOrigin.natural:
                vehicle = Vehicle.oncolytic_virus if self.pos("oncolytic") else Vehicle.microorganism
            else:
                vehicle = Vehicle.viral_vector
            vehicle_words = vectors
        if vehicle:
            na["vehicle"] = vehicle.value
            self.ev.add("nucleic_acid.vehicle", vehicle_words[:2])
        # -- genome editing --
        if edit:
            protein = self.pos("edit_delivery", "protein")
            nucleic = self.pos("edit_delivery", "nucleic") + [h for h in mrna + vectors + plasmid]
            if nucleic:
                na["genome_editing"] = GenomeEditing.nucleic_acid_encoded.value
                self.ev.add("nucleic_acid.genome_editing", edit[:1] + nucleic[:1])
            elif protein:
                na["genome_editing"] = GenomeEditing.protein_only.value
                self.ev.add("nucleic_acid.genome_editing", protein[:2])
            na["acts_on_genetic_sequence"] = True
            self.ev.add("nucleic_acid.acts_on_genetic_sequence", edit[:2])
            if not self._ancillary_roles():
                na["effect_from_sequence"] = True
                self.ev.add("nucleic_acid.effect_from_sequence", edit[:2])
                self.ev.infer("nucleic_acid.effect_from_sequence", "(the edited sequence is what treats)")
        # -- transgene role --
        if origin == NucleicAcidOrigin.recombinant and not edit:
            self._transgene_role(na, vehicle, express, mrna + plasmid + vectors)
        self.data["nucleic_acid"] = na

    def _ancillary_roles(self) -> list[Hit]:
        return [h for h in self.pos("transgene") if h.effect("transgene") != "therapeutic"]

    def _transgene_role(self, na: dict[str, Any], vehicle: Vehicle | None, express: list[Hit],
                        carriers: list[Hit]) -> None:
        path = "nucleic_acid.transgene_role"
        therapeutic = self.pos("transgene", "therapeutic")
        ancillary = self._ancillary_roles()
        # an "encoding/expressing X" whose object is not an ancillary sequence is a therapeutic payload
        payload = [e for e in express if not any(0 <= a.start - e.end <= 60 for a in ancillary)]
        if therapeutic or payload:
            na["transgene_role"] = TransgeneRole.therapeutic.value
            self.ev.add(path, (therapeutic or payload)[:2])
            return
        if ancillary:
            rank = [TransgeneRole.safety_switch, TransgeneRole.marker, TransgeneRole.manufacturing_tool]
            roles = {TransgeneRole(h.effect("transgene")) for h in ancillary}
            na["transgene_role"] = next(r for r in rank if r in roles).value
            self.ev.add(path, ancillary[:2])
            return
        inn_gene = self.pos("inn_gene")
        if inn_gene:  # a gene-therapy INN names the gene as the active part (WHO INN scheme)
            na["transgene_role"] = TransgeneRole.therapeutic.value
            self.ev.add(path, inn_gene[:1])
            self.ev.infer(path, "(the INN names a gene component: the gene is the active substance)")
            return
        given = self.data.get("for_human_administration") is True and not self.pos("starting")
        if vehicle in {Vehicle.viral_vector, Vehicle.plasmid, Vehicle.mrna, Vehicle.oncolytic_virus,
                       Vehicle.modified_microorganism} and given:
            na["transgene_role"] = TransgeneRole.therapeutic.value
            self.ev.add(path, carriers[:1])
            self.ev.infer(path, "(given to patients; no marker or safety-switch role stated)")

    # -- cells and tissues --

    def _families(self) -> list[tuple[Family, Hit]]:
        if self._family_cache is None:
            self._family_cache = self._find_families()
        return self._family_cache

    def _find_families(self) -> list[tuple[Family, Hit]]:
        found = [(self.vocab.families[h.effect("cell")], h) for h in self.pos("cell")]
        strong = [(f, h) for f, h in found if not f.weak]
        if strong:
            return strong
        if not found:
            return []
        # weak words ("cells", "tissue", "bone marrow") need support: a source, a processing step
        # or a viability word in the text
        supported = self.pos("source") or self.pos("manip") or self.pos("viability")
        marrow = [(f, h) for f, h in found if f.name != "generic"]
        if marrow:
            return marrow
        return found if supported else []

    def _cells_present(self) -> bool:
        return bool(self._families() or self.pos("form"))

    def _intact_cells(self) -> list[Hit]:
        """Cell words naming cells in the product (not the source of a derivative or an antigen)."""
        intact = []
        for _family, hit in self._families():
            segment = self.text if hit.segment == 0 else (self.indication or "")
            before = segment[max(0, hit.start - 30):hit.start].lower()
            after = segment[hit.end:hit.end + 12].lower()
            if re.search(r"(?:\bfrom|\bof|\bby|derived from|\bin)\s+(?:\w+[\s-]+){0,4}$", before) or re.match(
                r"\s*-?\s*(?:derived|conditioned|lysates?|extracts?|vesicles?|exosomes?|secretome)", after
            ):
                continue
            intact.append(hit)
        return intact

    def _cells(self) -> None:
        if not self.cells_present:
            negated = self.neg("cell")
            if negated:
                self.ev.add("cells_or_tissues", negated[:1])
                self.ev.infer("cells_or_tissues", "(stated: no cells)")
            elif self.described:
                self.ev.infer("cells_or_tissues", NO_CELLS)
            else:
                self.data["cells_or_tissues"] = {"present": None}
            return
        block: dict[str, Any] = {"present": True}
        families = self._families()
        self.ev.add("cells_or_tissues.present", [h for _, h in families][:2] or self.pos("form")[:1])
        decellularised_scaffold = bool(self.pos("manip", "decellularisation") and self.pos("integral"))
        self._form(block)
        self._source(block)
        self._viability(block, decellularised_scaffold)
        self._blood(block, families)
        self._manipulations(block, decellularised_scaffold)
        if self.cells_modified and Manipulation.genetic_modification.value not in block.get("manipulations", []):
            block["manipulations"] = [*block.get("manipulations", []), Manipulation.genetic_modification.value]
            self.ev.add("cells_or_tissues.manipulations", self.cells_modified_words[:1])
        self._function(block, families)
        self._tissue_origin(block, families)
        self._mode_of_action(block)
        same_surgery = self.pos("same_surgery")
        if same_surgery:
            block["same_surgical_procedure"] = True
            self.ev.add("cells_or_tissues.same_surgical_procedure", same_surgery[:1])
        self.data["cells_or_tissues"] = block

    def _form(self, block: dict[str, Any]) -> None:
        loading = self.pos("manip", "antigen_loading")
        forms = [h for h in self.pos("form")
                 if not any(0 <= h.start - a.end <= 40 and h.segment == a.segment for a in loading)]
        intact = self._intact_cells()
        if forms and not intact:
            order = [CellForm.extracellular_vesicles, CellForm.secretome, CellForm.lysate, CellForm.anucleate]
            values = {CellForm(h.effect("form")) for h in forms}
            form = next(f for f in order if f in values)
            block["form"] = form.value
            self.ev.add("cells_or_tissues.form", [h for h in forms if h.effect("form") == form.value][:1])
            return
        block["form"] = CellForm.intact_cells.value
        self.ev.add("cells_or_tissues.form", intact[:1] or [h for _, h in self._families()][:1])

    def _source(self, block: dict[str, Any]) -> None:
        auto = self.pos("source", "autologous")
        allo = self.pos("source", "allogeneic")
        xeno = self.pos("source", "xenogeneic")
        path = "cells_or_tissues.source"
        if xeno and not (auto or allo):
            block["source"] = CellSource.xenogeneic.value
            self.ev.add(path, xeno[:1])
        elif auto and allo:
            block["source"] = CellSource.mixed.value
            self.ev.add(path, auto[:1] + allo[:1])
        elif auto:
            block["source"] = CellSource.autologous.value
            self.ev.add(path, auto[:2])
        elif allo:
            block["source"] = CellSource.allogeneic.value
            self.ev.add(path, allo[:2])

    def _viability(self, block: dict[str, Any], decellularised_scaffold: bool) -> None:
        path = "cells_or_tissues.viability"
        dead = [h for h in self.pos("viability", "non_viable")
                if not (decellularised_scaffold and h.effect("manip") == "decellularisation")
                and not self._describes_device(h)]
        dead += self.neg("viability", "viable")
        alive = self.pos("viability", "viable")
        if dead and alive:
            block["viability"] = Viability.mixed.value
            self.ev.add(path, dead[:1] + alive[:1])
        elif dead:
            block["viability"] = Viability.non_viable.value
            self.ev.add(path, dead[:2])
        elif alive:
            block["viability"] = Viability.viable.value
            self.ev.add(path, alive[:1])
        elif block.get("form") == CellForm.intact_cells.value:
            block["viability"] = Viability.viable.value
            self.ev.add(path, [h for _, h in self._families()][:1])
            self.ev.infer(path, "(no word of killing, irradiation or decellularisation)")

    def _describes_device(self, hit: Hit) -> bool:
        """A viability word that qualifies the device part ("non-viable porcine matrix"), not the cells."""
        return any(d.segment == hit.segment and 0 <= d.start - hit.end <= 25 for d in self.pos("device"))

    def _blood(self, block: dict[str, Any], families: list[tuple[Family, Hit]]) -> None:
        path = "cells_or_tissues.blood_component"
        blood = self.pos("blood", True)
        if blood:
            block["blood_component"] = True
            self.ev.add(path, blood[:1])
            return
        named = [(f, h) for f, h in families if f.blood is False]
        if named and all(f.blood is False for f, _ in families):
            block["blood_component"] = False
            self.ev.add(path, [h for _, h in named][:1])
            self.ev.infer(path, "(not blood or a blood component)")

    def _manipulations(self, block: dict[str, Any], decellularised_scaffold: bool) -> None:
        steps: list[Manipulation] = []
        words: list[Hit] = []
        known = False
        for hit in self.product:
            value = hit.effect("manip")
            if value is not None and hit.hedged:
                self.negated_steps.add("hedged")  # the text speaks of the step, unsure: ask, do not assume
            if value is None or hit.hedged:
                continue
            if hit.negated:
                known = True
                words.append(hit)
                self.negated_steps.update(value if isinstance(value, list) else [value])
                continue
            if value == "negated_only":
                continue
            known = True
            if value == "none":
                words.append(hit)
                if hit.concept.id == "no_manipulation":
                    self.negated_steps.add("none")
                continue
            if decellularised_scaffold and value == "decellularisation":
                continue
            for v in value if isinstance(value, list) else [value]:
                step = Manipulation(v)
                if step not in steps:
                    steps.append(step)
            words.append(hit)
        if self.pos("substantial") or self.neg("substantial"):
            block["substantially_manipulated"] = bool(self.pos("substantial"))
            said = self.pos("substantial") or self.neg("substantial")
            self.ev.add("cells_or_tissues.substantially_manipulated", said[:1])
        if known:
            block["manipulations"] = [s.value for s in steps]
            self.ev.add("cells_or_tissues.manipulations", words[:6])
            if not any(s in SUBSTANTIAL_MANIPULATIONS for s in steps):
                self.ev.infer("cells_or_tissues.manipulations", "(the steps named are taken as the complete list)")

    def _function(self, block: dict[str, Any], families: list[tuple[Family, Hit]]) -> None:
        uses = self._uses()
        if not uses or not families:
            return
        areas = {u.effect("use") for u in uses}
        verdicts: list[tuple[bool | None, Hit, list[Hit]]] = []
        for family, hit in families:
            same = [u for u in uses if u.effect("use") in family.same]
            if same:
                verdicts.append((True, hit, same))
            elif areas and family.other == "different":
                verdicts.append((False, hit, uses))
            else:
                verdicts.append((None, hit, []))
        path = "cells_or_tissues.same_essential_function"
        different = [v for v in verdicts if v[0] is False]
        if different:
            block["same_essential_function"] = False
            self.ev.add(path, [different[0][1], *different[0][2][:2]])
        elif verdicts and all(v[0] is True for v in verdicts):
            block["same_essential_function"] = True
            self.ev.add(path, [verdicts[0][1], *verdicts[0][2][:2]])

    def _tissue_origin(self, block: dict[str, Any], families: list[tuple[Family, Hit]]) -> None:
        path = "cells_or_tissues.tissue_origin"
        explicit = self.pos("tissue")
        if explicit:
            block["tissue_origin"] = TissueOrigin(explicit[0].effect("tissue")).value
            self.ev.add(path, explicit[:1])
            return
        for family, hit in families:
            if family.tissue:
                block["tissue_origin"] = TissueOrigin(family.tissue).value
                self.ev.add(path, [hit])
                return

    def _mode_of_action(self, block: dict[str, Any]) -> None:
        if block.get("viability") not in {Viability.non_viable.value, Viability.mixed.value}:
            return
        path = "cells_or_tissues.mode_of_action"
        pim = _positive(self.purpose, "pim") + _positive(self.purpose, "vaccine")
        structural = _positive(self.purpose, "structural") + self.pos("manip", "decellularisation")
        if pim and not structural:
            block["mode_of_action"] = ModeOfAction.pharmacological_immunological_metabolic.value
            self.ev.add(path, pim[:2])
        elif structural and not pim:
            block["mode_of_action"] = ModeOfAction.physical_structural.value
            self.ev.add(path, structural[:2])

    # -- device --

    def _device(self) -> None:
        devices = self.pos("device")
        if not devices:
            negated = self.neg("device")
            if negated:
                self.ev.add("device", negated[:1])
                self.ev.infer("device", "(stated: no device)")
            elif self.described:
                self.ev.infer("device", NO_DEVICE)
            return
        block: dict[str, Any] = {"present": True}
        self.ev.add("device.present", devices[:1])
        kinds = [(_device_kind(h), h) for h in devices]
        specific = [(k, h) for k, h in kinds if k != DeviceKind.other] or kinds
        block["kind"] = specific[0][0].value
        self.ev.add("device.kind", [specific[0][1]])
        integral = self.pos("integral")
        if integral and self.cells_present:
            block["integral"] = True
            self.ev.add("device.integral", integral[:1])
        own_no = self.neg("device_own")
        own_yes = self.pos("device_own") + [h for h in devices if h.effect("material")]
        if own_no:
            block["own_medical_purpose"] = False
            self.ev.add("device.own_medical_purpose", own_no[:1])
        elif own_yes and block["kind"] != DeviceKind.other.value:
            block["own_medical_purpose"] = True
            self.ev.add("device.own_medical_purpose", own_yes[:1])
            if not self.pos("device_own"):
                self.ev.infer("device.own_medical_purpose",
                              "(a membrane, scaffold or matrix of a named material is a device in its own right)")
        elif self.pos("device_own"):
            block["own_medical_purpose"] = True
            self.ev.add("device.own_medical_purpose", self.pos("device_own")[:1])
        if self.pos("manip", "decellularisation") and self.pos("integral"):
            block["kind"] = DeviceKind.scaffold.value
            self.ev.add("device.kind", self.pos("manip", "decellularisation")[:1])
        self.data["device"] = block

    def _hospital(self) -> None:
        hits = self.pos("hospital")
        if not hits:
            return
        block: dict[str, Any] = {}
        for hit in hits:
            key = hit.effect("hospital")
            if key in HospitalExemption.model_fields:
                block[key] = True
                self.ev.add(f"hospital_exemption.{key}", [hit])
        self.data["hospital_exemption"] = block

    def _protein(self) -> None:
        hits = self.pos("protein")
        if hits and not self.cells_present and not self.na_hits:
            self.data["biological_active_substance"] = True
            self.ev.add("biological_active_substance", hits[:1])
