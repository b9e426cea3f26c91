"""Known classified cases and a ranked search over them (BM25 over an inverted index).

The corpus (``data/precedents.yaml``) holds the EU-authorised ATMPs, the CAT/EMA outcomes of
rules.md §1.15 and the test cases of rules.md §5, each with its outcome and provenance. Search
results are *similar, not binding*: the rules decide a classification, precedents only illustrate
it (and estimate ``likely_outcome`` when the rules cannot decide).

The index is an inverted index with each posting's BM25 (Okapi) weight precomputed, so a query
costs one tokenisation and work proportional to the postings of its terms (not to the corpus),
then a top-k selection. It is built on first use and cached on disk, keyed by the content hash of
the corpus and of this module (:mod:`atmpnav.text.cache`); results equal rank-bm25's BM25Okapi.

This module is compiled with the rules (:mod:`atmpnav.compiled`), so the cache holds plain data
(:meth:`_Index.state`), never its instances: a compiled frozen class cannot be unpickled.
"""

from __future__ import annotations

import math
import re
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from functools import cache, lru_cache
from importlib import resources
from operator import itemgetter
from typing import Any, ClassVar

from atmpnav.errors import InputError
from atmpnav.verdict import ATMP_OUTCOMES, Precedent

DETERMINED = (*ATMP_OUTCOMES, "not ATMP")
MIN_SCORE = 3.0  # BM25 score below which a case is not similar enough to show or to vote (bench/accuracy.py)
KIND_LABELS = {
    "authorised": "EU marketing authorisation",
    "cat_outcome": "CAT/EMA classification outcome",
    "test_case": "project test case, not an EMA outcome",
}
MAX_QUERY = 20_000


@dataclass(frozen=True)
class Case:
    """One classified case of the corpus, with its provenance."""

    id: str
    title: str
    text: str
    outcome: str  # GTMP | sCTMP | TEP | not ATMP | undetermined
    kind: str  # authorised | cat_outcome | test_case
    basis: str  # EU marketing authorisation | CAT-sourced | textbook
    source: str
    combined: bool = False
    regime: str | None = None
    alternatives: tuple[str, ...] = ()
    likely: str | None = None  # for open cases: the outcome the spec calls likely
    rules: tuple[str, ...] = ()
    reference: str | None = None
    url: str | None = None
    date: str | None = None
    confidence: str | None = None
    note: str | None = None
    group: str | None = None
    duplicate_of: str | None = None  # the EMA outcome or authorisation this case restates
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def same_case(self) -> str:
        """Cases describing the same product share this key (excluded together in leave-one-out)."""
        return self.group or self.id

    @property
    def vote(self) -> str | None:
        """The outcome this case stands for when estimating a likely outcome."""
        if self.outcome in DETERMINED:
            return self.outcome
        return self.likely if self.likely in DETERMINED else None

    @property
    def kind_label(self) -> str:
        """What kind of evidence the case is: an authorisation, a CAT/EMA outcome, or our own test case."""
        return KIND_LABELS.get(self.kind, self.kind)

    def provenance(self) -> str:
        where = self.url or self.reference
        return f"{self.source}; {where}" if where else self.source

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.field_values().items() if k != "extra" and v not in (None, (), False)}
        data.update({k: list(v) for k, v in data.items() if isinstance(v, tuple)})
        return data

    def field_values(self) -> dict[str, Any]:
        """Every field by name, in declaration order (also what the cache stores of a case)."""
        return {f.name: getattr(self, f.name) for f in dataclass_fields(self)}


def _corpus_text() -> str:
    return resources.files("atmpnav").joinpath("data/precedents.yaml").read_text(encoding="utf-8")


@cache
def corpus() -> tuple[Case, ...]:
    """All cases, in file order (loaded once; from the disk cache when the file is unchanged)."""
    return _index().cases


def _load_cases(text: str) -> tuple[Case, ...]:
    from atmpnav.datafiles import parse_yaml

    raw = parse_yaml(text, "precedents.yaml")
    known = set(Case.__dataclass_fields__)
    cases = []
    for entry in raw["cases"]:
        fields = {k: v for k, v in entry.items() if k in known}
        extra = {k: v for k, v in entry.items() if k not in known}
        fields.setdefault("text", entry["title"])
        for key in ("alternatives", "rules"):
            if key in fields:
                fields[key] = tuple(fields[key])
        cases.append(Case(**fields, extra=extra))
    return tuple(cases)


