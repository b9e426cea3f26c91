"""Known classified cases and a ranked search over them (BM25, rank-bm25).

The corpus (``data/precedents.yaml``) holds the EU-authorised ATMPs, the CAT/EMA outcomes of
rules.md §1.15 and the test cases of rules.md §5, each with its outcome and provenance. Search
results are *similar, not binding*: the rules decide a classification, precedents only illustrate
it (and estimate ``likely_outcome`` when the rules cannot decide).

The index is built once per process, on first use, and reused: a query costs one tokenisation
and one BM25 scoring pass over the corpus.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from atmpnav.errors import InputError
from atmpnav.verdict import ATMP_OUTCOMES, Precedent

DETERMINED = (*ATMP_OUTCOMES, "not ATMP")
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
        data = {k: v for k, v in self.__dict__.items() if k != "extra" and v not in (None, (), False)}
        data.update({k: list(v) for k, v in data.items() if isinstance(v, tuple)})
        return data


@cache
def corpus() -> tuple[Case, ...]:
    """All cases, in file order (loaded once)."""
    raw = yaml.safe_load(resources.files("atmpnav").joinpath("data/precedents.yaml").read_text(encoding="utf-8"))
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
    for pattern, replacement in _SYNONYMS:
        rewritten = pattern.sub(replacement, rewritten)
    for word in _WORD.findall(rewritten):
        if word in _STOP or len(word) < 2:
            continue
        out.append((_stem(word), word))
    return out


# --- index --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Index:
    cases: tuple[Case, ...]
    bm25: Any
    doc_terms: tuple[frozenset[str], ...]


def _document(c: Case) -> str:
    parts = [c.title, c.text if c.text != c.title else "", str(c.extra.get("criterion", ""))]
    return " ".join(p for p in parts if p)


@cache
def _index() -> _Index:
    from rank_bm25 import BM25Okapi

    cases = corpus()
    docs = [tokenize(_document(c)) for c in cases]
    return _Index(cases, BM25Okapi(docs), tuple(frozenset(d) for d in docs))


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


def search_cases(text: str, k: int = 5, exclude_id: str | None = None) -> list[tuple[Precedent, Case]]:
    """Like :func:`search`, also returning the matched :class:`Case` (for callers that need its fields)."""
    if k <= 0:
        return []
    index = _index()
    pairs = _tokens_with_words(text)
    if not pairs:
        return []
    query = [t for t, _ in pairs]
    surface: dict[str, str] = {}
    for token, word in pairs:
        surface.setdefault(token, word)
    excluded = None
    if exclude_id is not None:
        excluded = next((c.same_case for c in index.cases if c.id == exclude_id), exclude_id)
    scores = index.bm25.get_scores(query)
    ranked = sorted(
        (i for i, s in enumerate(scores) if s > 0 and index.cases[i].same_case != excluded),
        key=lambda i: (-scores[i], index.cases[i].id),
    )
    out = []
    for i in ranked[:k]:
        c = index.cases[i]
        matched = [surface[t] for t in dict.fromkeys(query) if t in index.doc_terms[i]]
        note = f"similar, not binding; {c.basis}" + (f"; {c.note}" if c.note else "")
        precedent = Precedent(id=c.id, title=c.title, outcome=c.outcome, combined=c.combined,
                              source=c.provenance(), score=round(float(scores[i]), 3),
                              matched_terms=matched, note=note)
        out.append((precedent, c))
    return out


def vote(matches: list[tuple[Precedent, Case]]) -> Counter[str]:
    """Similarity-weighted outcomes of matched cases (open cases count with the outcome called likely)."""
    weights: Counter[str] = Counter()
    for precedent, c in matches:
        if c.vote:
            weights[c.vote] += precedent.score
    return weights


def prior() -> Counter[str]:
    """How often each determined outcome occurs in the corpus (a fallback when nothing matches)."""
    return Counter(c.vote for c in corpus() if c.vote)
