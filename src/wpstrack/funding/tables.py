"""Reading the funding files: CSV or XLSX into numbered rows of cells, and cell parsers.

Both formats hold one header row and one record per row. Headers are matched without regard
to case, surrounding spaces, or spaces versus underscores (``Transaction type`` is
``transaction_type``). Rows are numbered as a spreadsheet shows them, the header being row 1,
so a reported row number is the one the user sees. Blank rows, and rows whose first cell
starts with ``#`` (comments, such as a note that a file is illustrative), are skipped.
An XLSX workbook is read from its first sheet.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from wpstrack.errors import InvalidInput

FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class SheetRow:
    """One data row: its number as a spreadsheet shows it, and its cells by column."""

    number: int
    cells: dict[str, Any]


class RowError(Exception):
    """One cell of one row is wrong; the importer collects these as rejections."""


def file_format(name: str, fmt: str | None) -> str:
    """``csv`` or ``xlsx``: ``fmt`` when given, else the file's extension."""
    chosen = (fmt or PurePath(name).suffix.lstrip(".")).lower()
    if chosen not in FORMATS:
        raise InvalidInput(
            f"cannot tell the format from {chosen or 'no extension'!r}; "
            "expected .csv or .xlsx (or give the format)",
            name,
        )
    return chosen


def _column_key(header: Any) -> str:
    return re.sub(r"[\s_]+", "_", str(header or "").strip().casefold())


def _check_header(
    header: Sequence[Any], columns: Sequence[str], required: Sequence[str], name: str
) -> list[str]:
    keys = [_column_key(h) for h in header]
    where = f"{name}, row 1"
    for i, key in enumerate(keys):
        if key and key in keys[:i]:
            raise InvalidInput(f"column {key!r} appears twice", where)
        if key and key not in columns:
            raise InvalidInput(f"unknown column {key!r}; expected {', '.join(columns)}", where)
    missing = [c for c in required if c not in keys]
    if missing:
        raise InvalidInput(f"the header lacks the column(s) {', '.join(missing)}", where)
    return keys


def _is_skipped(values: Sequence[Any]) -> bool:
    if all(v is None or str(v).strip() == "" for v in values):
        return True
    first = values[0] if values else None
    return isinstance(first, str) and first.lstrip().startswith("#")


def _rows(
    records: Iterable[tuple[int, Sequence[Any]]],
    columns: Sequence[str],
    required: Sequence[str],
    name: str,
) -> list[SheetRow]:
    header: list[str] | None = None
    rows: list[SheetRow] = []
    for number, values in records:
        if _is_skipped(values):
            continue
        if header is None:
            header = _check_header(values, columns, required, name)
            continue
        if len(values) > len(header) and any(str(v).strip() for v in values[len(header) :]):
            raise InvalidInput(
                f"{len(values)} cells but the header has {len(header)}", f"{name}, row {number}"
            )
        cells = {key: _clean(v) for key, v in zip(header, values, strict=False) if key}
        rows.append(SheetRow(number, cells))
    if header is None:
        raise InvalidInput("the file is empty: no header row", name)
    return rows


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def read_table(
    data: bytes, name: str, columns: Sequence[str], required: Sequence[str], fmt: str | None
) -> list[SheetRow]:
    """The data rows of a CSV or XLSX file; a malformed file raises before any row is read."""
    if file_format(name, fmt) == "xlsx":
        return _rows(_xlsx_records(data, name), columns, required, name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"not UTF-8 text (byte {exc.start} cannot be decoded)", name) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _rows(enumerate(reader, start=1), columns, required, name)
    except csv.Error as exc:
        raise InvalidInput(f"malformed CSV: {exc}", f"{name}, row {reader.line_num}") from None


def _xlsx_records(data: bytes, name: str) -> list[tuple[int, Sequence[Any]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML and key errors alike
        raise InvalidInput(f"not an XLSX spreadsheet ({type(exc).__name__}: {exc})", name) from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise InvalidInput("the workbook has no sheet", name)
        return list(enumerate(sheet.iter_rows(values_only=True), start=1))
    finally:
        workbook.close()


# --- cells ------------------------------------------------------------------------------------

_PLAIN_NUMBER = re.compile(r"\d+(\.\d+)?")
_GROUPED_NUMBER = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")


def text_cell(cells: dict[str, Any], column: str, max_length: int = 300) -> str | None:
    """The cell as text, or None when empty; longer than ``max_length`` is an error."""
    value = cells.get(column)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if len(text) > max_length:
        raise RowError(f"{column}: longer than {max_length} characters")
    return text or None


def required_text(cells: dict[str, Any], column: str, max_length: int = 300) -> str:
    """The cell as text; an empty cell is an error."""
    text = text_cell(cells, column, max_length)
    if text is None:
        raise RowError(f"{column}: empty (it is required)")
    return text


def decimal_cell(cells: dict[str, Any], column: str, places: int) -> Decimal:
    """A positive number with at most ``places`` decimals: 1250000, 1,250,000.50 or a cell."""
    value = cells.get(column)
    if value is None:
        raise RowError(f"{column}: empty (it is required)")
    if isinstance(value, bool):
        raise RowError(f"{column}: {value!r} is not a number")
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        text = str(value).strip()
        if not (_PLAIN_NUMBER.fullmatch(text) or _GROUPED_NUMBER.fullmatch(text)):
            raise RowError(
                f"{column}: {text!r} is not a number (write 1250000, 1250000.50 or 1,250,000.50)"
            )
        number = Decimal(text.replace(",", ""))
    try:
        if not number.is_finite() or number <= 0:
            raise RowError(f"{column}: {value} is not a positive number")
        exponent = number.normalize().as_tuple().exponent
    except InvalidOperation:
        raise RowError(f"{column}: {value!r} is not a number") from None
    if isinstance(exponent, int) and -exponent > places:
        raise RowError(f"{column}: {value} has more than {places} decimal places")
    return number


def date_cell(cells: dict[str, Any], column: str) -> date:
    """An ISO date (YYYY-MM-DD) or a spreadsheet date cell."""
    value = cells.get(column)
    if value is None:
        raise RowError(f"{column}: empty (it is required)")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise RowError(f"{column}: {value!r} is not a date written YYYY-MM-DD") from None


def int_cell(cells: dict[str, Any], column: str) -> int | None:
    """A whole number, or None when empty (``2023`` and ``2023.0`` alike)."""
    value = cells.get(column)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    if not re.fullmatch(r"\d+", text):
        raise RowError(f"{column}: {value!r} is not a whole number")
    return int(text)


def currency_cell(cells: dict[str, Any], column: str) -> str:
    """An ISO 4217 currency code, upper-cased (``usd`` is ``USD``)."""
    import pycountry

    code = required_text(cells, column, 10).upper()
    if pycountry.currencies.get(alpha_3=code) is None:
        raise RowError(f"{column}: {code!r} is not an ISO 4217 currency code (e.g. USD, JPY)")
    return code