def case(case_id: str) -> Case:
    for c in corpus():
        if c.id == case_id:
            return c
    from atmpnav.errors import UnknownNameError

    raise UnknownNameError("precedent", case_id, [c.id for c in corpus()])


# --- tokenizer ----------------------------------------------------------------------------------

def _required_literals(items: Any) -> frozenset[str] | None:
    """Strings one of which occurs in every match of a parsed pattern (None if none is known).

    The longest run of literal characters that every match must contain, or for a group or an
    alternation the strings of its branches; a pattern whose strings are all absent from a text
    cannot match it, so its substitution is skipped (a substring test costs less than a regex pass).
    """
    from re import _constants as const  # type: ignore[attr-defined]

    found: list[frozenset[str]] = []
    run = ""
    for op, av in items:
        if op is const.LITERAL:
            run += chr(av)
            continue
        if run:
            found.append(frozenset([run]))
            run = ""
        sub: frozenset[str] | None = None
        if op is const.SUBPATTERN:
            sub = _required_literals(av[-1])
        elif op is const.BRANCH:
            branches = [_required_literals(branch) for branch in av[1]]
            sub = None if any(b is None for b in branches) else frozenset().union(*branches)  # type: ignore[arg-type]
        elif op in (const.MAX_REPEAT, const.MIN_REPEAT) and av[0] >= 1:
            sub = _required_literals(av[2])
        if sub:
            found.append(sub)
    if run:
        found.append(frozenset([run]))
    return max(found, key=lambda strings: min(map(len, strings))) if found else None


# Multi-word synonyms and abbreviations, applied to lower-cased text before splitting.
_SYNONYMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"gm-csf", " gmcsf "),
        (r"(?:umbilical )?cord[- ]blood", " cordblood "),
        (r"umbilical[- ]cord", " umbilicalcord "),
        (r"chimeric antigen receptors?", " car "),
        (r"\bcar[- ]?t\b(?:[- ]cells?)?", " car tcell "),
        (r"\bcar[- ]?nk\b(?:[- ]cells?)?", " car nkcell "),
        (r"\bt[- ](?:cells?|lymphocytes?)\b|\bt-?lymphocytes?\b", " tcell "),
        (r"\bnk[- ]cells?\b|natural killer(?: cells?)?", " nkcell "),
        (r"t[- ]cell receptors?|\btcrs?\b", " tcr "),
        (r"(?:adipose|fat)[- ]derived (?:mesenchymal )?(?:stem|stromal) cells?|\badscs?\b|\bascs?\b", " adipose msc "),
        (r"mesenchymal (?:stromal|stem|progenitor) cells?|\bmscs?\b", " msc "),
        (r"adeno[- ]associated vir(?:us|al)(?: vectors?)?", " aav "),
        (r"\br?aav(\d*)\w*", r" aav aav\1 "),
        (r"lentivir(?:al|us)|\blvv?\b", " lentivirus "),
        (r"(?:gamma|γ)[- ]?retrovir\w*|retrovir\w*", " retrovirus "),
        (r"herpes simplex vir(?:us|al)(?: type[- ]?1)?|\bhsv[- ]?1\b|\bhsv\b(?![- ]?tk)", " hsv "),
        (r"\bhsv[- ]?tk\b|thymidine kinase", " suicide gene "),
        (r"\bhscs?\b|\bhspcs?\b", " hematopoietic stem "),
        (r"stromal vascular fraction", " svf "),
        (r"platelet[- ]rich plasma", " prp "),
        (r"in vitro[- ]transcribed|\bivt\b", " ivt "),
        (r"messenger rnas?", " mrna "),
        (r"extracellular vesicles?|exosomes?|\bevs?\b", " ev "),
        (r"induced pluripotent stem cells?|\bh?ipscs?\b", " ipsc "),
        (r"embryonic stem cells?|\bh?escs?\b", " esc "),
        (r"graft[- ]versus[- ]host(?: disease)?|\bgvhd\b|\bagvhd\b", " gvhd "),
        (r"tumou?r[- ]infiltrating lymphocytes?|\btils?\b", " til "),
        (r"bone[- ]marrow[- ](?:derived )?mononuclear cells?|\bbm[- ]?mncs?\b", " bone marrow mononuclear "),
        (r"\bbm\b", " bone marrow "),
        (r"\bsirnas?\b|small interfering rnas?", " sirna "),
        (r"antisense oligonucleotides?|\basos?\b", " antisense oligonucleotide "),
        (r"genetically (?:modified|engineered)|gene[- ]modified", " genetically_modified "),
        (r"\bcrispr(?:[/-]cas\d*)?\b|\bcas9\b", " crispr "),
        (r"\bpbmcs?\b|peripheral[- ]blood mononuclear cells?", " pbmc "),
        (r"\bdcs?\b|dendritic cells?", " dendritic "),
        (r"transduc\w*", " transduce "),
        (r"transfect\w*|electroporat\w*", " transfect "),
        (r"expan\w*|cultur\w*|cultivat\w*", " expand "),
        (r"regenerat\w*", " regenerate "),
        (r"decellulari[sz]\w*", " decellularise "),
        (r"\bcd(\d+)\+?", r" cd\1 "),
    )
)
_STOP = frozenset(
    (
        "a", "an", "the", "of", "for", "and", "or", "in", "into", "to", "by", "on", "as", "from", "at", "is",
        "are", "be", "was", "were", "that", "this", "which", "its", "their", "it", "not", "no", "with", "without",
        "e", "g", "eg", "incl", "including", "etc", "per", "via", "than", "then", "when", "where", "who", "whose",
        "used", "use", "also", "each", "only", "same", "other", "such", "may", "can", "could", "should", "would",
        "will", "all", "any",
    )
)
_SUFFIXES = ("ational", "ations", "ation", "itions", "ition", "ions", "ion", "ings", "ing", "ies", "ed", "es", "s")
_WORD = re.compile(r"[a-z0-9_]+")


