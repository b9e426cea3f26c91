"""Every EU product in the registry has a valid ProductFacts file, and every file a product."""

from __future__ import annotations

import pytest

from atmpnav.facts import ProductFacts, load_facts
from atmpnav.questions import QUESTIONS
from atmpnav.registry.facts_files import facts_files, facts_path, load_product_facts
from atmpnav.registry.seed import eu_rows
from atmpnav.registry.types import slugify

EU_NAMES = sorted(row["name"] for row in eu_rows())


def test_every_eu_product_has_a_facts_file() -> None:
    missing = [name for name in EU_NAMES if not facts_path(name).is_file()]
    assert missing == []


def test_every_facts_file_is_an_eu_product() -> None:
    assert sorted(facts_files()) == sorted(slugify(n) for n in EU_NAMES)


def test_every_registry_eu_product_has_facts(db) -> None:  # type: ignore[no-untyped-def]
    from atmpnav.registry.queries import eu_products

    assert all(facts_path(p.slug).is_file() for p in eu_products(engine=db.engine))


@pytest.mark.parametrize("slug", sorted(facts_files()))
def test_facts_file_is_valid(slug: str) -> None:
    facts = load_facts(facts_files()[slug])  # parse_facts: raises FactsError naming the field
    assert isinstance(facts, ProductFacts)
    assert facts.name is not None and slugify(facts.name) == slug
    # The facts every EU rule needs are given (rules.md section 1).
    assert facts.for_human_administration is True
    assert facts.product_role is not None and facts.claimed_purpose is not None
    assert facts.vaccine_against_infectious_disease is False
    assert facts.nucleic_acid is not None or facts.cells_or_tissues is not None
    for name in ("nucleic_acid", "cells_or_tissues", "device"):
        block = getattr(facts, name)
        if block is not None:
            unknown = [k for k, v in block.model_dump().items() if v is None and k != "cells_primary_action"
                       and not _other_jurisdictions_only(f"{name}.{k}")]
            assert unknown == [], f"{slug}: facts not given: {unknown}"


def _other_jurisdictions_only(path: str) -> bool:
    """Facts only other rule sets read (e.g. Canada's, Australia's) are not part of the EU facts files."""
    question = QUESTIONS.get(path)
    return question is not None and bool(question.jurisdictions) and not {"EU", "US"} & set(question.jurisdictions)


def test_anchor_products() -> None:
    kymriah = load_product_facts("Kymriah")
    assert kymriah.nucleic_acid is not None and kymriah.cells_or_tissues is not None
    assert kymriah.nucleic_acid.vehicle == "modified_cells" and kymriah.nucleic_acid.effect_from_sequence is True
    assert {"expansion", "genetic_modification", "activation"} <= set(kymriah.cells_or_tissues.manipulations or [])
    zalmoxis = load_product_facts("zalmoxis")
    assert zalmoxis.nucleic_acid is not None
    role = zalmoxis.nucleic_acid.transgene_role
    assert (role, zalmoxis.nucleic_acid.effect_from_sequence) == ("safety_switch", False)
    maci = load_product_facts("MACI")
    assert maci.device is not None and maci.device.integral and maci.device.own_medical_purpose
    holoclar = load_product_facts("holoclar")
    assert holoclar.claimed_purpose == "regenerate_repair_replace"
    assert holoclar.device is not None and holoclar.device.own_medical_purpose is False
