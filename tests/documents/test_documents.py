"""Document drafts and the PDF report, opened and read back: the .docx with python-docx, the PDF with pypdf."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from pypdf import PdfReader

from atmpnav import store
from atmpnav.assess import AssessmentInput
from atmpnav.documents.forms import FORMS, context, parse_settings, render_form
from atmpnav.documents.report import render_report_pdf
from atmpnav.documents.saved import read_assessment
from atmpnav.documents.sources import from_assessment, from_facts, write_new
from atmpnav.errors import InputError, UnknownNameError
from tests.gmp.products import BASES, make


def text_of(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    parts += [p.text for section in document.sections for p in section.footer.paragraphs]
    return "\n".join(parts)


def first_page(data: bytes) -> str:
    """The paragraphs before the first page break."""
    document = docx.Document(io.BytesIO(data))
    lines = []
    for paragraph in document.paragraphs:
        if 'w:br w:type="page"' in paragraph._p.xml:
            break
        lines.append(paragraph.text)
    return "\n".join(lines)


@pytest.fixture
def engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    url = f"sqlite:///{tmp_path / 'docs.db'}"
    monkeypatch.setenv(store.ENV_DATA_DIR, str(tmp_path / "data"))
    monkeypatch.setenv(store.ENV_DATABASE_URL, url)
    yield store.get_engine(url)
    store.dispose_engines()


def save(engine: Any, base: str = "car_t", **manufacturing: Any) -> int:
    from atmpnav import assessments

    facts = make(base, manufacturing or {"processing": "closed", "release_before_qc_complete": True})
    return assessments.create(engine, title=f"{base} <review> & sign-off", given=AssessmentInput.of_facts(facts),
                              jurisdictions=["EU"], as_of="2026-11-30", note=None).assessment_id


# --------------------------------------------------------------------------- EMA classification request


def test_ema_request_prefilled_with_the_empty_mandatory_fields_on_page_1() -> None:
    source = from_facts(make("chondrocytes"), "chondrocytes.yaml")
    data = render_form("ema-classification-request", source)
    page_1 = first_page(data)
    assert "Mandatory fields still empty (2)" in page_1
    assert "Company developing the product" in page_1 and "Person authorised to communicate" in page_1
    assert "atmpclassification@ema.europa.eu" in page_1 and "not PDF" in page_1
    body = text_of(data)
    assert "Tissue engineered; Combined" in body
    assert "Autologous chondrocytes on a collagen membrane" in body
    assert "knee cartilage defects" in body
    assert "membrane, integral part of the product" in body
    assert "EU-T1: " in body and "EU-D1: " in body and "(Basis: Regulation (EC) No 1394/2007" in body
    assert "Facts file chondrocytes.yaml" in body and "rule set EU eu-" in body  # footer


def test_set_fills_fields_and_strict_refuses_while_empty(tmp_path: Path) -> None:
    settings = parse_settings(["applicant_company=Acme Bio", "contact_person=Dr A. Person"],
                              "ema-classification-request")
    source = from_facts(make("chondrocytes"), "c.yaml")
    assert context("ema-classification-request", source, settings)["missing"] == []
    assert "None: every mandatory field" in first_page(render_form("ema-classification-request", source, settings))
    with pytest.raises(InputError, match="FIELD=VALUE"):
        parse_settings(["colour=red"], "ema-classification-request")


def test_undetermined_classification_leaves_the_classification_empty() -> None:
    facts = make("msc", cells_or_tissues__same_essential_function=None,
                 cells_or_tissues__manipulations=["enzymatic_digestion"])
    found = context("ema-classification-request", from_facts(facts, "f.yaml"))
    assert found["verdict_line"].startswith("EU classification by ATMP Navigator: undetermined (likely sCTMP)")
    assert any(label.startswith("Proposed classification") for label in found["missing"])


def test_xml_special_characters_are_escaped() -> None:
    facts = make("msc", name="MSC <batch> & \"co\"")
    assert 'MSC <batch> & "co"' in text_of(render_form("ema-classification-request", from_facts(facts, "x.yaml")))


# --------------------------------------------------------------------------- FDA drafts


def test_fda_rfd_has_the_3_7_structure_and_the_page_budget() -> None:
    data = render_form("fda-rfd", from_facts(make("car_t"), "car-t.yaml"))
    page_1 = first_page(data)
    assert "of the 15 pages allowed" in page_1 and "words at 500 words per page" in page_1
    assert "(1) Sponsor name" in page_1
    body = text_of(data)
    for heading in ("(1) Identity of the sponsor", "(2) Description of the product", "(3) Recommended lead centre"):
        assert heading in body
    assert "CBER (Office of Therapeutic Products); basis: the US classification 351 gene therapy" in body


def test_rfd_over_budget_is_flagged() -> None:
    long = " ".join(["word"] * 8000)
    found = context("fda-rfd", from_facts(make("car_t"), "x.yaml"), {"other_information": long})
    assert found["pages"] > 15 and found["over_budget"]
    assert "Over the 15-page limit" in first_page(render_form("fda-rfd", from_facts(make("car_t"), "x.yaml"),
                                                              {"other_information": long}))


def test_fda_pre_rfd() -> None:
    data = render_form("fda-pre-rfd", from_facts(make("chondrocytes"), "c.yaml"))
    assert "informal, nonbinding" in first_page(data) and "5 business days" in first_page(data)
    assert "Device part: membrane" in text_of(data)


def test_unknown_kind() -> None:
    with pytest.raises(UnknownNameError):
        render_form("mhra-advice", from_facts(make("msc"), "x.yaml"))
    assert set(FORMS) == {"ema-classification-request", "fda-pre-rfd", "fda-rfd"}


# --------------------------------------------------------------------------- saved assessments and the PDF report


def test_document_from_a_saved_assessment_names_it_in_the_footer(engine: Any) -> None:
    assessment_id = save(engine)
    saved = read_assessment(engine, assessment_id)
    body = text_of(render_form("fda-rfd", from_assessment(saved)))
    assert f"Assessment #{assessment_id}, version 1 (sha256 {saved.hash[:16]})" in body
    assert "the US verdict was computed for this draft" in body  # saved with EU only


def test_pdf_report_content(engine: Any) -> None:
    assessment_id = save(engine)
    saved = read_assessment(engine, assessment_id)
    pdf = render_report_pdf(saved)
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join((page.extract_text() or "") for page in reader.pages)
    flat = " ".join(text.split())
    assert "car_t <review> & sign-off" in flat
    assert saved.hash[:32] in flat.replace(" ", "")
    assert f"Rule set (EU) {saved.envelope.verdicts['EU'].ruleset}" in flat
    assert "GMP checklist (EU GMP Part IV)" in flat and "GMP-CLOSED-BACKGROUND-GRADE" in flat
    assert "Annex 2A 3.13 [V]" in flat
    assert "Authored by" in flat and "Reviewed by" in flat and "Approved by" in flat
    assert f"Page 1 of {len(reader.pages)}" in flat
    assert reader.metadata.title.startswith(f"Assessment #{assessment_id} v1")


# --------------------------------------------------------------------------- writing files and the CLI


def test_write_new_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "draft.docx"
    target.write_bytes(b"the user's own file")
    with pytest.raises(InputError, match="exists"):
        write_new(target, b"new")
    assert target.read_bytes() == b"the user's own file"
    write_new(target, b"new", force=True)
    assert target.read_bytes() == b"new"
    with pytest.raises(InputError, match="does not exist"):
        write_new(tmp_path / "missing" / "x.docx", b"x")
    assert [p.name for p in tmp_path.iterdir()] == ["draft.docx"]  # no temporary file left behind


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "atmpnav.cli", *args], capture_output=True, text=True,
                          timeout=180, env={**os.environ, **env})


def test_cli_document_and_report(tmp_path: Path, engine: Any) -> None:
    env = {store.ENV_DATABASE_URL: os.environ[store.ENV_DATABASE_URL], store.ENV_DATA_DIR: str(tmp_path / "d")}
    facts_file = tmp_path / "car-t.yaml"
    facts_file.write_text(yaml.safe_dump(BASES["car_t"][0]))
    out = tmp_path / "ema.docx"
    result = run("document", "ema-classification-request", str(facts_file), "--out", str(out),
                 "--set", "applicant_company=Acme Bio", env=env)
    assert result.returncode == 0, result.stderr
    assert "Still empty (mandatory, listed on page 1): Person authorised" in result.stdout
    assert "Acme Bio" in text_of(out.read_bytes())
    again = run("document", "ema-classification-request", str(facts_file), "--out", str(out), env=env)
    assert again.returncode == 2 and "exists" in again.stderr
    strict = run("document", "ema-classification-request", str(facts_file), "--out", str(tmp_path / "s.docx"),
                 "--strict", env=env)
    assert strict.returncode == 2 and "mandatory" in strict.stderr and not (tmp_path / "s.docx").exists()

    assessment_id = save(engine)
    pdf = tmp_path / "report.pdf"
    result = run("report", str(assessment_id), "--out", str(pdf), env=env)
    assert result.returncode == 0, result.stderr
    assert PdfReader(str(pdf)).pages
    rfd = tmp_path / "rfd.docx"
    assert run("document", "fda-rfd", f"#{assessment_id}", "--out", str(rfd), env=env).returncode == 0
    assert "(3) Recommended lead centre" in text_of(rfd.read_bytes())
    assert run("report", "999", "--out", str(tmp_path / "n.pdf"), env=env).returncode == 2
    assert run("report", str(assessment_id), "--out", str(tmp_path / "r.txt"), env=env).returncode == 2
    assert run("document", "nonsense", str(facts_file), "--out", str(tmp_path / "n.docx"), env=env).returncode == 2
