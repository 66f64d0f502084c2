"""Exchange rates the user supplies, and conversion to one reporting currency.

wpstrack never fetches a rate and never guesses one: an amount whose currency and year have
no rate in the table is reported as missing (:class:`~wpstrack.errors.MissingRate`).

Rate file layout (CSV or XLSX, one header row):

===================  ========  ================================================================
column               required  meaning
===================  ========  ================================================================
currency             yes       ISO 4217 code of the amounts to convert (JPY)
year                 yes       the contributions' reporting year the rate applies to
rate                 yes       how many units of reporting_currency one unit of currency is
                               worth (JPY to USD 2023: 0.0071), at most 12 decimals
reporting_currency   yes       ISO 4217 code totals are given in (USD)
source               no        where the rate comes from (e.g. an annual average's publisher)
===================  ========  ================================================================

A rate is keyed by currency, year and reporting currency: importing a file again updates the
rates that differ and leaves the rest untouched.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from wpstrack import schema
from wpstrack.errors import MissingRate
from wpstrack.funding.importing import apply, read_file, shown
from wpstrack.funding.model import Action, ImportReport, MissingRateItem, RowOutcome
from wpstrack.funding.tables import (
    RowError,
    currency_cell,
    decimal_cell,
    int_cell,
    read_table,
    text_cell,
)

COLUMNS = ("currency", "year", "rate", "reporting_currency", "source")
REQUIRED = COLUMNS[:4]
RateKey = tuple[str, int]  # (currency, year)


def _parse_rate(cells: dict[str, Any]) -> dict[str, Any]:
    currency = currency_cell(cells, "currency")
    reporting = currency_cell(cells, "reporting_currency")
    if currency == reporting:
        raise RowError("currency and reporting_currency are the same (that rate is always 1)")
    year = int_cell(cells, "year")
    if year is None or not 1900 <= year <= 2200:
        raise RowError(f"year: {cells.get('year')!r} is not a plausible year")
    return {
        "currency": currency,
        "year": year,
        "rate": decimal_cell(cells, "rate", 12),
        "reporting_currency": reporting,
        "source": text_cell(cells, "source", 2000),
    }


def _rate_outcome(number: int, values: dict[str, Any], old: dict[str, Any] | None) -> RowOutcome:
    display = {k: shown(v) for k, v in values.items()}
    changes = {
        col: [shown(old[col]), display[col]]
        for col in ("rate", "source")
        if old is not None and old[col] != values[col]
    }
    action: Action = "create" if old is None else "update" if changes else "unchanged"
    return RowOutcome(
        row=number,
        action=action,
        key=f"{values['currency']} {values['year']} → {values['reporting_currency']}",
        id=old["id"] if old else None,
        values=display,
        changes=changes or None,
    )


def plan_rates(
    conn: Connection, data: bytes, name: str, *, fmt: str | None = None
) -> tuple[ImportReport, dict[int, dict[str, Any]]]:
    """What importing the rate file would do, row by row, and the rates to write (by row)."""
    r = schema.exchange_rate
    stored = {
        (row.currency, row.year, row.reporting_currency): dict(row._mapping)
        for row in conn.execute(select(r))
    }
    outcomes: list[RowOutcome] = []
    parsed: dict[int, dict[str, Any]] = {}
    seen: dict[tuple[str, int, str], int] = {}
    for row in read_table(data, name, COLUMNS, REQUIRED, fmt):
        try:
            values = _parse_rate(row.cells)
        except RowError as exc:
            outcomes.append(RowOutcome(row=row.number, action="reject", reason=str(exc)))
            continue
        key = (values["currency"], values["year"], values["reporting_currency"])
        if key in seen:
            reason = f"a second rate for {' '.join(map(str, key))} (first at row {seen[key]})"
            outcomes.append(RowOutcome(row=row.number, action="reject", reason=reason))
            continue
        seen[key] = row.number
        parsed[row.number] = values
        outcomes.append(_rate_outcome(row.number, values, stored.get(key)))
    return ImportReport(file=name, table=r.name, dry_run=True, rows=outcomes), parsed


def import_rates(
    conn: Connection,
    data: bytes,
    name: str,
    *,
    dry_run: bool = False,
    fmt: str | None = None,
    actor: str | None = None,
) -> ImportReport:
    """Import a rate file (all or nothing); with ``dry_run`` only report what would happen."""
    report, parsed = plan_rates(conn, data, name, fmt=fmt)
    return report if dry_run else apply(conn, schema.exchange_rate, report, parsed, actor)


def import_rates_file(conn: Connection, path: Path, **options: Any) -> ImportReport:
    """:func:`import_rates` on a file on disk."""
    return import_rates(conn, read_file(path), path.name, **options)


def rate_table(conn: Connection, reporting_currency: str) -> dict[RateKey, Decimal]:
    """Every rate into ``reporting_currency``, by (currency, year)."""
    r = schema.exchange_rate
    rows = conn.execute(
        select(r.c.currency, r.c.year, r.c.rate).where(r.c.reporting_currency == reporting_currency)
    )
    return {(cur, year): Decimal(rate) for cur, year, rate in rows}


def list_rates(conn: Connection) -> list[dict[str, Any]]:
    """Every rate, by reporting currency, currency and year."""
    r = schema.exchange_rate
    stmt = select(r.c.currency, r.c.year, r.c.rate, r.c.reporting_currency, r.c.source)
    order = (r.c.reporting_currency, r.c.currency, r.c.year)
    return [dict(row) for row in conn.execute(stmt.order_by(*order)).mappings()]


def reporting_currencies(conn: Connection) -> list[str]:
    """The reporting currencies the rate table can convert into."""
    r = schema.exchange_rate
    return list(
        conn.execute(
            select(r.c.reporting_currency).distinct().order_by(r.c.reporting_currency)
        ).scalars()
    )


class Converter:
    """Converts amounts into one reporting currency and remembers what it could not convert."""

    def __init__(self, conn: Connection, reporting_currency: str) -> None:
        self.currency = reporting_currency.upper()
        self.rates = rate_table(conn, self.currency)
        self.missing: Counter[RateKey] = Counter()
        self._conn = conn

    def convert(self, amount: Decimal, currency: str, year: int) -> Decimal | None:
        """``amount`` in the reporting currency, or None (counted as missing) without a rate."""
        if currency == self.currency:
            return Decimal(amount)
        rate = self.rates.get((currency, year))
        if rate is None:
            self.missing[(currency, year)] += 1
            return None
        return Decimal(amount) * rate

    def missing_items(self) -> list[MissingRateItem]:
        return [
            MissingRateItem(currency=cur, year=year, contributions=n)
            for (cur, year), n in sorted(self.missing.items())
        ]

    def check(self, partial: bool) -> list[MissingRateItem]:
        """The gaps, when ``partial``; otherwise raise MissingRate naming each gap."""
        items = self.missing_items()
        if partial or not items:
            return items
        raise MissingRate(_missing_message(items, self.currency, self._conn), _triples(items))


def _triples(items: Iterable[MissingRateItem]) -> list[tuple[str, int, int]]:
    return [(i.currency, i.year, i.contributions) for i in items]


def _missing_message(items: list[MissingRateItem], currency: str, conn: Connection) -> str:
    gaps = ", ".join(
        f"{i.currency} {i.year} ({i.contributions} contribution{'s' * (i.contributions != 1)})"
        for i in items
    )
    others = [c for c in reporting_currencies(conn) if c != currency]
    hint = f"; the rate table also converts into {', '.join(others)}" if others else ""
    return (
        f"no exchange rate into {currency} for {gaps}: add them with "
        f"'wpstrack funding rates import FILE' (wpstrack never guesses a rate){hint}"
    )


def quantize(amount: Decimal) -> Decimal:
    """A total rounded to cents, half to even, once, after summing the exact products."""
    return amount.quantize(Decimal("0.01"))