@cache
def _synonym_literals() -> tuple[frozenset[str] | None, ...]:
    """Per synonym pattern, the strings one of which a text must contain for it to match (None: always
    try it); worked out once and kept in the disk cache (parsing every pattern costs more than a start)."""
    from atmpnav.text.cache import cached, content_key, source_files

    def work_out() -> tuple[frozenset[str] | None, ...]:
        try:
            from re import _parser  # type: ignore[attr-defined]

            return tuple(_required_literals(_parser.parse(pattern.pattern)) for pattern, _ in _SYNONYMS)
        except Exception:  # an unfamiliar regex engine: always try every pattern
            return (None,) * len(_SYNONYMS)

    return cached("synonym-literals", content_key(*source_files("atmpnav", "precedents.py")), work_out)


@cache
def _synonym_passes() -> tuple[tuple[Callable[[str, str], str], str, tuple[str, ...] | None], ...]:
    """Per synonym pattern: its substitution, its replacement and the strings one of which it needs."""
    return tuple((pattern.sub, replacement, None if required is None else tuple(required))
                 for (pattern, replacement), required in zip(_SYNONYMS, _synonym_literals(), strict=True))


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    word = word.replace("ae", "e").replace("oe", "e").replace("our", "or").replace("isation", "ization")
    if word.isdigit() or len(word) <= 4:
        return word
    for suffix in _SUFFIXES:
        if suffix == "s" and word.endswith(("us", "ss", "is")):
            break
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
            break
    return word[:-1] if word.endswith("e") and len(word) > 5 else word


def tokenize(text: str) -> list[str]:
    """Lower-case, expand domain synonyms, split on non-alphanumerics, drop stop words, light stemming."""
    return [t for t, _ in _tokens_with_words(text)]


def _tokens_with_words(text: str) -> list[tuple[str, str]]:
    """(token, word) pairs: the word after synonym normalisation (e.g. "car" for "chimeric antigen receptor")."""
    out: list[tuple[str, str]] = []
    rewritten = text.lower()
    for substitute, replacement, required in _synonym_passes():
        if required is not None:
            for literal in required:
                if literal in rewritten:
                    break
            else:
                continue  # none of its words occurs: the pattern cannot match
        rewritten = substitute(replacement, rewritten)
    for word in _WORD.findall(rewritten):
        if word in _STOP or len(word) < 2:
            continue
        out.append((_stem(word), word))
    return out


# --- index ---------------------------------------------------------------------------------------


