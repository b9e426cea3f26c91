"""Re-run a saved assessment on today's rules and say what changed (``atmpnav assessments rerun ID``).

"Your classification would now be … because …": per jurisdiction the outcome then and now, and the
steps whose answer changed (rules that newly apply, no longer apply or answer differently).
Saving a re-run adds a version with the reason "re-run on rule set X".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from atmpnav.assess import evaluate
from atmpnav.records import assessments

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


@dataclass(frozen=True)
class Rerun:
    assessment_id: int
    version: int
    changed: bool
    recorded_ruleset: str
    current_ruleset: str
    jurisdictions: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def reason(self) -> str:
        return f"re-run on rule set {self.current_ruleset}"


def _steps(verdict: dict[str, Any]) -> dict[str, str]:
    return {step.get("rule", ""): str(step.get("answer", "")) for step in verdict.get("steps", [])}


def rerun(engine: Engine, assessment_id: int, *, as_of: str | None = None) -> Rerun:
    """Classify the latest version's input again with the installed rules (on ``as_of``, default today)."""
    record = assessments.get_version(engine, assessment_id)
    envelope = evaluate(assessments.input_of(record), record.jurisdictions, as_of)
    now = envelope.to_json_dict()["verdicts"]
    then = record.envelope.get("verdicts", {})
    rows = []
    changed = False
    for code in sorted(set(now) | set(then)):
        before, after = then.get(code, {}), now.get(code, {})
        old_steps, new_steps = _steps(before), _steps(after)
        step_changes = [
            {"rule": rule, "before": old_steps.get(rule), "after": new_steps.get(rule)}
            for rule in sorted(set(old_steps) | set(new_steps))
            if old_steps.get(rule) != new_steps.get(rule)
        ]
        differs = (before.get("outcome"), before.get("likely_outcome"), bool(before.get("combined"))) != (
            after.get("outcome"), after.get("likely_outcome"), bool(after.get("combined")))
        changed = changed or differs
        rows.append({
            "jurisdiction": code,
            "outcome_before": before.get("outcome"),
            "outcome_now": after.get("outcome"),
            "likely_before": before.get("likely_outcome"),
            "likely_now": after.get("likely_outcome"),
            "ruleset_before": before.get("ruleset"),
            "ruleset_now": after.get("ruleset"),
            "outcome_changed": differs,
            "steps_changed": step_changes,
        })
    return Rerun(assessment_id, record.n, changed, record.ruleset, assessments.ruleset_label(envelope), rows)


def save_rerun(engine: Engine, assessment_id: int, *, actor: str | None, base_version: int,
               idempotency_key: str | None = None) -> assessments.Saved:
    found = rerun(engine, assessment_id)
    return assessments.revise(engine, assessment_id, base_version=base_version, actor=actor, reason=found.reason,
                              idempotency_key=idempotency_key)
