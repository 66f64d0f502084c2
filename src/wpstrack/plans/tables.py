"""The flat plan forms: one CSV file, or one XLSX workbook, for people who edit plans in a
spreadsheet.

Both hold the same four kinds of record, with the same columns:

- ``plan`` (exactly one): code, country, title, edition, adopted_on (YYYY-MM-DD),
  period_start, period_end, period_note, source;
- ``item``: code, parent (code of the parent item; empty for an area at the top), kind
  (area | objective | measure), title, description, pillar, organisations (codes or aliases
  separated by ``;``);
- ``indicator``: code, name, description, item, unit, direction, method, disaggregation,
  baseline_value, baseline_period;
- ``target``: indicator (its code), period, value, note.

The CSV file has one header row and one row per record, its kind in the ``record`` column;
a cell in a column that does not belong to the record's kind is an error (it is usually a
shifted row). The XLSX workbook has one sheet per kind (``plan``, ``items``, ``indicators``,
``targets``), each with a header row. Rows are numbered as a spreadsheet shows them, the
header being row 1. Items are listed parents first, siblings in plan order, so that an export
followed by an import gives back the same plan.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date
from typing import Any

from wpstrack.errors import InvalidInput
from wpstrack.plans.model import (
    INDICATOR_FIELDS,
    ITEM_FIELDS,
    PLAN_FIELDS,
    Fields,
    Item,
    Plan,
    check_plan,
    indicator_from_fields,
    item_from_fields,
    plan_from_fields,
    target_from_fields,
)

Row = tuple[str, dict[str, Any]]  # (where, cells)

SHEETS = {
    "plan": PLAN_FIELDS,
    "items": ("code", "parent", *ITEM_FIELDS[1:]),
    "indicators": INDICATOR_FIELDS,
    "targets": ("indicator", "period", "value", "note"),
}
RECORDS = {"plan": "plan", "item": "items", "indicator": "indicators", "target": "targets"}
# Item and indicator columns first (most rows), the plan's own columns last.
CSV_COLUMNS = (
    "record",
    *("code", "parent", "kind", "title", "name", "description", "pillar", "organisations"),
    *("item", "unit", "direction", "method", "disaggregation", "baseline_value"),
    *("baseline_period", "indicator", "period", "value", "note", "country", "edition"),
    *("adopted_on", "period_start", "period_end", "period_note", "source"),
    *("period_type", "fiscal_year_start", "min_value", "max_value", "parts_sum_to_total"),
    "fictional",
)
assert set(CSV_COLUMNS) == {"record", *(c for cols in SHEETS.values() for c in cols)}


def plan_to_tables(plan: Plan) -> dict[str, list[dict[str, Any]]]:
    """The plan as four lists of flat records, keyed by sheet name."""
    items = [
        {
            "code": item.code,
            "parent": parent.code if parent else None,
            "kind": item.kind,
            "title": item.title,
            "description": item.description,
            "pillar": item.pillar,
            "organisations": "; ".join(item.organisations) or None,
        }
        for item, parent, _ in plan.walk()
    ]
    return {
        "plan": [{key: getattr(plan, key) for key in PLAN_FIELDS}],
        "items": items,
        "indicators": [{k: getattr(i, k) for k in INDICATOR_FIELDS} for i in plan.indicators],
        "targets": [
            {"indicator": i.code, "period": t.period, "value": t.value, "note": t.note}
            for i in plan.indicators
            for t in i.targets
        ],
    }


def _link_items(rows: list[Row], name: str) -> list[Item]:
    """Build the tree from parent codes, refusing duplicates, unknown parents and cycles."""
    items: dict[str, tuple[Item, str | None]] = {}
    for where, cells in rows:
        f = Fields(cells, where, "column")
        item = item_from_fields(f, None)
        if item.code in items:
            first = items[item.code][0].where
            raise InvalidInput(f"duplicate item code {item.code!r} (first at {first})", where)
        items[item.code] = (item, f.text("parent"))
    for code, (item, parent) in items.items():
        if parent is not None and parent not in items:
            raise InvalidInput(f"item {code!r} names unknown parent {parent!r}", item.where)
        chain = [code]
        while parent is not None:
            if parent in chain:
                loop = " -> ".join([*chain[chain.index(parent) :], parent])
                raise InvalidInput(
                    f"the items form a cycle ({loop}: each names the next as its parent)",
                    items[parent][0].where,
                )
            chain.append(parent)
            parent = items[parent][1]
    roots: list[Item] = []
    for item, parent in items.values():
        (items[parent][0].children if parent else roots).append(item)
    return roots


def plan_from_tables(tables: dict[str, list[Row]], name: str) -> Plan:
    """Check the flat records of one plan and assemble the plan."""
    heads = tables.get("plan", [])
    if not heads:
        raise InvalidInput("no plan record: the plan's code, country and title are missing", name)
    if len(heads) > 1:
        raise InvalidInput("a second plan record: a file holds exactly one plan", heads[1][0])
    plan = plan_from_fields(Fields(heads[0][1], heads[0][0], "column"))
    plan.items = _link_items(tables.get("items", []), name)
    plan.indicators = [
        indicator_from_fields(Fields(cells, where, "column"))
        for where, cells in tables.get("indicators", [])
    ]
    by_code = {ind.code: ind for ind in plan.indicators}
    for where, cells in tables.get("targets", []):
        f = Fields(cells, where, "column")
        code = f.required_text("indicator")
        if code not in by_code:
            raise f.fail("indicator", f"{code!r} is not an indicator of this plan")
        by_code[code].targets.append(target_from_fields(f))
    return check_plan(plan)


# --- CSV ------------------------------------------------------------------------------------


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def dump_csv(plan: Plan) -> str:
    """The plan as CSV text with a ``record`` column; the same plan gives the same bytes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for record, sheet in RECORDS.items():
        for cells in plan_to_tables(plan)[sheet]:
            row = {"record": record, **cells}
            writer.writerow([_csv_cell(row.get(column)) for column in CSV_COLUMNS])
    return out.getvalue()


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"not UTF-8 text (byte {exc.start} cannot be decoded)", name) from None


