"""Page furniture and a web page's main content are skipped without moving an offset."""

from __future__ import annotations

from pathlib import Path

import pytest

from wpstrack.documents import extract_record, read_bytes, read_path
from wpstrack.extract.furniture import blank, furniture_spans, main_content_spans, release_view
from wpstrack.extract.pipeline import extract_text
from wpstrack.webpage import headline

PAGES = Path(__file__).parent / "data" / "pages"

CAPTURE = """Skip to main content
Cookies on this site: we use some essential cookies to make this website work.
Home > News > Press releases
Back to News
Minister meets women mediators from the Sahel in Dakar
12 March 2025
The Minister for Foreign Affairs, Ms. Ana Lopez, met women mediators in Dakar today.
She announced support for UN Women's work on resolution 1325.
Photo: Jane Doe / Ministry of Foreign Affairs
E&OE
Share this page
Facebook Twitter LinkedIn
Media enquiries
Press office of the Ministry: +1 555 0100, UNICEF liaison desk
© 2025 Ministry of Foreign Affairs
"""


def _skipped_lines(text: str) -> list[str]:
    view = blank(text, furniture_spans(text))
    return [a for a, b in zip(text.split("\n"), view.split("\n"), strict=True) if a != b]


def test_furniture_lines_are_blanked_and_the_release_kept_with_its_offsets():
    view = blank(CAPTURE, furniture_spans(CAPTURE))
    assert len(view) == len(CAPTURE)
    assert [i for i, c in enumerate(view) if c == "\n"] == [
        i for i, c in enumerate(CAPTURE) if c == "\n"
    ]
    skipped = _skipped_lines(CAPTURE)
    for kept in ("Minister meets women", "12 March 2025", "Ms. Ana Lopez", "resolution 1325"):
        assert not any(kept in line for line in skipped), kept
    for furniture in ("Skip to", "Cookies", "Home >", "Back to", "Photo:", "E&OE", "Share", "©"):
        assert any(line.startswith(furniture) for line in skipped), furniture


def test_a_footer_cue_in_the_second_half_skips_the_rest():
    skipped = _skipped_lines(CAPTURE)
    assert "Press office of the Ministry: +1 555 0100, UNICEF liaison desk" in skipped


@pytest.mark.parametrize(
    "line",
    [
        "Media enquiries",  # a footer cue in the first half opens no footer
        "The Minister said the page had been archived by the ministry last year, and more.",
    ],
)
def test_release_lines_that_resemble_cues_stay(line):
    text = f"Minister meets mediators in Dakar\n{line}\n" + "The Minister met them.\n" * 20
    assert line not in _skipped_lines(text)


def test_extraction_ignores_organisations_named_only_in_furniture():
    record = extract_text(blank(CAPTURE, furniture_spans(CAPTURE)))
    assert "UNICEF" not in record["organisations"]
    assert "UN Women" in record["organisations"]
    unmasked = extract_text(CAPTURE)
    assert "UNICEF" in unmasked["organisations"]  # the furniture did carry it


def test_main_content_is_found_again_in_the_stored_text_despite_rewritten_spacing():
    text = "Menu\n\nA headline here\n\n1. First  item of the list\nSecond line.\n\nFooter\n"
    spans = main_content_spans(text, "A headline here\n- First item of the list\nSecond line.")
    assert spans is not None
    assert [text[s:e] for s, e in spans] == [
        "A headline here",
        "First  item of the list",
        "Second line.",
    ]
    assert main_content_spans(text, "Nothing of this is on the page at all") is None


def test_outside_the_main_content_only_header_date_and_headline_lines_stay():
    body = "Body text of the release, long enough to be the most of the page."
    text = f"Site name\nHeadline of the day\n9 June 2025\n{body}\nSidebar 2025\n"
    view = release_view(text, body, "Headline of the day")
    kept = [line.strip() for line in view.split("\n")]
    assert kept == ["", "Headline of the day", "9 June 2025", body, "", ""]


