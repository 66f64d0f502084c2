"""Exports of the register and the indicators as CSV, XLSX, JSON, Parquet and SDMX-CSV.

Five tables can be exported: ``activities``, ``participants``, ``indicators``,
``indicator_values`` and ``contributions``. Every table is declared once (its columns with a
type, and the query that fills them) and written by one writer per format, so the formats
cannot drift apart. Rows come in a fixed order (plan, code, period, sex; or id), so the same
database gives the same rows in every format; CSV, JSON and SDMX-CSV are byte-identical
between runs. Text cells that a spreadsheet would run as a formula are prefixed with ``'``
in CSV and XLSX (documents are hostile input).

Indicator values are also written as SDMX-CSV 2.0: the columns ``STRUCTURE``
(``dataflow``), ``STRUCTURE_ID`` (``WPSTRACK:DF_WPS_NAP(1.0)``) and ``ACTION`` (``I``,
information), the dimensions ``REF_AREA`` (the plan's country, ISO 3166), ``NAP`` (plan
code), ``INDICATOR`` (indicator code), ``SEX`` (``_T``, ``F``, ``M`` from the SDMX CL_SEX code
list) and ``TIME_PERIOD``, then ``OBS_VALUE`` and the attributes ``UNIT_MEASURE``,
``OBS_SOURCE`` (``computed`` or who supplied the value) and ``COMMENT``. Open data carries
what the report counts: approved values and computed ones, never values still waiting for
approval. Fiscal years ("FY2024") are written as SDMX time ranges from the plan's fiscal
year start ("2024-04-01/P1Y" for Japan). The format ``sdmx-structure`` of the same table is
the SDMX-ML structure message that defines the dataflow (:mod:`wpstrack.sdmx`); the coded
columns are written as its codes (:func:`wpstrack.sdmx.sdmx_id`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import aliased

from wpstrack import fields, schema, sdmx, visibility
from wpstrack.errors import InvalidInput

FORMATS = ("csv", "xlsx", "json", "parquet", "sdmx-csv", "sdmx-structure")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "parquet": "application/vnd.apache.parquet",
    "sdmx-csv": "application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8",
    "sdmx-structure": sdmx.MEDIA_TYPE,
}
EXTENSIONS = {
    **{"csv": "csv", "xlsx": "xlsx", "json": "json", "parquet": "parquet"},
    **{"sdmx-csv": "csv", "sdmx-structure": "xml"},
}
DATAFLOW = sdmx.DATAFLOW  # the dataflow whose structure wpstrack.sdmx publishes
SDMX_SEX = {"total": "_T", "f": "F", "m": "M"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Only web addresses are shown whole: a file:// URL is a server path too.
_URL = re.compile(r"^https?://", re.IGNORECASE)

Columns = tuple[tuple[str, str], ...]  # (name, type): str | int | float | date | datetime


@dataclass(frozen=True)
class Options:
    """What to narrow an export to."""

    plan: str | None = None  # indicators and their values: one plan
    # Activities and participants: what the public may see (published entries) unless a
    # caller allowed to read drafts asks for them explicitly (``--include-drafts``).
    public: bool = True


@dataclass(frozen=True)
class Table:
    columns: Columns
    rows: Callable[[Connection, Options], list[dict[str, Any]]]


def _mappings(conn: Connection, stmt: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(stmt).mappings()]


def _public(stmt: Any, options: Options) -> Any:
    return stmt.where(visibility.activities(options.public))


def public_source(source: str | None, filename: str | None) -> str | None:
    """Where a document came from, as an export may say it: its URL, or its file name.

    A local source is a path on the server (the inbox, an upload directory): it tells the
    reader nothing and discloses the server's layout, so only its last part is given.
    """
    if source is None:
        return None
    if _URL.match(source):
        return source
    return filename or PurePath(source.replace("\\", "/")).name or None


def _activities(conn: Connection, options: Options) -> list[dict[str, Any]]:
    act, doc, link = schema.activity, schema.document, schema.activity_link
    stmt = select(
        *(act.c[name] for name, _ in ACTIVITY_COLUMNS if name in act.c),
        doc.c.source.label("document_source"),
        doc.c.filename.label("document_filename"),
    ).outerjoin(doc, doc.c.id == act.c.document_id)
    rows = _mappings(conn, _public(stmt, options).order_by(act.c.id))
    for row in rows:
        row["document_source"] = public_source(row["document_source"], row.pop("document_filename"))
    pillars: dict[int, list[str]] = {}
    links = select(link.c.activity_id, link.c.pillar_code).where(link.c.kind == "pillar")
    for aid, code in conn.execute(links.order_by(link.c.activity_id, link.c.pillar_code)):
        pillars.setdefault(aid, []).append(code)
    for row in rows:
        row["pillars"] = ";".join(pillars.get(row["id"], []))
    return rows


def _activity_columns() -> Columns:
    """The catalogue's exported fields in order, the document's source after its id."""
    columns: list[tuple[str, str]] = []
    for f in fields.exported_fields():
        columns.append((f.name, f.type))
        if f.name == "document_id":
            columns.append(("document_source", "str"))
    return tuple(columns)


ACTIVITY_COLUMNS: Columns = _activity_columns()


def _participants(conn: Connection, options: Options) -> list[dict[str, Any]]:
    part, org, person, act = (
        schema.activity_participant,
        schema.organisation,
        schema.person,
        schema.activity,
    )
    stmt = (
        select(
            part.c.id,
            part.c.activity_id,
            part.c.role,
            org.c.code.label("organisation"),
            person.c.family_name,
            person.c.given_name,
            part.c.name,
            part.c.title,
            part.c.affiliation,
            part.c.gender,
        )
        .join(act, act.c.id == part.c.activity_id)
        .outerjoin(org, org.c.id == part.c.organisation_id)
        .outerjoin(person, person.c.id == part.c.person_id)
    )
    return _mappings(conn, _public(stmt, options).order_by(part.c.activity_id, part.c.id))


def _plan_filter(conn: Connection, stmt: Any, options: Options) -> Any:
    if options.plan is None:
        return stmt
    from wpstrack.plans.store import plan_id

    return stmt.where(schema.indicator.c.plan_id == plan_id(conn, options.plan))


def _indicators(conn: Connection, options: Options) -> list[dict[str, Any]]:
    ind, plan, item = schema.indicator, schema.plan, schema.plan_item
    stmt = (
        select(
            plan.c.code.label("plan"),
            ind.c.code,
            ind.c.name,
            item.c.code.label("item"),
            ind.c.unit,
            ind.c.direction,
            ind.c.method,
            ind.c.formula,
            ind.c.disaggregation,
            ind.c.baseline_value,
            ind.c.baseline_period,
        )
        .join(plan, plan.c.id == ind.c.plan_id)
        .outerjoin(item, item.c.id == ind.c.plan_item_id)
    )
    stmt = _plan_filter(conn, stmt, options).order_by(plan.c.code, ind.c.sort_order, ind.c.code)
    rows = _mappings(conn, stmt.add_columns(ind.c.id))
    tgt = schema.indicator_target
    targets: dict[int, dict[str, float]] = {}
    for t in conn.execute(select(tgt).order_by(tgt.c.indicator_id, tgt.c.period)):
        targets.setdefault(t.indicator_id, {})[t.period] = t.value
    for row in rows:
        row["formula"] = json.dumps(row["formula"], sort_keys=True) if row["formula"] else None
        found = targets.get(row.pop("id"))
        row["targets"] = json.dumps(found) if found else None
    return rows


def _indicator_values(conn: Connection, options: Options) -> list[dict[str, Any]]:
    ind, plan, val = schema.indicator, schema.plan, schema.indicator_value
    stmt = (
        select(
            plan.c.code.label("plan"),
            plan.c.country,
            ind.c.code.label("indicator"),
            ind.c.unit,
            val.c.period,
            val.c.sex,
            val.c.value,
            val.c.source,
            val.c.note,
            val.c.status,
            val.c.recorded_by,
            val.c.recorded_at,
            plan.c.fiscal_year_start,
        )
        .join(ind, ind.c.id == val.c.indicator_id)
        .join(plan, plan.c.id == ind.c.plan_id)
    )
    stmt = _plan_filter(conn, stmt, options)
    rows = _mappings(conn, stmt.order_by(plan.c.code, ind.c.code, val.c.period))
    order = {"total": 0, "f": 1, "m": 2}
    return sorted(rows, key=lambda r: (r["plan"], r["indicator"], r["period"], order[r["sex"]]))


def _contributions(conn: Connection, options: Options) -> list[dict[str, Any]]:
    c, org = schema.contribution, schema.organisation
    donor, recipient = aliased(org), aliased(org)
    stmt = (
        select(
            c.c.id,
            donor.c.code.label("donor"),
            c.c.donor_name,
            recipient.c.code.label("recipient"),
            c.c.recipient_name,
            c.c.amount,
            c.c.currency,
            c.c.date,
            c.c.year,
            c.c.pillar_code.label("pillar"),
            c.c.gender_marker,
            c.c.transaction_type,
            c.c.reference,
            c.c.purpose_code,
            c.c.recipient_country,
            c.c.source,
            c.c.note,
        )
        .outerjoin(donor, donor.c.id == c.c.donor_id)
        .outerjoin(recipient, recipient.c.id == c.c.recipient_id)
    )
    rows = _mappings(conn, stmt.order_by(c.c.date, c.c.id))
    for row in rows:
        # Amounts stay exact decimals (SQLite hands NUMERIC back as a float), never binary
        # floats: a number in XLSX and Parquet, an exact string in CSV and JSON.
        row["amount"] = Decimal(str(row["amount"])).quantize(Decimal("0.01"))
    return rows


TABLES: dict[str, Table] = {
    "activities": Table(ACTIVITY_COLUMNS, _activities),
    "participants": Table(
        (
            *(("id", "int"), ("activity_id", "int"), ("role", "str"), ("organisation", "str")),
            *(("family_name", "str"), ("given_name", "str"), ("name", "str"), ("title", "str")),
            *(("affiliation", "str"), ("gender", "str")),
        ),
        _participants,
    ),
    "indicators": Table(
        (
            *(("plan", "str"), ("code", "str"), ("name", "str"), ("item", "str")),
            *(("unit", "str"), ("direction", "str"), ("method", "str"), ("formula", "str")),
            *(("disaggregation", "str"), ("baseline_value", "float")),
            *(("baseline_period", "str"), ("targets", "str")),
        ),
        _indicators,
    ),
    "indicator_values": Table(
        (
            *(("plan", "str"), ("country", "str"), ("indicator", "str"), ("unit", "str")),
            *(("period", "str"), ("sex", "str"), ("value", "float"), ("source", "str")),
            *(("note", "str"), ("status", "str"), ("recorded_by", "str")),
            ("recorded_at", "datetime"),
        ),
        _indicator_values,
    ),
    "contributions": Table(
        (
            *(("id", "int"), ("donor", "str"), ("donor_name", "str"), ("recipient", "str")),
            *(("recipient_name", "str"), ("amount", "decimal"), ("currency", "str")),
            *(("date", "date"), ("year", "int"), ("pillar", "str"), ("gender_marker", "int")),
            *(("transaction_type", "str"), ("reference", "str"), ("purpose_code", "str")),
            *(("recipient_country", "str"), ("source", "str"), ("note", "str")),
        ),
        _contributions,
    ),
}


def _text(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _plain(value: Any) -> Any:
    """A JSON / CSV value: dates and instants in ISO 8601, decimals as exact strings."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _csv(columns: Columns, rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([name for name, _ in columns])
    for row in rows:
        writer.writerow([_text(_plain(row.get(name))) for name, _ in columns])
    return buffer.getvalue().encode()


