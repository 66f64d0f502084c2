"""The report as a Word document, for the desk to edit before it is sent on.

It lays out the same blocks as the HTML and PDF (:func:`wpstrack.reports.document.layout`):
the same headings, numbered tables and figures. python-docx cannot embed SVG, so each chart
is drawn as a PNG by :mod:`wpstrack.reports.raster` and inserted as a picture. The page is
A4 with the PDF's margins, and the footer numbers the pages with Word's PAGE and NUMPAGES
fields. The contents are written out as a list of the sections (the PDF adds page numbers;
Word users can insert their own contents field after editing).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import docx
from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph as WordParagraph

from wpstrack.i18n import _, language
from wpstrack.reports import blocks as d
from wpstrack.reports.document import layout
from wpstrack.reports.model import Report
from wpstrack.reports.raster import bar_chart_png

# East Asian text in Word takes this face (a Japanese Windows or Mac has one of the two).
EAST_ASIAN_FONT = {"ja": "Yu Gothic", "en": "MS Gothic"}


def _field(paragraph: WordParagraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays the document out."""
    run = paragraph.add_run()
    for kind, body in (("begin", None), ("instr", instruction), ("separate", None), ("end", None)):
        if kind == "instr":
            node = OxmlElement("w:instrText")
            node.set(qn("xml:space"), "preserve")
            node.text = f" {body} "
        else:
            node = OxmlElement("w:fldChar")
            node.set(qn("w:fldCharType"), kind)
        run._r.append(node)
        if kind == "separate":  # what shows before Word updates the field
            placeholder = OxmlElement("w:t")
            placeholder.text = "1"
            run._r.append(placeholder)


def _page_setup(doc: WordDocument, title: str, lang: str) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.2)
    section.left_margin = section.right_margin = Cm(1.8)
    section.different_first_page_header_footer = True  # the cover carries no page number
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    words = _("page %(page)s of %(pages)s")
    before, _sep, rest = words.partition("%(page)s")
    middle, _sep, after = rest.partition("%(pages)s")
    footer.add_run(f"{title} · {before}")
    _field(footer, "PAGE")
    footer.add_run(middle)
    _field(footer, "NUMPAGES")
    footer.add_run(after)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT.get(lang, EAST_ASIAN_FONT["en"]))


def _running_mark(doc: WordDocument, mark: str) -> None:
    """A fictional plan's mark in the header of every page, the cover's (Word's separate
    first-page header) included, so no page taken from the report reads as real."""
    section = doc.sections[0]
    for header in (section.header, section.first_page_header):
        line = header.paragraphs[0]
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = line.add_run(mark)
        run.bold = True
        run.font.size = Pt(9)
        run.font.color.rgb = RGBColor(0xAA, 0x44, 0x00)


def _table(doc: WordDocument, block: d.Table) -> None:
    doc.add_paragraph(block.caption, style="Caption")
    grid = doc.add_table(rows=1, cols=len(block.header))
    grid.style = "Table Grid"
    for i, (cell, name) in enumerate(zip(grid.rows[0].cells, block.header, strict=True)):
        _cell(cell.paragraphs[0], name, bold=True, right=i in block.numeric)
    for n, row in enumerate(block.rows, 1):
        total = block.total and n == len(block.rows)
        for i, (cell, value) in enumerate(zip(grid.add_row().cells, row, strict=True)):
            _cell(cell.paragraphs[0], value, bold=total, right=i in block.numeric)
    doc.add_paragraph()


def _cell(paragraph: WordParagraph, value: str, *, bold: bool, right: bool) -> None:
    paragraph.add_run(value).bold = bold
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _chart(doc: WordDocument, block: d.Chart, lang: str) -> None:
    png = bar_chart_png(
        block.title,
        block.data,
        value_label=block.value_label,
        category_label=block.category_label,
        language=lang,
    )
    doc.add_picture(io.BytesIO(png), width=Cm(16))
    doc.add_paragraph(block.caption, style="Caption")


def _labelled(doc: WordDocument, pairs: Sequence[tuple[str, str]], style: str) -> None:
    for label, value in pairs:
        line = doc.add_paragraph(style=style)
        line.add_run(f"{label}: ").bold = True
        line.add_run(value)


def _activities(doc: WordDocument, block: d.Activities) -> None:
    for head, details in block.entries:
        doc.add_paragraph(style="List Number").add_run(head).bold = True
        _labelled(doc, details, "List Bullet 2")


def _paragraph(doc: WordDocument, block: d.Paragraph) -> None:
    if block.kind == "note":
        doc.add_paragraph(block.text, style="Intense Quote")
    elif block.kind == "none":
        doc.add_paragraph().add_run(block.text).italic = True
    else:
        doc.add_paragraph(block.text)


def _cover(doc: WordDocument, block: d.Cover) -> None:
    if block.notice:
        notice = doc.add_paragraph(style="Intense Quote")
        notice.add_run(f"{block.mark} ").bold = True
        notice.add_run(block.notice)
    doc.add_paragraph(block.kicker.upper(), style="Subtitle")
    doc.add_heading(block.title, level=0)
    for line in block.lines:
        doc.add_paragraph(line).runs[0].font.size = Pt(12)


def _contents(doc: WordDocument, block: d.Contents) -> None:
    doc.add_page_break()
    doc.add_heading(block.title, level=1)
    for _anchor, words in block.entries:
        doc.add_paragraph(words, style="List Number 2")
    doc.add_page_break()


def render_docx(report: Report) -> bytes:
    """The report as the bytes of a .docx file (A4, numbered pages, charts as pictures)."""
    laid = layout(report)
    doc = docx.Document()
    doc.core_properties.title = laid.title
    doc.core_properties.language = report.language
    with language(report.language):
        _page_setup(doc, f"{laid.plan_code} · {laid.title}", report.language)
        if laid.mark:
            _running_mark(doc, f"{laid.mark} · {laid.plan_code}")
        first = True
        for block in laid.blocks:
            if isinstance(block, d.Heading):
                if block.level == 1 and not first:
                    doc.add_page_break()
                first = first and block.level != 1
                doc.add_heading(block.text, level=block.level)
            elif isinstance(block, d.Paragraph):
                _paragraph(doc, block)
            elif isinstance(block, d.Table):
                _table(doc, block)
            elif isinstance(block, d.Chart):
                _chart(doc, block, report.language)
            elif isinstance(block, d.Facts):
                _labelled(doc, block.pairs, "List Bullet")
            elif isinstance(block, d.Activities):
                _activities(doc, block)
            elif isinstance(block, d.Contents):
                _contents(doc, block)
            elif isinstance(block, d.Cover):
                _cover(doc, block)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
