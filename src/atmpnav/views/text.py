"""Plain-text explanation of a verdict: outcome first, then reasoning with citations, then open questions."""

from __future__ import annotations

import textwrap

from atmpnav.verdict import Envelope, Precedent, Verdict

WIDTH = 100
REGIME_NAMES = {
    "atmp_centralised": "ATMP: centralised EU marketing authorisation (CAT/CHMP)",
    "tissues_cells": "tissues and cells law (SoHO Regulation from 7 Aug 2027)",
    "blood": "blood law (SoHO Regulation from 7 Aug 2027)",
    "medical_device": "Medical Device Regulation (EU) 2017/745",
    "biological_medicinal_product": "biological medicinal product, not an ATMP",
    "chemical_medicinal_product": "chemical medicinal product, not an ATMP",
    "vaccine": "vaccine against an infectious disease",
    "organ_transplant": "organs for transplantation (Directive 2010/53/EU)",
    "starting_material": "starting or raw material of another medicinal product",
    "not_for_human_administration": "not administered to humans",
    "cosmetic": "cosmetics",
    "other": "another or national regime",
    # US
    "biologics_license": "PHS Act §351: IND, then biologics licence application (BLA)",
    "part_1271_only": "PHS Act §361 and 21 CFR Part 1271 only (no premarket approval)",
    "excepted": "21 CFR 1271.15 exception",
    "new_drug_application": "FD&C Act: new drug application (NDA)",
}


def _wrap(text: str, indent: str, first: str | None = None) -> str:
    return textwrap.fill(text, WIDTH, initial_indent=first if first is not None else indent,
                         subsequent_indent=indent)


def regime_choice(verdict: Verdict) -> str:
    """The regimes a decided verdict is left open between, in words."""
    return " or ".join(regime.replace("_", " ") for regime in verdict.regime_open)


def headline(verdict: Verdict) -> str:
    if verdict.outcome == "undetermined":
        likely = verdict.likely_outcome
        tail = ""
        if verdict.open_between:
            tail = f" (open between {' and '.join(verdict.open_between)})"
        elif likely != "undetermined":
            probability = f", probability {verdict.confidence:.0%}" if verdict.confidence is not None else ""
            tail = f" (likely {likely}{probability})"
        return f"{verdict.jurisdiction}: UNDETERMINED{tail}"
    text = verdict.outcome + (" (combined ATMP)" if verdict.combined else
                              " (combined ATMP or not: open)" if verdict.combined_open else "")
    if verdict.outcome in {"not ATMP", "not an HCT/P"} and verdict.regime:
        text += f": {REGIME_NAMES.get(verdict.regime, verdict.regime)}"
    elif verdict.regime:
        text += f" - {REGIME_NAMES.get(verdict.regime, verdict.regime)}"
    elif verdict.regime_open:
        text += f"; regime open: {regime_choice(verdict)}"
    if verdict.origin:
        text += f"; {verdict.origin} use"
    return f"{verdict.jurisdiction}: {text}"


def render_verdict(verdict: Verdict) -> str:
    lines = [headline(verdict), f"  evaluated as of {verdict.as_of}, rule set {verdict.ruleset}", ""]
    lines.append("Reasoning:")
    for n, step in enumerate(verdict.steps, 1):
        lines.append(_wrap(f"{step.question} -> {step.answer.upper()}", "      ", f"  {n:>2}. [{step.rule}] "))
        if step.explanation:
            lines.append(_wrap(step.explanation, "      "))
        if step.evidence:
            lines.append(_wrap(f'evidence: "{step.evidence}"', "      "))
        tag = {"V": "verified", "K": "established", "U": "UNCERTAIN"}[step.confidence]
        lines.append(_wrap(f"basis: {step.basis} [{tag}]", "      "))
    if verdict.missing:
        purpose = ("to settle whether it is a combined ATMP" if verdict.combined_open
                   else "to settle the regime; the classification does not depend on them" if verdict.regime_open
                   else "to complete the record; every answer leads to the same classification"
                   if verdict.decided_by_cases
                   else "to complete the verdict" if verdict.determined else "to decide")
        lines += ["", f"Open questions (answer these {purpose}):"]
        for m in verdict.missing:
            lines.append(_wrap(m.question, "      ", f"  - {m.fact}: "))
            if m.help:
                lines.append(_wrap(m.help, "      "))
            if m.options:
                lines.append(_wrap("options: " + ", ".join(m.options), "      "))
    if verdict.ambiguities:
        lines += ["", "Open points of law that apply (`atmpnav rules ID` explains each):"]
        lines += [f"  {a.id} {a.title}: {a.explanation}" for a in verdict.ambiguities]
    if verdict.consequences:
        lines += ["", "What follows (does not change the classification):"]
        for item in verdict.consequences:
            lines.append(_wrap(item.text, "      ", f"  - [{item.topic}] "))
            lines.append(_wrap(f"basis: {item.basis}", "      "))
    if verdict.pathway_notes or verdict.notes:
        lines += ["", "Notes:"]
        for note in verdict.notes:
            lines.append(_wrap(note, "    ", "  - "))
    return "\n".join(lines)


def render_precedents(precedents: list[Precedent]) -> str:
    if not precedents:
        return ""
    lines = ["Similar known cases (similar, not binding):"]
    for p in precedents:
        combined = ", combined" if p.combined else ""
        kind = f"{p.kind}; " if p.kind else ""
        lines.append(_wrap(f"{p.title} -> {p.outcome}{combined} [{kind}{p.source}] (score {p.score:.2f})", "      ",
                           f"  - {p.id}: "))
        if p.matched_terms:
            lines.append(_wrap("matched: " + ", ".join(p.matched_terms), "      "))
    return "\n".join(lines)


def render_envelope(envelope: Envelope) -> str:
    parts = []
    if envelope.facts.name:
        parts.append(f"Product: {envelope.facts.name}")
    for verdict in envelope.verdicts.values():
        parts.append(render_verdict(verdict))
    if envelope.assumptions:
        lines = ["Assumed, because the text does not say (change with --answer FACT=VALUE):"]
        for a in envelope.assumptions:
            lines.append(_wrap(f"assumed {a.said}: {a.because}", "      ", f"  - {a.fact}: "))
            lines.append(_wrap(f"source: {a.source}", "      "))
        parts.append("\n".join(lines))
    if envelope.answers:
        parts.append("Answered: " + "; ".join(f"{k} = {v}" for k, v in envelope.answers.items()))
    if envelope.evidence:
        lines = ["Facts read from the text (fact: words that decided):"]
        for path, words in envelope.evidence.items():
            lines.append(_wrap(f'"{words}"', "      ", f"  - {path}: "))
        parts.append("\n".join(lines))
    if envelope.precedents:
        parts.append(render_precedents(envelope.precedents))
    return "\n\n".join(parts) + "\n"
