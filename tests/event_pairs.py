"""Format copies of a release (HTML, PDF, DOCX), as a ministry publishes one text three ways.

Shared by tests/test_events.py and bench/events.py: the copies are built from the text, so
any release of the corpus gets its three copies without storing binaries in the repository.
"""

from __future__ import annotations

import html
import textwrap
from pathlib import Path


def paragraphs(text: str) -> list[str]:
    """The text's non-empty lines, each a paragraph."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def as_html(text: str) -> bytes:
    """A web page: the first line as its heading, the rest as paragraphs."""
    first, *rest = paragraphs(text)
    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in rest)
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(first)}</title></head>"
        f"<body><main><h1>{html.escape(first)}</h1>\n{body}</main></body></html>"
    )
    return page.encode("utf-8")


def as_docx(text: str, path: Path) -> Path:
    """A Word document, one paragraph per line of the text."""
    from docx import Document

    document = Document()
    for paragraph in paragraphs(text):
        document.add_paragraph(paragraph)
    document.save(str(path))
    return path


def as_pdf(text: str, path: Path) -> Path:
    """A PDF, the lines wrapped to the page width and run over as many pages as needed."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    y = 800
    for paragraph in paragraphs(text):
        for line in [*textwrap.wrap(paragraph, 95), ""]:
            if y < 60:
                pdf.showPage()
                y = 800
            pdf.drawString(40, y, line)
            y -= 14
    pdf.save()
    return path


def format_copies(text: str, folder: Path, stem: str) -> list[Path]:
    """``stem.html``, ``stem.pdf`` and ``stem.docx`` of ``text`` written into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / f"{stem}.html"
    page.write_bytes(as_html(text))
    return [page, as_pdf(text, folder / f"{stem}.pdf"), as_docx(text, folder / f"{stem}.docx")]
