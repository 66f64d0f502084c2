"""What a rendered report is made of, read back from its PDF and its DOCX, for the tests that
check the two editions carry the same report (tests/test_reports.py on the test plan,
tests/test_report_example.py on the demo's example plan).

The PDF's bookmarks (WeasyPrint makes one per heading) are its headings, the DOCX's heading
styles are its own; numbered captions stand for tables and figures in both. Also the PNG
pages CI keeps as artifacts, drawn from a PDF by poppler's ``pdftoppm``.
"""

from __future__ import annotations

import io
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
from pypdf import PdfReader

from wpstrack import i18n

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CAPTION = re.compile(r"(Table|Figure|表|図) ?(\d+)[:：]")


def squeezed(text: str) -> str:
    """``text`` without any white space, to find words a PDF may have broken across lines."""
    return "".join(text.split())


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """The PDF's bookmarks: level, title, page index."""
    found: list[tuple[int, str, int]] = []

    def walk(items: list[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 1)
    return found


def docx_outline(document: Any) -> list[tuple[int, str]]:
    """Title is level 1 (the PDF's h1), Heading n is level n + 1."""
    found = []
    for p in document.paragraphs:
        if p.style.name == "Title":
            found.append((1, p.text))
        elif p.style.name.startswith("Heading "):
            found.append((int(p.style.name.split()[1]) + 1, p.text))
    return found


@dataclass
class Structure:
    """The headings and numbered captions both editions were found to share."""

    reader: PdfReader
    document: Any  # a python-docx Document
    headings: list[tuple[int, str]]
    tables: list[str]  # "Table 3:", in order
    figures: list[str]  # "Figure 2:", in order


def assert_same_structure(pdf: bytes, word: bytes, language: str = "en") -> Structure:
    """Assert the PDF and the DOCX have the same headings (level and text), the same numbered
    tables and figures in the same order, a DOCX table per table caption and a picture per
    figure, the same cells (each DOCX table's header and first row read in the PDF), A4
    pages and page numbers; return what they share."""
    reader = PdfReader(io.BytesIO(pdf))
    document = docx.Document(io.BytesIO(word))
    pdf_headings = [(level, title) for level, title, _page in outline(reader)]
    assert pdf_headings == docx_outline(document)
    pdf_text = "\n".join(p.extract_text() for p in reader.pages)
    pdf_captions = [m.group(0) for m in CAPTION.finditer(pdf_text)]
    docx_captions = [
        m.group(0)
        for p in document.paragraphs
        if p.style.name == "Caption"
        for m in [CAPTION.match(p.text)]
        if m
    ]
    assert pdf_captions == docx_captions
    tables = [c for c in docx_captions if c.startswith(("Table", "表"))]
    figures = [c for c in docx_captions if c.startswith(("Figure", "図"))]
    assert len(document.tables) == len(tables)
    assert len(document.inline_shapes) == len(figures), "every chart as a picture"
    # Compared without white space: the PDF breaks long cells into lines, and a Japanese line
    # may break between any two characters ("18 (2023" / "年)").
    words = squeezed(pdf_text)
    for table in document.tables:
        for row in table.rows[:2]:
            for cell in row.cells:
                assert squeezed(cell.text) in words, cell.text
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    with i18n.language(language):  # the footer's "page 2 of 13" in the edition's words
        numbered = i18n.gettext("page %(page)s of %(pages)s", page=2, pages=len(reader.pages))
    assert numbered in " ".join(reader.pages[1].extract_text().split())
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    footer = section.footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer and 'fldCharType="begin"' in footer
    return Structure(reader, document, pdf_headings, tables, figures)


def keep_pages_as_png(pdf: bytes, pillar: str) -> tuple[list[Path], int]:
    """Write the cover and ``pillar``'s first page to test-artifacts/ as PNG (CI keeps that
    folder); returns the files and the pillar's page index."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "report-pages.pdf"
    path.write_bytes(pdf)
    [page] = [p for _level, title, p in outline(PdfReader(path)) if title == pillar]
    for old in ARTIFACTS.glob("report-page-*.png"):
        old.unlink()
    for name, number in (("report-page-cover", 1), ("report-page-pillar", page + 1)):
        cmd = ["pdftoppm", "-png", "-singlefile", "-r", "60", "-f", str(number), "-l", str(number)]
        subprocess.run([*cmd, str(path), str(ARTIFACTS / name)], check=True)
    return sorted(ARTIFACTS.glob("report-page-*.png")), page
