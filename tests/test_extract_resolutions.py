"""Security Council resolution numbers as official texts cite them."""

from __future__ import annotations

from functools import cache

import pytest
from spacy.language import Language

from wpstrack.extract.model import state
from wpstrack.extract.pipeline import build_pipeline, prepare


@cache
def _nlp() -> Language:
    return build_pipeline(["resolutions"])


def _mentions(text: str) -> list[tuple[int, str]]:
    doc = prepare(_nlp(), text)
    for _name, proc in _nlp().pipeline:
        doc = proc(doc)
    return [(m.value, text[m.start : m.end]) for m in state(doc).lists.get("resolutions", [])]


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("the Council unanimously adopted the UNSCR 1325 on Women, Peace and Security", [1325]),
        ("the 25th anniversary of resolution 1325 (2000) in 2025", [1325]),
        ("Security Council Resolution 1325, women are still under-represented", [1325]),
        ("in line with resolutions 1325 and 1820", [1325, 1820]),
        (
            "resolutions 1820 (2008), 1888 (2009), 1960 (2010), 2106 (2013) and 2467 (2019) must",
            [1820, 1888, 1960, 2106, 2467],
        ),
        ("in line with resolution 1325 and resolution 2493 (2019), it is", [1325, 2493]),
        ("(Reference) Resolutions 2122 and 2242", [2122, 2242]),
        ("S/RES/1325 (2000) was adopted", [1325]),
        ("国連安全保障理事会決議第1325号の採択から25年", [1325]),
        ("安保理決議第1325号及び第1820号", [1325, 1820]),
    ],
)
def test_cited_resolutions_with_spans_on_the_numbers(text, numbers):
    found = _mentions(text)
    assert [n for n, _ in found] == numbers
    assert all(surface == str(n) for n, surface in found)


@pytest.mark.parametrize(
    "text",
    [
        "the Human Rights Council resolution 52/7 on women",
        "General Assembly resolution A/RES/70/1",
        "the Dutch National Action Plan 1325-IV (2021-2025)",
        "the 9761st Meeting, SC/15862, 24 October 2024",
        "a resolution on the elimination of discrimination against women",
    ],
)
def test_numbers_that_are_not_security_council_resolutions(text):
    assert _mentions(text) == []


def test_a_list_ends_at_a_number_that_is_not_a_resolution():
    assert [n for n, _ in _mentions("resolution 2467, 2 million survivors")] == [2467]
