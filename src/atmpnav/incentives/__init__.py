"""Incentives and procedures that follow from a verdict (EU: PRIME, orphan, SME certification and fees,
conditional MA, accelerated assessment, PIP, GMO rules for trials; US: RMAT, breakthrough, orphan, IND,
long-term follow-up). Each is a dated data record with conditions over the facts and its basis, shown
only where the facts meet its conditions; ``law/`` never reads this package."""

from atmpnav.incentives.catalogue import incentive_consequences, load_incentives, matching

__all__ = ["incentive_consequences", "load_incentives", "matching"]
