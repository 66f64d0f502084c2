"""A bad plan file gets one coded error naming the file, the line or row and the problem, and
the database is left exactly as it was (domain function and CLI alike)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Connection, Engine, select
from typer.testing import CliRunner

from wpstrack import plans, schema
from wpstrack.cli import app
from wpstrack.db import make_engine, upgrade
from wpstrack.errors import InvalidInput
from wpstrack.plans.tables import dump_csv, dump_xlsx
from wpstrack.reference.sync import sync_organisations, sync_pillars

SAMPLE = Path(__file__).parent / "data" / "plan_sample.yaml"
TABLES = (
    schema.plan,
    schema.plan_item,
    schema.plan_item_organisation,
    schema.indicator,
    schema.indicator_target,
    schema.indicator_value,
)
runner = CliRunner()


def dump_database(conn: Connection) -> dict[str, list[tuple]]:
    """Every row of every plan table, in a stable order."""
    return {
        t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
        for t in TABLES
    }


def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def line_of(text: str, fragment: str) -> int:
    """The 1-based line on which ``fragment`` first appears."""
    return text[: text.index(fragment)].count("\n") + 1


def csv_rows() -> list[list[str]]:
    plan = plans.parse_plan(SAMPLE.read_bytes(), "sample", "yaml")
    return list(csv.reader(io.StringIO(dump_csv(plan))))


def write_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def set_cell(rows: list[list[str]], row_number: int, column: str, value: str) -> None:
    rows[row_number - 1][rows[0].index(column)] = value


def row_number_of(rows: list[list[str]], record: str, code: str) -> int:
    """The spreadsheet row number (header = 1) of the record with ``code``."""
    return next(i for i, r in enumerate(rows, 1) if r[0] == record and r[1] == code)


@dataclass
class Case:
    """A bad file: its name, how to make its bytes, and what the message must say."""

    id: str
    filename: str
    make: Callable[[], tuple[bytes, list[str]]]


def malformed_yaml() -> tuple[bytes, list[str]]:
    text = sample_text().replace("title: Relief and recovery", "title: Relief: and [recovery")
    return text.encode(), [f"line {line_of(text, 'Relief: and')}", "malformed YAML"]


def csv_wrong_type_in_row_17() -> tuple[bytes, list[str]]:
    rows = csv_rows()
    assert rows[16][0] == "target"  # row 17 of the sheet; the header is row 1
    set_cell(rows, 17, "value", "half")
    return write_csv(rows), ["row 17", "column 'value'", "'half' is not a number"]


def yaml_duplicate_item_code() -> tuple[bytes, list[str]]:
    text = sample_text().replace("code: A.2", "code: A.1")
    return text.encode(), [
        f"line {line_of(text, 'code: A.1' + chr(10) + '        title: Women in peacekeeping')}",
        "duplicate item code 'A.1'",
    ]


def csv_duplicate_item_code() -> tuple[bytes, list[str]]:
    rows = csv_rows()
    row = row_number_of(rows, "item", "C")
    set_cell(rows, row, "code", "B")
    return write_csv(rows), [f"row {row}", "duplicate item code 'B'"]


def yaml_unknown_pillar() -> tuple[bytes, list[str]]:
    text = sample_text().replace("pillar: prevention", "pillar: peacekeeping")
    return text.encode(), [
        f"line {line_of(text, '- code: C')}",
        "unknown pillar 'peacekeeping'",
    ]


def csv_cycle() -> tuple[bytes, list[str]]:
    rows = csv_rows()
    set_cell(rows, row_number_of(rows, "item", "A"), "parent", "A.1.1")
    return write_csv(rows), ["cycle", "A -> A.1.1 -> A.1 -> A", "row "]


def xlsx_cycle() -> tuple[bytes, list[str]]:
    plan = plans.parse_plan(SAMPLE.read_bytes(), "sample", "yaml")
    book = load_workbook(io.BytesIO(dump_xlsx(plan)))
    items = book["items"]
    row = next(r for r in range(2, items.max_row + 1) if items.cell(r, 1).value == "B")
    items.cell(row, 2).value = "B.1"  # B's parent is its own child B.1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), ["sheet items, row", "cycle", "B -> B.1 -> B"]


def xlsx_wrong_type() -> tuple[bytes, list[str]]:
    plan = plans.parse_plan(SAMPLE.read_bytes(), "sample", "yaml")
    book = load_workbook(io.BytesIO(dump_xlsx(plan)))
    sheet = book["indicators"]
    column = [c.value for c in sheet[1]].index("baseline_value") + 1
    sheet.cell(2, column).value = "twelve"  # I1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), [
        "sheet indicators, row 2",
        "column 'baseline_value': 'twelve' is not a number",
    ]


def not_a_spreadsheet() -> tuple[bytes, list[str]]:
    return b"code,country\nX,JP\n", ["not an XLSX spreadsheet"]


def yaml_unknown_organisation() -> tuple[bytes, list[str]]:
    text = sample_text().replace("[UN Women, unicef]", "[UN Women, Ministry of Magic]")
    return text.encode(), [f"line {line_of(text, '- code: A')}", "'Ministry of Magic'"]


def yaml_missing_title() -> tuple[bytes, list[str]]:
    text = sample_text().replace("        title: Women in peacekeeping\n", "")
    return text.encode(), [
        f"line {line_of(text, '- code: A.2')}",
        "field 'title': is required",
    ]


def csv_missing_country() -> tuple[bytes, list[str]]:
    rows = csv_rows()
    set_cell(rows, 2, "country", "")
    return write_csv(rows), ["row 2", "column 'country': is required"]


CASES = [
    Case("malformed-yaml", "plan.yaml", malformed_yaml),
    Case("csv-wrong-type-row-17", "plan.csv", csv_wrong_type_in_row_17),
    Case("yaml-duplicate-item", "plan.yaml", yaml_duplicate_item_code),
    Case("csv-duplicate-item", "plan.csv", csv_duplicate_item_code),
    Case("unknown-pillar", "plan.yaml", yaml_unknown_pillar),
    Case("csv-cycle", "plan.csv", csv_cycle),
    Case("xlsx-cycle", "plan.xlsx", xlsx_cycle),
    Case("xlsx-wrong-type", "plan.xlsx", xlsx_wrong_type),
    Case("xlsx-not-spreadsheet", "plan.xlsx", not_a_spreadsheet),
    Case("unknown-organisation", "plan.yaml", yaml_unknown_organisation),
    Case("missing-required-field", "plan.yaml", yaml_missing_title),
    Case("csv-missing-required-field", "plan.csv", csv_missing_country),
]


@pytest.fixture(params=CASES, ids=[c.id for c in CASES])
def bad_file(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, list[str]]:
    case: Case = request.param
    data, expected = case.make()
    path = tmp_path / case.filename
    path.write_bytes(data)
    return path, [str(path), *expected]


def test_bad_file_is_refused_by_the_domain_function_and_writes_nothing(
    conn: Connection, bad_file: tuple[Path, list[str]]
) -> None:
    path, expected = bad_file
    plans.save_plan(conn, plans.parse_plan(SAMPLE.read_bytes(), "sample", "yaml"))
    before = dump_database(conn)
    with pytest.raises(InvalidInput) as caught:
        plans.import_plan(conn, path, replace=True)
    message = str(caught.value)
    assert message.startswith("[W010] ")
    for fragment in expected:
        assert fragment in message
    assert dump_database(conn) == before


@pytest.fixture()
def cli_database(cli_env: dict[str, str]) -> Iterator[Engine]:
    """The CLI's database with pillars, organisations and the sample plan (no cities: fast)."""
    engine = make_engine(cli_env["WPSTRACK_DATABASE_URL"])
    with engine.begin() as conn:
        upgrade(conn)
        sync_pillars(conn)
        sync_organisations(conn)
        plans.save_plan(conn, plans.parse_plan(SAMPLE.read_bytes(), "sample", "yaml"))
    yield engine
    engine.dispose()


