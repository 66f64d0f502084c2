"""Computed indicators: declarative formulas over the register, refreshed on demand, progress."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Connection, insert, select

from wpstrack import indicators, plans, schema
from wpstrack.db import now
from wpstrack.errors import InvalidInput, MissingRate
from wpstrack.indicators import progress, target_for

if TYPE_CHECKING:
    from conftest import WebSite

PLAN = """
code: T-NAP
country: JP
title: Computed indicators test plan
period_start: 2022
period_end: 2024
items:
  - code: "1"
    title: Participation
    pillar: participation
    items:
      - code: "1.1"
        title: Dialogues with UN entities
indicators:
  - code: C1
    name: Dialogues held
    method: computed
    formula: {measure: count_activities, filters: {type: dialogue}}
    baseline_value: 0
    targets: [{period: "2024", value: 4}]
  - code: C2
    name: Share of women among named participants
    unit: percent
    method: computed
    formula: {measure: share_women_named}
  - code: C3
    name: UN entities engaged
    method: computed
    formula: {measure: distinct_un_entities, period: fiscal_year}
  - code: C4
    name: Disbursed to UN Women
    unit: USD
    method: computed
    formula: {measure: funding_sum, filters: {recipient: unwomen}, currency: USD}
  - code: C5
    name: Activities under measure area 1 in Japan
    method: computed
    formula: {measure: count_activities, filters: {plan_item: "1", country: [jp]}}
