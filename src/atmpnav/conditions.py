"""The small evaluator behind the dated requirement lists (GMP items, national rules, incentives).

A condition is data, never code: a leaf reads one value of the *context* (facts and verdict
flattened to dotted paths) and compares it; ``all`` / ``any`` / ``not`` combine conditions;
``def`` names a shared condition. Logic is three-valued: a condition on a fact that is not known
is *unknown* (``None``), so a list can say which open facts would change it.

Leaf forms (``fact`` is a dotted path of the context)::

    {fact: manufacturing.processing, is: closed}
    {fact: verdict.category, in: [GTMP, sCTMP]}
    {fact: manufacturing.outsourced_tests, contains: [karyotype, exome_sequencing]}
    {fact: manufacturing.batches_per_year, lt: 2}      # also le, gt, ge
    {fact: manufacturing.member_state, known: true}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from typing import Any

from atmpnav.errors import DataFormatError
from atmpnav.facts import ProductFacts, fact_layout
from atmpnav.verdict import Verdict

LEAF_OPS = ("is", "in", "not_in", "contains", "lt", "le", "gt", "ge", "known")
COMBINATORS = ("all", "any", "not", "def")
#: Sub-records whose absence means "the product has none" (facts contract): their ``present`` reads false.
PRESENCE_BLOCKS = ("nucleic_acid", "cells_or_tissues", "device")


@dataclass
class Outcome:
    """The value of a condition (True, False, or None = unknown), the facts that decided it, and
    the facts whose being unknown left it undecided."""

    value: bool | None
    because: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def build_context(facts: ProductFacts, verdict: Verdict | None) -> dict[str, Any]:
    """Facts and verdict as one flat mapping of dotted paths to plain values."""
    context: dict[str, Any] = {}
    for name, subs in fact_layout():
        value = getattr(facts, name)
        if subs is None:
            context[name] = _plain(value)
        else:
            for sub in subs:
                context[f"{name}.{sub}"] = _field(name, value, sub)
    if verdict is not None:
        context.update(_verdict_context(verdict))
    return context


def _verdict_context(verdict: Verdict) -> dict[str, Any]:
    category = verdict.outcome if verdict.outcome != "undetermined" else verdict.likely_outcome
    return {
        "verdict.jurisdiction": verdict.jurisdiction,
        "verdict.outcome": verdict.outcome,
        "verdict.likely_outcome": verdict.likely_outcome,
        "verdict.determined": verdict.outcome != "undetermined",
        # The outcome, or the likely one while undetermined (what a provisional list is built on).
        "verdict.category": None if category == "undetermined" else category,
        "verdict.combined": verdict.combined,
        "verdict.regime": verdict.regime,
        "verdict.advanced": verdict.advanced,
        "verdict.origin": verdict.origin,
        "verdict.pathway_notes": list(verdict.pathway_notes),
    }


def context_values(facts: ProductFacts, verdict: Verdict, paths: tuple[str, ...]) -> tuple[Any, ...]:
    """The values :func:`build_context` gives at ``paths``, without building the rest of it (a cache key)."""
    verdict_part: dict[str, Any] | None = None
    out: list[Any] = []
    for of_verdict, path, head, sub in _split_paths(paths):
        if of_verdict:
            if verdict_part is None:
                verdict_part = _verdict_context(verdict)
            out.append(verdict_part[path])
            continue
        value = getattr(facts, head)
        out.append(_field(head, value, sub) if sub else _plain(value))
    return tuple(out)


@lru_cache(maxsize=64)
def _split_paths(paths: tuple[str, ...]) -> tuple[tuple[bool, str, str, str], ...]:
    """Each path as (of the verdict, path, top-level name, sub-record field): split once, read per verdict."""
    return tuple((path.startswith("verdict."), path, *path.partition(".")[::2]) for path in paths)


def _field(name: str, block: Any, sub: str) -> Any:
    """A sub-record's field in the context: None while the sub-record is absent, except the ``present`` of a
    presence block, which then reads false (the product has none)."""
    if block is None:
        return False if sub == "present" and name in PRESENCE_BLOCKS else None
    return _plain(getattr(block, sub))


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else "none"
    return str(value)


class Evaluator:
    """Evaluates conditions against one context, with a set of named conditions (``def``)."""

    def __init__(self, context: Mapping[str, Any], definitions: Mapping[str, Any] | None = None) -> None:
        self.context = context
        self.definitions = definitions or {}

    def evaluate(self, condition: Any) -> Outcome:
        if condition is None or condition is True:
            return Outcome(True)
        if type(condition) is not dict and not isinstance(condition, Mapping):  # dict first: the abc check is slow
            raise DataFormatError("condition", f"expected a mapping, got {condition!r}")
        if "all" in condition:
            return self._all([self.evaluate(c) for c in condition["all"]])
        if "any" in condition:
            return self._any([self.evaluate(c) for c in condition["any"]])
        if "not" in condition:
            inner = self.evaluate(condition["not"])
            return Outcome(None if inner.value is None else not inner.value, inner.because, inner.unknown)
        if "def" in condition:
            name = condition["def"]
            if name not in self.definitions:
                raise DataFormatError("condition", f"unknown named condition {name!r}")
            return self.evaluate(self.definitions[name])
        return self._leaf(condition)

    @staticmethod
    def _all(parts: list[Outcome]) -> Outcome:
        false = [p for p in parts if p.value is False]
        if false:
            return Outcome(False, [b for p in false for b in p.because])
        unknown = [p for p in parts if p.value is None]
        if unknown:
            return Outcome(None, unknown=[u for p in unknown for u in p.unknown])
        return Outcome(True, [b for p in parts for b in p.because])

    @staticmethod
    def _any(parts: list[Outcome]) -> Outcome:
        true = [p for p in parts if p.value is True]
        if true:
            return Outcome(True, [b for p in true for b in p.because])
        unknown = [p for p in parts if p.value is None]
        if unknown:
            return Outcome(None, unknown=[u for p in unknown for u in p.unknown])
        return Outcome(False, [b for p in parts for b in p.because])

    def _leaf(self, condition: Mapping[str, Any]) -> Outcome:
        path = condition.get("fact")
        ops = [key for key in condition if key != "fact"]  # exactly one, an operator
        if not isinstance(path, str) or len(ops) != 1 or ops[0] not in LEAF_OPS:
            raise DataFormatError("condition", f"a leaf needs 'fact' and one of {', '.join(LEAF_OPS)}: "
                                  f"{dict(condition)!r}")
        if path not in self.context:
            raise DataFormatError("condition", f"unknown fact path {path!r}")
        op, expected = ops[0], condition[ops[0]]
        value = self.context[path]
        if op == "known":
            state = "known" if value is not None else "not known"
            return Outcome((value is not None) == bool(expected), [f"{path} {state}"])
        if value is None:
            return Outcome(None, unknown=[path])
        if op == "is":
            result = value == expected
        elif op == "in":
            result = value in expected
        elif op == "not_in":
            result = value not in expected
        elif op == "contains":
            wanted = expected if isinstance(expected, list) else [expected]
            result = any(v in value for v in wanted)
        else:
            result = {"lt": value < expected, "le": value <= expected, "gt": value > expected,
                      "ge": value >= expected}[op]
        return Outcome(bool(result), [f"{path} = {_show(value)}"])


def check_condition(condition: Any, context_paths: set[str], definitions: Mapping[str, Any], where: str) -> None:
    """Refuse a malformed condition when the data file is loaded (not when it is first evaluated)."""
    if condition is None or condition is True:
        return
    if not isinstance(condition, Mapping):
        raise DataFormatError(where, f"condition must be a mapping, got {condition!r}")
    if "all" in condition or "any" in condition:
        key = "all" if "all" in condition else "any"
        if not isinstance(condition[key], list) or not condition[key]:
            raise DataFormatError(where, f"'{key}' needs a non-empty list")
        for part in condition[key]:
            check_condition(part, context_paths, definitions, where)
        return
    if "not" in condition:
        check_condition(condition["not"], context_paths, definitions, where)
        return
    if "def" in condition:
        if condition["def"] not in definitions:
            raise DataFormatError(where, f"unknown named condition {condition['def']!r}")
        return
    path = condition.get("fact")
    ops = [op for op in LEAF_OPS if op in condition]
    if not isinstance(path, str) or len(ops) != 1 or set(condition) - {"fact", *ops}:
        raise DataFormatError(where, f"a leaf needs 'fact' and one of {', '.join(LEAF_OPS)}: {dict(condition)!r}")
    if path not in context_paths:
        raise DataFormatError(where, f"unknown fact path {path!r}")


def paths_read(condition: Any, definitions: Mapping[str, Any]) -> set[str]:
    """The context paths a (checked) condition can read, named conditions included."""
    if condition is None or condition is True or not isinstance(condition, Mapping):
        return set()
    for key in ("all", "any"):
        if key in condition:
            return set().union(*(paths_read(part, definitions) for part in condition[key]))
    if "not" in condition:
        return paths_read(condition["not"], definitions)
    if "def" in condition:
        return paths_read(definitions.get(condition["def"]), definitions)
    path = condition.get("fact")
    return {path} if isinstance(path, str) else set()


def context_paths() -> set[str]:
    """Every path a condition may read (facts and verdict fields)."""
    from atmpnav.verdict import Verdict as _Verdict

    sample = _Verdict(jurisdiction="EU", outcome="undetermined", likely_outcome="undetermined")
    return set(build_context(ProductFacts(), sample))