def parse_csv(data: bytes, name: str) -> Plan:
    """Parse and check a CSV plan file; ``name`` is how errors refer to the file."""
    reader = csv.reader(io.StringIO(_decode(data, name), newline=""))
    tables: dict[str, list[Row]] = {sheet: [] for sheet in SHEETS}
    try:
        header = [h.strip() for h in next(reader, [])]
        for i, column in enumerate(header):
            if column in header[:i]:
                raise InvalidInput(f"column {column!r} appears twice", f"{name}, row 1")
            if column not in CSV_COLUMNS:
                raise InvalidInput(
                    f"unknown column {column!r}; expected {', '.join(CSV_COLUMNS)}",
                    f"{name}, row 1",
                )
        if "record" not in header:
            raise InvalidInput("the header has no 'record' column", f"{name}, row 1")
        for number, cells in enumerate(reader, start=2):
            where = f"{name}, row {number}"
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(header):
                raise InvalidInput(f"{len(cells)} cells but the header has {len(header)}", where)
            row = dict(zip(header, cells, strict=False))
            tables[_sheet_of(row, where)].append((where, _only_columns(row, where)))
    except csv.Error as exc:
        raise InvalidInput(f"malformed CSV: {exc}", f"{name}, row {reader.line_num}") from None
    return plan_from_tables(tables, name)


def _sheet_of(row: dict[str, str], where: str) -> str:
    record = row.get("record", "").strip()
    if record not in RECORDS:
        raise InvalidInput(f"column 'record': {record!r} is not one of {', '.join(RECORDS)}", where)
    return RECORDS[record]


def _only_columns(row: dict[str, str], where: str) -> dict[str, str]:
    sheet = _sheet_of(row, where)
    allowed = SHEETS[sheet]
    for column, value in row.items():
        if column != "record" and column not in allowed and value.strip():
            raise InvalidInput(
                f"column {column!r} has a value but does not belong to a {row['record'].strip()} "
                "record (is the row shifted?)",
                where,
            )
    return {k: v for k, v in row.items() if k in allowed}


# --- XLSX -----------------------------------------------------------------------------------


def dump_xlsx(plan: Plan) -> bytes:
    """The plan as an XLSX workbook with the sheets plan, items, indicators and targets."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet, records in plan_to_tables(plan).items():
        ws = workbook.create_sheet(sheet)
        ws.append(list(SHEETS[sheet]))
        for cells in records:
            ws.append([_xlsx_cell(cells.get(column)) for column in SHEETS[sheet]])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_cell(value: Any) -> Any:
    # Dates are written as text: a date cell reads back as a datetime in local formats.
    return value.isoformat() if isinstance(value, date) else value


def _sheet_rows(rows: Iterable[tuple[Any, ...]], name: str, sheet: str) -> list[Row]:
    iterator = iter(rows)
    header = [str(h).strip() if h is not None else "" for h in next(iterator, ())]
    for column in header:
        if column and column not in SHEETS[sheet]:
            raise InvalidInput(
                f"unknown column {column!r}; expected {', '.join(SHEETS[sheet])}",
                f"{name}, sheet {sheet}, row 1",
            )
    result = []
    for number, values in enumerate(iterator, start=2):
        cells = {h: v for h, v in zip(header, values, strict=False) if h}
        if any(v not in (None, "") for v in cells.values()):
            result.append((f"{name}, sheet {sheet}, row {number}", cells))
    return result


def parse_xlsx(data: bytes, name: str) -> Plan:
    """Parse and check an XLSX plan workbook; ``name`` is how errors refer to the file."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML and key errors alike
        raise InvalidInput(f"not an XLSX spreadsheet ({type(exc).__name__}: {exc})", name) from None
    try:
        if "plan" not in workbook.sheetnames:
            raise InvalidInput(
                f"no sheet named 'plan' (sheets: {', '.join(workbook.sheetnames)})", name
            )
        tables = {
            sheet: _sheet_rows(workbook[sheet].iter_rows(values_only=True), name, sheet)
            for sheet in SHEETS
            if sheet in workbook.sheetnames
        }
    finally:
        workbook.close()
    return plan_from_tables(tables, name)