"""


def org_id(conn: Connection, code: str) -> int:
    o = schema.organisation
    return int(conn.execute(select(o.c.id).where(o.c.code == code)).scalar_one())


def add_activity(
    conn: Connection,
    day: date,
    *,
    type: str = "dialogue",
    status: str = "reviewed",
    country: str | None = "JP",
    orgs: tuple[str, ...] = (),
    people: tuple[str | None, ...] = (),
    item: str | None = None,
    pillars: tuple[str, ...] = (),
    acting: str | None = "JP",
    role: str = "participant",
) -> int:
    """A register entry with its participants and links (shared with the matrix tests);
    ``acting`` is the government whose activity it is."""
    a = schema.activity
    aid = conn.execute(
        insert(a)
        .values(
            type=type,
            status=status,
            is_published=status == "published",  # as publishing sets both
            date=day,
            country=country,
            acting_country=acting,
            created_at=now(),
            updated_at=now(),
        )
        .returning(a.c.id)
    ).scalar_one()
    part = schema.activity_participant
    for code in orgs:
        conn.execute(
            insert(part).values(
                activity_id=aid, organisation_id=org_id(conn, code), role=role, kind="organisation"
            )
        )
    for i, gender in enumerate(people):
        conn.execute(
            insert(part).values(
                activity_id=aid,
                name=f"Person {i}",
                gender=gender,
                role="participant",
                kind="person",
            )
        )
    for pillar in pillars:
        conn.execute(
            insert(schema.activity_link).values(activity_id=aid, kind="pillar", pillar_code=pillar)
        )
    if item is not None:
        pi = schema.plan_item
        iid = conn.execute(select(pi.c.id).where(pi.c.code == item)).scalar_one()
        conn.execute(
            insert(schema.activity_link).values(activity_id=aid, kind="plan_item", plan_item_id=iid)
        )
    return int(aid)


@pytest.fixture()
def plan_conn(conn: Connection) -> Connection:
    plans.save_plan(conn, plans.parse_plan(PLAN.encode(), "t.yaml", "yaml"))
    return conn


def values(conn: Connection, code: str) -> dict[str, float]:
    return {p["period"]: p["value"] for p in indicators.series(conn, "T-NAP", code)["series"]}


def test_counts_only_reviewed_and_published_activities_per_year(plan_conn: Connection) -> None:
    add_activity(plan_conn, date(2023, 5, 1))
    add_activity(plan_conn, date(2023, 6, 1), status="published")
    add_activity(plan_conn, date(2023, 7, 1), status="draft")
    add_activity(plan_conn, date(2023, 7, 2), type="meeting")
    add_activity(plan_conn, date(2024, 1, 9))
    indicators.refresh(plan_conn, "T-NAP")
    # Plan years without a dialogue are zeros, not gaps.
    assert values(plan_conn, "C1") == {"2022": 0.0, "2023": 2.0, "2024": 1.0}


def test_share_of_women_counts_named_participants_only(plan_conn: Connection) -> None:
    add_activity(plan_conn, date(2023, 5, 1), people=("f", "m", None, "f"), orgs=("unwomen",))
    add_activity(plan_conn, date(2023, 9, 1), status="draft", people=("m", "m"))
    mentioned = add_activity(plan_conn, date(2023, 10, 1))
    # Ingestion records the organisations a text names as "mentioned" rows carrying the
    # name as written; they, like a person only mentioned, took no part.
    plan_conn.execute(
        insert(schema.activity_participant),
        [
            {"activity_id": mentioned, "name": "Someone Named", "gender": "m"}
            | {"organisation_id": None, "role": "mentioned"},
            {"activity_id": mentioned, "name": "UN Women", "gender": None}
            | {"organisation_id": org_id(plan_conn, "unwomen"), "role": "mentioned"},
        ],
    )
    indicators.refresh(plan_conn, "T-NAP")
    [point] = indicators.series(plan_conn, "T-NAP", "C2")["series"]
    assert (point["period"], point["value"]) == ("2023", 50.0)
    assert point["note"] == "2 women of 4 named participants"


def test_distinct_un_entities_per_fiscal_year(plan_conn: Connection) -> None:
    add_activity(plan_conn, date(2023, 4, 1), orgs=("unwomen", "unfpa"))
    add_activity(plan_conn, date(2024, 3, 31), orgs=("unwomen", "jp-mofa"))
    add_activity(plan_conn, date(2024, 4, 1), orgs=("unwomen",))
    indicators.refresh(plan_conn, "T-NAP")
    got = values(plan_conn, "C3")
    # April 2023 to March 2024 is FY2023; the ministry is not a UN entity.
    assert (got["FY2023"], got["FY2024"]) == (2.0, 1.0)


def test_plan_item_filter_takes_the_items_below(plan_conn: Connection) -> None:
    add_activity(plan_conn, date(2023, 5, 1), item="1.1")
    add_activity(plan_conn, date(2023, 5, 2), item="1", country="US")
    add_activity(plan_conn, date(2023, 5, 3))
    indicators.refresh(plan_conn, "T-NAP")
    assert values(plan_conn, "C5")["2023"] == 1.0


def _contribution(conn: Connection, amount: str, currency: str, year: int, kind: str) -> None:
    unwomen = org_id(conn, "unwomen")
    conn.execute(
        insert(schema.contribution).values(
            donor_name="Japan",
            recipient_id=unwomen,
            recipient_name="UN Women",
            amount=Decimal(amount),
            currency=currency,
            date=date(year, 6, 1),
            year=year,
            transaction_type=kind,
            created_at=now(),
        )
    )


def test_funding_sum_converts_with_the_users_rates(plan_conn: Connection) -> None:
    _contribution(plan_conn, "1000", "USD", 2023, "disbursement")
    _contribution(plan_conn, "100000", "JPY", 2023, "disbursement")
    _contribution(plan_conn, "999", "USD", 2023, "commitment")
    with pytest.raises(MissingRate, match="JPY 2023"):
        indicators.refresh(plan_conn, "T-NAP")
    plan_conn.execute(
        insert(schema.exchange_rate).values(
            currency="JPY",
            year=2023,
            rate=Decimal("0.0071"),
            reporting_currency="USD",
            created_at=now(),
        )
    )
    indicators.refresh(plan_conn, "T-NAP")
    assert values(plan_conn, "C4") == {"2023": 1710.0}


def test_refresh_replaces_stale_values_and_records_when(plan_conn: Connection) -> None:
    aid = add_activity(plan_conn, date(2023, 5, 1))
    indicators.refresh(plan_conn, "T-NAP")
    first = indicators.overview(plan_conn, "T-NAP")[0]
    assert first["refreshed_at"] is not None
    assert first["latest"]["period"] == "2024"
    assert first["stale"] is False
    a = schema.activity
    plan_conn.execute(a.update().where(a.c.id == aid).values(status="draft", updated_at=now()))
    assert indicators.overview(plan_conn, "T-NAP")[0]["stale"] is True
    indicators.refresh(plan_conn, "T-NAP")
    assert values(plan_conn, "C1")["2023"] == 0.0
    assert indicators.series(plan_conn, "T-NAP", "C1")["stale"] is False


def test_overview_gives_progress_from_baseline_to_target(plan_conn: Connection) -> None:
    for month in (1, 2, 3):
        add_activity(plan_conn, date(2024, month, 1))
    indicators.refresh(plan_conn, "T-NAP")
    c1 = indicators.overview(plan_conn, "T-NAP")[0]
    assert (c1["latest"]["value"], c1["latest"]["target"], c1["progress"]) == (3.0, 4.0, 75.0)


def test_computed_indicator_refuses_manual_entries(plan_conn: Connection) -> None:
    with pytest.raises(InvalidInput, match="computed by wpstrack"):
        indicators.record_value(plan_conn, "T-NAP", "C1", indicators.ValueIn("2023", 5))


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ({"measure": "sum_everything"}, "measure: Input should be"),
        ({"measure": "count_activities", "filters": {"status": ["draft"]}}, "filters.status"),
        ({"measure": "count_activities", "filters": {"colour": ["red"]}}, "colour: Extra inputs"),
        ({"measure": "funding_sum", "filters": {"type": ["dialogue"]}}, "type: Extra inputs"),
        ({"measure": "count_activities", "period": "decade"}, "period: Input should be"),
        ("count(*)", "a formula is a mapping"),
    ],
)
def test_invalid_formula_is_refused_with_its_reason(formula: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        indicators.parse_formula(formula)


def test_formula_naming_an_unknown_organisation_is_refused(plan_conn: Connection) -> None:
    f = indicators.parse_formula(
        {"measure": "count_activities", "filters": {"organisation": "nobody"}}
    )
    with pytest.raises(InvalidInput, match="unknown organisation 'nobody'"):
        indicators.compute(plan_conn, f)


def test_formula_on_a_manual_indicator_is_refused() -> None:
    text = PLAN.replace(
        "    method: computed\n    formula: {measure: share", "    formula: {measure: share"
    )
    with pytest.raises(InvalidInput, match=r"formula.*only for indicators with method: computed"):
        plans.parse_plan(text.encode(), "t.yaml", "yaml")


def test_plan_yaml_round_trips_the_formula(plan_conn: Connection) -> None:
    dumped = plans.dump_yaml(plans.read_plan(plan_conn, "T-NAP"))
    assert "measure: distinct_un_entities" in dumped
    again = plans.parse_plan(dumped.encode(), "again.yaml", "yaml")
    assert again == plans.read_plan(plan_conn, "T-NAP")
    assert again.indicators[0].formula == {
        "measure": "count_activities",
        "filters": {"type": ["dialogue"], "status": ["reviewed", "published"]},
        "period": "year",
    }


@pytest.mark.parametrize(
    ("value", "baseline", "target", "direction", "expected"),
    [
        (15, 10, 20, "increase", 50.0),
        (30, 40, 20, "decrease", 50.0),
        (45, 40, 20, "decrease", -25.0),
        (25, 10, 20, "increase", 150.0),
        (5, None, 10, "increase", 50.0),
        (5, None, 10, "decrease", None),
        (12, 10, None, "increase", None),
        (10, 10, 10, "maintain", 100.0),
        (8, 10, None, "maintain", 80.0),
    ],
)
def test_progress_respects_direction(
    value: float,
    baseline: float | None,
    target: float | None,
    direction: str,
    expected: float | None,
) -> None:
    assert progress(value, baseline, target, direction) == expected


def test_target_for_a_period_is_its_own_else_the_next_else_the_last() -> None:
    targets = {"2022": 20.0, "2024": 40.0}
    assert [target_for(targets, p) for p in ("2022", "2023", "2025")] == [20.0, 40.0, 40.0]


def test_indicator_page_draws_the_series_the_api_returns(web: WebSite) -> None:
    with web.engine.begin() as conn:
        plans.save_plan(conn, plans.parse_plan(PLAN.encode(), "t.yaml", "yaml"))
        add_activity(conn, date(2023, 5, 1), orgs=("unwomen",), pillars=("protection",))
        add_activity(conn, date(2024, 5, 1), status="published")
    client = web.client()
    refreshed = client.post("/api/v1/indicators/T-NAP/refresh", headers=web.bearer("editor"))
    assert refreshed.status_code == 200, refreshed.text
    api = client.get("/api/v1/indicators/T-NAP/C1").json()
    assert [(p["period"], p["value"], p["progress"]) for p in api["series"]] == [
        ("2022", 0.0, 0.0),
        ("2023", 1.0, 25.0),
        ("2024", 1.0, 25.0),
    ]
    html = client.get("/indicators/T-NAP/C1").text
    assert 'role="img"' in html and "<polyline" in html
    assert '<th scope="row">2023</th>' in html
    listing = client.get("/api/v1/indicators/T-NAP").json()["items"]
    assert listing[0]["latest"]["period"] == "2024" and listing[0]["refreshed_at"]
    # Anonymous readers of the matrix see the published entry only.
    anonymous = client.get("/api/v1/matrix").json()["cells"]
    logged_in = client.get("/api/v1/matrix", headers=web.bearer("viewer")).json()["cells"]
    assert len(anonymous) < len(logged_in)


def test_dashboard_benchmark_prints_one_json_object_with_the_issues_figures() -> None:
    import json
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "bench" / "dashboard.py"
    out = subprocess.run(
        [sys.executable, str(script), "--activities", "300", "--requests", "2", "--json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
    data = json.loads(out)
    assert data["activities"] == 300
    for key in ("dashboard_p95_ms", "indicators_p95_ms", "report_s"):
        assert data[key] > 0
