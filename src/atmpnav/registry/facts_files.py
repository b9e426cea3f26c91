"""ProductFacts of the authorised EU products, shipped as ``atmpnav/data/products/<slug>.yaml``.

Each file describes the product as authorised, for the classification engine; the registry
gives its official category, so the two can be cross-checked.
"""

from __future__ import annotations

from pathlib import Path

from atmpnav.errors import UnknownNameError
from atmpnav.facts import ProductFacts, load_facts
from atmpnav.registry.types import slugify

PRODUCTS_DIR = Path(__file__).resolve().parent.parent / "data" / "products"


def facts_path(slug_or_name: str) -> Path:
    """Where the facts file of a product lives (whether or not it exists)."""
    return PRODUCTS_DIR / f"{slugify(slug_or_name)}.yaml"


def facts_files() -> dict[str, Path]:
    """Every shipped facts file by slug."""
    return {path.stem: path for path in sorted(PRODUCTS_DIR.glob("*.yaml"))}


def load_product_facts(name: str) -> ProductFacts:
    """The ProductFacts of an authorised EU product by name or slug (validated)."""
    path = facts_path(name)
    if not path.is_file():
        raise UnknownNameError("product facts", name, sorted(facts_files()))
    return load_facts(path)
