"""The EU rule set object, its dates and the small helpers the EU rules share."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from atmpnav.facts import (
    CellSource,
)
from atmpnav.law.base import Answer, Inquiry, RuleSet

ATMP_REGULATION = date(2008, 12, 30)  # Regulation (EC) No 1394/2007 applies from this date (Art 30)
PART_IV_2009 = date(2010, 4, 5)  # Directive 2009/120/EC transposition deadline (Art 2) [U]
SOHO_APPLIES = date(2027, 8, 7)  # Regulation (EU) 2024/1938 applies (Art 95)
BEFORE_SOHO = date(2027, 8, 6)

REG = "Regulation (EC) No 1394/2007"
DIR = "Directive 2001/83/EC, Annex I, Part IV (as replaced by Directive 2009/120/EC)"
SOHO = "Regulation (EU) 2024/1938 (SoHO)"

EU = RuleSet(jurisdiction="EU", name="European Union", version="eu-2026.11",
             advanced_outcomes=frozenset({"GTMP", "sCTMP", "TEP"}))
rule = EU.define


def _yes_no(value: bool | None, path: str, yes: str, no: str, unknown: str) -> Answer:
    if value is True:
        return Answer(True, yes, (path,))
    if value is False:
        return Answer(False, no, (path,))
    return Answer(None, unknown, (path,), missing=(path,))


def _applies(because: str) -> Callable[[Inquiry], Answer]:
    """The test of a demarcation rule that the procedure asks only once it applies."""

    def test(c: Inquiry) -> Answer:
        return Answer(True, because)

    return test


def _human_cells(c: Inquiry) -> bool:
    return c.fact("cells_or_tissues.present") is True and c.fact("cells_or_tissues.source") in {
        CellSource.autologous,
        CellSource.allogeneic,
        CellSource.mixed,
    }
