"""The GMP checklist: for every requirement record, facts that trigger it and facts that do not;
the test seeds of domain-part2.md §A.8; the contract's output shape; dating; malformed data refused."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from atmpnav.assess import AssessmentInput, evaluate
from atmpnav.errors import DataFormatError, InputError
from atmpnav.gmp import gmp_checklist, load_data
from atmpnav.gmp.checklist import DATA_DIR, REQUIREMENTS_DIR
from tests.gmp.products import BASES, make

M = dict  # a manufacturing block

# (item, standard, base product, triggering manufacturing, base of the non-triggering case, its manufacturing)
CASES: list[tuple[str, str, str, dict[str, Any], str, dict[str, Any]]] = [
    # scope and risk-based approach
    ("GMP-SCOPE", "eu", "msc", M(), "hsc", M()),
    ("GMP-RBA", "eu", "aav", M(), "hsc", M()),
    ("GMP-INVESTIGATIONAL", "eu", "msc", M(stage="investigational"), "msc", M(stage="authorised")),
    ("GMP-NOT-SUBSTANTIALLY-MANIPULATED", "eu", "non_homologous", M(), "msc", M()),
    ("GMP-HOSPITAL-EXEMPTION-EQUIVALENCE", "eu", "msc", M(stage="hospital_exemption"), "msc", M(stage="authorised")),
    # personnel
    ("GMP-PERSONNEL-TRAINING", "eu", "chondrocytes", M(), "hsc", M()),
    ("GMP-PERSONNEL-MOVEMENT", "eu", "car_t", M(multi_product_facility=False), "msc",
     M(multi_product_facility=False)),
    # premises and grades
    ("GMP-PREMISES-OPEN-A-IN-B", "eu", "msc", M(processing="open_aseptic"), "msc", M(processing="closed")),
    ("GMP-PREMISES-NOT-STERILISABLE", "eu", "aav", M(terminal_sterilisation_possible=False), "aav",
     M(terminal_sterilisation_possible=True)),
    ("GMP-PREMISES-LESS-STRINGENT-EXCEPTION", "pics", "msc",
     M(processing="open_aseptic", compliant_environment_available=False), "msc",
     M(processing="open_aseptic", compliant_environment_available=True)),
    ("GMP-PREMISES-AIR-HANDLING", "eu", "xeno", M(), "hsc", M()),
    # closed systems
    ("GMP-CLOSED-BACKGROUND-GRADE", "eu", "car_t", M(processing="automated_closed"), "car_t",
     M(processing="open_aseptic")),
    ("GMP-CLOSED-INTEGRITY", "eu", "msc", M(processing="closed"), "msc", M(processing="open_aseptic")),
    ("GMP-CLOSED-VENT-FILTERS", "eu", "msc", M(processing="isolator"), "msc", M(processing="open_aseptic")),
    ("GMP-CLOSED-SINGLE-USE-MATERIALS", "eu", "car_t", M(processing="closed"), "car_t",
     M(processing="open_aseptic")),
    ("GMP-CLOSED-SEVERAL-IN-ONE-ROOM", "eu", "msc", M(processing="closed", multi_product_facility=True), "msc",
     M(processing="closed", multi_product_facility=False)),
    # cross-contamination
    ("GMP-XC-RISK-ASSESSMENT", "eu", "aav", M(), "hsc", M()),
    ("GMP-XC-BETWEEN-DONORS", "eu", "msc", M(), "aav", M()),
    ("GMP-XC-MULTI-PRODUCT", "eu", "msc", M(multi_product_facility=True), "msc", M(multi_product_facility=False)),
    ("GMP-XC-SEVERAL-SAFETY-CABINETS", "eu", "msc", M(processing="open_aseptic", multi_product_facility=True),
     "msc", M(processing="closed", multi_product_facility=True)),
    # GMO containment
    ("GMP-GMO-CONTAINMENT", "eu", "car_t", M(), "msc", M()),
    ("GMP-GMO-SPILL-PLAN", "eu", "aav", M(), "chondrocytes", M()),
    ("GMP-GMO-NEGATIVE-PRESSURE", "eu", "aav", M(processing="open_aseptic"), "aav", M(processing="closed")),
    ("GMP-GMO-REPLICATION-COMPETENT", "eu", "oncolytic", M(), "aav", M(replication_competent=False)),
    ("GMP-GMO-SEVERAL-VECTORS", "eu", "aav", M(several_viral_vectors_same_room=True), "aav",
     M(several_viral_vectors_same_room=False)),
    # starting and raw materials
    ("GMP-MATERIALS-RAW", "eu", "msc", M(), "hsc", M()),
    ("GMP-MATERIALS-HUMAN-DONATION", "eu", "msc", M(), "aav", M()),
    ("GMP-MATERIALS-XENOGENEIC", "eu", "xeno", M(), "msc", M()),
    ("GMP-MATERIALS-VECTOR-SUPPLIER", "eu", "car_t", M(vector_made_in_house=False), "car_t",
     M(vector_made_in_house=True)),
    ("GMP-MATERIALS-VECTOR-IN-HOUSE", "pics", "aav", M(vector_made_in_house=True), "aav",
     M(vector_made_in_house=False)),
    ("GMP-MATERIALS-EX-VIVO-GENE-TRANSFER", "eu", "car_t", M(), "aav", M()),
    ("GMP-MATERIALS-STERILE-FILTERABLE", "pics", "aav", M(sterile_filterable=True), "aav",
     M(sterile_filterable=False)),
    ("GMP-MATERIALS-DEVICE", "eu", "chondrocytes", M(), "msc", M()),
    # cell banks
    ("GMP-CELL-BANK-MASTER-WORKING", "eu", "msc", M(cell_bank="master_and_working"), "car_t",
     M(cell_bank="master_and_working")),
    ("GMP-CELL-BANK-LIMITED-STOCK", "eu", "msc", M(cell_bank="limited_stock"), "msc", M(cell_bank="none")),
    # traceability
    ("GMP-TRACEABILITY-30-YEARS", "eu", "aav", M(), "hsc", M()),
    ("GMP-TRACEABILITY-CHAIN-OF-IDENTITY", "eu", "msc", M(donor_matched=True), "msc", M(donor_matched=False)),
    # labelling
    ("GMP-LABEL-AUTOLOGOUS", "eu", "car_t", M(), "msc", M()),
    ("GMP-LABEL-BLINDED-TRIAL", "pics", "car_t", M(stage="investigational"), "car_t", M(stage="authorised")),
    ("GMP-LABEL-DONOR-TRACEABILITY", "eu", "msc", M(), "aav", M()),
    ("GMP-LABEL-ULTRA-LOW-TEMPERATURE", "eu", "msc", M(cryopreserved=True), "msc", M(cryopreserved=False)),
    # aseptic process simulation
    ("GMP-APS-ROUTINE", "eu", "car_t", M(batches_per_year=40), "car_t", M(batches_per_year=1)),
    ("GMP-APS-INFREQUENT", "eu", "msc", M(batches_per_year=1), "msc", M(batches_per_year=12)),
    ("GMP-APS-NON-ROUTINE", "pics", "msc", M(batches_per_year=0), "aav",
     M(batches_per_year=0, terminal_sterilisation_possible=True)),
    # process validation
    ("GMP-VALIDATION-EARLY-PHASE", "eu", "car_t", M(stage="investigational", phase="I/II"), "car_t",
     M(stage="investigational", phase="III")),
    ("GMP-VALIDATION-FULL", "eu", "msc", M(stage="authorised"), "msc", M(stage="investigational", phase="I")),
    ("GMP-VALIDATION-SURROGATE-MATERIAL", "eu", "car_t", M(), "aav", M()),
    # release before QC
    ("GMP-RELEASE-TWO-STAGE", "eu", "car_t", M(release_before_qc_complete=True), "car_t",
     M(release_before_qc_complete=False)),
    ("GMP-RELEASE-VENT-FILTER-RISK", "eu", "car_t", M(release_before_qc_complete=True, processing="closed"),
     "car_t", M(release_before_qc_complete=True, processing="open_aseptic")),
    # decentralised
    ("GMP-DECENTRALISED-RESPONSIBLE-SITE", "eu", "car_t", M(decentralised="central_plus_local_finish"), "car_t",
     M(decentralised="none")),
    ("GMP-DECENTRALISED-DELEGATED-RELEASE", "pics", "car_t", M(decentralised="fully_local"), "car_t",
     M(decentralised="none")),
    ("GMP-DECENTRALISED-PREMISES-NOT-CONTROLLED", "eu", "car_t", M(decentralised="point_of_care"), "car_t",
     M(decentralised="central_plus_local_finish")),
    # OOS administration
    ("GMP-OOS-ADMINISTRATION", "eu", "car_t", M(), "aav", M()),
    # reconstitution
    ("GMP-RECONSTITUTION", "eu", "car_t", M(reconstitution_at_site=True), "car_t", M(reconstitution_at_site=False)),
    # automated production
    ("GMP-AUTOMATED-EQUIPMENT", "eu", "car_t", M(processing="automated_closed"), "car_t", M(processing="closed")),
    # outsourced testing
    ("GMP-OUTSOURCED-SPECIALISED-TESTS", "pics", "msc", M(outsourced_tests=["karyotype"]), "msc",
     M(outsourced_tests=[])),
    # transport
    ("GMP-TRANSPORT-PRODUCT", "eu", "aav", M(), "hsc", M()),
    ("GMP-TRANSPORT-STARTING-MATERIAL", "eu", "car_t", M(), "aav", M()),
    # stability and storage
    ("GMP-STABILITY-ONGOING", "eu", "msc", M(stage="authorised"), "msc", M(stage="investigational")),
    ("GMP-STABILITY-SURROGATE", "eu", "car_t", M(stage="authorised"), "msc", M(stage="authorised")),
    ("GMP-CRYOPRESERVATION", "eu", "car_t", M(cryopreserved=True), "car_t", M(cryopreserved=False)),
    # reference and retention samples
    ("GMP-SAMPLES-REFERENCE-AND-RETENTION", "eu", "msc", M(donor_matched=False), "car_t", M()),
    ("GMP-SAMPLES-WAIVER-PATIENT-SPECIFIC", "eu", "car_t", M(), "msc", M(donor_matched=False)),
    ("GMP-SAMPLES-SHORT-SHELF-LIFE", "eu", "car_t", M(release_before_qc_complete=True), "car_t",
     M(release_before_qc_complete=False)),
    # certification
    ("GMP-CERTIFICATION-EVERY-BATCH", "eu", "msc", M(), "hsc", M()),
    # quality defects and recalls
    ("GMP-RECALL-TO-PATIENT", "eu", "aav", M(), "hsc", M()),
    ("GMP-RECALL-LOOK-BACK", "eu", "xeno", M(), "aav", M()),
    ("GMP-RECALL-SINGLE-BATCH", "eu", "chondrocytes", M(), "aav", M()),
]


def ids(checklist: Any) -> set[str]:
    return {item.id for item in checklist.items}


def test_every_base_product_classifies_as_expected() -> None:
    for name, (_, outcome) in BASES.items():
        verdict = evaluate(AssessmentInput.of_facts(make(name))).verdicts["EU"]
        assert verdict.outcome == outcome, name


@pytest.mark.parametrize(("item", "standard", "base", "manufacturing", "other_base", "other"), CASES,
                         ids=[c[0] for c in CASES])
def test_item_triggers_and_does_not(item: str, standard: str, base: str, manufacturing: dict[str, Any],
                                    other_base: str, other: dict[str, Any]) -> None:
    triggered = gmp_checklist(make(base, manufacturing), standard=standard)
    assert item in ids(triggered)
    found = next(i for i in triggered.items if i.id == item)
    assert found.because, "an item names the facts that triggered it"
    assert item not in ids(gmp_checklist(make(other_base, other), standard=standard))


#: Items that apply only from a later date, exercised by the dating tests below.
DATED = {"GMP-MATERIALS-HUMAN-DONATION-SOHO"}


def test_every_data_item_is_exercised() -> None:
    assert {c[0] for c in CASES} | DATED == {r.id for r in load_data().requirements}


def test_eu_only_and_pics_only_items_stay_in_their_variant() -> None:
    non_homologous = make("non_homologous")
    assert "GMP-NOT-SUBSTANTIALLY-MANIPULATED" in ids(gmp_checklist(non_homologous, standard="eu"))
    assert "GMP-NOT-SUBSTANTIALLY-MANIPULATED" not in ids(gmp_checklist(non_homologous, standard="pics"))
    exception = make("msc", M(processing="open_aseptic", compliant_environment_available=False))
    assert "GMP-PREMISES-LESS-STRINGENT-EXCEPTION" not in ids(gmp_checklist(exception, standard="eu"))


def test_pics_variant_uses_annex_2a_terms() -> None:
    facts = make("car_t", M(stage="investigational", phase="I"))
    eu = {i.id: i for i in gmp_checklist(facts, standard="eu").items}
    pics = {i.id: i for i in gmp_checklist(facts, standard="pics").items}
    assert "Qualified Person (QP)" in eu["GMP-CERTIFICATION-EVERY-BATCH"].text
    assert "Authorised Person (AP)" in pics["GMP-CERTIFICATION-EVERY-BATCH"].text
    assert "principles of GMP" in gmp_checklist(make("aav", M(vector_made_in_house=True)),
                                                standard="pics").model_dump_json()
    assert pics["GMP-CERTIFICATION-EVERY-BATCH"].refs[0].standard == "pics-annex-2a"
    assert eu["GMP-CERTIFICATION-EVERY-BATCH"].refs[0].standard == "eu-gmp-part-iv"
    differences = {d.id for d in gmp_checklist(facts, standard="pics").differences}
    assert {"DIFF-DEFAULT", "DIFF-TERMS", "DIFF-GAPS", "DIFF-DELEGATION"} <= differences


# --------------------------------------------------------------------------- the spec's test seeds (§A.8)


def test_seed_autologous_car_t_closed_automated_short_shelf_life_investigational() -> None:
    facts = make("car_t", M(stage="investigational", phase="I", processing="automated_closed",
                            release_before_qc_complete=True, shelf_life_hours=72, batches_per_year=30))
    found = gmp_checklist(facts)
    topics = {i.topic for i in found.items}
    assert {"traceability", "labelling", "retention_samples", "closed_systems", "release_before_qc",
            "aseptic_process_simulation", "gmo_containment"} <= topics
    assert {"GMP-LABEL-AUTOLOGOUS", "GMP-SAMPLES-WAIVER-PATIENT-SPECIFIC", "GMP-CLOSED-BACKGROUND-GRADE",
            "GMP-RELEASE-TWO-STAGE", "GMP-APS-ROUTINE", "GMP-GMO-CONTAINMENT"} <= ids(found)
    pics = {i.id: i for i in gmp_checklist(facts, standard="pics").items}
    assert "Grade C" in pics["GMP-CLOSED-BACKGROUND-GRADE"].text and "Grade D" in pics[
        "GMP-CLOSED-BACKGROUND-GRADE"].text


def test_seed_allogeneic_msc_master_cell_bank_authorised() -> None:
    facts = make("msc", M(stage="authorised", cell_bank="master_and_working", processing="open_aseptic",
                          donor_matched=False))
    found = ids(gmp_checklist(facts))
    assert {"GMP-CELL-BANK-MASTER-WORKING", "GMP-SAMPLES-REFERENCE-AND-RETENTION",
            "GMP-PREMISES-OPEN-A-IN-B"} <= found
    assert "GMP-SAMPLES-WAIVER-PATIENT-SPECIFIC" not in found


def test_seed_in_vivo_aav() -> None:
    found = gmp_checklist(make("aav", M(sterile_filterable=True, vector_made_in_house=True)), standard="pics")
    refs = {(r.standard, r.section) for i in found.items for r in i.refs}
    assert ("eu-gmp-part-iv", "15") in refs
    assert {("pics-annex-2a", "B2.4"), ("pics-annex-2a", "B2.5")} <= refs
    assert "GMP-MATERIALS-STERILE-FILTERABLE" in ids(found)
    assert "GMP-LABEL-AUTOLOGOUS" not in ids(found)


# --------------------------------------------------------------------------- output, open facts, notes


def test_output_has_the_contract_shape() -> None:
    data = json.loads(gmp_checklist(make("car_t", M(processing="closed"))).model_dump_json())
    assert data["standard_versions"] == {"eu-gmp-part-iv": "2017-11-22", "pics-annex-2a": "PE 009-17"}
    item = data["items"][0]
    assert {"id", "topic", "text", "severity", "needs_authority_approval", "refs", "because"} <= set(item)
    assert {"standard", "section", "confidence"} == set(item["refs"][0])
    assert any("not legal advice" in n.lower() for n in data["notes"])
    order = [t["id"] for t in data["topics"]]
    assert [i["topic"] for i in data["items"]] == sorted((i["topic"] for i in data["items"]), key=order.index)


def test_confidence_tags_are_kept() -> None:
    items = {i.id: i for i in gmp_checklist(make("car_t", M(processing="closed"))).items}
    grade = {(r.standard, r.section): r.confidence for r in items["GMP-CLOSED-BACKGROUND-GRADE"].refs}
    assert grade[("eu-gmp-part-iv", "4.3.2")] == "U"
    assert grade[("pics-annex-2a", "3.13")] == "V"
    assert items["GMP-CLOSED-BACKGROUND-GRADE"].confidence == "U"
    assert any("tagged U" in n for n in gmp_checklist(make("car_t", M(processing="closed"))).notes)


def test_open_facts_are_the_ones_that_change_the_list() -> None:
    found = gmp_checklist(make("car_t"))
    open_facts = {o.fact: o for o in found.open}
    assert "manufacturing.processing" in open_facts
    assert "GMP-CLOSED-BACKGROUND-GRADE" in open_facts["manufacturing.processing"].items
    assert open_facts["manufacturing.processing"].question.endswith("?")
    # Autologous: whether the donor is matched cannot change anything, so it is not asked.
    assert "manufacturing.donor_matched" not in open_facts
    answered = gmp_checklist(make("car_t", M(processing="closed")))
    assert "manufacturing.processing" not in {o.fact for o in answered.open}


def test_authority_approval_badges() -> None:
    found = {i.id: i for i in gmp_checklist(make("car_t", M(release_before_qc_complete=True,
                                                            decentralised="point_of_care"))).items}
    assert found["GMP-RELEASE-TWO-STAGE"].needs_authority_approval
    assert found["GMP-DECENTRALISED-PREMISES-NOT-CONTROLLED"].needs_authority_approval
    assert not found["GMP-LABEL-AUTOLOGOUS"].needs_authority_approval


def test_not_an_atmp_gets_no_items_and_says_why() -> None:
    found = gmp_checklist(make("hsc", M(processing="open_aseptic")))
    assert found.items == [] and any("not an ATMP" in n for n in found.notes)


def test_undetermined_classification_is_provisional() -> None:
    facts = make("msc", cells_or_tissues__same_essential_function=None)
    verdict = evaluate(AssessmentInput.of_facts(facts)).verdicts["EU"]
    found = gmp_checklist(facts)
    if verdict.outcome == "undetermined":
        assert any("Provisional" in n or "undetermined" in n for n in found.notes)
    else:
        assert found.verdict_outcome == verdict.outcome


# --------------------------------------------------------------------------- dates and versions


def test_soho_regulation_replaces_the_directives_from_august_2027() -> None:
    before = ids(gmp_checklist(make("msc"), as_of="2027-08-06"))
    after = ids(gmp_checklist(make("msc"), as_of="2027-08-07"))
    assert "GMP-MATERIALS-HUMAN-DONATION" in before and "GMP-MATERIALS-HUMAN-DONATION-SOHO" not in before
    assert "GMP-MATERIALS-HUMAN-DONATION-SOHO" in after and "GMP-MATERIALS-HUMAN-DONATION" not in after


def test_standards_apply_from_their_dates() -> None:
    assert gmp_checklist(make("msc"), as_of="2018-05-21").items == []
    assert gmp_checklist(make("msc"), as_of="2018-05-22").items
    assert gmp_checklist(make("msc"), standard="pics", as_of="2021-04-30").items == []
    assert gmp_checklist(make("msc"), standard="pics", as_of=date(2021, 5, 1)).items


def test_unknown_standard_is_an_input_error() -> None:
    with pytest.raises(InputError, match="standard"):
        gmp_checklist(make("msc"), standard="fda")


def test_the_closed_system_item_is_found_in_one_step() -> None:
    """A newcomer looking for the closed-system requirement opens requirements/closed_systems.yaml."""
    text = (REQUIREMENTS_DIR / "closed_systems.yaml").read_text()
    assert "GMP-CLOSED-BACKGROUND-GRADE" in text and "3.13" in text


def test_malformed_data_is_refused_with_its_file(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    bad = copy / "requirements" / "closed_systems.yaml"
    bad.write_text(bad.read_text().replace("{def: closed}", "{fact: manufacturing.procesing, is: closed}", 1))
    with pytest.raises(DataFormatError, match="procesing"):
        load_data(str(copy))
    (copy / "requirements" / "closed_systems.yaml").write_text("topic: nowhere\nitems: []\n")
    with pytest.raises(DataFormatError, match="unknown topic"):
        load_data(str(copy))


def test_requirement_reference_is_generated_from_the_data() -> None:
    from atmpnav import docgen

    documented = (Path(__file__).resolve().parents[2] / "docs" / "gmp-requirements.md").read_text()
    assert documented == docgen.gmp_markdown(), "docs/gmp-requirements.md is stale: run `make docs`"
