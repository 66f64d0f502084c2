"""Indicator values: entered per indicator, period and sex; entering again corrects."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Connection, func, select

from wpstrack import indicators, plans, schema
from wpstrack.errors import InvalidInput, NotFound
from wpstrack.indicators import ValueIn

SAMPLE = Path(__file__).parent / "data" / "plan_sample.yaml"


@pytest.fixture()
def plan_conn(conn: Connection) -> Connection:
    """``conn`` holding the sample plan TEST-NAP."""
    plans.save_plan(conn, plans.parse_plan(SAMPLE.read_bytes(), "sample", "yaml"))
    return conn


def value_count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(schema.indicator_value)).scalar_one())


def test_recording_the_same_period_and_sex_again_corrects_the_value(
    plan_conn: Connection,
) -> None:
    first = indicators.record_value(plan_conn, "TEST-NAP", "I1", ValueIn("2022", 14, source="a"))
    second = indicators.record_value(
        plan_conn, "TEST-NAP", "I1", ValueIn("2022", 15, source="b", note="revised")
    )
    assert (first, second) == ("inserted", "updated")
    assert value_count(plan_conn) == 1
    [row] = indicators.list_values(plan_conn, "TEST-NAP")[0]["values"]
    assert (row["value"], row["source"], row["note"]) == (15.0, "b", "revised")


def test_values_by_sex_are_kept_apart_from_the_total(plan_conn: Connection) -> None:
    for sex, value in (("total", 20), ("f", 12), ("m", 8)):
        indicators.record_value(plan_conn, "TEST-NAP", "I1", ValueIn("2022", value, sex=sex))
    values = indicators.list_values(plan_conn, "TEST-NAP")[0]["values"]
    assert [(v["sex"], v["value"], v["target"]) for v in values] == [
        ("total", 20.0, 20.0),
        ("f", 12.0, 20.0),
        ("m", 8.0, 20.0),
    ]


def test_list_values_shows_baseline_targets_and_plan_order(plan_conn: Connection) -> None:
    rows = indicators.list_values(plan_conn, "TEST-NAP")
    assert [r["code"] for r in rows] == ["I1", "I2", "I3", "I4"]
    assert rows[0]["baseline_value"] == 12.0
    assert rows[0]["targets"] == {"2022": 20.0, "2024": 40.5}
    assert rows[0]["values"] == []


@pytest.mark.parametrize(
    ("indicator", "data", "message"),
    [
        ("I2", ValueIn("2022", 40, sex="f"), "'I2' is not disaggregated by sex"),
        ("I1", ValueIn("2022", 1, sex="x"), "sex 'x' is not one of total, f, m"),
        ("I4", ValueIn("2022", 0.5), "'I4' is computed by wpstrack"),
        ("I1", ValueIn(" ", 1), "period ' ' must be 1 to 20 characters"),
        ("I1", ValueIn("2022", float("nan")), "is not a finite number"),
    ],
)
def test_invalid_value_is_refused_and_nothing_is_written(
    plan_conn: Connection, indicator: str, data: ValueIn, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        indicators.record_value(plan_conn, "TEST-NAP", indicator, data)
    assert value_count(plan_conn) == 0


def test_unknown_indicator_lists_the_plans_indicators(plan_conn: Connection) -> None:
    with pytest.raises(NotFound, match=r"no indicator 'I9' \(its indicators: I1, I2, I3, I4\)"):
        indicators.record_value(plan_conn, "TEST-NAP", "I9", ValueIn("2022", 1))


def test_unknown_plan_is_not_found(plan_conn: Connection) -> None:
    with pytest.raises(NotFound, match="no plan with code 'NOPE'"):
        indicators.list_values(plan_conn, "NOPE")


def test_cli_refresh_then_progress_shows_computed_values(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    import json

    from typer.testing import CliRunner

    from wpstrack.cli import app
    from wpstrack.db import make_engine, upgrade
    from wpstrack.reference.sync import sync_organisations, sync_pillars

    engine = make_engine(cli_env["WPSTRACK_DATABASE_URL"])
    with engine.begin() as conn:
        upgrade(conn)
        sync_pillars(conn)
        sync_organisations(conn)
    engine.dispose()
    plan = SAMPLE.read_text().replace(
        "    method: computed\n",
        "    method: computed\n    formula: {measure: count_activities}\n",
    )
    (tmp_path / "plan.yaml").write_text(plan)
    runner = CliRunner()
    assert runner.invoke(app, ["plans", "import", str(tmp_path / "plan.yaml")]).exit_code == 0
    refreshed = runner.invoke(app, ["indicators", "refresh", "TEST-NAP"])
    assert refreshed.exit_code == 0, refreshed.output
    # The plan runs 2021-2024: four years counted, all zero in an empty register.
    assert "TEST-NAP I4: 4 periods" in refreshed.output
    shown = runner.invoke(app, ["indicators", "progress", "TEST-NAP", "I4", "--json"])
    data = json.loads(shown.output)
    assert [(p["period"], p["value"]) for p in data["series"]][:2] == [("2021", 0.0), ("2022", 0.0)]
    assert data["refreshed_at"] is not None
