"""The plain-language questions: one per fact, answers coerced or refused with what is allowed."""

from __future__ import annotations

import pytest

from atmpnav.facts import ProductFacts, with_fact
from atmpnav.questions import QUESTIONS, coerce_answer


@pytest.mark.parametrize("path", sorted(QUESTIONS))
def test_every_question_names_a_real_fact_and_accepts_its_options(path: str) -> None:
    question = QUESTIONS[path]
    value = {"bool": True, "enum": question.options[:1] and question.options[0],
             "list": list(question.options[:2]), "number": 1}[question.kind]
    assert with_fact(ProductFacts(), path, value) is not None
    assert question.text.endswith("?")


def test_coercion() -> None:
    assert coerce_answer("for_human_administration", "Y") is True
    assert coerce_answer("for_human_administration", "no") is False
    assert coerce_answer("claimed_purpose", "2") == "regenerate_repair_replace"
    assert coerce_answer("cells_or_tissues.manipulations", "16, cryopreservation") == ["expansion", "cryopreservation"]
    assert coerce_answer("cells_or_tissues.manipulations", "none") == []
    for path, raw, needle in [("for_human_administration", "perhaps", "yes or no"),
                              ("claimed_purpose", "9", "choose one of"),
                              ("cells_or_tissues.manipulations", "dancing", "unknown step")]:
        with pytest.raises(ValueError, match=needle):
            coerce_answer(path, raw)
