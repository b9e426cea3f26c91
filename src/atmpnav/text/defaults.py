"""Domain defaults and claims from the indication, read from dated data files.

``defaults.yaml`` says what is typical for known product types (TILs are expanded, MSCs are
cultured, a coded oncolytic virus is engineered...), ``claims.yaml`` which claim the CAT reads into
the indication of a cell product (MSCs for cartilage: repair; MSCs for GvHD: immunomodulation).
The extractor (:mod:`atmpnav.text.extract`) applies them only where the description is silent and
lists each use as an :class:`~atmpnav.verdict.Assumption`; the rules then decide as for any facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from atmpnav.datafiles import parse_yaml
from atmpnav.text.extract import Layer, LayerSources, _compiled_layer, _layer_sources, _word_starts, word_start_chars

_FLAGS = re.IGNORECASE


@dataclass(frozen=True)
class ProductType:
    id: str
    label: str
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None
    facts: dict[str, Any]
    said: str
    because: str
    source: str
    # the lower-case characters every match of ``pattern`` begins with, at a word start (None: not known)
    starts_with: frozenset[str] | None = None


@dataclass(frozen=True)
class ClaimMapping:
    id: str
    cells: frozenset[str]
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None
    claim: str
    action: str | None  # the intended action the mapping also implies (cells_or_tissues.intended_action)
    said: str
    because: str
    precedents: tuple[str, ...]


@dataclass(frozen=True)
class Defaults:
    version: str
    as_of: str
    types: tuple[ProductType, ...]
    claims: tuple[ClaimMapping, ...]
    point_of_care: re.Pattern[str]
    # every type's patterns as one layer (group c<n> = types[n]): one scan, tried only at word starts
    # (every type pattern starts with \b), finds the types named
    any_type: Layer


def _either(patterns: list[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


def _text(name: str) -> str:
    return resources.files("atmpnav.text").joinpath(name).read_text(encoding="utf-8")


@cache
def domain_defaults() -> Defaults:
    """Load and compile both files once per process (compiled patterns cached on disk by content)."""

    from atmpnav.text.cache import cached, compile_all, content_key, source_files

    defaults_text, claims_text = _text("defaults.yaml"), _text("claims.yaml")

    def parse() -> tuple[dict[str, Any], dict[str, Any], LayerSources, list[frozenset[str] | None]]:
        raw = parse_yaml(defaults_text, "defaults.yaml")
        starts = [word_start_chars(_either(t["patterns"])) for t in raw["types"]]
        return raw, parse_yaml(claims_text, "claims.yaml"), _layer_sources("types", raw["types"]), starts

    # the parsed files and the type scan's alternations (working them out parses every pattern) are
    # cached with the compiled programs, keyed by both files and the code that builds them (concepts.py holds
    # the cached classes)
    code = source_files("atmpnav.text", "defaults.py", "extract.py", "concepts.py")
    key = content_key(defaults_text, claims_text, *code)
    raw, claims, scan_sources, starts = cached("defaults", key, parse)
    _, by_first, fallback, by_pair, by_first_only = scan_sources
    sources = [*by_first.values(), fallback, *by_pair.values(), *by_first_only.values(), raw["point_of_care"]]
    for entry in (*raw["types"], *claims["mappings"]):
        sources.append(_either(entry["patterns"]))
        if entry.get("unless"):
            sources.append(entry["unless"])
    regex = compile_all("defaults-regex", defaults_text + claims_text, sources, _FLAGS)

    def optional(source: str | None) -> re.Pattern[str] | None:
        return regex[source] if source else None

    types = tuple(
        ProductType(t["id"], t["label"], regex[_either(t["patterns"])], optional(t.get("unless")), dict(t["facts"]),
                    t["said"], t["because"], t["source"], start)
        for t, start in zip(raw["types"], starts, strict=True)
    )
    mappings = tuple(
        ClaimMapping(m["id"], frozenset(m["cells"]), regex[_either(m["patterns"])], optional(m.get("unless")),
                     m["claim"], m.get("action"), m["said"], m["because"], tuple(m.get("precedents") or ()))
        for m in claims["mappings"]
    )
    scan = _compiled_layer(scan_sources, regex.__getitem__)
    return Defaults(str(raw["version"]), str(raw["as_of"]), types, mappings, regex[raw["point_of_care"]], scan)


def matching_types(text: str) -> list[ProductType]:
    """The product types a text names, in file order (earlier types fill a fact first).

    One scan of all patterns finds them. A type whose words start inside another type's words
    (the scan reports only the first) is found by checking each such span once more."""
    data = domain_defaults()
    spans = [(m.start(), m.end(), int(m.lastgroup[1:])) for m in data.any_type.finditer(text) if m.lastgroup]
    if not spans:
        return []
    found = {n for _, _, n in spans}
    # the first characters of the words in each span (None where one is not ASCII): a type that begins only
    # at a word start with none of these characters cannot start a match there, so its search is skipped
    starts = _word_starts(text)
    span_chars = []
    for start, end, _ in spans:
        firsts = {char for position, char, _ in starts if start <= position < end}
        span_chars.append((start, end, firsts if all(c.isascii() for c in firsts) else None))
    for n, kind in enumerate(data.types):
        if n in found:
            continue
        for start, end, chars in span_chars:
            if chars is not None and kind.starts_with is not None and kind.starts_with.isdisjoint(chars):
                continue
            m = kind.pattern.search(text, start, end + 80)
            if m and m.start() < end:
                found.add(n)
                break
    return [t for n, t in enumerate(data.types) if n in found and not (t.unless and t.unless.search(text))]
