"""Mark the words that decided a free-text classification inside the description (safe HTML)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from markupsafe import Markup, escape

#: Evidence may quote several fragments; these separate them.
_SEPARATORS = re.compile(r"\s*(?:\u2026|\.\.\.|;|\|)\s*")
#: A parenthetical in evidence explains the words; it is not quoted from the text.
_EXPLANATION = re.compile(r"\([^()]*\)")
_MIN_FRAGMENT = 2


def fragments(evidence: str) -> list[str]:
    """The quoted pieces of one evidence string (quotes and ellipses removed)."""
    pieces = []
    for piece in _SEPARATORS.split(_EXPLANATION.sub(" ", evidence)):
        cleaned = piece.strip().strip("\"'\u201c\u201d\u2018\u2019").strip()
        if len(cleaned) >= _MIN_FRAGMENT:
            pieces.append(cleaned)
    return pieces


def _pattern(fragment: str) -> re.Pattern[str]:
    # Case-insensitive; any run of whitespace in the evidence matches any run in the text;
    # whole words only where the fragment starts or ends with a word character.
    words = [re.escape(w) for w in fragment.split()]
    body = r"\s+".join(words)
    start = r"(?<!\w)" if fragment[:1].isalnum() else ""
    end = r"(?!\w)" if fragment[-1:].isalnum() else ""
    return re.compile(start + body + end, re.IGNORECASE)


def spans(text: str, evidence: Mapping[str, str] | Iterable[tuple[str, str]]) -> list[tuple[int, int, list[str]]]:
    """Non-overlapping (start, end, facts) spans of ``text`` quoted by the evidence (fact -> words)."""
    items = evidence.items() if isinstance(evidence, Mapping) else evidence
    found: list[tuple[int, int, str]] = []
    for fact, words in items:
        if not words:
            continue
        for fragment in fragments(words):
            for match in _pattern(fragment).finditer(text):
                found.append((match.start(), match.end(), fact))
    found.sort(key=lambda s: (s[0], -s[1]))
    merged: list[tuple[int, int, list[str]]] = []
    for start, end, fact in found:
        if merged and start < merged[-1][1]:
            last_start, last_end, facts = merged[-1]
            if fact not in facts:
                facts.append(fact)
            merged[-1] = (last_start, max(last_end, end), facts)
        else:
            merged.append((start, end, [fact]))
    return merged


def highlight(text: str, evidence: Mapping[str, str] | Iterable[tuple[str, str]]) -> Markup:
    """``text`` escaped, with ``<mark>`` around each piece of evidence (its facts in ``title``)."""
    out: list[str] = []
    position = 0
    for start, end, facts in spans(text, evidence):
        out.append(str(escape(text[position:start])))
        label = ", ".join(facts)
        out.append(f'<mark title="{escape(label)}" data-facts="{escape(label)}">{escape(text[start:end])}</mark>')
        position = end
    out.append(str(escape(text[position:])))
    return Markup("".join(out))
