"""The demo's fictional example plan EX-NAP1: complete, loaded through the product's own
functions, marked fictional wherever it shows, and kept apart from Japan's published plans."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Connection, func, select
from typer.testing import CliRunner

from wpstrack import demo, example, funding, indicators, plans, schema
from wpstrack.cli import app
from wpstrack.db import make_engine
from wpstrack.errors import InvalidInput
from wpstrack.plans.yamlform import dump_yaml, parse_yaml

if TYPE_CHECKING:
    from conftest import WebSite

PILLARS = ("participation", "prevention", "protection", "relief_recovery")


def test_the_example_plan_is_fictional_and_has_every_part() -> None:
    plan = example.example_plan()
    assert plan.code == example.PLAN and plan.fictional and plan.country == "XE"
    assert "fictional" in plan.title.lower() and "fictional" in (plan.source or "").lower()
    assert plan.period_type == "calendar_year"
    kinds = Counter(item.kind for item, _, _ in plan.walk())
    assert kinds["area"] == 4 and kinds["objective"] >= 4 and kinds["measure"] >= 4
    assert {item.pillar for item in plan.items} == set(PILLARS)
    assert len(plan.indicators) >= 4
    for ind in plan.indicators:
        assert ind.baseline_value is not None and ind.baseline_period == "2023"
        assert ind.targets and ind.item is not None
    assert any(ind.disaggregation == "sex" and ind.parts_sum_to_total for ind in plan.indicators)
    assert {ind.direction for ind in plan.indicators} >= {"increase", "decrease"}


def test_the_fictional_flag_survives_a_yaml_round_trip_and_japan_writes_none() -> None:
    plan = example.example_plan()
    again = parse_yaml(dump_yaml(plan), "again.yaml")
    assert again == plan and again.fictional
    nap3 = next(p for p in plans.example_plans() if p.code == "JP-NAP3")
    assert not nap3.fictional and "fictional" not in dump_yaml(nap3)


@pytest.mark.parametrize(
    ("country", "fictional", "message"),
    [
        ("XE", False, "not an ISO 3166 two-letter country code"),
        ("JP", True, "a fictional plan's country takes a code ISO 3166 reserves for users"),
        ("QA", True, "reserves for users"),  # Qatar: Q only from QM on is reserved
    ],
)
def test_a_fictional_plan_takes_a_user_assigned_country_and_only_it_does(
    country: str, fictional: bool, message: str
) -> None:
    text = f"code: T\ncountry: {country}\ntitle: T\nfictional: {str(fictional).lower()}\n"
    with pytest.raises(InvalidInput, match=message):
        parse_yaml(text, "t.yaml")


def test_loading_the_example_enters_approves_and_funds_through_the_real_functions(
    conn: Connection,
) -> None:
    plans.load_examples(conn)
    loaded = example.load_example(conn, "demo")
    assert loaded.plan and loaded.periods == ["2024", "2025"]
    assert loaded.values == loaded.approved == 20 and loaded.contributions == 26
    val, ind = schema.indicator_value, schema.indicator
    statuses = conn.execute(
        select(val.c.status, val.c.approved_by, val.c.recorded_by, func.count())
        .join(ind, ind.c.id == val.c.indicator_id)
        .group_by(val.c.status, val.c.approved_by, val.c.recorded_by)
    ).all()
    assert statuses == [("approved", "demo", "demo", 20)]
    # The report's reading (approved values only) sees both years.
    pr1 = indicators.series(conn, example.PLAN, "PR1", approved_only=True)
    assert [p["period"] for p in pr1["series"]] == ["2024", "2025"]
    assert {(b["period"], b["sex"]): b["value"] for b in pr1["by_sex"]}[("2025", "f")] == 190
    c = schema.contribution
    rows = conn.execute(select(c.c.purpose_code, c.c.recipient_country, c.c.plan_item_id)).all()
    assert len(rows) == 26
    assert all(r.purpose_code and r.recipient_country and r.plan_item_id for r in rows)
    audit = schema.audit_event
    audited = dict(
        conn.execute(
            select(audit.c.table_name, func.count())
            .where(audit.c.actor == "demo")
            .group_by(audit.c.table_name)
        ).all()
    )
    assert audited["plan"] == 1 and audited["contribution"] == 26
    assert audited["indicator_value"] == 40  # entered, then approved
    assert audited["organisation"] == 2
    again = example.load_example(conn, "demo")
    assert not again.plan and again.values == again.contributions == 0


def test_japan_keeps_only_its_published_facts(conn: Connection) -> None:
    plans.load_examples(conn)
    example.load_example(conn, "demo")
    for shipped in plans.example_plans():
        assert plans.read_plan(conn, shipped.code) == shipped
        assert not shipped.fictional and not shipped.indicators
    japan = select(schema.plan.c.id).where(schema.plan.c.country == "JP")
    item_ids = select(schema.plan_item.c.id).where(schema.plan_item.c.plan_id.in_(japan))
    funded = conn.execute(
        select(func.count())
        .select_from(schema.contribution)
        .where(schema.contribution.c.plan_item_id.in_(item_ids))
    ).scalar_one()
    assert funded == 0


def test_the_example_narratives_cover_each_year_and_section_of_the_plan() -> None:
    entries = example.narratives()
    pillars = {item.pillar for item in example.example_plan().items}
    assert {(e["plan"], e["period"], e["section"]) for e in entries} == {
        (example.PLAN, period, section)
        for period in example.PERIODS
        for section in ("summary", *pillars)
    }
    assert len(entries) == len({(e["period"], e["section"]) for e in entries})
    assert all(len(e["text"].split()) > 25 for e in entries)


def test_the_example_narratives_quote_the_example_figures() -> None:
    by_key = {(e["period"], e["section"]): e["text"] for e in example.narratives()}
    assert "260 officials" in by_key[("2024", "prevention")]
    assert "2,150 survivors" in by_key[("2025", "protection")]
    assert "USD 3.87 million" in by_key[("2025", "summary")]


def test_the_fictional_marker_shows_on_every_page_of_the_example(web: WebSite) -> None:
    with web.engine.begin() as conn:
        example.load_example(conn, "demo")
    client = web.client()
    for path in ("/plans", f"/plans/{example.PLAN}", f"/indicators/{example.PLAN}", "/"):
        page = client.get(path)
        assert page.status_code == 200
        assert "Fictional example" in page.text, path
    assert "Fictional example" not in client.get("/plans/JP-NAP3").text
    assert "Fictional example" not in client.get("/dashboard?plan=JP-NAP3").text
    japanese = client.get(f"/plans/{example.PLAN}?lang=ja").text
    assert "架空の例" in japanese
    detail = client.get(f"/api/v1/plans/{example.PLAN}").json()
    assert detail["fictional"] is True


def test_the_demo_shows_the_example_plan_with_indicators_and_funding_on_the_dashboard(
    cli_env: dict[str, str],
) -> None:
    """Acceptance: ``make run`` (``wpstrack demo``) shows the example plan with indicators
    and funding on the dashboard, to an anonymous visitor."""
    from fastapi.testclient import TestClient

    from wpstrack.settings import Settings
    from wpstrack.web import create_app

    result = CliRunner().invoke(app, ["demo", "--no-serve", "--corpus", str(demo.SHIPPED_SAMPLE)])
    assert result.exit_code == 0, result.output
    assert f"Fictional example plan {example.PLAN} loaded" in result.output
    url = cli_env["WPSTRACK_DATABASE_URL"]
    engine = make_engine(url)
    client = TestClient(create_app(Settings(_env_file=None, database_url=url), engine=engine))
    board = client.get("/api/v1/dashboard").json()
    assert {i["plan"] for i in board["indicators"]} == {example.PLAN}
    assert all(i["value"] is not None and i["progress"] is not None for i in board["indicators"])
    assert board["funding"]["contributions"] == 26 and board["fictional"] == [example.PLAN]
    page = client.get("/").text
    assert "Fictional example" in page and "EX-NAP1 PR1" in page
    assert 'id="funding-panel"' in page and "UN Women" in page
    engine.dispose()


def test_the_plan_tracker_flags_the_example_plans_falling_funding(web: WebSite) -> None:
    """Issue 14: the falling-funding flags on the dashboard, the plan tracker and the report.
    The example's commitments to two pillars fall in 2025; Japan's plan has none of them."""
    with web.engine.begin() as conn:
        example.load_example(conn, "demo")
        flagged = funding.funding_overview(conn, plan=example.PLAN)["falling"]
    assert flagged
    client = web.client()
    page = client.get(f"/plans/{example.PLAN}").text
    assert 'id="plan-funding"' in page and 'id="falling-funding"' in page
    for fall in flagged:
        assert f"{fall['label']}: commitments fell by" in page
    japan = client.get("/plans/JP-NAP3").text
    assert 'id="plan-funding"' in japan and 'id="falling-funding"' not in japan
    assert "No contribution of this plan" in japan
    assert "の拠出約束額が" in client.get(f"/plans/{example.PLAN}?lang=ja").text
