"""Exports: every table in every format carries the same rows, in a fixed order."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook
from sqlalchemy import Connection, insert

from test_indicators_computed import PLAN, add_activity, org_id
from wpstrack import exports, indicators, plans, schema
from wpstrack.db import now
from wpstrack.errors import InvalidInput
from wpstrack.exports import Options, export

if TYPE_CHECKING:
    from conftest import WebSite


@pytest.fixture()
def filled(conn: Connection) -> Connection:
    plans.save_plan(conn, plans.parse_plan(PLAN.encode(), "t.yaml", "yaml"))
    add_activity(
        conn, date(2023, 5, 1), orgs=("unwomen",), people=("f", "m"), pillars=("protection",)
    )
    add_activity(conn, date(2024, 2, 1), status="published", people=("f",))
    aid = add_activity(conn, date(2024, 3, 1), status="draft")
    a = schema.activity
    conn.execute(a.update().where(a.c.id == aid).values(title='=HYPERLINK("http://x")'))
    conn.execute(
        insert(schema.contribution).values(
            donor_name="Japan",
            recipient_id=org_id(conn, "unwomen"),
            recipient_name="UN Women",
            amount=Decimal("1234.50"),
            currency="USD",
            date=date(2023, 6, 1),
            year=2023,
            gender_marker=2,
            transaction_type="disbursement",
            created_at=now(),
        )
    )
    indicators.refresh(conn, "T-NAP")
    return conn


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode())))


@pytest.mark.parametrize("table", list(exports.TABLES))
def test_every_format_carries_the_same_rows(filled: Connection, table: str) -> None:
    from_csv = _csv_rows(export(filled, table, "csv"))
    from_json = json.loads(export(filled, table, "json"))
    book = load_workbook(io.BytesIO(export(filled, table, "xlsx")), read_only=True)
    sheet = list(book[table].iter_rows(values_only=True))
    parquet = pq.read_table(io.BytesIO(export(filled, table, "parquet"))).to_pylist()
    columns = [name for name, _ in exports.TABLES[table].columns]
    assert list(from_csv[0]) == list(from_json[0]) == list(sheet[0]) == list(parquet[0]) == columns
    assert len(from_csv) == len(from_json) == len(sheet) - 1 == len(parquet) > 0
    key = columns[0] if columns[0] == "id" else columns[1]
    assert [r[key] for r in from_json] == [r[key] for r in parquet]
    assert [str(r[key]) for r in from_json] == [r[key] for r in from_csv]


def test_text_and_json_exports_are_byte_identical_between_runs(filled: Connection) -> None:
    for table in exports.TABLES:
        for fmt in ("csv", "json"):
            assert export(filled, table, fmt) == export(filled, table, fmt)


def test_activities_export_lists_pillars_and_guards_formulas(filled: Connection) -> None:
    rows = _csv_rows(export(filled, "activities", "csv", Options(public=False)))
    assert [r["status"] for r in rows] == ["reviewed", "published", "draft"]
    assert rows[0]["pillars"] == "protection"
    assert rows[2]["title"].startswith("'=HYPERLINK")
    # What the public may read unless drafts are asked for explicitly.
    public = _csv_rows(export(filled, "activities", "csv"))
    assert [r["status"] for r in public] == ["published"]


def test_contribution_amounts_stay_exact(filled: Connection) -> None:
    [row] = json.loads(export(filled, "contributions", "json"))
    assert (row["amount"], row["recipient"], row["gender_marker"]) == ("1234.50", "unwomen", 2)
    assert row["currency"] and "purpose_code" in row and "recipient_country" in row


def test_contribution_amounts_are_numbers_in_spreadsheets_and_parquet(filled: Connection) -> None:
    """Amounts were exported as text: a spreadsheet could not add them up."""
    import io

    import pyarrow.parquet as pq
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(export(filled, "contributions", "xlsx"))).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    amount = sheet.cell(row=2, column=header.index("amount") + 1).value
    assert isinstance(amount, int | float | Decimal) and Decimal(str(amount)) == Decimal("1234.5")
    table = pq.read_table(io.BytesIO(export(filled, "contributions", "parquet")))
    assert table.column("amount").to_pylist() == [Decimal("1234.50")]


def test_indicator_values_as_sdmx_csv(filled: Connection) -> None:
    rows = _csv_rows(export(filled, "indicator_values", "sdmx-csv", Options(plan="T-NAP")))
    assert list(rows[0])[:9] == [
        "STRUCTURE",
        "STRUCTURE_ID",
        "ACTION",
        "REF_AREA",
        "NAP",
        "INDICATOR",
        "SEX",
        "TIME_PERIOD",
        "OBS_VALUE",
    ]
    c1 = [r for r in rows if r["INDICATOR"] == "C1"]
    assert [(r["TIME_PERIOD"], r["OBS_VALUE"]) for r in c1] == [
        ("2022", "0.0"),
        ("2023", "1.0"),
        ("2024", "1.0"),
    ]
    assert {
        (r["STRUCTURE"], r["STRUCTURE_ID"], r["ACTION"], r["REF_AREA"], r["SEX"]) for r in rows
    } == {("dataflow", exports.DATAFLOW, "I", "JP", "_T")}
    fiscal = [r["TIME_PERIOD"] for r in rows if r["INDICATOR"] == "C3"]
    assert fiscal == ["2022-04-01/P1Y", "2023-04-01/P1Y", "2024-04-01/P1Y"]


def test_indicators_export_holds_the_formula_and_targets_as_json(filled: Connection) -> None:
    rows = json.loads(export(filled, "indicators", "json", Options(plan="T-NAP")))
    assert [r["code"] for r in rows] == ["C1", "C2", "C3", "C4", "C5"]
    assert json.loads(rows[0]["formula"])["measure"] == "count_activities"
    assert json.loads(rows[0]["targets"]) == {"2024": 4.0}
    assert rows[1]["targets"] is None


@pytest.mark.parametrize(
    ("table", "fmt", "message"),
    [
        ("users", "csv", "cannot export 'users'"),
        ("activities", "pdf", "format 'pdf' is not one of"),
        ("activities", "sdmx-csv", "SDMX-CSV and its structure are written for indicator"),
    ],
)
def test_unknown_table_or_format_is_refused(
    filled: Connection, table: str, fmt: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        export(filled, table, fmt)


def test_cli_export_writes_the_file(cli_env: dict[str, str], tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from wpstrack.cli import app
    from wpstrack.db import make_engine, upgrade
    from wpstrack.reference.sync import sync_organisations, sync_pillars

    engine = make_engine(cli_env["WPSTRACK_DATABASE_URL"])
    with engine.begin() as conn:
        upgrade(conn)
        sync_pillars(conn)
        sync_organisations(conn)
        add_activity(
            conn, date(2023, 5, 1), orgs=("unwomen",), pillars=("protection",), role="implementer"
        )
    engine.dispose()
    runner = CliRunner()
    out = tmp_path / "a.parquet"
    result = runner.invoke(app, ["export", "activities", "--format", "parquet", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert pq.read_table(out).num_rows == 0  # the entry is reviewed, not published
    drafts = ["export", "activities", "-f", "parquet", "-o", str(out), "--include-drafts"]
    assert runner.invoke(app, drafts).exit_code == 0
    assert pq.read_table(out).num_rows == 1
    both = runner.invoke(app, ["export", "activities", "--public", "--include-drafts"])
    assert both.exit_code != 0
    shown = runner.invoke(app, ["matrix", "--csv", "--pillar", "protection"])
    assert shown.exit_code == 0, shown.output
    assert "unwomen,UN Women,un_fund_programme,implementer,protection,dialogue,JP,venue,2023,1" in (
        shown.output
    )
    binary = runner.invoke(app, ["export", "activities", "--format", "xlsx"])
    assert binary.exit_code != 0


def test_api_download_names_the_file_and_needs_a_login(web: WebSite) -> None:
    path = "/api/v1/exports/indicator_values?format=sdmx-csv"
    response = web.client().get(path, headers=web.bearer("viewer"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.sdmx.data+csv")
    assert 'filename="indicator_values.sdmx.csv"' in response.headers["content-disposition"]
    assert response.text.startswith("STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,NAP,INDICATOR,SEX")
    assert web.client().get(path).status_code == 401


def test_openapi_names_the_tables_and_formats_that_can_be_exported(web: WebSite) -> None:
    # A client (and the journey test) learns the valid values from the API description.
    spec = web.client().get("/api/v1/openapi.json").json()
    params = {
        p["name"]: p["schema"] for p in spec["paths"]["/exports/{table}"]["get"]["parameters"]
    }
    assert params["table"]["enum"] == list(exports.TABLES)
    assert params["format"]["enum"] == list(exports.FORMATS)


def test_sdmx_open_data_carries_approved_values_only(conn: Connection) -> None:
    sample = Path(__file__).parent / "data" / "plan_sample.yaml"
    plans.save_plan(conn, plans.parse_plan(sample.read_bytes(), "sample", "yaml"))
    indicators.record_value(conn, "TEST-NAP", "I1", indicators.ValueIn("2022", 14), actor="a")

    def published() -> list[tuple[str, str]]:
        data = export(conn, "indicator_values", "sdmx-csv", Options(plan="TEST-NAP"))
        return [(r["INDICATOR"], r["OBS_VALUE"]) for r in _csv_rows(data)]

    assert published() == []
    csv_rows = _csv_rows(export(conn, "indicator_values", "csv", Options(plan="TEST-NAP")))
    assert [(r["indicator"], r["status"]) for r in csv_rows] == [("I1", "entered")]
    indicators.approve_period(conn, "TEST-NAP", "2022", actor="b")
    assert published() == [("I1", "14.0")]
