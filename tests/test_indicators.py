"""Indicator values: entered per indicator, period and sex under the plan's rules; entering
again corrects and keeps the earlier version; reports count approved values only."""

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
        ("I2", ValueIn("2022", 40, sex="f"), "I2: not disaggregated by sex"),
        ("I1", ValueIn("2022", 1, sex="x"), "sex 'x' is not one of total, f, m"),
        ("I4", ValueIn("2022", 0.5), "I4: computed by wpstrack"),
        ("I1", ValueIn(" ", 1), "period ' ' is not a calendar year"),
        (
            "I1",
            ValueIn("2024-Q1", 1),
            r"period '2024-Q1' is not a calendar year \(write it like 2024\)",
        ),
        ("I1", ValueIn("1066", 1), "the year must be from 1990"),
        ("I1", ValueIn("2022", float("nan")), "is not a finite number"),
        ("I2", ValueIn("2022", 130), "130 is above the highest allowed value 100"),
        ("I3", ValueIn("2022", -2), "-2 is below the lowest allowed value 0"),
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


def test_parts_never_exceed_the_total_checked_as_one_entry(plan_conn: Connection) -> None:
    """f=300, m=210, total=224 was accepted; every problem is named and nothing is stored."""
    entry = [
        indicators.EntryIn("I1", 300, "f"),
        indicators.EntryIn("I1", 210, "m"),
        indicators.EntryIn("I1", 224, "total"),
    ]
    with pytest.raises(indicators.EntryRejected) as caught:
        indicators.record_period(plan_conn, "TEST-NAP", "2022", entry, actor="desk")
    problems = caught.value.problems
    assert "I1: the f value 300 exceeds the total 224" in problems
    assert not any("m value" in p for p in problems)  # 210 alone is within 224
    assert "I1: f + m = 510 exceeds the total 224" in problems
    assert value_count(plan_conn) == 0


def test_a_later_part_is_checked_against_the_stored_total(plan_conn: Connection) -> None:
    indicators.record_value(plan_conn, "TEST-NAP", "I1", ValueIn("2022", 20), actor="desk")
    indicators.record_value(plan_conn, "TEST-NAP", "I1", ValueIn("2022", 12, sex="f"))
    with pytest.raises(InvalidInput, match="f \\+ m = 21 exceeds the total 20"):
        indicators.record_value(plan_conn, "TEST-NAP", "I1", ValueIn("2022", 9, sex="m"))
    assert value_count(plan_conn) == 2


def test_parts_must_add_up_where_the_indicator_says_so(plan_conn: Connection) -> None:
    plan_conn.execute(
        schema.indicator.update()
        .where(schema.indicator.c.code == "I1")
        .values(parts_sum_to_total=True)
    )
    entry = [
        indicators.EntryIn("I1", 20),
        indicators.EntryIn("I1", 12, "f"),
        indicators.EntryIn("I1", 7, "m"),
    ]
    with pytest.raises(indicators.EntryRejected, match="f \\+ m = 19 must equal the total 20"):
        indicators.record_period(plan_conn, "TEST-NAP", "2022", entry, actor="desk")
    entry[2] = indicators.EntryIn("I1", 8, "m")
    outcome = indicators.record_period(plan_conn, "TEST-NAP", "2022", entry, actor="desk")
    assert outcome == {"inserted": 3, "updated": 0, "unchanged": 0}


def test_a_correction_keeps_the_earlier_value_and_its_source(plan_conn: Connection) -> None:
    indicators.record_value(
        plan_conn, "TEST-NAP", "I1", ValueIn("2022", 14, source="report A"), actor="ana"
    )
    indicators.approve_period(plan_conn, "TEST-NAP", "2022", actor="ben")
    indicators.record_value(
        plan_conn, "TEST-NAP", "I1", ValueIn("2022", 15, source="report B"), actor="carl"
    )
    current, earlier = indicators.history(plan_conn, "TEST-NAP", "I1")
    assert (current["value"], current["source"], current["recorded_by"]) == (15, "report B", "carl")
    assert current["status"] == "entered"  # a correction waits for approval again
    assert (earlier["value"], earlier["source"], earlier["recorded_by"]) == (14, "report A", "ana")
    assert (earlier["status"], earlier["replaced_by"], earlier["current"]) == (
        "approved",
        "carl",
        False,
    )


def test_only_approved_values_reach_the_report_figures(plan_conn: Connection) -> None:
    indicators.record_value(plan_conn, "TEST-NAP", "I1", ValueIn("2022", 14), actor="ana")
    indicators.record_value(plan_conn, "TEST-NAP", "I1", ValueIn("2023", 16), actor="ana")
    assert indicators.approve_period(plan_conn, "TEST-NAP", "2022", actor="ben") == 1
    shown = indicators.series(plan_conn, "TEST-NAP", "I1", approved_only=True)["series"]
    assert [(p["period"], p["value"]) for p in shown] == [("2022", 14.0)]
    everything = indicators.series(plan_conn, "TEST-NAP", "I1")["series"]
    assert [p["period"] for p in everything] == ["2022", "2023"]


def test_fiscal_year_plans_take_fiscal_years_only(conn: Connection) -> None:
    text = SAMPLE.read_text().replace(
        "period_note: Calendar years", "period_note: Fiscal years\nperiod_type: fiscal_year"
    )
    with pytest.raises(InvalidInput, match="fiscal_year_start"):
        plans.parse_plan(text.encode(), "sample", "yaml")
    text = text.replace(
        "period_type: fiscal_year", "period_type: fiscal_year\nfiscal_year_start: 4"
    )
    text = text.replace('period: "2022"', 'period: "FY2022"').replace(
        'period: "2024"', 'period: "FY2024"'
    )
    text = text.replace('baseline_period: "2020"', 'baseline_period: "FY2020"')
    plans.save_plan(conn, plans.parse_plan(text.encode(), "sample", "yaml"))
    assert indicators.plan_period(conn, "TEST-NAP", "fy2024").label == "FY2024"
    assert indicators.plan_period(conn, "TEST-NAP", "FY2024").start.isoformat() == "2024-04-01"
    with pytest.raises(InvalidInput, match="is not a fiscal year"):
        indicators.record_value(conn, "TEST-NAP", "I1", ValueIn("2024", 3))


def test_a_plan_whose_targets_are_not_its_period_type_is_refused() -> None:
    text = SAMPLE.read_text().replace(
        '{period: "2022", value: 20}', '{period: "2022-Q3", value: 20}'
    )
    with pytest.raises(
        InvalidInput, match="indicator 'I1' target: period '2022-Q3' is not a calendar year"
    ):
        plans.parse_plan(text.encode(), "sample", "yaml")


def test_a_plan_lists_its_periods_in_its_own_period_type() -> None:
    from wpstrack.plans.periods import plan_periods

    fiscal = plan_periods("fiscal_year", 2023, 2024, 4)
    assert [(p.label, p.start.isoformat(), p.end.isoformat()) for p in fiscal] == [
        ("FY2023", "2023-04-01", "2024-03-31"),
        ("FY2024", "2024-04-01", "2025-03-31"),
    ]
    assert [p.label for p in plan_periods("quarter", 2024, 2024)] == [
        "2024-Q1",
        "2024-Q2",
        "2024-Q3",
        "2024-Q4",
    ]
    assert plan_periods("calendar_year", None, 2024) == []
