"""Issue 14's acceptance on the demo's fictional example plan EX-NAP1: ``wpstrack report
--plan EX-NAP1 --period 2024 --format pdf|docx`` has every section filled, the PDF and the
DOCX carry the same headings, tables and charts, the Japanese edition reads in Japanese, the
cover names the plan's ministry, and every page says the plan is fictional (a real plan's
report says nothing of the kind).

The database is loaded exactly as the demo loads it (:func:`wpstrack.demo.load_reference`:
reference data, Japan's plans, the example plan with its values and funding, then its
narratives) and the files are written by the command line, as a user would write them.
"""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from pypdf import PdfReader
from sqlalchemy import Connection, Engine, select, update
from typer.testing import CliRunner

from report_structure import assert_same_structure, keep_pages_as_png, squeezed
from wpstrack import demo, example, funding, narratives, plans, reports, schema
from wpstrack.cli import app
from wpstrack.db import make_engine, upgrade
from wpstrack.reports.blocks import Chart, Contents, Heading, Paragraph, Table
from wpstrack.reports.document import layout

PLAN = example.PLAN
PERIOD = "2024"
MARK = {"en": "Fictional example", "ja": "架空の例"}
MINISTRY = {
    "en": "Ministry of Foreign Affairs of Examplia (fictional)",
    "ja": "エグザンプリア外務省（架空）",
}


