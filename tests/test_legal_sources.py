"""Official-text links from citations, and the ambiguity data every rule refers to."""

from __future__ import annotations

import pytest

from atmpnav.ambiguities import all_ambiguities, resolve
from atmpnav.law import JURISDICTIONS
from atmpnav.legal_sources import official_sources


@pytest.mark.parametrize(
    ("citation", "expected"),
    [
        ("Regulation (EC) No 1394/2007, Art 2(1)(b)", [("Regulation (EC) No 1394/2007",
                                                       "https://eur-lex.europa.eu/eli/reg/2007/1394/oj")]),
        ("Regulation (EU) 2017/745, Art 1(10); Directive 2004/23/EC",
         [("Regulation (EU) 2017/745", "https://eur-lex.europa.eu/eli/reg/2017/745/oj"),
          ("Directive 2004/23/EC", "https://eur-lex.europa.eu/eli/dir/2004/23/oj")]),
        ("Directives 2001/18/EC and 2009/41/EC apply", [("Directive 2001/18/EC",
                                                         "https://eur-lex.europa.eu/eli/dir/2001/18/oj"),
                                                        ("Directive 2009/41/EC",
                                                         "https://eur-lex.europa.eu/eli/dir/2009/41/oj")]),
        ("21 CFR 1271.10(a)(1)-(4)", [("21 CFR 1271.10", "https://www.ecfr.gov/current/title-21/section-1271.10")]),
        ("CAT Reflection paper EMA/CAT/600280/2010 Rev.1, §2.2.3", []),
    ],
)
def test_official_sources(citation: str, expected: list[tuple[str, str]]) -> None:
    assert [(s.label, s.url) for s in official_sources(citation)] == expected


def test_every_rule_of_every_jurisdiction_cites_an_official_text_or_says_why_not() -> None:
    linked = [r for rules in JURISDICTIONS.values() for r in rules.all_rules() if official_sources(r.citation)]
    assert len(linked) > len([r for rules in JURISDICTIONS.values() for r in rules.all_rules()]) // 2


def test_every_ambiguity_a_rule_flags_has_a_title_and_explanation() -> None:
    known = all_ambiguities()
    assert sorted(known, key=lambda a: int(a[1:])) == [f"A{n}" for n in range(1, 21)]
    for rules in JURISDICTIONS.values():
        for rule in rules.all_rules():
            for ident in rule.ambiguities:
                assert ident in known, f"{rule.id} flags {ident}, which law/ambiguities.py does not describe"
    for ambiguity in known.values():
        assert ambiguity.title and ambiguity.explanation.endswith(".")


def test_resolve_accepts_ids_mappings_and_objects() -> None:
    class Given:
        id = "A4"
        title = "Transgene role"
        explanation = ""

    assert resolve("A4").title == "What does the transgene do?"
    assert resolve({"id": "A4", "title": "Given"}).title == "Given"
    assert resolve(Given()).title == "Transgene role" and "switch" in resolve(Given()).explanation
    assert resolve("A99").title == "A99"
