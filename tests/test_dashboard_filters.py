"""Dashboard filters (plan, period, pillar), the indicator and funding panels, and each
figure's table and CSV, over the fictional example plan whose figures are known."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from sqlalchemy import Connection

from wpstrack import dashboard, example, indicators, plans, schema
from wpstrack.db import now
from wpstrack.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from conftest import WebSite

PLAN = example.PLAN


def _activity(conn: Connection, day: date, published: bool, pillar: str | None) -> int:
    act = schema.activity
    values = {
        "type": "meeting",
        "title": "A meeting",
        "status": "published" if published else "draft",
        "is_published": published,
        "date": day,
        "acting_country": "XE",
        "created_at": now(),
        "updated_at": now(),
    }
    activity_id = int(conn.execute(act.insert().values(**values).returning(act.c.id)).scalar_one())
    if pillar:
        conn.execute(
            schema.activity_link.insert().values(
                activity_id=activity_id, kind="pillar", pillar_code=pillar
            )
        )
    return activity_id


@pytest.fixture()
def filled(conn: Connection) -> Connection:
    """Japan's plans and the example loaded, and four activities of Examplia (one a draft)."""
    plans.load_examples(conn)
    example.load_example(conn, "demo")
    _activity(conn, date(2024, 3, 5), True, "participation")
    _activity(conn, date(2024, 9, 1), True, "prevention")
    _activity(conn, date(2025, 2, 1), True, "prevention")
    _activity(conn, date(2025, 6, 1), False, "prevention")
    return conn


def _indicator(figures: dict[str, Any], code: str) -> dict[str, Any]:
    return next(i for i in figures["indicators"] if i["code"] == code)


def test_the_period_picks_each_indicators_value_of_that_period(filled: Connection) -> None:
    y2024 = dashboard.dashboard(filled, public=True, plan=PLAN, period="2024")
    y2025 = dashboard.dashboard(filled, public=True, plan=PLAN, period="2025")
    latest = dashboard.dashboard(filled, public=True, plan=PLAN)
    assert _indicator(y2024, "P1")["value"] == 22 and _indicator(y2025, "P1")["value"] == 27
    assert _indicator(latest, "P1")["value"] == 27
    assert _indicator(y2025, "PR1") | {"name": None} == {
        **dict.fromkeys(("name",)),
        **{"plan": PLAN, "code": "PR1", "pillar": "prevention", "unit": "count"},
        **{"baseline": 150, "period": "2025", "value": 340, "target": 400, "progress": 76.0},
    }
    empty = dashboard.dashboard(filled, public=True, plan=PLAN, period="2030")
    assert all(i["value"] is None for i in empty["indicators"])


def test_the_pillar_narrows_indicators_funding_and_activities(filled: Connection) -> None:
    figures = dashboard.dashboard(filled, public=True, plan=PLAN, pillar="prevention")
    assert [i["code"] for i in figures["indicators"]] == ["PR1"]
    assert [g["key"] for g in figures["funding"]["by_pillar"]] == ["prevention"]
    assert figures["funding"]["commitment"] == "1070000.00"  # 650,000 + 420,000
    assert {g["key"] for g in figures["funding"]["by_partner"]} == {"undp"}
    assert figures["activities"] == 2  # the published prevention ones


def test_the_period_narrows_funding_and_flags_falls_from_the_year_before(
    filled: Connection,
) -> None:
    y2024 = dashboard.dashboard(filled, public=True, plan=PLAN, period="2024")
    y2025 = dashboard.dashboard(filled, public=True, plan=PLAN, period="2025")
    assert y2024["funding"]["commitment"] == "3900000.00"
    assert y2025["funding"]["commitment"] == "3870000.00"
    assert y2024["funding"]["disbursement"] == "3250000.00"
    assert y2024["funding"]["falling"] == []
    falling = {(f["dimension"], f["key"]): f for f in y2025["funding"]["falling"]}
    assert set(falling) == {
        ("pillar", "prevention"),
        ("pillar", "relief_recovery"),
        ("recipient", "undp"),
        ("recipient", "unhcr"),
    }
    assert falling[("pillar", "prevention")]["change_pct"] == -35.4
    assert y2024["activities"] == 2 and y2025["activities"] == 1


def test_the_plan_filter_counts_only_that_plans_government(filled: Connection) -> None:
    japan = dashboard.dashboard(filled, public=True, plan="JP-NAP3")
    assert japan["indicators"] == [] and japan["funding"]["contributions"] == 0
    assert japan["activities"] == 0 and japan["fictional"] == []
    ours = dashboard.dashboard(filled, public=True, plan=PLAN)
    assert ours["funding"]["contributions"] == 26 and ours["activities"] == 3
    assert ours["fictional"] == [PLAN]


