"""Links from a rule's citation to the official text it cites: EUR-Lex (by the European Legislation
Identifier), eCFR, and the US Code for the PHS and FD&C Acts.

Only the act (and, for the CFR, the section) is linked; the article or paragraph is named in the
citation itself. No legal text is reproduced here; guidance documents and secondary sources get
no link (their addresses change), and the page says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class OfficialSource:
    label: str
    url: str
    publisher: str


# "Regulation (EC) No 1394/2007" (number/year) and "Regulation (EU) 2017/745" (year/number).
_OLD_REGULATION = re.compile(r"Regulation \((?:EC|EEC)\) No (\d+)/(\d{4})")
_NEW_REGULATION = re.compile(r"Regulation \(EU\) (\d{4})/(\d+)")
_DIRECTIVE = re.compile(r"Directives? (\d{4})/(\d+)/(EC|EU|EEC)")
_DIRECTIVES_AND = re.compile(r"and (\d{4})/(\d+)/(EC|EU|EEC)")
_CFR = re.compile(r"21 CFR (\d+)(?:\.(\d+))?")
_US_CODE = {
    "PHS Act §351": ("42 U.S.C. 262 (PHS Act §351)", "42", "262"),
    "PHS Act §361": ("42 U.S.C. 264 (PHS Act §361)", "42", "264"),
    "FD&C Act §506": ("21 U.S.C. 356 (FD&C Act §506)", "21", "356"),
}


def _eli(kind: str, year: str, number: str) -> str:
    return f"https://eur-lex.europa.eu/eli/{kind}/{year}/{int(number)}/oj"


def official_sources(citation: str) -> list[OfficialSource]:
    """The official texts a citation names, in the order they appear (no duplicates)."""
    found: list[tuple[int, OfficialSource]] = []
    for m in _OLD_REGULATION.finditer(citation):
        found.append((m.start(), OfficialSource(m.group(0), _eli("reg", m.group(2), m.group(1)), "EUR-Lex")))
    for m in _NEW_REGULATION.finditer(citation):
        found.append((m.start(), OfficialSource(m.group(0), _eli("reg", m.group(1), m.group(2)), "EUR-Lex")))
    for pattern in (_DIRECTIVE, _DIRECTIVES_AND):
        for m in pattern.finditer(citation):
            label = f"Directive {m.group(1)}/{m.group(2)}/{m.group(3)}"
            found.append((m.start(), OfficialSource(label, _eli("dir", m.group(1), m.group(2)), "EUR-Lex")))
    for m in _CFR.finditer(citation):
        part, section = m.group(1), m.group(2)
        if section:
            url = f"https://www.ecfr.gov/current/title-21/section-{part}.{section}"
            label = f"21 CFR {part}.{section}"
        else:
            url, label = f"https://www.ecfr.gov/current/title-21/part-{part}", f"21 CFR Part {part}"
        found.append((m.start(), OfficialSource(label, url, "eCFR")))
    for needle, (label, title, section) in _US_CODE.items():
        at = citation.find(needle)
        if at >= 0:
            url = f"https://uscode.house.gov/view.xhtml?req=granuleid:USC-prelim-title{title}-section{section}"
            found.append((at, OfficialSource(label, url, "US Code")))
    seen: set[str] = set()
    ordered = []
    for _, source in sorted(found, key=lambda item: item[0]):
        if source.url not in seen:
            seen.add(source.url)
            ordered.append(source)
    return ordered
