"""Records: saved assessments, users and roles, sessions, electronic signatures and the audit trail.

Everything a QA team keeps as evidence lives here, in append-only tables whose rows are keyed
with HMAC-SHA-256 (:mod:`atmpnav.records.keys`) and linked in one hash chain of audit events
(:mod:`atmpnav.records.audit`):

- :mod:`~atmpnav.records.assessments`: assessments and their versions (who, when, what, why);
- :mod:`~atmpnav.records.users`: accounts, roles, API tokens, web sessions, lockout;
- :mod:`~atmpnav.records.signatures`: electronic signatures and the review workflow;
- :mod:`~atmpnav.records.integrity`: ``verify --all`` (chains, signatures, triggers, verdicts, anchors).
"""