@pytest.fixture(scope="module")
def database(databases: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A committed database the demo's way: reference data, plans, the example and its
    narratives."""
    url = databases.new_url()
    eng = make_engine(url)
    with eng.begin() as conn:
        upgrade(conn)
        demo.load_reference(conn)
    eng.dispose()
    yield url


@pytest.fixture(scope="module")
def engine(database: str) -> Iterator[Engine]:
    eng = make_engine(database)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def files(database: str, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], bytes]:
    """The PDF and DOCX, English and Japanese, as ``wpstrack report`` writes them."""
    folder = tmp_path_factory.mktemp("example-report")
    written = {}
    with pytest.MonkeyPatch.context() as env:
        env.setenv("WPSTRACK_DATABASE_URL", database)
        env.setenv("WPSTRACK_DATA_DIR", str(folder))
        for lang in ("en", "ja"):
            for fmt in ("pdf", "docx"):
                out = folder / f"{PLAN}-{lang}.{fmt}"
                args = ["report", "--plan", PLAN, "--period", PERIOD, "--format", fmt]
                result = CliRunner().invoke(app, [*args, "--lang", lang, "-o", str(out)])
                assert result.exit_code == 0, (result.output, result.stderr)
                written[lang, fmt] = out.read_bytes()
    return written


def _texts(conn: Connection) -> dict[str, str]:
    """The example's current narrative of each section for the period, as printed (the
    report joins a paragraph's lines)."""
    current = narratives.current(conn, PLAN, PERIOD)
    return {s: " ".join(n.text.split()) for s, n in current.items()}


def _docx_parts(document: Any) -> dict[str, list[tuple[str, Any]]]:
    """The DOCX body under each level-1 heading, in order: ("p", paragraph) and ("table",
    table) pairs."""
    parts: dict[str, list[tuple[str, Any]]] = {}
    current: list[tuple[str, Any]] | None = None
    paragraphs = {p._p: p for p in document.paragraphs}
    tables = {t._tbl: t for t in document.tables}
    for child in document.element.body.iterchildren():
        if child in tables:
            if current is not None:
                current.append(("table", tables[child]))
            continue
        p = paragraphs.get(child)
        if p is None:
            continue
        if p.style.name == "Heading 1":
            current = parts.setdefault(p.text, [])
        elif current is not None:
            current.append(("p", p))
    return parts


def _followed_by_table(part: list[tuple[str, Any]], caption_end: str) -> Any:
    """The DOCX table whose caption ends with ``caption_end``."""
    for i, (kind, found) in enumerate(part):
        if kind == "p" and found.style.name == "Caption" and found.text.endswith(caption_end):
            kind_after, table = part[i + 1]
            assert kind_after == "table", found.text
            return table
    raise AssertionError(f"no table captioned {caption_end!r}")


# --- every section filled, in the files the command line writes ----------------------------


def test_every_pillar_of_the_example_report_has_narrative_indicators_chart_and_funding(
    conn: Connection, files: dict[tuple[str, str], bytes]
) -> None:
    document = docx.Document(io.BytesIO(files["en", "docx"]))
    parts = _docx_parts(document)
    texts = _texts(conn)
    report = reports.build_report(conn, PLAN, PERIOD)
    assert [s.code for s in report.sections] == [
        "participation",
        "prevention",
        "protection",
        "relief_recovery",
    ]
    for sec in report.sections:
        part = parts[sec.title]
        words = [p.text for kind, p in part if kind == "p"]
        assert texts[str(sec.code)] in words, f"{sec.title}: its narrative"
        indicators = _followed_by_table(part, f"Indicators: {sec.title}")
        header = [c.text for c in indicators.rows[0].cells]
        actual = header.index("Actual")
        rows = indicators.rows[1:]
        assert rows and all(r.cells[actual].text.endswith(f"({PERIOD})") for r in rows), sec.title
        chart = [
            p
            for kind, p in part
            if kind == "p" and p.text.endswith(f"Progress towards the target: {sec.title}")
        ]
        assert len(chart) == 1, f"{sec.title}: its chart"
        pictures = [p for kind, p in part if kind == "p" and p._p.xpath(".//pic:pic")]
        assert pictures, f"{sec.title}: the chart is a picture"
        money = _followed_by_table(part, f"Funding: {sec.title} (USD)")
        committed = money.rows[1].cells[0].text
        assert committed not in ("", "0.00", "—"), f"{sec.title}: funding {committed!r}"
        # The example records no activity: the part says so instead of standing empty.
        assert f"No activity recorded in {PERIOD}." in words, sec.title
    summary = [p.text for kind, p in parts["Executive summary"] if kind == "p"]
    assert texts["summary"] in summary
    assert (
        "Annex A: sources" in parts
        and "Annex B: funding scored on the gender equality marker" in parts
    )


def test_no_heading_of_the_example_report_is_left_empty(conn: Connection) -> None:
    for lang in ("en", "ja"):
        blocks = layout(reports.build_report(conn, PLAN, PERIOD, language=lang)).blocks
        for i, block in enumerate(blocks):
            if isinstance(block, Heading):
                assert i + 1 < len(blocks), f"{block.text} ends the report"
                after = blocks[i + 1]
                assert not isinstance(after, Heading) or after.level > block.level, block.text
        empty = [b for b in blocks if isinstance(b, Paragraph) and b.kind == "none"]
        # Only the parts the example has no data for: activities (none recorded) and so the
        # sources they would cite. Narratives, indicators and funding are all there.
        assert len(empty) == 1 + 4 + 1, [b.text for b in empty]


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_example_reports_pdf_and_docx_have_the_same_headings_tables_and_charts(
    conn: Connection, files: dict[tuple[str, str], bytes], lang: str
) -> None:
    found = assert_same_structure(files[lang, "pdf"], files[lang, "docx"], lang)
    doc = layout(reports.build_report(conn, PLAN, PERIOD, language=lang))
    assert len(found.tables) == sum(isinstance(b, Table) for b in doc.blocks) >= 15
    assert len(found.figures) == sum(isinstance(b, Chart) for b in doc.blocks) >= 6
    contents = next(b for b in doc.blocks if isinstance(b, Contents))
    expected = [doc.title, contents.title, *(h.text for h in doc.headings())]
    assert [t for _level, t in found.headings] == expected


def test_the_example_reports_japanese_edition_has_japanese_headings_and_dates(
    conn: Connection, files: dict[tuple[str, str], bytes]
) -> None:
    found = assert_same_structure(files["ja", "pdf"], files["ja", "docx"], "ja")
    headings = [t for _level, t in found.headings]
    names = conn.execute(
        select(schema.pillar.c.name_ja).order_by(schema.pillar.c.sort_order)
    ).scalars()
    for word in ("年次実施報告書 2024年", "目次", "要旨", "主な数値", *names, "附属資料A：出典"):
        assert word in headings, word
    assert not [h for h in headings if re.fullmatch(r"[A-Za-z ,:()]+", h)], "no English heading"
    cover = [p.text for p in found.document.paragraphs[:12]]
    assert "報告期間 2024年：2024年1月1日～2024年12月31日" in cover
    assert MINISTRY["ja"] in cover
    assert "2024年1月1日～2024年12月31日" in found.reader.pages[0].extract_text()


# --- the fictional mark, and none on a real plan -------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_page_of_the_example_report_says_the_plan_is_fictional(
    conn: Connection, files: dict[tuple[str, str], bytes], lang: str
) -> None:
    running = f"{MARK[lang]} · {PLAN}"
    pages = PdfReader(io.BytesIO(files[lang, "pdf"])).pages
    assert len(pages) > 5
    for number, page in enumerate(pages, 1):
        assert running in page.extract_text(), f"page {number}"
    report = reports.build_report(conn, PLAN, PERIOD, language=lang)
    assert report.fictional
    notice = layout(report).blocks[0]
    assert notice.notice and PLAN in notice.notice  # type: ignore[union-attr]
    assert squeezed(notice.notice) in squeezed(pages[0].extract_text())  # type: ignore[union-attr]
    document = docx.Document(io.BytesIO(files[lang, "docx"]))
    section = document.sections[0]
    assert section.different_first_page_header_footer
    for header in (section.header, section.first_page_header):  # the cover's, the others'
        assert [p.text for p in header.paragraphs] == [running]
    assert document.paragraphs[0].text == f"{MARK[lang]} {notice.notice}"  # type: ignore[union-attr]
    html = reports.render(report, "html").decode()
    body = html.split("<body>", 1)[1].lstrip()
    assert body.startswith(f'<p class="fictional top" role="note"><strong>{MARK[lang]}</strong>')
    markdown = reports.render(report, "md").decode().splitlines()
    assert markdown[2].startswith(f"> **{MARK[lang]}** ")


