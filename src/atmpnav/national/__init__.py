"""National rules that follow from an EU verdict: the hospital exemption of each Member State (dated
data in ``national/data/``). Fed by the verdict and ``manufacturing.member_state``; never read by ``law/``."""
