"""The report laid out once as a sequence of blocks, which every format renders.

Headings, paragraphs, numbered tables and figures, activity lists and the contents are
decided here, in the report's language, from the :class:`~wpstrack.reports.model.Report`;
the HTML (and the PDF printed from it), the DOCX and the Markdown only say how a block
looks. So the editions cannot differ in what they hold: the same headings in the same
order, the same tables with the same cells, the same charts with the same captions. A
section with nothing to show says so in a plain line (``kind="none"``) instead of leaving
a heading empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from wpstrack.fields import code_label
from wpstrack.i18n import _, language, ngettext
from wpstrack.reports import text
from wpstrack.reports.blocks import (
    Activities,
    Chart,
    Contents,
    Cover,
    Document,
    Facts,
    Heading,
    Paragraph,
    Table,
)
from wpstrack.reports.model import (
    ActivityEntry,
    IndicatorRow,
    ItemSection,
    MoneyLine,
    NarrativeText,
    PillarSection,
    Report,
)


class _Writer:
    """Appends blocks, numbering tables and figures as a report numbers them."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.tables = 0
        self.figures = 0

    def heading(self, level: int, words: str, anchor: str) -> None:
        self.doc.blocks.append(Heading(level, words, anchor))

    def para(self, words: str, kind: str = "text") -> None:
        self.doc.blocks.append(Paragraph(words, kind))

    def narrative(self, n: NarrativeText | None) -> None:
        if n is None:
            self.para(_("No narrative written yet."), "none")
            return
        for part in (p.strip() for p in n.text.split("\n\n")):
            if part:
                self.para(" ".join(part.split()))

    def table(
        self,
        title: str,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        numeric: Sequence[int] = (),
        total: bool = False,
    ) -> None:
        self.tables += 1
        caption = _("Table %(num)d: %(title)s", num=self.tables, title=title)
        body = [list(r) for r in rows]
        self.doc.blocks.append(Table(caption, list(header), body, frozenset(numeric), total))

    def chart(
        self, title: str, data: list[tuple[str, float]], value_label: str, category: str
    ) -> None:
        self.figures += 1
        caption = _("Figure %(num)d: %(title)s", num=self.figures, title=title)
        self.doc.blocks.append(Chart(caption, title, data, value_label, category))


def _money_rows(lines: list[MoneyLine], total: tuple[str, str]) -> list[list[str]]:
    rows = [[m.label, text.money(m.commitment), text.money(m.disbursement)] for m in lines]
    return [*rows, [_("Total"), *total]]


def _activity_entries(
    report: Report, pairs: Sequence[tuple[ActivityEntry, list[ItemSection]]]
) -> Activities:
    numbers = {s.document_id: i for i, s in enumerate(report.sources, 1)}
    entries = []
    for a, items in pairs:
        measures = [f"{i.code} {i.title}" for i in items]
        number = numbers.get(a.citation.document_id) if a.citation else None
        entries.append((text.activity_head(a), text.activity_detail(a, measures, number)))
    return Activities(entries)


def _key_figures(report: Report) -> Facts:
    f = report.figures
    indicators = [r for s in report.sections for r in s.indicators]
    indicators += report.indicators_without_item
    valued = sum(1 for r in indicators if r.latest is not None)
    un = ", ".join(f"{c.label} ({c.count})" for c in f.un_entities)
    falling = ", ".join(report.falling) or _("none")
    return Facts(
        [
            (_("Activities in the period"), text.activities(f.activities)),
            (_("Share of women among named participants"), text.women_line(report)),
            (_("UN entities engaged"), f"{len(f.un_entities)}" + (f": {un}" if un else "")),
            (
                _("Indicators with an approved value"),
                ngettext(
                    "%(valued)d of %(num)d indicator",
                    "%(valued)d of %(num)d indicators",
                    len(indicators),
                    valued=valued,
                ),
            ),
            (_("Funding committed (%(currency)s)", currency=f.currency), text.money(f.commitment)),
            (
                _("Funding disbursed (%(currency)s)", currency=f.currency),
                text.money(f.disbursement),
            ),
            (_("Pillars whose funding fell"), falling),
        ]
    )


