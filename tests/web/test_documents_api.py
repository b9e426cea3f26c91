"""Document downloads of a saved assessment through the API and the assessment page."""

from __future__ import annotations

import io
from typing import Any

import docx
from pypdf import PdfReader

from atmpnav.web.schemas import CAR_T_FACTS


def test_documents_of_an_assessment(client: Any) -> None:
    created = client.post("/api/v1/assessments", json={"title": "Downloads", "facts": CAR_T_FACTS}).json()
    base = f"/api/v1/assessments/{created['id']}/documents"
    report = client.get(f"{base}/report")
    assert report.status_code == 200 and report.headers["content-type"] == "application/pdf"
    assert "attachment" in report.headers["content-disposition"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(report.content)).pages)
    assert "Downloads" in text and "Signatures" in text
    for kind, needle in [("ema-classification-request", "Mandatory fields still empty"),
                         ("fda-pre-rfd", "Pre-RFD"), ("fda-rfd", "15 pages")]:
        response = client.get(f"{base}/{kind}")
        assert response.status_code == 200, kind
        assert response.headers["content-disposition"].endswith(f'-{kind}.docx"')
        document = docx.Document(io.BytesIO(response.content))
        assert needle in "\n".join(p.text for p in document.paragraphs), kind
    assert client.get(f"{base}/mhra-advice").status_code == 422
    assert client.get("/api/v1/assessments/99999/documents/report").status_code == 404
    assert client.get(f"{base}/report?version=9").status_code == 404
    page = client.get(f"/assessments/{created['id']}").text
    assert f"{base}/report" in page and f"{base}/ema-classification-request" in page


def test_openapi_documents_the_download(client: Any) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/v1/assessments/{assessment_id}/documents/{kind}" in paths
