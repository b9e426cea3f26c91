"""The checklist as plain text (CLI): topics in order, each item with severity, both citations,
the facts that triggered it and an approval badge; then open questions, differences and notes."""

from __future__ import annotations

import textwrap

from atmpnav.gmp.checklist import Checklist, Ref

WIDTH = 100
STANDARD_LABELS = {"eu-gmp-part-iv": "EU GMP Part IV", "pics-annex-2a": "PIC/S Annex 2A"}
APPROVAL_BADGE = "[needs authority approval]"


def section_label(ref: Ref) -> str:
    """``§4.3.2 [U]`` for Part IV, ``3.13 [V]`` for Annex 2A (its paragraphs carry no § sign)."""
    prefix = "§" if ref.standard == "eu-gmp-part-iv" and ref.section[:1].isdigit() else ""
    return f"{prefix}{ref.section} [{ref.confidence}]"


def cite(ref: Ref) -> str:
    return f"{STANDARD_LABELS.get(ref.standard, ref.standard)} {section_label(ref)}"


def citations(refs: list[Ref]) -> str:
    """Refs grouped by standard: ``EU GMP Part IV §4.3.2 [U], §9.5 [U] · PIC/S Annex 2A 3.13 [V]``."""
    groups: dict[str, list[str]] = {}
    for ref in refs:
        groups.setdefault(ref.standard, []).append(section_label(ref))
    return " · ".join(f"{STANDARD_LABELS.get(code, code)} {', '.join(parts)}" for code, parts in groups.items())


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


def _bullet(text: str) -> str:
    return textwrap.fill(text, WIDTH, initial_indent="  - ", subsequent_indent="    ")


def render_checklist(checklist: Checklist, title: str | None = None) -> str:
    versions = "; ".join(f"{STANDARD_LABELS.get(k, k)} {v}" for k, v in checklist.standard_versions.items())
    variant = "EU (Part IV)" if checklist.standard == "eu" else "PIC/S (Annex 2A)"
    lines = [f"GMP checklist, {variant}{': ' + title if title else ''}",
             f"  EU classification: {checklist.verdict_outcome} · law and standards on {checklist.as_of} · {versions}",
             ""]
    by_id = {item.id: item for item in checklist.items}
    for topic in checklist.topics:
        lines.append(topic.title)
        for item_id in topic.items:
            item = by_id[item_id]
            badge = f" {APPROVAL_BADGE}" if item.needs_authority_approval else ""
            lines.append(f"  [{item.severity.upper()}] {item.id}{badge}")
            lines.append(_wrap(item.text, "    "))
            lines.append(_wrap(citations(item.refs), "    "))
            if item.basis:
                lines.append(_wrap(f"Law: {item.basis}", "    "))
            lines.append(_wrap(f"Because: {'; '.join(item.because)}", "    "))
        lines.append("")
    if not checklist.items:
        lines += ["No requirement applies on these facts.", ""]
    if checklist.open:
        lines.append("Open questions (an answer changes the list)")
        for fact in checklist.open:
            lines.append(_bullet(f"{fact.question} ({fact.fact}; affects {', '.join(fact.items)})"))
        lines.append("")
    if checklist.differences:
        lines.append("Known EU / PIC/S differences")
        for difference in checklist.differences:
            lines.append(_bullet(f"[{difference.confidence}] {difference.text}"))
        lines.append("")
    lines.append("Notes")
    lines += [_bullet(note) for note in checklist.notes]
    return "\n".join(lines) + "\n"