def _summary(w: _Writer, report: Report) -> None:
    f = report.figures
    w.heading(1, _("Executive summary"), "summary")
    w.narrative(report.summary)
    w.heading(2, _("Key figures"), "key-figures")
    w.doc.blocks.append(_key_figures(report))
    w.heading(2, _("Activities by type"), "by-type")
    if f.by_type:
        data = [(c.label, float(c.count)) for c in f.by_type]
        w.chart(_("Activities by type"), data, _("activities"), _("type"))
        w.table(
            _("Activities by type"),
            [_("Type"), _("Activities")],
            [[c.label, str(c.count)] for c in f.by_type],
            numeric=[1],
        )
    else:
        w.para(
            _("No activity recorded in %(period)s.", period=text.period(report.period.label)),
            "none",
        )
    w.heading(2, _("Activities by pillar"), "by-pillar")
    w.chart(
        _("Activities by pillar"),
        [(c.label, float(c.count)) for c in f.by_pillar],
        _("activities"),
        _("pillar"),
    )
    w.table(
        _("Activities by pillar"),
        [_("Pillar"), _("Activities")],
        [[c.label, str(c.count)] for c in f.by_pillar],
        numeric=[1],
    )
    total = (text.money(f.commitment), text.money(f.disbursement))
    w.heading(2, _("Funding by pillar (%(currency)s)", currency=f.currency), "funding-pillar")
    money_header = [_("Pillar"), _("Committed"), _("Disbursed")]
    if f.funding_by_pillar:
        data = [(m.label, float(m.commitment)) for m in f.funding_by_pillar]
        w.chart(_("Funding committed by pillar"), data, f.currency, _("pillar"))
    w.table(
        _("Funding by pillar (%(currency)s)", currency=f.currency),
        money_header,
        _money_rows(f.funding_by_pillar, total),
        numeric=[1, 2],
        total=True,
    )
    w.heading(2, _("Funding by recipient (%(currency)s)", currency=f.currency), "funding-recipient")
    if f.funding_by_recipient:
        w.table(
            _("Funding by recipient (%(currency)s)", currency=f.currency),
            [_("Recipient"), _("Committed"), _("Disbursed")],
            _money_rows(f.funding_by_recipient, total),
            numeric=[1, 2],
            total=True,
        )
    else:
        w.para(_("No contribution recorded for %(year)d.", year=report.period.year), "none")


def _indicators(w: _Writer, title: str, rows: list[IndicatorRow]) -> None:
    w.table(
        _("Indicators: %(part)s", part=title),
        text.indicator_header(),
        [text.indicator_cells(r) for r in rows],
        numeric=[2, 3, 4, 5],
    )
    # Progress below the baseline draws no bar (a bar cannot be shorter than nothing); the
    # table above gives the figure itself.
    data = [(r.code, max(0.0, r.progress_pct)) for r in rows if r.progress_pct is not None]
    if data:
        w.chart(_("Progress towards the target: %(part)s", part=title), data, "%", _("indicator"))


def _measures(w: _Writer, sec: PillarSection, report: Report) -> None:
    w.heading(2, _("Plan items"), f"{_anchor(sec)}-items")
    if not sec.items:
        w.para(_("The plan has no measure under this pillar."), "none")
        return
    rows = [
        [i.code, code_label("plan_item", i.kind), i.title, str(len(i.activities))]
        for i in sec.items
    ]
    w.table(
        _("Plan items: %(part)s", part=sec.title),
        [_("Code"), _("Kind"), _("Plan item"), _("Activities")],
        rows,
        numeric=[3],
    )


def _funding(w: _Writer, sec: PillarSection, report: Report) -> None:
    w.heading(2, _("Funding"), f"{_anchor(sec)}-funding")
    m = sec.funding
    year = report.period.year
    if m is None:
        w.para(
            _(
                "No contribution under this pillar in %(year)d or %(before)d.",
                year=year,
                before=year - 1,
            ),
            "none",
        )
        return
    w.table(
        _("Funding: %(part)s (%(currency)s)", part=sec.title, currency=m.currency),
        [_("Committed"), _("Disbursed"), _("Committed in %(year)d", year=year - 1), _("Change")],
        [
            [
                text.money(m.commitment),
                text.money(m.disbursement),
                text.money(m.previous_commitment),
                text.percent(m.change_pct),
            ]
        ],
        numeric=[0, 1, 2, 3],
    )
    if m.falling:
        w.para(
            _(
                "Falling funding: commitments fell by %(change)s from %(before)d.",
                change=text.percent(abs(m.change_pct or Decimal(0))),
                before=year - 1,
            ),
            "note",
        )
    else:
        w.para(_("Commitments did not fall from %(before)d.", before=year - 1))


def _anchor(sec: PillarSection) -> str:
    return f"pillar-{sec.code or 'other'}"


def _pillar(w: _Writer, sec: PillarSection, report: Report) -> None:
    anchor = _anchor(sec)
    w.heading(1, sec.title, anchor)
    if sec.description:
        w.para(sec.description)
    if sec.code is not None:
        w.heading(2, _("Narrative"), f"{anchor}-narrative")
        w.narrative(sec.narrative)
    if sec.code is not None or sec.indicators:
        w.heading(2, _("Indicators"), f"{anchor}-indicators")
        if sec.indicators:
            _indicators(w, sec.title, sec.indicators)
        else:
            w.para(_("No indicator is set under this pillar."), "none")
    _measures(w, sec, report)
    w.heading(2, _("Activities"), f"{anchor}-activities")
    found = sec.activities()
    if found:
        w.para(
            ngettext(
                "%(num)d activity in %(period)s, listed once even when linked to several items.",
                "%(num)d activities in %(period)s, each listed once even when linked to "
                "several items.",
                len(found),
                period=text.period(report.period.label),
            )
        )
        w.doc.blocks.append(_activity_entries(report, found))
    else:
        w.para(
            _("No activity recorded in %(period)s.", period=text.period(report.period.label)),
            "none",
        )
    if sec.code is not None:
        _funding(w, sec, report)