@pytest.mark.parametrize(
    ("filters", "error", "message"),
    [
        ({"period": "2024-13"}, InvalidInput, "not a calendar year"),
        ({"plan": PLAN, "period": "FY2024"}, InvalidInput, "plan EX-NAP1"),
        ({"pillar": "peace"}, InvalidInput, "unknown pillar 'peace'"),
        ({"plan": "NO-PLAN"}, NotFound, "no plan with code 'NO-PLAN'"),
    ],
)
def test_bad_filters_are_refused_with_a_reason(
    filled: Connection, filters: dict[str, str], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        dashboard.dashboard(filled, public=True, **filters)


def test_values_waiting_for_approval_are_not_on_the_dashboard(filled: Connection) -> None:
    entry = indicators.EntryIn("P1", 35)
    indicators.record_period(filled, PLAN, "2026", [entry], actor="editor")
    for public in (True, False):
        figures = dashboard.dashboard(filled, public=public, plan=PLAN)
        assert _indicator(figures, "P1")["period"] == "2025"


def _csv(text: str) -> list[dict[str, str]]:
    return [
        {k: v.removeprefix("'") for k, v in row.items()}
        for row in csv.DictReader(io.StringIO(text))
    ]


def _table(html: str, figure: str) -> list[dict[str, str]]:
    table = HTMLParser(html).css_first(f'table[data-figure="{figure}"]')
    assert table is not None, figure
    columns = [th.attributes["data-column"] for th in table.css("thead th")]
    return [
        dict(zip(columns, [cell.text() for cell in tr.css("th, td")], strict=True))
        for tr in table.css("tbody tr")
    ]


@pytest.fixture(scope="module")
def site(web: WebSite) -> WebSite:
    with web.engine.begin() as conn:
        example.load_example(conn, "demo")
        _activity(conn, date(2025, 2, 1), True, "prevention")
        _activity(conn, date(2025, 3, 1), False, "protection")
    return web


@pytest.mark.parametrize("figure", list(dashboard.TABLES))
def test_each_figures_csv_matches_its_table_with_the_filters_kept(
    site: WebSite, figure: str
) -> None:
    client = site.client()
    query = f"plan={PLAN}&period=2025"
    html = client.get(f"/dashboard?{query}").text
    links = [a.attributes["href"] for a in HTMLParser(html).css("a[download]")]
    link = f"/dashboard?{query}&format=csv&figure={figure}"
    assert link in links
    response = client.get(link)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = _csv(response.text)
    if figure in ("by_month", "by_pillar", "indicators", "funding_by_partner"):
        assert rows, figure  # known data: the comparison below is not of two empty lists
    if rows:
        assert _table(html, figure) == rows
    header = response.text.splitlines()[0].split(",")
    assert header == [column for column, _ in dashboard.TABLES[figure]]


def test_the_funding_panel_and_indicators_show_on_the_page(site: WebSite) -> None:
    html = site.client().get(f"/dashboard?plan={PLAN}&period=2025").text
    panel = HTMLParser(html).css_first("#funding-panel")
    assert panel is not None
    assert "UNDP" in panel.css_first("#falling-funding").text()
    assert 'name="period" value="2025"' in html
    assert '<option value="prevention">' in html


def test_anonymous_and_logged_in_visitors_see_the_same_published_only_figures(
    site: WebSite,
) -> None:
    anonymous = site.client().get("/api/v1/dashboard", params={"plan": PLAN}).json()
    viewer = (
        site.client()
        .get("/api/v1/dashboard", params={"plan": PLAN}, headers=site.bearer("viewer"))
        .json()
    )
    assert anonymous["indicators"] == viewer["indicators"]
    assert anonymous["funding"] == viewer["funding"]
    # Activities: the public counts published ones only; a user sees the draft too.
    assert anonymous["activities"] == 1 and viewer["activities"] == 2
    assert anonymous["review_backlog"] is None and viewer["review_backlog"] is not None


def test_the_kept_figures_are_kept_per_filter(site: WebSite) -> None:
    client = site.client()
    first = client.get("/api/v1/dashboard", params={"plan": PLAN, "period": "2024"}).json()
    second = client.get("/api/v1/dashboard", params={"plan": PLAN, "period": "2025"}).json()
    third = client.get("/api/v1/dashboard", params={"plan": PLAN, "pillar": "protection"}).json()
    assert first["funding"]["commitment"] == "3900000.00"
    assert second["funding"]["commitment"] == "3870000.00"
    assert third["funding"]["commitment"] == "2600000.00"  # 1,200,000 + 1,400,000
    again = client.get("/api/v1/dashboard", params={"plan": PLAN, "period": "2024"}).json()
    assert again == first
    refused = client.get("/api/v1/dashboard", params={"pillar": "peace"})
    assert refused.status_code == 422 and "unknown pillar" in refused.json()["error"]["message"]
