"""``wpstrack funding`` through the command line, against a committed database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from wpstrack.cli import app
from wpstrack.db import make_engine, upgrade
from wpstrack.reference.sync import sync_organisations, sync_pillars

SAMPLE = Path(__file__).parent / "data" / "contributions_sample.csv"
RATES = (
    "currency,year,rate,reporting_currency,source\nJPY,2022,0.0076,USD,t\nJPY,2023,0.0071,USD,t\n"
)
runner = CliRunner()


def prepare(url: str) -> None:
    """Schema, pillars and organisations: what a contribution import needs."""
    engine = make_engine(url)
    with engine.begin() as conn:
        upgrade(conn)
        sync_pillars(conn)
        sync_organisations(conn)
    engine.dispose()


def run(*args: str, code: int = 0) -> Any:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, (result.output, result.stderr)
    return result


def as_json(*args: str) -> Any:
    return json.loads(run(*args, "--json").stdout)


def test_import_dry_run_announces_what_the_real_run_then_creates(
    cli_env: dict[str, str],
) -> None:
    prepare(cli_env["WPSTRACK_DATABASE_URL"])
    dry = as_json("funding", "import", str(SAMPLE), "--dry-run")
    assert dry["dry_run"] is True
    assert dry["counts"] == {"create": 6, "update": 0, "unchanged": 0, "reject": 0}
    assert as_json("funding", "list")["items"] == [], "the dry run committed nothing"

    real = as_json("funding", "import", str(SAMPLE))
    assert real["dry_run"] is False
    assert [(r["row"], r["action"], r["values"]) for r in real["rows"]] == [
        (r["row"], r["action"], r["values"]) for r in dry["rows"]
    ]
    listed = as_json("funding", "list")["items"]
    assert [c["id"] for c in listed] == [r["id"] for r in real["rows"]]
    assert [(c["reference"], c["amount"]) for c in listed] == [
        (r["values"]["reference"], r["values"]["amount"]) for r in dry["rows"]
    ]

    again = run("funding", "import", str(SAMPLE)).stdout
    assert "did 0 create, 0 update, 6 unchanged, 0 reject" in again


def test_a_file_with_a_bad_row_names_file_and_row_and_writes_nothing(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    prepare(cli_env["WPSTRACK_DATABASE_URL"])
    bad = tmp_path / "bad.csv"
    lines = SAMPLE.read_text().splitlines()
    lines[3] = lines[3].replace("UN Women", "UN Wimen")
    bad.write_text("\n".join(lines) + "\n")

    dry = run("funding", "import", str(bad), "--dry-run", code=1)
    assert "4     reject" in dry.stdout
    assert "A real run would write nothing" in dry.stdout

    result = run("funding", "import", str(bad), code=1)
    assert "error: [W010] bad.csv: 1 row rejected, nothing from this file" in result.stderr
    assert "row 4: recipient: unknown organisation 'UN Wimen'" in result.stderr
    assert as_json("funding", "list")["items"] == []


def test_summary_refuses_a_missing_rate_until_the_rates_are_imported(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    prepare(cli_env["WPSTRACK_DATABASE_URL"])
    run("funding", "import", str(SAMPLE))
    missing = run("funding", "summary", "--by", "recipient", code=1)
    assert "[W040] no exchange rate into USD for JPY 2022" in missing.stderr

    partial = run("funding", "summary", "--partial")
    assert "left out: 1 contribution(s) in JPY 2022" in partial.stderr

    rates = tmp_path / "rates.csv"
    rates.write_text(RATES)
    assert "did 2 create" in run("funding", "rates", "import", str(rates)).stdout
    summary = as_json("funding", "summary", "--by", "pillar", "--currency", "usd")
    assert summary["currency"] == "USD"
    assert summary["commitment"] == "4292000.00"
    assert {g["key"]: g["commitment"] for g in summary["groups"]}["protection"] == "1992000.00"
    table = run("funding", "summary", "--by", "year").stdout
    assert "2,140,000.00" in table


def test_trends_flag_falling_funding_per_recipient_and_pillar(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    prepare(cli_env["WPSTRACK_DATABASE_URL"])
    run("funding", "import", str(SAMPLE))
    rates = tmp_path / "rates.csv"
    rates.write_text(RATES)
    run("funding", "rates", "import", str(rates))

    trends = as_json("funding", "trends", "--to", "2023")
    women = next(t for t in trends["recipients"] if t["key"] == "unwomen")
    assert [(p["year"], p["amount"], p["falling"]) for p in women["points"]] == [
        (2022, "1000000.00", False),
        (2023, "800000.00", True),
    ]
    assert women["points"][1]["change_pct"] == "-20.0"
    lenient = as_json("funding", "trends", "--to", "2023", "--threshold", "0.25")
    women = next(t for t in lenient["recipients"] if t["key"] == "unwomen")
    assert women["falling_latest"] is False
    assert "FALLING" in run("funding", "trends").stdout