def _sources(w: _Writer, report: Report) -> None:
    w.heading(1, _("Annex A: sources"), "sources")
    if not report.sources:
        w.para(_("No activity of the period cites a source."), "none")
        return
    w.para(_("The releases the activities of this report were taken from."))
    rows = [
        [
            str(i),
            s.publisher or _("not stated"),
            s.title or _("untitled release"),
            text.day(s.published_on) if s.published_on else _("date not stated"),
            s.url or _("not published online"),
        ]
        for i, s in enumerate(report.sources, 1)
    ]
    w.table(
        _("Sources"),
        [_("No."), _("Publisher"), _("Title"), _("Date"), _("URL")],
        rows,
        numeric=[0],
    )


def _annex_funding(w: _Writer, report: Report) -> None:
    a = report.annex
    year = report.period.year
    w.heading(1, _("Annex B: funding scored on the gender equality marker"), "annex")
    w.para(
        _(
            "Contributions counted in %(year)d and scored significant (1) or principal (2) on "
            "the OECD DAC gender equality policy marker; amounts converted into %(currency)s "
            "with the rates in the database.",
            year=year,
            currency=a.currency,
        )
    )
    if a.lines:
        w.table(
            _("Contributions scored 1 or 2 in %(year)d", year=year),
            [
                _("Date"),
                _("Donor"),
                _("Recipient"),
                _("Amount"),
                _("Converted"),
                _("Marker"),
                _("Pillar"),
                _("Type"),
                _("Reference"),
            ],
            [
                [
                    text.day(c.date),
                    c.donor,
                    c.recipient,
                    f"{text.money(c.amount)} {c.currency}",
                    text.money(c.converted),
                    f"{c.gender_marker} {c.marker_label}",
                    c.pillar or "",
                    c.transaction_type,
                    c.reference,
                ]
                for c in a.lines
            ],
            numeric=[3, 4],
        )
    else:
        w.para(_("No contribution of %(year)d is scored 1 or 2.", year=year), "none")
    w.table(
        _("Totals per marker (%(currency)s)", currency=a.currency),
        [_("Marker"), _("Committed"), _("Disbursed")],
        _money_rows(a.by_marker, (text.money(a.commitment), text.money(a.disbursement))),
        numeric=[1, 2],
        total=True,
    )


def _cover(report: Report) -> Cover:
    edition = _("edition %(num)d", num=report.edition) + ", " if report.edition else ""
    lines = [report.government]
    if report.ministry:
        lines.append(report.ministry)
    lines.append(f"{report.plan_title} ({report.plan_code}, {edition}{report.country_name})")
    p = report.period
    lines.append(
        _(
            "Reporting period %(period)s: %(start)s to %(end)s",
            period=text.period(p.label),
            start=text.day(p.start),
            end=text.day(p.end),
        )
    )
    if report.plan_period:
        lines.append(_("Plan period %(years)s", years=report.plan_period))
    lines.append(
        _(
            "Generated by wpstrack from its database: reviewed and published activities, "
            "approved indicator values, the contribution register and the narratives its "
            "editors wrote."
        )
    )
    cover = Cover(_("Women, Peace and Security"), text.report_title(report), lines)
    if report.fictional:
        cover.mark = _fictional_mark()
        # The web pages' sentence about fictional plans, so both say it in the same words.
        cover.notice = ngettext(
            "Plan %(codes)s belongs to an invented government: its indicators, values and "
            "funding are made up to show how monitoring works and describe nothing real.",
            "Plans %(codes)s belong to invented governments: their indicators, values and "
            "funding are made up to show how monitoring works and describe nothing real.",
            1,
            codes=report.plan_code,
        )
    return cover


def _fictional_mark() -> str:
    return _("Fictional example")


def _body(w: _Writer, report: Report) -> None:
    _summary(w, report)
    for sec in report.sections:
        _pillar(w, sec, report)
    if report.indicators_without_item:
        w.heading(1, _("Indicators of the plan as a whole"), "plan-indicators")
        _indicators(w, _("the plan as a whole"), report.indicators_without_item)
    if report.unlinked:
        w.heading(1, _("Activities not linked to the plan"), "unlinked")
        w.para(
            _("Reviewed activities of the period tagged with no pillar and linked to no plan item.")
        )
        w.doc.blocks.append(_activity_entries(report, [(a, []) for a in report.unlinked]))
    _sources(w, report)
    _annex_funding(w, report)


def layout(report: Report) -> Document:
    """The report's blocks in its language: cover, contents, summary, pillars, annexes."""
    with language(report.language):
        doc = Document(text.report_title(report), report.language, report.plan_code)
        if report.fictional:
            doc.mark = _fictional_mark()
        doc.blocks.append(_cover(report))
        for note in report.notes:
            doc.blocks.append(Paragraph(note, "note"))
        contents = Contents(_("Contents"), [])
        doc.blocks.append(contents)
        _body(_Writer(doc), report)
        contents.entries = [(h.anchor, h.text) for h in doc.headings() if h.level == 1]
    return doc
