"""Indicator values from a CSV or XLSX file: every row checked, a dry run that names every
problem of every row, and a real run that stores the whole file or nothing.

Columns (header row, any case): ``indicator``, ``period``, ``value`` (required), ``sex``
(total, f or m; blank is total), ``source``, ``note``. Rows are grouped by period and each
period is checked as one entry (:func:`wpstrack.indicators.values.plan_entry`), so the rules
over a value's parts see the file's rows and the values already stored together. The file is
read as the funding importer reads its files (:mod:`wpstrack.funding.tables`): rows numbered
as a spreadsheet shows them, blank and ``#`` rows skipped.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any, Literal

from sqlalchemy import Connection

from wpstrack.errors import InvalidInput, WpstrackError
from wpstrack.funding.model import ImportReport, RowOutcome
from wpstrack.funding.tables import RowError, read_table, required_text, text_cell
from wpstrack.indicators.values import EntryIn, plan_entry, plan_period, write_entry

COLUMNS = ("indicator", "period", "sex", "value", "source", "note")
REQUIRED = ("indicator", "period", "value")
_ACTIONS: dict[str, Literal["create", "update", "unchanged"]] = {
    "insert": "create",
    "update": "update",
    "unchanged": "unchanged",
}


def _number(cells: dict[str, Any]) -> float:
    value = cells.get("value")
    if value is None:
        raise RowError("value: empty (it is required)")
    if isinstance(value, bool):
        raise RowError(f"value: {value!r} is not a number")
    try:
        number = float(str(value).replace(",", "").strip())
    except ValueError:
        raise RowError(f"value: {value!r} is not a number") from None
    if not math.isfinite(number):
        raise RowError(f"value: {value!r} is not a finite number")
    return number


def import_values(
    conn: Connection,
    plan_code: str,
    data: bytes,
    name: str,
    *,
    fmt: str | None = None,
    dry_run: bool = False,
    actor: str | None = None,
) -> ImportReport:
    """Check every row of the file; unless ``dry_run``, store them all (none if any row is
    rejected: :class:`InvalidInput` names the rejected rows). The report says, row by row,
    what was (or would be) created, updated, left unchanged or rejected and why."""
    rows = read_table(data, name, COLUMNS, REQUIRED, fmt)
    outcomes: dict[int, RowOutcome] = {}
    by_period: dict[str, list[tuple[int, EntryIn]]] = defaultdict(list)
    for sheet_row in rows:
        cells = sheet_row.cells
        try:
            code = required_text(cells, "indicator", 40)
            period_text = required_text(cells, "period", 20)
            sex = (text_cell(cells, "sex", 8) or "total").lower()
            entry = EntryIn(
                code,
                _number(cells),
                sex,
                text_cell(cells, "source", 2000),
                text_cell(cells, "note", 2000),
            )
            label = plan_period(conn, plan_code, period_text).label
        except (RowError, WpstrackError) as exc:
            reason = exc.message if isinstance(exc, WpstrackError) else str(exc)
            outcomes[sheet_row.number] = RowOutcome(
                row=sheet_row.number, action="reject", reason=reason
            )
            continue
        by_period[label].append((sheet_row.number, entry))
    checked = []
    for label, numbered in by_period.items():
        entries = [entry for _, entry in numbered]
        plan = plan_entry(conn, plan_code, label, entries)
        reasons: dict[int, list[str]] = defaultdict(list)
        for indices, problem in plan.problems:
            for i in indices:
                reasons[i].append(problem)
        for i, ((number, entry), action) in enumerate(zip(numbered, plan.actions, strict=True)):
            key = f"{entry.indicator} {label} {entry.sex}"
            if reasons[i]:
                outcomes[number] = RowOutcome(
                    row=number, action="reject", key=key, reason="; ".join(reasons[i])
                )
            else:
                outcomes[number] = RowOutcome(
                    row=number,
                    action=_ACTIONS[action],
                    key=key,
                    values={"value": entry.value, "source": entry.source, "note": entry.note},
                )
        checked.append(plan)
    report = ImportReport(
        file=name,
        table="indicator_value",
        dry_run=dry_run,
        rows=[outcomes[n] for n in sorted(outcomes)],
    )
    if dry_run:
        return report
    rejected = report.of("reject")
    if rejected:
        listed = "; ".join(f"row {r.row}: {r.reason}" for r in rejected[:10])
        more = (
            f"; and {len(rejected) - 10} more (a dry run lists them all)"
            if len(rejected) > 10
            else ""
        )
        raise InvalidInput(
            f"{len(rejected)} row{'s' * (len(rejected) != 1)} rejected, nothing from this file "
            f"was written — {listed}{more}",
            name,
            problems=[f"row {r.row}: {r.reason}" for r in rejected],
        )
    for plan in checked:
        write_entry(conn, plan, actor=actor)
    return report
