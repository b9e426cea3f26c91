"""Plain descriptions: extract facts with evidence, classify them, and find similar known cases.

Library entry points::

    from atmpnav.text import classify_text, extract_facts
    envelope = classify_text("Autologous chondrocytes expanded ex vivo ...")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["Extraction", "classify_text", "extract_facts"]

if TYPE_CHECKING:
    from atmpnav.text.classify import classify_text
    from atmpnav.text.extract import Extraction, extract_facts


def __getattr__(name: str) -> Any:
    """Lazy imports keep `import atmpnav.text` cheap for the CLI."""
    if name == "classify_text":
        from atmpnav.text.classify import classify_text

        return classify_text
    if name in {"extract_facts", "Extraction"}:
        from atmpnav.text import extract

        return getattr(extract, name)
    raise AttributeError(name)
