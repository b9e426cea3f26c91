"""The "Compare regulators" page: reached from the questionnaire and from a description; a matrix whose cells
link to each regulator's reasoning on the same page."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from atmpnav.law import JURISDICTIONS

CAR_T = ("Autologous T cells transduced ex vivo with a lentiviral vector encoding an anti-CD19 chimeric antigen "
         "receptor, expanded in culture and infused to treat B-cell lymphoma")


def _rows(html: str) -> dict[str, str]:
    return dict(re.findall(r'<tr id="row-(\w+)">(.*?)</tr>', html, re.S))


def test_questionnaire_links_to_the_comparison(client: Any) -> None:
    page = client.get("/classify", params={"a": ["for_human_administration=true", "product_role=finished_product"]})
    link = re.search(r'href="(/compare\?[^"]+)"', page.text)
    assert link, "no Compare regulators link"
    compare = client.get(unquote(link.group(1)).replace("&amp;", "&"))
    assert compare.status_code == 200
    assert set(_rows(compare.text)) == set(JURISDICTIONS)


def test_matrix_cells_link_to_their_reasoning(client: Any) -> None:
    answers = ["for_human_administration=true", "product_role=finished_product", "special_category=none",
               "claimed_purpose=regenerate_repair_replace", "nucleic_acid.present=false",
               "cells_or_tissues.present=true",
               "cells_or_tissues.form=intact_cells", "cells_or_tissues.source=autologous",
               "cells_or_tissues.viability=viable", "cells_or_tissues.blood_component=false",
               "cells_or_tissues.manipulations=expansion", "cells_or_tissues.same_essential_function=true",
               "device.present=false"]
    page = client.get("/compare", params={"a": answers, "as_of": "2026-11-25"})
    assert page.status_code == 200, page.text
    rows = _rows(page.text)
    for code, row in rows.items():
        targets = set(re.findall(r'href="#([\w-]+)"', row))
        assert f"j-{code}" in targets, (code, targets)
        assert f'id="j-{code}"' in page.text
    assert "TEP" in rows["EU"] and "transplant product" in rows["CH"]
    assert "regenerative medical product (cell-processed)" in rows["JP"] and "ASRM class II" in rows["JP"]
    assert 'href="/rules/CH-1"' in rows["CH"]


def test_description_posts_to_the_comparison(client: Any) -> None:
    described = client.post("/describe", data={"text": CAR_T, "as_of": "2026-11-25"})
    assert 'formaction="/compare"' in described.text
    compare = client.post("/compare", data={"text": CAR_T, "as_of": "2026-11-25"})
    assert compare.status_code == 200
    assert set(_rows(compare.text)) == set(JURISDICTIONS)
    assert client.post("/compare", data={"text": " "}).status_code in {400, 422}
    assert client.get("/compare", params={"j": "XX"}).status_code == 404
