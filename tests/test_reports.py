"""The annual implementation report: content, figures, citations, formats, determinism.

One committed database per backend and module holds what the desk would have: a plan with
measures under each pillar and one under none, indicators (entered, computed and plan-wide),
releases of the development corpus ingested and reviewed (one left a draft, one from the year
before), the sample contribution file plus contributions of the report's year, and rates.
Every piece goes in through the domain functions, as the CLI and the web would put it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import docx
import pytest
from pypdf import PdfReader
from sqlalchemy import Connection, Engine, delete, select

from report_structure import ARTIFACTS, assert_same_structure, docx_outline, outline
from wpstrack import (
    activities,
    dashboard,
    funding,
    i18n,
    ingest,
    narratives,
    plans,
    reports,
    review,
    schema,
)
from wpstrack.db import make_engine, upgrade
from wpstrack.errors import ConfigError, InvalidInput, NotFound
from wpstrack.indicators import ValueIn, approve_period, compute, record_value, refresh, series
from wpstrack.indicators.formula import Formula
from wpstrack.reference.sync import sync_reference
from wpstrack.reports import text
from wpstrack.reports.blocks import (
    Activities,
    Block,
    Chart,
    Cover,
    Document,
    Facts,
    Heading,
    Paragraph,
    Table,
)
from wpstrack.reports.document import layout
from wpstrack.reports.figures import scope

PLAN = "TEST-JP"
PILLARS = ["participation", "prevention", "protection", "relief_recovery"]
PLAN_YAML = """
code: TEST-JP
country: JP
title: Test plan on Women, Peace and Security
edition: 9
period_start: 2023
period_end: 2028
items:
  - {code: "1", kind: area, title: Participation, pillar: participation, items: [
      {code: "1.1", kind: measure, title: Women in peace dialogues}]}
  - {code: "2", kind: area, title: Prevention, pillar: prevention}
  - {code: "3", kind: area, title: Protection, pillar: protection, items: [
      {code: "3.1", kind: measure, title: Survivors' support}]}
  - {code: "4", kind: area, title: Relief and recovery, pillar: relief_recovery}
  - {code: "5", kind: area, title: Monitoring and evaluation, items: [
      {code: "5.1", kind: measure, title: Yearly review with civil society}]}
indicators:
  - {code: I1, name: Women mediators trained, item: "1.1", unit: persons, baseline_value: 10,
     baseline_period: "2022", targets: [{period: "2024", value: 30}, {period: "2028", value: 50}]}
  - {code: I2, name: Dialogues held, item: "1.1", method: computed,
     formula: {measure: count_activities, filters: {type: [dialogue]}}}
  - {code: I3, name: Reports published, unit: count, baseline_value: 0}
"""
REVIEWED_2024 = (0, 1, 2, 12, 21, 41)  # corpus releases of 2024, reviewed
EARLIER = 3  # a release of November 2023, reviewed
DRAFT = 5  # a release of June 2024 nobody has reviewed
CONTRIBUTIONS_2024 = (
    "donor,recipient,amount,currency,date,transaction_type,year,pillar,gender_marker,reference\n"
    "MOFA,UN Women,1000000,USD,2024-04-01,commitment,2024,participation,2,T-1\n"
    "MOFA,UNFPA,100000000,JPY,2024-06-01,commitment,2024,protection,1,T-2\n"
    "JICA,UNDP,500000,USD,2024-07-01,disbursement,2024,prevention,0,T-3\n"
)
RATES_2024 = "currency,year,rate,reporting_currency,source\nJPY,2024,0.0068,USD,test\n"
SUMMARY = "The year saw more women in peace dialogues.\n\nFunding held up."
PARTICIPATION = "Women mediators were trained in three regions."


def _write_plan(tmp: Path) -> Path:
    path = tmp / "plan.yaml"
    path.write_text(PLAN_YAML, encoding="utf-8")
    return path


def _ingest(conn: Connection, corpus: Path) -> dict[int, int]:
    """Corpus release number -> its activity id."""
    numbers = (*REVIEWED_2024, EARLIER, DRAFT)
    files = [corpus / f"dev-{n:03d}.txt" for n in numbers]
    # As the desk ingests MOFA's releases: the publisher makes them Japan's activities.
    outcomes = ingest.ingest_batch(conn, files, publisher="Ministry of Foreign Affairs of Japan")
    act = schema.activity
    ids = {}
    for n, outcome in zip(numbers, outcomes, strict=True):
        assert outcome.status == ingest.INGESTED, outcome
        ids[n] = conn.execute(
            select(act.c.id).where(act.c.document_id == outcome.document_id)
        ).scalar_one()
    return ids


def _name_a_woman(conn: Connection, document_id: int) -> None:
    """A reviewer states the principal's gender (the release says 'Ms.')."""
    ext = schema.extraction
    row = conn.execute(
        select(ext.c.id, ext.c.value).where(
            ext.c.document_id == document_id,
            ext.c.field == "principal_actors",
            ext.c.source == "machine",
        )
    ).first()
    assert row is not None
    review.decide(conn, "reviewer", row.id, "correct", {**row.value, "gender": "f"})


def _review(conn: Connection, ids: dict[int, int]) -> None:
    act = schema.activity
    docs = dict(conn.execute(select(act.c.id, act.c.document_id)).all())
    _name_a_woman(conn, docs[ids[0]])
    for n in (*REVIEWED_2024, EARLIER):
        review.accept_record(conn, "reviewer", docs[ids[n]])
    # Every reviewed release of 2024 is published, so the anonymous dashboard (published
    # activities of any date) covers exactly the report's register and the two must agree.
    for n in REVIEWED_2024:
        activities.set_published(conn, "editor", ids[n], True)
    items = dict(
        conn.execute(
            select(schema.plan_item.c.code, schema.plan_item.c.id)
            .join(schema.plan)
            .where(schema.plan.c.code == PLAN)
        ).all()
    )
    activities.link_plan_item(conn, "editor", ids[0], items["1.1"])
    # Linked to the area as well as its measure: the pillar's list still shows it once.
    activities.link_plan_item(conn, "editor", ids[0], items["1"])
    activities.link_plan_item(conn, "editor", ids[12], items["5.1"])


def _narratives(conn: Connection) -> None:
    """What the editors wrote: a summary, two versions of one pillar's text, another pillar;
    prevention and relief and recovery are left without one."""
    narratives.save(conn, PLAN, "2024", "summary", SUMMARY, "editor")
    narratives.save(conn, PLAN, "2024", "participation", "An early draft.", "editor")
    narratives.save(conn, PLAN, "2024", "participation", PARTICIPATION, "chief")
    narratives.save(conn, PLAN, "2024", "protection", "Support for survivors grew.", "editor")


def _values(conn: Connection) -> None:
    for period, value in (("2023", 14), ("2024", 22), ("2025", 35)):
        record_value(conn, PLAN, "I1", ValueIn(period, value, source="test"))
    record_value(conn, PLAN, "I3", ValueIn("2024", 1))
    for period in ("2023", "2024", "2025"):  # the report counts approved values only
        approve_period(conn, PLAN, period, actor="desk")
    refresh(conn, PLAN)


def _funding(conn: Connection) -> None:
    for name in funding.SAMPLES:
        data = funding.sample_data(name)
        importer = funding.import_rates if "rates" in name else funding.import_contributions
        importer(conn, data, name)
    funding.import_contributions(conn, CONTRIBUTIONS_2024.encode(), "c2024.csv")
    funding.import_rates(conn, RATES_2024.encode(), "r2024.csv")


@pytest.fixture(scope="module")
def engine(
    databases: Any, corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A committed database holding the register the report is built from."""
    eng = make_engine(databases.new_url())
    with eng.begin() as conn:
        upgrade(conn)
        sync_reference(conn)
        plans.load_examples(conn)
        plans.import_plan(conn, _write_plan(tmp_path_factory.mktemp("plan")))
        ids = _ingest(conn, corpus_dir)
        _review(conn, ids)
        _values(conn)
        _funding(conn)
        _narratives(conn)
    yield eng
    eng.dispose()


@pytest.fixture()
def report(conn: Connection) -> reports.Report:
    return reports.build_report(conn, PLAN, "2024")


def _in_scope(conn: Connection) -> list[Any]:
    act = schema.activity
    return conn.execute(
        select(act.c.id, act.c.document_id).where(
            act.c.status.in_(("reviewed", "published")),
            act.c.date >= reports.Period.parse("2024").start,
            act.c.date <= reports.Period.parse("2024").end,
        )
    ).all()


def _entries(report: reports.Report) -> list[Any]:
    listed = [e for s in report.sections for i in s.items for e in i.activities]
    listed += [e for s in report.sections for e in s.other_activities]
    return listed + report.unlinked


# --- content ------------------------------------------------------------------------------


def test_report_has_a_section_per_pillar_in_order_then_the_parts_under_none(
    report: reports.Report,
) -> None:
    assert [s.code for s in report.sections] == [*PILLARS, None]
    other = report.sections[-1]
    assert [i.code for i in other.items] == ["5", "5.1"]
    assert [i.code for i in report.sections[0].items] == ["1", "1.1"]


def test_report_lists_every_reviewed_activity_of_the_period_and_no_other(
    conn: Connection, report: reports.Report
) -> None:
    expected = {r.id for r in _in_scope(conn)}
    listed = {e.id for e in _entries(report)}
    assert listed == expected
    assert report.figures.activities == len(expected)
    act = schema.activity
    draft = conn.execute(select(act.c.id).where(act.c.status == "draft")).scalars().all()
    assert draft and not set(draft) & listed, "a draft never reaches the report"


def test_activities_appear_under_the_measure_they_are_linked_to(
    report: reports.Report,
) -> None:
    measure = next(i for i in report.sections[0].items if i.code == "1.1")
    assert len(measure.activities) == 1
    review_item = next(i for i in report.sections[-1].items if i.code == "5.1")
    assert len(review_item.activities) == 1
    assert measure.activities[0].id not in {e.id for e in report.sections[0].other_activities}


def test_every_activity_cites_its_source_release(conn: Connection, report: reports.Report) -> None:
    documents = dict(_in_scope(conn))
    doc = schema.document
    titles = dict(conn.execute(select(doc.c.id, doc.c.title)).all())
    markdown = reports.render(report, "md").decode()
    for entry in _entries(report):
        assert entry.citation is not None
        assert entry.citation.document_id == documents[entry.id]
        assert entry.citation.title == titles[entry.citation.document_id]
        number = [s.document_id for s in report.sources].index(entry.citation.document_id) + 1
        assert f"[source {number}]" in markdown
    # The annex of sources: each release once, with publisher, title, date (and URL or why not).
    assert len({s.document_id for s in report.sources}) == len(report.sources)
    assert {e.citation.document_id for e in _entries(report) if e.citation} <= {
        s.document_id for s in report.sources
    }
    for i, s in enumerate(report.sources, 1):
        assert s.publisher and s.title
        when = f"{s.published_on:%-d %B %Y}" if s.published_on else "date not stated"
        row = f"| {i} | {s.publisher} | {s.title} | {when} | "
        assert row in markdown.replace("\\|", "|"), row


def test_indicator_table_reads_baseline_latest_of_the_period_and_target(
    conn: Connection, report: reports.Report
) -> None:
    row = next(r for r in report.sections[0].indicators if r.code == "I1")
    assert (row.baseline, row.latest, row.latest_period) == (10, 22, "2024"), "not 2025's"
    assert (row.target, row.target_period) == (30, "2024")
    assert row.progress_pct == 60.0  # (22 - 10) / (30 - 10)
    computed = next(r for r in report.sections[0].indicators if r.code == "I2")
    assert computed.latest == next(
        p["value"] for p in series(conn, PLAN, "I2")["series"] if p["period"] == "2024"
    )
    assert [r.code for r in report.indicators_without_item] == ["I3"]


def test_annex_holds_the_years_significant_and_principal_funding_converted(
    report: reports.Report,
) -> None:
    annex = report.annex
    assert [(c.reference, c.gender_marker) for c in annex.lines] == [("T-1", 2), ("T-2", 1)]
    jpy = annex.lines[1]
    assert jpy.converted == Decimal("680000.00")
    assert annex.commitment == Decimal("1680000.00")


# --- figures equal the dashboard's, the indicator engine's and the funding totals --------


def _assert_dashboard_agrees(board: dict[str, Any], f: Any) -> None:
    assert board["activities"] == f.activities
    assert [(t["type"], t["count"]) for t in board["by_type"]] == [
        (c.key, c.count) for c in f.by_type
    ]
    assert [(p["code"], p["count"]) for p in board["by_pillar"]] == [
        (c.key, c.count) for c in f.by_pillar
    ]
    women = board["women"]
    assert (women["named"], women["women"], women["gender_unknown"]) == (
        f.named_participants,
        f.women,
        f.gender_unknown,
    )
    assert women["share"] == round(f.women_share or 0, 3)
    assert [(u["code"], u["count"]) for u in board["un_entities"]] == [
        (c.key, c.count) for c in f.un_entities[: len(board["un_entities"])]
    ]


def _api(engine: Engine, data_dir: Path) -> Any:
    """An in-process client of the web application over the module's database."""
    from fastapi.testclient import TestClient

    from wpstrack.settings import Settings
    from wpstrack.web import create_app

    url = engine.url.render_as_string(False)
    settings = Settings(_env_file=None, database_url=url, data_dir=data_dir)
    return TestClient(create_app(settings, engine=engine))


def test_figures_equal_the_dashboard_and_its_api(
    engine: Engine, report: reports.Report, tmp_path: Path
) -> None:
    """Every reviewed activity of 2024 is published and no other is, so the anonymous
    dashboard counts the report's register: its figures, as a function and through
    ``/api/v1/dashboard``, must be the report's."""
    assert report.figures.women >= 1 and report.figures.activities >= 5
    with engine.connect() as other:
        _assert_dashboard_agrees(dashboard.dashboard(other, public=True), report.figures)
    response = _api(engine, tmp_path).get("/api/v1/dashboard")
    assert response.status_code == 200
    _assert_dashboard_agrees(response.json(), report.figures)


def test_indicator_rows_equal_the_indicator_api(
    engine: Engine, report: reports.Report, tmp_path: Path
) -> None:
    client = _api(engine, tmp_path)
    for row in report.sections[0].indicators:
        found = client.get(f"/api/v1/indicators/{PLAN}/{row.code}").json()
        point = next(p for p in found["series"] if p["period"] == row.latest_period)
        assert (point["value"], point["target"]) == (row.latest, row.target)
        assert point["progress"] == row.progress_pct
        assert found["baseline_value"] == row.baseline


def test_reviewed_activities_count_before_they_are_published(
    conn: Connection, report: reports.Report
) -> None:
    first = _entries(report)[0]
    activities.set_published(conn, "editor", first.id, False)
    again = reports.build_report(conn, PLAN, "2024")
    assert first.id in {e.id for e in _entries(again)}
    assert again.figures.activities == report.figures.activities


def test_figures_equal_the_indicator_engine_for_the_period(
    conn: Connection, report: reports.Report
) -> None:
    def value(measure: str) -> float:
        found = compute(conn, Formula(measure=measure))  # type: ignore[arg-type]
        return next(v.value for v in found if v.period == "2024")

    assert report.figures.activities == value("count_activities")
    assert len(report.figures.un_entities) == value("distinct_un_entities")


def test_funding_figures_equal_the_funding_summary(
    conn: Connection, report: reports.Report
) -> None:
    year = funding.ContributionFilter(year_from=2024, year_to=2024)
    summary = funding.summarise(conn, "pillar", filters=year)
    f = report.figures
    assert (f.commitment, f.disbursement) == (summary.commitment, summary.disbursement)
    assert f.commitment == Decimal("1680000.00") and f.disbursement == Decimal("500000.00")
    assert [(m.key, m.commitment) for m in f.funding_by_pillar] == [
        (g.key, g.commitment) for g in summary.groups
    ]


def test_report_figures_leave_out_amounts_without_a_rate_and_say_so(conn: Connection) -> None:
    conn.execute(delete(schema.exchange_rate).where(schema.exchange_rate.c.year == 2024))
    built = reports.build_report(conn, PLAN, "2024")
    assert built.figures.missing_rates == ["JPY 2024 (1 contribution)"]
    assert built.figures.commitment == Decimal("1000000.00")
    assert any("JPY 2024" in n for n in built.notes)
    assert built.annex.lines[1].converted is None


# --- formats ------------------------------------------------------------------------------


class _Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.h2: list[str] = []
        self._in = False

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self._in = tag == "h2"
        if self._in:
            self.h2.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in = self._in and tag != "h2"

    def handle_data(self, data: str) -> None:
        if self._in:
            self.h2[-1] += data


def _section_titles(report: reports.Report) -> list[str]:
    return [
        "Contents",
        "Executive summary",
        *(s.title for s in report.sections),
        "Indicators of the plan as a whole",
        *(["Activities not linked to the plan"] if report.unlinked else []),
        "Annex A: sources",
        "Annex B: funding scored on the gender equality marker",
    ]


def _charts(report: reports.Report) -> int:
    return sum(isinstance(b, Chart) for b in layout(report).blocks)


def test_html_parses_with_a_heading_per_section_and_charts(report: reports.Report) -> None:
    page = reports.render(report, "html").decode()
    parser = _Headings()
    parser.feed(page)
    assert parser.h2 == _section_titles(report)
    # Activities by type and by pillar, funding by pillar, the participation indicators.
    assert _charts(report) >= 4
    assert page.count("<svg") == page.count('<title id="chart-') == _charts(report)
    first_chart = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "&lt;" not in first_chart and "<style>" in first_chart, "the charts stay markup"
    assert "<script" not in page
    assert "@page { size: A4;" in page and "counter(page)" in page


def test_markdown_has_the_sections_in_order(report: reports.Report) -> None:
    lines = reports.render(report, "md").decode().splitlines()
    assert [line[3:] for line in lines if line.startswith("## ")] == _section_titles(report)
    assert lines[0] == "# Annual implementation report 2024"


def test_html_and_markdown_are_the_same_bytes_from_the_same_database(
    engine: Engine, report: reports.Report
) -> None:
    with engine.connect() as other:
        again = reports.build_report(other, PLAN, "2024")
    for fmt in ("html", "md"):
        assert reports.render(report, fmt) == reports.render(again, fmt)


def test_docx_opens_with_a_heading_per_pillar(report: reports.Report) -> None:
    document = docx.Document(io.BytesIO(reports.render(report, "docx")))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == _section_titles(report)
    assert len(document.tables) == sum(isinstance(b, Table) for b in layout(report).blocks)
    assert len(document.inline_shapes) == _charts(report), "every chart as a picture"


def test_pdf_text_has_the_section_titles_and_totals(report: reports.Report) -> None:
    data = reports.render(report, "pdf")
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "report-2024.pdf"
    pdf.write_bytes(data)
    words = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(pdf).pages)
    for title in _section_titles(report):
        assert title in words, title
    assert "1,680,000.00" in words and "500,000.00" in words
    n = report.figures.activities
    assert f"Activities in the period {n} activities" in words


# --- the document: every section, the editions, the Japanese edition -----------------------


def _sections_of(doc: Document) -> dict[str, list[Block]]:
    """The blocks under each level-1 heading, by its anchor."""
    found: dict[str, list[Block]] = {}
    current: list[Block] | None = None
    for block in doc.blocks:
        if isinstance(block, Heading) and block.level == 1:
            current = found.setdefault(block.anchor, [])
        elif current is not None:
            current.append(block)
    return found


def test_no_heading_of_the_report_is_left_empty(report: reports.Report) -> None:
    doc = layout(report)
    blocks = doc.blocks
    for i, block in enumerate(blocks):
        if isinstance(block, Heading):
            assert i + 1 < len(blocks), f"{block.text} ends the report"
            after = blocks[i + 1]
            assert not isinstance(after, Heading) or after.level > block.level, block.text
    # A pillar without a narrative says so in a line of its own, in the report's language.
    prevention = _sections_of(doc)["pillar-prevention"]
    [line] = [b for b in prevention[:3] if isinstance(b, Paragraph) and b.kind == "none"]
    assert line.text == "No narrative written yet."


def test_a_pillar_with_data_has_every_part_filled(report: reports.Report) -> None:
    """Participation has a narrative, indicators with values, activities and funding: none
    of its parts falls back to a "nothing here" line."""
    part = _sections_of(layout(report))["pillar-participation"]
    assert not [b.text for b in part if isinstance(b, Paragraph) and b.kind == "none"]
    words = [b.text for b in part if isinstance(b, Paragraph)]
    assert PARTICIPATION in words
    captions = [b.caption for b in part if isinstance(b, Table | Chart)]
    assert captions[0].endswith("Indicators: Participation")
    assert any(c.endswith("Progress towards the target: Participation") for c in captions)
    assert any(c.endswith("Funding: Participation (USD)") for c in captions)
    assert sum(isinstance(b, Activities) for b in part) == 1
    summary = _sections_of(layout(report))["summary"]
    assert [b.text for b in summary[:2]] == SUMMARY.split("\n\n")
    assert isinstance(summary[3], Facts) and all(v for _k, v in summary[3].pairs)


def test_the_report_prints_the_latest_narrative_and_keeps_the_earlier_one(
    conn: Connection, report: reports.Report
) -> None:
    history = narratives.history(conn, PLAN, "2024", "participation")
    assert [(h.text, h.author) for h in history] == [
        (PARTICIPATION, "chief"),
        ("An early draft.", "editor"),
    ]
    assert report.sections[0].narrative is not None
    assert report.sections[0].narrative.text == PARTICIPATION
    markdown = reports.render(report, "md").decode()
    assert PARTICIPATION in markdown and "An early draft." not in markdown


def test_an_activity_linked_to_two_items_of_a_pillar_is_listed_once(
    report: reports.Report,
) -> None:
    participation = report.sections[0]
    linked = [i.code for i in participation.items if i.activities]
    assert linked == ["1", "1.1"]
    [(entry, items)] = [(a, items) for a, items in participation.activities() if len(items) > 1]
    assert [i.code for i in items] == ["1", "1.1"]
    [listing] = [
        b for b in _sections_of(layout(report))["pillar-participation"] if isinstance(b, Activities)
    ]
    heads = [head for head, _details in listing.entries]
    assert heads.count(text.activity_head(entry)) == 1
    assert len(heads) == len({a.id for a, _items in participation.activities()})


def test_pillar_funding_carries_the_falling_flag_of_the_funding_trends(
    conn: Connection, report: reports.Report
) -> None:
    trends = funding.funding_trends(conn, year_from=2023, year_to=2024, partial=True)
    flags = {t.key: t.points[-1].falling for t in trends.pillars if t.key}
    assert True in flags.values(), "the fixture has a pillar whose funding fell"
    markdown = reports.render(report, "md").decode()
    for sec in report.sections:
        if sec.code in flags:
            assert sec.funding is not None and sec.funding.falling == flags[sec.code]
    assert report.falling == [s.title for s in report.sections if s.code and flags.get(s.code)]
    assert markdown.count("> Falling funding: commitments fell by") == len(report.falling)


def test_pdf_and_docx_have_the_same_headings_tables_and_charts(report: reports.Report) -> None:
    found = assert_same_structure(reports.render(report, "pdf"), reports.render(report, "docx"))
    assert len(found.headings) > 30 and len(found.tables) >= 10
    assert len(found.figures) == _charts(report)


JAPANESE_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")


def test_japanese_edition_has_japanese_headings_pillar_names_organisations_and_dates(
    conn: Connection,
) -> None:
    ja = reports.build_report(conn, PLAN, "2024", language="ja")
    pillar = schema.pillar
    names = conn.execute(select(pillar.c.name_ja).order_by(pillar.c.sort_order)).scalars().all()
    assert [s.title for s in ja.sections[:4]] == names and all(names)
    assert (ja.government, ja.ministry) == ("日本政府", "外務省")
    doc = layout(ja)
    headings = [h.text for h in doc.headings()]
    for word in ("要旨", "主な数値", "指標", "本文", "附属資料A：出典"):
        assert word in headings, word
    assert not [h for h in headings if re.fullmatch(r"[A-Za-z ,:()]+", h)], "no English heading"
    # Dates: the cover, each activity and each source, as 2024年3月18日.
    entries = [e for b in doc.blocks if isinstance(b, Activities) for e in b.entries]
    assert entries and all(JAPANESE_DATE.match(head) for head, _details in entries)
    cover = next(b for b in doc.blocks if isinstance(b, Cover))
    assert "2024年1月1日～2024年12月31日" in cover.lines[3]
    # Organisations by their Japanese names where the reference data has one.
    org = schema.organisation
    japanese = dict(
        conn.execute(select(org.c.acronym, org.c.name_ja).where(org.c.acronym.is_not(None))).all()
    )
    listed = [o for s in ja.sections for a, _i in s.activities() for o in a.organisations]
    assert "国連難民高等弁務官事務所" in listed or japanese.get("UNHCR") in listed
    assert not [o for o in listed if japanese.get(o)], "an acronym with a Japanese name"
    # Counting: 件 after the number, whatever it is.
    facts = next(b for b in doc.blocks if isinstance(b, Facts))
    assert facts.pairs[0] == ("期間中の活動", f"{ja.figures.activities}件の活動")
    # The DOCX and the PDF carry the same Japanese headings.
    document = docx.Document(io.BytesIO(reports.render(ja, "docx")))
    reader = PdfReader(io.BytesIO(reports.render(ja, "pdf")))
    assert [t for _level, t, _p in outline(reader)] == [t for _l, t in docx_outline(document)]
    assert "年次実施報告書 2024年" in [p.text for p in document.paragraphs]


@pytest.mark.parametrize(
    ("lang", "one", "two"),
    [("en", "1 activity", "2 activities"), ("ja", "1件の活動", "2件の活動")],
)
def test_counts_read_right_in_both_languages(lang: str, one: str, two: str) -> None:
    with i18n.language(lang):
        assert (text.activities(1), text.activities(2)) == (one, two)


def test_one_woman_of_one_named_participant_reads_in_the_singular(
    report: reports.Report,
) -> None:
    f = report.figures
    f.named_participants, f.women, f.women_share, f.gender_unknown = 1, 1, 1.0, 0
    with i18n.language("en"):
        assert text.women_line(report) == "100.0 % (1 woman of 1 named participant)"
    with i18n.language("ja"):
        assert text.women_line(report) == "100.0 %（氏名の分かる参加者1人のうち女性1人）"


def test_an_unknown_report_language_is_refused(conn: Connection) -> None:
    with pytest.raises(InvalidInput, match="report language 'fr'"):
        reports.build_report(conn, PLAN, "2024", language="fr")


# --- input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [("2024", "2024-01-01", "2024-12-31"), ("fy2024", "2024-04-01", "2025-03-31")],
)
def test_period_is_a_calendar_or_fiscal_year(label: str, start: str, end: str) -> None:
    period = reports.Period.parse(label)
    assert (period.start.isoformat(), period.end.isoformat(), period.year) == (start, end, 2024)


@pytest.mark.parametrize("label", ["24", "2024-25", "last year", ""])
def test_period_refuses_what_is_not_a_year(label: str) -> None:
    with pytest.raises(InvalidInput, match="FY2024"):
        reports.Period.parse(label)


def test_unknown_plan_and_format_are_refused(conn: Connection, report: reports.Report) -> None:
    with pytest.raises(NotFound, match="TEST-JP"):
        reports.build_report(conn, "NO-SUCH", "2024")
    with pytest.raises(InvalidInput, match="pdf, docx, html, md"):
        reports.render(report, "odt")


def test_fiscal_year_report_counts_april_to_march(conn: Connection) -> None:
    fiscal = reports.build_report(conn, PLAN, "FY2023")
    act = schema.activity
    expected = conn.execute(
        select(act.c.id).where(
            *scope(conn, reports.Period.parse("FY2023")),
        )
    ).scalars()
    assert {e.id for e in _entries(fiscal)} == set(expected)


# --- the report button in the web application ---------------------------------------------


def test_report_page_needs_a_login(web: Any) -> None:
    response = web.client().get("/reports")
    assert response.status_code in (302, 303)
    assert response.headers["location"].startswith("/login")
    download = web.client().get("/reports/download?plan=JP-NAP3&period=2024&format=md")
    assert download.status_code in (302, 303)


def test_report_page_offers_each_plan_and_format(web: Any) -> None:
    page = web.login("viewer").get("/reports?plan=JP-NAP3").text
    assert '<option value="JP-NAP3" selected>' in page
    for fmt in reports.FORMATS:
        assert f'name="format" value="{fmt}"' in page
    assert 'action="/reports/download"' in page
    assert '<a href="/reports" aria-current="page">Reports</a>' in page, "in the navigation"


@pytest.mark.parametrize(("fmt", "start"), [("md", b"# Annual"), ("docx", b"PK")])
def test_report_download_sends_the_file_named_after_plan_and_period(
    web: Any, fmt: str, start: bytes
) -> None:
    client = web.login("viewer")
    response = client.get(f"/reports/download?plan=JP-NAP3&period=2024&format={fmt}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(reports.MEDIA_TYPES[fmt].split(";")[0])
    disposition = response.headers["content-disposition"]
    assert disposition == f'attachment; filename="JP-NAP3-report-2024.{fmt}"'
    assert response.content.startswith(start)


def test_report_download_sends_the_japanese_edition_when_asked(web: Any) -> None:
    client = web.login("viewer")
    assert '<option value="ja">' in client.get("/reports").text
    response = client.get("/reports/download?plan=JP-NAP3&period=2024&format=md&edition=ja")
    assert response.status_code == 200
    disposition = response.headers["content-disposition"]
    assert disposition == 'attachment; filename="JP-NAP3-report-2024-ja.md"'
    assert response.text.startswith("# 年次実施報告書 2024年\n")
    assert "\n## 要旨\n" in response.text and "\n## 参画\n" in response.text
    assert client.get("/reports/download?plan=JP-NAP3&period=2024&edition=fr").status_code == 422


def test_report_download_refuses_an_unknown_format_or_plan(web: Any) -> None:
    client = web.login("viewer")
    assert client.get("/reports/download?plan=JP-NAP3&period=2024&format=odt").status_code == 422
    assert client.get("/reports/download?plan=XX&period=2024&format=md").status_code == 404


def test_pdf_without_pango_is_a_config_error_naming_the_packages(
    report: reports.Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins

    real_import = builtins.__import__

    def no_pango(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pango)
    with pytest.raises(ConfigError, match=re.escape("libpango-1.0-0 libpangoft2-1.0-0")):
        reports.render(report, "pdf")
