"""Jurisdictions: one module per rule set, registered here by code."""

from atmpnav.law.au import AU
from atmpnav.law.base import RuleSet
from atmpnav.law.ca import CA
from atmpnav.law.eu import EU
from atmpnav.law.kr import KR
from atmpnav.law.us import US

JURISDICTIONS: dict[str, RuleSet] = {"EU": EU, "US": US, "CA": CA, "AU": AU, "KR": KR}
