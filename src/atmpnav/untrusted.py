"""Decoding text from users (facts files, form fields, request bodies) within bounds.

YAML anchors and aliases are refused (an alias "bomb" of a few hundred bytes can expand to
gigabytes), as are duplicate keys (which YAML and JSON would otherwise resolve silently to the last),
nesting deeper than :data:`MAX_DEPTH`, integers longer than :data:`MAX_DIGITS` digits and strings that
are not valid Unicode (lone surrogates). Every check is linear in the input; error messages quote at
most a short excerpt.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from atmpnav.errors import InputFileError

MAX_DEPTH = 64
MAX_DIGITS = 30
MAX_TEXT = 1_000_000
EXCERPT = 60


def excerpt(value: Any, limit: int = EXCERPT) -> str:
    """A short printable excerpt of ``value`` for an error message."""
    shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def nesting_ok(text: str | bytes, limit: int = MAX_DEPTH) -> bool:
    """True when no JSON array/object nests deeper than ``limit`` (strings skipped); no recursion."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    if data.count(b"[") + data.count(b"{") <= limit:  # fewer openings than the limit: no byte loop needed
        return True
    depth = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > limit:
                return False
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return True


def valid_strings(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("+-")) > MAX_DIGITS:
        raise ValueError(f"a number with more than {MAX_DIGITS} digits")
    return int(digits)


def load_json(text: str, *, source: str) -> Any:
    if len(text) > MAX_TEXT:
        raise InputFileError(source, f"longer than {MAX_TEXT} characters")
    if not nesting_ok(text):
        raise InputFileError(source, f"nested deeper than {MAX_DEPTH} levels")

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for key, value in items:
            if key in found:
                raise ValueError(f"duplicate key {excerpt(key)}")
            found[key] = value
        return found

    try:
        value = json.loads(text, object_pairs_hook=pairs, parse_int=_bounded_int)
    except json.JSONDecodeError as exc:
        raise InputFileError(source, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except ValueError as exc:
        raise InputFileError(source, f"invalid JSON: {exc}") from None
    except RecursionError:
        raise InputFileError(source, f"nested deeper than {MAX_DEPTH} levels") from None
    if not valid_strings(value):
        raise InputFileError(source, "a string is not valid Unicode (a lone surrogate such as \\ud800)")
    return value


def _loader() -> type:
    import yaml

    # The pure-Python loader: the C one composes nodes in C, past the alias and depth checks below.
    class BoundedLoader(yaml.SafeLoader):  # type: ignore[misc]
        """SafeLoader without aliases or duplicate keys, with depth and integer-size limits."""

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.constructor.ConstructorError(
                    None, None, "aliases (*name) are not accepted in facts; write the value out", event.start_mark)
            event = self.peek_event()
            if getattr(event, "anchor", None):
                raise yaml.constructor.ConstructorError(
                    None, None, "anchors (&name) are not accepted in facts; write the value out", event.start_mark)
            depth = getattr(self, "_depth", 0)
            if depth >= MAX_DEPTH:
                raise yaml.constructor.ConstructorError(None, None, f"nested deeper than {MAX_DEPTH} levels",
                                                        event.start_mark)
            self._depth = depth + 1
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth = depth

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                try:
                    duplicate = key in seen
                except TypeError:
                    duplicate = False
                if duplicate:
                    raise yaml.constructor.ConstructorError(
                        "while reading a mapping", node.start_mark, f"duplicate key {excerpt(key)}",
                        key_node.start_mark)
                with contextlib.suppress(TypeError):
                    seen.add(key)
            return super().construct_mapping(node, deep=deep)

        def construct_yaml_int(self, node: Any) -> Any:
            digits = str(node.value).replace("_", "")
            if len(digits.lstrip("+-")) > MAX_DIGITS:
                raise yaml.constructor.ConstructorError(None, None, f"a number with more than {MAX_DIGITS} digits",
                                                        node.start_mark)
            return super().construct_yaml_int(node)

    BoundedLoader.add_constructor("tag:yaml.org,2002:int", BoundedLoader.construct_yaml_int)
    return BoundedLoader


_LOADER: type | None = None


def load_yaml(text: str, *, source: str) -> Any:
    import yaml

    global _LOADER
    if len(text) > MAX_TEXT:
        raise InputFileError(source, f"longer than {MAX_TEXT} characters")
    if _LOADER is None:
        _LOADER = _loader()
    try:
        value = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = str(getattr(exc, "problem", None) or exc)[:200]
        raise InputFileError(source, f"invalid YAML{where}: {problem}") from None
    except RecursionError:
        raise InputFileError(source, f"nested deeper than {MAX_DEPTH} levels") from None
    if not valid_strings(value):
        raise InputFileError(source, "a string is not valid Unicode")
    return value
