"""Jurisdictions: one module per rule set, registered here by code."""

from atmpnav.errors import UnknownNameError
from atmpnav.law.au import AU
from atmpnav.law.base import RuleSet
from atmpnav.law.ca import CA
from atmpnav.law.ch import CH
from atmpnav.law.eu import EU
from atmpnav.law.jp import JP
from atmpnav.law.kr import KR
from atmpnav.law.uk import UK
from atmpnav.law.us import US

JURISDICTIONS: dict[str, RuleSet] = {"EU": EU, "US": US, "UK": UK, "CH": CH, "JP": JP, "CA": CA, "AU": AU,
                                     "KR": KR}

ALL = "ALL"


def expand_jurisdictions(codes: list[str] | tuple[str, ...] | None, default: tuple[str, ...] = ("EU",)) -> list[str]:
    """Upper-cased codes in the order given, ``all`` expanded to every registered rule set, duplicates dropped;
    an unknown code is an error naming the known ones."""
    out: list[str] = []
    for code in codes or default:
        upper = code.strip().upper()
        names = list(JURISDICTIONS) if upper == ALL else [upper]
        for name in names:
            if name not in JURISDICTIONS:
                raise UnknownNameError("jurisdiction", code, [*JURISDICTIONS, "all"])
            if name not in out:
                out.append(name)
    return out