_ROUNDING = 1e-8  # more than round(score, 9) can move a score


class BM25Index:
    """Okapi BM25 (k1=1.5, b=0.75, negative idf floored at epsilon x mean idf, as rank-bm25) over an
    inverted index: per term, the documents that contain it and their precomputed weights.

    A query costs work proportional to the postings of its terms. Small queries are scored in plain
    Python (the shipped corpus never needs numpy, which keeps start-up short); a query touching many
    postings (a large corpus) is scored with numpy."""

    K1: ClassVar[float] = 1.5
    B: ClassVar[float] = 0.75
    EPSILON: ClassVar[float] = 0.25
    # Plain Python costs about 1 us per posting touched, numpy a fixed cost that grows with the corpus
    # (one score per document): numpy pays from a few thousand postings on a corpus of 10k cases or more.
    # The shipped corpus (about 150 cases) stays in Python and never imports numpy.
    NUMPY_FROM: ClassVar[int] = 3_000  # postings touched by one query
    NUMPY_CORPUS: ClassVar[int] = 10_000  # documents

    def __init__(self, size: int, postings: dict[str, tuple[Sequence[int], Sequence[float]]]) -> None:
        self.size = size
        self.postings = postings  # term -> (documents that contain it, its BM25 weight in each)
        self._arrays: dict[str, tuple[Any, Any]] = {}  # the postings as numpy arrays, made when first needed

    @staticmethod
    def build(docs: list[list[str]]) -> BM25Index:
        """The index of ``docs`` (each a list of tokens)."""
        n = len(docs)
        lengths = [len(d) for d in docs]
        avgdl = sum(lengths) / n if n else 0.0
        postings: dict[str, tuple[list[int], list[int]]] = {}
        for doc_id, tokens in enumerate(docs):
            for term, tf in Counter(tokens).items():
                entry = postings.get(term)
                if entry is None:
                    postings[term] = ([doc_id], [tf])
                else:
                    entry[0].append(doc_id)
                    entry[1].append(tf)
        idf = {t: math.log(n - len(d) + 0.5) - math.log(len(d) + 0.5) for t, (d, _) in postings.items()}
        floor = BM25Index.EPSILON * (sum(idf.values()) / len(idf)) if idf else 0.0
        k1, b = BM25Index.K1, BM25Index.B
        norm = [k1 * (1 - b + b * length / avgdl) for length in lengths]
        # A large corpus keeps its postings as compact arrays (numpy reads them without copying, and
        # they hold a third of the memory of lists); a small one as lists, which plain Python walks
        # faster (no number object is made per posting read).
        compact = n >= BM25Index.NUMPY_CORPUS
        weighted: dict[str, tuple[Sequence[int], Sequence[float]]] = {}
        for term, (doc_ids, tfs) in postings.items():
            weight = idf[term] if idf[term] >= 0 else floor
            weights = [weight * (tf * (k1 + 1) / (tf + norm[d])) for d, tf in zip(doc_ids, tfs, strict=True)]
            weighted[term] = (array("l", doc_ids), array("d", weights)) if compact else (doc_ids, weights)
        return BM25Index(n, weighted)

    def state(self) -> dict[str, Any]:
        """The index as plain values (what the cache stores); :meth:`from_state` makes it again."""
        return {"size": self.size, "postings": self.postings}

    @staticmethod
    def from_state(state: dict[str, Any]) -> BM25Index:
        return BM25Index(state["size"], state["postings"])

    def counts(self, query: list[str]) -> Counter[str]:
        """How often each query term the index knows occurs in ``query``."""
        return Counter(filter(self.postings.__contains__, query))

    def scores(self, query: list[str]) -> list[float]:
        """The BM25 score of every document (a query term counts as often as it occurs)."""
        out = [0.0] * self.size
        for doc, score in self._sparse(self.counts(query)).items():
            out[doc] = score
        return out

    def _sparse(self, counts: Counter[str]) -> dict[int, float]:
        acc: dict[int, float] = {}
        get = acc.get
        for term, count in counts.items():
            ids, weights = self.postings[term]
            for doc, weight in zip(ids, weights, strict=True):
                acc[doc] = get(doc, 0.0) + weight * count
        return acc

    def _dense(self, counts: Counter[str]) -> Any:
        import numpy as np

        parts = []
        for term, count in counts.items():
            arrays = self._arrays.get(term)
            if arrays is None:
                ids, weights = self.postings[term]
                arrays = self._arrays[term] = (np.asarray(ids, dtype=np.int_), np.asarray(weights, dtype=float))
            parts.append((arrays[0], arrays[1] * count))
        docs = np.concatenate([d for d, _ in parts])
        scaled = np.concatenate([w for _, w in parts])
        return np.bincount(docs, weights=scaled, minlength=self.size)

    def top(self, query: list[str], k: int, order: list[int] | None = None,
            skip: frozenset[int] = frozenset()) -> list[tuple[int, float]]:
        """The ``k`` best documents with a positive score, best first; ties by ``order`` (a rank per
        document, default: its position). ``skip``: documents to leave out."""
        counts = self.counts(query)
        if not counts or k <= 0:
            return []
        if self.size < self.NUMPY_CORPUS or sum(len(self.postings[t][0]) for t in counts) < self.NUMPY_FROM:
            return self.top_plain(counts, k, order, skip)
        return self.top_numpy(counts, k, order, skip)

    def top_plain(self, counts: Counter[str], k: int, order: list[int] | None,
                  skip: frozenset[int]) -> list[tuple[int, float]]:
        """:meth:`top` of the query term ``counts`` in plain Python (any corpus)."""
        positive = [(d, s) for d, s in self._sparse(counts).items() if s > 0 and d not in skip]
        if len(positive) > k:
            # only a score within rounding of the k-th best can be among the k best once rounded
            kth = sorted([s for _, s in positive], reverse=True)[k - 1]
            positive = [(d, s) for d, s in positive if s >= kth - _ROUNDING]
        rank = order or range(self.size)
        # (-score, rank) orders best first, ties by rank; rank is unique, so d and s are never compared
        scored = sorted((-round(s, 9), rank[d], d, s) for d, s in positive)
        return [(d, float(s)) for _, _, d, s in scored[:k]]

    def top_numpy(self, counts: Counter[str], k: int, order: list[int] | None,
                  skip: frozenset[int]) -> list[tuple[int, float]]:
        """:meth:`top` of the query term ``counts`` with numpy (the same ranking, faster on a large corpus)."""
        import numpy as np

        scores = self._dense(counts)
        candidates = np.flatnonzero(scores > 0)
        if skip:
            candidates = candidates[~np.isin(candidates, np.fromiter(skip, dtype=np.int64))]
        if not len(candidates):
            return []
        values = np.round(scores[candidates], 9)  # equal scores stay equal, so ties break by order
        if len(candidates) > k:
            kth = np.partition(-values, k - 1)[k - 1]
            keep = -values <= kth
            candidates, values = candidates[keep], values[keep]
        ranks = candidates if order is None else np.asarray(order)[candidates]
        chosen = np.lexsort((ranks, -values))[:k]
        return [(int(candidates[i]), float(scores[candidates[i]])) for i in chosen]


