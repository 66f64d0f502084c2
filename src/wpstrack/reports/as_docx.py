"""The report as a Word document, for the desk to edit before it is sent on.

python-docx cannot embed SVG, so the charts are left out and their figures appear as the
same tables the HTML shows under each chart.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

import docx
from docx.document import Document
from docx.shared import Pt

from wpstrack.reports import text
from wpstrack.reports.model import ActivityEntry, IndicatorRow, MoneyLine, Report


def _table(doc: Document, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    body = [list(map(str, row)) for row in rows]
    grid = doc.add_table(rows=1, cols=len(header))
    grid.style = "Table Grid"
    for cell, name in zip(grid.rows[0].cells, header, strict=True):
        cell.text = name
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in body:
        for cell, value in zip(grid.add_row().cells, row, strict=True):
            cell.text = value
    doc.add_paragraph()


def _activities(doc: Document, items: list[ActivityEntry]) -> None:
    for a in items:
        head = doc.add_paragraph(style="List Number")
        head.add_run(text.activity_head(a)).bold = True
        for label, value in text.activity_detail(a):
            line = doc.add_paragraph(style="List Bullet 2")
            line.add_run(f"{label}: ").italic = True
            line.add_run(value)


def _indicators(doc: Document, rows: list[IndicatorRow]) -> None:
    _table(doc, text.INDICATOR_HEADER, (text.indicator_cells(r) for r in rows))


def _money(doc: Document, lines: list[MoneyLine], what: str, total: tuple[str, str]) -> None:
    rows: list[Sequence[object]] = [
        (m.label, text.money(m.commitment), text.money(m.disbursement)) for m in lines
    ]
    _table(doc, (what, "Committed", "Disbursed"), [*rows, ("Total", *total)])


def _figures(doc: Document, report: Report) -> None:
    f = report.figures
    doc.add_heading(text.SECTION_FIGURES, level=1)
    un = ", ".join(f"{c.label} ({c.count})" for c in f.un_entities)
    for label, value in (
        ("Activities in the period", str(f.activities)),
        ("Share of women among named participants", text.women_line(report)),
        ("UN entities engaged", f"{len(f.un_entities)}" + (f": {un}" if un else "")),
        (f"Funding committed ({f.currency})", text.money(f.commitment)),
        (f"Funding disbursed ({f.currency})", text.money(f.disbursement)),
    ):
        line = doc.add_paragraph(style="List Bullet")
        line.add_run(f"{label}: ").bold = True
        line.add_run(value)
    doc.add_heading("Activities by type", level=2)
    _table(doc, ("Type", "Activities"), ((c.label, c.count) for c in f.by_type))
    doc.add_heading("Activities by pillar", level=2)
    _table(doc, ("Pillar", "Activities"), ((c.label, c.count) for c in f.by_pillar))
    total = (text.money(f.commitment), text.money(f.disbursement))
    doc.add_heading(f"Funding by pillar ({f.currency})", level=2)
    _money(doc, f.funding_by_pillar, "Pillar", total)
    doc.add_heading(f"Funding by recipient ({f.currency})", level=2)
    _money(doc, f.funding_by_recipient, "Recipient", total)


def _sections(doc: Document, report: Report) -> None:
    for sec in report.sections:
        doc.add_heading(sec.title, level=1)
        if sec.description:
            doc.add_paragraph(sec.description)
        if sec.code:
            doc.add_paragraph(
                f"Activities tagged with this pillar in {report.period.label}: "
                f"{sec.tagged_activities}."
            )
        if sec.indicators:
            doc.add_heading("Indicators", level=2)
            _indicators(doc, sec.indicators)
        if not sec.items:
            doc.add_paragraph("The plan has no measure under this pillar.")
        for item in sec.items:
            doc.add_heading(f"{item.kind.capitalize()} {item.code}: {item.title}", level=2)
            if item.activities:
                _activities(doc, item.activities)
            else:
                doc.add_paragraph(f"No activity linked in {report.period.label}.")
        if sec.other_activities:
            doc.add_heading("Other activities under this pillar", level=2)
            _activities(doc, sec.other_activities)


def _annex(doc: Document, report: Report) -> None:
    a = report.annex
    doc.add_heading(text.SECTION_ANNEX, level=1)
    doc.add_paragraph(
        f"Contributions counted in {report.period.year} and scored significant (1) or "
        f"principal (2) on the OECD DAC gender equality policy marker; converted into "
        f"{a.currency} with the rates in the database."
    )
    rows = [
        (
            c.date.isoformat(),
            c.donor,
            c.recipient,
            f"{text.money(c.amount)} {c.currency}",
            text.money(c.converted),
            f"{c.gender_marker} {c.marker_label}",
            c.pillar or "",
            c.transaction_type,
            c.reference,
        )
        for c in a.lines
    ]
    if rows:
        _table(doc, text.ANNEX_HEADER, rows)
    else:
        doc.add_paragraph(f"No contribution of {report.period.year} is scored 1 or 2.")
    _money(doc, a.by_marker, "Marker", (text.money(a.commitment), text.money(a.disbursement)))


def render_docx(report: Report) -> bytes:
    """The report as the bytes of a .docx file."""
    doc = docx.Document()
    doc.styles["Normal"].font.size = Pt(10)
    doc.core_properties.title = text.report_title(report)
    doc.add_heading(text.report_title(report), level=0)
    for line in text.title_lines(report):
        doc.add_paragraph(line)
    for note in report.notes:
        doc.add_paragraph(note, style="Intense Quote")
    doc.add_page_break()
    _figures(doc, report)
    _sections(doc, report)
    if report.indicators_without_item:
        doc.add_heading(text.SECTION_PLAN_INDICATORS, level=1)
        _indicators(doc, report.indicators_without_item)
    if report.unlinked:
        doc.add_heading(text.SECTION_UNLINKED, level=1)
        _activities(doc, report.unlinked)
    _annex(doc, report)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
