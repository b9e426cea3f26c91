"""One product, several regulators: the side-by-side rows of a multi-jurisdiction envelope.

Each row is read from that jurisdiction's verdict and consequences (never decided here): outcome,
whether it is inside the advanced-therapy regime, the route to market in a few words, and the rule
that decided. Used by `atmpnav classify -j all`, the web "Compare regulators" view and batch.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from atmpnav.consequences import route_to_market
from atmpnav.law import JURISDICTIONS
from atmpnav.verdict import Envelope, Verdict


@dataclass(frozen=True)
class ComparisonRow:
    jurisdiction: str
    regulator: str
    outcome: str
    likely_outcome: str
    advanced: bool | None
    route: str
    deciding_rule: str | None
    deciding_basis: str | None
    asrm_class: str | None
    uncertain_rules: tuple[str, ...]  # rules tagged U that answered (said in the verdict's notes)
    open_questions: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def deciding_step(verdict: Verdict) -> tuple[str, str] | None:
    """The last step that answered, leaving out those asked after the classification (category labels,
    licensing, exemptions, designations: the rule set's ``subsidiary_rules``)."""
    rules = JURISDICTIONS.get(verdict.jurisdiction)
    after = rules.subsidiary_rules if rules else frozenset()
    for step in reversed(verdict.steps):
        if step.rule not in after and step.answer != "unknown":
            return step.rule, step.basis
    return None


def comparison(envelope: Envelope) -> list[ComparisonRow]:
    rows = []
    for code, verdict in envelope.verdicts.items():
        rules = JURISDICTIONS.get(code)
        decided = deciding_step(verdict) if verdict.determined else None
        uncertain = tuple(dict.fromkeys(s.rule for s in verdict.steps if s.confidence == "U" and s.answer != "unknown"))
        rows.append(ComparisonRow(
            jurisdiction=code,
            regulator=rules.name if rules else code,
            outcome=verdict.outcome,
            likely_outcome=verdict.likely_outcome,
            advanced=verdict.advanced,
            route=route_to_market(verdict),
            deciding_rule=decided[0] if decided else None,
            deciding_basis=decided[1] if decided else None,
            asrm_class=verdict.asrm_class,
            uncertain_rules=uncertain,
            open_questions=len(verdict.missing),
        ))
    return rows


def _cell(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_table(rows: list[ComparisonRow]) -> str:
    """A compact fixed-width table: one row per jurisdiction."""
    def advanced(row: ComparisonRow) -> str:
        return {True: "yes", False: "no", None: "?"}[row.advanced]

    def outcome(row: ComparisonRow) -> str:
        if row.outcome != "undetermined":
            text = row.outcome
        else:
            text = "undetermined" + (f" (likely {row.likely_outcome})" if row.likely_outcome != "undetermined" else "")
        return text + (f"; ASRM {row.asrm_class}" if row.asrm_class else "")

    def rule(row: ComparisonRow) -> str:
        if row.deciding_rule:
            return row.deciding_rule + (" [U]" if row.deciding_rule in row.uncertain_rules else "")
        return f"{row.open_questions} open question(s)" if row.open_questions else "open (law)"

    columns = [("", lambda r: r.jurisdiction, 3), ("outcome", outcome, 62), ("advanced", advanced, 8),
               ("route to market", lambda r: r.route, 60), ("deciding rule", rule, 20)]
    cells = [[_cell(get(row), width) for _, get, width in columns] for row in rows]
    widths = [max([len(title), *(len(c[i]) for c in cells)]) for i, (title, _, _) in enumerate(columns)]
    lines = ["  ".join(title.ljust(w) for (title, _, _), w in zip(columns, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    uncertain = [f"{r.jurisdiction}: {', '.join(r.uncertain_rules)}" for r in rows if r.uncertain_rules]
    if uncertain:
        lines += ["", "Uncertain points (rules tagged U; see each verdict's notes): " + "; ".join(uncertain)]
    return "\n".join(lines)
