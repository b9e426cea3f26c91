"""Links from a rule's citation to the official text it cites: EUR-Lex (by the European Legislation
Identifier), eCFR, the US Code for the PHS and FD&C Acts, and the official registers of the UK,
Canadian, Australian and Japanese acts the other rule sets cite (Swiss and Korean acts: not yet).

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


# National acts of the other rule sets, by a phrase of their citation: the official consolidated text.
_NATIONAL = (
    ("Human Medicines Regulations 2012", "https://www.legislation.gov.uk/uksi/2012/1916/contents",
     "legislation.gov.uk"),
    ("SI 2025/87", "https://www.legislation.gov.uk/uksi/2025/87/contents", "legislation.gov.uk"),
    ("Medical Devices Regulations 2002", "https://www.legislation.gov.uk/uksi/2002/618/contents",
     "legislation.gov.uk"),
    ("Human Tissue Act 2004", "https://www.legislation.gov.uk/ukpga/2004/30/contents", "legislation.gov.uk"),
    ("Food and Drug Regulations", "https://laws-lois.justice.gc.ca/eng/regulations/C.R.C.,_c._870/",
     "Justice Laws (Canada)"),
    ("SOR/2007-118", "https://laws-lois.justice.gc.ca/eng/regulations/SOR-2007-118/", "Justice Laws (Canada)"),
    ("Food and Drugs Act", "https://laws-lois.justice.gc.ca/eng/acts/F-27/", "Justice Laws (Canada)"),
    ("SOR/98-282", "https://laws-lois.justice.gc.ca/eng/regulations/SOR-98-282/", "Justice Laws (Canada)"),
    ("Therapeutic Goods Act 1989", "https://www.legislation.gov.au/C2004A03952/latest", "Federal Register of "
     "Legislation (Australia)"),
    ("Therapeutic Goods Regulations 1990", "https://www.legislation.gov.au/F1996B00406/latest", "Federal Register "
     "of Legislation (Australia)"),
    ("PMD Act", "https://elaws.e-gov.go.jp/document?lawid=335AC0000000145", "e-Gov (Japan)"),
    ("ASRM", "https://elaws.e-gov.go.jp/document?lawid=425AC0000000085", "e-Gov (Japan)"),
)


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
    for needle, url, publisher in _NATIONAL:
        at = citation.find(needle)
        if at >= 0:
            found.append((at, OfficialSource(needle, url, publisher)))
    seen: set[str] = set()
    ordered = []
    for _, source in sorted(found, key=lambda item: item[0]):
        if source.url not in seen:
            seen.add(source.url)
            ordered.append(source)
    return ordered