def test_a_real_plans_report_carries_no_fictional_mark(conn: Connection) -> None:
    for lang in ("en", "ja"):
        report = reports.build_report(conn, "JP-NAP3", PERIOD, language=lang)
        assert not report.fictional
        doc = layout(report)
        assert doc.mark == "" and doc.blocks[0].notice == ""  # type: ignore[union-attr]
        for fmt in ("html", "md"):
            shown = reports.render(report, fmt).decode()
            assert MARK[lang] not in shown and "fictional" not in shown
        document = docx.Document(io.BytesIO(reports.render(report, "docx")))
        section = document.sections[0]
        assert [p.text for p in section.header.paragraphs] in ([], [""])
        assert [p.text for p in section.first_page_header.paragraphs] in ([], [""])
        assert not [p for p in document.paragraphs if MARK[lang] in p.text]
    pdf = PdfReader(io.BytesIO(reports.render(report, "pdf")))
    assert not [p for p in pdf.pages if MARK["ja"] in p.extract_text()]


# --- the ministry on the cover -------------------------------------------------------------


def test_the_example_cover_names_the_ministry_responsible_for_its_measures(
    conn: Connection,
) -> None:
    plan = plans.read_plan(conn, PLAN)
    measures = [item for item, _parent, _depth in plan.walk() if item.kind == "measure"]
    assert measures and all(m.organisations == ["xe-mofa"] for m in measures)
    for lang in ("en", "ja"):
        report = reports.build_report(conn, PLAN, PERIOD, language=lang)
        assert report.ministry == MINISTRY[lang]
        assert MINISTRY[lang] in layout(report).blocks[0].lines  # type: ignore[union-attr]
    # The name comes from the measures, not from the fallback to the country's foreign
    # ministry: renamed to a ministry of another name, the cover follows.
    org = schema.organisation
    conn.execute(
        update(org)
        .where(org.c.code == "xe-mofa")
        .values(name="Ministry of Peace of Examplia (fictional)")
    )
    renamed = reports.build_report(conn, PLAN, PERIOD)
    assert renamed.ministry == "Ministry of Peace of Examplia (fictional)"


# --- what CI keeps to look at --------------------------------------------------------------


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) absent")
def test_example_report_cover_and_a_pillar_page_render_to_png_for_a_look(
    files: dict[tuple[str, str], bytes],
) -> None:
    """CI keeps test-artifacts/: the example report's cover and its first pillar's first
    page, as PNG."""
    pages, pillar = keep_pages_as_png(files["en", "pdf"], "Participation")
    assert [p.name for p in pages] == ["report-page-cover.png", "report-page-pillar.png"]
    assert all(p.stat().st_size > 2000 for p in pages)
    assert pillar > 2, "the pillar is after the cover and the contents"
    assert Path(pages[0]).read_bytes().startswith(b"\x89PNG")


def test_japans_report_does_not_count_the_example_plans_funding(conn: Connection) -> None:
    """The database holds Examplia's contributions only: Japan's report counts none of them,
    while the example's report counts them all."""
    japan = reports.build_report(conn, "JP-NAP3", PERIOD)
    assert japan.figures.commitment == japan.figures.disbursement == 0
    assert not japan.figures.funding_by_recipient and not japan.annex.lines
    assert all(s.funding is None for s in japan.sections)
    examplia = reports.build_report(conn, PLAN, PERIOD)
    everything = funding.summarise(
        conn, "pillar", filters=funding.ContributionFilter(year_from=2024, year_to=2024)
    )
    assert examplia.figures.commitment == everything.commitment > 0