@dataclass(frozen=True)
class _Index:
    cases: tuple[Case, ...]
    bm25: BM25Index
    doc_terms: tuple[frozenset[str], ...]
    id_order: list[int]  # rank of each case by id (the tie-break)
    groups: dict[str, frozenset[int]]  # same_case key -> positions of its cases
    canonical: tuple[int, ...]  # position of the case each case restates (itself if none)

    def state(self) -> dict[str, Any]:
        """The index as plain values (what the disk cache pickles); :meth:`from_state` makes it again."""
        return {"cases": [c.field_values() for c in self.cases], "bm25": self.bm25.state(),
                "doc_terms": self.doc_terms, "id_order": self.id_order, "groups": self.groups,
                "canonical": self.canonical}

    @staticmethod
    def from_state(state: dict[str, Any]) -> _Index:
        return _Index(tuple(Case(**fields) for fields in state["cases"]), BM25Index.from_state(state["bm25"]),
                      state["doc_terms"], state["id_order"], state["groups"], state["canonical"])


def _document(c: Case) -> str:
    parts = [c.title, c.text if c.text != c.title else "", str(c.extra.get("criterion", ""))]
    return " ".join(p for p in parts if p)


def _build_index(text: str) -> _Index:
    cases = _load_cases(text)
    docs = [tokenize(_document(c)) for c in cases]
    order = [0] * len(cases)
    for rank, i in enumerate(sorted(range(len(cases)), key=lambda i: cases[i].id)):
        order[i] = rank
    members: dict[str, set[int]] = {}
    for i, c in enumerate(cases):
        members.setdefault(c.same_case, set()).add(i)
    groups = {k: frozenset(v) for k, v in members.items()}
    position = {c.id: i for i, c in enumerate(cases)}
    canonical = tuple(position.get(c.duplicate_of, i) if c.duplicate_of else i for i, c in enumerate(cases))
    return _Index(cases, BM25Index.build(docs), tuple(frozenset(d) for d in docs), order, groups, canonical)