def _json(columns: Columns, rows: list[dict[str, Any]]) -> bytes:
    out = [{name: _plain(row.get(name)) for name, _ in columns} for row in rows]
    return (json.dumps(out, ensure_ascii=False, indent=1) + "\n").encode()


def _xlsx(columns: Columns, rows: list[dict[str, Any]], name: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(name)
    sheet.append([c for c, _ in columns])
    for row in rows:
        sheet.append([_text(_naive(row.get(c))) for c, _ in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _naive(value: Any) -> Any:
    # Spreadsheets have no time zones: instants are written in UTC without one.
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _parquet(columns: Columns, rows: list[dict[str, Any]]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {
        "str": pa.string(),
        "int": pa.int64(),
        "float": pa.float64(),
        "date": pa.date32(),
        "datetime": pa.timestamp("us", tz="UTC"),
        "decimal": pa.decimal128(18, 2),
    }
    schema_ = pa.schema([(name, types[kind]) for name, kind in columns])
    data = {name: [row.get(name) for row in rows] for name, _ in columns}
    table = pa.Table.from_pydict(data, schema=schema_)
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def sdmx_period(period: str, fiscal_year_start: int | None = None) -> str:
    """An SDMX TIME_PERIOD: fiscal years become time ranges starting in the plan's month
    (April when the plan does not say), quarters and years pass unchanged."""
    if period.startswith("FY") and period[2:].isdigit():
        return f"{period[2:]}-{fiscal_year_start or 4:02d}-01/P1Y"
    return period


SDMX_COLUMNS = (
    *("STRUCTURE", "STRUCTURE_ID", "ACTION"),
    *("REF_AREA", "NAP", "INDICATOR", "SEX", "TIME_PERIOD", "OBS_VALUE"),
    *("UNIT_MEASURE", "OBS_SOURCE", "COMMENT"),
)


def _sdmx_csv(rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SDMX_COLUMNS)
    for r in rows:
        if r["status"] != "approved" and r["source"] != "computed":
            continue  # waiting for approval: not published
        writer.writerow(
            [
                "dataflow",
                DATAFLOW,
                "I",
                sdmx.sdmx_id(r["country"]),
                sdmx.sdmx_id(r["plan"]),
                sdmx.sdmx_id(r["indicator"]),
                SDMX_SEX.get(r["sex"], r["sex"]),
                sdmx_period(r["period"], r["fiscal_year_start"]),
                repr(float(r["value"])),
                sdmx.sdmx_id(r["unit"]),
                _text(r["source"] or ""),
                _text(r["note"] or ""),
            ]
        )
    return buffer.getvalue().encode()


def export(conn: Connection, table: str, fmt: str, options: Options | None = None) -> bytes:
    """The whole ``table`` in ``fmt``, as bytes to write to a file or send as a download."""
    if table not in TABLES:
        raise InvalidInput(f"cannot export {table!r}; tables: {', '.join(TABLES)}")
    if fmt not in FORMATS:
        raise InvalidInput(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    if fmt.startswith("sdmx") and table != "indicator_values":
        raise InvalidInput("SDMX-CSV and its structure are written for indicator_values only")
    if fmt == "sdmx-structure":
        return sdmx.structure_message(conn)
    spec = TABLES[table]
    rows = spec.rows(conn, options or Options())
    if fmt == "csv":
        return _csv(spec.columns, rows)
    if fmt == "json":
        return _json(spec.columns, rows)
    if fmt == "xlsx":
        return _xlsx(spec.columns, rows, table)
    if fmt == "parquet":
        return _parquet(spec.columns, rows)
    return _sdmx_csv(rows)


def filename(table: str, fmt: str) -> str:
    """The download name of an export: ``indicator_values.sdmx.csv``, ``activities.xlsx``."""
    if fmt == "sdmx-csv":
        return f"{table}.sdmx.csv"
    if fmt == "sdmx-structure":
        return f"{table}.sdmx-structure.xml"
    return f"{table}.{EXTENSIONS[fmt]}"


def write_rows(columns: Columns, rows: list[dict[str, Any]], fmt: str, name: str) -> bytes:
    """Rows computed elsewhere (the 3W matrix) in ``fmt`` (csv, xlsx or json), written by the
    same writers as the tables, so a download is the same whichever page it comes from."""
    if fmt == "csv":
        return _csv(columns, rows)
    if fmt == "json":
        return _json(columns, rows)
    if fmt == "xlsx":
        return _xlsx(columns, rows, name)
    raise InvalidInput(f"format {fmt!r} is not one of csv, xlsx, json")
