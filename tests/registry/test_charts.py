"""Charts: valid PNG / SVG / HTML files with the right numbers."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from atmpnav.errors import InputError
from atmpnav.registry.charts import chart_data, render_chart

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_chart_data_of_19_march_2024(db) -> None:  # type: ignore[no-untyped-def]
    data = chart_data("2024-03-19", engine=db.engine)
    assert (data.authorised, data.still_authorised, data.first_year) == (26, 19, 2009)
    by_category = {s.category: s for s in data.series}
    assert list(by_category) == ["GTMP", "sCTMP", "TEP"]
    assert (by_category["TEP"].authorised, by_category["TEP"].combined) == (4, 1)
    assert by_category["GTMP"].timeline[-1][1] == 18
    assert any("EuroGCT" in note for note in data.notes)


def test_png(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import matplotlib.image

    out = render_chart("2024-03-19", tmp_path / "chart.png", engine=db.engine)
    assert out.read_bytes()[:8] == PNG_MAGIC
    height, width, _ = matplotlib.image.imread(out).shape
    assert width >= 1600 and height >= 900  # 16:9 at slide resolution


def test_svg(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = render_chart("2024-03-19", tmp_path / "nested" / "chart.svg", engine=db.engine)
    root = ET.parse(out).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "ATMPs authorised in the EU, as of 2024-03-19" in out.read_text(encoding="utf-8")


def test_html_is_self_contained(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = render_chart("2024-03-19", tmp_path / "chart.html", engine=db.engine)
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<svg" in page and "</html>" in page
    assert "ATMPs authorised in the EU, as of 2024-03-19" in page  # ISO dates everywhere
    assert "<td>26</td><td>19</td>" in page
    assert "<script" not in page and "http://" not in page.split("<svg", 1)[0]


def test_bad_output_format(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"must end in \.png, \.svg, \.html"):
        render_chart("2024-03-19", tmp_path / "chart.pdf")