HTML = """<!doctype html><html><head><title>Minister visits Chad to meet refugee women | GOV.UK
</title><meta property="og:site_name" content="GOV.UK"></head><body>
<header><a href="#main">Skip to main content</a><p>GOV.UK</p></header>
<nav class="breadcrumbs"><a>Home</a> <a>World</a></nav>
<main id="main"><h1>Minister visits Chad to meet refugee women</h1>
<p>From: <a>Foreign Office</a></p><p>Published 3 April 2025</p>
<p>The Minister for Africa, Ms. Ruth Adams, visited the Farchana refugee camp in Chad on 2 April
and met Sudanese women refugees supported by UNHCR and UN Women under resolution 1325.</p>
<p>She announced new funding for survivors of sexual violence in conflict, saying that women
must be part of every decision on the future of Sudan and of the refugees who fled the war.</p>
<p>The Minister also met representatives of women-led organisations working in the camps.</p>
</main><aside class="related"><h2>Related content</h2><p>UNICEF appeal for Gaza</p></aside>
<footer><p>OGL. All content is available under the Open Government Licence</p></footer>
</body></html>"""


def test_html_spans_point_exactly_into_the_stored_text():
    document = read_bytes(HTML.encode(), filename="page.html")
    assert document.main_text
    record = extract_record(document)
    view = release_view(document.text, document.main_text, document.title)
    assert record["spans"]
    for span in record["spans"]:
        source = document.text[span["start"] : span["end"]]
        assert source == view[span["start"] : span["end"]]
        assert source.strip(), span
    assert document.title == "Minister visits Chad to meet refugee women"
    assert "UNICEF" not in record["organisations"]


@pytest.mark.parametrize("path", sorted(PAGES.glob("pages-*.*")), ids=lambda p: p.name)
def test_every_span_of_a_page_capture_is_its_value_source_in_the_stored_text(path):
    document = read_path(path)
    record = extract_record(document)
    view = release_view(document.text, document.main_text, document.title)
    for span in record["spans"]:
        if span["field"] == "acting_country" and span["method"] == "acting.header_body":
            # Whose activity it is may be read from the masthead, which names the publishing
            # government and is furniture to every other field (roles._header_body).
            continue
        source = document.text[span["start"] : span["end"]]
        assert source == view[span["start"] : span["end"]], span
        if isinstance(span["value"], str) and span["field"] in {"title", "city"}:
            assert source.strip(), span


@pytest.mark.parametrize(
    ("candidates", "sites", "expected"),
    [
        (["Minister visits Chad | GOV.UK"], ["GOV.UK"], "Minister visits Chad"),
        (["Director visits camps - UN Women - Site"], ["Site"], "Director visits camps"),
        (["News", "Minister visits Chad | Site"], [], "Minister visits Chad"),
        (["GOV.UK", "Minister visits Chad"], ["GOV.UK"], "Minister visits Chad"),
        (
            ["Japan - Philippines Foreign Ministers' Meeting"],
            [],
            "Japan - Philippines Foreign Ministers' Meeting",
        ),
        (
            ["Ministry of Foreign Affairs of Japan", "Minister visits Chad"],
            [],
            "Minister visits Chad",
        ),
        (["Home"], [], None),
    ],
)
def test_headline_is_the_release_title_without_site_or_section_names(candidates, sites, expected):
    assert headline(candidates, sites) == expected


def test_an_ingested_capture_without_a_headline_gets_no_paragraph_as_its_title(conn):
    from sqlalchemy import select

    from wpstrack import ingest, schema

    text = (
        "The Minister for Foreign Affairs met women mediators from the Sahel in Dakar today, "
        "and announced support for their work under resolution 1325.\n"
    )
    outcome = ingest.ingest_content(
        conn,
        text.encode(),
        ingest.Source("memory", "memory", "capture.txt", "0" * 64, len(text)),
    )
    title = conn.execute(
        select(schema.document.c.title).where(schema.document.c.id == outcome.document_id)
    ).scalar_one()
    assert title is None


def test_a_masthead_naming_only_the_publisher_is_skipped_but_not_the_body():
    text = (
        "Ministry of Foreign Affairs of Japan\n外務省\n"
        "Foreign Minister meets the Executive Director of UN Women\n"
        "The Ministry of Foreign Affairs of Japan hosted the meeting.\nUN Women\n"
        + "More text of the release follows here.\n"
        * 5
    )
    view = release_view(text)
    assert view.split("\n")[0].strip() == "" and view.split("\n")[1].strip() == ""
    assert "The Ministry of Foreign Affairs of Japan hosted" in view
    assert "\nUN Women\n" not in view  # a name alone in the header lines is a masthead