def test_bad_file_is_refused_by_the_cli_with_one_message_and_nonzero_exit(
    cli_database: Engine, bad_file: tuple[Path, list[str]]
) -> None:
    path, expected = bad_file
    with cli_database.connect() as conn:
        before = dump_database(conn)
    result = runner.invoke(app, ["plans", "import", str(path), "--replace"])
    assert result.exit_code == InvalidInput.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: [W010] ")
    for fragment in expected:
        assert fragment in lines[0]
    with cli_database.connect() as conn:
        assert dump_database(conn) == before


def test_unknown_extension_is_refused_before_reading(conn: Connection, tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text("code: X")
    with pytest.raises(InvalidInput, match=r"cannot tell the plan format from 'plan.txt'"):
        plans.import_plan(conn, path)


def test_csv_value_in_a_column_of_another_record_kind_is_refused() -> None:
    rows = csv_rows()
    row = row_number_of(rows, "item", "A.2")
    set_cell(rows, row, "baseline_value", "3")
    with pytest.raises(InvalidInput, match=rf"row {row}: column 'baseline_value' .* item record"):
        plans.parse_plan(write_csv(rows), "plan.csv", "csv")


def test_measure_above_an_objective_is_refused() -> None:
    text = sample_text().replace(
        "        title: Women in peace talks\n",
        "        kind: measure\n        title: Women in peace talks\n",
    )
    with pytest.raises(InvalidInput, match=r"'A.1.1' is a measure and cannot sit under measure"):
        plans.parse_plan(text.encode(), "plan.yaml", "yaml")


def test_yaml_typo_in_a_field_name_is_refused_with_its_line() -> None:
    text = sample_text().replace("    pillar: relief_recovery", "    pilar: relief_recovery")
    line = line_of(text, "- code: B\n")
    with pytest.raises(
        InvalidInput, match=rf"line {line}: field 'pilar': is not one of the item's fields"
    ):
        plans.parse_plan(text.encode(), "plan.yaml", "yaml")


def test_indicator_attached_to_unknown_item_is_refused() -> None:
    text = sample_text().replace("item: B.1", "item: Z.9")
    with pytest.raises(InvalidInput, match=r"indicator 'I2' is attached to unknown item 'Z.9'"):
        plans.parse_plan(text.encode(), "plan.yaml", "yaml")
