"""The release header: the date line that anchors year-less dates, and the title."""

from __future__ import annotations

from datetime import date
from functools import cache

import pytest
from spacy.language import Language

from wpstrack.extract.model import state
from wpstrack.extract.pipeline import build_pipeline, prepare


@cache
def _nlp() -> Language:
    return build_pipeline(["release_header"])


def _header(text: str):
    doc = prepare(_nlp(), text)
    for _name, proc in _nlp().pipeline:
        doc = proc(doc)
    return state(doc)


@pytest.mark.parametrize(
    ("text", "expected", "surface"),
    [
        (
            "Women, Peace and Security\n\nMarch 18, 2024\nMinister holds a dialogue on WPS\n",
            date(2024, 3, 18),
            "March 18, 2024",
        ),
        (
            "News story\n\nFrom:\nFCDO\nPublished\n14 November 2023\n\nThe Minister met ...",
            date(2023, 11, 14),
            "14 November 2023",
        ),
        (
            "News release\n\nOTTAWA, ON, March 8, 2024 /CNW/ - Today, the Minister ...",
            date(2024, 3, 8),
            "March 8, 2024",
        ),
        (
            "Press release | Date: 05.12.2023 | No: 142/23\nMinistry",
            date(2023, 12, 5),
            "05.12.2023",
        ),
        (
            "Government\nNews item | 16-04-2024 | 15:42\n\nTitle here",
            date(2024, 4, 16),
            "16-04-2024",
        ),
        (
            "News\n\nDate: Wednesday, 13 March 2024\n\nNew York - Text",
            date(2024, 3, 13),
            "Wednesday, 13 March 2024",
        ),
        (
            "PEACE AND SECURITY COUNCIL\nADDIS ABABA, ETHIOPIA\n8 MARCH 2024\n",
            date(2024, 3, 8),
            "8 MARCH 2024",
        ),
        (
            "上川外務大臣による意見交換会の開催\n\n令和6年7月30日\n\n本文",
            date(2024, 7, 30),
            "令和6年7月30日",
        ),
    ],
)
def test_release_date_comes_from_the_date_line_with_its_span(text, expected, surface):
    st = _header(text)
    assert st.release_date == expected
    assert st.release_date_span is not None
    start, end = st.release_date_span
    assert text[start:end] == surface


@pytest.mark.parametrize(
    "text",
    [
        "Press Release\n\nOn 14 March 2024, commencing at 11:00 a.m., a ceremony was held.",
        "Summary\n\nThe Network held its capital-level meeting virtually on 6 June 2024 at 14:00.",
        "Statement by the Special Representative\n\nToday, on the International Day, we honour.",
    ],
)
def test_a_date_inside_a_sentence_is_not_a_date_line(text):
    assert _header(text).release_date is None


def test_reader_supplied_release_date_is_kept_when_the_text_has_no_date_line():
    doc = prepare(_nlp(), "Statement\n\nWe met today.", release_date=date(2024, 6, 1))
    for _name, proc in _nlp().pipeline:
        doc = proc(doc)
    assert state(doc).release_date == date(2024, 6, 1)


def test_mofa_title_is_the_line_under_the_date_and_slices_exactly():
    text = (
        "Human Rights\n\nFebruary 27, 2024\nState Minister Minegishi meets with Ms. "
        "Halvorsen\nThe meeting\n"
    )
    st = _header(text)
    mention = st.extra["title"]
    assert mention.value == "State Minister Minegishi meets with Ms. Halvorsen"
    assert text[mention.start : mention.end] == mention.value


def test_title_of_a_release_that_leads_with_its_headline():
    text = (
        "News story\n\nUK hosts women peacebuilders and pledges new funding\n\nPublished\n14 "
        "November 2023\n"
    )
    assert _header(text).get("title") == "UK hosts women peacebuilders and pledges new funding"


def test_a_labelled_date_at_the_foot_is_the_fallback():
    body = "\n".join(f"Paragraph {n} of the story." for n in range(20))
    text = f"News story\n\nUK hosts peacebuilders\n\n{body}\n\nPublished 14 November 2023\n"
    st = _header(text)
    assert st.release_date == date(2023, 11, 14)
    start, end = st.release_date_span
    assert text[start:end] == "14 November 2023"


@pytest.mark.parametrize(
    ("line", "headline"),
    [
        ("Foreign Minister meets the Executive Director of UN Women", True),
        ("日・ノルウェー外相電話会談", True),
        ("Ministry of Foreign Affairs of Japan", False),  # the site's name
        ("NATO - North Atlantic Treaty Organization", False),
        ("Ministerio de Asuntos Exteriores, Unión Europea y Cooperación", False),
        ("Press releases", False),  # a section's name
        ("The Minister met women mediators in Dakar today and announced new funding.", False),
        ("1　本日、外務大臣は国連女性機関事務局長と会談しました。", False),  # a first paragraph
        ("Ladies and gentlemen, dear colleagues,", False),
        ("by the Deputy Secretary General at the conference on women", False),
    ],
)
def test_a_headline_is_a_phrase_not_a_site_section_or_paragraph(line, headline):
    from wpstrack.extract.header import is_headline

    assert is_headline(line) is headline


def test_title_of_a_capture_skips_the_site_furniture_above_the_headline():
    from wpstrack.extract.furniture import blank, furniture_spans

    text = (
        "Skip to main content\nMinistry of Foreign Affairs of Japan\nHome > Press releases\n"
        "Press releases\n12 March 2025\nForeign Minister meets women mediators from the Sahel\n"
        "The Foreign Minister met women mediators from the Sahel in Tokyo today.\n"
    )
    assert _header(blank(text, furniture_spans(text))).get("title") == (
        "Foreign Minister meets women mediators from the Sahel"
    )