@cache
def _index() -> _Index:
    from atmpnav.text.cache import cached, content_key, source_files

    text = _corpus_text()
    key = content_key(text, *source_files("atmpnav", "precedents.py"))
    return _Index.from_state(cached("precedent-index", key, lambda: _build_index(text).state()))


def search(text: str, k: int = 5, exclude_id: str | None = None) -> list[Precedent]:
    """The ``k`` known cases most similar to ``text`` (BM25), best first.

    ``exclude_id`` leaves out that case and every case describing the same product (its group),
    so that a case never matches itself in leave-one-out evaluation.
    """
    if k < 0:
        raise InputError(f"k must be 0 or more (got {k})")
    if len(text) > MAX_QUERY:
        raise InputError(f"the text is too long ({len(text)} characters; at most {MAX_QUERY})")
    return [p for p, _ in search_cases(text, k, exclude_id)]


def search_cases(text: str, k: int = 5, exclude_id: str | None = None,
                 min_score: float = MIN_SCORE) -> list[tuple[Precedent, Case]]:
    """Like :func:`search`, also returning the matched :class:`Case` (for callers that need its fields).

    Cases scoring below ``min_score`` are left out; a case that restates another (``duplicate_of``:
    the same product under two ids) is merged into it, shown once with the better score.
    """
    if k <= 0:
        return []
    index = _index()
    pairs = _tokens_with_words(text)
    if not pairs:
        return []
    query = [t for t, _ in pairs]
    surface = dict(reversed(pairs))  # each token's first word in the text
    distinct = list(dict.fromkeys(query))
    skip: frozenset[int] = frozenset()
    if exclude_id is not None:
        key = next((c.same_case for c in index.cases if c.id == exclude_id), exclude_id)
        skip = index.groups.get(key, frozenset())
    ranked = index.bm25.top(query, k * 3 + 3, index.id_order, skip)  # room for merged duplicates
    merged: dict[int, list[tuple[int, float]]] = {}
    for i, score in ranked:
        if score < min_score:
            continue
        merged.setdefault(index.canonical[i], []).append((i, score))
    out = []
    for head, members in merged.items():
        if head in skip:
            head = members[0][0]  # the restated case is left out: show the best remaining member
        c = index.cases[head]
        score = max(s for _, s in members)
        terms = index.doc_terms[members[0][0]] if len(members) == 1 else \
            set().union(*(index.doc_terms[i] for i, _ in members))
        matched = [surface[t] for t in distinct if t in terms]
        others = [index.cases[i].id for i, _ in members if i != head]
        note = f"similar, not binding; {c.basis}" + (f"; {c.note}" if c.note else "")
        precedent = Precedent(id=c.id, title=c.title, outcome=c.outcome, combined=c.combined,
                              source=c.provenance(), score=round(score, 3), matched_terms=matched, note=note,
                              kind=c.kind_label, same_product=others)
        out.append((precedent, c))
        if len(out) == k:
            break
    return out


def vote(matches: list[tuple[Precedent, Case]]) -> dict[str, float]:
    """Similarity-weighted outcomes of matched cases (open cases count with the outcome called likely)."""
    weights: dict[str, float] = {}
    for precedent, c in matches:
        if c.vote:
            weights[c.vote] = weights.get(c.vote, 0.0) + precedent.score
    return weights


def strongest(votes: dict[str, float]) -> tuple[str, float]:
    """The outcome with the greatest weight, and its weight; the first of equals (as Counter.most_common)."""
    return max(votes.items(), key=itemgetter(1))


def prior() -> Counter[str]:
    """How often each determined outcome occurs in the corpus (a fallback when nothing matches)."""
    return Counter(c.vote for c in corpus() if c.vote)
